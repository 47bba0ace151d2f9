"""Completion reads the block structure with one regex per line: the same braces as the line scanner's code."""

from __future__ import annotations

import random

from panoptic.lsp.completion import _walk_braces, context_at
from panoptic.syntax.scan import code_chars


def _reference(raw: str, stack: list[str]) -> list[str]:
    stack = list(stack)
    for i, ch in code_chars(raw):
        if ch == "{":
            stack.append(raw[:i].strip())
        elif ch == "}" and stack:
            stack.pop()
    return stack


def test_braces_in_strings_and_comments_are_not_blocks() -> None:
    lines = [
        'scenario "a { b" on shop {',
        '    log "}" # }',
        '    if visible "#x\\"{" {',
        '    click "unclosed {',
        "    # {",
        "    repeat 2 times { } {",
        '    log "\\\\" }',
        "\\",
        "",
    ]
    for raw in lines:
        for start in ([], ["outer"]):
            got = list(start)
            _walk_braces(raw, got)
            assert got == _reference(raw, start), raw


def test_random_lines_match_the_line_scanner() -> None:
    rng = random.Random(20261129)
    alphabet = ['"', "\\", "{", "}", "#", "a", " ", "$", "\r", "\t", "é"]
    for _ in range(20000):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 16)))
        start = ["x"] * rng.randrange(0, 3)
        got = list(start)
        _walk_braces(raw, got)
        assert got == _reference(raw, start), repr(raw)


def test_context_headers_skip_string_braces() -> None:
    text = 'scenario "x {" on shop {\n    log "}"\n    if visible "#a" {\n        \n    }\n}\n'
    assert context_at(text, 4, 9).headers == ('scenario "x {" on shop', 'if visible "#a"')
    assert context_at(text, 6, 1).headers == ('scenario "x {" on shop',)
