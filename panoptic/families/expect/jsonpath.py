"""The JSON paths of `expect response json "$.items[0].name" is "Mug"`: `$`, `.field`, `["field"]`, `[index]`.

Checked when the file is checked (`parse` raises ValueError with the position), read against the response
body when the step runs (`read`).
"""

from __future__ import annotations

import re
from typing import Any

_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_\-]*)|\[(-?\d+)\]|\["((?:[^"\\]|\\.)*)"\]')
_MISSING = object()


def parse(path: str) -> tuple[str | int, ...]:
    """The steps of a path (`$.items[0].name` → ("items", 0, "name")); ValueError saying where it is wrong."""
    text = path.strip()
    if text.startswith("$"):
        pos = 1
    else:
        text, pos = "$." + text if text and not text.startswith("[") else "$" + text, 1
    steps: list[str | int] = []
    while pos < len(text):
        found = _STEP.match(text, pos)
        if found is None:
            raise ValueError(
                f'unexpected {text[pos : pos + 10]!r} at position {pos}: write `.name`, `[0]` or `["name"]`'
            )
        name, index, quoted = found.groups()
        steps.append(int(index) if index is not None else name if name is not None else quoted.replace('\\"', '"'))
        pos = found.end()
    return tuple(steps)


def read(value: Any, steps: tuple[str | int, ...]) -> Any:
    """The value at the path, or `MISSING` when a step is not there."""
    for step in steps:
        in_list = isinstance(step, int) and isinstance(value, list) and -len(value) <= step < len(value)
        in_map = isinstance(step, str) and isinstance(value, dict) and step in value
        if not (in_list or in_map):
            return _MISSING
        value = value[step]
    return value


def missing(value: Any) -> bool:
    return value is _MISSING
