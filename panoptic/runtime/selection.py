"""Choosing which scenarios run: `-k` name filters and `-t` tag expressions.

`-k TEXT` keeps scenarios whose title or id contains TEXT (case-insensitive);
with a wildcard (`*`, `?`, `[…]`) TEXT is a glob matched against the title
and the id. Several `-k` keep a scenario matching any of them.

`-t EXPR` keeps scenarios whose tags satisfy EXPR: a tag name, `not EXPR`,
`EXPR and EXPR`, `EXPR or EXPR`, parentheses (`-t 'smoke and not slow'`).
Several `-t` must all hold.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Sequence

from panoptic.compiler.ir import Program, Scenario

TagPredicate = Callable[[frozenset[str]], bool]
_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")


class SelectionError(ValueError):
    """A filter that cannot be understood (reported as PAN004)."""


def parse_tag_expression(text: str) -> TagPredicate:
    """Compile a tag expression into a predicate over a scenario's tag set."""
    tokens = _tokenise(text)
    if not tokens:
        raise SelectionError("empty tag expression")
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        token = tokens[pos]
        pos += 1
        return token

    def parse_or() -> TagPredicate:
        left = parse_and()
        while peek() == "or":
            take()
            right = parse_and()
            left = (lambda a, b: lambda tags: a(tags) or b(tags))(left, right)
        return left

    def parse_and() -> TagPredicate:
        left = parse_not()
        while peek() == "and":
            take()
            right = parse_not()
            left = (lambda a, b: lambda tags: a(tags) and b(tags))(left, right)
        return left

    def parse_not() -> TagPredicate:
        if peek() == "not":
            take()
            inner = parse_not()
            return lambda tags: not inner(tags)
        return parse_atom()

    def parse_atom() -> TagPredicate:
        token = peek()
        if token is None:
            raise SelectionError(f"tag expression {text!r} ends too early")
        if token == "(":
            take()
            inner = parse_or()
            if peek() != ")":
                raise SelectionError(f"tag expression {text!r} lacks a closing parenthesis")
            take()
            return inner
        if token in (")", "and", "or"):
            raise SelectionError(f"unexpected {token!r} in tag expression {text!r}")
        name = take()
        return lambda tags: name in tags

    predicate = parse_or()
    if pos != len(tokens):
        raise SelectionError(f"unexpected {tokens[pos]!r} in tag expression {text!r}")
    return predicate


def _tokenise(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only trailing whitespace is left
            break
        tokens.append(m.group(1))
        pos = m.end()
    return tokens


def keyword_matches(pattern: str, scenario: Scenario) -> bool:
    """Whether one `-k` pattern selects a scenario."""
    names = (scenario.title, scenario.id)
    if any(ch in pattern for ch in "*?["):
        return any(fnmatch.fnmatchcase(n.lower(), pattern.lower()) for n in names)
    needle = pattern.lower()
    return any(needle in n.lower() for n in names)


def select(program: Program, keywords: Sequence[str] = (), tags: Sequence[str] = ()) -> list[int]:
    """Indexes (in program order) of the scenarios that pass every filter. Raises SelectionError."""
    predicates = [parse_tag_expression(t) for t in tags]
    chosen: list[int] = []
    for index, scenario in enumerate(program.scenarios):
        if keywords and not any(keyword_matches(k, scenario) for k in keywords):
            continue
        tagset = frozenset(scenario.tags)
        if not all(p(tagset) for p in predicates):
            continue
        chosen.append(index)
    return chosen


def describe(program: Program, indexes: Iterable[int]) -> list[str]:
    """One line per scenario for `--list`: id, app and tags."""
    lines = []
    for index in indexes:
        sc = program.scenarios[index]
        tags = f"  [{', '.join(sc.tags)}]" if sc.tags else ""
        lines.append(f"{sc.id}  (on {sc.app}){tags}")
    return lines
