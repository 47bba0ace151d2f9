# Signing in: the right password, a wrong one, and the keyboard.
use "./shop.pan"

scenario "sign in with the right password" on shop tags smoke, login {
    login(user, password)
    expect testid "welcome" has text "Welcome, ${user}"
    expect testid "error" hidden
    expect title is "Shop - Sign in"
}

scenario "a wrong password shows an error" on shop tags login {
    open "/login.html"
    fill "#username" with "bob"
    fill placeholder "Password" with "wrong"
    submit "#login-form"
    expect role alert visible
    expect testid "error" has text "Wrong password"
    expect "#password" has value ""
    expect testid "welcome" hidden
}

scenario "an empty name is refused" on shop tags login {
    open "/login.html"
    fill label "Password" with password
    click role button "Sign in"
    expect testid "error" has text "Please enter a user name"
}

scenario "Enter signs in, for several users" on shop tags login {
    for each name in ["carol", "dave"] {
        open "/login.html"
        type name into "#username"
        fill label "Password" with password
        press "Enter" on label "Password"
        expect text "Welcome, ${name}" visible within 5s
    }
}
