# Words users bring from other tools get a did-you-mean for the Panoptic form.
app shop: web {
    url: "http://127.0.0.1:9"
}

app notes: desktop {
    command: "python3 notes.py"
}

scenario "web words" on shop {
    goto "/cart"
    visit "/cart"
    navigate "/cart"
    click button "Add"
    expect title "About"
    press Enter
    back
    open http://example.com/about
    open /about
    wait "soon"
}

scenario "desktop targets" on notes {
    click "#save"
}
