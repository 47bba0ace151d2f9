"""The example shop behaves as its .pan suite expects, checked directly with Playwright in headless Chromium."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

SITE = EXAMPLES / "shop" / "site"


@pytest.fixture
def shop(serve) -> str:
    return serve(SITE)


def test_every_page_has_its_title_and_loads_only_local_resources(page, shop):
    titles = {"index.html": "Shop - Products", "login.html": "Shop - Sign in", "cart.html": "Shop - Cart"}
    for name, title in titles.items():
        page.goto(f"{shop}/{name}")
        assert page.title() == title
    assert page.requested
    outside = [url for url in page.requested if not url.startswith(shop) and not url.startswith("data:")]
    assert outside == []


def test_sign_in_with_the_valid_password_for_any_user(page, shop):
    for name in ("alice", "Zoë"):
        page.goto(f"{shop}/login.html")
        page.fill("#username", name)
        page.get_by_label("Password").fill("s3cret!")
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_test_id("welcome").inner_text() == f"Welcome, {name}"
        assert page.get_by_test_id("error").is_hidden()


def test_wrong_password_and_empty_name_show_errors(page, shop):
    page.goto(f"{shop}/login.html")
    page.fill("#username", "bob")
    page.get_by_placeholder("Password").fill("wrong")
    page.locator("#login-form").evaluate("form => form.requestSubmit()")
    assert page.get_by_role("alert").inner_text() == "Wrong password"
    assert page.input_value("#password") == ""
    assert page.get_by_test_id("welcome").is_hidden()

    page.fill("#username", "")
    page.get_by_label("Password").fill("s3cret!")
    page.get_by_label("Password").press("Enter")
    assert page.get_by_test_id("error").inner_text() == "Please enter a user name"


def test_search_filters_products(page, shop):
    page.goto(shop + "/")
    assert page.locator(".product").count() == 6
    page.get_by_placeholder("Search products").fill("o")
    assert page.locator(".product:not([hidden])").count() == 3
    assert page.inner_text("#search-status") == '3 of 6 products match "o"'
    page.locator("#search").press_sequentially("ck")
    assert page.locator(".product:not([hidden])").count() == 1
    assert page.get_by_test_id("product-socks").is_visible()
    page.fill("#search", "")
    assert page.inner_text("#search-status") == "6 products"


def test_options_go_with_the_item_and_the_cart_page_lists_them(page, shop):
    page.goto(shop + "/")
    page.select_option("#size", label="Large")
    page.get_by_label("Gift wrap").check()
    page.get_by_test_id("add-mug").click()
    assert page.inner_text("#added") == "Added Mug (Large) with gift wrap"
    page.get_by_label("Gift wrap").uncheck()
    page.select_option("#size", label="Small")
    page.get_by_test_id("add-socks").click()
    assert page.inner_text("#cart-count") == "2"

    page.get_by_test_id("cart-link").click()
    page.wait_for_url(re.compile(r"/cart\.html$"))
    items = page.locator(".cart-item").all_inner_texts()
    assert items == ["Mug - Large - gift wrapped", "Socks - Small"]
    assert page.inner_text("#cart-total") == "18.00 EUR"
    page.reload()
    assert page.locator(".cart-item").count() == 2


def test_place_order_is_enabled_only_with_items_and_accepted_terms(page, shop):
    page.goto(f"{shop}/cart.html")
    place = page.get_by_role("button", name="Place order")
    assert page.get_by_test_id("cart-empty").is_visible()
    page.check("#terms")
    assert place.is_disabled()

    page.goto(shop + "/")
    page.get_by_test_id("add-poster").click()
    page.goto(f"{shop}/cart.html")
    assert place.is_disabled()
    page.check("#terms")
    assert place.is_enabled()
    place.click()
    assert page.get_by_role("status").filter(has_text="Order placed").inner_text() == "Order placed: 1 item"
    assert page.inner_text("#cart-count") == "0"
    assert place.is_disabled()


def test_sold_out_button_is_disabled(page, shop):
    page.goto(shop + "/")
    button = page.get_by_test_id("add-lamp")
    assert button.is_disabled()
    assert button.inner_text() == "Sold out"


def test_promotion_appears_after_a_delay_and_right_click_dismisses_it(page, shop):
    started = time.monotonic()
    page.goto(shop + "/")
    promo = page.get_by_test_id("promo")
    assert promo.is_hidden()
    promo.wait_for(state="visible", timeout=5000)
    elapsed = time.monotonic() - started
    assert 0.6 < elapsed < 4.0, elapsed
    promo.click(button="right")
    promo.wait_for(state="hidden", timeout=2000)


def test_double_click_hover_and_scroll(page, shop):
    page.goto(shop + "/")
    details = page.locator("[data-testid=product-notebook] .details")
    assert details.is_hidden()
    page.get_by_text("Notebook", exact=True).dblclick()
    assert details.is_visible()
    page.hover("#help")
    assert page.get_by_role("tooltip").inner_text() == "We ship worldwide"
    footer = page.locator("#footer")
    assert page.evaluate("window.scrollY") == 0
    footer.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 300
    assert "no real orders" in footer.inner_text()


def test_navigation_history(page, shop):
    page.goto(shop + "/")
    page.get_by_test_id("cart-link").click()
    page.wait_for_url(re.compile(r"/cart\.html$"))
    page.go_back()
    assert page.title() == "Shop - Products"
    page.go_forward()
    assert page.title() == "Shop - Cart"
