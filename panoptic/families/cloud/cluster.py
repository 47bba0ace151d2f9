"""`panoptic run --cluster ADDRESS`: scenarios run on the workers of a Dask cluster.

The executor registered as `cluster` (entry point group `panoptic.executors`)
hands each selected scenario to the cluster as one task, longest first when
durations of earlier runs are known (`.panoptic/durations.json`, written after
every run by this executor). A worker process keeps one backend pool per run,
so a browser starts once per worker, not per scenario; its events come back as
they happen through a `distributed.Queue` and reach the same `OrderedEmitter`
as a local run's, so the report is the one a local run writes.

Addresses: `tcp://HOST:8786` (an existing scheduler; its workers need Panoptic, the
browsers and the same path to the output folder — a shared folder when they are on
other machines) or `local:N` (a LocalCluster of N worker processes on this machine,
forked from a server that imported Dask and the run's backends once: `local_cluster`).

A worker that dies mid-scenario: the task runs once more on another worker; if
that fails too, the scenario is an infrastructure error (PAN906) and the run goes on.

Ctrl-C: the parent sets the run's stop `distributed.Event`; the workers check it
between steps and while waiting (at most every `STOP_CHECK` seconds), so running
scenarios end with PAN907 (interrupted) and report it, and scenarios not started
yet return without running. The parent waits up to `STOP_GRACE` seconds for
them, passing their events on, as `--workers N` does.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from panoptic.compiler.ir import Program
from panoptic.contract.errors import InfrastructureError
from panoptic.families.cloud.local_cluster import local_cluster_config, preload_modules
from panoptic.runtime.events import ERROR, Failure, ScenarioFinished, StepFinished
from panoptic.runtime.execution import (
    STOP_GRACE,
    OrderedEmitter,
    RunOptions,
    RunState,
    UnavailableExecutor,
    emit_skipped,
    run_scenario,
    scenario_header,
)
from panoptic.runtime.forkserver import warm_forkserver

DURATIONS = Path(".panoptic") / "durations.json"
CLOSE_WAIT = 10.0  # seconds the workers get to stop their backends at the end of a run
QUEUE_POLL = 0.2  # seconds between looks for events (a round trip to the scheduler each); a task's end wakes it
STOP_CHECK = 0.2  # seconds between a worker's looks at the run's stop event (each is a round trip to the scheduler)
INTERRUPTED, NOT_STARTED = "interrupted", "not started"  # what a task returns when the run was stopped

# Per worker thread: run id -> its backend pool (so a browser is started once per worker and run; drivers such
# as Playwright's sync API belong to the thread that started them, so workers run one thread: `--nthreads 1`).
_POOLS: dict[tuple[str, int], Any] = {}


def parse_address(address: str) -> tuple[str, int | str]:
    """("local", N) for `local:N`, else ("remote", "tcp://HOST:PORT"); a bad address is a usage error."""
    if address.startswith("local:"):
        count = address[6:]
        if not count.isdigit() or int(count) < 1:
            raise InfrastructureError(
                f"`{address}` is not a local cluster size", help="write `--cluster local:N` with N ≥ 1, e.g. local:2"
            )
        return "local", int(count)
    if address.startswith(("tcp://", "tls://", "ws://", "wss://", "ucx://")):
        return "remote", address
    raise InfrastructureError(
        f"`{address}` is not a cluster address",
        help="write `--cluster tcp://HOST:8786` for a running Dask scheduler, or `--cluster local:N`",
    )


def order_by_duration(program: Program, selected: Sequence[int], durations: dict[str, float]) -> list[int]:
    """Longest known scenarios first (unknown ones keep their place after them): fewer idle workers at the end."""
    known = [i for i in selected if program.scenarios[i].id in durations]
    unknown = [i for i in selected if program.scenarios[i].id not in durations]
    known.sort(key=lambda i: -durations[program.scenarios[i].id])
    return known + unknown


def read_durations(path: Path = DURATIONS) -> dict[str, float]:
    """Scenario id -> seconds of its last finished run, or {} when there is no readable file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, (int, float)) and v >= 0}


def write_durations(found: dict[str, float], path: Path = DURATIONS) -> None:
    """Merge this run's durations into the file; a folder that cannot be written is not an error of the run."""
    merged = {**read_durations(path), **found}
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(merged, indent=0, sort_keys=True), encoding="utf-8")
        tmp.replace(path)


