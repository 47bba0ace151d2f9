"""Self-healing targets: the seam between the interpreter and the family that heals them.

A family offers a healer by naming its class in `Family.healer` ("module:Class"); the
interpreter finds it through the families (it never imports one) and uses it only for apps
where healing is on (`heal: on`, or `panoptic run --heal` for apps that do not say `heal: off`).

* `remember(...)` is called for each element target of a step, before the step acts (the page may
  leave when it does: a link) and again after it passed when the first call found nothing. It stores
  a fingerprint of the one element the target names (attributes, text, role, position, neighbours);
  it is cheap when the target was remembered already in this run and must never raise.
* `heal(...)` is called when a step failed because its target named nothing (TargetNotFound, or an
  expectation whose target was not found). It returns None when the target does name an element now
  (the failure had another cause), else a `HealResult`: a replacement target whose score reached the
  healer's threshold, or the reason there is none (no fingerprint, best score too low).
* `record(...)` is called when the step, retried once with the replacement, passed: the healing is
  written to `heal.json` in the run's output folder, which `panoptic heal --apply` reads.

A healed step is never silent: its `StepFinished.healed` says what was replaced and the score, and
every report shows it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from panoptic.contract.backend import ResolvedTarget

if TYPE_CHECKING:
    from panoptic.contract.app import AppDef
    from panoptic.contract.family import RunContext
    from panoptic.source import Span

HEAL_SETTING = "heal"  # the app setting: on / off
HEAL_OPTION = "heal"  # the run option (`panoptic run --heal`) in `RunContext.options`
HEAL_FILE = "heal.json"  # the healings of a run, in its output folder


def read_heal_file(path: Path) -> list[dict[str, Any]]:
    """The healings a `heal.json` lists: [] when there is no file; OSError or ValueError when it cannot be read."""
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    found = data.get("healings") if isinstance(data, dict) else None
    return [h for h in found if isinstance(h, dict)] if isinstance(found, list) else []


def write_heal_file(path: Path, healings: list[dict[str, Any]]) -> None:
    """Write `healings` as a `heal.json` (through a temporary file, so a reader never sees half of it)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    text = json.dumps({"version": 1, "healings": healings}, indent=1, ensure_ascii=False, sort_keys=True)
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class HealResult:
    """What a healer found for a target that named nothing."""

    old: str  # the failing target in Panoptic syntax: `"#save"`
    score: float  # the best candidate's score, 0..1 (0 when there was no candidate)
    target: ResolvedTarget | None = None  # the replacement; None when nothing reached the threshold
    new: str = ""  # the replacement in Panoptic syntax: `testid "save"`
    note: str = ""  # why there is no replacement (appended to the step's failure)

    @property
    def healed(self) -> bool:
        return self.target is not None

    def describe(self) -> str:
        """`\\`"#old"\\` → \\`testid "new"\\` (score 0.91)` for messages and reports."""
        return f"`{self.old}` → `{self.new}` (score {self.score:.2f})"


class TargetHealer(Protocol):
    """A healer: one instance per worker process, started with the run (see the module docstring)."""

    def start(self, run: RunContext) -> None: ...

    def remember(
        self, app: AppDef, target: ResolvedTarget, backend: Any, span: Span, mask: Callable[[str], str] | None = None
    ) -> bool:
        """Store the fingerprint of the element `target` names; True when it is stored (now or before).

        `mask` replaces the run's secret values in a text: the stored fingerprint never holds one."""
        ...

    def heal(self, app: AppDef, target: ResolvedTarget, backend: Any, span: Span) -> HealResult | None: ...

    def record(self, app: AppDef, result: HealResult, span: Span, scenario: str) -> None:
        """The retried step passed with `result.target`: keep the healing for the report and `heal --apply`."""
        ...

    def stop(self) -> None:
        """Write what was remembered; must not raise."""
        ...


def heal_enabled(settings: Any, options: Any) -> bool:
    """Whether healing is on for an app: its `heal` setting, else the run's `--heal`."""
    value = settings.get(HEAL_SETTING) if settings is not None else None
    if value is not None:
        return value in ("on", True)
    return bool(options.get(HEAL_OPTION)) if options is not None else False
