"""The lean LALR loop must build exactly what Lark builds from the same tables, or hand the text to Lark.

Every `.pan` file in the repository (examples, stdlib, test fixtures, editor
samples: any folder but generated ones) is parsed both ways; the fuzz tests
(tests/test_fuzz.py) repeat the comparison on 2,100 broken and mutated texts.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from panoptic.source import Source
from panoptic.syntax.lalr import Fallback
from panoptic.syntax.parser import lark_parser, lean_parser, lean_status, parse_once, parse_text

ROOT = Path(__file__).resolve().parents[2]
_GENERATED = {"node_modules", "build", "dist", "panoptic-results", "__pycache__"}  # and every folder named `.…`


def repository_pan_files() -> list[Path]:
    """Every `.pan` file of the repository, outside hidden, installed and generated folders."""
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        here = Path(folder)
        subfolders[:] = [
            name
            for name in subfolders
            if not name.startswith(".") and name not in _GENERATED and here / name != ROOT / "benchmarks" / "work"
        ]
        found.extend(here / name for name in files if name.endswith(".pan"))
    return sorted(found)


FILES = repository_pan_files()


def test_the_repository_files_are_all_found():
    folders = {path.relative_to(ROOT).parts[0] for path in FILES}
    assert {"examples", "stdlib", "tests", "editors"} <= folders


def same_tree(left: object, right: object) -> bool:
    """`left == right` for syntax trees of any depth: dataclass equality recurses once per level, this walks."""
    todo = [(left, right)]
    while todo:
        a, b = todo.pop()
        if dataclasses.is_dataclass(a) and not isinstance(a, type):
            if type(a) is not type(b):
                return False
            todo.extend((getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a) if f.compare)
        elif isinstance(a, (tuple, list)):
            if not isinstance(b, type(a)) or len(a) != len(b):
                return False
            todo.extend(zip(a, b, strict=True))
        elif isinstance(a, dict):
            if not isinstance(b, dict) or a.keys() != b.keys():
                return False
            todo.extend((a[key], b[key]) for key in a)
        elif a != b:
            return False
    return True


def lean_agrees_with_lark(text: str) -> bool:
    """True when the lean loop parsed `text` itself (and matched Lark); False when it fell back to Lark."""
    source = Source("t.pan", text)
    lean_loop = lean_parser()
    assert lean_loop is not None, lean_status()
    try:
        lean = parse_once(source, lean_loop.parse)
    except Fallback:
        return False
    assert same_tree(lean, parse_once(source, lark_parser().parse))
    return True


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_repository_file_parses_the_same_both_ways(path: Path):
    text = path.read_text(encoding="utf-8")
    text = text if text.endswith("\n") else text + "\n"
    parsed_by_lean = lean_agrees_with_lark(text)
    if not parse_text(text)[1]:  # a file without syntax errors never needs Lark's loop
        assert parsed_by_lean, f"{path} fell back to Lark"


@pytest.mark.parametrize(
    "text",
    [
        'scenario "a" {\n    click\n',  # never closed
        "app x: web {\n    url: \n}\n",  # a setting without a value
        'scenario "a" {\n    click "#b" ~ "c"\n}\n',  # a character no terminal matches
        "flow f( {\n}\n",  # a token the state does not accept
    ],
)
def test_syntax_errors_are_left_to_lark(text: str):
    assert not lean_agrees_with_lark(text)
    assert parse_text(text)[1][0].code.startswith("PAN1")


def test_comments_and_positions_come_through():
    text = '# head\nscenario "s" {  # open\n    click text "Go"  # tail\n}\n'
    assert lean_agrees_with_lark(text)
    module, diags = parse_text(text)
    assert not diags
    assert [c.text for c in module.comments] == ["# head", "# open", "# tail"]
    word = module.decls[0].body.statements[0].items[0]
    assert (word.text, word.span.line, word.span.col, word.span.end_col) == ("click", 3, 5, 10)
