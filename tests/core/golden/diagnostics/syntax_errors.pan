app shop: web {
    url: "http://127.0.0.1:9"
}

scenario "several errors in one file" on shop {
    click "#a
    fill "#b" with )
    wait 5s
    log "bad ${}"
    log "unclosed ${name"
}

scenario "still checked after the errors" on shop {
    click "#c" @
    if visible "x" {
        log "y"
