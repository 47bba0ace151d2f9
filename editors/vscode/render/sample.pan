# The shop's checkout, as a Panoptic suite.
use std.web

app shop: web {
    serve: "site"          # a folder served on a free port
    viewport: 1280x720
    timeout: 10s
}

let user = env("SHOP_USER", "alice")
secret password = env("SHOP_PASSWORD", "s3cret!")

flow login(name, pw) {
    open "/login"
    fill "#username" with name
    fill label "Password" with pw
    click role button "Sign in"
    expect text "Welcome, ${name}" visible
}

scenario "checkout with one item" on shop tags smoke, checkout {
    record video
    login(user, password)
    click text "Add to cart"
    expect "#cart-count" has text "1" within 5s
    repeat 3 times { click "#inc" }
    if visible "#banner" {
        click "#close"
    } else {
        log "no banner"
    }
    screenshot "cart"
}
