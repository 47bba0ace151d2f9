"""Match a statement's items against registered signatures.

Matching is structural: a value parameter takes any one value item (a bare
word counts as a variable); types are checked afterwards so that a number
where a duration is needed is a type error (PAN301), not an unknown
statement. A target takes one to four items (`"#id"`, `text "Hi"`,
`role button "OK"`, `at 10, 20`).
"""

from __future__ import annotations

from panoptic.compiler.registry import TARGET_WORDS, Lit, Opt, Part, StatementDef
from panoptic.frozen import frozen_slots, record
from panoptic.source import Span
from panoptic.syntax import ast

_VALUE_TARGET_WORDS = ("text", "label", "placeholder", "testid", "xpath", "id", "image", "css")


@frozen_slots
class TargetSyntax:
    kind: str
    value: ast.Expr | None
    span: Span
    role: str | None = None
    point: tuple[ast.Expr, ast.Expr] | None = None
    exact: bool = False


@frozen_slots
class Match:
    entry: StatementDef
    args: dict  # param name -> ast.Expr | ast.Word | TargetSyntax | str (choice)
    variables_used: int  # bare words taken as variables (fewer is a better match)


@record
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


# How a target reads, by item positions: (kind, value at, role word at, (x at, y at), exact).
_Reading = tuple[str, int | None, int | None, tuple[int, int] | None, bool]


def _targets(items: tuple[ast.Item, ...], i: int) -> tuple[tuple[int, int, _Reading], ...]:
    """Possible targets at position i: (items consumed, variables used, reading), longest first."""
    if i >= len(items):
        return ()
    item = items[i]
    if type(item) is ast.Word:
        word = item.text
        nxt = items[i + 1] if i + 1 < len(items) else None
        if word == "role" and isinstance(nxt, ast.Word):
            short = (2, 0, ("role", None, i + 1, None, False))
            third = items[i + 2] if i + 2 < len(items) else None
            if third is not None and isinstance(third, (ast.Str, ast.Call, ast.Word)):
                used = 1 if isinstance(third, ast.Word) else 0
                return (3, used, ("role", i + 2, i + 1, None, False)), short
            return (short,)
        if word == "at" and i + 3 < len(items) and isinstance(items[i + 2], ast.Comma):
            if _value_item(items[i + 1]) and _value_item(items[i + 3]):
                return ((4, 0, ("point", None, None, (i + 1, i + 3), False)),)
            return ()
        if word == "focused":
            return ((1, 0, ("focused", None, None, None, False)),)
        if word in _VALUE_TARGET_WORDS and nxt is not None:
            exact = False
            j = i + 1
            if word == "text" and isinstance(nxt, ast.Word) and nxt.text == "exact" and i + 2 < len(items):
                exact, j = True, i + 2
            value = items[j]
            if isinstance(value, (ast.Str, ast.Call, ast.Word)):
                used = 1 if isinstance(value, ast.Word) else 0
                return ((j - i + 1, used, (word, j, None, None, exact)),)
            return ()
        if word in TARGET_WORDS:
            return ()
        return ((1, 1, ("css", i, None, None, False)),)
    if isinstance(item, (ast.Str, ast.Call)):
        return ((1, 0, ("css", i, None, None, False)),)
    return ()


def _target(items: tuple[ast.Item, ...], i: int, n: int, reading: _Reading) -> TargetSyntax:
    """The target that the n items from position i make, read as `reading`."""
    kind, value_at, role_at, point_at, exact = reading
    span = items[i].span if n == 1 else _join(items[i].span, items[i + n - 1].span)
    return TargetSyntax(
        kind,
        _as_expr(items[value_at]) if value_at is not None else None,
        span,
        role=items[role_at].text if role_at is not None else None,  # type: ignore[union-attr]
        point=(_as_expr(items[point_at[0]]), _as_expr(items[point_at[1]])) if point_at is not None else None,
        exact=exact,
    )


# What is left to match after the current parts: (parts, index, the rest after those), or None at the top level.
_Rest = tuple[tuple[Part, ...], int, "_Rest"] | None
# One parameter bound by a match: (name, type, item position, items consumed, target reading).
_Binding = tuple[str, str, int, int, "_Reading | None"]


