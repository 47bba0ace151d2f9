"""Fault injection for check, report, merge, serve and the language server (the hardening issue's items).

Each test feeds one hostile or broken input and asserts a diagnostic with a code, a clear exit code and
no traceback: deep nesting, huge numbers, a crash inside the checker, `use` of a FIFO or /proc, artifact
paths that climb out of a shard, links out of a served folder, NaN / deeply nested / inflating results,
a full disk, a language server whose analysis fails, an interrupted run, and the check gaps (an invalid
URL regex, `confidence` out of range, `viewport: 0x0`, `timeout: 0s`, `scroll down by -5`).
"""

from __future__ import annotations

import asyncio
import errno
import gzip
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import pytest

from panoptic.compiler import compile_text

ROOT = Path(__file__).resolve().parent.parent
PANOPTIC = [sys.executable, "-m", "panoptic"]
HEADER = 'app shop: web {\n    url: "http://127.0.0.1:8000"\n}\n'


def codes(text: str) -> list[str]:
    return [d.code for d in compile_text(text, "t.pan").diagnostics]


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([*PANOPTIC, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=full)


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-2000:]


# ---- 10: deep nesting and huge numbers are diagnostics, never RecursionError / OverflowError ----------------


@pytest.mark.parametrize(
    "body",
    [
        "repeat 2 times {\n" * 400 + 'log "x"\n' + "}\n" * 400,  # nested blocks
        'if visible "#a" { log "a" }' + ' else if visible "#b" { log "b" }' * 600 + "\n",  # else-if chain
    ],
    ids=["blocks", "else-if"],
)
def test_deep_blocks_are_pan218(body: str) -> None:
    found = codes(HEADER + 'scenario "s" {\n' + body + "}\n")
    assert "PAN218" in found


def test_deep_list_is_pan218() -> None:
    assert "PAN218" in codes(HEADER + "let x = " + "[" * 600 + "]" * 600 + '\nscenario "s" {\n    log "x"\n}\n')


def test_long_flow_chain_is_pan218_not_recursion() -> None:
    flows = "".join(f"flow f{i}() {{\n    f{i + 1}()\n}}\n" for i in range(1000))
    text = HEADER + flows + 'flow f1000() {\n    log "x"\n}\nscenario "s" {\n    f0()\n}\n'
    assert "PAN218" in codes(text)


