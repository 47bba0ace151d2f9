"""The deeper web capabilities in headless Chromium: focus and blur, the focused target, classes, attributes,
CSS, exact text, local and session storage, cookies and saved sign-in state — against a page this module writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from webtest_support import css, make_app

from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed, StepTimeout
from panoptic.families.expect import checks

pytestmark = pytest.mark.browser

T = 5.0

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Deeper</title>
<style>.done { text-decoration: line-through; } #box { display: none; color: rgb(255, 0, 0); }
#events { display: inline-block; width: 200px; height: 20px; overflow: hidden; white-space: nowrap; }</style></head>
<body>
<ul id="list"><li class="item done" data-id="1">  buy    some   milk  </li><li class="item">bread</li></ul>
<a id="all" href="#/" class="selected">All</a><a id="active" href="#/active">Active</a>
<input id="name" placeholder="Name"> <input id="other" placeholder="Other">
<span id="events"></span><div id="box">box</div>
<p id="stored"></p>
<script>
const $ = (id) => document.getElementById(id);
$('name').addEventListener('focus', () => { $('events').textContent += 'focus;'; });
$('name').addEventListener('blur', () => { $('events').textContent += 'blur;'; });
$('stored').textContent = localStorage.getItem('todos') || 'none';
</script>
</body></html>
"""


