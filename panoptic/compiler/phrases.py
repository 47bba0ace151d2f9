"""`let NAME = <phrase>`: values read from the page and arithmetic.

A phrase is what follows `=` when it is more than one value: either a value
form registered by a family (`text of "#count"`, `count of "li"`,
`attribute "href" of "#all"`), lowered to a step of that family that puts its
result into the variable, or arithmetic on values (`n + 1`,
`route.shown * 2 - 1`), lowered to an expression of operator calls
(`*`, `/`, `%` before `+`, `-`; left to right). Operators need spaces around
them: a name may contain `-`, so `n-1` is one name.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from panoptic.compiler import ir
from panoptic.compiler.functions import OPERATORS
from panoptic.compiler.registry import REGISTRY
from panoptic.frozen import FrozenMap
from panoptic.source import Span
from panoptic.syntax import ast

# The lowerer, its context and scope are `panoptic.compiler.lower`'s (not imported: lower imports this module).
Lowerer: TypeAlias = Any
Scope: TypeAlias = Any
_Context: TypeAlias = Any
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "%": 2}
_NOT_NUMBERS = {"list": "a list", "map": "a map", "bool": "true/false", "size": "a size", "duration": "a duration"}


def is_arithmetic(phrase: ast.Phrase) -> bool:
    """Whether the phrase is arithmetic: its second item is an operator (or a negative number: `n -1`), or it
    starts with a value rather than a word (`2 3` is arithmetic missing its operator)."""
    first, second = phrase.items[0], phrase.items[1]
    return (
        type(first) is not ast.Word
        or (type(second) is ast.Word and second.text in OPERATORS)
        or (type(second) is ast.Num and second.raw.startswith("-"))
    )


def lower_arithmetic(lowerer: Lowerer, phrase: ast.Phrase, ctx: _Context, scope: Scope) -> tuple[ir.Expr, str]:
    """The expression of `a + b * c …` and its type; diagnostics for misplaced operators and non-numbers."""
    operands: list[tuple[ir.Expr, str, Span]] = []
    operators: list[str] = []
    expect_operand = True
    for item in phrase.items:
        if type(item) is ast.Word and item.text in OPERATORS:
            if expect_operand:
                lowerer.error(
                    "PAN308",
                    f"`{item.text}` needs a value before it",
                    item.span,
                    help="write arithmetic as `a + b`, with a value on each side of the operator",
                )
                return ir.Const(0, "number"), "number"
            operators.append(item.text)
            expect_operand = True
            continue
        if not expect_operand:
            if type(item) is ast.Num and item.raw.startswith("-"):  # `n -1`: the lexer read a negative number
                operators.append("-")
                item = ast.Num(-item.value, item.raw[1:], item.span)
            else:
                lowerer.error(
                    "PAN308",
                    "expected an operator (`+`, `-`, `*`, `/`, `%`) here",
                    item.span,
                    help="put an operator between two values; words that read the page start the value: "
                    '`let n = text of "#x"`',
                )
                return ir.Const(0, "number"), "number"
        value_item: Any = ast.Var((item.text,), item.span) if type(item) is ast.Word else item
        value, typ = lowerer.expr(value_item, ctx, scope)
        operands.append((value, typ, item.span))
        expect_operand = False
    if expect_operand:
        lowerer.error(
            "PAN308", f"`{operators[-1]}` needs a value after it", phrase.items[-1].span, help="finish the arithmetic"
        )
        return ir.Const(0, "number"), "number"
    for k, (_value, typ, span) in enumerate(operands):
        beside = operators[max(0, k - 1) : k + 1]  # the operators on either side of this operand
        if typ in _NOT_NUMBERS or (typ == "string" and any(op != "+" for op in beside)):
            lowerer.error(
                "PAN301",
                f"arithmetic needs numbers, found {_NOT_NUMBERS.get(typ, 'text')}",
                span,
                help="read numbers from the page with `number of <target>` or `count of <target>`",
            )
    # Precedence climbing over the flat list: `*`, `/`, `%` bind tighter than `+`, `-`.
    values: list[tuple[ir.Expr, str]] = [(operands[0][0], operands[0][1])]
    pending: list[str] = []

    def reduce() -> None:
        op = pending.pop()
        (right, rt), (left, lt) = values.pop(), values.pop()
        typ = "number" if op != "+" or (lt == rt == "number") else "string" if lt == rt == "string" else "any"
        values.append((ir.CallExpr(op, (left, right), None), typ))

    for op, (value, typ, _span) in zip(operators, operands[1:], strict=True):
        while pending and _PRECEDENCE[pending[-1]] >= _PRECEDENCE[op]:
            reduce()
        pending.append(op)
        values.append((value, typ))
    while pending:
        reduce()
    return values[0]


def lower_read(
    lowerer: Lowerer, let: ast.Let, phrase: ast.Phrase, ctx: _Context, scope: Scope
) -> tuple[ir.Step | None, str]:
    """The step that reads a value form into the variable (`let n = text of "#x"`), and the value's type."""
    first = phrase.items[0]
    word = first.text if type(first) is ast.Word else None
    candidates = REGISTRY.value_candidates(word) if word else []
    if not candidates:
        from difflib import get_close_matches

        heads = REGISTRY.value_heads()
        words = [i.text for i in phrase.items[:3] if type(i) is ast.Word]
        close = get_close_matches(" ".join(words[:2]), heads, n=1, cutoff=0.6) or get_close_matches(
            word or "", heads, n=1, cutoff=0.6
        )
        lowerer.error(
            "PAN201",
            f"`{lowerer._text(ctx, phrase.span)[:40]}` is not a value",
            phrase.span,
            help=(f"did you mean `{close[0]} …`? " if close else "")
            + "values read from the page: "
            + ", ".join(f"`{h} …`" for h in heads)
            + "; arithmetic: `a + b`",
        )
        return None, "any"
    statement = ast.Statement(phrase.items, None, None, phrase.span)
    step = lowerer.statement(statement, ctx, scope, values=True)
    if not isinstance(step, ir.Step):
        return None, "any"
    entry = next((e for e in candidates if all(step.args.get(k) == v for k, v in e.fixed)), None)
    args = FrozenMap({**step.args, "into": let.name, "into_secret": let.secret})
    step = ir.Step(step.action, args, let.span, lowerer._text(ctx, let.span))
    return step, (entry.produces if entry is not None else "") or "any"
