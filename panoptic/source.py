"""Source files and spans: every node, IR step and failure points back here."""

from __future__ import annotations

import bisect
from dataclasses import field
from pathlib import Path

from panoptic.frozen import frozen, frozen_slots


@frozen_slots
class Span:
    """A range of one source file: offsets plus the 1-based line/column of both ends."""

    file: str
    start: int
    end: int
    line: int
    col: int
    end_line: int
    end_col: int

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "col": self.col,
            "end_line": self.end_line,
            "end_col": self.end_col,
        }

    @classmethod
    def from_json(cls, data: dict) -> Span:
        return cls(**{k: data[k] for k in ("file", "start", "end", "line", "col", "end_line", "end_col")})

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@frozen
class Source:
    """The text of one `.pan` file and an index from offsets to lines."""

    path: str
    text: str
    _line_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        object.__setattr__(self, "_line_starts", tuple(starts))

    @classmethod
    def read(cls, path: str | Path) -> Source:
        """Read a file as UTF-8 (a BOM is dropped; CRLF is kept as it is)."""
        text = Path(path).read_bytes().decode("utf-8-sig")
        return cls(str(path), text)

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of an offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        line, col = self.position(start)
        end_line, end_col = self.position(end)
        return Span(self.path, start, end, line, col, end_line, end_col)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        if line < 1 or line > len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    @property
    def line_count(self) -> int:
        return len(self._line_starts)
