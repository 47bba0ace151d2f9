# std.web: flows a web tester reaches for. Use with `use std.web`.

# Open a page and wait until a heading with the given text is visible.
flow open_page(path, heading) {
    open path
    expect role heading heading visible
}

# Sign in through a conventional form: fields labelled "Username" and
# "Password", and a button named "Sign in".
flow sign_in(user, password) {
    fill label "Username" with user
    fill label "Password" with password
    click role button "Sign in"
}

# Type a query into a search field and submit it with Enter.
flow search_for(field, query) {
    fill field with query
    press "Enter" on field
}

# Click a cookie-consent button when a banner shows one; do nothing otherwise.
flow accept_cookies(button_text) {
    if visible role button button_text {
        click role button button_text
        expect role button button_text hidden
    }
}

# Expect the page to be at a path and to have a title containing some text.
flow expect_page(path, title) {
    expect url contains path
    expect title contains title
}

# Fill a field, leave it with Tab, and expect the field to keep the value.
flow fill_and_verify(field, value) {
    fill field with value
    press "Tab"
    expect field has value value
}
