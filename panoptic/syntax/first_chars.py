"""Which characters can start a match of a regular expression.

The lean LALR loop uses this to try, at each position, only the terminals
that can start with the character found there. An answer may be too wide
(lookarounds are ignored, unknown constructs mean "any character"), never
too narrow: a terminal that could match is never left out.
"""

from __future__ import annotations

import re
from re import _constants as sre  # the parser's own opcodes: the only way to read a pattern's structure
from re import _parser

# (ASCII characters a match can start with, whether it can start with a non-ASCII one); None: any character.
FirstChars = tuple[frozenset[str], bool] | None
_Partial = tuple[set[str], bool, bool] | None  # (ASCII characters, non-ASCII, can match the empty string)

_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_SPACE: r"\s"}
_ASCII = [chr(code) for code in range(128)]


def first_chars(pattern: str, flags: int = 0) -> FirstChars:
    """The characters a non-empty match of `pattern` can start with (None when that is not narrower than any)."""
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


def _sequence(items: list) -> _Partial:
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


def _item(op, arg) -> _Partial:
    if op is sre.LITERAL:
        char = chr(arg)
        return ({char}, False, False) if char.isascii() else (set(), True, False)
    if op is sre.IN:
        found = _charset(arg)
        return None if found is None else (found[0], found[1], False)
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


def _charset(items: list) -> tuple[set[str], bool] | None:
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
        elif op is sre.CATEGORY and arg in _CATEGORIES:
            category = re.compile(_CATEGORIES[arg])
            chars.update(c for c in _ASCII if category.fullmatch(c))
            other = True
        else:  # NEGATE, other categories
            return None
    return chars, other
