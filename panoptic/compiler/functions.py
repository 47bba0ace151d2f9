"""Built-in functions usable in expressions: `env("NAME", "default")`, `uuid()`, …

One table serves the compiler (names and arity), the docs, the language server
and the interpreter (the implementations are pure Python, no heavy imports).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
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
