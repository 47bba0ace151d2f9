use "./apps.pan"

flow buy(item) {
    open_home()
    click item
    fill "#token" with token
}
