"""Which characters can start a match of a regular expression.

The lean LALR loop uses this to try, at each position, only the terminals
that can start with the character found there. An answer may be too wide
(lookarounds are ignored, unknown constructs mean "any character"), never
too narrow: a terminal that could match is never left out.

It reads CPython's private `re._parser`. Where that is missing, or answers
in a shape this module does not know, every answer is None ("any
character"): the lean loop then tries every terminal, as Lark's scanner does.
`first_chars_unavailable` says why.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import ModuleType
from typing import Any

try:
    from re import _constants as sre  # the parser's own opcodes: the only way to read a pattern's structure
    from re import _parser
except Exception as exc:  # any: a Python without these only loses the shortcut
    sre: ModuleType | None = None  # type: ignore[no-redef]
    _parser: ModuleType | None = None  # type: ignore[no-redef]
    _IMPORT_ERROR: str | None = f"re._parser cannot be imported ({type(exc).__name__}: {exc})"
else:
    _IMPORT_ERROR = None

# (ASCII characters a match can start with, whether it can start with a non-ASCII one); None: any character.
FirstChars = tuple[frozenset[str], bool] | None
_Partial = tuple[set[str], bool, bool] | None  # (ASCII characters, non-ASCII, can match the empty string)

_ASCII = [chr(code) for code in range(128)]

# Patterns with known answers: `re._parser` must still give these before any other answer is trusted.
_KNOWN: tuple[tuple[str, FirstChars], ...] = (
    (r"\{", (frozenset("{"), False)),
    (r"[A-Za-z_]\w*", (frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"), False)),
    (r'"([^"\\]|\\.)*"', (frozenset('"'), False)),
    (r"(?:#[^\n]*)?\r?\n", (frozenset("#\r\n"), False)),
    (r"use(?![a-z])|é+", (frozenset("u"), True)),
    (r"-?\d+(ms|s)", (frozenset("-0123456789"), True)),
    (r"(?i:a)", None),
    (r"x*", None),
    (r"[^x]", None),
)


def first_chars(pattern: str, flags: int = 0) -> FirstChars:
    """The characters a non-empty match of `pattern` can start with (None when that is not narrower than any)."""
    if first_chars_unavailable() is not None:
        return None
    try:
        return _first_chars(pattern, flags)
    except Exception:  # any: an unexpected shape from `re._parser` only means "any character"
        return None


@lru_cache(maxsize=1)
def first_chars_unavailable() -> str | None:
    """Why `first_chars` answers "any character" for every pattern (`re._parser` missing or changed); None if it works."""
    if _IMPORT_ERROR is not None:
        return _IMPORT_ERROR
    try:
        for pattern, expected in _KNOWN:
            found = _first_chars(pattern, 0)
            if found != expected:
                return f"re._parser reads {pattern!r} as starting with {found!r}, not {expected!r}"
    except Exception as exc:  # any: a renamed opcode or a new tuple shape
        return f"re._parser is not what this module reads ({type(exc).__name__}: {exc})"
    return None


def _first_chars(pattern: str, flags: int) -> FirstChars:
    assert _parser is not None
    try:
        parsed = _parser.parse(pattern, flags)
    except (re.error, RecursionError):
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    found = _sequence(list(parsed))
    if found is None or found[2]:  # a pattern that can match nothing can "start" anywhere
        return None
    return frozenset(found[0]), found[1]


def _sequence(items: list[Any]) -> _Partial:
    chars: set[str] = set()
    other = False
    for op, arg in items:
        found = _item(op, arg)
        if found is None:
            return None
        chars |= found[0]
        other = other or found[1]
        if not found[2]:
            return chars, other, False
    return chars, other, True


def _item(op: Any, arg: Any) -> _Partial:
    if op is sre.LITERAL:
        char = chr(arg)
        return ({char}, False, False) if char.isascii() else (set(), True, False)
    if op is sre.IN:
        charset = _charset(arg)
        return None if charset is None else (charset[0], charset[1], False)
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, body = arg
        return None if add_flags & re.IGNORECASE else _sequence(list(body))
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(arg))
    if op is sre.BRANCH:
        chars: set[str] = set()
        other = nullable = False
        for alternative in arg[1]:
            found = _sequence(list(alternative))
            if found is None:
                return None
            chars |= found[0]
            other, nullable = other or found[1], nullable or found[2]
        return chars, other, nullable
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, body = arg
        found = _sequence(list(body))
        return None if found is None else (found[0], found[1], low == 0 or found[2])
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):  # zero width: ignoring a lookaround only widens the answer
        return set(), False, True
    return None  # ANY, NOT_LITERAL, back references …: any character


def _charset(items: list[Any]) -> tuple[set[str], bool] | None:
    chars: set[str] = set()
    other = False
    for op, arg in items:
        if op is sre.LITERAL:
            char = chr(arg)
            if char.isascii():
                chars.add(char)
            else:
                other = True
        elif op is sre.RANGE:
            low, high = arg
            chars.update(chr(code) for code in range(low, min(high, 127) + 1))
            other = other or high > 127
        elif op is sre.CATEGORY and arg in _categories():
            category = re.compile(_categories()[arg])
            chars.update(c for c in _ASCII if category.fullmatch(c))
            other = True
        else:  # NEGATE, other categories
            return None
    return chars, other


@lru_cache(maxsize=1)
def _categories() -> dict[Any, str]:
    assert sre is not None
    return {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_SPACE: r"\s"}
