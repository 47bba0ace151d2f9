"""`panoptic fmt`: in-place rewriting, `--check`, `--diff`, standard input and refusing broken files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from panoptic.cli import build_app

UGLY = 'app shop:web{\n  url:"http://127.0.0.1:8000"\n}\nscenario "s" on shop{\n  open   "/"  # home\n}\n'
PRETTY = 'app shop: web {\n    url: "http://127.0.0.1:8000"\n}\n\nscenario "s" on shop {\n    open "/"  # home\n}\n'
BROKEN = 'scenario "s" {\n    click "#a\n}\n'


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)
    app = build_app()

    def invoke(*args: str, input: bytes | None = None):
        return CliRunner().invoke(app, ["fmt", *args], input=input)

    return invoke


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def test_rewrites_only_files_that_change(run, tmp_path: Path) -> None:
    ugly = write(tmp_path / "ugly.pan", UGLY)
    pretty = write(tmp_path / "pretty.pan", PRETTY)
    os.utime(pretty, (1_000_000, 1_000_000))
    result = run("ugly.pan", "pretty.pan")
    assert result.exit_code == 0, result.output
    assert "formatted 1 file" in result.stdout
    assert ugly.read_bytes().decode() == PRETTY
    assert pretty.stat().st_mtime == 1_000_000  # untouched
    again = run("ugly.pan", "pretty.pan")
    assert again.exit_code == 0
    assert "formatted 0 files" in again.stdout


def test_folders_are_searched_for_pan_files(run, tmp_path: Path) -> None:
    write(tmp_path / "suite" / "a.pan", UGLY)
    write(tmp_path / "suite" / "deep" / "b.pan", UGLY)
    write(tmp_path / "suite" / "notes.txt", UGLY)
    result = run("suite")
    assert result.exit_code == 0, result.output
    assert "formatted 2 files" in result.stdout
    assert (tmp_path / "suite" / "deep" / "b.pan").read_text() == PRETTY
    assert (tmp_path / "suite" / "notes.txt").read_text() == UGLY


def test_check_lists_files_and_changes_nothing(run, tmp_path: Path) -> None:
    write(tmp_path / "ugly.pan", UGLY)
    write(tmp_path / "pretty.pan", PRETTY)
    result = run("--check", "ugly.pan", "pretty.pan")
    assert result.exit_code == 1
    assert "would reformat ugly.pan" in result.stdout
    assert "pretty.pan" not in result.stdout.split("\n")[0]
    assert (tmp_path / "ugly.pan").read_text() == UGLY
    clean = run("--check", "pretty.pan")
    assert clean.exit_code == 0
    assert "would reformat" not in clean.stdout


def test_diff_prints_a_unified_diff(run, tmp_path: Path) -> None:
    write(tmp_path / "ugly.pan", UGLY)
    write(tmp_path / "pretty.pan", PRETTY)
    result = run("--diff", "ugly.pan")
    assert result.exit_code == 1
    assert "--- ugly.pan (original)" in result.stdout
    assert "+++ ugly.pan (formatted)" in result.stdout
    assert '-  open   "/"  # home' in result.stdout
    assert '+    open "/"  # home' in result.stdout
    assert (tmp_path / "ugly.pan").read_text() == UGLY
    clean = run("--diff", "pretty.pan")
    assert clean.exit_code == 0
    assert "---" not in clean.stdout


def test_crlf_files_are_rewritten_with_lf(run, tmp_path: Path) -> None:
    path = write(tmp_path / "crlf.pan", PRETTY.replace("\n", "\r\n"))
    assert run("--check", "crlf.pan").exit_code == 1
    assert run("crlf.pan").exit_code == 0
    assert path.read_bytes() == PRETTY.encode()


def test_syntax_errors_are_reported_and_the_file_is_left_alone(run, tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.pan", BROKEN)
    ugly = write(tmp_path / "ugly.pan", UGLY)
    result = run("broken.pan", "ugly.pan")
    assert result.exit_code == 1
    assert "PAN102" in result.stderr
    assert "broken.pan:2:11" in result.stderr
    assert "Traceback" not in result.output
    assert broken.read_text() == BROKEN
    assert ugly.read_text() == PRETTY  # the good file is still formatted
    assert run("--check", "broken.pan").exit_code == 1


def test_missing_path_is_a_usage_error(run) -> None:
    result = run("nowhere.pan")
    assert result.exit_code == 2
    assert "PAN001" in result.stderr
    assert "Traceback" not in result.output


def test_folder_without_pan_files(run, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("empty")
    assert result.exit_code == 2
    assert "PAN002" in result.stderr


def test_invalid_utf8_is_a_diagnostic(run, tmp_path: Path) -> None:
    (tmp_path / "bad.pan").write_bytes(b'let a = "\xff"\n')
    result = run("bad.pan")
    assert result.exit_code == 1
    assert "PAN001" in result.stderr
    assert "not valid UTF-8" in result.stderr


def test_stdin_to_stdout(run) -> None:
    result = run("-", input=UGLY.replace("\n", "\r\n").encode())
    assert result.exit_code == 0, result.output
    assert result.stdout == PRETTY


def test_stdin_check_and_diff(run) -> None:
    assert run("--check", "-", input=UGLY.encode()).exit_code == 1
    assert run("--check", "-", input=PRETTY.encode()).exit_code == 0
    diff = run("--diff", "-", input=UGLY.encode())
    assert diff.exit_code == 1
    assert "+++ <stdin> (formatted)" in diff.stdout


def test_stdin_with_syntax_errors_writes_nothing_to_stdout(run) -> None:
    result = run("-", input=BROKEN.encode())
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "PAN102" in result.stderr
    assert "<stdin>:2:11" in result.stderr


def test_stdin_cannot_be_mixed_with_files(run, tmp_path: Path) -> None:
    write(tmp_path / "a.pan", PRETTY)
    assert run("-", "a.pan", input=b"").exit_code == 2


def test_check_reports_unformatted_files_as_pan501(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "ugly.pan", UGLY)
    write(tmp_path / "pretty.pan", PRETTY)
    app = build_app()
    ugly = CliRunner().invoke(app, ["check", "--no-cache", "ugly.pan"])
    assert "PAN501" in ugly.stdout
    assert "ugly.pan:1:1" in ugly.stdout
    pretty = CliRunner().invoke(app, ["check", "--no-cache", "pretty.pan"])
    assert "PAN501" not in pretty.stdout
    assert pretty.exit_code == 0, pretty.stdout


def test_the_installed_command(tmp_path: Path) -> None:
    path = write(tmp_path / "ugly.pan", UGLY)
    proc = subprocess.run(
        [sys.executable, "-m", "panoptic", "fmt", "--check", str(path)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1, proc.stderr
    assert "would reformat" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "panoptic", "fmt", "-"], input=UGLY, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == PRETTY
