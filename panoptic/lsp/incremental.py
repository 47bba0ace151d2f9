"""A parse cache for the language server: unchanged files and unchanged declarations are not parsed again.

The compiler's loader asks a `ParseCache` for the parse of each source. This
cache answers from memory:

* a file whose text is unchanged (a used module, the standard library, a
  sibling file) comes back as it was;
* a changed file is cut into top-level chunks at lines that start a
  declaration while every brace before them is closed. Only chunks whose text
  changed are parsed; the others are reused, their spans shifted to their new
  place. Typing inside one flow of a 2,000-line file parses only that flow.

Shifting spans costs time in proportion to what follows the edit, so a chunk
is shifted only when its first line moved. When an edit only changed the
length of a line, the chunks after it keep their lines and columns (exact)
and their character offsets lag by the number of characters typed. The
language server works in lines and columns, so what it shows is the same as
parsing the whole text: the same declarations and the same diagnostics at the
same lines and columns (tests/lsp/test_incremental.py checks this on edited
and broken files).
"""

from __future__ import annotations

import dataclasses
import re
from collections import OrderedDict

from panoptic.compiler.loader import ParseCache
from panoptic.diagnostics import Diagnostic
from panoptic.source import Source, Span
from panoptic.syntax import ast
from panoptic.syntax.parser import MAX_ERRORS_PER_FILE, parse_source

_DECL_START = re.compile(r"(?:use|app|let|secret|flow|scenario|setup|teardown)(?![A-Za-z0-9_\-])")
_MIN_CHUNKED = 4_000  # smaller files are parsed whole


_NOISE = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#.*')  # strings (closed or not) and comments


def split_chunks(text: str) -> list[tuple[int, int]]:
    """(start offset, start line) of each top-level chunk; the first chunk starts at (0, 1).

    Braces are counted as the parser's error recovery counts them (outside
    strings and comments); brackets and parentheses separately, so that a
    stray `]` cannot make an open block look closed.
    """
    chunks = [(0, 1)]
    braces = 0
    others = 0
    offset = 0
    line_no = 1
    continued = False
    balanced = True
    for line in text.splitlines(keepends=True):
        if (
            balanced
            and braces == 0
            and others == 0
            and offset > 0
            and not continued
            and _DECL_START.match(line)
            and chunks[-1][0] != offset
        ):
            chunks.append((offset, line_no))
        code = _NOISE.sub("", line) if ('"' in line or "#" in line) else line
        closes = code.count("}")
        if closes and braces - closes < 0:
            for ch in code:  # might dip below zero inside the line: follow it exactly
                if ch == "{":
                    braces += 1
                elif ch == "}":
                    braces -= 1
                    if braces < 0:
                        balanced = False  # a stray `}`: keep the rest in one piece, as the parser sees it
        else:
            braces += code.count("{") - closes
        others += code.count("[") + code.count("(") - code.count("]") - code.count(")")
        if others < 0:
            balanced = False
        continued = line.rstrip("\r\n").endswith("\\")
        offset += len(line)
        line_no += 1
    return chunks


# ---- shifting spans -----------------------------------------------------------------------------------------------

_FIELDS: dict[type, tuple[str, ...]] = {}


_PLAIN = (str, int, float, bool, type(None))


def _shift(obj, delta: int, lines: int):
    """A copy of an AST node / diagnostic with every span moved by `delta` characters and `lines` lines."""
    kind = type(obj)
    if kind is Span:
        return Span(
            obj.file, obj.start + delta, obj.end + delta, obj.line + lines, obj.col, obj.end_line + lines, obj.end_col
        )
    if kind is tuple:
        return tuple([_shift(x, delta, lines) for x in obj])
    if kind is list:
        return [_shift(x, delta, lines) for x in obj]
    if kind in _PLAIN:
        return obj
    names = _FIELDS.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(obj):
            return obj
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(obj))
    # Built through the class: AST nodes keep their fields in slots (`frozen_slots`), not in an instance dict.
    return kind(*[v if type(v) in _PLAIN else _shift(v, delta, lines) for v in map(obj.__getattribute__, names)])


@dataclasses.dataclass
class _Chunk:
    start: int
    line: int
    decls: tuple
    comments: tuple
    diags: list[Diagnostic]


