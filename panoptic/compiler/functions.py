"""Built-in functions usable in expressions: `env("NAME", "default")`, `uuid()`, …

One table serves the compiler (names and arity), the docs, the language server
and the interpreter (the implementations are pure Python, no heavy imports).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from panoptic.frozen import frozen


@frozen
class Function:
    name: str
    min_args: int
    max_args: int
    signature: str
    summary: str
    impl: Callable[..., Any]
    returns: str = "string"


def _env(name: str, default: Any = None) -> Any:
    value = os.environ.get(str(name))
    if value is None:
        if default is None:
            from panoptic.contract.errors import ActionFailed

            raise ActionFailed(
                f"environment variable {name} is not set",
                help=f'set {name}, or give a default: env("{name}", "value")',
            )
        return default
    return value


def _uuid() -> str:
    import uuid  # only a run needs it, not `check`

    return str(uuid.uuid4())


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function(
            "env",
            1,
            2,
            'env("NAME", "default")',
            "the value of an environment variable, or the default when it is unset",
            _env,
        ),
        Function("uuid", 0, 0, "uuid()", "a random UUID, e.g. for unique user names", _uuid),
        Function(
            "timestamp", 0, 0, "timestamp()", "the current Unix time in whole seconds", lambda: str(int(time.time()))
        ),
        Function("lower", 1, 1, "lower(text)", "the text in lower case", lambda s: str(s).lower()),
        Function("upper", 1, 1, "upper(text)", "the text in upper case", lambda s: str(s).upper()),
    )
}


# ---- arithmetic in `let` values (`let total = n * 2 + 1`) -------------------------------------------------------


def as_number(value: Any) -> int | float:
    """A number from a number or from text that is one (`"3"`, `" 2.5 "`); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a number")
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip().replace(",", "") if isinstance(value, str) else None
    if text:
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                pass
    shown = repr(value) if isinstance(value, str) else type(value).__name__
    raise ValueError(f"{shown} is not a number")


def _tidy(value: float | int) -> int | float:
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2**53 else value


def _plus(a: Any, b: Any) -> Any:
    try:
        return _tidy(as_number(a) + as_number(b))
    except ValueError:
        if isinstance(a, str) and isinstance(b, str):
            return a + b  # two texts that are not numbers: joined
        raise


def _divide(a: Any, b: Any) -> int | float:
    divisor = as_number(b)
    if divisor == 0:
        raise ValueError("division by zero")
    return _tidy(as_number(a) / divisor)


def _modulo(a: Any, b: Any) -> int | float:
    divisor = as_number(b)
    if divisor == 0:
        raise ValueError("division by zero")
    return _tidy(as_number(a) % divisor)


# Operators are functions whose names no source text can call; the interpreter looks here after FUNCTIONS.
OPERATORS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("+", 2, 2, "a + b", "sum of two numbers (two texts that are not numbers are joined)", _plus, "any"),
        Function("-", 2, 2, "a - b", "difference", lambda a, b: _tidy(as_number(a) - as_number(b)), "number"),
        Function("*", 2, 2, "a * b", "product", lambda a, b: _tidy(as_number(a) * as_number(b)), "number"),
        Function("/", 2, 2, "a / b", "quotient", _divide, "number"),
        Function("%", 2, 2, "a % b", "remainder", _modulo, "number"),
    )
}
