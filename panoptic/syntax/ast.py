"""The syntax tree: frozen dataclasses with spans. The Lark tree never leaves `panoptic.syntax`."""

from __future__ import annotations

from typing import Union

from panoptic.frozen import frozen_slots
from panoptic.source import Span

# ---- expressions -------------------------------------------------------------


@frozen_slots
class Interp:
    """`${a.b}` inside a string."""

    path: tuple[str, ...]
    span: Span


@frozen_slots
class Str:
    """A string literal; `parts` are literal text and interpolations in order."""

    parts: tuple[str | Interp, ...]
    raw: str
    span: Span

    # Plain properties: 3.11's cached_property takes a lock on every read, which costs more than these.
    @property
    def is_plain(self) -> bool:
        parts = self.parts
        if len(parts) == 1:  # the parser's shape for every literal without `${…}`
            return isinstance(parts[0], str)
        return all(isinstance(p, str) for p in parts)

    @property
    def text(self) -> str:
        """The literal text (interpolations rendered as `${…}`)."""
        parts = self.parts
        if len(parts) == 1 and isinstance(parts[0], str):
            return parts[0]
        return "".join(p if isinstance(p, str) else "${" + ".".join(p.path) + "}" for p in parts)


@frozen_slots
class Num:
    value: float
    raw: str
    span: Span


@frozen_slots
class Duration:
    seconds: float
    raw: str
    span: Span


@frozen_slots
class Size:
    width: int
    height: int
    raw: str
    span: Span


@frozen_slots
class Var:
    path: tuple[str, ...]
    span: Span

    @property
    def name(self) -> str:
        return self.path[0]


@frozen_slots
class Call:
    name: str
    args: tuple[Expr, ...]
    span: Span


@frozen_slots
class ListLit:
    items: tuple[Expr, ...]
    span: Span


@frozen_slots
class MapLit:
    entries: tuple[tuple[str, Expr], ...]
    span: Span


@frozen_slots
class Phrase:
    """The value of a `let` written as words and operators: `text of "#count"`, `n + 1`.

    Items are words (`Word`, operators too: `Word("+")`), fields (`Var`) and values; the compiler reads them.
    """

    items: tuple[Item, ...]
    span: Span


Expr = Union[Str, Num, Duration, Size, Var, Call, ListLit, MapLit]


# ---- statements ------------------------------------------------------------


@frozen_slots
class Word:
    """A bare name in a statement: a statement word or a variable, decided by the compiler."""

    text: str
    span: Span


@frozen_slots
class Comma:
    span: Span


Item = Union[Word, Comma, Str, Num, Duration, Size, Call, ListLit, Var]


@frozen_slots
class Block:
    statements: tuple[Stmt, ...]
    span: Span


@frozen_slots
class Statement:
    items: tuple[Item, ...]
    block: Block | None
    orelse: Block | Statement | None
    span: Span

    @property
    def head_span(self) -> Span:
        """The span of the statement's own line (without its block)."""
        first, last = self.items[0].span, self.items[-1].span
        return Span(first.file, first.start, last.end, first.line, first.col, last.end_line, last.end_col)


@frozen_slots
class Let:
    """`let name = value` or `secret name = value` (file level or inside a block)."""

    name: str
    name_span: Span
    value: Expr | Phrase
    secret: bool
    span: Span


@frozen_slots
class ErrorNode:
    """A line that did not parse (already reported); its block is kept only to balance braces."""

    span: Span
    block: Block | None = None


Stmt = Union[Statement, Let, ErrorNode]


# ---- declarations ----------------------------------------------------------


@frozen_slots
class Use:
    module: str  # "std.web" or a relative path
    is_path: bool
    span: Span


@frozen_slots
class Setting:
    key: str
    key_span: Span
    value: Expr
    span: Span


@frozen_slots
class App:
    name: str
    name_span: Span
    platform: str
    platform_span: Span
    settings: tuple[Setting, ...]
    span: Span


@frozen_slots
class Param:
    name: str
    span: Span


@frozen_slots
class Flow:
    name: str
    name_span: Span
    params: tuple[Param, ...]
    body: Block
    span: Span


@frozen_slots
class Tag:
    name: str
    span: Span


@frozen_slots
class Scenario:
    title: Str
    app: str | None
    app_span: Span | None
    tags: tuple[Tag, ...]
    body: Block
    span: Span
    data: ScenarioData | None = None  # `for each row in …`: one scenario per item


@frozen_slots
class ScenarioData:
    """`scenario "…" for each [index,] name in <items>`: the names bound per item and where the items come from."""

    names: tuple[Param, ...]  # the item's name, or the index's and the item's
    items: Expr
    span: Span


@frozen_slots
class Hook:
    """A file-level `setup { … }` or `teardown { … }`."""

    kind: str
    body: Block
    span: Span


Decl = Union[Use, App, Let, Flow, Scenario, Hook, ErrorNode]


@frozen_slots
class Comment:
    text: str  # including the leading '#'
    span: Span


@frozen_slots
class Module:
    path: str
    decls: tuple[Decl, ...]
    comments: tuple[Comment, ...]
