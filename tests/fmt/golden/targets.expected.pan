app notes: desktop {
    command: "python3 app.py"
    window: "Panoptic Notes"
}

app phone: mobile {
    platform: "linux"
    url: env("TASKS_URL", "http://127.0.0.1:8765")
}

scenario "desktop targets" on notes {
    click at 290, 131
    click image "greet.png"
    drag text "a" to text "b"
    move to id "x"
    press "ctrl+s"
    expect text "Hello, Ada" visible within 5s
}

scenario "mobile targets" on phone {
    tap "#new-task"
    double tap xpath "//li[text()='Buy milk']"
    long press xpath "//li[text()='Call the bank']" for 1s
    swipe from id "a" to id "b"
    swipe up
    hide keyboard
    scroll to "#end-of-list"
    expect "#status" has text "Long pressed: ${item.name}"
}
