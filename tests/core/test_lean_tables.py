"""The lean loop's tables: exported from Lark once, saved with the grammar they came from, run without Lark."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import panoptic.syntax.lark_import  # noqa: F401  (first: Lark without `regex`)

# isort: split
from lark import Lark

from panoptic.syntax.lalr import Fallback, LeanParser
from panoptic.syntax.lean_tables import _HEADER, export_tables, load_tables, save_tables
from panoptic.syntax.parser import grammar_path, lean_tables

ROOT = Path(__file__).resolve().parents[2]

TOY = r"""
start: _items
_items: item+
?item: NAME
     | NAME "+" NAME -> plus
     | pair
     | group
?pair: "(" NAME NAME ")"
group: "[" _items "]" _tail
_tail: "!"*
NAME: /[a-z]+/
%ignore " "
"""


class ToyBuilder:
    """Every named rule as a tuple of its name and children (tokens compare as their text)."""

    def start(self, children: list) -> tuple:
        return ("start", *children)

    def plus(self, children: list) -> tuple:
        return ("plus", *children)

    def pair(self, children: list) -> tuple:
        return ("pair", *children)

    def group(self, children: list) -> tuple:
        return ("group", *children)


def toy_lark(**options: object) -> Lark:
    settings = {"parser": "lalr", "lexer": "contextual", "keep_all_tokens": True, "maybe_placeholders": False}
    return Lark(TOY, **{**settings, **options})  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["a", "a + b c", "(a b) [c (d e) [f] ! !] g", "[a]", "[[a + b]!]"])
def test_a_toy_grammar_builds_what_lark_builds(text: str) -> None:
    lean = LeanParser(export_tables(toy_lark()), ToyBuilder(), {})
    by_lark = toy_lark(transformer=ToyBuilder()).parse(text)
    assert lean.parse(text) == by_lark
    assert [type(part).__name__ for part in lean.parse(text)[1:]] == [type(p).__name__ for p in by_lark[1:]]


@pytest.mark.parametrize("text", ["a +", "(a)", "a ? b", ""])
def test_what_the_toy_grammar_refuses_falls_back(text: str) -> None:
    lean = LeanParser(export_tables(toy_lark()), ToyBuilder(), {})
    with pytest.raises(Fallback):
        lean.parse(text)


def test_keywords_a_wider_terminal_also_matches_are_refused() -> None:
    lark = Lark(
        'start: ("if" | NAME)+\nNAME: /[a-z]+/\n%ignore " "',  # `if` and a name scanned in one state
        parser="lalr",
        lexer="contextual",
        keep_all_tokens=True,
        maybe_placeholders=False,
    )
    with pytest.raises(ValueError, match=r"lexer callbacks.*NAME"):
        export_tables(lark)


@pytest.mark.parametrize(
    "options", [{"keep_all_tokens": False}, {"maybe_placeholders": True}, {"propagate_positions": True}]
)
def test_options_the_loop_does_not_run_are_refused(options: dict) -> None:
    with pytest.raises(ValueError, match="keep_all_tokens"):
        export_tables(toy_lark(**options))


def test_saved_tables_load_only_for_their_grammar_and_python(tmp_path: Path) -> None:
    grammar = grammar_path().read_text(encoding="utf-8")
    tables = lean_tables()
    path = tmp_path / "grammar.lean"
    save_tables(path, tables, grammar)
    assert load_tables(path, grammar) == tables
    assert load_tables(path, grammar + "\n// edited\n") is None
    assert load_tables(tmp_path / "missing.lean", grammar) is None
    data = path.read_bytes()
    path.write_bytes(data.replace(_HEADER, _HEADER.replace(b"Python 3", b"Python 2")))
    assert load_tables(path, grammar) is None
    path.write_bytes(data[: len(data) // 2])  # cut short
    assert load_tables(path, grammar) is None
    path.write_bytes(_HEADER + b"\x00garbage")
    assert load_tables(path, grammar) is None


def test_a_failed_save_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("marshal.dump", full_disk)
    with pytest.raises(OSError, match="No space"):
        save_tables(tmp_path / "grammar.lean", {"rules": []}, "grammar")
    assert list(tmp_path.iterdir()) == []


def test_a_second_process_parses_without_importing_lark(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from panoptic.syntax.parser import lean_status, parse_text
        module, diags = parse_text('scenario "s" {\\n    click text "Go"  # c\\n}\\n')
        assert not diags and module.comments and lean_status() is None
        print("lark" in sys.modules)
        """
    )
    env = {**os.environ, "PANOPTIC_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PANOPTIC_NO_CACHE", None)
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        for _ in range(2)
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    # Without tables beside the grammar, the first run exports them from Lark into the cache folder.
    first_imports_lark = not (grammar_path().with_suffix(".lean")).exists()
    assert runs[0].stdout.strip() == str(first_imports_lark)
    assert runs[1].stdout.strip() == "False"
    assert (tmp_path / "cache" / "grammar.lean").exists() == first_imports_lark
