"""Events emitted by the interpreter; reporters are listeners of these.

Each event is a frozen dataclass with a `kind` and serialises to one JSON
object (one line of `results.jsonl.gz`). `panoptic.runtime.codec` holds the wire
format: it writes the lines and reads them back (`event_from_json`), so
`panoptic report` and `panoptic merge` can work without re-running anything.

Statuses: a step is passed, failed, error or skipped; a scenario is passed,
failed, error, flaky (failed, then passed on a retry) or skipped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol

from panoptic.contract.artifacts import Artifact
from panoptic.source import Span

PASSED, FAILED, ERROR, FLAKY, SKIPPED = "passed", "failed", "error", "flaky", "skipped"


@dataclass(frozen=True)
class Frame:
    """One flow call on the way to a step: the flow name and the call's span."""

    flow: str
    span: Span


@dataclass(frozen=True)
class Failure:
    """Why a step failed: a registered PAN9xx code, a message and the source location."""

    code: str
    message: str
    span: Span | None
    help: str | None = None
    expected: str | None = None
    actual: str | None = None
    candidates: tuple[str, ...] = ()
    chain: tuple[Frame, ...] = ()


@dataclass(frozen=True)
class Event:
    kind: ClassVar[str] = "event"

    def to_json(self) -> dict[str, Any]:
        data = {"kind": self.kind}
        data.update(_encode(asdict(self)))
        return data


@dataclass(frozen=True)
class RunStarted(Event):
    kind: ClassVar[str] = "run_started"
    run_id: str
    started_at: float
    command: str
    environment: dict[str, str] = field(default_factory=dict)
    scenarios: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScenarioStarted(Event):
    kind: ClassVar[str] = "scenario_started"
    scenario: str  # Scenario.id
    title: str
    file: str
    app: str
    platform: str
    tags: tuple[str, ...]
    attempt: int
    worker: int
    span: Span
    at: float


@dataclass(frozen=True)
class StepStarted(Event):
    kind: ClassVar[str] = "step_started"
    scenario: str
    path: str  # dotted index of the step in the scenario's tree, e.g. "3.1.0"
    action: str
    text: str
    span: Span
    chain: tuple[Frame, ...]
    phase: str  # setup, body, teardown
    at: float


@dataclass(frozen=True)
class StepFinished(Event):
    kind: ClassVar[str] = "step_finished"
    scenario: str
    path: str
    status: str
    duration: float
    failure: Failure | None = None
    artifacts: tuple[Artifact, ...] = ()
    message: str | None = None  # what the step reports: a `log` line, "passed on attempt 2 of 3" (secrets masked)
    values: str | None = None  # the values its variables and interpolations had: `target testid "add-mug"` (masked)
    healed: str | None = None  # a self-healed target: `"#old"` → `testid "new"` (score 0.91)


@dataclass(frozen=True)
class ScenarioFinished(Event):
    kind: ClassVar[str] = "scenario_finished"
    scenario: str
    status: str
    duration: float
    attempt: int
    failure: Failure | None = None
    artifacts: tuple[Artifact, ...] = ()


@dataclass(frozen=True)
class RunFinished(Event):
    kind: ClassVar[str] = "run_finished"
    finished_at: float
    duration: float
    counts: dict[str, int]
    exit_code: int
    interrupted: bool = False


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls for cls in (RunStarted, ScenarioStarted, StepStarted, StepFinished, ScenarioFinished, RunFinished)
}


class Listener(Protocol):
    """Anything that wants events: console, JSONL writer, live HTML, tests."""

    def __call__(self, event: Event) -> None: ...


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value