class MemoryParseCache(ParseCache):
    """In-memory parse results by file text, with per-declaration reuse for edited files."""

    def __init__(self, max_files: int = 256, max_chunks: int = 20_000) -> None:
        super().__init__(None)
        self._files: OrderedDict[tuple[str, str], tuple[ast.Module, list[Diagnostic]]] = OrderedDict()
        self._chunks: OrderedDict[tuple[str, str], _Chunk] = OrderedDict()
        self.max_files = max_files
        self.max_chunks = max_chunks
        self.chunks_parsed = 0  # counters for tests and the benchmark
        self.chunks_reused = 0

    def get(self, source: Source) -> tuple[ast.Module, list[Diagnostic]] | None:
        """The loader's question: always answered, parsing (incrementally) on a miss."""
        return self.parse(source)

    def _lookup(self, source: Source) -> tuple[ast.Module, list[Diagnostic]] | None:
        key = (source.path, source.text)
        hit = self._files.get(key)
        if hit is not None:
            self._files.move_to_end(key)
        return hit

    def put(self, source: Source, result: tuple[ast.Module, list[Diagnostic]]) -> None:
        self._remember(source, result)

    def _remember(self, source: Source, result) -> None:
        key = (source.path, source.text)
        self._files[key] = result
        self._files.move_to_end(key)
        while len(self._files) > self.max_files:
            self._files.popitem(last=False)

    def parse(self, source: Source) -> tuple[ast.Module, list[Diagnostic]]:
        """Parse a source, reusing unchanged files and unchanged top-level chunks."""
        cached = self._lookup(source)
        if cached is not None:
            return cached
        result = self._parse_chunked(source) if len(source.text) >= _MIN_CHUNKED else parse_source(source)
        self._remember(source, result)
        return result

    def _parse_chunked(self, source: Source) -> tuple[ast.Module, list[Diagnostic]]:
        text = source.text
        bounds = split_chunks(text)
        if len(bounds) == 1:
            return parse_source(source)
        decls: list = []
        comments: list = []
        diags: list[Diagnostic] = []
        for i, (start, line) in enumerate(bounds):
            end = bounds[i + 1][0] if i + 1 < len(bounds) else len(text)
            piece = text[start:end]
            chunk = self._chunk(source.path, piece, start, line)
            if end < len(text) and any(d.code == "PAN104" for d in chunk.diags):
                # Recovery saw a block left open where the braces seemed to close: parse the rest as one piece.
                chunk = self._chunk(source.path, text[start:], start, line)
                end = len(text)
            if chunk.diags and not chunk.decls:
                # The parser gave up on this chunk; on the whole file it gives up on everything after it too.
                return parse_source(source)
            decls.extend(chunk.decls)
            comments.extend(chunk.comments)
            diags.extend(chunk.diags)
            if end == len(text):
                break
        if len(diags) > MAX_ERRORS_PER_FILE:
            return parse_source(source)  # the whole-file parser stops counting at its limit: let it decide
        # The whole-file parser lists syntax errors first and then what its final pass found in strings.
        diags = [d for d in diags if d.code != "PAN105"] + [d for d in diags if d.code == "PAN105"]
        module = ast.Module(source.path, tuple(decls), tuple(comments))
        return module, diags

    def _chunk(self, path: str, piece: str, start: int, line: int) -> _Chunk:
        key = (path, piece)
        found = self._chunks.get(key)
        if found is not None:
            self._chunks.move_to_end(key)
            self.chunks_reused += 1
            if found.line != line:
                delta, lines = start - found.start, line - found.line
                found = _Chunk(
                    start,
                    line,
                    _shift(found.decls, delta, lines),
                    _shift(found.comments, delta, lines),
                    _shift(found.diags, delta, lines),
                )
                self._chunks[key] = found
            return found
        self.chunks_parsed += 1
        module, diags = parse_source(Source(path, piece))
        chunk = _Chunk(0, 1, module.decls, module.comments, diags)
        if start or line != 1:
            chunk = _Chunk(
                start,
                line,
                _shift(module.decls, start, line - 1),
                _shift(module.comments, start, line - 1),
                _shift(diags, start, line - 1),
            )
        self._chunks[key] = chunk
        while len(self._chunks) > self.max_chunks:
            self._chunks.popitem(last=False)
        return chunk
