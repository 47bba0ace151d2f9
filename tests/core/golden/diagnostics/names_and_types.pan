use std.webb
use std.web
app shop: web {
    serv: "."
    viewport: 1280
}
app pc: desktop {
    command: "python3 x.py"
}
let user = "alice"
let unused_thing = 3
secret password = "x"
flow login(name) {
    opne "/login"
    fill "#username" with nme
    wait 5
    login(name)
    tap "#x"
}
flow never() {
    log "x"
}
scenario "a" on shop {
    login(user, password)
    log "pw is ${password}"
    fail "stop"
    click "#after"
    fill "#x"
    click image "missing.png"
}
scenario "a" on shp {
    click "#x"
}
scenario "desk" on pc {
    open "/x"
    login(user)
    repeat 3 times
    expect url is "x" # pan: ignore[PAN306]
}
