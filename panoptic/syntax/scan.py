"""Line-level scanning that knows about strings and comments (recovery, editors)."""

from __future__ import annotations

from collections.abc import Iterator


def walk(line: str) -> Iterator[tuple[int, str, str]]:
    """(index, character, kind): kind is code, open (a string's opening quote), string, close, or comment.

    A comment is yielded once, at its `#`, and ends the walk.
    """
    in_string = escaped = False
    for i, ch in enumerate(line):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
                yield i, ch, "close"
                continue
            yield i, ch, "string"
        elif ch == '"':
            in_string = True
            yield i, ch, "open"
        elif ch == "#":
            yield i, ch, "comment"
            return
        else:
            yield i, ch, "code"


def code_chars(line: str) -> Iterator[tuple[int, str]]:
    """(index, character) of one line's code: outside strings, before a `#` comment."""
    return ((i, ch) for i, ch, kind in walk(line) if kind == "code")


def strip_comment(line: str) -> str:
    """The line without its trailing `#` comment (a `#` inside a string is kept)."""
    for i, _, kind in walk(line):
        if kind == "comment":
            return line[:i]
    return line


def in_string_at(prefix: str) -> bool:
    """Whether a line prefix ends inside an unclosed string."""
    kinds = [kind for _, _, kind in walk(prefix)]
    return bool(kinds) and kinds[-1] in ("open", "string")


def brace_balance(line: str) -> int:
    """`{` minus `}` in a line's code."""
    balance = 0
    for _, ch in code_chars(line):
        if ch == "{":
            balance += 1
        elif ch == "}":
            balance -= 1
    return balance


def unclosed_brace(text: str) -> int | None:
    """The offset of the last `{` of a text that is never closed."""
    stack: list[int] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        for i, ch in code_chars(line):
            if ch == "{":
                stack.append(offset + i)
            elif ch == "}" and stack:
                stack.pop()
        offset += len(line)
    return stack[-1] if stack else None
