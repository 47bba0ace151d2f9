app shop: web {
    url: "http://127.0.0.1:9"
}

let unused_but_silenced = 1  # pan: ignore[PAN213]
# pan: ignore[PAN213]
let silenced_from_above = 2
let reported = 3

scenario "suppression" on shop {
    wait 5 # pan: ignore[PAN501]
}
