"""Match a statement's items against registered signatures.

Matching is structural: a value parameter takes any one value item (a bare
word counts as a variable); types are checked afterwards so that a number
where a duration is needed is a type error (PAN301), not an unknown
statement. A target takes one to four items (`"#id"`, `text "Hi"`,
`role button "OK"`, `at 10, 20`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from panoptic.compiler.registry import TARGET_WORDS, Lit, Opt, Par, Part, StatementDef
from panoptic.source import Span
from panoptic.syntax import ast

_VALUE_TARGET_WORDS = ("text", "label", "placeholder", "testid", "xpath", "id", "image", "css")


@dataclass(frozen=True)
class TargetSyntax:
    kind: str
    value: ast.Expr | None
    span: Span
    role: str | None = None
    point: tuple[ast.Expr, ast.Expr] | None = None
    exact: bool = False


@dataclass(frozen=True)
class Match:
    entry: StatementDef
    args: dict  # param name -> ast.Expr | ast.Word | TargetSyntax | str (choice)
    variables_used: int  # bare words taken as variables (fewer is a better match)


@dataclass
class Miss:
    """The furthest point any signature reached, for "expected … here" messages."""

    position: int = -1
    expected: set[str] | None = None

    def note(self, position: int, what: str) -> None:
        if position > self.position:
            self.position, self.expected = position, {what}
        elif position == self.position and self.expected is not None:
            self.expected.add(what)


def _value_item(item: ast.Item) -> bool:
    return not isinstance(item, ast.Comma)


def _as_expr(item: ast.Item) -> ast.Expr:
    if isinstance(item, ast.Word):
        return ast.Var((item.text,), item.span)
    return item  # type: ignore[return-value]


def _join(a: Span, b: Span) -> Span:
    return Span(a.file, a.start, b.end, a.line, a.col, b.end_line, b.end_col)


def _targets(items: tuple[ast.Item, ...], i: int) -> Iterator[tuple[int, TargetSyntax, int]]:
    """Possible targets at position i: (items consumed, target, variables used), longest first."""
    if i >= len(items):
        return
    item = items[i]
    if isinstance(item, ast.Word):
        word = item.text
        nxt = items[i + 1] if i + 1 < len(items) else None
        if word == "role" and isinstance(nxt, ast.Word):
            third = items[i + 2] if i + 2 < len(items) else None
            if third is not None and isinstance(third, (ast.Str, ast.Call, ast.Word)):
                used = 1 if isinstance(third, ast.Word) else 0
                yield 3, TargetSyntax("role", _as_expr(third), _join(item.span, third.span), role=nxt.text), used
            yield 2, TargetSyntax("role", None, _join(item.span, nxt.span), role=nxt.text), 0
            return
        if word == "at" and i + 3 < len(items) and isinstance(items[i + 2], ast.Comma):
            x, y = items[i + 1], items[i + 3]
            if _value_item(x) and _value_item(y):
                point = (_as_expr(x), _as_expr(y))
                yield 4, TargetSyntax("point", None, _join(item.span, y.span), point=point), 0
            return
        if word == "focused":
            yield 1, TargetSyntax("focused", None, item.span), 0
            return
        if word in _VALUE_TARGET_WORDS and nxt is not None:
            exact = False
            j = i + 1
            if word == "text" and isinstance(nxt, ast.Word) and nxt.text == "exact" and i + 2 < len(items):
                exact, j = True, i + 2
            value = items[j]
            if isinstance(value, (ast.Str, ast.Call, ast.Word)):
                used = 1 if isinstance(value, ast.Word) else 0
                yield j - i + 1, TargetSyntax(word, _as_expr(value), _join(item.span, value.span), exact=exact), used
            return
        if word in TARGET_WORDS:
            return
        yield 1, TargetSyntax("css", _as_expr(item), item.span), 1
        return
    if isinstance(item, (ast.Str, ast.Call)):
        yield 1, TargetSyntax("css", item, item.span), 0


def _match(
    parts: tuple[Part, ...], items: tuple[ast.Item, ...], p: int, i: int, args: dict, used: int, miss: Miss
) -> Iterator[tuple[int, dict, int]]:
    """Yield (items consumed up to, args, variables used) for every way `parts[p:]` matches from item i."""
    if p == len(parts):
        yield i, args, used
        return
    part = parts[p]
    if isinstance(part, Lit):
        item = items[i] if i < len(items) else None
        if isinstance(item, ast.Word) and item.text == part.word:
            yield from _match(parts, items, p + 1, i + 1, args, used, miss)
        else:
            miss.note(i, f"`{part.word}`")
        return
    if isinstance(part, Opt):
        for end, got, u in _match(part.parts, items, 0, i, args, used, miss):
            yield from _match(parts, items, p + 1, end, got, u, miss)
        yield from _match(parts, items, p + 1, i, args, used, miss)
        return
    assert isinstance(part, Par)
    item = items[i] if i < len(items) else None
    if item is None:
        miss.note(i, f"<{part.name}>")
        return
    if part.type == "target":
        found = False
        for n, target, u in _targets(items, i):
            found = True
            yield from _match(parts, items, p + 1, i + n, {**args, part.name: target}, used + u, miss)
        if not found:
            miss.note(i, "a target")
        return
    if part.type == "choice":
        if isinstance(item, ast.Word) and item.text in part.choices:
            yield from _match(parts, items, p + 1, i + 1, {**args, part.name: item.text}, used, miss)
        else:
            miss.note(i, " or ".join(f"`{c}`" for c in part.choices))
        return
    if part.type == "name":
        if isinstance(item, ast.Word):
            yield from _match(parts, items, p + 1, i + 1, {**args, part.name: item}, used, miss)
        else:
            miss.note(i, f"a variable name for <{part.name}>")
        return
    if not _value_item(item):
        miss.note(i, f"<{part.name}>")
        return
    u = 1 if isinstance(item, ast.Word) else 0
    yield from _match(parts, items, p + 1, i + 1, {**args, part.name: _as_expr(item)}, used + u, miss)


def match_statement(items: tuple[ast.Item, ...], candidates: list[StatementDef], miss: Miss) -> Match | None:
    """The best full match among the candidates, or None (details of the furthest attempt go to `miss`)."""
    best: Match | None = None
    words = {item.text for item in items if isinstance(item, ast.Word)}
    plausible = [e for e in candidates if e._required <= words]  # type: ignore[attr-defined]
    for entry in plausible or candidates:
        for end, args, used in _match(entry.parts, items, 0, 0, {}, 0, miss):
            if end != len(items):
                miss.note(end, "end of statement")
                continue
            if best is None or used < best.variables_used:
                best = Match(entry, args, used)
            break
    return best
