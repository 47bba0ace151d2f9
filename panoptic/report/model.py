"""The results model: what happened in one or more runs, built from their events.

`build_model(events)` turns an event stream (one run, or several runs one
after another as in a merged `results.jsonl.gz`) into a `RunResult`; the HTML
and JUnit reporters render only from this model. `merge_models` joins the
models of shards: the union of their scenarios, and when two shards ran the
same scenario the later result is kept and a note says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from panoptic.runtime.codec import (
    artifacts_from_json,
    failure_from_json,
    frames_from_json,
    span_from_compact,
    span_from_json,
    step_line_chain,
)
from panoptic.runtime.events import (
    ERROR,
    FAILED,
    FLAKY,
    PASSED,
    SKIPPED,
    Artifact,
    Event,
    Failure,
    Frame,
    RunFinished,
    RunStarted,
    ScenarioFinished,
    ScenarioStarted,
    StepFinished,
    StepStarted,
)
from panoptic.source import Span

STATUSES = (PASSED, FAILED, ERROR, FLAKY, SKIPPED)
UNFINISHED = "unfinished"
_BAD = (FAILED, ERROR)


class StepResult(NamedTuple):
    """One executed step and the steps it ran inside it (a flow call, a loop, a retry block).

    An immutable named tuple rather than a dataclass: a report holds tens of
    thousands of these and a tuple is several times faster to build.
    """

    path: str
    action: str
    text: str
    span: Span
    phase: str
    status: str  # passed, failed, error, skipped, or "unfinished" when the run stopped during it
    duration: float
    started_at: float
    chain: tuple[Frame, ...] = ()
    failure: Failure | None = None
    artifacts: tuple[Artifact, ...] = ()
    children: tuple[StepResult, ...] = ()
    message: str | None = None  # what the step reported (a `log` line, "passed on attempt 2 of 3")
    values: str | None = None  # the values of its variables and interpolations (`target testid "add-mug"`)
    healed: str | None = None  # a self-healed target: `"#old"` → `testid "new"` (score 0.91)


@dataclass(frozen=True)
class Attempt:
    """One attempt at a scenario (a scenario retried after a failure has several)."""

    number: int
    status: str
    duration: float
    started_at: float
    worker: int
    failure: Failure | None
    artifacts: tuple[Artifact, ...]
    steps: tuple[StepResult, ...]


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's outcome: the last attempt decides, a pass after a failure is flaky."""

    id: str
    title: str
    file: str
    app: str
    platform: str
    tags: tuple[str, ...]
    span: Span
    status: str
    run_id: str
    attempts: tuple[Attempt, ...]

    @property
    def final(self) -> Attempt:
        return self.attempts[-1]

    @property
    def flaky(self) -> bool:
        return self.status == FLAKY

    @property
    def duration(self) -> float:
        """Time spent on every attempt."""
        return sum(a.duration for a in self.attempts)

    @property
    def started_at(self) -> float:
        return self.attempts[0].started_at

    @property
    def finished_at(self) -> float:
        last = self.attempts[-1]
        return last.started_at + last.duration

    @property
    def steps(self) -> tuple[StepResult, ...]:
        return self.final.steps

    @property
    def failure(self) -> Failure | None:
        """Why the scenario failed (for a flaky one: why its failing attempt failed)."""
        for attempt in reversed(self.attempts):
            if attempt.failure is not None:
                return attempt.failure
        return None

    @property
    def failed_step(self) -> StepResult | None:
        """The innermost failed step of the attempt that failed last."""
        for attempt in reversed(self.attempts):
            if attempt.status in _BAD or attempt.failure is not None:
                step = _innermost_failed(attempt.steps)
                if step is not None:
                    return step
        return None

    @property
    def artifacts(self) -> tuple[Artifact, ...]:
        """Artifacts of every attempt and its steps, in the order they were written."""
        out: list[Artifact] = []
        for attempt in self.attempts:
            _collect_artifacts(attempt.steps, out)
            out.extend(attempt.artifacts)
        seen: set[str] = set()
        unique = []
        for art in out:
            if art.path not in seen:
                seen.add(art.path)
                unique.append(art)
        return tuple(unique)


@dataclass(frozen=True)
class RunInfo:
    """One run (a shard, when runs are merged): where, how and how long."""

    run_id: str
    started_at: float
    command: str
    environment: dict[str, str]
    planned: tuple[str, ...]
    finished: bool
    duration: float
    exit_code: int | None
    interrupted: bool


