# Scenario ids are `<file>::<title>`: two files may share a title, one file may not.
app shop: web {
    url: "https://example.com"
}

scenario "add to cart" on shop {
    click "#add"
}

scenario "add to cart" on shop {
    click "#add-again"
}
