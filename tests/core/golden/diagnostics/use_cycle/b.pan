use "./a.pan"

flow from_b() {
    log "b"
}

scenario "b" on shop {
    from_b()
}
