"""Run-time values: scopes, expression evaluation, interpolation and secret tracking.

Every value the interpreter computes goes through an `Evaluator`. A value that
comes from a `secret` binding is *tainted*: whatever is computed from it (a
template that interpolates it, a function call that receives it, a flow
parameter bound to it, a `let` that copies it) is tainted too, and the text
form of every tainted value is added to the evaluator's `secrets` set, which
the interpreter uses to mask everything it writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from panoptic.compiler import ir
from panoptic.compiler.functions import OPERATORS
from panoptic.contract.errors import ActionFailed, StepError


class Duration(float):
    """A duration in seconds that prints the way it is written in `.pan` files (`5s`, `500ms`, `2m`)."""

    def __str__(self) -> str:
        return format_duration(self)

    __repr__ = __str__


def format_duration(seconds: float) -> str:
    """`5s`, `500ms`, `2m`, `1.5s`: the shortest spelling of a duration."""
    value = float(seconds)
    if value >= 60 and value % 60 == 0:
        minutes = int(value // 60)
        return f"{minutes // 60}h" if minutes % 60 == 0 and minutes >= 60 else f"{minutes}m"
    if value.is_integer():
        return f"{int(value)}s"
    millis = value * 1000
    if value < 1 and abs(millis - round(millis)) < 1e-6:
        return f"{round(millis)}ms"
    return f"{value:g}s"


def format_value(value: Any) -> str:
    """The text of a value as it appears when interpolated into a string."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, Duration):
        return format_duration(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        return f"{format_value(value[0])}x{format_value(value[1])}"
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    return str(value)


@dataclass
class Slot:
    """A bound name: its value and whether it derives from a secret."""

    value: Any
    secret: bool = False


class Scope:
    """Names visible at one point; lookups go outwards through the parents."""

    def __init__(self, parent: Scope | None = None) -> None:
        self.parent = parent
        self.names: dict[str, Slot] = {}

    def child(self) -> Scope:
        return Scope(self)

    def define(self, name: str, value: Any, *, secret: bool = False) -> None:
        self.names[name] = Slot(value, secret)

    def lookup(self, name: str) -> Slot | None:
        scope: Scope | None = self
        while scope is not None:
            slot = scope.names.get(name)
            if slot is not None:
                return slot
            scope = scope.parent
        return None


FunctionTable = dict[str, Any]


class Evaluator:
    """Evaluates IR expressions in a scope, tracking which results derive from secrets."""

    def __init__(self, functions: FunctionTable | None = None, on_secret: Callable[[str], None] | None = None) -> None:
        if functions is None:
            from panoptic.compiler.functions import FUNCTIONS

            functions = FUNCTIONS
        self.functions = functions
        self.secrets: set[str] = set()
        self._on_secret = on_secret

    # -- secrets ---------------------------------------------------------

    def register_secret(self, value: Any) -> None:
        """Remember the text of a secret value (and of each item of a secret list or map)."""
        if isinstance(value, (list, tuple)) and not _is_size(value):
            for item in value:
                self.register_secret(item)
            return
        if isinstance(value, dict):
            for item in value.values():
                self.register_secret(item)
            return
        text = format_value(value)
        if text and text not in self.secrets:
            self.secrets.add(text)
            if self._on_secret is not None:
                self._on_secret(text)

    # -- evaluation -------------------------------------------------------

    def value(self, expr: Any, scope: Scope) -> Any:
        """The value of an expression (secret taint is recorded, not returned)."""
        return self.evaluate(expr, scope)[0]

    def evaluate(self, expr: Any, scope: Scope) -> tuple[Any, bool]:
        """`(value, secret)` for an expression; tainted results are registered as secrets."""
        value, secret = self._eval(expr, scope)
        if secret:
            self.register_secret(value)
        return value, secret

    def _eval(self, expr: Any, scope: Scope) -> tuple[Any, bool]:
        if isinstance(expr, ir.Const):
            return _const(expr), False
        if isinstance(expr, ir.VarRef):
            slot = scope.lookup(expr.name)
            if slot is None:
                raise ActionFailed(f"`{expr.name}` has no value here", help="define it with `let` before using it")
            value = slot.value
            for key in getattr(expr, "path", ()) or ():
                value = _field(value, key, expr.name)
            return value, slot.secret
        if isinstance(expr, ir.Template):
            out: list[str] = []
            secret = False
            for part in expr.parts:
                if isinstance(part, str):
                    out.append(part)
                    continue
                value, tainted = self._eval(part, scope)
                secret = secret or tainted
                out.append(format_value(value))
            return "".join(out), secret
        if isinstance(expr, ir.ListExpr):
            items = [self._eval(item, scope) for item in expr.items]
            return [v for v, _ in items], any(s for _, s in items)
        if isinstance(expr, ir.MapExpr):
            entries = [(k, self._eval(v, scope)) for k, v in expr.entries]
            return {k: v for k, (v, _) in entries}, any(s for _, (_, s) in entries)
        if isinstance(expr, ir.CallExpr):
            return self._call(expr, scope)
        if isinstance(expr, (str, int, float, bool)) or expr is None:
            return expr, False
        raise ActionFailed(f"cannot evaluate {type(expr).__name__}")

    def _call(self, expr: ir.CallExpr, scope: Scope) -> tuple[Any, bool]:
        function = self.functions.get(expr.function) or OPERATORS.get(expr.function)
        if function is None:
            raise ActionFailed(f"unknown function `{expr.function}`")
        evaluated = [self._eval(arg, scope) for arg in expr.args]
        secret = any(s for _, s in evaluated)
        try:
            result = function.impl(*[v for v, _ in evaluated])
        except StepError:
            raise
        except Exception as exc:  # a function's own failure, e.g. a bad argument
            if expr.function in OPERATORS:
                left, right = (repr(v) if isinstance(v, str) else format_value(v) for v, _ in evaluated)
                shown = f"{left} {expr.function} {right}"
                raise ActionFailed(
                    f"cannot compute {shown}: {exc}", help="read numbers with `number of <target>` or `count of …`"
                ) from None
            raise ActionFailed(f"{expr.function}() failed: {exc}") from None
        return result, secret


def _field(value: Any, key: str, name: str) -> Any:
    if isinstance(value, dict) and key in value:
        return value[key]
    if isinstance(value, dict):
        known = ", ".join(sorted(value)) or "none"
        raise ActionFailed(f"`{name}` has no field `{key}`", help=f"its fields: {known}")
    raise ActionFailed(f"`{name}` is not a map, so `.{key}` cannot be read")


def _const(expr: ir.Const) -> Any:
    if expr.type == "duration":
        return Duration(expr.value)
    if expr.type == "size" and isinstance(expr.value, list):
        return tuple(expr.value)
    return expr.value


def _is_size(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value)
