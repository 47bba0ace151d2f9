# A cycle is PAN210; `shop` is defined once and reported nowhere else.
use "./b.pan"

app shop: web {
    url: "https://example.com"
}

scenario "a" on shop {
    from_b()
}
