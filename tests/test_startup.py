"""Import-cost tests: the commands people run most never load a driver or more than they need.

Each case runs `panoptic.cli.main(argv)` in a fresh interpreter, catches its
SystemExit, and then prints the exit code and `sorted(sys.modules)`, so the
test sees exactly what the command imported.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HEAVY = ("playwright", "cv2", "boto3", "pyautogui", "appium")
MARK = "--- modules ---"

WRAPPER = f"""
import io, json, sys
argv = json.loads(sys.argv[1])
from panoptic.cli import main
code = 0
try:
    main(argv)
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
sys.stdout.flush()
print({MARK!r})
print(json.dumps({{"code": code, "modules": sorted(sys.modules)}}))
"""

SMALL = """\
use std.web

app shop: web {
    url: "http://127.0.0.1:8000"
}

flow add(product) {
    click testid "add-${product}"
}

scenario "adds a mug" on shop tags smoke {
    open "/"
    add("mug")
    expect "#cart-count" has text "1" within 5s
}
"""


def run_cli(argv: list[str], cwd: Path, cache: Path) -> tuple[int, str, set[str]]:
    env = dict(os.environ, PANOPTIC_CACHE_DIR=str(cache), NO_COLOR="1")
    env.pop("PANOPTIC_NO_CACHE", None)
    proc = subprocess.run(
        [sys.executable, "-c", WRAPPER, json.dumps(argv)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert MARK in proc.stdout, f"the command did not return normally:\n{proc.stdout}\n{proc.stderr}"
    output, _, tail = proc.stdout.partition(MARK)
    data = json.loads(tail.strip().splitlines()[0])
    return data["code"], output, set(data["modules"])


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "small.pan").write_text(SMALL, encoding="utf-8")
    return tmp_path


def test_help_loads_no_driver(project: Path, tmp_path: Path):
    code, output, modules = run_cli(["--help"], project, tmp_path / "cache")
    assert code == 0
    assert "check" in output and "run" in output
    assert heavy_in(modules) == []


def test_check_loads_no_driver_and_no_typer(project: Path, tmp_path: Path):
    code, output, modules = run_cli(["check", "small.pan"], project, tmp_path / "cache")
    assert code == 0, output
    assert "no problems" in output
    assert "panoptic.compiler.lower" in modules  # it really checked
    assert heavy_in(modules) == []
    assert "typer" not in modules  # `check` has a fast path without Typer
    assert "regex" not in modules  # Lark, if this run imported it, came without its optional `regex` package


def test_a_cold_check_runs_without_lark(project: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    run_cli(["check", "small.pan"], project, cache)  # an editable install saves the parser's tables here first
    code, output, modules = run_cli(["check", "--no-cache", "small.pan"], project, cache)
    assert code == 0 and "no problems" in output
    assert "panoptic.compiler.lower" in modules  # it really checked
    assert not {"lark", "hashlib", "logging", "tempfile", "argparse"} & modules  # (the wrapper imports json)


def test_check_of_a_broken_file_loads_no_driver(project: Path, tmp_path: Path):
    (project / "small.pan").write_text(SMALL.replace('open "/"', 'tap "#x"'), encoding="utf-8")
    code, output, modules = run_cli(["check", "small.pan"], project, tmp_path / "cache")
    assert code == 1
    assert "PAN3" in output
    assert heavy_in(modules) == []


def test_warm_check_skips_the_parser(project: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    first = run_cli(["check", "small.pan"], project, cache)
    assert first[0] == 0
    code, output, modules = run_cli(["check", "small.pan"], project, cache)
    assert code == 0 and "no problems" in output
    assert "lark" not in modules  # the result came from the check cache
    assert heavy_in(modules) == []


def test_regex_stays_importable_after_the_parser() -> None:
    pytest.importorskip("regex")  # installed here by a test dependency (moto's server)
    code = "import sys, panoptic.syntax.parser; assert 'regex' not in sys.modules; import regex; print(regex.match)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "function" in proc.stdout, proc.stderr


def test_version_imports_almost_nothing(project: Path, tmp_path: Path):
    code, output, modules = run_cli(["--version"], project, tmp_path / "cache")
    assert code == 0 and output.startswith("panoptic ")
    assert not {"typer", "lark", "rich", "click"} & modules
    assert heavy_in(modules) == []


@pytest.mark.parametrize("argv", [["compile", "small.pan", "--emit", "ir"], ["fmt", "--check", "small.pan"]])
def test_other_static_commands_load_no_driver(project: Path, tmp_path: Path, argv: list[str]):
    code, output, modules = run_cli(argv, project, tmp_path / "cache")
    assert code == 0, output
    assert heavy_in(modules) == []


def test_a_run_registers_only_its_command_and_parses_nothing_already_parsed(project: Path, tmp_path: Path):
    """`panoptic run` builds a command line with `run` alone (no other command's module, no family's commands),
    and with the parse cache warm it never imports the parser (Lark)."""
    cache = tmp_path / "cache"
    first = run_cli(["run", "--list", "small.pan"], project, cache)
    assert first[0] == 0, first[1]
    code, output, modules = run_cli(["run", "--list", "small.pan"], project, cache)
    assert code == 0 and "1 of 1 scenario(s) selected" in output
    assert "panoptic.compiler.lower" in modules  # it really compiled
    assert not {"lark", "panoptic.commands.fmt", "panoptic.commands.doctor", "panoptic.commands.lsp"} & modules
    assert not {f"panoptic.families.{f}.cli" for f in ("ai", "cloud", "enterprise")} & modules
    assert heavy_in(modules) == []


@pytest.mark.parametrize("text", [SMALL, SMALL.replace('open "/"', 'tap "#x"')], ids=["listed", "broken"])
def test_a_run_that_ends_before_its_first_scenario_turns_the_collector_back_on(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """`panoptic run` pauses the cyclic collector during start-up; called in-process (tests, tools) it must not
    leave it off when it stops early (a listing, or errors in the files)."""
    import gc

    from panoptic.cli import main

    (project / "small.pan").write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    monkeypatch.setenv("PANOPTIC_CACHE_DIR", str(tmp_path / "cache"))
    with _collector_on():
        with pytest.raises(SystemExit):
            main(["run", "--list", "small.pan"])
        assert gc.isenabled()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_check_in_process_turns_the_collector_back_on(project: Path, tmp_path: Path, jobs: int) -> None:
    """A check pauses the cyclic collector while it builds its trees; a caller in the same process (the API, a
    tool) gets it back on."""
    import gc

    from panoptic.commands.check import run_check

    (project / "other.pan").write_text(SMALL.replace("adds a mug", "adds a cup"), encoding="utf-8")
    with _collector_on():
        _, files = run_check([str(project)], use_cache=False, jobs=jobs, min_bytes=0)
        assert files == 2 and gc.isenabled()


@contextlib.contextmanager
def _collector_on() -> Iterator[None]:
    """The collector on for the test, whatever earlier tests in this process left; then as it was."""
    import gc

    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was:
            gc.disable()
