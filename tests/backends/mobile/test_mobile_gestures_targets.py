"""Touch gesture payloads and target locators (pure functions)."""

from __future__ import annotations

import pytest

from panoptic.backends.mobile import gestures as g
from panoptic.backends.mobile.targets import (
    TEXT_STRATEGY,
    css_string,
    locator_for,
    native_candidates,
    native_text_xpath,
    suggestions,
    xpath_string,
)
from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed


def _moves(actions: list[dict]) -> list[tuple[int, int]]:
    return [(a["x"], a["y"]) for a in actions[0]["actions"] if a["type"] == "pointerMove"]


def test_tap_is_one_touch_pointer_down_and_up() -> None:
    (finger,) = g.tap(10.4, 20.6)
    assert finger["parameters"] == {"pointerType": "touch"}
    kinds = [a["type"] for a in finger["actions"]]
    assert kinds == ["pointerMove", "pointerDown", "pause", "pointerUp"]
    assert _moves(g.tap(10.4, 20.6)) == [(10, 21)]


def test_double_tap_and_long_press() -> None:
    kinds = [a["type"] for a in g.double_tap(5, 5)[0]["actions"]]
    assert kinds.count("pointerDown") == 2 and kinds.count("pointerUp") == 2
    pauses = [a["duration"] for a in g.long_press(5, 5)[0]["actions"] if a["type"] == "pause"]
    assert pauses == [g.LONG_PRESS_MS] and g.LONG_PRESS_MS >= 500


@pytest.mark.parametrize(
    ("direction", "start", "end"),
    [
        ("up", (200, 450), (200, 150)),
        ("down", (200, 150), (200, 450)),
        ("left", (300, 300), (100, 300)),
        ("right", (100, 300), (300, 300)),
    ],
)
def test_swipe_moves_the_finger_through_the_middle(direction: str, start: tuple, end: tuple) -> None:
    assert g.swipe_points(direction, 400, 600) == (start, end)
    actions = g.swipe(direction, 400, 600)[0]["actions"]
    assert _moves(g.swipe(direction, 400, 600)) == [start, end]
    assert actions[-1]["type"] == "pointerUp" and actions[-2]["type"] == "pause"  # still before lifting: no fling


def test_unknown_swipe_direction() -> None:
    with pytest.raises(ValueError, match="sideways"):
        g.swipe_points("sideways", 100, 100)


def test_literals_escape_quotes() -> None:
    assert xpath_string("plain") == '"plain"'
    assert xpath_string('say "hi"') == "'say \"hi\"'"
    assert xpath_string('it\'s "x"') == 'concat("it\'s ", \'"\', "x", \'"\', "")'
    assert css_string('a"b\\c') == '"a\\"b\\\\c"'


def test_web_locators() -> None:
    assert locator_for(ResolvedTarget("css", "#a"), web=True, platform="desktop").by == "css selector"
    loc = locator_for(ResolvedTarget("id", "new-task"), web=True, platform="desktop")
    assert (loc.by, loc.value) == ("css selector", '[id="new-task"]')
    loc = locator_for(ResolvedTarget("text", "Add", exact=True), web=True, platform="desktop")
    assert (loc.by, loc.value, loc.exact) == (TEXT_STRATEGY, "Add", True)
    assert locator_for(ResolvedTarget("xpath", "//li"), web=True, platform="desktop").by == "xpath"


def test_native_locators() -> None:
    loc = locator_for(ResolvedTarget("id", "login"), web=False, platform="android")
    assert (loc.by, loc.value) == ("accessibility id", "login")
    loc = locator_for(ResolvedTarget("text", "Sign in", exact=True), web=False, platform="android")
    assert loc.by == "xpath" and loc.value == '//*[@text="Sign in" or @content-desc="Sign in"]'
    ios = native_text_xpath("Sign in", "ios", exact=False)
    assert ios == '//*[contains(@label, "Sign in") or contains(@name, "Sign in") or contains(@value, "Sign in")]'
    with pytest.raises(ActionFailed, match="only in mobile web"):
        locator_for(ResolvedTarget("css", "#a"), web=False, platform="android")


def test_native_text_with_both_quotes_uses_concat() -> None:
    xpath = native_text_xpath('it\'s "x"', "android", exact=True)
    assert xpath.startswith("//*[@text=concat(") and xpath.count("concat(") == 2


def test_suggestions_and_native_candidates() -> None:
    texts, ids = native_candidates(
        "<hierarchy><node text='Add task' content-desc='add-button'/><node text='Settings'/></hierarchy>", "android"
    )
    assert texts == ["Add task", "Settings"] and ids == ["add-button"]
    assert suggestions(ResolvedTarget("text", "Add tsk"), texts=texts, ids=ids) == ("text 'Add task'",)
    assert suggestions(ResolvedTarget("id", "add-buton"), texts=texts, ids=ids) == ("id 'add-button'",)
    assert suggestions(ResolvedTarget("css", "#add-buton"), texts=texts, ids=ids) == ("'#add-button'",)
    assert native_candidates("not xml", "ios") == ([], [])
