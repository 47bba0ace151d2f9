"""`panoptic run` end to end against a served folder in real headless Chromium.

Includes a browser killed in the middle of a scenario: that scenario errors
(PAN904), the next one runs in a fresh browser, and the report is written.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from panoptic.report.jsonl import read_records

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]

INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Counter shop</title></head>
<body>
<h1>Counter</h1>
<button id="inc">Add to cart</button> cart: <span id="count">0</span>
<label for="pw">Password</label> <input id="pw" type="password">
<p id="later" hidden>Arrived</p>
<a href="/second.html" id="next">Next page</a>
<script>
const $ = (id) => document.getElementById(id);
$('inc').addEventListener('click', () => {
  setTimeout(() => { $('count').textContent = String(+$('count').textContent + 1); }, 300);
});
setTimeout(() => { $('later').hidden = false; }, 500);
</script>
</body></html>
"""

SECOND = """<!doctype html><html><head><title>Second page</title></head><body><h1>Second</h1></body></html>"""

SUITE = """
app site: web {
    serve: "site"
    timeout: 5s
}

secret password = env("WEB_RUN_PW", "pw-7h1s-1s-s3cret")

flow add(times) {
    repeat times times {
        click "#inc"
    }
}

scenario "counts clicks" on site tags smoke {
    open "/"
    add(2)
    expect "#count" has text "2" within 3s
    fill label "Password" with password
    expect "#pw" has value password
    wait until "#later" visible
    screenshot "counted"
    click text "Next page"
    expect url contains "/second.html"
    expect title is "Second page"
}

scenario "a typo in a target" on site tags smoke {
    open "/"
    expect "#cuont" has text "0" within 1s
}

scenario "browser killed in the middle" on site {
    open "/"
    log "ready to be killed"
    wait 20s
    click "#inc"
}

scenario "runs after the crash" on site {
    open "/"
    click "#inc"
    expect "#count" has text "1"
}
"""


def _require_chromium() -> None:
    from panoptic.environment import find_chromium

    if find_chromium(None) is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI")
        pytest.skip("Chromium is not installed")


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents[int(entry.name)] = ppid
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        children = [p for p, pp in parents.items() if pp == current]
        found.extend(children)
        frontier.extend(children)
    return found


def _is_browser(pid: int) -> bool:
    try:
        return "chrom" in Path(f"/proc/{pid}/comm").read_text().lower()
    except OSError:
        return False


def _records(path: Path) -> list[dict]:
    try:
        return read_records(path)
    except Exception:
        return []


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    _require_chromium()
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(INDEX, encoding="utf-8")
    (site / "second.html").write_text(SECOND, encoding="utf-8")
    path = tmp_path / "suite.pan"
    path.write_text(SUITE, encoding="utf-8")
    return path


def test_run_in_chromium_survives_a_killed_browser(suite: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "panoptic", "run", str(suite), "--output", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    results = out / "results.jsonl.gz"
    killed: list[int] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            done = [r for r in _records(results) if r.get("kind") == "scenario_finished"]
            if len(done) >= 2:
                time.sleep(3.0)  # the third scenario opens its page, then waits 20 s
                killed = [p for p in _descendants(proc.pid) if _is_browser(p)]
                for pid in killed:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                break
            time.sleep(0.2)
        stdout, stderr = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert killed, "no browser process was found to kill"
    console = stdout.decode()
    assert proc.returncode == 1, console + stderr.decode()
    records = read_records(results)
    finished = {r["scenario"].split("::")[1]: r for r in records if r["kind"] == "scenario_finished"}
    assert finished["counts clicks"]["status"] == "passed", finished["counts clicks"]
    typo = finished["a typo in a target"]
    assert typo["status"] == "failed" and typo["failure"]["code"] == "PAN901"
    assert typo["failure"]["actual"] == "not found"
    crashed = finished["browser killed in the middle"]
    assert crashed["status"] == "error" and crashed["failure"]["code"] == "PAN904", crashed
    assert finished["runs after the crash"]["status"] == "passed", finished["runs after the crash"]
    # the console renders failures like compile errors
    assert "error[PAN901]" in console and 'expect "#cuont" has text "0" within 1s' in console
    assert "error[PAN904]" in console
    # artifacts: the named screenshot, and what the backend keeps for a failure
    arts = [a["path"] for r in records if r["kind"] == "step_finished" for a in r.get("artifacts", [])]
    assert "artifacts/001-counts-clicks/counted.png" in arts
    assert (out / "artifacts" / "001-counts-clicks" / "counted.png").stat().st_size > 1000
    typo_files = {p.name for p in (out / "artifacts" / "002-a-typo-in-a-target").iterdir()}
    assert any(n.endswith(".png") for n in typo_files) and any(n.endswith(".html") for n in typo_files)
    assert (out / "report.html").is_file() and (out / "junit.xml").is_file()
    # the secret is nowhere
    for path in out.rglob("*"):
        if path.is_file() and path.suffix not in (".jsonl", ".zip", ".webm", ".png"):
            assert b"pw-7h1s-1s-s3cret" not in path.read_bytes(), path
    assert "pw-7h1s-1s-s3cret" not in str(records) + console


def test_parallel_run_in_chromium_keeps_order(suite: Path, tmp_path: Path) -> None:
    text = suite.read_text().split('scenario "browser killed')[0]
    suite.write_text(text, encoding="utf-8")
    out = tmp_path / "par"
    proc = subprocess.run(
        [sys.executable, "-m", "panoptic", "run", str(suite), "--output", str(out), "--workers", "2"],
        cwd=ROOT,
        capture_output=True,
        timeout=240,
    )
    assert proc.returncode == 1, proc.stdout.decode() + proc.stderr.decode()
    records = read_records(out / "results.jsonl.gz")
    order = [r["scenario"].split("::")[1] for r in records if r["kind"] == "scenario_started"]
    assert order == ["counts clicks", "a typo in a target"]
    workers = {r["worker"] for r in records if r["kind"] == "scenario_started"}
    assert workers <= {1, 2}


def test_no_browser_exits_3_with_the_fix(suite: Path, tmp_path: Path) -> None:
    env = dict(os.environ, PANOPTIC_BROWSER="/nonexistent/chromium", PLAYWRIGHT_BROWSERS_PATH=str(tmp_path / "none"))
    env["PATH"] = "/nonexistent"  # no chromium on PATH either
    proc = subprocess.run(
        [sys.executable, "-m", "panoptic", "run", str(suite), "--output", str(tmp_path / "o"), "-k", "counts"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        env=env,
    )
    text = proc.stdout.decode()
    assert proc.returncode == 3, text + proc.stderr.decode()
    assert "error[PAN906]" in text and "help:" in text
