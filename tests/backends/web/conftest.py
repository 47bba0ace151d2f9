"""Fixtures for the web backend's tests: a small site in a temp folder, a started backend, scenario contexts."""

from __future__ import annotations

import itertools
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from webtest_support import SECRET, make_app, require

from panoptic.contract import ScenarioContext

INDEX_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Panoptic test shop</title>
<style>body { margin: 0; font: 16px sans-serif; } #pt { position: absolute; left: 900px; top: 10px;
width: 120px; height: 40px; } #badge { position: absolute; left: 1100px; top: 10px; }
#scroll-y { position: fixed; right: 0; bottom: 0; }</style></head>
<body>
<h1>Shop</h1>
<nav><a href="/second.html" id="to-second">Second page</a></nav>
<form id="login" action="/welcome.html" method="get">
  <label for="user">User name</label> <input id="user" name="user" placeholder="Your name">
  <label for="pw">Password</label> <input id="pw" name="pw" type="password">
  <label for="token">Token</label> <input id="token" name="token" type="text" style="width: 300px">
  <button type="submit" id="sign-in">Sign in</button>
</form>
<p><button id="inc" data-testid="increment">Add to cart</button> cart: <span id="cart-count">0</span></p>
<p><button id="dbl">Double me</button> <span id="dbl-out"></span></p>
<p><span id="ctx-area">Right here</span> <span id="ctx-out"></span></p>
<p><span id="hover-box">Hover me</span> <span id="hover-out"></span></p>
<p><select id="size"><option value="s">Small</option><option value="m">Medium</option>
<option value="l">Large</option></select></p>
<p><input type="checkbox" id="agree"><label for="agree">I agree</label></p>
<p><input id="keys" placeholder="Keys"> <span id="keys-out"></span></p>
<p><button disabled id="disabled-btn">Disabled</button></p>
<div id="hidden" style="display:none">Hidden text</div>
<p><button class="dup">One</button><button class="dup">Two</button></p>
<button id="pt">Point</button><span id="pt-out"></span>
<img id="badge" src="badge.png" alt="badge" width="40" height="40"><span id="badge-out"></span>
<form id="req" action="/welcome.html"><input id="email" name="email" required><button>Send</button></form>
<div id="spacer" style="height: 3000px"></div>
<p id="bottom">Bottom of the page</p>
<div id="scroll-y">0</div>
<script>
const $ = (id) => document.getElementById(id);
$('inc').addEventListener('click', () => { $('cart-count').textContent = String(+$('cart-count').textContent + 1); });
$('dbl').addEventListener('dblclick', () => { $('dbl-out').textContent = 'double'; });
$('ctx-area').addEventListener('contextmenu', (e) => { e.preventDefault(); $('ctx-out').textContent = 'context'; });
$('hover-box').addEventListener('mouseover', () => { $('hover-out').textContent = 'hovered'; });
$('pt').addEventListener('click', () => { $('pt-out').textContent = 'point clicked'; });
$('badge').addEventListener('click', () => { $('badge-out').textContent = 'badge clicked'; });
$('keys').addEventListener('keydown', (e) => {
  const mods = [e.ctrlKey && 'Control', e.shiftKey && 'Shift', e.altKey && 'Alt'].filter(Boolean);
  $('keys-out').textContent = mods.concat([e.key]).join('+');
});
addEventListener('scroll', () => { $('scroll-y').textContent = String(Math.round(scrollY)); });
</script>
</body></html>
"""

SECOND_HTML = """<!doctype html><html><head><title>Second</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>Second page</h1><p id="w">width <span id="width"></span></p><p id="ua"></p>
<script>document.getElementById('width').textContent = String(innerWidth);
document.getElementById('ua').textContent = navigator.userAgent;</script></body></html>
"""

WELCOME_HTML = """<!doctype html><html><head><title>Welcome</title></head>
<body><h1 id="greeting">Welcome</h1><p id="token-echo"></p>
<script>const q = new URLSearchParams(location.search);
document.getElementById('greeting').textContent = 'Welcome, ' + (q.get('user') || 'nobody');
document.getElementById('token-echo').textContent = q.get('token') || '';</script></body></html>
"""


def _png(width: int, height: int, pixel: Callable[[int, int], tuple[int, int, int]]) -> bytes:
    """A small RGB PNG written by hand (no imaging library needed)."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _badge(x: int, y: int) -> tuple[int, int, int]:
    # A checker pattern with a diagonal: distinctive for template matching.
    if x == y or x + y == 39:
        return (10, 10, 10)
    return (220, 40, 40) if (x // 8 + y // 8) % 2 else (40, 90, 220)


@pytest.fixture(scope="session")
def chromium() -> str:
    try:
        import playwright  # noqa: F401
    except ImportError:
        require(False, "playwright")
    from panoptic.environment import find_chromium

    path = find_chromium()
    require(path is not None, "Chromium")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    (folder / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    (folder / "second.html").write_text(SECOND_HTML, encoding="utf-8")
    (folder / "welcome.html").write_text(WELCOME_HTML, encoding="utf-8")
    (folder / "badge.png").write_bytes(_png(40, 40, _badge))
    return folder


_counter = itertools.count(1)


@pytest.fixture
def make_ctx(tmp_path: Path) -> Callable[..., ScenarioContext]:
    """Scenario contexts whose artifacts go to <tmp>/run/artifacts/<n>."""

    def make(**kwargs: object) -> ScenarioContext:
        n = next(_counter)
        folder = tmp_path / "run" / "artifacts" / f"s{n}"
        folder.mkdir(parents=True, exist_ok=True)
        values: dict[str, object] = {
            "scenario_id": f"shop.pan::s{n}",
            "title": f"scenario {n}",
            "artifacts_dir": folder,
            "secrets": (SECRET,),
            "default_timeout": 5.0,
        }
        values.update(kwargs)
        return ScenarioContext(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="module")
def backend(chromium: str, site: Path) -> Iterator[object]:
    """One started backend for a test module (one browser, like a worker); each test begins its own context."""
    from panoptic.backends.web.backend import WebBackend

    web = WebBackend(make_app(site))
    web.start()
    yield web
    web.stop()


@pytest.fixture
def session(backend: object, make_ctx: Callable[..., ScenarioContext]) -> Iterator[tuple[object, ScenarioContext]]:
    """A begun scenario on the shared backend with the index page open; ended (as passed) afterwards."""
    ctx = make_ctx()
    backend.begin(ctx)  # type: ignore[attr-defined]
    backend.perform("navigate", {"url": "/index.html"}, 5.0)  # type: ignore[attr-defined]
    yield backend, ctx
    backend.end(ctx, False)  # type: ignore[attr-defined]
