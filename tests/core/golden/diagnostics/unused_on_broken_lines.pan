# What a line that does not parse uses is unknown: names written on it are not reported as never used.
app shop: web {
    url: "https://example.com"
}

let who = "Ann"
let greeting = "hello"
let spare = "never written again"

flow sign_in(name) {
    fill "#name" with name
}

scenario "broken lines" on shop {
    let local = "x"
    let unused_local = "y"
    fill "#name" with who ((
    log "${greeting}" )
    sign_in(local) ]
}
