"""Running a selection of scenarios: retries, fail-fast, skipping, ordering, exit codes.

`execute()` hands the chosen scenarios of a program to an executor (this
process, `--workers N` worker processes, or a plugin's, see
`panoptic.runtime.execution`) and sends every event to the listeners. The
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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from panoptic.compiler.ir import Program
from panoptic.contract.errors import StepError
from panoptic.runtime.events import ERROR, FAILED, Listener, RunFinished, RunStarted
from panoptic.runtime.execution import (
    STATUSES,
    Executor,
    OrderedEmitter,
    RunOptions,
    RunState,
    SerialExecutor,
    UnavailableExecutor,
)
from panoptic.runtime.workers import ProcessExecutor

__all__ = ["RunOptions", "RunOutcome", "environment", "execute", "exit_code_for"]

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INFRASTRUCTURE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


@dataclass(frozen=True)
class RunOutcome:
    exit_code: int
    counts: dict[str, int]
    interrupted: bool
    statuses: dict[str, str] = field(default_factory=dict)  # scenario id -> final status
    duration: float = 0.0
    listener_errors: tuple[str, ...] = ()  # listeners that failed and were dropped (e.g. a full disk)


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
        from panoptic.contract.platform import platforms

        specs = platforms()
        by_platform: dict[str, list[Mapping[str, Any]]] = {}
        for app in program.apps:  # `--headed` counts as every app's `headless: false`
            settings = {**app.settings, "headless": False} if options.headed else app.settings
            by_platform.setdefault(app.platform, []).append(settings)
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
    executor: Executor | None = None,
) -> RunOutcome:
    """Run the selected scenarios and report to the listeners; always ends with RunFinished.

    `executor` overrides the one `options` name (`executor_for`), e.g. a `SerialExecutor` keeping its pool.
    """
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
        if executor is None:
            try:
                executor = executor_for(options, len(selected))
            except StepError as exc:
                executor = UnavailableExecutor(exc)
        executor.run(program, selected, options, emitter, state)
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


def executor_for(options: RunOptions, count: int) -> Executor:
    """The executor a run uses: `options.executor` by name, else processes for `--workers N > 1`, else serial."""
    name = options.executor or (
        "cluster" if options.cluster else "processes" if options.workers > 1 and count > 1 else "serial"
    )
    if name == "serial":
        return SerialExecutor()
    if name == "processes":
        return ProcessExecutor()
    from importlib import metadata

    from panoptic.contract.errors import InfrastructureError

    for ep in metadata.entry_points(group="panoptic.executors"):
        if ep.name == name:
            try:
                return ep.load()()
            except Exception as exc:
                raise InfrastructureError(
                    f"the executor `{name}` ({ep.value}) cannot be loaded: {type(exc).__name__}: {exc}"
                ) from None
    raise InfrastructureError(
        f"no executor named `{name}`", help="built-in executors: serial, processes; others come from plugins"
    )
