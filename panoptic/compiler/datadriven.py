"""Data-driven scenarios: `scenario "add ${todo}" for each todo in groceries { … }`.

The items are known when the file is checked: a list literal, a file-level
`let` whose value is a literal (or `env()`), or the rows of a file next to the
suite: `csv("users.csv")` (each row a map by the header line) or
`json("cases.json")` (a list). The scenario is lowered once, with the names
bound; then each item becomes its own scenario, titled by interpolating the
title with the item (`${todo}`, `${row.name}`, `${i}`), whose setup first
binds the names (`let todo = "buy milk"`). A title that interpolates nothing
gets ` [1]`, ` [2]`, … so that every scenario has its own title.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeAlias

from panoptic.compiler import ir
from panoptic.compiler.files import resolved
from panoptic.compiler.settings import INVALID, static_value
from panoptic.frozen import FrozenMap
from panoptic.source import Span
from panoptic.syntax import ast

MAX_ROWS = 10_000
Lowerer: TypeAlias = Any  # `panoptic.compiler.lower.Lowerer` (not imported: it imports this module)


class _Unknown(Exception):
    """The items are not known when the file is checked."""


def rows(lowerer: Lowerer, data: ast.ScenarioData, module: Any, names: Any) -> list[Any] | None:
    """The items of a data-driven scenario, or None after a diagnostic."""
    expr = data.items
    base = Path(module.path).resolve().parent
    try:
        value = _static(lowerer, expr, base, module, names)
    except _Unknown as exc:
        lowerer.error(
            "PAN305",
            f"the items of a data-driven scenario must be known when the file is checked: {exc}",
            expr.span,
            help='use a list (`["a", "b"]`), a file-level `let` of one, `csv("file.csv")` or `json("file.json")`',
        )
        return None
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        lowerer.error(
            "PAN301", "`for each` needs a list of items", expr.span, help='e.g. `for each size in ["S", "M"]`'
        )
        return None
    if not value:
        lowerer.error("PAN503", "the list of items is empty: no scenario would run", expr.span)
        return None
    if len(value) > MAX_ROWS:
        lowerer.error("PAN309", f"{len(value)} items: at most {MAX_ROWS} scenarios come from one", expr.span)
        return None
    return value


def _static(lowerer: Lowerer, expr: Any, base: Path, module: Any, names: Any) -> Any:
    if isinstance(expr, ast.Call) and expr.name in ("csv", "json"):
        if len(expr.args) != 1 or not (isinstance(expr.args[0], ast.Str) and expr.args[0].is_plain):
            raise _Unknown(
                f'`{expr.name}()` takes one file name in double quotes, e.g. {expr.name}("data.{expr.name}")'
            )
        return _read_file(lowerer, expr.name, expr.args[0], base)
    if isinstance(expr, ast.Var) and len(expr.path) == 1 and expr.name not in ("true", "false"):
        var = names.globals.get(expr.name)
        if var is None:
            raise _Unknown(f"`{expr.name}` is not a file-level variable")
        var.used = True
        owner = lowerer.modules.get(var.owner, module)
        for decl in owner.module.decls:
            if isinstance(decl, ast.Let) and decl.name == expr.name and decl.name_span == var.span:
                owner_base = Path(owner.path).resolve().parent
                return _static(lowerer, decl.value, owner_base, owner, lowerer.names.get(var.owner, names))
        raise _Unknown(f"`{expr.name}` has no value known before the run")
    if isinstance(expr, ast.ListLit):
        return [_static(lowerer, item, base, module, names) for item in expr.items]
    if isinstance(expr, ast.MapLit):
        return {k: _static(lowerer, v, base, module, names) for k, v in expr.entries}
    value = static_value(expr)
    if value is INVALID:
        raise _Unknown("it is computed when the scenario runs")
    return value


def _read_file(lowerer: Lowerer, kind: str, name: ast.Str, base: Path) -> Any:
    path = resolved(base / name.text)
    exists = path.is_file()
    lowerer.fs_checks.append((str(path), "file", exists))
    if not exists:
        lowerer.error(
            "PAN307",
            f"file `{name.text}` does not exist",
            name.span,
            help=f"looked for {path}; paths are relative to this file",
        )
        return []
    import csv  # here: most checks read no data file
    import json

    try:
        text = path.read_text(encoding="utf-8-sig")
        if kind == "json":
            return json.loads(text)
        return [dict(row) for row in csv.DictReader(text.splitlines())]
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        lowerer.error("PAN309", f"`{name.text}` cannot be read as {kind.upper()}: {exc}", name.span)
        return []


def _expr(value: Any) -> ir.Expr:
    """An IR expression that evaluates to `value`."""
    if isinstance(value, bool):
        return ir.Const(value, "bool")
    if isinstance(value, (int, float)):
        return ir.Const(value, "number")
    if isinstance(value, list):
        return ir.ListExpr(tuple(_expr(v) for v in value))
    if isinstance(value, dict):
        return ir.MapExpr(tuple((str(k), _expr(v)) for k, v in value.items()))
    if value is None:
        return ir.Const("", "string")
    return ir.Const(str(value), "string")


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def title_of(lowerer: Lowerer, title: ast.Str, bound: dict[str, Any], k: int) -> str:
    """The title for one item: `${name}` and `${name.field}` of the bound names filled in."""
    if title.is_plain:
        return f"{title.text} [{k}]"
    out: list[str] = []
    for part in title.parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value = bound.get(part.path[0])
        if part.path[0] not in bound:
            lowerer.error(
                "PAN202",
                f"`{part.path[0]}` in a scenario title is not one of the names of `for each`",
                part.span,
                help="a data-driven title interpolates the item: " + ", ".join(f"`${{{n}}}`" for n in bound),
            )
            return title.text
        for key in part.path[1:]:
            value = value.get(key, "") if isinstance(value, dict) else ""
        out.append(_shown(value))
    return "".join(out)


def bindings(data: ast.ScenarioData, item: Any, k: int) -> dict[str, Any]:
    """The names of `for each [index,] name` for the k-th item (the index counts from 1)."""
    if len(data.names) == 2:
        return {data.names[0].name: k, data.names[1].name: item}
    return {data.names[0].name: item}


def let_steps(data: ast.ScenarioData, bound: dict[str, Any]) -> tuple[ir.Step, ...]:
    """`let` steps that give the scenario's names their values, first in its setup."""
    import json

    span: Span = data.span
    return tuple(
        ir.Step(
            "core.let",
            FrozenMap({"name": name, "value": _expr(value), "secret": False}),
            span,
            f"let {name} = {json.dumps(value, ensure_ascii=False)}",
        )
        for name, value in bound.items()
    )
