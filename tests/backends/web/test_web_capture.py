"""Viewport captures for image lookup: Chromium's fast capture sees the same pixels as Playwright's screenshot."""

from __future__ import annotations

import pytest

from panoptic.backends.web.capture import ViewportCapture

np = pytest.importorskip("numpy")
cv2 = pytest.importorskip("cv2")


def _pixels(png: bytes):
    return cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)


def test_fast_capture_equals_playwrights_screenshot(session):
    web, _ctx = session
    page = web._require_page()
    capture = ViewportCapture()
    fast = capture.png(page, chromium_at_css_scale=True)
    slow = capture.png(page, chromium_at_css_scale=False)
    assert fast != slow  # two encoders: the bytes differ ...
    assert _pixels(fast).shape == (720, 1280, 3)
    assert np.array_equal(_pixels(fast), _pixels(slow))  # ... the pixels do not
    assert capture.png(page, chromium_at_css_scale=True)  # the session is reused for the same page
    assert capture._page is page


def test_a_closed_session_falls_back_to_playwrights_screenshot(session):
    web, _ctx = session
    page = web._require_page()
    capture = ViewportCapture()
    capture.png(page, chromium_at_css_scale=True)
    capture._session.detach()
    png = capture.png(page, chromium_at_css_scale=True)
    assert _pixels(png).shape == (720, 1280, 3)
    assert capture._page is None  # a new session is opened next time
