app shop: web {
    url: "https://example.com"
}

let base = "https://example.com"
secret token = "t0k3n"

flow open_home() {
    open base
}
