"""Build `.pan` syntax trees in code, to be printed by the formatter (`panoptic.fmt.format_tree`).

Nodes get spans whose offsets only order them (the formatter reads offsets to
place comments) and whose file, line and column say where each node came from:
for a converted config, the YAML value it was made from. `Builder.origins`
keeps that place for every node, keyed by the node's ordering offset, so that
the checked text can be mapped back to the YAML (`panoptic.convert.remap`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from panoptic.fmt import quote
from panoptic.source import Span
from panoptic.syntax import ast

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_KEYWORDS = frozenset(
    ("use", "app", "let", "secret", "flow", "scenario", "on", "tags", "setup", "teardown", "else", "true", "false")
)

Item = ast.Word | ast.Str | ast.Num | ast.Duration | ast.Size | ast.Call | ast.ListLit | ast.Comma
Value = str | int | float | bool | None


def snake_name(text: str, fallback: str = "app") -> str:
    """A snake_case name for `text` ("Shop App" -> `shop_app`), never a keyword and never empty."""
    words = re.findall(r"[A-Za-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text))
    name = "_".join(w.lower() for w in words) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if name in _KEYWORDS:
        name = f"{name}_{fallback}"
    return name


def number_raw(value: float) -> str:
    """A number as the language writes it: `3`, `0.5`, `-2`."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a number")
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def duration_raw(seconds: float) -> str:
    """Seconds as a duration literal: `5s`, `500ms`, `2m`, `1h`, `30d` (the largest whole unit)."""
    if seconds <= 0:
        return "0s"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds % size == 0 and seconds >= size:
            return f"{int(seconds // size)}{unit}"
    millis = seconds * 1000
    if float(millis).is_integer():
        return f"{int(millis)}ms"
    return f"{round(seconds, 3)}s"


