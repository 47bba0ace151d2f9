# A mobile web page driven through a real Appium server (Chromium driver).
# The app serves site/ itself; an Appium server must answer on 127.0.0.1:4723
# (`scripts/ci-services.sh start`), or set `server: "local"` to start one.

app phone: mobile {
    platform: "linux"
    browser: "chrome"
    serve: "site"
    timeout: 15s
}

scenario "add a task" on phone tags smoke {
    open "/"
    tap "#new-task"
    type "Feed the cat" into "#new-task"
    tap "#add"
    expect "#status" has text "Added: Feed the cat"
    expect "#task-count" has text "4"
}

scenario "double tap marks a task done, long press is noticed" on phone {
    open "/"
    double tap xpath "//li[text()='Buy milk']"
    expect "#status" has text "Done: Buy milk"
    long press xpath "//li[text()='Call the bank']" for 1s
    expect "#status" has text "Long pressed: Call the bank"
}

scenario "scroll through the long list" on phone {
    open "/"
    swipe up
    scroll to "#end-of-list"
    expect "#end-of-list" visible
    screenshot "end-of-list"
}
