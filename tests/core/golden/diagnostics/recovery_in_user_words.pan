# Recovery never shows its own marker: each message says what was found and what was expected.
app shop: web {
    url = "http://127.0.0.1:9"
    timeout: 5s
}

let sizes = ["S", "M"
let colour = "red"

scenario "lists and calls left open" on shop {
    let names = ["a",
        "b"
    log colour
    log env("HOME"
    log "${sizes} ${names}"
}