NETWORK = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Network</title></head>
<body>
<button id="ask">Ask</button> <span id="answer"></span>
<button id="load">Load</button> <ul id="products"></ul> <span id="status"></span>
<img id="logo" src="logo.png" alt="logo" width="40" height="40"> <span id="img"></span>
<button id="pop" onclick="window.open('index.html')">Open</button>
<input type="file" id="attach"> <span id="picked"></span>
<a id="export" href="report.csv" download="report.csv">Export</a>
<div><iframe id="inner" src="index.html" width="600" height="300"></iframe></div>
<script>
const $ = (id) => document.getElementById(id);
$('ask').addEventListener('click', () => {
  alert('Saved!');
  $('answer').textContent = confirm('Delete it?') ? 'yes' : 'no';
  const name = prompt('Your name?');
  $('answer').textContent += ':' + (name === null ? 'none' : name);
});
$('load').addEventListener('click', async () => {
  const r = await fetch('/api/products');
  $('status').textContent = String(r.status);
  if (r.ok) for (const p of await r.json()) { const li = document.createElement('li'); li.textContent = p.name;
    $('products').append(li); }
});
$('attach').addEventListener('change', (e) => { $('picked').textContent = e.target.files[0].name; });
$('logo').addEventListener('error', () => { $('img').textContent = 'blocked'; });
$('logo').addEventListener('load', () => { $('img').textContent = 'loaded'; });
</script>
</body></html>
"""


@pytest.fixture(scope="module")
def deeper_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("deeper")
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    (folder / "network.html").write_text(NETWORK, encoding="utf-8")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "products.json").write_text('[{"name": "Mug"}, {"name": "Lamp"}]', encoding="utf-8")
    (folder / "report.csv").write_text("name,total\nMug,12\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def web(chromium: str, deeper_site: Path) -> Iterator[object]:
    from panoptic.backends.web.backend import WebBackend

    backend = WebBackend(make_app(deeper_site))
    backend.start()
    yield backend
    backend.stop()


@pytest.fixture
def page(web, make_ctx):
    ctx = make_ctx()
    web.begin(ctx)
    web.perform("navigate", {"url": "/index.html"}, T)
    yield web
    web.end(ctx, False)


def expect(web, name: str, **args: object) -> None:
    checks.check(web, name, dict(args), 0.5, interval=0.05)


def test_exact_text_keeps_the_spaces_that_has_text_forgives(page):
    first = css("#list li:first-child")
    assert page.query("query.text", {"target": first}) == "buy some milk"  # innerText collapses rendering spaces
    expect(page, "has_text", target=first, text="buy some milk")
    # the exact forms read the element's text as stored (textContent): an untrimmed save is caught
    with pytest.raises(checks.AssertionFailed) as failed:
        expect(page, "has_exact_text", target=first, text="buy some milk")
    assert failed.value.actual == '"  buy    some   milk  "'
    expect(page, "has_exact_text", target=first, text="  buy    some   milk  ")
    expect(page, "contains_exact", target=first, text="some   milk")
    expect(page, "has_exact_text", target=css("#list li:last-child"), text="bread")
    page.perform("fill", {"target": css("#name"), "text": "  two  spaces "}, T)
    expect(page, "has_value", target=css("#name"), text="two spaces")
    expect(page, "has_exact_value", target=css("#name"), text="  two  spaces ")
    with pytest.raises(checks.AssertionFailed):
        expect(page, "has_exact_value", target=css("#name"), text="two spaces")


def test_focus_blur_and_the_focused_target(page):
    focused = ResolvedTarget("focused", None)
    assert page.query("query.count", {"target": focused}) == 0
    page.perform("focus", {"target": css("#name")}, T)
    assert page.query("query.count", {"target": focused}) == 1
    page.perform("type", {"text": "Ann"}, T)
    expect(page, "has_value", target=focused, text="Ann")
    expect(page, "has_attribute", target=focused, attribute="placeholder", text="Name")
    page.perform("blur", {"target": css("#name")}, T)
    expect(page, "has_text", target=css("#events"), text="focus;blur;")
    assert page.query("query.count", {"target": focused}) == 0
    with pytest.raises(ActionFailed, match="needs an element target"):
        page.perform("focus", {"target": ResolvedTarget("point", None, point=(1.0, 1.0))}, T)


def test_class_attribute_and_css_expectations(page):
    expect(page, "has_class", target=css("#all"), text="selected")
    expect(page, "lacks_class", target=css("#active"), text="selected")
    expect(page, "has_class", target=css("#list li:first-child"), text="done item")
    with pytest.raises(checks.AssertionFailed) as failed:
        expect(page, "has_class", target=css("#active"), text="selected")
    assert failed.value.actual == "no classes"
    expect(page, "has_attribute", target=css("#active"), attribute="href", text="#/active")
    expect(page, "has_attribute", target=css("#list li:first-child"), attribute="data-id")
    expect(page, "lacks_attribute", target=css("#all"), attribute="data-id")
    with pytest.raises(checks.AssertionFailed) as failed:
        expect(page, "has_attribute", target=css("#all"), attribute="data-id")
    assert failed.value.actual == "no such attribute"
    expect(page, "has_css", target=css("#box"), property="display", text="none")
    expect(page, "has_css", target=css("#box"), property="color", text="rgb(255, 0, 0)")
    with pytest.raises(checks.AssertionFailed) as failed:
        expect(page, "has_css", target=css("#nothing"), property="color", text="red")
    assert failed.value.actual == "not found"


def test_storage_and_cookies_start_empty_and_can_be_set(page):
    q = page.query
    assert q("query.storage", {"area": "local", "key": "todos"}) is None
    assert q("query.cookie", {"name": "sid"}) is None
    page.perform("storage.set", {"area": "local", "key": "todos", "value": "[1]"}, T)
    page.perform("storage.set", {"area": "session", "key": "tab", "value": "a"}, T)
    assert q("query.storage", {"area": "local", "key": "todos"}) == "[1]"
    assert q("query.storage", {"area": "session", "key": "tab"}) == "a"
    page.perform("reload", {}, T)
    expect(page, "has_text", target=css("#stored"), text="[1]")  # the page read what was seeded
    page.perform("storage.remove", {"area": "local", "key": "todos"}, T)
    assert q("query.storage", {"area": "local", "key": "todos"}) is None
    page.perform("storage.clear", {"area": "session"}, T)
    assert q("query.storage", {"area": "session", "key": "tab"}) is None
    page.perform("cookie.set", {"name": "sid", "value": "abc"}, T)
    assert q("query.cookie", {"name": "sid"}) == "abc"
    page.perform("cookie.clear", {}, T)
    assert q("query.cookie", {"name": "sid"}) is None


def test_storage_needs_an_open_page(web, make_ctx):
    ctx = make_ctx()
    web.begin(ctx)
    try:
        with pytest.raises(ActionFailed, match="no page is open") as failed:
            web.perform("storage.set", {"area": "local", "key": "a", "value": "b"}, T)
        assert "`open` a page" in (failed.value.help or "")
    finally:
        web.end(ctx, False)


def test_saved_sign_in_state_is_restored_in_a_later_scenario(web, make_ctx):
    first = make_ctx()
    web.begin(first)
    web.perform("navigate", {"url": "/index.html"}, T)
    web.perform("storage.set", {"area": "local", "key": "todos", "value": "saved"}, T)
    web.perform("cookie.set", {"name": "sid", "value": "s-1"}, T)
    message = web.perform("state.save", {"name": "alice"}, T)
    assert "1 cookie(s)" in message
    web.end(first, False)
    assert (Path(first.artifacts_dir).parent.parent / "state" / "alice.json").is_file()

    second = make_ctx()
    web.begin(second)
    try:
        assert web.query("query.cookie", {"name": "sid"}) is None  # a fresh context: nothing carried over
        web.perform("state.restore", {"name": "alice"}, T)
        web.perform("navigate", {"url": "/index.html"}, T)
        assert web.query("query.cookie", {"name": "sid"}) == "s-1"
        expect(web, "has_text", target=css("#stored"), text="saved")  # in local storage before the page's script
        with pytest.raises(ActionFailed, match="no storage state named 'bob'"):
            web.perform("state.restore", {"name": "bob"}, T)
    finally:
        web.end(second, False)


def test_dialogs_are_dismissed_by_default_accepted_on_request_and_recorded(web, make_ctx):
    ctx = make_ctx()
    web.begin(ctx)
    try:
        web.perform("navigate", {"url": "/network.html"}, T)
        web.perform("click", {"target": css("#ask")}, T)
        expect(web, "has_text", target=css("#answer"), text="no:none")
        expect(web, "dialog", text="Saved!")
        expect(web, "dialog", text="Delete it?")
        with pytest.raises(checks.AssertionFailed) as failed:
            expect(web, "dialog", text="Gone?")
        assert failed.value.actual.startswith("dialogs: ")
        web.perform("dialogs", {"answer": "accept", "text": "Ann"}, T)
        web.perform("click", {"target": css("#ask")}, T)
        expect(web, "has_text", target=css("#answer"), text="yes:Ann")
    finally:
        web.end(ctx, False)


def test_mocked_blocked_and_awaited_requests(web, make_ctx, deeper_site):
    ctx = make_ctx()
    web.begin(ctx)
    try:
        web.perform("mock", {"url": "**/api/products", "file": str(deeper_site / "products.json")}, T)
        web.perform("block", {"url": "**/*.png"}, T)
        web.perform("navigate", {"url": "/network.html"}, T)
        expect(web, "has_text", target=css("#img"), text="blocked")
        web.perform("click", {"target": css("#load")}, T)
        message = web.perform("wait_response", {"url": "**/api/products"}, T)
        assert message.endswith("/api/products answered 200")
        expect(web, "count", target=css("#products li"), count=2)
        with pytest.raises(StepTimeout, match="no response from"):
            web.perform("wait_response", {"url": "**/api/products"}, 0.3)  # the one response was taken
        web.perform("mock", {"url": "/api/products", "status": 500}, T)
        web.perform("click", {"target": css("#load")}, T)
        web.perform("wait_response", {"url": "/api/products", "status": 500}, T)
        expect(web, "has_text", target=css("#status"), text="500")
    finally:
        web.end(ctx, False)


def test_tabs_switch_and_close(web, make_ctx):
    ctx = make_ctx()
    web.begin(ctx)
    try:
        web.perform("navigate", {"url": "/network.html"}, T)
        web.perform("click", {"target": css("#pop")}, T)
        checks.check(web, "tabs", {"count": 2}, T, interval=0.05)  # the pop-up may take a moment to open
        web.perform("switch_tab", {}, T)
        expect(web, "title_is", text="Deeper")
        web.perform("switch_tab", {"number": 1}, T)
        expect(web, "title_is", text="Network")
        with pytest.raises(ActionFailed, match="there is no tab 3"):
            web.perform("switch_tab", {"number": 3}, T)
        web.perform("switch_tab", {"number": 2}, T)
        web.perform("close_tab", {}, T)
        expect(web, "tabs", count=1)
        expect(web, "title_is", text="Network")
        with pytest.raises(ActionFailed, match="only tab"):
            web.perform("close_tab", {}, T)
    finally:
        web.end(ctx, False)


def test_api_requests_share_the_browser_cookies_and_are_checked(web, make_ctx, deeper_site):
    ctx = make_ctx()
    web.begin(ctx)
    try:
        web.perform("mock", {"url": "**/api/echo", "file": str(deeper_site / "products.json")}, T)
        web.perform("navigate", {"url": "/index.html"}, T)
        web.perform("cookie.set", {"name": "sid", "value": "s-9"}, T)
        message = web.perform("api.request", {"method": "GET", "url": "/products.json"}, T)
        assert message.endswith("/products.json answered 200")
        expect(web, "response_status", status=200)
        expect(web, "response_json", path="$[1].name", expected="Lamp")
        expect(web, "response_header", header="Content-Type", text="json")
        with pytest.raises(checks.AssertionFailed) as failed:
            expect(web, "response_json", path="$[0].name", expected="Lamp")
        assert failed.value.expected == '"Lamp"'
        value, _ = checks.read(web, {"query": "query.response", "reading": "json", "path": "$[0].name"}, T)
        assert value == "Mug"
        status, _ = checks.read(web, {"query": "query.response", "reading": "status"}, T)
        assert status == 200
        web.perform("api.request", {"method": "POST", "url": "/nothing-here", "body": {"a": 1}}, T)
        expect(web, "response_status", status=501)  # the static server does not take POSTs
        with pytest.raises(checks.AssertionFailed, match=r"has no value at \$.id"):
            checks.read(web, {"query": "query.response", "reading": "json", "path": "$.id"}, 0.2)
    finally:
        web.end(ctx, False)


def test_upload_and_download(web, make_ctx, deeper_site):
    ctx = make_ctx()
    web.begin(ctx)
    try:
        web.perform("navigate", {"url": "/network.html"}, T)
        web.perform("upload", {"file": str(deeper_site / "products.json"), "target": css("#attach")}, T)
        expect(web, "has_text", target=css("#picked"), text="products.json")
        with pytest.raises(ActionFailed, match="does not exist"):
            web.perform("upload", {"file": str(deeper_site / "nope.txt"), "target": css("#attach")}, T)
        with pytest.raises(checks.AssertionFailed) as failed:
            checks.check(web, "download", {"name": "report.csv"}, 0.2)
        assert failed.value.actual == "no download"
        web.perform("click", {"target": css("#export")}, T)
        checks.check(web, "download", {"name": "report.csv", "text": "Mug,12"}, 20.0, interval=0.05)  # slow under load
        with pytest.raises(checks.AssertionFailed) as failed:
            checks.check(web, "download", {"name": "report.csv", "text": "Lamp"}, 0.2)
        assert failed.value.actual == 'downloads: "report.csv"'
        saved = [a for a in ctx.written if a.kind == "download"]
        assert len(saved) == 1 and (Path(ctx.artifacts_dir) / Path(saved[0].path).name).is_file()
    finally:
        web.end(ctx, False)


def test_targets_inside_a_frame(web, make_ctx):
    ctx = make_ctx()
    web.begin(ctx)
    try:
        web.perform("navigate", {"url": "/network.html"}, T)
        assert web.query("query.count", {"target": css("#list li")}) == 0  # the list is in the frame
        web.perform("frame.enter", {"target": css("#inner")}, T)
        expect(web, "count", target=css("#list li"), count=2)
        web.perform("fill", {"target": css("#name"), "text": "in the frame"}, T)
        expect(web, "has_value", target=css("#name"), text="in the frame")
        assert web.query("query.title", {}) == "Network"  # the page's title, not the frame's
        web.perform("frame.exit", {}, T)
        assert web.query("query.count", {"target": css("#list li")}) == 0
        with pytest.raises(ActionFailed, match="not a frame"):
            web.perform("frame.enter", {"target": css("#ask")}, T)
    finally:
        web.end(ctx, False)


def test_pause_is_ignored_headless_and_in_ci(page, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert "headless" in page.perform("pause", {}, T)
    monkeypatch.setenv("CI", "1")
    assert page.perform("pause", {}, T) == "pause ignored: running in CI"


def test_visual_baselines_are_written_matched_masked_and_diffed(page, tmp_path, monkeypatch):
    monkeypatch.delenv("PANOPTIC_UPDATE_SNAPSHOTS", raising=False)
    baseline = tmp_path / "__screenshots__" / "list.png"
    args = {"name": "list", "baseline": str(baseline), "target": css("#list")}
    assert page.perform("visual", args, T).startswith("baseline written: list.png")
    assert baseline.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.perform("visual", args, T).startswith("matches list.png")
    whole = {"name": "page", "baseline": str(tmp_path / "__screenshots__" / "page.png"), "mask": css("#events")}
    page.perform("visual", whole, T)
    page._require_page().evaluate("document.getElementById('events').textContent = 'changed under the mask'")
    assert page.perform("visual", whole, T).startswith("matches page.png")  # the change is masked
    page._require_page().evaluate("document.querySelector('#list li').style.color = 'rgb(0, 200, 0)'")
    with pytest.raises(checks.AssertionFailed) as failed:
        page.perform("visual", args, 0.3)
    assert "of pixels differ" in failed.value.actual
    ctx = page._require_ctx()
    names = sorted(Path(a.path).name for a in ctx.written if a.kind == "screenshot")
    assert names == ["list-actual.png", "list-diff.png"]
    monkeypatch.setenv("PANOPTIC_UPDATE_SNAPSHOTS", "1")
    assert page.perform("visual", args, T).startswith("baseline written")
    monkeypatch.delenv("PANOPTIC_UPDATE_SNAPSHOTS")
    assert page.perform("visual", args, T).startswith("matches")


def test_slow_mo_slows_every_action(chromium, deeper_site, make_ctx, monkeypatch):
    import os
    import time

    from panoptic.backends.web.backend import WebBackend
    from panoptic.commands.run import _browser_options

    monkeypatch.setenv("PANOPTIC_SLOW_MO", "0")  # recorded, so that the value set below is undone afterwards
    assert not _browser_options(False, "soon")
    assert _browser_options(False, "300ms")
    assert os.environ["PANOPTIC_SLOW_MO"] == "300"
    slow = WebBackend(make_app(deeper_site))
    slow.start()
    ctx = make_ctx()
    try:
        slow.begin(ctx)
        slow.perform("navigate", {"url": "/index.html"}, T)
        started = time.perf_counter()
        slow.perform("click", {"target": css("#all")}, T)
        assert time.perf_counter() - started >= 0.3
        slow.end(ctx, False)
    finally:
        slow.stop()
