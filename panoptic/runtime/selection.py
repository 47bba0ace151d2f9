"""Choosing which scenarios run: `-k` name expressions and `-t` tag expressions.

`-k EXPR` works like pytest's: each word of EXPR is a case-insensitive
substring of the scenario's title or id (`file::title`), combined with
`and`, `or`, `not` and parentheses (`-k 'cart and not checkout'`). A quoted
word may hold spaces (`-k '"one item" or login'`); an EXPR without any of those
operators is one substring, spaces included (`-k 'checkout with one item'`).
Globs are explicit: `glob:PATTERN` matches the whole title or id
(`-k 'glob:cart*'`). Several `-k` keep a scenario matching any of them.

`-t EXPR` keeps scenarios whose tags satisfy EXPR: a tag name, `not EXPR`,
`EXPR and EXPR`, `EXPR or EXPR`, parentheses (`-t 'smoke and not slow'`).
Several `-t` must all hold.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from panoptic.compiler.ir import Program, Scenario

T = TypeVar("T")
TagPredicate = Callable[[frozenset[str]], bool]
Predicate = Callable[[T], bool]
_TOKEN = re.compile(r"\s*(\(|\)|\"[^\"]*\"|'[^']*'|[^\s()]+)")
_OPERATORS = frozenset({"and", "or", "not", "(", ")"})


class SelectionError(ValueError):
    """A filter that cannot be understood (reported as PAN004)."""


def parse_tag_expression(text: str) -> TagPredicate:
    """Compile a tag expression into a predicate over a scenario's tag set."""
    return parse_expression(text, lambda name: lambda tags: name in tags, "tag expression")


def parse_keyword_expression(text: str) -> Predicate[Scenario]:
    """Compile a `-k` expression into a predicate over scenarios."""
    tokens = _tokenise(text)
    if not any(t in _OPERATORS for t in tokens):
        return _keyword_atom(text.strip())
    return parse_expression(text, _keyword_atom, "-k expression")


def _keyword_atom(word: str) -> Predicate[Scenario]:
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "\"'":
        word = word[1:-1]
    if word.startswith("glob:"):
        pattern = word[5:].lower()
        return lambda sc: any(fnmatch.fnmatchcase(n.lower(), pattern) for n in (sc.title, sc.id))
    needle = word.lower()
    return lambda sc: needle in sc.title.lower() or needle in sc.id.lower()


def parse_expression(text: str, atom: Callable[[str], Predicate[T]], what: str) -> Predicate[T]:
    """A boolean expression of atoms: `not`, `and`, `or` (in rising order) and parentheses."""
    tokens = _tokenise(text)
    if not tokens:
        raise SelectionError(f"empty {what}")
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        token = tokens[pos]
        pos += 1
        return token

    def parse_or() -> Predicate[T]:
        left = parse_and()
        while peek() == "or":
            take()
            right = parse_and()
            left = (lambda a, b: lambda tags: a(tags) or b(tags))(left, right)
        return left

    def parse_and() -> Predicate[T]:
        left = parse_not()
        while peek() == "and":
            take()
            right = parse_not()
            left = (lambda a, b: lambda tags: a(tags) and b(tags))(left, right)
        return left

    def parse_not() -> Predicate[T]:
        if peek() == "not":
            take()
            inner = parse_not()
            return lambda tags: not inner(tags)
        return parse_atom()

    def parse_atom() -> Predicate[T]:
        token = peek()
        if token is None:
            raise SelectionError(f"{what} {text!r} ends too early")
        if token == "(":
            take()
            inner = parse_or()
            if peek() != ")":
                raise SelectionError(f"{what} {text!r} lacks a closing parenthesis")
            take()
            return inner
        if token in (")", "and", "or"):
            raise SelectionError(f"unexpected {token!r} in {what} {text!r}")
        return atom(take())

    predicate = parse_or()
    if pos != len(tokens):
        raise SelectionError(f"unexpected {tokens[pos]!r} in {what} {text!r}")
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


def select(program: Program, keywords: Sequence[str] = (), tags: Sequence[str] = ()) -> list[int]:
    """Indexes (in program order) of the scenarios that pass every filter. Raises SelectionError."""
    predicates = [parse_tag_expression(t) for t in tags]
    names = [parse_keyword_expression(k) for k in keywords]
    chosen: list[int] = []
    for index, scenario in enumerate(program.scenarios):
        if names and not any(p(scenario) for p in names):
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
