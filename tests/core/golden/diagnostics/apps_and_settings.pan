app shop: webb {
    url: "http://x"
}
app site: web {
    serve: "no-such-folder"
    timeout: 5
    browser: safari
    headless: maybe
}
app notes: desktop {
    cwd: "."
}
app phone: mobile {
    platform: "android"
}
app phone: mobile {
    platform: "ios"
}
scenario "no app" {
    log "x"
}
scenario "phone opens" on phone {
    open "/x"
    record video
    select "a" in "#b"
}
scenario "desktop" on notes {
    type "hello" into text "Name"
    press "ctrl+s"
    expect text "Saved" on screen within 5s
    scroll down by 3
    click role button "OK"
}
scenario "web" on site {
    repeat 2.5 times {
        click "#a"
    }
    repeat 1 times {
    }
    expect "#n" count 3s
    click image "logo.txt"
    if visible "#x" {
        record video
    } else {
        log "x"
    }
    wait until "#x" shown
    click "#a" else {
        log "y"
    }
    log "${unknown_var}"
    let n = lower("A", "B")
    let m = nothing()
    log "${n} ${m}"
    click "#a" # pan: ignore
    undefined_flow()
    env("X")
}
