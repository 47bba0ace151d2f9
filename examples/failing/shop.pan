# Scenarios that fail on purpose, to show what a failure report looks like.
# They are kept out of examples/shop so that `make demo` passes:
#   panoptic run examples/failing --output panoptic-results/failing
use "../shop/shop.pan"

scenario "the welcome message names someone else" on shop tags failing {
    login(user, password)
    expect testid "welcome" has text "Welcome, mallory" within 2s
}

scenario "the sold-out lamp cannot be bought" on shop tags failing {
    open "/"
    click testid "add-lamp"
    expect "#cart-count" has text "1" within 2s
}
