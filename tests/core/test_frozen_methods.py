"""The generated methods of `@frozen` and `@frozen_slots` classes compiled ahead of time (the wheel's
`panoptic/_data/frozen.methods`): used as they are, and ignored when they cannot be trusted."""

from __future__ import annotations

import builtins
import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from panoptic import frozen as frozen_module
from panoptic.frozen import frozen, frozen_slots, read_methods, write_methods

ROOT = Path(__file__).parents[2]


def _classes() -> tuple[type, type]:
    @frozen
    class Pair:
        left: int
        right: str = "r"

    @frozen_slots
    class Leaf:
        name: str
        size: int = 0

    return Pair, Leaf


def _behave(pair: type, leaf: type) -> None:
    assert pair(1) == pair(1, "r") and pair(1) != pair(2) and hash(pair(1)) == hash(pair(1, "r"))
    assert repr(leaf("a", 2)).endswith("Leaf(name='a', size=2)") and leaf("a") == leaf("a", 0)
    assert leaf("b", 3).__reduce__() == (leaf, ("b", 3))
    with pytest.raises(dataclasses.FrozenInstanceError):
        pair(1).left = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        leaf("a").size = 1  # type: ignore[misc]


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources `frozen` compiles from now on, with no method compiled or loaded before."""
    seen: list[str] = []
    real = builtins.compile

    def counting(source: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(frozen_module, "_METHODS", None)
    monkeypatch.setattr(frozen_module, "compile", counting, raising=False)  # the module's global, not builtins'
    return seen


def test_methods_saved_ahead_are_run_without_compiling(
    compiles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = tmp_path / "frozen.methods"
    monkeypatch.setattr(frozen_module, "METHODS_FILE", str(saved))  # missing: every class compiles
    _behave(*_classes())
    assert len(compiles) == 2
    assert write_methods(str(saved)) == 2
    monkeypatch.setattr(frozen_module, "_METHODS", None)  # a new process, with the file
    compiles.clear()
    _behave(*_classes())
    assert compiles == []


@pytest.mark.parametrize(
    "content",
    [b"", b"not a header\n", b"panoptic frozen methods, Python 2.7.18\n" + b"\0" * 20],
    ids=["empty", "another file", "another Python"],
)
def test_a_file_that_cannot_be_trusted_is_ignored(
    content: bytes, compiles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = tmp_path / "frozen.methods"
    saved.write_bytes(content)
    assert read_methods(str(saved)) == {}
    monkeypatch.setattr(frozen_module, "METHODS_FILE", str(saved))
    _behave(*_classes())
    assert len(compiles) == 2


def test_damaged_code_after_a_good_header_is_ignored(tmp_path: Path) -> None:
    saved = tmp_path / "frozen.methods"
    write_methods(str(saved))
    saved.write_bytes(saved.read_bytes()[: len(frozen_module._methods_header()) + 7])  # cut mid-way
    assert read_methods(str(saved)) == {}


def test_a_check_in_an_installed_panoptic_compiles_no_class(tmp_path: Path) -> None:
    """The wheel build's step, then a process that checks a file with that file in place of the wheel's."""
    saved = tmp_path / "frozen.methods"
    (tmp_path / "a.pan").write_text('app shop: web {\n    url: "https://shop.test"\n}\n', encoding="utf-8")
    build = (  # what setup.py saves for every module of the package, here for those a check loads
        "import sys, panoptic.frozen as f\n"
        "from panoptic.commands.check import run_check\n"
        "run_check(['a.pan'], use_cache=False)\n"
        "f.write_methods(sys.argv[1])\n"
    )
    subprocess.run([sys.executable, "-c", build, str(saved)], check=True, cwd=tmp_path, timeout=120)
    script = (
        "import sys, panoptic.frozen as f\n"
        "f.METHODS_FILE = sys.argv[1]\n"
        "compiled = []\n"
        "real = compile\n"
        "f.compile = lambda source, *a: compiled.append(source) or real(source, *a)\n"
        "from panoptic.commands.check import run_check\n"
        "diags, files = run_check(['a.pan'], use_cache=False)\n"
        "print(files, len(compiled))\n"
    )
    for methods, compiled in ((saved, 0), (tmp_path / "missing", "every class")):
        done = subprocess.run(
            [sys.executable, "-c", script, str(methods)], capture_output=True, text=True, cwd=tmp_path, timeout=120
        )
        assert done.returncode == 0, done.stderr
        files, count = done.stdout.split()
        assert files == "1"
        assert int(count) == 0 if compiled == 0 else int(count) > 40