def run_remote(program: Program, index: int, options: RunOptions, queue_name: str) -> tuple[str, Any, bool]:
    """The task a worker runs: one scenario (with its retries), its events put on the run's queue.

    Returns (status, failure, infrastructure), or (INTERRUPTED / NOT_STARTED, None, False) once the run is stopped.
    """
    from distributed import Event, Queue, get_worker

    stop = Event(stop_event_name(queue_name))
    if stop.is_set():
        return NOT_STARTED, None, False
    key = (options.run_id, threading.get_ident())
    pool = _POOLS.get(key)
    if pool is None:
        pool = _POOLS[key] = options.pool(program)
    queue = Queue(queue_name)
    try:
        number = int(get_worker().name) + 1
    except (ValueError, TypeError):
        number = 1
    batch: list[Any] = []

    def emit(event: Any) -> None:
        # One round trip to the scheduler per finished step (not per event): progress still streams step by step.
        batch.append(event)
        if isinstance(event, (StepFinished, ScenarioFinished)):
            queue.put(list(batch))
            batch.clear()

    try:
        outcome = run_scenario(
            program,
            index,
            settings=options.attempt_settings(),
            pool=pool,
            emit=emit,
            retries=options.retries,
            worker=number,
            should_stop=throttled(stop.is_set, STOP_CHECK),
        )
    except KeyboardInterrupt:  # the stop event: the scenario reported itself interrupted (PAN907)
        return INTERRUPTED, None, False
    finally:
        if batch:
            queue.put(list(batch))
    return outcome.status, outcome.failure, outcome.infrastructure


def stop_event_name(queue_name: str) -> str:
    return f"{queue_name}-stop"


def throttled(check: Callable[[], object], every: float) -> Callable[[], bool]:
    """`check()` asked at most once every `every` seconds; the answer in between is the last one."""
    last = [float("-inf"), False]

    def ask() -> bool:
        now = time.monotonic()
        if now - last[0] >= every:
            last[0], last[1] = now, bool(check())
        return bool(last[1])

    return ask


def close_pool(run_id: str) -> None:
    """A task sent to every worker at the end: stop the backends this run started in the worker's thread."""
    pool = _POOLS.pop((run_id, threading.get_ident()), None)
    if pool is not None:
        pool.close()


