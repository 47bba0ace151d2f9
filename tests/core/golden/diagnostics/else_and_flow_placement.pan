# `else` on its own line, and declarations written inside a scenario, say how to write them.
app shop: web {
    url: "http://127.0.0.1:9"
}

scenario "placement" on shop {
    if visible "#banner" {
        click "#close"
    }
    else {
        log "no banner"
    }
    flow login(name) {
        log name
    }
    flow logout {
        log "bye"
    }
}
