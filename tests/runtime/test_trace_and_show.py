"""A real Chromium run's traces: one group per Panoptic step and the sources on every attempt, screenshots and
DOM snapshots on the retry (the default `trace: on-failure`); the terminal's artifact paths; `panoptic
show-trace` and `panoptic show-report` serving on 127.0.0.1 and stopped by the test."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from panoptic.backends.web.traces import groups

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]

INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Traced</title></head>
<body>
<input id="name" aria-label="Name"> <button id="go" onclick="document.getElementById('out').textContent='Hi ' +
document.getElementById('name').value">Greet</button>
<p id="out"></p>
</body></html>
"""

SUITE = """app site: web {
    serve: "site"
    timeout: 3s
}

let who = "Ada"
secret token = env("TRACE_TEST_TOKEN", "tok-5ecret-value")

flow greet(name) {
    fill label "Name" with name
    click "#go"
}

scenario "greets someone else" on site {
    open "/"
    greet(who)
    fill label "Name" with token
    expect "#out" has text "Hi Bob" within 1s
}
"""


def panoptic(*args: str, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "COLUMNS": "400"}
    return subprocess.run(
        [sys.executable, "-m", "panoptic", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("traced")
    (folder / "site").mkdir()
    (folder / "site" / "index.html").write_text(INDEX, encoding="utf-8")
    (folder / "suite.pan").write_text(SUITE, encoding="utf-8")
    proc = panoptic("run", "suite.pan", "-o", "out", "--retries", "1", cwd=folder)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (folder / "stdout.txt").write_text(proc.stdout, encoding="utf-8")
    return folder


def trace_of(folder: Path, attempt: int = 2) -> Path:
    """The trace of an attempt of the run's one scenario (by default the retry, the last attempt)."""
    traces = sorted((folder / "out" / "artifacts").glob("*/trace.zip"))
    [trace] = [t for t in traces if t.parent.name.endswith("-r2") == (attempt == 2)]
    return trace


def trace_kinds(trace: Path) -> set[str]:
    with zipfile.ZipFile(trace) as zf:
        return {
            line.split('"type":"', 1)[1].split('"', 1)[0]
            for name in zf.namelist()
            if name.endswith(".trace")
            for line in zf.read(name).decode().splitlines()
            if '"type":"' in line
        }


def test_the_trace_groups_each_step_under_its_source_text(failed_run: Path) -> None:
    trace = trace_of(failed_run)
    found = groups(trace)
    titles = [g["title"] for g in found]
    assert titles == [
        'open "/"',
        "greet(who)",
        'fill label "Name" with name',
        'click "#go"',
        'fill label "Name" with token',
        'expect "#out" has text "Hi Bob" within 1s',
    ]
    by_title = {g["title"]: g for g in found}
    # steps inside a flow are nested in the call's group; every group points at its line of the .pan file
    assert by_title['click "#go"']["parent"] == by_title["greet(who)"]["call"]
    assert by_title['open "/"']["parent"] is None
    assert {Path(g["file"]).name for g in found} == {"suite.pan"}
    assert by_title['expect "#out" has text "Hi Bob" within 1s']["line"] == 18
    with zipfile.ZipFile(trace) as zf:
        names = zf.namelist()
        sources = [n for n in names if n.startswith("src/") and n.endswith(".pan")]
        assert sources, names  # the .pan file is in the trace, so the viewer shows it beside each step
        assert "let who" in zf.read(sources[0]).decode()
        assert any(n.endswith(".jpeg") for n in names)  # screencast frames: the filmstrip
        everything = b"".join(zf.read(n) for n in names)
    assert b"tok-5ecret-value" not in everything  # the filled secret is scrubbed


def test_a_first_attempt_records_steps_calls_and_sources_but_no_pictures(failed_run: Path) -> None:
    trace = trace_of(failed_run, attempt=1)
    assert [g["title"] for g in groups(trace)][:2] == ['open "/"', "greet(who)"]
    with zipfile.ZipFile(trace) as zf:
        names = zf.namelist()
        assert any(n.startswith("src/") and n.endswith(".pan") for n in names), names
        assert not any(n.endswith(".jpeg") for n in names)
        assert b"tok-5ecret-value" not in b"".join(zf.read(n) for n in names)
    kinds = trace_kinds(trace)
    assert {"before", "after", "console"} <= kinds or {"before", "after"} <= kinds, kinds
    assert "frame-snapshot" not in kinds and "screencast-frame" not in kinds
    assert "frame-snapshot" in trace_kinds(trace_of(failed_run)) and "screencast-frame" in trace_kinds(
        trace_of(failed_run)
    )
    folder = trace.parent
    assert (folder / "failure.png").is_file() and (folder / "page.html").is_file()
    assert not (folder / "before-failure.jpeg").exists()


@pytest.mark.parametrize(
    ("setting", "attempt", "pictures"),
    [("on-failure", 1, False), ("on-failure", 2, True), ("full", 1, True), ("always", 1, True), ("off", 1, None)],
)
def test_what_each_trace_setting_records(setting: str, attempt: int, pictures: bool | None) -> None:
    from panoptic.backends.web.backend import WebBackend

    options = WebBackend.trace_options(setting, attempt)
    if pictures is None:
        assert options is None
    else:
        assert options is not None and options["sources"]
        assert options["screenshots"] is pictures and options["snapshots"] is pictures


def test_a_screenshot_before_the_failed_step_is_kept(failed_run: Path) -> None:
    folder = trace_of(failed_run).parent
    before = folder / "before-failure.jpeg"
    assert before.is_file() and before.read_bytes()[:3] == b"\xff\xd8\xff"
    assert (folder / "failure.png").is_file()


def test_the_terminal_names_the_failure_screenshot_and_the_trace(failed_run: Path) -> None:
    out = (failed_run / "stdout.txt").read_text(encoding="utf-8")
    folder = trace_of(failed_run).parent  # absolute: the run prints the output folder it resolved
    assert re.search(rf"screenshot:\s+{re.escape(str(folder / 'failure.png'))}$", out, re.M), out
    assert re.search(rf"trace:\s+{re.escape(str(folder / 'trace.zip'))}$", out, re.M), out


def test_step_events_carry_the_values_used_with_secrets_masked(failed_run: Path) -> None:
    from panoptic.report import build_model_from_records, read_items

    model = build_model_from_records(read_items(failed_run / "out" / "results.jsonl.gz"))
    steps = model.scenarios[0].steps
    values = {s.text: s.values for s in steps}
    assert values["greet(who)"] == 'name = "Ada"'
    assert steps[1].children[0].values == 'text = "Ada"'
    assert values['fill label "Name" with token'] == "text = ••••••"
    assert values['open "/"'] is None  # literals are in the source text already


def test_show_trace_prints_the_viewer_command(failed_run: Path) -> None:
    proc = panoptic("show-trace", "out", "--print-command", cwd=failed_run)
    assert proc.returncode == 0, proc.stderr
    command = proc.stdout.strip()
    assert "-m playwright show-trace --host 127.0.0.1 --port 0" in command
    assert command.endswith(str(trace_of(failed_run)))
    assert "greets someone else" in proc.stderr
    missing = panoptic("show-trace", "out", "-k", "nothing like it", "--print-command", cwd=failed_run)
    assert missing.returncode == 2 and "no scenario matching" in missing.stderr


def _serve(args: list[str], cwd: Path, pattern: str) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "DISPLAY": "", "BROWSER": "true"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "panoptic", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    seen = []
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        m = re.search(pattern, line)
        if m:
            return proc, m.group(1)
    os.killpg(proc.pid, signal.SIGTERM)
    raise AssertionError("no URL printed: " + "".join(seen))


def _stop(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_show_trace_serves_playwrights_viewer_on_loopback(failed_run: Path) -> None:
    proc, url = _serve(["show-trace", "out"], failed_run, r"(http://127\.0\.0\.1:\d+)")
    try:
        with urllib.request.urlopen(url + "/", timeout=10) as response:  # redirects to the viewer with the trace
            assert response.status == 200
            assert "/trace/index.html" in response.url and "trace.zip" in urllib.request.unquote(response.url)
            assert b"<html" in response.read().lower()
    finally:
        _stop(proc)
    assert proc.returncode is not None


def test_show_report_serves_the_report_and_its_artifacts(failed_run: Path) -> None:
    proc, url = _serve(["show-report", "out", "--no-open"], failed_run, r"(http://127\.0\.0\.1:\d+/report\.html)")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200 and b"Panoptic" in response.read()
        rel = trace_of(failed_run).relative_to(failed_run / "out").as_posix()
        with urllib.request.urlopen(url.rsplit("/", 1)[0] + "/" + rel, timeout=10) as response:
            assert response.read()[:2] == b"PK"
        try:
            urllib.request.urlopen(url.rsplit("/", 1)[0] + "/../suite.pan", timeout=10)
        except urllib.error.HTTPError as exc:
            assert exc.code in (400, 404)
    finally:
        _stop(proc)
