# PAN308 lists the forms closest to what was written first, and says how many more exist.
app shop: web {
    url: "http://127.0.0.1:9"
}

scenario "near misses" on shop {
    expect "#price" has txt "9.99"
    expect "#field" has valu "mug"
    expect "#banner" visble
}