def _match(
    parts: tuple[Part, ...],
    p: int,
    rest: _Rest,
    items: tuple[ast.Item, ...],
    i: int,
    binds: tuple[_Binding, ...],
    used: int,
    miss: Miss,
) -> tuple[tuple[_Binding, ...], int] | None:
    """The first way (in signature order) `parts[p:]`, then `rest`, match items[i:] to the end: (bindings, variables used).

    A loop with an explicit continuation instead of nested generators: only an optional part or a target
    with several readings recurses, and the last alternative of a choice point continues the loop.
    Parameters are bound by position; `_arguments` builds their values for the winning match only.
    """
    while True:
        if p == len(parts):
            if rest is None:
                if i == len(items):
                    return binds, used
                miss.note(i, "end of statement")
                return None
            parts, p, rest = rest
            continue
        part = parts[p]
        item = items[i] if i < len(items) else None
        kind = type(part)
        if kind is Lit:
            if (type(item) is not ast.Word or item.text != part.word) and not (
                part.word == "," and type(item) is ast.Comma
            ):
                miss.note(i, f"`{part.word}`")
                return None
            p, i = p + 1, i + 1
            continue
        if kind is Opt:
            found = _match(part.parts, 0, (parts, p + 1, rest), items, i, binds, used, miss)
            if found is not None:
                return found
            p += 1
            continue
        if item is None:
            miss.note(i, f"<{part.name}>")
            return None
        typ = part.type
        reading = None
        n = 1
        if typ == "target":
            alternatives = _targets(items, i)
            if not alternatives:
                miss.note(i, "a target")
                return None
            for n, u, reading in alternatives[:-1]:
                bind = (part.name, typ, i, n, reading)
                found = _match(parts, p + 1, rest, items, i + n, (*binds, bind), used + u, miss)
                if found is not None:
                    return found
            n, u, reading = alternatives[-1]
        elif typ == "choice":
            if type(item) is not ast.Word or item.text not in part.choices:
                miss.note(i, " or ".join(f"`{c}`" for c in part.choices))
                return None
            u = 0
        elif typ == "name":
            if type(item) is not ast.Word:
                miss.note(i, f"a variable name for <{part.name}>")
                return None
            u = 0
        elif _value_item(item):
            u = 1 if type(item) is ast.Word else 0
        else:
            miss.note(i, f"<{part.name}>")
            return None
        binds = (*binds, (part.name, typ, i, n, reading))
        p, i, used = p + 1, i + n, used + u


def _arguments(items: tuple[ast.Item, ...], binds: tuple[_Binding, ...]) -> dict:
    """The values of the bound parameters, by name."""
    args: dict = {}
    for name, typ, i, n, reading in binds:
        item = items[i]
        if typ == "target":
            args[name] = _target(items, i, n, reading)  # type: ignore[arg-type]
        elif typ == "choice":
            args[name] = item.text  # type: ignore[union-attr]
        elif typ == "name":
            args[name] = item
        else:
            args[name] = _as_expr(item)
    return args


# Matching depends only on a statement's shape (the words, and the kinds of the other items), so each shape
# is matched once per candidate list: (candidates, index of the winner, bindings, variables used).
_PLANS: dict[tuple, tuple[list[StatementDef], int, tuple[_Binding, ...], int]] = {}
_MAX_PLANS = 4096


def match_statement(items: tuple[ast.Item, ...], candidates: list[StatementDef], miss: Miss) -> Match | None:
    """The best full match among the candidates, or None (then `miss` holds the details of the furthest attempt).

    The best match takes the fewest bare words as variables; among equals the first registered wins.
    """
    shape = tuple([item.text if type(item) is ast.Word else type(item) for item in items])
    # The list's id is safe in the key: the plan holds the list, so the id cannot be reused while it is cached.
    key = (id(candidates), len(candidates), shape)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _plan(items, candidates, miss)
        if plan is None:
            return None
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        _PLANS[key] = plan
    _, index, binds, used = plan
    return Match(candidates[index], _arguments(items, binds), used)


def _plan(
    items: tuple[ast.Item, ...], candidates: list[StatementDef], miss: Miss
) -> tuple[list[StatementDef], int, tuple[_Binding, ...], int] | None:
    """Match the statement against every plausible candidate: the winner's (candidates, index, bindings, used)."""
    best: tuple[list[StatementDef], int, tuple[_Binding, ...], int] | None = None
    plausible = range(len(candidates))
    if len(candidates) > 1:
        words = {item.text if type(item) is ast.Word else "," for item in items if type(item) in (ast.Word, ast.Comma)}
        plausible = [k for k, e in enumerate(candidates) if e.required_words <= words] or plausible  # type: ignore[assignment]
    for k in plausible:
        found = _match(candidates[k].parts, 0, None, items, 0, (), 0, miss)
        if found is not None and (best is None or found[1] < best[3]):
            best = (candidates, k, *found)
            if found[1] == 0:
                break  # nothing can beat it
    return best
