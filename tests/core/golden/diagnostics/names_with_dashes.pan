# Names may hold `-` (docs/language.md, Lexical structure); `${…}` reads them as the grammar does.
app shop: web {
    url: "https://example.com"
}

let first-name = "Ann"
let user = {last-name: "Lee"}
let unused-one = 1

scenario "greet" on shop {
    log "hello ${first-name} ${user.last-name}"
    log "not a name: ${first name}"
}
