"""Viewport captures for image lookup, as fast as the browser allows.

An `image "…"` target is looked for in a capture of the viewport, taken again
on every poll. Playwright's `page.screenshot()` encodes a slow, small PNG and
prepares the page first (hides the caret, waits for fonts); at 1920x1080 it
takes about 70 ms. Chromium's own `Page.captureScreenshot` with
`optimizeForSpeed` encodes a larger PNG in about half the time, and OpenCV
decodes it faster too (see benchmarks/README.md, "Image lookup on the web").
Both are lossless, so matching sees the same pixels.
"""

from __future__ import annotations

import base64
from typing import Any


class ViewportCapture:
    """Captures a page's viewport as PNG bytes in CSS pixels, one CDP session per page."""

    def __init__(self) -> None:
        self._page: Any = None
        self._session: Any = None

    def png(self, page: Any, *, chromium_at_css_scale: bool) -> bytes:
        """The viewport of `page` as PNG bytes.

        `chromium_at_css_scale` says the page is Chromium's and one CSS pixel is one
        device pixel (no device emulation), so Chromium's capture needs no scaling;
        otherwise, or when the capture fails, Playwright's screenshot is used.
        """
        if chromium_at_css_scale:
            try:
                if self._page is not page:
                    self._session = page.context.new_cdp_session(page)
                    self._page = page
                reply = self._session.send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})
                return base64.b64decode(reply["data"])
            except Exception:
                self._page = self._session = None
        return page.screenshot(scale="css")
