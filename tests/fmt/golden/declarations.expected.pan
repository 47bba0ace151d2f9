use std.web
use "./other.pan"

app shop: web {
    serve: "site"
    viewport: 1280x720
    timeout: 10s
    headers: {accept: "text/html", "x-trace": "on"}
    retries: [1, 2, 3]
    url: env("SHOP_URL", "http://127.0.0.1:8000")
}

app empty: desktop {}

let user = env("SHOP_USER", "alice")
secret password = env("SHOP_PASSWORD", "s3cret!")
let nested = {a: [1, {b: 2}], "c d": {}, e: []}
let path = config.base.url

flow login(name, pw) {
    open "/login"
    fill "#username" with name
}

flow no_params() {
    log "nothing"
}

scenario "plain" {
    open "/"
}

scenario "on an app" on shop {
    open "/"
}

scenario "tags only" tags smoke, "needs review", slow {
    open "/"
}

scenario "everything" on shop tags a, b {
    login(user, password)
}

setup {
    open "/"
}

teardown {
    log "done"
}
