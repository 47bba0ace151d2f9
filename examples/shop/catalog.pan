# The product list: searching, options, waits, hover and scrolling.
use "./shop.pan"

setup {
    open "/"
}

scenario "the product list shows every product" on shop tags smoke {
    expect title is "Shop - Products"
    expect ".product" count 6
    expect "#search-status" has text "6 products"
    expect testid "add-mug" enabled
    expect testid "add-lamp" disabled
    expect testid "add-lamp" has text "Sold out"
}

scenario "search filters the list as you type" on shop tags search {
    fill placeholder "Search products" with "o"
    expect ".product:not([hidden])" count 3
    expect "#search-status" has text "3 of 6 products match \"o\""
    type "ck" into "#search"
    expect testid "product-socks" visible
    expect testid "product-mug" hidden
    expect "#search-status" contains "1 of 6"
    fill "#search" with ""
    expect ".product:not([hidden])" count 6
}

scenario "size and gift wrap go with the item" on shop tags cart {
    select "Large" in "#size"
    expect "#size" has value "L"
    check label "Gift wrap"
    expect "#gift-wrap" checked
    add_to_cart("mug")
    expect "#added" has text "Added Mug (Large) with gift wrap"
    uncheck "#gift-wrap"
    expect "#gift-wrap" not checked
    add_to_cart("notebook")
    expect "#added" has text "Added Notebook (Large)"
    expect "#cart-count" has text "2"
}

scenario "the promotion shows up late and can be dismissed" on shop tags waits {
    wait until testid "promo" visible within 3s
    expect text "Free shipping today!" visible
    right click testid "promo"
    expect testid "promo" hidden within 2s
}

scenario "details, help and the end of the page" on shop {
    expect "[data-testid=product-notebook] .details" hidden
    double click text "Notebook"
    expect text "A5, dotted pages." visible
    hover "#help"
    expect "#help-text" has text "We ship worldwide"
    scroll down by 600
    scroll to "#footer"
    expect "#footer" contains "no real orders"
    screenshot "catalog-bottom"
}
