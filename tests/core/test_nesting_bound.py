"""The raw-text nesting bound that lets the parser skip its depth walk must give the reference's answer.

The reference is the first implementation: strings and comments removed by one expression, then the
brackets counted. The parser's version removes everything but the brackets in one pass.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from panoptic.syntax.parser import MAX_DEPTH, _may_nest_deeply

_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*')
_BRACKETS = re.compile(r"[{}\[\]()]")
ROOT = Path(__file__).resolve().parents[2]


def reference(text: str) -> bool:
    if text.count("{") + text.count("[") + text.count("(") + text.count("else") <= MAX_DEPTH:
        return False
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING_OR_COMMENT.sub("", text)):
        if bracket in "{[(":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest + text.count("else") > MAX_DEPTH


# Pieces that make strings, escapes, comments and brackets meet in every order.
PIECES = st.sampled_from(['"', "\\", "#", "\n", "{", "}", "[", "]", "(", ")", "else", "a", " ", '\\"', "é"])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=400), st.integers(0, 120))
def test_same_answer_as_the_reference(pieces: list[str], openers: int):
    text = "{" * openers + "".join(pieces)
    assert _may_nest_deeply(text) == reference(text)


@settings(max_examples=100, deadline=None)
@given(st.integers(90, 110), st.sampled_from(["{", "[", "("]), st.booleans())
def test_at_the_limit(depth: int, opener: str, in_string: bool):
    closer = {"{": "}", "[": "]", "(": ")"}[opener]
    inner = opener * depth + closer * depth
    text = f'let x = "{inner}"\n' if in_string else inner
    assert _may_nest_deeply(text) == reference(text)


def test_repository_files():
    for path in sorted(ROOT.glob("examples/**/*.pan")) + sorted(ROOT.glob("stdlib/*.pan")):
        text = path.read_text(encoding="utf-8")
        assert _may_nest_deeply(text) == reference(text), path
