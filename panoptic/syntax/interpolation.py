"""String literals: escapes and `${name.field}` interpolation."""

from __future__ import annotations

import re
from sys import intern

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "$": "$"}
# Names as the grammar writes them (letters, digits, `_` and `-`, not starting with a digit), joined by dots.
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z_][A-Za-z0-9_\-]*)*")

Part = str | tuple[tuple[str, ...], int, int]


def parse_string(raw: str, offset: int) -> tuple[list[Part], list[tuple[int, int, str]]]:
    """Split a quoted literal into text and `(path, start, end)` interpolations.

    `offset` is the literal's position in the file, so interpolations and
    problems carry file offsets. Returns (parts, problems) where a problem is
    (offset, length, message).
    """
    body = raw[1:-1]
    if "\\" not in body and "$" not in body:  # most literals: nothing to unescape or interpolate
        return [intern(body)], []  # the same texts recur (selectors, labels): the AST keeps one copy
    base = offset + 1
    parts: list[Part] = []
    problems: list[tuple[int, int, str]] = []
    text: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch == "\\" and i + 1 < n:
            nxt = body[i + 1]
            if nxt in _ESCAPES:
                text.append(_ESCAPES[nxt])
            else:
                text.append("\\" + nxt)
            i += 2
            continue
        if ch == "$" and body.startswith("$${", i):
            text.append("${")
            i += 3
            continue
        if ch == "$" and body.startswith("${", i):
            close = body.find("}", i + 2)
            inner = body[i + 2 : close] if close != -1 else body[i + 2 :]
            name = inner.strip()
            if close == -1:
                problems.append((base + i, n - i, "`${` is never closed"))
                i = n
                continue
            if not _PATH.fullmatch(name):
                message = "empty interpolation" if not name else f"`{inner}` is not a variable name"
                problems.append((base + i, close + 1 - i, message))
            else:
                if text:
                    parts.append("".join(text))
                    text = []
                parts.append((tuple(name.split(".")), base + i, base + close + 1))
            i = close + 1
            continue
        text.append(ch)
        i += 1
    if text or not parts:
        parts.append("".join(text))
    return parts, problems
