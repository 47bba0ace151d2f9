app shop web {
    url: "http://x"
}
scenario "a" on shop {
    click "#a
    fill "#b" with ) 
    wait 5s
}
scenario "b" on shop {
    click "#c" @
    if visible "x" {
        log "y"
