"""In Chromium: the target the recorder chooses for a clicked element finds that element alone, as a run finds it.

The page holds the cases that make targets ambiguous (a name inside another
name, hidden twins, labels by `for` and by wrapping, aria-label, repeated
placeholders and texts, test ids). Each element is clicked through the real
listener; the chosen target is turned into the locator `panoptic run` uses
(`backends.web.locate.build_locator`), which must match exactly one element:
the one clicked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from panoptic.record.events import Check, Click, Fill
from panoptic.record.session import Recorder, attach
from panoptic.record.targets import choose
from tests.record.conftest import serve

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Targets</title></head><body>
<button id="b1">Add</button>
<button id="b2">Add to cart</button>
<button id="b3" style="display:none">Save</button> <button id="b4">Save</button>
<button id="b5" aria-label="Close dialog">X</button>
<div id="b6" role="button">Open menu</div>
<button id="b7" data-testid="buy">Buy now</button> <button id="b8" data-testid="buy">Buy later</button>
<a id="b9" href="#one">Read more</a> <a id="b10" href="#two">Read more</a>
<span id="b11" onclick="">Plain words</span>
<p><span id="b12">Twin</span></p><p><span id="b13">Twin</span></p>
<span id="b14">Item 5</span> <span id="b15">Item 50</span>
<label for="f1">Name</label> <input id="f1">
<label>Last name <input id="f2"></label>
<input id="f3" placeholder="Search"> <input id="f4" placeholder="Search">
<input id="f5" placeholder="Search products">
<label><input type="checkbox" id="c1"> Subscribe</label>
<div><div><button>Deep</button></div></div><div><div><button>Deep</button></div></div>
</body></html>
"""

CLICKS = ["#b1", "#b2", "#b4", "#b5", "#b6", "#b7", "#b8", "#b9", "#b10", "#b11", "#b12", "#b13", "#b14", "#b15"]
FIELDS = ["#f1", "#f2", "#f3", "#f4", "#f5"]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Recorder]]:
    from playwright.sync_api import sync_playwright

    from panoptic.environment import CHROMIUM_ARGS, find_chromium

    folder = tmp_path_factory.mktemp("targets")
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    server, url = serve(folder)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), headless=True, args=list(CHROMIUM_ARGS))
            page = browser.new_page()
            recorder = Recorder(Path(folder) / "out.pan")
            attach(page, recorder)
            page.goto(url + "index.html")
            page.wait_for_function("() => !!window.__panopticRecorder")
            yield page, recorder
            browser.close()
    finally:
        server.shutdown()


def _last(page: Any, recorder: Recorder, kind: type, before: int) -> Any:
    for _ in range(200):
        found = [e for e in recorder.events[before:] if isinstance(e, kind)]
        if found:
            return found[-1]
        page.wait_for_timeout(20)
    raise AssertionError(f"no {kind.__name__} was reported")


def _names_alone(page: Any, target: Any, css: str) -> None:
    from panoptic.backends.web.locate import build_locator

    locator = build_locator(page, target)
    assert locator.count() == 1, f"{target.describe()} matches {locator.count()} elements, not only {css}"
    assert locator.evaluate("(e, css) => e === document.querySelector(css)", css), f"{target.describe()} is not {css}"


@pytest.mark.parametrize("css", CLICKS)
def test_a_clicked_element_gets_a_target_that_finds_it_alone(page: tuple[Any, Recorder], css: str) -> None:
    pg, recorder = page
    before = len(recorder.events)
    pg.click(css)
    event = _last(pg, recorder, Click, before)
    _names_alone(pg, choose(event.element), css)


@pytest.mark.parametrize("css", FIELDS)
def test_a_field_typed_into_gets_a_target_that_finds_it_alone(page: tuple[Any, Recorder], css: str) -> None:
    pg, recorder = page
    before = len(recorder.events)
    pg.locator(css).press_sequentially("ab")
    pg.locator("#b1").click()  # the next action reports the typing at once
    event = _last(pg, recorder, Fill, before)
    assert event.value.endswith("ab")
    _names_alone(pg, choose(event.element), css)


def test_the_deep_twins_and_the_checkbox(page: tuple[Any, Recorder]) -> None:
    pg, recorder = page
    before = len(recorder.events)
    pg.get_by_role("button", name="Deep").nth(1).click()
    target = choose(_last(pg, recorder, Click, before).element)
    assert target.kind == "css"
    from panoptic.backends.web.locate import build_locator

    assert build_locator(pg, target).count() == 1
    second = "e => e === [...document.querySelectorAll('button')].filter((b) => b.textContent === 'Deep')[1]"
    assert build_locator(pg, target).evaluate(second)
    before = len(recorder.events)
    pg.get_by_label("Subscribe").check()
    _names_alone(pg, choose(_last(pg, recorder, Check, before).element), "#c1")


@pytest.mark.parametrize("key", ["Space", "Enter"])
def test_a_key_that_presses_a_button_is_the_key_not_a_click(page: tuple[Any, Recorder], key: str) -> None:
    from panoptic.record.events import Press

    pg, recorder = page
    pg.focus("#b2")
    before = len(recorder.events)
    pg.keyboard.press(key)
    press = _last(pg, recorder, Press, before)
    pg.wait_for_timeout(200)  # a click report, if there were one, has arrived by now
    assert press.key == key and press.element is not None
    _names_alone(pg, choose(press.element), "#b2")
    assert not [e for e in recorder.events[before:] if isinstance(e, Click)]