def test_long_use_chain_loads(tmp_path: Path) -> None:
    for i in range(1000):
        text = f'use "./m{i + 1}.pan"\n' if i < 999 else 'flow z() {\n    log "x"\n}\n'
        (tmp_path / f"m{i}.pan").write_text(text, encoding="utf-8")
    proc = cli("check", "--no-cache", "m0.pan", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stdout[-1000:]


def test_formatter_refuses_deep_nesting_without_recursion() -> None:
    from panoptic.fmt import FormatError, format_text

    with pytest.raises(FormatError):
        format_text(HEADER + 'scenario "s" {\n' + "repeat 2 times {\n" * 2000 + "}\n" * 2000 + "}\n")


@pytest.mark.parametrize("literal", ["9" * 309, "9" * 5000, "9" * 20])
def test_huge_numbers_are_pan309(literal: str) -> None:
    found = codes(HEADER + f'scenario "s" {{\n    repeat {literal} times {{\n        log "x"\n    }}\n}}\n')
    assert "PAN309" in found and "PAN900" not in found


def test_huge_duration_is_pan309() -> None:
    assert "PAN309" in codes(HEADER + 'scenario "s" {\n    wait ' + "9" * 400 + "s\n}\n")


def test_a_crash_in_one_file_keeps_the_others_and_exits_4(tmp_path: Path, monkeypatch, capsys) -> None:
    from panoptic.commands import check as check_command
    from panoptic.compiler import lower

    (tmp_path / "good.pan").write_text(HEADER + 'scenario "ok" {\n    clik "#a"\n}\n', encoding="utf-8")
    (tmp_path / "bad.pan").write_text(HEADER + 'scenario "boom" {\n    log "x"\n}\n', encoding="utf-8")
    original = lower.Lowerer.run

    def run(self):
        if any(m.path.endswith("bad.pan") for m in self.inputs):
            raise RuntimeError("injected")
        return original(self)

    monkeypatch.setattr(lower.Lowerer, "run", run)
    monkeypatch.chdir(tmp_path)
    code = check_command._check(["good.pan", "bad.pan"], "json", True, False)
    out = json.loads(capsys.readouterr().out)
    found = {(d["code"], Path(d["span"]["file"]).name if d.get("span") else None) for d in out}
    assert ("PAN005", "bad.pan") in found
    assert ("PAN201", "good.pan") in found  # the good file's findings are still there
    assert code == 4


def test_cli_turns_a_crash_into_pan005_exit_4(monkeypatch, capsys) -> None:
    from panoptic import cli as panoptic_cli
    from panoptic.commands import check as check_command

    def boom(_args):
        raise RecursionError("injected")

    monkeypatch.setattr(check_command, "fast_main", boom)
    with pytest.raises(SystemExit) as exc:
        panoptic_cli.main(["check", "x.pan"])
    assert exc.value.code == 4
    err = capsys.readouterr().err
    assert "error[PAN005]" in err and "Traceback" not in err


# ---- 10: report on NaN, deep JSON and gzip bombs -------------------------------------------------------------


def _results(tmp_path: Path) -> Path:
    from panoptic.source import Source
    from tests.report.helpers import PAN, synthetic_events, write_results

    folder = tmp_path / "run"
    folder.mkdir()
    return write_results(synthetic_events(Source("shop.pan", PAN)), folder / "results.jsonl.gz")


def _lines(results: Path) -> list[str]:
    return gzip.decompress(results.read_bytes()).decode().splitlines()


def test_report_refuses_nan_and_infinite_numbers(tmp_path: Path) -> None:
    lines = _lines(_results(tmp_path))
    for bad in ("NaN", "Infinity"):
        folder = tmp_path / bad
        folder.mkdir()
        text = "\n".join(ln.replace('"at":', f'"at":{bad},"x":', 1) if '"at":' in ln else ln for ln in lines)
        (folder / "results.jsonl").write_text(text + "\n", encoding="utf-8")
        proc = cli("report", str(folder), cwd=tmp_path)
        no_traceback(proc)
        assert proc.returncode == 2 and "PAN001" in proc.stderr, proc.stderr


def test_report_refuses_deeply_nested_json(tmp_path: Path) -> None:
    lines = _lines(_results(tmp_path))
    folder = tmp_path / "deep"
    folder.mkdir()
    deep = "[" * 200_000 + "]" * 200_000
    (folder / "results.jsonl").write_text("\n".join([lines[0], deep, *lines[1:]]) + "\n", encoding="utf-8")
    proc = cli("report", str(folder), cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2 and "PAN001" in proc.stderr


def test_report_caps_what_a_gzip_inflates(tmp_path: Path) -> None:
    from panoptic.report import ReportError, jsonl

    lines = _lines(_results(tmp_path))
    bomb = tmp_path / "bomb.jsonl.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = packer.compress(("\n".join(lines) + "\n").encode())
    chunk = b" " * (1 << 20)
    for _ in range(8):
        data += packer.compress(chunk)
    bomb.write_bytes(data + packer.flush())
    original = jsonl.MAX_INFLATED
    try:
        jsonl.MAX_INFLATED = 1 << 22  # 4 MB here; 256 MB in real use
        with pytest.raises(ReportError) as exc:
            jsonl.read_text(bomb)
    finally:
        jsonl.MAX_INFLATED = original
    assert "inflates to more than" in exc.value.diagnostic.message


# ---- 5: `use` of FIFOs, /proc and other non-.pan files --------------------------------------------------------


def test_use_of_proc_environ_quotes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.pan").write_text('use "/proc/self/environ"\n' + HEADER, encoding="utf-8")
    proc = cli("check", "--no-cache", "a.pan", cwd=tmp_path, env={"PANOPTIC_FAULT_TOKEN": "tok-5e3c7e"})
    no_traceback(proc)
    assert "tok-5e3c7e" not in proc.stdout + proc.stderr
    assert "PAN209" in proc.stdout and proc.returncode == 1


def test_link_to_proc_named_pan_is_refused(tmp_path: Path) -> None:
    (tmp_path / "env.pan").symlink_to("/proc/self/environ")
    proc = cli("check", "--no-cache", "env.pan", cwd=tmp_path, env={"PANOPTIC_FAULT_TOKEN": "tok-5e3c7e"})
    assert "tok-5e3c7e" not in proc.stdout + proc.stderr
    assert "PAN001" in proc.stdout and proc.returncode == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_named_pan_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.pan")
    (tmp_path / "a.pan").write_text('use "./pipe.pan"\n' + HEADER, encoding="utf-8")
    proc = cli("check", "--no-cache", ".", cwd=tmp_path, timeout=30)
    no_traceback(proc)
    assert "PAN001" in proc.stdout and "PAN209" in proc.stdout
    os.mkfifo(tmp_path / "results.jsonl.gz")
    proc = cli("report", "results.jsonl.gz", cwd=tmp_path, timeout=30)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr


def test_use_of_a_non_pan_file_is_pan209(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("token = abc\n", encoding="utf-8")
    (tmp_path / "a.pan").write_text('use "./notes.txt"\n' + HEADER, encoding="utf-8")
    proc = cli("check", "--no-cache", "a.pan", cwd=tmp_path)
    assert "PAN209" in proc.stdout and "token = abc" not in proc.stdout


# ---- 4: merge confinement -------------------------------------------------------------------------------------


def test_merge_never_writes_outside_the_output_folder(tmp_path: Path) -> None:
    import dataclasses

    from panoptic.report.merge import merge_results
    from panoptic.runtime.events import Artifact, ScenarioFinished
    from panoptic.source import Source
    from tests.report.helpers import PAN, synthetic_events, write_results

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("do not copy", encoding="utf-8")
    shard = tmp_path / "shard"
    shard.mkdir()
    (shard / "x.png").write_bytes(b"png")
    events = []
    for ev in synthetic_events(Source("shop.pan", PAN)):
        if isinstance(ev, ScenarioFinished):
            arts = (
                Artifact("screenshot", "../victim.txt", "evil"),
                Artifact("screenshot", str(secret), "absolute"),
            )
            ev = dataclasses.replace(ev, artifacts=arts)
        events.append(ev)
    write_results(events, shard / "results.jsonl.gz")
    out = tmp_path / "out"
    model, _paths = merge_results([shard], out)
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not (out / "secret.txt").exists()
    assert not any(p.is_file() and p.read_bytes() == b"do not copy" for p in out.rglob("*"))
    assert any("outside their results folder" in n for n in model.notes)


# ---- 6: serve confinement -------------------------------------------------------------------------------------


def test_serve_does_not_follow_links_out_of_the_folder(tmp_path: Path) -> None:
    from panoptic.backends.serve import StaticServer

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("hi", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (site / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (site / "up").symlink_to(tmp_path)
    server = StaticServer(site)
    url = server.start()
    try:
        assert urllib.request.urlopen(url + "index.html", timeout=10).read() == b"hi"
        for path in ("leak.txt", "up/secret.txt", "up/"):
            with pytest.raises(urllib.error.HTTPError) as exc:
                urllib.request.urlopen(url + path, timeout=10)
            assert exc.value.code == 404
    finally:
        server.stop()


def test_serve_of_root_or_home_is_refused_at_check_time(tmp_path: Path) -> None:
    for folder in ("/", str(Path.home())):
        text = f'app shop: web {{\n    serve: "{folder}"\n}}\nscenario "s" {{\n    log "x"\n}}\n'
        result = compile_text(text, str(tmp_path / "t.pan"))
        assert [d.code for d in result.diagnostics if d.code.startswith("PAN3")] == ["PAN305"]


# ---- check gaps -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app", "body", "code"),
    [
        ("", 'expect url matches "([a"', "PAN309"),
        ("", "scroll down by -5", "PAN309"),
        ("    confidence: 1.5\n", 'log "x"', "PAN305"),
        ("    confidence: -0.1\n", 'log "x"', "PAN305"),
        ("    viewport: 0x0\n", 'log "x"', "PAN305"),
        ("    timeout: 0s\n", 'log "x"', "PAN305"),
    ],
)
def test_check_gaps_are_diagnostics(app: str, body: str, code: str) -> None:
    text = HEADER.replace("}\n", app + "}\n") + f'scenario "s" {{\n    {body}\n}}\n'
    result = compile_text(text, "t.pan")
    errors = [d for d in result.diagnostics if d.code == code]
    assert errors and all(d.help for d in errors), [str(d) for d in result.diagnostics]
    assert result.program is None
    valid = HEADER.replace("}\n", "    confidence: 0.9\n    viewport: 800x600\n    timeout: 2s\n}\n")
    valid += 'scenario "s" {\n    expect url matches "/cart/[0-9]+$"\n    scroll down by 300\n}\n'
    assert not compile_text(valid, "t.pan").has_errors  # in range: no false alarm


# ---- 9: disk full ---------------------------------------------------------------------------------------------


def test_full_disk_while_closing_keeps_what_was_written(tmp_path: Path) -> None:
    from panoptic.report import jsonl

    path = tmp_path / "results.jsonl.gz"
    writer = jsonl.JsonlWriter(path)
    writer.write_line('{"kind":"x","n":1}', flush=True)

    class Full:
        def __init__(self, inner):
            self.inner = inner

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self):
            raise OSError(errno.ENOSPC, "No space left on device")

        def fileno(self):
            return self.inner.fileno()

        def close(self):
            self.inner.close()

    writer._file = Full(writer._file)  # type: ignore[assignment]
    writer.close()  # never raises
    assert writer.error is not None and writer.error.errno == errno.ENOSPC
    assert jsonl.read_text(path) == '{"kind":"x","n":1}\n'


def test_cli_reports_no_space_with_exit_2(monkeypatch, capsys) -> None:
    from panoptic import cli as panoptic_cli
    from panoptic.commands import check as check_command

    def full(_args):
        raise OSError(errno.ENOSPC, "No space left on device", "out/results.jsonl.gz")

    monkeypatch.setattr(check_command, "fast_main", full)
    with pytest.raises(SystemExit) as exc:
        panoptic_cli.main(["check", "x.pan"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "no space left" in err and "Traceback" not in err


def test_run_exits_non_zero_when_the_results_cannot_be_finished(tmp_path: Path, monkeypatch) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "runtime"))
    from panoptic.commands.run import run_command
    from panoptic.report import jsonl

    suite = tmp_path / "suite.pan"
    suite.write_text('app shop: web {\n    url: "fake://shop"\n}\nscenario "s" on shop {\n    log "x"\n}\n')
    original = jsonl.JsonlWriter.close

    def close(self):
        original(self)
        self.error = OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(jsonl.JsonlWriter, "close", close)
    code = run_command([str(suite)], output=tmp_path / "out", backend_overrides=(("web", "runtime_fakes:FakeBackend"),))
    assert code == 2


# ---- 11: the language server publishes an internal error instead of keeping stale diagnostics ----------------


def test_lsp_publishes_internal_error_when_analysis_fails(tmp_path: Path) -> None:
    from panoptic.lsp.server import PanopticLanguageServer

    server = PanopticLanguageServer()
    path = tmp_path / "a.pan"
    path.write_text(HEADER, encoding="utf-8")
    uri = path.as_uri()
    server.engine.open(uri, HEADER, 1)
    published = []
    server.text_document_publish_diagnostics = published.append  # type: ignore[method-assign]

    def fail(_uri):
        raise RecursionError("injected")

    server.engine.compile = fail  # type: ignore[method-assign]
    server.log = lambda *a, **k: None  # type: ignore[method-assign]
    try:
        asyncio.run(server.check(uri))
    finally:
        server.pool.shutdown(wait=False)
    assert published, "nothing was published"
    last = published[-1]
    assert last.uri == uri
    assert [(d.code, d.range.start.line) for d in last.diagnostics] == [("PAN005", 0)]


# ---- 13: an interrupted run in JUnit and in `panoptic report` -------------------------------------------------


def test_never_run_scenarios_are_skipped_in_junit_and_report_exits_1(tmp_path: Path) -> None:
    lines = _lines(_results(tmp_path))
    cut = max(i for i, ln in enumerate(lines) if '"scenario_started"' in ln)  # killed as the last one started
    folder = tmp_path / "killed"
    folder.mkdir()
    (folder / "results.jsonl").write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")
    proc = cli("report", str(folder), cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    assert "stopped before it finished" in proc.stderr and "1 planned scenario(s) never ran" in proc.stderr
    junit = (folder / "junit.xml").read_text(encoding="utf-8")
    assert 'name="not yet"' in junit and "not run: the run stopped before it finished" in junit
