# The cart: adding items, moving between pages, placing an order.
use "./shop.pan"

scenario "checkout with one item" on shop tags smoke, checkout {
    record video
    login(user, password)
    open "/"
    add_to_cart("mug")
    expect "#cart-count" has text "1" within 5s
    click testid "cart-link"
    expect url contains "/cart.html"
    expect title is "Shop - Cart"
    expect ".cart-item" count 1
    expect testid "cart-item-mug" has text "Mug - Medium"
    expect "#cart-total" has text "12.00 EUR"
    expect testid "place-order" disabled
    check "#terms"
    expect testid "place-order" enabled
    screenshot "cart"
    click role button "Place order"
    expect "#order-status" has text "Order placed: 1 item"
    expect "#cart-count" has text "0"
}

scenario "the cart survives navigation and reloads" on shop tags cart {
    open "/"
    repeat 3 times {
        add_to_cart("socks")
    }
    expect "#cart-count" has text "3"
    click testid "cart-link"
    expect url matches "/cart\\.html$"
    reload
    expect ".cart-item" count 3
    expect "#cart-total" has text "18.00 EUR"
    go back
    expect title is "Shop - Products"
    go forward
    expect title contains "Cart"
    click role button "Clear cart"
    if visible "#cart-empty" {
        log "the cart is empty again"
    } else {
        fail "the cart should be empty after clearing it"
    }
    retry 3 times {
        expect "#cart-total" has text "0.00 EUR" within 1s
    }
}
