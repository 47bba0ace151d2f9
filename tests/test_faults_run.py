"""Fault injection through `panoptic run`, with the real components: Chromium, Xvfb with a Tk app, Appium.

Each test starts the command line on a `.pan` file, injects one run-time fault
(an app that dies, a target with 60 matches, an element far below the
viewport, a secret the browser encodes, a SIGKILL, a SIGINT ignored at start)
and checks the run fails, masks or cleans up as it must. The components are
set up as in tests/backends/*; outside CI a missing one skips its tests.
"""

from __future__ import annotations

import base64
import gzip
import html
import http.server
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from panoptic.report.jsonl import read_records

ROOT = Path(__file__).resolve().parents[1]
NOTES_APP = ROOT / "examples" / "desktop" / "app.py"
IN_CI = bool(os.environ.get("CI"))
SECRET = 'P@ss w/rd"é!x9'  # characters a URL, a form, JSON and HTML all spell differently


def need(condition: bool, what: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available")


def need_web() -> None:
    from panoptic.environment import find_chromium

    need(importlib.util.find_spec("playwright") is not None, "playwright")
    need(find_chromium() is not None, "a Chromium browser")


def need_desktop() -> None:
    for tool in ("Xvfb", "xdotool", "tesseract", "ffmpeg"):
        need(shutil.which(tool) is not None, tool)
    for module in ("pyautogui", "Xlib", "cv2", "pytesseract", "tkinter"):
        need(importlib.util.find_spec(module) is not None, module)


def run(
    pan: Path, out: Path, *, env: dict[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "panoptic", "run", str(pan), "-o", str(out)],
        cwd=pan.parent,
        env={**os.environ, "FAULT_PW": SECRET, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def finished(out: Path) -> dict[str, dict]:
    """The last `scenario_finished` record of each scenario, by title."""
    records = read_records(out / "results.jsonl.gz")
    return {r["scenario"].split("::", 1)[1]: r for r in records if r["kind"] == "scenario_finished"}


def failure(record: dict) -> dict:
    assert record["status"] != "passed", f"{record['scenario']} passed"
    return record["failure"]


def pixel(png: Path, x: int, y: int) -> tuple[int, ...]:
    from PIL import Image

    with Image.open(png) as image:
        return image.convert("RGB").getpixel((x, y))


def artifact(out: Path, name: str) -> Path:
    found = sorted(out.rglob(name))
    assert found, f"no {name} under {out}"
    return found[0]


# ---- pages served to the web and mobile apps ------------------------------------------------------------

LIST_HTML = (
    "<!doctype html><html><head><title>List</title></head><body><ul>"
    + "".join(f'<li style="display:none">item {i}</li>' for i in range(59))
    + "<li>item 59</li></ul></body></html>"
)
FAR_HTML = """<!doctype html><html><head><title>Far</title></head><body style="margin:0">
<p id="near">near</p><div style="height:4000px"></div><p id="far">far below</p>
<button id="lonely">not in a form</button></body></html>"""
ECHO_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>Echo</title></head><body>
<p id="out">none</p>
<script>
const p = new URLSearchParams(location.search).get('p') || '';
const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(p)));
document.getElementById('out').textContent = [JSON.stringify({p}), b64, encodeURIComponent(p),
  new URLSearchParams({p}).toString()].join(' ');
</script></body></html>"""
FIELD_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>Field</title>
<style>body { margin: 0; background: #fff; }
#field { position: absolute; left: 20px; top: 20px; width: 300px; height: 40px; font: 24px sans-serif;
  background: #fff; color: #000; border: 1px solid #888; }</style></head>
<body><input id="field" type="text"></body></html>"""


def site(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {
        "list.html": LIST_HTML,
        "far.html": FAR_HTML,
        "echo.html": ECHO_HTML,
        "field.html": FIELD_HTML,
    }.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# ---- web: false passes (items 2, 3) ---------------------------------------------------------------------

WEB_FALSE_PASSES = """
app shop: web {
    serve: "site"
    viewport: 1280x720
    timeout: 5s
}

scenario "hidden with the last of 60 matches visible" on shop {
    open "/list.html"
    expect "li" hidden within 1s
}

scenario "visible and hidden hold as documented" on shop {
    open "/list.html"
    expect "li" visible
    expect "li" count 60
    expect "#nothing" hidden
    open "/far.html"
    expect "#near" on screen
    expect "#far" visible
}

scenario "on screen with the element 4000 px below" on shop {
    open "/far.html"
    expect "#far" on screen within 1s
}

scenario "submit outside a form" on shop {
    open "/far.html"
    submit "#lonely"
}
"""


def test_web_visibility_and_submit_faults_fail(tmp_path: Path) -> None:
    need_web()
    site(tmp_path / "site")
    pan = tmp_path / "faults.pan"
    pan.write_text(WEB_FALSE_PASSES, encoding="utf-8")
    done = run(pan, tmp_path / "out")
    assert done.returncode == 1, done.stdout + done.stderr
    results = finished(tmp_path / "out")
    assert results["visible and hidden hold as documented"]["status"] == "passed", results
    hidden = failure(results["hidden with the last of 60 matches visible"])
    assert hidden["code"] == "PAN901" and "hidden" in hidden["message"]
    far = failure(results["on screen with the element 4000 px below"])
    assert "on screen" in far["message"] and "viewport" in far["actual"]
    lonely = failure(results["submit outside a form"])
    assert "not in a form" in lonely["message"]


# ---- web: a secret in the spellings the browser gives it (item 7) ---------------------------------------

WEB_SECRET = """
app shop: web {
    serve: "site"
    viewport: 1280x720
    timeout: 5s
    trace: "always"
}

secret pw = env("FAULT_PW", "unset")

scenario "the URL holds the secret percent-encoded" on shop {
    open "/echo.html?p=${pw}"
    expect url is "/elsewhere" within 500ms
}

scenario "the page shows it JSON-escaped, base64, URI- and form-encoded" on shop {
    open "/echo.html?p=${pw}"
    expect "#out" has text "none" within 500ms
}
"""


def spellings(secret: str) -> list[str]:
    raw = secret.encode()
    return [
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote(secret, safe="/@!:"),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        html.escape(secret),
        base64.b64encode(raw).decode(),
        base64.b64encode(raw).decode().rstrip("="),
    ]


def texts_of(out: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every file the run wrote, .gz inflated and zip entries (the trace) opened."""
    for path in out.rglob("*"):
        if not path.is_file() or path.suffix in (".png", ".webm", ".mp4", ".jpeg", ".jpg"):
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                for info in z.infolist():
                    yield f"{path.name}:{info.filename}", z.read(info).decode(errors="replace")
            continue
        yield str(path.relative_to(out)), data.decode(errors="replace")


def test_web_secret_encodings_are_masked_everywhere(tmp_path: Path) -> None:
    need_web()
    site(tmp_path / "site")
    pan = tmp_path / "secret.pan"
    pan.write_text(WEB_SECRET, encoding="utf-8")
    out = tmp_path / "out"
    done = run(pan, out)
    assert done.returncode == 1, done.stdout + done.stderr
    results = finished(out)
    assert all(r["status"] == "failed" for r in results.values()), results
    assert list(out.rglob("*.zip")), "no trace was kept"
    assert (out / "report.html").is_file() and list(out.rglob("*.xml"))
    places = [("console", done.stdout + done.stderr), *texts_of(out)]
    for form in spellings(SECRET):
        leaks = [name for name, text in places if form in text]
        assert not leaks, f"{form!r} is in {leaks}"


# ---- desktop: a dead app, a typed secret (items 1, 7) --------------------------------------------------

DYING_APP = """
import tkinter as tk
root = tk.Tk()
root.title("Fault App")
root.geometry("400x200+40+40")
tk.Label(root, text="Hello there", font=("DejaVu Sans", 24)).pack(pady=40)
root.after(int(__import__("sys").argv[1]), root.destroy)
root.mainloop()
"""

DESKTOP_FAULTS = f"""
app dying: desktop {{
    command: "{sys.executable} dying.py 4000"
    window: "Fault App"
    timeout: 5s
}}

app notes: desktop {{
    command: "{sys.executable} {NOTES_APP}"
    window: "Panoptic Notes"
    timeout: 10s
}}

secret pw = env("FAULT_DESKTOP_PW", "unset")

scenario "hidden after the app died" on dying {{
    wait 5s
    expect text "Hello" hidden
}}

scenario "not visible after the app died" on dying {{
    wait 5s
    expect text "Hello" not visible
}}

scenario "any step after the app died" on dying {{
    wait 5s
    wait 10ms
}}

scenario "a screenshot after a secret was typed" on notes {{
    type pw into at 290, 131
    screenshot "after-secret"
}}

scenario "a video while a secret is typed" on notes {{
    record video
    wait 1s
    type pw into at 290, 131
    wait 1s
}}
"""


def test_desktop_dead_app_and_typed_secret(tmp_path: Path) -> None:
    need_desktop()
    (tmp_path / "dying.py").write_text(DYING_APP, encoding="utf-8")
    pan = tmp_path / "desktop.pan"
    pan.write_text(DESKTOP_FAULTS, encoding="utf-8")
    out = tmp_path / "out"
    done = run(pan, out, env={"FAULT_DESKTOP_PW": "Tr0ub4dor"})
    assert done.returncode == 1, done.stdout + done.stderr
    results = finished(out)
    for title in ("hidden after the app died", "not visible after the app died", "any step after the app died"):
        crash = failure(results[title])
        assert crash["code"] == "PAN904" and "exited" in crash["message"], (title, crash)
    typed = results["a screenshot after a secret was typed"]
    assert typed["status"] == "passed", typed
    shot = artifact(out, "after-secret.png")
    assert pixel(shot, 290, 131) == (0, 0, 0)  # the entry is blacked out
    from PIL import Image

    from panoptic.perception import ocr

    with Image.open(shot) as image:
        assert "Tr0ub4dor" not in ocr.read_text(image.convert("RGB"))

    filmed = results["a video while a secret is typed"]
    assert filmed["status"] == "passed", filmed
    video = artifact(out, "video.mp4")
    last = tmp_path / "last-frame.png"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-sseof", "-0.3", "-i", str(video), "-frames:v", "1", str(last)],
        check=True,
    )
    with Image.open(last) as image:
        assert image.convert("L").getpixel((290, 131)) < 24  # the entry is blacked out (H.264: near black)
        assert "Tr0ub4dor" not in ocr.read_text(image.convert("RGB"))


# ---- desktop: SIGKILL of the run, SIGINT ignored at start (items 8, 12) --------------------------------

SLOW_DESKTOP = f"""
app dying: desktop {{
    command: "{sys.executable} dying.py 120000"
    window: "Fault App"
    timeout: 5s
}}

scenario "a long wait" on dying {{
    record video
    wait 60s
}}
"""


def children_of(pid: int) -> dict[int, str]:
    """Descendants of `pid` (pid -> command line)."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        current = todo.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found[child] = commands.get(child, "")
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for_children(proc: subprocess.Popen[bytes], names: tuple[str, ...], limit: float = 60) -> dict[int, str]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        kids = children_of(proc.pid)
        if all(any(name in cmd for cmd in kids.values()) for name in names):
            time.sleep(1.0)  # let the scenario reach its wait
            return children_of(proc.pid)
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    raise AssertionError(f"the run did not start {names}: {children_of(proc.pid)}")


def test_sigkill_of_a_desktop_run_leaves_no_processes(tmp_path: Path) -> None:
    need_desktop()
    (tmp_path / "dying.py").write_text(DYING_APP, encoding="utf-8")
    pan = tmp_path / "slow.pan"
    pan.write_text(SLOW_DESKTOP, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "panoptic", "run", str(pan), "-o", str(tmp_path / "out")],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    kids: dict[int, str] = {}
    try:
        kids = wait_for_children(proc, ("Xvfb", "ffmpeg", "dying.py"))
        proc.kill()
        proc.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(alive(pid) for pid in kids):
            time.sleep(0.1)
        left = {pid: cmd for pid, cmd in kids.items() if alive(pid)}
        assert not left, f"left running after SIGKILL: {left}"
    finally:
        for pid in kids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()


SLOW_WEB = """
app shop: web {
    serve: "site"
    timeout: 5s
}

scenario "a long wait" on shop {
    open "/list.html"
    wait 60s
}
"""


def ctrl_c_run(
    argv: list[str],
    cwd: Path,
    *,
    sigint: Any,
    ready: Callable[[dict[int, str]], bool],
    settle: float,
    env: dict[str, str] | None = None,
    before: Callable[[int], None] = lambda pid: None,
) -> tuple[int, bytes]:
    """`panoptic run ARGV` in a session of its own with SIGINT set to `sigint` at start; once `ready(its
    descendants)` holds and `settle` seconds later (after `before(pid)`), SIGINT to its whole process group, as a
    terminal's Ctrl-C. Its exit code and stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "panoptic", "run", *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not ready(children_of(proc.pid)):
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.2)
        time.sleep(settle)
        before(proc.pid)
        os.killpg(proc.pid, signal.SIGINT)
        try:
            _, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"Ctrl-C did not stop `panoptic run {' '.join(argv)}`")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.returncode, stderr


def test_ctrl_c_works_when_sigint_was_ignored_at_start(tmp_path: Path) -> None:
    need_web()
    site(tmp_path / "site")
    pan = tmp_path / "slow.pan"
    pan.write_text(SLOW_WEB, encoding="utf-8")
    out = tmp_path / "out"
    code, stderr = ctrl_c_run(
        [str(pan), "-o", str(out)],
        tmp_path,
        sigint=signal.SIG_IGN,  # as in a background job or under nohup
        ready=lambda children: (out / "results.jsonl.gz").exists() and any("chrom" in c for c in children.values()),
        settle=2.0,  # into the wait
    )
    assert code == 130, stderr.decode()
    records = read_records(out / "results.jsonl.gz")
    assert records[-1]["kind"] == "run_finished" and records[-1]["interrupted"] is True


WAITING_WEB = """
app shop: web {
    serve: "site"
    timeout: 5s
}

scenario "waits one" on shop {
    open "/list.html"
    expect "#never-there" visible within 60s
}

scenario "waits two" on shop {
    open "/list.html"
    expect "#never-there" visible within 60s
}
"""


READY_MARKS = ("run-driver", "--type=renderer")  # one driver and a page's renderer per worker


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_interrupts_the_running_scenarios_cleanly(tmp_path: Path, workers: int) -> None:
    """A terminal's Ctrl-C reaches the run, not Playwright's driver: the running scenarios end interrupted
    (PAN907), not with their pages closed under them, and nothing is printed from inside Playwright."""
    need_web()
    site(tmp_path / "site")
    pan = tmp_path / "waits.pan"
    pan.write_text(WAITING_WEB, encoding="utf-8")
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k not in ("PANOPTIC_NO_CACHE", "NODE_COMPILE_CACHE")}
    env["PANOPTIC_CACHE_DIR"] = str(tmp_path / "cache")

    def drivers_apart_with_the_compile_cache(pid: int) -> None:
        drivers = [child for child, cmd in children_of(pid).items() if "run-driver" in cmd]
        assert len(drivers) == workers
        assert all(os.getsid(driver) != os.getsid(pid) for driver in drivers)  # out of the terminal's reach
        cache = f"NODE_COMPILE_CACHE={tmp_path / 'cache' / 'node-compile-cache'}".encode()
        assert all(cache in Path(f"/proc/{driver}/environ").read_bytes().split(b"\0") for driver in drivers)

    code, stderr = ctrl_c_run(
        [str(pan), "-o", str(out), "-w", str(workers)],
        tmp_path,
        sigint=signal.SIG_DFL,  # not ignored, however pytest was started
        ready=lambda children: all(sum(mark in c for c in children.values()) >= workers for mark in READY_MARKS),
        settle=1.5,  # polling for the element
        env=env,
        before=drivers_apart_with_the_compile_cache,
    )
    assert code == 130, stderr.decode()
    records = read_records(out / "results.jsonl.gz")
    finished = {r["scenario"].split("::")[1]: r for r in records if r["kind"] == "scenario_finished"}
    running = {"waits one": "PAN907", "waits two": "PAN907"} if workers == 2 else {"waits one": "PAN907"}
    assert {title: r["failure"]["code"] for title, r in finished.items()} == running
    assert records[-1]["kind"] == "run_finished" and records[-1]["interrupted"] is True
    assert b"Traceback" not in stderr and b"exception" not in stderr, stderr.decode()


# ---- mobile (Appium): back with no history, 60 matches, on screen, a typed secret (items 2, 3, 7) ---------


@pytest.fixture(scope="module")
def appium_url() -> Iterator[str]:
    from panoptic.backends.mobile.appium_server import LocalAppiumServer
    from panoptic.environment import find_appium

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


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    from panoptic.backends.mobile.appium_server import free_port

    root = site(tmp_path / "site")
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


MOBILE_FAULTS = """
app phone: mobile {{
    server: "{server}"
    platform: "linux"
    browser: "chrome"
    url: "{url}"
    timeout: 5s
}}

secret pw = env("FAULT_DESKTOP_PW", "unset")

scenario "back with no history" on phone {{
    open "/list.html"
    back
}}

scenario "hidden with the last of 60 matches visible" on phone {{
    open "/list.html"
    expect "li" hidden within 1s
}}

scenario "on screen with the element 4000 px below" on phone {{
    open "/far.html"
    expect "#near" on screen
    expect "#far" on screen within 1s
}}

scenario "back returns to the previous page, visible holds" on phone {{
    open "/far.html"
    open "/list.html"
    expect "li" visible
    back
    expect "#near" visible
}}

scenario "a screenshot after a secret was typed" on phone {{
    open "/field.html"
    type pw into "#field"
    screenshot "after-secret"
}}
"""


def test_mobile_faults_fail_and_mask(tmp_path: Path, appium_url: str, served: str) -> None:
    pan = tmp_path / "mobile.pan"
    pan.write_text(MOBILE_FAULTS.format(server=appium_url, url=served), encoding="utf-8")
    out = tmp_path / "out"
    done = run(pan, out, env={"FAULT_DESKTOP_PW": "Tr0ub4dor"})
    assert done.returncode == 1, done.stdout + done.stderr
    results = finished(out)
    assert results["back returns to the previous page, visible holds"]["status"] == "passed", results
    back = failure(results["back with no history"])
    assert "no previous page" in back["message"]
    hidden = failure(results["hidden with the last of 60 matches visible"])
    assert hidden["code"] == "PAN901"
    far = failure(results["on screen with the element 4000 px below"])
    assert "#far" in far["message"] and "on screen" in far["message"]
    typed = results["a screenshot after a secret was typed"]
    assert typed["status"] == "passed", typed
    shot = artifact(out, "after-secret.png")
    assert pixel(shot, 100, 40) == (0, 0, 0)  # inside the field (20..320 x 20..60 in CSS px, ratio 1)
    assert pixel(shot, 400, 200) != (0, 0, 0)  # and only there
