# Scenarios that fail on purpose, to show what a failure report looks like.
# They are kept out of examples/shop so that `make demo` passes:
#   panoptic run examples/failing --output panoptic-results/failing
use "../shop/shop.pan"

scenario "the welcome message names someone else (fails: wrong expected text)" on shop tags failing {
    login(user, password)
    expect testid "welcome" has text "Welcome, mallory" within 2s
}

scenario "buying the sold-out lamp (fails: its button is disabled)" on shop tags failing {
    open "/"
    click testid "add-lamp"
    expect "#cart-count" has text "1" within 2s
}
