# The example shop: the app under test and the flows its scenarios share.
# The suite files next to this one bring it in with `use "./shop.pan"`.

app shop: web {
    serve: "site"
    viewport: 1280x720
    timeout: 10s
}

let user = env("SHOP_USER", "alice")
secret password = env("SHOP_PASSWORD", "s3cret!")

flow login(name, pw) {
    open "/login.html"
    fill "#username" with name
    fill label "Password" with pw
    click role button "Sign in"
    expect text "Welcome, ${name}" visible
}

flow add_to_cart(product) {
    click testid "add-${product}"
}
