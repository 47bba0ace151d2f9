"""The lean LALR loop must build exactly what Lark builds from the same tables, or hand the text to Lark.

Every `.pan` file in the repository is parsed both ways; the fuzz tests
(tests/test_fuzz.py) repeat the comparison on 2,100 broken and mutated texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from panoptic.source import Source
from panoptic.syntax.lalr import Fallback
from panoptic.syntax.parser import lark_parser, lean_parser, parse_once, parse_text

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p for folder in ("examples", "stdlib", "tests") for p in (ROOT / folder).rglob("*.pan"))


def lean_agrees_with_lark(text: str) -> bool:
    """True when the lean loop parsed `text` itself (and matched Lark); False when it fell back to Lark."""
    source = Source("t.pan", text)
    try:
        lean = parse_once(source, lean_parser().parse)
    except Fallback:
        return False
    assert lean == parse_once(source, lark_parser().parse)
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
