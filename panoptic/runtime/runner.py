"""Running a selection of scenarios: retries, fail-fast, skipping, ordering, exit codes.

`execute()` runs the chosen scenarios of a program — in this process, or in
`--workers N` worker processes — and sends every event to the listeners. The
listeners see the events of each scenario together and the scenarios in
program order whatever order they finished in (`OrderedEmitter`), so every
report is deterministic; `live` listeners (the console's progress line) get
events as they happen.

Exit codes:
    0    every scenario passed (a flaky one — failed, then passed on a retry — counts as passed)
    1    a scenario failed or errored
    2    usage or compile error (raised by the command, not here)
    3    infrastructure error: a backend could not start (no browser, no display, no Appium server)
    130  interrupted (Ctrl-C or SIGTERM): what finished is reported
"""

from __future__ import annotations

import platform as _platform
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from panoptic.compiler.ir import Program
from panoptic.runtime.events import (
    ERROR,
    FAILED,
    FLAKY,
    PASSED,
    SKIPPED,
    Event,
    Failure,
    Listener,
    RunFinished,
    RunStarted,
    ScenarioFinished,
    ScenarioStarted,
)
from panoptic.runtime.expectations import POLL_INTERVAL
from panoptic.runtime.interpreter import AttemptOutcome, AttemptRunner, AttemptSettings, Emit
from panoptic.runtime.platforms import BackendPool

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INFRASTRUCTURE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
STATUSES = (PASSED, FAILED, ERROR, FLAKY, SKIPPED)


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

    def attempt_settings(self) -> AttemptSettings:
        return AttemptSettings(
            output_dir=Path(self.output_dir),
            timeout=self.timeout,
            headed=self.headed,
            poll_interval=self.poll_interval,
        )

    def pool(self, program: Program) -> BackendPool:
        return BackendPool(program, headed=self.headed, overrides=dict(self.backend_overrides))


@dataclass(frozen=True)
class RunOutcome:
    exit_code: int
    counts: dict[str, int]
    interrupted: bool
    statuses: dict[str, str] = field(default_factory=dict)  # scenario id -> final status
    duration: float = 0.0
    listener_errors: tuple[str, ...] = ()  # listeners that failed and were dropped (e.g. a full disk)


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


def exit_code_for(statuses: Iterable[str], *, infrastructure: bool, interrupted: bool) -> int:
    if interrupted:
        return EXIT_INTERRUPTED
    if infrastructure:
        return EXIT_INFRASTRUCTURE
    if any(s in (FAILED, ERROR) for s in statuses):
        return EXIT_FAILED
    return EXIT_PASSED


def environment(options: RunOptions, program: Program | None = None) -> dict[str, str]:
    """What the report shows about the run: versions, options, and each platform's components."""
    from panoptic import __version__

    found = {
        "panoptic": __version__,
        "python": _platform.python_version(),
        "os": f"{_platform.system()} {_platform.release()}",
        "workers": str(options.workers),
        "retries": str(options.retries),
    }
    if program is not None:
        from panoptic.backends import platforms

        specs = platforms()
        by_platform: dict[str, list[dict]] = {}
        for app in program.apps:
            by_platform.setdefault(app.platform, []).append(app.settings)
        for name, settings_list in by_platform.items():
            spec = specs.get(name)
            hook = spec.hook("environment") if spec is not None else None
            if hook is not None:
                try:
                    found.update(hook(settings_list))
                except Exception:  # the report's environment must never stop a run
                    continue
    return found


def execute(
    program: Program,
    selected: Sequence[int],
    options: RunOptions,
    listeners: Iterable[Listener],
    *,
    live: Iterable[Listener] = (),
) -> RunOutcome:
    """Run the selected scenarios and report to the listeners; always ends with RunFinished."""
    order = [program.scenarios[i].id for i in selected]
    emitter = OrderedEmitter(order, listeners, live)
    state = RunState(program, options.fail_fast)
    started_at, started = time.time(), time.perf_counter()
    emitter(
        RunStarted(
            run_id=options.run_id,
            started_at=started_at,
            command=options.command,
            environment=environment(options, program),
            scenarios=tuple(order),
        )
    )
    interrupted = False
    try:
        if options.workers > 1 and len(selected) > 1:
            from panoptic.runtime.workers import run_parallel

            run_parallel(program, list(selected), options, emitter, state)
        else:
            _run_serial(program, selected, options, emitter, state)
    except KeyboardInterrupt:
        interrupted = True
    emitter.flush()
    statuses = {sid: emitter.statuses[sid] for sid in order if sid in emitter.statuses}
    counts = {s: 0 for s in STATUSES}
    for status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    counts["total"] = len(order)
    code = exit_code_for(statuses.values(), infrastructure=state.infrastructure, interrupted=interrupted)
    duration = time.perf_counter() - started
    emitter(
        RunFinished(finished_at=time.time(), duration=duration, counts=counts, exit_code=code, interrupted=interrupted)
    )
    problems = tuple(f"{getattr(lis, '__qualname__', type(lis).__name__)}: {exc}" for lis, exc in emitter.errors)
    return RunOutcome(code, counts, interrupted, statuses, duration, problems)


def _run_serial(
    program: Program, selected: Sequence[int], options: RunOptions, emitter: OrderedEmitter, state: RunState
) -> None:
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
            pool.close()
        except KeyboardInterrupt:
            pass
