"""`--workers N`: whole scenarios run in N worker processes.

Each worker is a process with its own backends (one per app) and its own task
queue, forked from a warm server where the platform has one (`forkserver`),
else a fresh interpreter; the parent hands a worker its next scenario when it reports
the previous one done, so fail-fast and skipping decisions stay in the parent.
Workers send their events back through one result queue; the parent passes
them to the `OrderedEmitter`, which keeps the reports in program order.

Ctrl-C: workers ignore SIGINT; the parent sets a stop flag that the workers
check between steps and while polling, waits a few seconds for them to close
their sessions and report the interrupted scenario, then terminates any
that are still busy. A worker that dies (killed, out of memory) errors the
scenario it was running and is replaced.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
import signal
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from panoptic.compiler.ir import Program
from panoptic.runtime.events import ERROR, Failure, ScenarioFinished
from panoptic.runtime.execution import (
    STOP_GRACE,
    OrderedEmitter,
    RunOptions,
    RunState,
    emit_skipped,
    run_scenario,
    scenario_header,
)
from panoptic.runtime.forkserver import platform_modules, warm_forkserver
from panoptic.runtime.tracker import reaped_resource_tracker


def worker_main(worker: int, program: Program, options: RunOptions, tasks: Any, results: Any, stop: Any) -> None:
    """The body of one worker process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pool = options.pool(program)
    settings = options.attempt_settings()

    def emit(event: Any) -> None:
        results.put(("event", worker, event))

    try:
        while True:
            index = tasks.get()
            if index is None:
                break
            try:
                outcome = run_scenario(
                    program,
                    index,
                    settings=settings,
                    pool=pool,
                    emit=emit,
                    retries=options.retries,
                    worker=worker,
                    should_stop=stop.is_set,
                )
            except KeyboardInterrupt:
                results.put(("interrupted", worker, index))
                break
            results.put(("done", worker, index, outcome.status, outcome.failure, outcome.infrastructure))
    except BaseException as exc:  # report, then let the parent decide
        results.put(("fatal", worker, f"{type(exc).__name__}: {exc}"))
    finally:
        pool.close()
        results.put(("exit", worker))


@dataclass
class _Worker:
    number: int
    process: Any
    tasks: Any
    running: int | None = None
    exited: bool = False
    retired: bool = False  # told to stop: nothing is left to hand it
    sent: list[int] = field(default_factory=list)


class _Pool:
    def __init__(
        self, program: Program, options: RunOptions, emitter: OrderedEmitter, state: RunState, method: str
    ) -> None:
        self.program = program
        self.options = options
        self.emitter = emitter
        self.state = state
        self.ctx: Any = mp.get_context(method)
        self.results: Any = self.ctx.Queue()
        self.stop: Any = self.ctx.Event()
        self.workers: dict[int, _Worker] = {}
        self.next_number = 1

    def start(self) -> _Worker:
        number = self.next_number
        self.next_number += 1
        tasks = self.ctx.Queue()
        process = self.ctx.Process(
            target=worker_main,
            args=(number, self.program, self.options, tasks, self.results, self.stop),
            name=f"panoptic-worker-{number}",
            daemon=True,
        )
        process.start()
        worker = _Worker(number, process, tasks)
        self.workers[number] = worker
        return worker

    def busy(self) -> bool:
        return any(w.running is not None for w in self.workers.values())

    def idle(self) -> list[_Worker]:
        return [w for w in self.workers.values() if w.running is None and not w.exited and not w.retired]

    def retire(self, worker: _Worker) -> None:
        """Tell an idle worker to stop: it closes its browsers and exits while the others finish."""
        if not worker.retired and not worker.exited:
            worker.retired = True
            with contextlib.suppress(Exception):
                worker.tasks.put(None)

    def handle(self, message: tuple) -> None:
        kind, number = message[0], message[1]
        worker = self.workers.get(number)
        if kind == "event":
            self.emitter(message[2])
        elif kind == "done":
            _, _, index, status, failure, infrastructure = message
            if worker is not None:
                worker.running = None
            self.state.record(index, status, failure, infrastructure)
            self.emitter.done(self.program.scenarios[index].id)
        elif kind == "interrupted":
            if worker is not None:
                worker.running = None
            if not self.stop.is_set():  # interrupted inside a worker, not by the parent: stop the whole run
                raise KeyboardInterrupt
        elif kind == "fatal":
            if worker is not None and worker.running is not None:
                self._lost(worker, message[2])
        elif kind == "exit" and worker is not None:
            worker.exited = True
            # Its last message: reap it now, so no defunct child waits for the rest of the run (kill() ends one
            # that does not finish exiting in time).
            with contextlib.suppress(Exception):
                worker.process.join(timeout=2.0)

    def _lost(self, worker: _Worker, reason: str) -> None:
        """The worker died while running a scenario: error it (it finished nothing)."""
        index = worker.running
        worker.running = None
        if index is None:
            return
        sc = self.program.scenarios[index]
        failure = Failure(
            "PAN904",
            f"the worker process running this scenario died: {reason}",
            sc.span,
            help="the other scenarios went on in a new worker",
        )
        if sc.id not in self.emitter.started:
            self.emitter(scenario_header(self.program, index, worker.number))  # gives reporters its header
        attempt = self.emitter.started.get(sc.id, 1)
        self.emitter(ScenarioFinished(scenario=sc.id, status=ERROR, duration=0.0, attempt=attempt, failure=failure))
        self.state.record(index, ERROR, failure, False)
        self.emitter.done(sc.id)

    def reap(self) -> None:
        """Notice workers that died without saying so."""
        for worker in list(self.workers.values()):
            if worker.exited or worker.process.is_alive():
                continue
            worker.exited = True
            if worker.running is not None:
                self._lost(worker, f"exit code {worker.process.exitcode}")

    def drain(self, timeout: float) -> bool:
        try:
            message = self.results.get(timeout=timeout)
        except queue.Empty:
            return False
        self.handle(message)
        return True

    def shutdown(self) -> None:
        for worker in self.workers.values():
            self.retire(worker)
        deadline = time.monotonic() + STOP_GRACE
        while time.monotonic() < deadline and any(not w.exited for w in self.workers.values()):
            if not self.drain(0.2):
                self.reap()
        while self.drain(0.0):
            pass
        self.kill()

    def kill(self) -> None:
        for worker in self.workers.values():
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in self.workers.values():
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)

    def release(self) -> None:
        """Close the queues once the workers are gone, so their semaphores are unregistered now."""
        queues = [self.results, *(w.tasks for w in self.workers.values())]
        for q in queues:
            with contextlib.suppress(Exception):
                q.close()
                q.join_thread()
        for worker in self.workers.values():
            worker.tasks = None
        self.results = self.stop = None


