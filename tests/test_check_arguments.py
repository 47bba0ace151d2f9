"""`panoptic check`'s fast argument parser agrees with the Typer command, or leaves the command line to it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from panoptic.cli import build_app
from panoptic.commands import check as check_command
from panoptic.commands.check import fast_arguments

AGREED = [
    ["a.pan"],
    ["a.pan", "suite/", "b.pan"],
    ["--no-cache", "a.pan", "--strict"],
    ["-f", "json", "a.pan"],
    ["-fsarif", "a.pan"],
    ["--format", "github", "a.pan"],
    ["--format=json", "a.pan"],
    ["-j", "2", "a.pan"],
    ["-j2", "a.pan"],
    ["--jobs=1", "a.pan"],
    ["--jobs", "0", "a.pan"],
    ["a.pan", "--", "-odd.pan"],
]

LEFT_TO_TYPER = [
    [],
    ["--help"],
    ["-h"],
    ["--strict"],
    ["a.pan", "--no-such-option"],
    ["a.pan", "--no-c"],  # an abbreviation: Typer decides
    ["a.pan", "-f", "xml"],
    ["a.pan", "-f"],
    ["a.pan", "--format="],
    ["a.pan", "-j", "-1"],
    ["a.pan", "-j", "two"],
    ["a.pan", "--strict=yes"],
    ["a.pan", "--strict", "--strict"],
    ["a.pan", "-f", "json", "--format", "text"],
]


def _typer_arguments(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple | None:
    """What the Typer command passes on for `panoptic check ARGS`, or None when it refuses them."""
    seen: list[tuple] = []

    def record(paths: list[str], fmt: str, no_cache: bool, strict: bool, jobs: int | None = None) -> int:
        seen.append((list(paths), fmt, no_cache, strict, jobs))
        return 0

    monkeypatch.setattr(check_command, "_check", record)
    result = CliRunner().invoke(build_app("check"), ["check", *args])
    return seen[0] if result.exit_code == 0 and seen else None


@pytest.mark.parametrize("args", AGREED, ids=" ".join)
def test_the_fast_parser_reads_what_typer_reads(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = fast_arguments(args)
    assert fast is not None
    assert fast == _typer_arguments(args, monkeypatch)


@pytest.mark.parametrize("args", LEFT_TO_TYPER, ids=lambda a: " ".join(a) or "nothing")
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert fast_arguments(args) is None


def test_the_fast_path_imports_no_argument_parser(tmp_path: Path) -> None:
    (tmp_path / "a.pan").write_text('app shop: web {\n    url: "https://shop.test"\n}\n', encoding="utf-8")
    code = (
        "import sys, panoptic.commands.check as c; c.fast_main(['--no-cache', 'a.pan']); "
        "print(sorted(m for m in ('argparse', 'gettext', 'typer', 'click') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