@dataclass(frozen=True)
class RunResult:
    """Everything the reporters render: runs, scenarios in run order, and notes."""

    runs: tuple[RunInfo, ...]
    scenarios: tuple[ScenarioResult, ...]
    notes: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.scenarios)

    @property
    def ok(self) -> bool:
        return not (self.counts.get(FAILED) or self.counts.get(ERROR))

    @property
    def started_at(self) -> float:
        return min((r.started_at for r in self.runs), default=0.0)

    @property
    def duration(self) -> float:
        """Wall-clock span from the first run's start to the last run's end."""
        if not self.runs:
            return 0.0
        end = max(r.started_at + r.duration for r in self.runs)
        return max(0.0, end - self.started_at)

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(sorted({t for s in self.scenarios for t in s.tags}))


def count(scenarios: Iterable[ScenarioResult]) -> dict[str, int]:
    """Scenarios per status, every status present (zero when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for s in scenarios:
        counts[s.status] = counts.get(s.status, 0) + 1
    return counts


# --- building -----------------------------------------------------------------------------------------------
#
# The builder reads records: an event's fields as a dict, either parsed JSON (the fast path of `panoptic report`,
# which never builds event objects for 20,000 steps) or `event.__dict__` (events in memory). Nested values are
# converted by the helpers below, which accept both forms.


# The nested values are decoded by the event codec (`panoptic.runtime.codec`), which takes both forms.
_span = span_from_json
_frames = frames_from_json
_failure = failure_from_json
_artifacts = artifacts_from_json


class _Step:
    """A step being built; fields come from a record (dict) or a compact step line (list)."""

    __slots__ = (
        "action",
        "artifacts",
        "at",
        "chain",
        "children",
        "duration",
        "failure",
        "file",
        "healed",
        "message",
        "path",
        "phase",
        "span",
        "status",
        "text",
        "values",
    )

    def __init__(self, path: str, action: str, text: str, span: Any, phase: str, at: float, chain: Any, file: str):
        self.path = path
        self.action = action
        self.text = text
        self.span = span
        self.phase = phase
        self.at = at
        self.chain = chain
        self.file = file
        self.status = UNFINISHED
        self.duration = 0.0
        self.failure: Any = None
        self.artifacts: Any = ()
        self.message: str | None = None
        self.values: str | None = None
        self.healed: str | None = None
        self.children: list[_Step] = []

    def freeze(self) -> StepResult:
        sp = self.span
        if type(sp) is list:
            span = span_from_compact(sp, self.file)
        else:
            span = _span(sp)
        return StepResult(
            self.path,
            self.action,
            self.text,
            span,
            self.phase,
            self.status,
            self.duration,
            self.at,
            _frames(self.chain) if self.chain else (),
            _failure(self.failure) if self.failure else None,
            _artifacts(self.artifacts) if self.artifacts else (),
            tuple([c.freeze() for c in self.children]) if self.children else (),
            self.message,
            self.values,
            self.healed,
        )


class _Attempt:
    def __init__(self, started: dict[str, Any], run_id: str) -> None:
        self.started = started
        self.run_id = run_id
        self.file = started["span"].file if isinstance(started["span"], Span) else started["span"]["file"]
        self.roots: list[_Step] = []
        self.stack: list[_Step] = []
        self.finished: dict[str, Any] | None = None

    def _open(self, node: _Step) -> None:
        stack = self.stack
        path = node.path
        while stack and not path.startswith(stack[-1].path + "."):
            stack.pop()  # a sibling or an unrelated path: the open step ended without its event
        (stack[-1].children if stack else self.roots).append(node)
        stack.append(node)

    def _close(self, path: str, status: str, duration: float, extra: dict[str, Any] | None) -> None:
        stack = self.stack
        for i in range(len(stack) - 1, -1, -1):
            node = stack[i]
            if node.path == path:
                node.status = status
                node.duration = duration
                if extra:
                    node.failure = extra.get("failure")
                    node.artifacts = extra.get("artifacts")
                    node.message = extra.get("message")
                    node.values = extra.get("values")
                    node.healed = extra.get("healed")
                del stack[i:]
                return

    def step_started(self, r: dict[str, Any]) -> None:
        self._open(_Step(r["path"], r["action"], r["text"], r["span"], r["phase"], r["at"], r["chain"], self.file))

    def step_finished(self, r: dict[str, Any]) -> None:
        self._close(r["path"], r["status"], r["duration"], r)

    def step_line(self, item: list[Any]) -> None:
        """A compact step line of results.jsonl.gz (see panoptic.report.jsonl)."""
        if item[0] == "s":
            chain = step_line_chain(item)
            self._open(_Step(item[2], item[3], item[4], item[5], item[6], item[7], chain, self.file))
        else:
            self._close(item[2], item[3], item[4], item[5] if len(item) > 5 else None)

    def freeze(self, stopped_at: float | None) -> Attempt:
        fin, st = self.finished, self.started
        steps = tuple([s.freeze() for s in self.roots])
        if fin is None:
            end = stopped_at if stopped_at is not None else _last_time(self.roots, st["at"])
            return Attempt(
                number=st["attempt"],
                status=ERROR,
                duration=max(0.0, end - st["at"]),
                started_at=st["at"],
                worker=st["worker"],
                failure=Failure(
                    code="PAN907",
                    message="the run stopped before this scenario finished",
                    span=_span(st["span"]),
                    help="the results up to the stop are kept; run the scenario again",
                ),
                artifacts=(),
                steps=steps,
            )
        return Attempt(
            number=fin["attempt"],
            status=fin["status"],
            duration=fin["duration"],
            started_at=st["at"],
            worker=st["worker"],
            failure=_failure(fin.get("failure")),
            artifacts=_artifacts(fin.get("artifacts")),
            steps=steps,
        )


def _last_time(steps: list[_Step], default: float) -> float:
    last = default
    for s in steps:
        last = max(last, s.at + s.duration, _last_time(s.children, last))
    return last


class _Run:
    def __init__(self, started: dict[str, Any] | None) -> None:
        self.started = started
        self.finished: dict[str, Any] | None = None
        self.first_at: float | None = None
        self.last_at = 0.0

    @property
    def run_id(self) -> str:
        return self.started["run_id"] if self.started else "unknown"

    @property
    def stopped_at(self) -> float | None:
        if self.finished is None:
            return None
        if self.started:
            return self.started["started_at"] + self.finished["duration"]
        return self.finished["finished_at"]

    def info(self) -> RunInfo:
        s, f = self.started, self.finished
        start = s["started_at"] if s else (self.first_at or 0.0)
        duration = f["duration"] if f is not None else max(0.0, self.last_at - start)
        return RunInfo(
            run_id=self.run_id,
            started_at=start,
            command=s.get("command", "") if s else "",
            environment=dict(s.get("environment") or {}) if s else {},
            planned=tuple(s.get("scenarios") or ()) if s else (),
            finished=f is not None,
            duration=duration,
            exit_code=f.get("exit_code") if f else None,
            interrupted=bool(f.get("interrupted", False)) if f else True,
        )


def build_model(events: Iterable[Event]) -> RunResult:
    """The results model of an event stream (one run, or several runs concatenated)."""
    return build_model_from_records(_as_record(e) for e in events)


def _as_record(event: Event) -> dict[str, Any]:
    rec = dict(event.__dict__)
    rec["kind"] = event.kind
    return rec


_SS, _SF, _CS, _CF, _RS, _RF = (
    StepStarted.kind,
    StepFinished.kind,
    ScenarioStarted.kind,
    ScenarioFinished.kind,
    RunStarted.kind,
    RunFinished.kind,
)


def build_model_from_records(records: Iterable[Any]) -> RunResult:
    """The results model of event records: `event.__dict__` with a `kind`, or parsed results.jsonl.gz lines
    (objects shaped like `Event.to_json()` and the compact step lines, see `panoptic.report.jsonl`)."""
    by_number: dict[int, _Attempt] = {}
    runs: list[_Run] = []
    run: _Run | None = None
    attempts: dict[str, list[_Attempt]] = {}
    owner: dict[str, _Run] = {}
    current: dict[str, _Attempt] = {}
    order: list[str] = []
    notes: list[str] = []

    for rec in records:
        if type(rec) is list:
            att = by_number.get(rec[1])
            if att is not None:
                att.step_line(rec)
            continue
        kind = rec["kind"]
        if kind == _SS:
            att = current.get(rec["scenario"])
            if att is not None:
                att.step_started(rec)
        elif kind == _SF:
            att = current.get(rec["scenario"])
            if att is not None:
                att.step_finished(rec)
        elif kind == _CS:
            if run is None:
                run = _Run(None)
                runs.append(run)
            at = rec["at"]
            if run.first_at is None:
                run.first_at = at
            run.last_at = max(run.last_at, at)
            sid = rec["scenario"]
            prev_owner = owner.get(sid)
            if prev_owner is not None and prev_owner is not run:
                notes.append(
                    f"scenario {sid!r} ran in run {prev_owner.run_id} and in run {run.run_id}; "
                    f"the result of run {run.run_id} is kept"
                )
                attempts[sid] = []
                order.remove(sid)
            if not attempts.get(sid):
                attempts[sid] = []
                order.append(sid)
            owner[sid] = run
            att = _Attempt(rec, run.run_id)
            attempts[sid].append(att)
            current[sid] = att
            if "n" in rec:
                by_number[rec["n"]] = att
        elif kind == _CF:
            att = current.get(rec["scenario"])
            if att is not None:
                att.finished = rec
                if run is not None:
                    run.last_at = max(run.last_at, att.started["at"] + rec["duration"])
        elif kind == _RS:
            run = _Run(rec)
            runs.append(run)
        elif kind == _RF:
            if run is None:
                run = _Run(None)
                runs.append(run)
            run.finished = rec

    scenarios = []
    for sid in order:
        atts = attempts[sid]
        run_of = owner[sid]
        stopped_at = run_of.stopped_at
        frozen = tuple([a.freeze(stopped_at) for a in atts])
        last = atts[-1].started
        scenarios.append(
            ScenarioResult(
                id=sid,
                title=last["title"],
                file=last["file"],
                app=last["app"],
                platform=last["platform"],
                tags=tuple(last["tags"]),
                span=_span(last["span"]),
                status=_scenario_status(frozen),
                run_id=run_of.run_id,
                attempts=frozen,
            )
        )
    infos = [r.info() for r in runs]
    for info in infos:
        if not info.finished:
            notes.append(f"run {info.run_id} stopped before it finished; the scenarios finished before are kept")
        elif info.interrupted:
            notes.append(f"run {info.run_id} was interrupted; the scenarios finished before are kept")
        ran = {s.id for s in scenarios if s.run_id == info.run_id}
        missing = [p for p in info.planned if p not in ran]
        if missing:
            notes.append(f"run {info.run_id}: {len(missing)} planned scenario(s) did not run")
    return RunResult(runs=tuple(infos), scenarios=tuple(scenarios), notes=tuple(notes), counts=count(scenarios))


def _scenario_status(attempts: tuple[Attempt, ...]) -> str:
    last = attempts[-1].status
    if last == PASSED and any(a.status in _BAD for a in attempts[:-1]):
        return FLAKY
    return last if last in STATUSES else ERROR


def merge_models(models: Iterable[RunResult]) -> RunResult:
    """Join shards: the union of their scenarios; a scenario in two shards keeps the later result."""
    runs: list[RunInfo] = []
    notes: list[str] = []
    chosen: dict[str, ScenarioResult] = {}
    order: list[str] = []
    for model in models:
        runs.extend(model.runs)
        notes.extend(model.notes)
        for sc in model.scenarios:
            old = chosen.get(sc.id)
            if old is None:
                order.append(sc.id)
                chosen[sc.id] = sc
                continue
            keep, drop = (sc, old) if sc.finished_at >= old.finished_at else (old, sc)
            notes.append(
                f"scenario {sc.id!r} ran in run {old.run_id} and in run {sc.run_id}; "
                f"the later result (run {keep.run_id}, {keep.status}) is kept over {drop.status}"
            )
            chosen[sc.id] = keep
    scenarios = tuple(chosen[sid] for sid in order)
    return RunResult(runs=tuple(runs), scenarios=scenarios, notes=tuple(notes), counts=count(scenarios))


def _innermost_failed(steps: tuple[StepResult, ...]) -> StepResult | None:
    for step in steps:
        if step.status in _BAD or (step.status == UNFINISHED):
            inner = _innermost_failed(step.children)
            return inner if inner is not None else step
    return None


def _collect_artifacts(steps: tuple[StepResult, ...], out: list[Artifact]) -> None:
    for step in steps:
        out.extend(step.artifacts)
        _collect_artifacts(step.children, out)
