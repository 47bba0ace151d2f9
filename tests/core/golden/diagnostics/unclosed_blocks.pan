app shop: web {
    url: "http://127.0.0.1:9"
    timeout: 5s

flow login(name) {
    fill "#user" with name
}

scenario "after an app block that is never closed" on shop {
    login("ada")
}

app phone: mobile {
    platform: "android"
    browser: "chrome"
    capabilities: { "appium:noReset": true
}

scenario "on the phone" on phone {
    tap "#ok"
}

scenario "a scenario whose block is never closed" on shop {
    login("ada")

scenario "the scenario after it is still read" on shop {
    login("bob")
}
