"""What the runner and every executor share: run options, ordered event delivery, run state, one scenario's run.

An executor (`Executor`) runs a selection of scenarios and sends their events
through an `OrderedEmitter`, recording results in a `RunState` so that
fail-fast and skipping decisions stay in one place. The built-in executors are
`serial` (this process) and `processes` (`--workers N` local processes); others
(a cluster) register in the `panoptic.executors` entry point group as a class
taking no arguments.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from panoptic.compiler.ir import Program
from panoptic.contract.errors import StepError
from panoptic.contract.family import POLL_INTERVAL, RunContext
from panoptic.runtime.events import (
    ERROR,
    FAILED,
    FLAKY,
    PASSED,
    SKIPPED,
    Event,
    Failure,
    Listener,
    ScenarioFinished,
    ScenarioStarted,
)
from panoptic.runtime.interpreter import AttemptOutcome, AttemptRunner, AttemptSettings, Emit
from panoptic.runtime.platforms import BackendPool

STATUSES = (PASSED, FAILED, ERROR, FLAKY, SKIPPED)
STOP_GRACE = 10.0  # seconds an executor waits for running scenarios to wind down after Ctrl-C


@dataclass(frozen=True)
class RunOptions:
    """Everything about a run except the program and the selection."""

    output_dir: Path
    run_id: str
    retries: int = 0
    fail_fast: bool = False
    timeout: float | None = None
    headed: bool = False
    workers: int = 1
    command: str = "panoptic run"
    backend_overrides: tuple[tuple[str, str], ...] = ()  # (platform, "module:Class"), e.g. for tests
    poll_interval: float = POLL_INTERVAL
    family_options: tuple[tuple[str, object], ...] = ()  # run options for statement families (`heal`, …)
    executor: str | None = None  # serial, processes, or a plugin executor's name; None: chosen from `workers`
    cluster: str | None = None  # `--cluster ADDRESS`: the `cluster` executor's scheduler (tcp://…, local:N)

    def attempt_settings(self) -> AttemptSettings:
        return AttemptSettings(
            output_dir=Path(self.output_dir),
            timeout=self.timeout,
            headed=self.headed,
            poll_interval=self.poll_interval,
        )

    def run_context(self) -> RunContext:
        """What family runtimes learn about the run."""
        return RunContext(output_dir=Path(self.output_dir), project_dir=Path.cwd(), options=dict(self.family_options))

    def pool(self, program: Program) -> BackendPool:
        return BackendPool(program, headed=self.headed, overrides=dict(self.backend_overrides), run=self.run_context())


def run_scenario(
    program: Program,
    index: int,
    *,
    settings: AttemptSettings,
    pool: BackendPool,
    emit: Emit,
    retries: int = 0,
    worker: int = 0,
    should_stop: Callable[[], bool] | None = None,
) -> AttemptOutcome:
    """Run a scenario, retrying a failed attempt up to `retries` times (never after an infrastructure error)."""
    outcome: AttemptOutcome | None = None
    for attempt in range(1, retries + 2):
        runner = AttemptRunner(
            program,
            index,
            pool=pool,
            emit=emit,
            settings=settings,
            attempt=attempt,
            worker=worker,
            should_stop=should_stop,
        )
        outcome = runner.run()
        if outcome.status in (PASSED, FLAKY) or outcome.infrastructure:
            break
    assert outcome is not None
    return outcome


class OrderedEmitter:
    """Forwards events to listeners scenario by scenario, in the planned order.

    Events of the scenario at the head of the plan stream through at once;
    those of later scenarios wait until every earlier scenario is done.
    Listener errors are collected (the listener is dropped) instead of
    stopping the run.
    """

    def __init__(self, order: Sequence[str], listeners: Iterable[Listener], live: Iterable[Listener] = ()) -> None:
        self.order = list(order)
        self.listeners = list(listeners)
        self.live = list(live)
        self.head = 0
        self.buffers: dict[str, list[Event]] = {sid: [] for sid in self.order}
        self.done_ids: set[str] = set()
        self.statuses: dict[str, str] = {}
        self.started: dict[str, int] = {}  # scenario id -> latest attempt started
        self.errors: list[tuple[Listener, BaseException]] = []

    def __call__(self, event: Event) -> None:
        for listener in list(self.live):
            self._call(self.live, listener, event)
        sid = getattr(event, "scenario", None)
        if isinstance(event, ScenarioStarted):
            self.started[event.scenario] = event.attempt
        if isinstance(event, ScenarioFinished):
            self.statuses[event.scenario] = event.status
        if sid is None or sid not in self.buffers or (self.head < len(self.order) and self.order[self.head] == sid):
            self._send(event)
        else:
            self.buffers[sid].append(event)

    def done(self, sid: str) -> None:
        """A scenario has its final result: release it and every finished one after it."""
        self.done_ids.add(sid)
        while self.head < len(self.order) and self.order[self.head] in self.done_ids:
            self.head += 1
            if self.head < len(self.order):
                self._release(self.order[self.head])

    def flush(self) -> None:
        """Send everything still waiting (at the end, or when the run is interrupted), in planned order."""
        for sid in self.order[self.head :]:
            self._release(sid)
        self.head = len(self.order)

    def _release(self, sid: str) -> None:
        pending, self.buffers[sid] = self.buffers[sid], []
        for event in pending:
            self._send(event)

    def _send(self, event: Event) -> None:
        for listener in list(self.listeners):
            self._call(self.listeners, listener, event)

    def _call(self, group: list[Listener], listener: Listener, event: Event) -> None:
        try:
            listener(event)
        except KeyboardInterrupt:
            raise
        except Exception as exc:
            group.remove(listener)
            self.errors.append((listener, exc))


class RunState:
    """Decisions that depend on results so far: fail-fast and apps whose platform is unusable."""

    def __init__(self, program: Program, fail_fast: bool) -> None:
        self.program = program
        self.fail_fast = fail_fast
        self.stop_reason: Failure | None = None
        self.broken: dict[str, Failure] = {}
        self.infrastructure = False

    def skip_reason(self, index: int) -> Failure | None:
        scenario = self.program.scenarios[index]
        if self.stop_reason is not None:
            return self.stop_reason
        return self.broken.get(scenario.app)

    def record(self, index: int, status: str, failure: Failure | None, infrastructure: bool) -> None:
        scenario = self.program.scenarios[index]
        if infrastructure:
            self.infrastructure = True
            if failure is not None and scenario.app not in self.broken:
                app = self.program.app(scenario.app)
                self.broken[scenario.app] = Failure(
                    failure.code, f"skipped: {failure.message}", app.span, help=failure.help
                )
        if self.fail_fast and status in (FAILED, ERROR) and self.stop_reason is None:
            self.stop_reason = Failure(
                "PAN907",
                f"skipped: --fail-fast stopped the run after {scenario.title!r} {status}",
                None,
                help="run without --fail-fast to run every scenario",
            )


def emit_skipped(program: Program, index: int, reason: Failure | None, emit: Emit) -> None:
    """The events of a scenario that is not run: started, then finished as skipped with the reason."""
    emit(scenario_header(program, index))
    sc = program.scenarios[index]
    emit(ScenarioFinished(scenario=sc.id, status=SKIPPED, duration=0.0, attempt=1, failure=reason))


def scenario_header(program: Program, index: int, worker: int = 0) -> ScenarioStarted:
    """A ScenarioStarted for a scenario the parent reports on its own (skipped, or lost with its worker)."""
    sc = program.scenarios[index]
    app = program.app(sc.app)
    return ScenarioStarted(
        scenario=sc.id,
        title=sc.title,
        file=sc.file,
        app=sc.app,
        platform=app.platform,
        tags=tuple(sc.tags),
        attempt=1,
        worker=worker,
        span=sc.span,
        at=time.time(),
    )


class Executor(Protocol):
    """Runs the selected scenarios (program indices, in planned order).

    For each scenario it either emits `emit_skipped` (when `state.skip_reason` says so) or runs it with
    `run_scenario` somewhere and forwards every event to `emitter`, then calls `state.record(...)` and
    `emitter.done(scenario_id)`. Ctrl-C arrives as KeyboardInterrupt, which it re-raises once its
    sessions are closed.
    """

    def run(
        self, program: Program, selected: Sequence[int], options: RunOptions, emitter: OrderedEmitter, state: RunState
    ) -> None: ...


class SerialExecutor:
    """Every scenario in this process, one after the other.

    With a `pool`, the run uses that pool's live backends (`BackendPool.reuse`) and leaves them running for the
    next run: the pool's owner closes it (the pytest plugin, whose items are runs of one scenario each).
    """

    def __init__(self, pool: BackendPool | None = None) -> None:
        self.kept = pool

    def run(
        self, program: Program, selected: Sequence[int], options: RunOptions, emitter: OrderedEmitter, state: RunState
    ) -> None:
        if self.kept is not None:
            pool = self.kept
            pool.reuse(program, options.run_context())
        else:
            pool = options.pool(program)
        settings = options.attempt_settings()
        try:
            for index in selected:
                sid = program.scenarios[index].id
                reason = state.skip_reason(index)
                if reason is not None:
                    emit_skipped(program, index, reason, emitter)
                else:
                    outcome = run_scenario(
                        program, index, settings=settings, pool=pool, emit=emitter, retries=options.retries
                    )
                    state.record(index, outcome.status, outcome.failure, outcome.infrastructure)
                emitter.done(sid)
        finally:
            try:
                if self.kept is None:
                    pool.close()
                else:
                    pool.families.close()  # the run's family runtimes end with it; the backends stay
            except Exception:
                pass


class UnavailableExecutor:
    """Stands in for an executor that cannot run (no cluster, a broken plugin): every scenario not yet
    reported is skipped with the reason, and the run ends as an infrastructure error (exit code 3)."""

    def __init__(self, error: StepError) -> None:
        self.error = error

    def run(
        self, program: Program, selected: Sequence[int], options: RunOptions, emitter: OrderedEmitter, state: RunState
    ) -> None:
        reason = Failure(self.error.code, f"skipped: {self.error.message}", None, help=self.error.help)
        state.infrastructure = True
        for index in selected:
            sid = program.scenarios[index].id
            if sid not in emitter.done_ids:
                emit_skipped(program, index, reason, emitter)
                emitter.done(sid)
