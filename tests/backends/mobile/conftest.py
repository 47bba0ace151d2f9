"""Fixtures for the mobile backend: a real Appium server (Chromium driver) and the example mobile site."""

from __future__ import annotations

import http.server
import importlib.util
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from mobile_support import mobile_app, need, scenario_ctx

from panoptic.backends.mobile.appium_server import LocalAppiumServer, free_port
from panoptic.environment import find_appium

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE_SITE = ROOT / "examples" / "mobile" / "site"

# A page for gestures and image targets: a touch log, a swipe pad and a patterned button placed by `?at=x,y`.
GESTURES_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>Gestures</title>
<style>
body { margin: 0; font: 16px sans-serif; }
#pad { position: absolute; left: 20px; top: 60px; width: 300px; height: 80px; background: #dde; }
#knob { position: absolute; left: 30px; top: 80px; width: 40px; height: 40px; background: #446; }
#goal { position: absolute; left: 260px; top: 80px; width: 40px; height: 40px; background: #9c9; }
#badge { position: absolute; width: 72px; height: 72px; border: 0; padding: 0; cursor: pointer;
  background: repeating-linear-gradient(45deg, #d22 0 8px, #fff 8px 16px), #fff; }
#badge::after { content: ""; position: absolute; left: 22px; top: 22px; width: 28px; height: 28px;
  background: #12a; border-radius: 50%; }
#out { position: absolute; left: 20px; top: 10px; }
#pad, #knob, #goal { touch-action: none; }
</style></head>
<body>
<div id="out">none</div>
<div id="pad"></div><div id="knob"></div><div id="goal"></div>
<button id="badge" aria-label="badge"></button>
<script>
const at = (new URLSearchParams(location.search).get('at') || '400,200').split(',').map(Number);
const badge = document.getElementById('badge');
badge.style.left = at[0] + 'px'; badge.style.top = at[1] + 'px';
badge.addEventListener('click', () => { document.getElementById('out').textContent = 'badge tapped'; });
window.touches = [];
let start = null;
document.addEventListener('touchstart', e => { const t = e.touches[0]; start = [t.clientX, t.clientY]; });
const ended = e => {
  const t = e.changedTouches[0];
  window.touches.push([start[0], start[1], t.clientX, t.clientY]);
  const goal = document.getElementById('goal').getBoundingClientRect();
  const knob = document.getElementById('knob').getBoundingClientRect();
  if (start[0] >= knob.left && start[0] <= knob.right && t.clientX >= goal.left && t.clientX <= goal.right)
    document.getElementById('out').textContent = 'dragged to goal';
};
document.addEventListener('touchend', ended);
document.addEventListener('touchcancel', ended);
</script></body></html>
"""


@pytest.fixture(scope="session")
def appium_url() -> Iterator[str]:
    """A real Appium server (the project's install) on a free port, for the whole session."""
    need(find_appium() is not None, "appium (npm install --prefix .tools/appium)")
    need(shutil.which("node") is not None, "node")
    need(shutil.which("chromedriver") is not None and shutil.which("chromium") is not None, "chromium + chromedriver")
    need(importlib.util.find_spec("appium") is not None, "Appium-Python-Client")
    server = LocalAppiumServer()
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example mobile site plus a gestures page, served on 127.0.0.1 for the session."""
    root = tmp_path_factory.mktemp("mobile-site")
    if EXAMPLE_SITE.is_dir():
        shutil.copytree(EXAMPLE_SITE, root, dirs_exist_ok=True)
    (root / "gestures.html").write_text(GESTURES_HTML, encoding="utf-8")
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def make_ctx():
    """`scenario_ctx` as a fixture, for tests that need a fresh scenario folder."""
    return scenario_ctx


@pytest.fixture(scope="module")
def web_settings(appium_url: str, site_url: str) -> dict:
    """Settings of a mobile-web app on Debian Chromium through the Chromium driver."""
    return {"server": appium_url, "platform": "linux", "browser": "chrome", "url": site_url, "timeout": 5.0}


@pytest.fixture(scope="module")
def phone(web_settings: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One started mobile-web backend with an open session, shared by a test module."""
    from panoptic.backends.mobile.backend import MobileBackend

    backend = MobileBackend(mobile_app(web_settings))
    backend.start()
    ctx = scenario_ctx(tmp_path_factory.mktemp("phone"))
    backend.begin(ctx)
    try:
        yield backend
    finally:
        backend.end(ctx, failed=False)
        backend.stop()
