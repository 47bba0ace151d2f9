"""Reaping multiprocessing's resource tracker when a run's worker processes are gone.

Worker processes started with the `spawn` method share named semaphores with
the parent (their queues and events), so the first of them starts
multiprocessing's resource tracker, a helper process that lives until the
parent exits. Nobody waits for it then: it becomes a defunct child of whatever
adopts it (in a container, often a PID 1 that reaps late). `reaped_resource_tracker()`
stops it and waits for it once the run's workers have exited, but only when the
run ended without an exception, started the tracker, and no child process of this one is still alive (a live child
holds the tracker's pipe open, so stopping it would wait for that child).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections.abc import Iterator
from typing import Any


def _tracker() -> Any:
    from multiprocessing import resource_tracker

    return getattr(resource_tracker, "_resource_tracker", None)


def tracker_pid() -> int | None:
    """The process id of this process's resource tracker, or None when it has not started one."""
    tracker = _tracker()
    pid = getattr(tracker, "_pid", None)
    return pid if isinstance(pid, int) else None


@contextlib.contextmanager
def reaped_resource_tracker() -> Iterator[None]:
    """Within the block a run may start worker processes; after it the resource tracker the block started is
    stopped and reaped, once the block's semaphores are released and no child process is left."""
    before = tracker_pid()
    # No `finally`: when the block is interrupted (Ctrl-C), its queues may still hold semaphores; stopping the
    # tracker would unlink them under their finalizers, which then print tracebacks at exit. It exits with us.
    yield
    if before is None and tracker_pid() is not None:
        gc.collect()  # semaphores of the block held in reference cycles unregister now, not at exit
        if not multiprocessing.active_children():  # also reaps children that have exited
            stop = getattr(_tracker(), "_stop", None)
            if stop is not None:
                with contextlib.suppress(Exception):
                    stop()
