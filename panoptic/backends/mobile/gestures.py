"""Touch gestures as W3C pointer actions (pointerType `touch`), built as plain data.

The same gestures serve native apps and mobile web: Appium's UiAutomator2
and XCUITest drivers and chromedriver (under Appium's Chromium driver) all
accept W3C touch pointer actions. In a browser a touch drag scrolls the page
like a finger does, and touch events reach the page (`touchstart`,
`pointerdown` with `pointerType == "touch"` …).

Swipes hold the finger still for a moment before lifting it, so the content
moves by the distance of the drag and does not fling on: a swipe's effect is
the same on every run, which `scroll to` relies on when it swipes until a
target shows.

Coordinates are viewport coordinates (CSS pixels in a browser, the window's
coordinate space in a native app).
"""

from __future__ import annotations

from typing import Any

DIRECTIONS = ("up", "down", "left", "right")
TAP_HOLD_MS = 50
DOUBLE_TAP_GAP_MS = 80
LONG_PRESS_MS = 1000
SWIPE_MOVE_MS = 300
SWIPE_SETTLE_MS = 120
SWIPE_FRACTION = 0.5
"""How much of the viewport a directional swipe moves the finger (from 75 % to 25 %)."""


def _finger(actions: list[dict[str, Any]], name: str = "finger") -> dict[str, Any]:
    return {"type": "pointer", "id": name, "parameters": {"pointerType": "touch"}, "actions": actions}


def _at(x: float, y: float, duration: int = 0) -> dict[str, Any]:
    return {"type": "pointerMove", "duration": duration, "x": round(x), "y": round(y), "origin": "viewport"}


_DOWN = {"type": "pointerDown", "button": 0}
_UP = {"type": "pointerUp", "button": 0}


def _pause(ms: int) -> dict[str, Any]:
    return {"type": "pause", "duration": ms}


def tap(x: float, y: float) -> list[dict[str, Any]]:
    """A single tap at (x, y): the `actions` list of a W3C Perform Actions request."""
    return [_finger([_at(x, y), _DOWN, _pause(TAP_HOLD_MS), _UP])]


def double_tap(x: float, y: float) -> list[dict[str, Any]]:
    """Two quick taps at (x, y)."""
    one = [_DOWN, _pause(TAP_HOLD_MS), _UP]
    return [_finger([_at(x, y), *one, _pause(DOUBLE_TAP_GAP_MS), *one])]


def long_press(x: float, y: float, hold_ms: int = LONG_PRESS_MS) -> list[dict[str, Any]]:
    """Press at (x, y), hold for `hold_ms`, release."""
    return [_finger([_at(x, y), _DOWN, _pause(hold_ms), _UP])]


def drag(start: tuple[float, float], end: tuple[float, float], move_ms: int = SWIPE_MOVE_MS) -> list[dict[str, Any]]:
    """Touch at `start`, move to `end` in `move_ms`, hold still briefly, release."""
    return [
        _finger(
            [
                _at(*start),
                _DOWN,
                _pause(SWIPE_SETTLE_MS // 2),
                _at(*end, duration=move_ms),
                _pause(SWIPE_SETTLE_MS),
                _UP,
            ]
        )
    ]


def swipe_points(
    direction: str, width: float, height: float, fraction: float = SWIPE_FRACTION
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Start and end of a finger swipe in `direction` across a `width` x `height` viewport.

    `swipe up` moves the finger up (the content scrolls towards its end),
    `swipe left` moves it left; the swipe runs through the middle of the
    viewport over `fraction` of its size.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown swipe direction {direction!r}; use one of {', '.join(DIRECTIONS)}")
    cx, cy = width / 2, height / 2
    half_h, half_w = height * fraction / 2, width * fraction / 2
    if direction == "up":
        return (cx, cy + half_h), (cx, cy - half_h)
    if direction == "down":
        return (cx, cy - half_h), (cx, cy + half_h)
    if direction == "left":
        return (cx + half_w, cy), (cx - half_w, cy)
    return (cx - half_w, cy), (cx + half_w, cy)


def swipe(direction: str, width: float, height: float) -> list[dict[str, Any]]:
    """A directional finger swipe across the viewport."""
    start, end = swipe_points(direction, width, height)
    return drag(start, end)