class Builder:
    """Makes AST nodes in output order; each new node's span carries `at` (the place it comes from)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._next = 0
        self.origins: dict[int, Span] = {}
        self.comments: list[ast.Comment] = []

    # ---- spans -----------------------------------------------------------------

    def _span(self, at: Span | None) -> Span:
        start = self._next
        self._next += 2
        if at is None:
            span = Span(self.file, start, start + 1, 1, 1, 1, 1)
        else:
            span = Span(at.file, start, start + 1, at.line, at.col, at.end_line, at.end_col)
            self.origins[start] = at
        return span

    def _around(self, start_span: Span) -> Span:
        """A span from `start_span` to the current position (for blocks and declarations built in parts)."""
        end = self._next
        self._next += 1
        return Span(
            start_span.file,
            start_span.start,
            end + 1,
            start_span.line,
            start_span.col,
            start_span.end_line,
            start_span.end_col,
        )

    # ---- expressions -------------------------------------------------------------

    def string(self, text: str, at: Span | None = None) -> ast.Str:
        return ast.Str((text,), quote(text), self._span(at))

    def number(self, value: float, at: Span | None = None) -> ast.Num:
        return ast.Num(float(value), number_raw(value), self._span(at))

    def duration(self, seconds: float, at: Span | None = None) -> ast.Duration:
        raw = duration_raw(seconds)
        return ast.Duration(float(seconds), raw, self._span(at))

    def size(self, width: int, height: int, at: Span | None = None) -> ast.Size:
        return ast.Size(width, height, f"{width}x{height}", self._span(at))

    def var(self, name: str, at: Span | None = None) -> ast.Var:
        return ast.Var((name,), self._span(at))

    def boolean(self, value: bool, at: Span | None = None) -> ast.Var:
        return self.var("true" if value else "false", at)

    def call(self, name: str, args: Sequence[ast.Expr], at: Span | None = None) -> ast.Call:
        span = self._span(at)
        return ast.Call(name, tuple(args), span)

    def list_of(self, items: Iterable[ast.Expr], at: Span | None = None) -> ast.ListLit:
        span = self._span(at)
        return ast.ListLit(tuple(items), span)

    def map_of(self, entries: Iterable[tuple[str, ast.Expr]], at: Span | None = None) -> ast.MapLit:
        span = self._span(at)
        return ast.MapLit(tuple(entries), span)

    def value(self, value: Value | list | dict, at: Span | None = None) -> ast.Expr:
        """A literal for plain data: text, numbers, true/false, lists and maps of them (None is "")."""
        if isinstance(value, bool):
            return self.boolean(value, at)
        if isinstance(value, (int, float)):
            return self.number(value, at)
        if isinstance(value, list):
            span = self._span(at)
            return ast.ListLit(tuple(self.value(v, at) for v in value), span)
        if isinstance(value, dict):
            span = self._span(at)
            return ast.MapLit(tuple((str(k), self.value(v, at)) for k, v in value.items()), span)
        return self.string("" if value is None else str(value), at)

    # ---- statements --------------------------------------------------------------

    def word(self, text: str, at: Span | None = None) -> ast.Word:
        return ast.Word(text, self._span(at))

    def statement(self, parts: Sequence[str | ast.Expr | ast.Word], at: Span | None = None) -> ast.Statement:
        """A statement from words (plain `str` or `Word`s) and values; a `str` holding spaces is several words."""
        start = self._span(at)
        items: list[ast.Item] = []
        for part in parts:
            if isinstance(part, str):
                items.extend(self.word(w, at) for w in part.split())
            elif isinstance(part, ast.Var):
                items.append(ast.Word(".".join(part.path), part.span))
            else:
                items.append(part)  # type: ignore[arg-type]
        if not items:
            raise ValueError("a statement needs at least one word")
        return ast.Statement(tuple(items), None, None, self._around(start))

    def let(self, name: str, value: ast.Expr, *, secret: bool = False, at: Span | None = None) -> ast.Let:
        span = self._span(at)
        return ast.Let(name, span, value, secret, self._around(span))

    def block(self, statements: Iterable[ast.Stmt], at: Span | None = None) -> ast.Block:
        start = self._span(at)
        return ast.Block(tuple(statements), self._around(start))

    def comment(self, text: str) -> None:
        """A comment on a line of its own, before the next node built after this call."""
        body = " ".join(text.split())
        span = self._span(None)
        self.comments.append(ast.Comment("# " + body if body else "#", span))

    # ---- declarations -------------------------------------------------------------

    def use(self, module: str, *, is_path: bool = False, at: Span | None = None) -> ast.Use:
        return ast.Use(module, is_path, self._span(at))

    def setting(self, key: str, value: ast.Expr, at: Span | None = None) -> ast.Setting:
        span = self._span(at)
        return ast.Setting(key, span, value, span)

    def app(self, name: str, platform: str, settings: Sequence[ast.Setting], at: Span | None = None) -> ast.App:
        start = self._span(at)
        return ast.App(name, start, platform, start, tuple(settings), self._around(start))

    def scenario_start(self, at: Span | None = None) -> Span:
        """Begin a scenario: call before building its statements, then pass the result to `scenario`."""
        return self._span(at)

    def scenario(
        self,
        start: Span,
        title: str,
        app: str | None,
        tags: Sequence[str],
        body: Sequence[ast.Stmt],
    ) -> ast.Scenario:
        title_node = ast.Str((title,), quote(title), start)
        block = ast.Block(tuple(body), self._around(start))
        tag_nodes = tuple(ast.Tag(t, start) for t in tags)
        return ast.Scenario(title_node, app, start if app else None, tag_nodes, block, self._around(start))

    def module(self, decls: Iterable[ast.Decl]) -> ast.Module:
        return ast.Module(self.file, tuple(decls), tuple(self.comments))


def is_number_text(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def is_name(text: str) -> bool:
    return _NAME.fullmatch(text) is not None and text not in _KEYWORDS
