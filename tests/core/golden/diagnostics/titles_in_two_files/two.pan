app store: web {
    url: "https://example.com"
}

scenario "add to cart" on store {
    click "#add"
}