class ProcessExecutor:
    """`--workers N`: the selection on N local worker processes."""

    def run(
        self, program: Program, selected: Sequence[int], options: RunOptions, emitter: OrderedEmitter, state: RunState
    ) -> None:
        run_parallel(program, list(selected), options, emitter, state)


def run_parallel(
    program: Program, selected: list[int], options: RunOptions, emitter: OrderedEmitter, state: RunState
) -> None:
    """Run the selection on `options.workers` processes; events reach `emitter` (ordered by it).

    The workers are forked from a server that imported this module, the apps' backends and their drivers. When
    they have exited, the server and the resource tracker their queues started are stopped and reaped too
    (`runtime/tracker.py`), so the run leaves no defunct child behind."""
    preload = [__name__, *platform_modules(program, options.backend_overrides)]
    with reaped_resource_tracker(), warm_forkserver(preload) as forked:
        pool = _Pool(program, options, emitter, state, "forkserver" if forked else "spawn")
        try:
            _dispatch(pool, program, selected, options, emitter, state)
        finally:
            pool.release()
            del pool


def _dispatch(
    pool: _Pool, program: Program, selected: list[int], options: RunOptions, emitter: OrderedEmitter, state: RunState
) -> None:
    pending = deque(selected)
    try:
        for _ in range(min(options.workers, len(selected))):
            pool.start()
        while pending or pool.busy():
            for worker in pool.idle():
                while pending:
                    index = pending.popleft()
                    reason = state.skip_reason(index)
                    if reason is not None:
                        emit_skipped(program, index, reason, emitter)
                        emitter.done(program.scenarios[index].id)
                        continue
                    worker.running = index
                    worker.tasks.put(index)
                    break
                if worker.running is None:  # nothing left to hand it: it winds down while the others finish
                    pool.retire(worker)
            if not pending and not pool.busy():
                break
            if not pool.drain(0.25):
                pool.reap()
                alive = sum(not w.exited for w in pool.workers.values())
                if pending and alive < options.workers:
                    pool.start()  # replace a worker that died
        pool.shutdown()
    except KeyboardInterrupt:
        pool.stop.set()
        deadline = time.monotonic() + STOP_GRACE
        while pool.busy() and time.monotonic() < deadline:
            try:
                if not pool.drain(0.2):
                    pool.reap()
            except KeyboardInterrupt:  # a second Ctrl-C: stop waiting
                break
        for worker in pool.workers.values():
            if worker.running is not None:
                worker.running = None
        with contextlib.suppress(Exception):
            pool.shutdown()
        raise
