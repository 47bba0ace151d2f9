"""Sessions, artifacts and faults of the web backend: traces, failure captures, video, crashes, missing browser."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from webtest_support import SECRET, css, make_app, require

from panoptic.backends.web.backend import WebBackend
from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed, BackendCrashed, InfrastructureError

pytestmark = pytest.mark.browser

T = 5.0
SPELLINGS = (SECRET, quote(SECRET, safe=""), quote_plus(SECRET), json.dumps(SECRET)[1:-1])


def _all_bytes(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as z:
        return [(n, z.read(n)) for n in z.namelist()]


def _log_in_with_secret(web: WebBackend) -> None:
    web.perform("navigate", {"url": "/index.html"}, T)
    web.perform("fill", {"target": css("#user"), "text": "dave"}, T)
    web.perform("fill", {"target": ResolvedTarget("label", "Password"), "text": SECRET}, T)
    web.perform("fill", {"target": css("#token"), "text": SECRET}, T)
    web.perform("type", {"text": SECRET, "target": css("#keys")}, T)
    web.perform("submit", {"target": css("#login")}, T)  # GET form: the secret goes into the URL
    web.perform("hover", {"target": ResolvedTarget("text", "Welcome, dave")}, T)


def test_trace_on_failure_is_a_real_trace_without_the_secret(backend, make_ctx):
    ctx = make_ctx()
    backend.begin(ctx)
    _log_in_with_secret(backend)
    backend.end(ctx, True)
    trace = ctx.artifacts_dir / "trace.zip"
    entries = _all_bytes(trace)
    names = [n for n, _ in entries]
    assert "trace.trace" in names and any(n.startswith("resources/") or n.endswith(".network") for n in names)
    log = dict(entries)["trace.trace"].decode("utf-8")
    assert '"method":"fill"' in log.replace(" ", "") or "fill" in log  # the fill actions are in the log …
    assert "***" in log  # … with their values masked
    for name, data in entries:
        for spelling in SPELLINGS:
            assert spelling.encode() not in data, f"{spelling!r} in {name}"
    assert [a.kind for a in ctx.written] == ["trace"]
    assert not any(p.suffix == ".part" for p in ctx.artifacts_dir.iterdir())


def test_passing_scenario_keeps_no_trace_unless_always(backend, make_ctx, chromium, site):
    ctx = make_ctx()
    backend.begin(ctx)
    backend.perform("navigate", {"url": "/index.html"}, T)
    backend.end(ctx, False)
    assert not (ctx.artifacts_dir / "trace.zip").exists() and ctx.written == []

    always = WebBackend(make_app(site, trace="always"))
    always.start()
    try:
        ctx = make_ctx()
        always.begin(ctx)
        always.perform("navigate", {"url": "/index.html"}, T)
        always.end(ctx, False)
        assert zipfile.is_zipfile(ctx.artifacts_dir / "trace.zip")
    finally:
        always.stop()


def test_capture_failure_writes_masked_screenshot_and_scrubbed_html(backend, make_ctx):
    ctx = make_ctx()
    backend.begin(ctx)
    _log_in_with_secret(backend)  # the welcome page prints the token (the secret) in its text
    assert backend.query("query.text", {"target": css("#token-echo")}) == SECRET
    backend.capture_failure(ctx)
    backend.end(ctx, True)
    kinds = {a.kind: a for a in ctx.written}
    assert set(kinds) == {"screenshot", "html", "trace"}
    png = ctx.artifacts_dir / "failure.png"
    assert png.read_bytes()[:4] == b"\x89PNG"
    html = (ctx.artifacts_dir / "page.html").read_text(encoding="utf-8")
    assert "Welcome, dave" in html and SECRET not in html and "***" in html


def test_capture_failure_and_end_never_raise_without_a_page(backend, make_ctx):
    ctx = make_ctx()
    backend.capture_failure(ctx)
    backend.end(ctx, True)
    assert ctx.written == []


def _descendants(root: int) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _browser_pids() -> set[int]:
    """Main browser processes under this test process's Playwright driver (never anyone else's)."""
    children = _descendants(os.getpid())
    found: set[int] = set()
    stack = list(children.get(os.getpid(), []))
    while stack:
        pid = stack.pop()
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"chrom" in cmdline[0].lower() and not any(arg.startswith(b"--type=") for arg in cmdline):
            found.add(pid)
            continue  # its children are its renderers and helpers
        stack.extend(children.get(pid, []))
    return found


def test_killed_browser_is_a_crash_and_the_next_begin_relaunches(chromium, site, make_ctx):
    before = _browser_pids()
    web = WebBackend(make_app(site))
    web.start()
    try:
        ctx = make_ctx()
        web.begin(ctx)
        web.perform("navigate", {"url": "/index.html"}, T)
        ours = _browser_pids() - before
        assert len(ours) == 1, ours
        os.kill(ours.pop(), signal.SIGKILL)
        time.sleep(0.3)
        with pytest.raises(BackendCrashed) as err:
            web.perform("click", {"target": ResolvedTarget("testid", "increment")}, T)
        assert err.value.code == "PAN904" and "browser" in err.value.message
        with pytest.raises(BackendCrashed):
            web.query("query.visible", {"target": css("h1")})
        web.capture_failure(ctx)
        web.end(ctx, True)  # must not raise

        ctx2 = make_ctx()
        web.begin(ctx2)
        web.perform("navigate", {"url": "/index.html"}, T)
        web.perform("click", {"target": ResolvedTarget("testid", "increment")}, T)
        assert web.query("query.text", {"target": css("#cart-count")}) == "1"
        web.end(ctx2, False)
    finally:
        web.stop()


def test_crashed_page_is_a_crash(chromium, site, make_ctx):
    web = WebBackend(make_app(site))
    web.start()
    try:
        ctx = make_ctx()
        web.begin(ctx)
        with pytest.raises(BackendCrashed, match="crashed"):
            web.perform("navigate", {"url": "chrome://crash"}, T)
            web.perform("click", {"target": css("h1")}, T)
        web.end(ctx, True)
        ctx2 = make_ctx()
        web.begin(ctx2)
        web.perform("navigate", {"url": "/index.html"}, T)
        assert web.query("query.title", {}) == "Panoptic test shop"
        web.end(ctx2, False)
    finally:
        web.stop()


def test_record_video_writes_a_real_webm(chromium, site, make_ctx):
    ffprobe = shutil.which("ffprobe")
    require(ffprobe is not None, "ffprobe (apt-get install -y ffmpeg)")
    web = WebBackend(make_app(site))
    web.start()
    try:
        ctx = make_ctx(record_video=True)
        web.begin(ctx)
        web.perform("record_video", {}, T)
        web.perform("navigate", {"url": "/index.html"}, T)
        for _ in range(3):
            web.perform("click", {"target": ResolvedTarget("testid", "increment")}, T)
            time.sleep(0.2)
        web.end(ctx, False)
    finally:
        web.stop()
    video = ctx.artifacts_dir / "video.webm"
    data = video.read_bytes()
    assert len(data) > 1000 and data[:4] == b"\x1a\x45\xdf\xa3"
    assert [a.kind for a in ctx.written] == ["video"] and ctx.written[0].path.endswith("/video.webm")
    probe = subprocess.run(
        [ffprobe, "-v", "error", "-show_entries", "format=duration:stream=codec_name", "-of", "json", str(video)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    info = json.loads(probe.stdout)
    assert info["streams"][0]["codec_name"] in ("vp8", "vp9")
    assert float(info["format"]["duration"]) > 0.3
    assert sorted(p.name for p in ctx.artifacts_dir.iterdir()) == ["video.webm"]


def test_device_emulation_and_locale(chromium, site, make_ctx):
    web = WebBackend(make_app(site, device="iPhone 13", locale="de-DE"))
    web.start()
    try:
        ctx = make_ctx()
        web.begin(ctx)
        web.perform("navigate", {"url": "/second.html"}, T)
        assert web.query("query.text", {"target": css("#width")}) == "390"
        assert "iPhone" in (web.query("query.text", {"target": css("#ua")}) or "")
        assert web._page.evaluate("navigator.language") == "de-DE"
        web.end(ctx, False)
    finally:
        web.stop()


def test_viewport_setting(chromium, site, make_ctx):
    web = WebBackend(make_app(site, viewport=(800, 600)))
    web.start()
    try:
        ctx = make_ctx()
        web.begin(ctx)
        web.perform("navigate", {"url": "/second.html"}, T)
        assert web.query("query.text", {"target": css("#width")}) == "800"
        web.end(ctx, False)
    finally:
        web.stop()


def test_unknown_device_names_close_ones(chromium, site):
    web = WebBackend(make_app(site, device="iPhone 133"))
    with pytest.raises(ActionFailed) as err:
        web.start()
    assert "unknown device 'iPhone 133'" in err.value.message
    assert "iPhone 13" in err.value.candidates
    web.stop()


def test_url_setting_points_at_a_running_site(chromium, site, make_ctx):
    from panoptic.backends.serve import StaticServer

    server = StaticServer(site)
    base = server.start()
    web = WebBackend(make_app(None, url=base + "index.html"))
    web.start()
    try:
        ctx = make_ctx()
        web.begin(ctx)
        web.perform("navigate", {"url": "second.html"}, T)
        assert web.query("query.url", {}) == base + "second.html"
        web.end(ctx, False)
    finally:
        web.stop()
        server.stop()


def test_no_chromium_is_an_infrastructure_error(site, monkeypatch):
    try:
        import playwright  # noqa: F401
    except ImportError:
        require(False, "playwright")
    web = WebBackend(make_app(site, browser_path="/nonexistent/chromium"))
    with pytest.raises(InfrastructureError) as err:
        web.start()
    assert err.value.code == "PAN906"
    assert "/nonexistent/chromium" in err.value.message
    assert "apt-get install -y chromium" in (err.value.help or "")
    assert "playwright install chromium" in (err.value.help or "")
    assert web._server is None  # the static server was stopped again

    monkeypatch.setenv("PANOPTIC_BROWSER", "/nonexistent/chrome-from-env")
    web = WebBackend(make_app(site))
    with pytest.raises(InfrastructureError, match="PANOPTIC_BROWSER"):
        web.start()

    monkeypatch.delenv("PANOPTIC_BROWSER")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", "/nonexistent")
    web = WebBackend(make_app(site))
    with pytest.raises(InfrastructureError, match="no Chromium found") as err:
        web.start()
    assert "apt-get install -y chromium" in (err.value.help or "")


def test_headed_without_a_display_and_unavailable_engines(chromium, site, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    web = WebBackend(make_app(site), headed=True)
    with pytest.raises(InfrastructureError, match="needs a display") as err:
        web.start()
    assert "xvfb-run" in (err.value.help or "")
    web = WebBackend(make_app(site, headless=False))
    with pytest.raises(InfrastructureError, match="needs a display"):
        web.start()
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", "/nonexistent")
    web = WebBackend(make_app(site, browser="firefox"))
    with pytest.raises(InfrastructureError, match="could not launch firefox") as err:
        web.start()
    assert "playwright install --with-deps firefox" in (err.value.help or "")


def test_missing_serve_folder_is_an_infrastructure_error(tmp_path):
    web = WebBackend(make_app(tmp_path / "nope"))
    with pytest.raises(InfrastructureError, match="does not exist"):
        web.start()


_VIDEO_SCRIPT = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from webtest_support import make_app
from panoptic.contract import ScenarioContext
from panoptic.backends.web.backend import WebBackend
from panoptic.contract.errors import StepError

site, out, browser = Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
web = WebBackend(make_app(site, browser_path=browser))
web.start()
ctx = ScenarioContext("v", "video", out / "run" / "a" / "s", (), 5.0, record_video=True)
web.begin(ctx)
try:
    web.perform("record_video", {}, 5.0)
    web.perform("navigate", {"url": "/index.html"}, 5.0)
    print("RECORDING")
except StepError as exc:
    print("ERROR", exc.code, exc.message)
web.end(ctx, False)
web.stop()
print("FILES", sorted(p.name for p in ctx.artifacts_dir.iterdir()))
"""


