"""Panoptic: a statically checked language for UI test automation.

The Python API (`panoptic.api`) is re-exported here lazily, so `import panoptic`
stays instant and loads neither the compiler nor the runtime:

    import panoptic
    panoptic.check(["suite/"]).ok
    results = panoptic.run(["suite/"], panoptic.Options(tags=["smoke"]))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from panoptic.api import CheckResult, Options, PanopticError, Results, check, compile, events, run

__all__ = ["CheckResult", "Options", "PanopticError", "Results", "__version__", "check", "compile", "events", "run"]

_API = frozenset(("CheckResult", "Options", "PanopticError", "Results", "check", "compile", "events", "run"))


def __getattr__(name: str) -> Any:
    """Load the API on first use of one of its names."""
    if name in _API:
        import importlib

        value = getattr(importlib.import_module("panoptic.api"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'panoptic' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
