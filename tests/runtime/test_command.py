"""`panoptic run` as a command: filters, --list, exit codes, output folder, console output, real Ctrl-C."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FAKE, HEADER, HERE
from rich.console import Console

from panoptic.commands.run import parse_duration, run_command
from panoptic.report.jsonl import read_records

SUITE = (
    HEADER
    + """
secret password = env("RUN_TEST_PW", "pa55word-123")

flow login(pw) {
    fill "#pw" with pw
    expect "#pw" has value "wrong" within 200ms
}

scenario "smoke passes" on shop tags smoke {
    click "#add-now"
    expect "#count" has text "1"
}

scenario "slow and failing" on shop tags slow, smoke {
    login(password)
}

scenario "typo target" on shop tags ui {
    click "#cuont"
}
"""
)


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    path = tmp_path / "suite.pan"
    path.write_text(SUITE, encoding="utf-8")
    return path


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=140, force_terminal=False, color_system=None), buffer


def test_list_prints_the_selection(suite: Path, capsys) -> None:
    assert run_command([str(suite)], list_only=True, tags=["not slow"]) == 0
    out = capsys.readouterr().out
    assert "smoke passes" in out and "typo target" in out and "slow and failing" not in out
    assert "2 of 3 scenario(s) selected" in out
    assert run_command([str(suite)], list_only=True, keywords=["typo"]) == 0
    out = capsys.readouterr().out
    assert "typo target" in out and "smoke passes" not in out
    assert run_command([str(suite)], list_only=True, keywords=["glob:*PASSES"], tags=["smoke"]) == 0
    assert "1 of 3" in capsys.readouterr().out


def test_run_writes_results_reports_and_renders_failures(suite: Path, tmp_path: Path) -> None:
    console, buffer = _console()
    out = tmp_path / "results"
    code = run_command([str(suite)], output=out, backend_overrides=FAKE, console=console)
    assert code == 1
    text = buffer.getvalue()
    # a failure looks like a compile error: code, location, source line, caret, expected vs actual
    assert "error[PAN901]: expected '#pw' to have value \"wrong\"" in text
    assert "suite.pan:10:5" in text
    assert '10 |     expect "#pw" has value "wrong" within 200ms' in text
    assert "^^^^^" in text
    assert "in flow `login`, called here" in text
    assert '= note: expected: "wrong"' in text
    assert "error[PAN902]" in text and "#count" in text  # did-you-mean from the backend
    assert "1 passed, 2 failed" in text
    assert "pa55word-123" not in text
    records = read_records(out / "results.jsonl.gz")
    assert records[0]["kind"] == "run_started" and records[-1]["kind"] == "run_finished"
    assert records[-1]["exit_code"] == 1
    assert (out / "report.html").is_file() and (out / "junit.xml").is_file()
    for path in out.rglob("*"):
        if path.is_file() and path.suffix != ".jsonl":
            assert b"pa55word-123" not in path.read_bytes(), path
    assert "pa55word-123" not in str(records)


def test_compile_errors_refuse_to_run(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.pan"
    bad.write_text(HEADER + '\nscenario "x" on shop {\n    clik "#a"\n}\n', encoding="utf-8")
    assert run_command([str(bad)], output=tmp_path / "out", backend_overrides=FAKE) == 2
    err = capsys.readouterr().err
    assert "error[PAN201]" in err and "bad.pan:7:5" in err and "not running" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"retries": -1}, "--retries"),
        ({"workers": 0}, "--workers"),
        ({"timeout": "soon"}, "--timeout"),
        ({"tags": ["smoke and"]}, "ends too early"),
        ({"keywords": ["nothing-matches-this"]}, "no scenario matches"),
    ],
)
def test_usage_errors_exit_2(suite: Path, tmp_path: Path, capsys, options, message) -> None:
    assert run_command([str(suite)], output=tmp_path / "o", backend_overrides=FAKE, **options) == 2
    err = capsys.readouterr().err
    assert "PAN004" in err and message in err


def test_unwritable_output_is_pan003_before_anything_runs(suite: Path, tmp_path: Path, capsys) -> None:
    import runtime_fakes

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    runtime_fakes.JOURNAL.clear()
    assert run_command([str(suite)], output=blocker / "out", backend_overrides=FAKE) == 2
    err = capsys.readouterr().err
    assert "error[PAN003]" in err and "--output" in err
    assert runtime_fakes.JOURNAL == []  # no backend was started


def test_infrastructure_error_exits_3_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "infra.pan"
    path.write_text(
        HEADER.replace("fake://shop", "fake://nobrowser") + '\nscenario "x" on shop {\n    click "#a"\n}\n'
        '\nscenario "y" on shop {\n    click "#a"\n}\n',
        encoding="utf-8",
    )
    console, buffer = _console()
    assert run_command([str(path)], output=tmp_path / "o", backend_overrides=FAKE, console=console) == 3
    text = buffer.getvalue()
    assert "error[PAN906]: no Chromium found" in text
    assert "help: install it: apt-get install chromium" in text
    assert "- y: skipped: no Chromium found" in text


def test_durations_on_the_command_line() -> None:
    assert parse_duration("5s") == 5.0
    assert parse_duration("250ms") == 0.25
    assert parse_duration("2m") == 120.0
    assert parse_duration("3") == 3.0
    with pytest.raises(ValueError):
        parse_duration("0s")


LONG = (
    HEADER
    + """
scenario "quick" on shop {
    click "#add-now"
}

scenario "long" on shop {
    wait 60s
}

scenario "never reached" on shop {
    click "#add-now"
}
"""
)


@pytest.mark.parametrize("workers", [1, 2])
def test_real_sigint_writes_what_finished_and_exits_130(tmp_path: Path, workers: int) -> None:
    suite = tmp_path / "long.pan"
    suite.write_text(LONG, encoding="utf-8")
    out = tmp_path / "out"
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from panoptic.commands.run import run_command;"
        "sys.exit(run_command([sys.argv[2]], output=__import__('pathlib').Path(sys.argv[3]),"
        f" workers={workers}, backend_overrides=(('web', 'runtime_fakes:FakeBackend'),)))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(HERE), str(suite), str(out)],
        cwd=Path(__file__).parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # not ignored, however pytest was started
    )
    results = out / "results.jsonl.gz"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if results.exists() and any(r.get("kind") == "scenario_finished" for r in _records(results)):
                time.sleep(1.0)  # "quick" is done and reported; give "long" time to start its wait
                break
            time.sleep(0.1)
        else:
            pytest.fail("the long scenario never started")
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
        _stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr.decode()
    records = read_records(results)
    finished = {r["scenario"].split("::")[1]: r for r in records if r["kind"] == "scenario_finished"}
    assert finished["quick"]["status"] == "passed"
    assert finished["long"]["status"] == "error" and finished["long"]["failure"]["code"] == "PAN907"
    if workers == 1:
        assert "never reached" not in finished
    assert records[-1]["kind"] == "run_finished" and records[-1]["interrupted"] is True
    assert (out / "report.html").is_file()
    assert b"Traceback" not in stderr


def _records(path: Path) -> list[dict]:
    try:
        return read_records(path)
    except Exception:
        return []
