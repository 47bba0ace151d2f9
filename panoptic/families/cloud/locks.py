"""`lock "NAME" { … }`: one scenario at a time holds a named resource (an account, a device).

On a Dask worker the lock is a `distributed.Lock` held at the scheduler, so it
spans every machine of the cluster; elsewhere (a serial run, `--workers N`) it
is an exclusive `flock` on `.panoptic/locks/NAME.lock` under the project folder,
which spans the processes of this machine. Either way the block runs only while
the lock is held, and the lock is released when the block ends, passed or failed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from panoptic.contract.errors import StepTimeout

DEFAULT_WAIT = 600.0  # seconds a scenario waits for a lock when the statement gives no `waiting up to`
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@contextlib.contextmanager
def held(name: str, wait: float, project_dir: Path, should_stop: Callable[[], bool]) -> Iterator[str]:
    """Hold the named lock for the `with` block; yields where it is held ("cluster" or "machine")."""
    worker = _dask_worker()
    if worker is not None:
        with _cluster_lock(name, wait):
            yield "cluster"
        return
    with _file_lock(name, wait, project_dir, should_stop):
        yield "machine"


def _dask_worker() -> object | None:
    try:
        from distributed import get_worker
    except ImportError:
        return None
    try:
        return get_worker()
    except ValueError:  # not inside a Dask task
        return None


@contextlib.contextmanager
def _cluster_lock(name: str, wait: float) -> Iterator[None]:
    from distributed import Lock

    lock = Lock(f"panoptic-lock-{name}")
    if not lock.acquire(timeout=wait):
        raise _timeout(name, wait, "another scenario on the cluster holds it")
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            lock.release()


@contextlib.contextmanager
def _file_lock(name: str, wait: float, project_dir: Path, should_stop: Callable[[], bool]) -> Iterator[None]:
    import fcntl

    folder = project_dir / ".panoptic" / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    path = folder / f"{_SAFE.sub('_', name)[:60]}-{digest}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if should_stop():
                    raise KeyboardInterrupt from None
                if time.monotonic() >= deadline:
                    raise _timeout(name, wait, "another scenario on this machine holds it") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _timeout(name: str, wait: float, why: str) -> StepTimeout:
    return StepTimeout(
        f"the lock `{name}` was not free within {wait:g}s: {why}",
        help="give the holder more time (`lock NAME waiting up to 20m { … }`) or use more accounts or devices",
    )
