"""`first_chars` may answer too wide, never too narrow: every match starts with a character it names."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from panoptic.syntax.first_chars import first_chars
from panoptic.syntax.parser import lark_parser

TERMINALS = [t.pattern.to_regexp() for t in lark_parser().terminals]
ALPHABET = list('"{}()[],:=#\n\r\t -_.\\$xyzuseABZ0159é\ue000')
TEXTS = st.one_of(st.text(alphabet=ALPHABET, min_size=1, max_size=8), st.text(min_size=1, max_size=4))
EXTRA = [r"(?i:abc)", r"a?b", r"\w+", r"[^x]y", r"(?=a)\w", r"(ab|)c", r"é+|\s"]


def _allowed(first, char: str) -> bool:
    return first is None or (char in first[0] if char.isascii() else first[1])


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\{", ({"{"}, False)),
        (r"[A-Za-z_][A-Za-z0-9_]*", (set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"), False)),
        (r'"([^"\\]|\\.)*"', ({'"'}, False)),
        (r"((\r?\n)[\t ]*|#[^\n]*)*(\r?\n)[\t ]*", ({"\r", "\n", "#"}, False)),
        (r"use(?![a-z])", ({"u"}, False)),
        (r"-?\d+", (set("-0123456789"), True)),
        (r"(?i:a)", None),
        (r"x*", None),
        (r".", None),
    ],
)
def test_first_characters_of_known_patterns(pattern: str, expected) -> None:
    found = first_chars(pattern)
    assert (None if found is None else (set(found[0]), found[1])) == expected


@settings(max_examples=600, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(TERMINALS + EXTRA), TEXTS)
def test_no_match_starts_outside_the_answer(pattern: str, text: str) -> None:
    match = re.match(pattern, text)
    if match and match.end() > 0:
        assert _allowed(first_chars(pattern), text[0])
