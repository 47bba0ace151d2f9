"""The example mobile page behaves as examples/mobile/tasks.pan expects (headless Chromium, phone viewport)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def phone(browser, serve):
    base = serve(EXAMPLES / "mobile" / "site")
    context = browser.new_context(viewport={"width": 390, "height": 780}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(5000)
    page.goto(base + "/")
    yield page
    context.close()


def test_page_is_made_for_phones(phone):
    content = phone.get_attribute("meta[name=viewport]", "content")
    assert "width=device-width" in content
    assert phone.title() == "Panoptic Tasks"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_adding_a_task(phone):
    phone.tap("#new-task")
    phone.keyboard.type("Feed the cat")
    phone.tap("#add")
    assert phone.inner_text("#status") == "Added: Feed the cat"
    assert phone.inner_text("#task-count") == "4"
    assert phone.locator("#tasks li").all_inner_texts()[-1] == "Feed the cat"
    assert phone.input_value("#new-task") == ""
    phone.tap("#add")
    assert phone.inner_text("#status") == "Type a task first"


def test_double_tap_and_long_press(phone):
    phone.dblclick("text=Buy milk")
    assert phone.inner_text("#status") == "Done: Buy milk"
    item = phone.locator("#tasks li", has_text="Call the bank")
    box = item.bounding_box()
    phone.mouse.move(box["x"] + 10, box["y"] + 10)
    phone.mouse.down()
    phone.wait_for_timeout(700)
    phone.mouse.up()
    assert phone.inner_text("#status") == "Long pressed: Call the bank"
    phone.locator("#tasks li", has_text="Water the plants").click()
    assert phone.inner_text("#status") == "Long pressed: Call the bank"  # a short tap is not a long press


def test_long_list_needs_scrolling(phone):
    assert phone.locator("#catalog li").count() == 60
    end = phone.locator("#end-of-list")
    assert not phone.evaluate("el => el.getBoundingClientRect().top < window.innerHeight", end.element_handle())
    end.scroll_into_view_if_needed()
    assert phone.evaluate("window.scrollY") > 1000