def _run_video_script(tmp_path: Path, site: Path, chromium: str, env: dict[str, str]) -> str:
    script = tmp_path / "video.py"
    script.write_text(_VIDEO_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(Path(__file__).parent), str(site), str(tmp_path), os.path.realpath(chromium)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_video_links_the_system_ffmpeg_into_an_empty_browsers_folder(chromium, site, tmp_path):
    require(shutil.which("ffmpeg") is not None, "ffmpeg (apt-get install -y ffmpeg)")
    browsers = tmp_path / "browsers"
    env = dict(os.environ, PLAYWRIGHT_BROWSERS_PATH=str(browsers))
    out = _run_video_script(tmp_path, site, chromium, env)
    assert "RECORDING" in out and "'video.webm'" in out
    links = list(browsers.glob("ffmpeg-*/ffmpeg-linux"))
    assert len(links) == 1 and links[0].is_symlink()
    assert (tmp_path / "run" / "a" / "s" / "video.webm").read_bytes()[:4] == b"\x1a\x45\xdf\xa3"


def test_video_without_any_ffmpeg_says_what_to_install(chromium, site, tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("sh", "dirname", "readlink", "cat", "grep", "sed", "basename", "uname", "mkdir", "rm"):
        found = shutil.which(tool)
        if found:
            (bare / tool).symlink_to(found)
    env = dict(os.environ, PLAYWRIGHT_BROWSERS_PATH=str(tmp_path / "browsers"), PATH=str(bare))
    out = _run_video_script(tmp_path, site, chromium, env)
    assert "ERROR PAN906" in out and "apt-get install -y ffmpeg" in out
    assert "FILES []" in out
