# A number written with a unit Panoptic does not take names the value and how to write it.
app shop: web {
    url: "http://127.0.0.1:9"
}

scenario "units" on shop {
    scroll down by 200px
    scroll down by 200 px
    expect "#cart" visible within 5 sec
    wait 2 seconds
    wait 5sec
    wait 1.5 min
}
