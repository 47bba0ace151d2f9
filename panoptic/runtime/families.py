"""Statement families beyond the platform actions (ai, cloud, enterprise, plugins).

A step whose action is `<family>.<name>` with a family the interpreter does
not handle itself (`ui`, `expect`, `control`, `core`) goes to a handler:

    handler(action: str, args: dict, context: StepContext) -> Artifact | str | None

Handlers are found, in order, in the `panoptic.families` entry point group
(name = family) and as `run_step` in the module `panoptic.families.<family>`.
A returned Artifact is attached to the step; a returned string becomes the
step's message. Failures are raised as StepError subclasses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from panoptic.backends.base import ScenarioContext
from panoptic.compiler.ir import AppDef
from panoptic.source import Span

Handler = Callable[[str, dict[str, Any], "StepContext"], Any]


@dataclass(frozen=True)
class StepContext:
    """What a family handler gets besides its arguments."""

    scenario: ScenarioContext  # artifacts folder (`scenario.artifact(...)`), secrets, default timeout
    backend: Any  # the app's live backend (screenshots, queries)
    app: AppDef
    timeout: float  # `within` if the statement gave one, else the default timeout
    span: Span
    mask: Callable[[str], str]  # replaces secret values in a string


@cache
def find_handler(family: str) -> Handler | None:
    """The handler of a statement family, or None when nothing provides it."""
    try:
        from importlib.metadata import entry_points

        for ep in entry_points(group="panoptic.families"):
            if ep.name == family:
                return ep.load()
    except Exception:
        pass
    try:
        module = importlib.import_module(f"panoptic.families.{family}")
    except ImportError:
        return None
    handler = getattr(module, "run_step", None)
    return handler if callable(handler) else None
