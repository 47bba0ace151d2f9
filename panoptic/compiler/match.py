"""Match a statement's items against registered signatures.

Matching is structural: a value parameter takes any one value item (a bare
word counts as a variable); types are checked afterwards so that a number
where a duration is needed is a type error (PAN301), not an unknown
statement. A target takes one to four items (`"#id"`, `text "Hi"`,
`role button "OK"`, `at 10, 20`).
"""

from __future__ import annotations

from dataclasses import dataclass

from panoptic.compiler.registry import TARGET_WORDS, Lit, Opt, Part, StatementDef
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


def _targets(items: tuple[ast.Item, ...], i: int) -> tuple[tuple[int, TargetSyntax, int], ...]:
    """Possible targets at position i: (items consumed, target, variables used), longest first."""
    if i >= len(items):
        return ()
    item = items[i]
    if type(item) is ast.Word:
        word = item.text
        nxt = items[i + 1] if i + 1 < len(items) else None
        if word == "role" and isinstance(nxt, ast.Word):
            short = (2, TargetSyntax("role", None, _join(item.span, nxt.span), role=nxt.text), 0)
            third = items[i + 2] if i + 2 < len(items) else None
            if third is not None and isinstance(third, (ast.Str, ast.Call, ast.Word)):
                used = 1 if isinstance(third, ast.Word) else 0
                full = TargetSyntax("role", _as_expr(third), _join(item.span, third.span), role=nxt.text)
                return (3, full, used), short
            return (short,)
        if word == "at" and i + 3 < len(items) and isinstance(items[i + 2], ast.Comma):
            x, y = items[i + 1], items[i + 3]
            if _value_item(x) and _value_item(y):
                point = (_as_expr(x), _as_expr(y))
                return ((4, TargetSyntax("point", None, _join(item.span, y.span), point=point), 0),)
            return ()
        if word == "focused":
            return ((1, TargetSyntax("focused", None, item.span), 0),)
        if word in _VALUE_TARGET_WORDS and nxt is not None:
            exact = False
            j = i + 1
            if word == "text" and isinstance(nxt, ast.Word) and nxt.text == "exact" and i + 2 < len(items):
                exact, j = True, i + 2
            value = items[j]
            if isinstance(value, (ast.Str, ast.Call, ast.Word)):
                used = 1 if isinstance(value, ast.Word) else 0
                target = TargetSyntax(word, _as_expr(value), _join(item.span, value.span), exact=exact)
                return ((j - i + 1, target, used),)
            return ()
        if word in TARGET_WORDS:
            return ()
        return ((1, TargetSyntax("css", _as_expr(item), item.span), 1),)
    if isinstance(item, (ast.Str, ast.Call)):
        return ((1, TargetSyntax("css", item, item.span), 0),)
    return ()


# What is left to match after the current parts: (parts, index, the rest after those), or None at the top level.
_Rest = tuple[tuple[Part, ...], int, "_Rest"] | None


def _match(
    parts: tuple[Part, ...],
    p: int,
    rest: _Rest,
    items: tuple[ast.Item, ...],
    i: int,
    args: dict,
    used: int,
    miss: Miss,
) -> tuple[dict, int] | None:
    """The first way (in signature order) `parts[p:]`, then `rest`, match items[i:] to the end: (args, variables used).

    A loop with an explicit continuation instead of nested generators: only an optional part or a target
    with several readings recurses, and the last alternative of a choice point continues the loop.
    """
    while True:
        if p == len(parts):
            if rest is None:
                if i == len(items):
                    return args, used
                miss.note(i, "end of statement")
                return None
            parts, p, rest = rest
            continue
        part = parts[p]
        item = items[i] if i < len(items) else None
        kind = type(part)
        if kind is Lit:
            if type(item) is not ast.Word or item.text != part.word:
                miss.note(i, f"`{part.word}`")
                return None
            p, i = p + 1, i + 1
            continue
        if kind is Opt:
            found = _match(part.parts, 0, (parts, p + 1, rest), items, i, args, used, miss)
            if found is not None:
                return found
            p += 1
            continue
        if item is None:
            miss.note(i, f"<{part.name}>")
            return None
        typ = part.type
        if typ == "target":
            alternatives = _targets(items, i)
            if not alternatives:
                miss.note(i, "a target")
                return None
            for n, target, u in alternatives[:-1]:
                found = _match(parts, p + 1, rest, items, i + n, {**args, part.name: target}, used + u, miss)
                if found is not None:
                    return found
            n, value, u = alternatives[-1]
        elif typ == "choice":
            if type(item) is not ast.Word or item.text not in part.choices:
                miss.note(i, " or ".join(f"`{c}`" for c in part.choices))
                return None
            n, value, u = 1, item.text, 0
        elif typ == "name":
            if type(item) is not ast.Word:
                miss.note(i, f"a variable name for <{part.name}>")
                return None
            n, value, u = 1, item, 0
        elif _value_item(item):
            n, value, u = 1, _as_expr(item), 1 if type(item) is ast.Word else 0
        else:
            miss.note(i, f"<{part.name}>")
            return None
        args = {**args, part.name: value}
        p, i, used = p + 1, i + n, used + u


def match_statement(items: tuple[ast.Item, ...], candidates: list[StatementDef], miss: Miss) -> Match | None:
    """The best full match among the candidates, or None (details of the furthest attempt go to `miss`).

    The best match takes the fewest bare words as variables; among equals the first registered wins.
    """
    best: Match | None = None
    if len(candidates) > 1:
        words = {item.text for item in items if type(item) is ast.Word}
        candidates = [e for e in candidates if e.required_words <= words] or candidates
    for entry in candidates:
        found = _match(entry.parts, 0, None, items, 0, {}, 0, miss)
        if found is not None and (best is None or found[1] < best.variables_used):
            best = Match(entry, *found)
            if best.variables_used == 0:
                break  # nothing can beat it
    return best