class ClusterExecutor:
    """Runs the selection on a Dask cluster (see the module docstring)."""

    def run(
        self, program: Program, selected: Sequence[int], options: RunOptions, emitter: OrderedEmitter, state: RunState
    ) -> None:
        from panoptic.runtime.tracker import reaped_resource_tracker

        address = options.cluster or "local:2"
        try:
            preload = preload_modules(program, options.backend_overrides)
            with reaped_resource_tracker(), _client(address, preload) as client:  # a LocalCluster's tracker is reaped
                self._run(client, program, selected, options, emitter, state)
        except InfrastructureError as exc:  # no cluster: every scenario not yet reported is skipped with the reason
            UnavailableExecutor(exc).run(program, selected, options, emitter, state)

    def _run(
        self,
        client: Any,
        program: Program,
        selected: Sequence[int],
        options: RunOptions,
        emitter: OrderedEmitter,
        state: RunState,
    ) -> None:
        from distributed import Event, Queue

        queue_name = f"panoptic-{options.run_id}-{uuid.uuid4().hex[:8]}"
        queue = Queue(queue_name, client=client)
        stop = Event(stop_event_name(queue_name), client=client)
        durations: dict[str, float] = {}
        started: dict[str, float] = {}
        futures: dict[Any, int] = {}
        for index in order_by_duration(program, selected, read_durations()):
            sid = program.scenarios[index].id
            reason = state.skip_reason(index)
            if reason is not None:  # fail-fast or a broken app, known before the task was sent
                emit_skipped(program, index, reason, emitter)
                emitter.done(sid)
                continue
            future = client.submit(
                run_remote, program, index, options, queue_name, key=f"{queue_name}-{index}", retries=1, pure=False
            )
            futures[future] = index
            started[sid] = time.perf_counter()
        finished = threading.Event()  # set when a task ends, so the loop does not sleep past it
        for future in futures:
            future.add_done_callback(lambda _: finished.set())
        pending = set(futures)
        try:
            while pending:
                finished.clear()
                self._drain(queue, emitter)
                done = [f for f in pending if f.done()]
                if not done:
                    finished.wait(QUEUE_POLL)
                    continue
                pending.difference_update(done)
                self._drain(queue, emitter)  # a finished task's events are all on the queue by now
                for future in done:
                    index = futures[future]
                    sid = program.scenarios[index].id
                    if future.cancelled():  # --fail-fast stopped the run before this one started
                        emit_skipped(program, index, state.skip_reason(index), emitter)
                        emitter.done(sid)
                        continue
                    status, failure, infrastructure = self._result(future, program, index, emitter)
                    durations[sid] = time.perf_counter() - started[sid]
                    state.record(index, status, failure, infrastructure)
                    emitter.done(sid)
                if state.stop_reason is not None:
                    for other in pending:
                        other.cancel()
        except KeyboardInterrupt:
            self._wind_down(stop, pending, futures, queue, program, emitter)
            raise
        finally:
            self._close_pools(client, options.run_id)
            write_durations(durations)

    def _wind_down(
        self, stop: Any, pending: set, futures: dict[Any, int], queue: Any, program: Program, emitter: OrderedEmitter
    ) -> None:
        """After Ctrl-C: stop the workers' scenarios, pass on their events (an interrupted scenario reports itself)
        for up to STOP_GRACE seconds, then give up on what is left."""
        with contextlib.suppress(Exception):
            stop.set()
        deadline = time.monotonic() + STOP_GRACE
        try:
            while pending and time.monotonic() < deadline:
                self._drain(queue, emitter)
                done = {f for f in pending if f.done()}
                pending.difference_update(done)
                for future in done:
                    with contextlib.suppress(Exception):
                        if future.result()[0] == INTERRUPTED:
                            emitter.done(program.scenarios[futures[future]].id)
                if pending:
                    time.sleep(QUEUE_POLL)
            self._drain(queue, emitter)
        except KeyboardInterrupt:  # a second Ctrl-C: stop waiting
            pass
        for future in pending:
            future.cancel()

    @staticmethod
    def _close_pools(client: Any, run_id: str) -> None:
        """Stop the backends on every worker, in the worker's task thread (where they were started)."""
        from distributed import wait

        with contextlib.suppress(Exception):
            workers = list(client.scheduler_info()["workers"])
            closing = [
                client.submit(close_pool, run_id, workers=[w], allow_other_workers=False, pure=False) for w in workers
            ]
            # A worker still busy with a scenario (after Ctrl-C) or gone never answers: the cluster's close ends it.
            wait(closing, timeout=CLOSE_WAIT)

    @staticmethod
    def _drain(queue: Any, emitter: OrderedEmitter) -> None:
        while True:
            try:
                events = queue.get(batch=True)
            except Exception:
                return
            if not events:
                return
            for batch in events:
                for event in batch:
                    emitter(event)

    @staticmethod
    def _result(future: Any, program: Program, index: int, emitter: OrderedEmitter) -> tuple[str, Any, bool]:
        """The scenario's (status, failure, infrastructure); a lost or failed task is an infrastructure error."""
        try:
            return future.result()
        except Exception as exc:
            sc = program.scenarios[index]
            failure = Failure(
                "PAN906",
                f"the cluster could not run this scenario: {type(exc).__name__}: {exc}",
                sc.span,
                help="a worker died or could not start the app; see the worker's log (dask worker output)",
            )
            emitter(scenario_header(program, index))
            emitter(ScenarioFinished(scenario=sc.id, status=ERROR, duration=0.0, attempt=1, failure=failure))
            return ERROR, failure, False


@contextlib.contextmanager
def _client(address: str, preload: Sequence[str] = ()) -> Iterator[Any]:
    """A connected `distributed.Client` (and its LocalCluster for `local:N`), closed afterwards.

    For `local:N` the workers' modules (`preload`) are imported by a fork server started before Dask is imported
    here, so both imports run at once (`local_cluster`).
    """
    kind, where = parse_address(address)
    if importlib.util.find_spec("distributed") is None:
        raise InfrastructureError(
            "distributed runs need Dask", help="install the distributed extra: pip install 'panoptic-lang[distributed]'"
        )
    with contextlib.ExitStack() as stack:
        forked = kind == "local" and stack.enter_context(warm_forkserver(preload))
        import dask
        from distributed import Client, LocalCluster

        cluster = None
        try:
            if kind == "local":
                stack.enter_context(dask.config.set(local_cluster_config(forked)))
                cluster = LocalCluster(
                    n_workers=int(where),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=40,
                )
                client = Client(cluster)
            else:
                client = Client(str(where), timeout=10)
        except OSError as exc:
            if cluster is not None:
                cluster.close()
            raise InfrastructureError(
                f"cannot reach the Dask scheduler at {where}: {exc}",
                help="start one with `dask scheduler` and workers with `dask worker tcp://HOST:8786`",
            ) from None
        try:
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.close()
            if cluster is not None:
                with contextlib.suppress(Exception):
                    cluster.close()
