app shop: web {
    url: "http://127.0.0.1:9"
}

let user = { name: "ada", role: "admin"

scenario "after a map that is never closed" on shop {
    open "/"
    log "${user.name}"
}

scenario "a map inside a scenario, never closed" on shop {
    let form = {
        name: "ada",
        mail: "ada@example.com"
    fill "#name" with "ada"
    log "${form}"
}
