"""Worker processes forked from a warm server instead of started as fresh interpreters.

`-w N` workers and a `--cluster local:N` cluster's workers come from a
multiprocessing fork server that imported, once, what every worker needs
(`warm`): Panoptic's runtime, the backends of the run's apps and their drivers'
client libraries. A worker, and one that replaces a worker that died, starts
without importing anything, and its first scenario imports no driver. The
server puts itself, and so every worker, in a process group of its own, out of
reach of the terminal's Ctrl-C (the run stops the workers itself). It is a
child of this process and is stopped and reaped when the run's workers are
done, so a run leaves no child behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator, Sequence
from typing import Any

from panoptic.compiler.ir import Program
from panoptic.runtime.warm import PRELOAD_ENV

WARM_MODULE = "panoptic.runtime.warm"
SERVER_STOP_WAIT = 5.0  # seconds a terminated fork server gets before it is killed


def platform_modules(program: Program, overrides: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The backends of the program's apps and their drivers' client libraries, in app order (a backend replaced
    through `overrides` brings only its own module)."""
    from panoptic.contract.platform import platforms

    names: list[str] = []
    specs = platforms()
    chosen = dict(overrides)
    for app in program.apps:
        spec = specs.get(app.platform)
        backend = chosen.get(app.platform) or (spec.backend if spec is not None else "")
        drivers = spec.driver_modules if spec is not None and app.platform not in chosen else ()
        for module in (backend.partition(":")[0], *drivers):
            if module and module not in names:
                names.append(module)
    return names


@contextlib.contextmanager
def warm_forkserver(modules: Sequence[str]) -> Iterator[bool]:
    """A fork server that imported `modules`, stopped afterwards; yields False where there is none to use.

    A fork server this process already runs (started by someone else) is used as it is and left running.
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        yield False
        return
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    ours = server is not None and getattr(server, "_forkserver_pid", 0) is None
    if ours:
        before = list(getattr(server, "_preload_modules", ["__main__"]))
        previous = os.environ.get(PRELOAD_ENV)
        os.environ[PRELOAD_ENV] = ",".join(modules)  # read (and removed) by the server's `warm` import only
        try:
            forkserver.set_forkserver_preload(["__main__", WARM_MODULE])
            forkserver.ensure_running()
        except Exception:
            yield False
            return
        finally:
            if previous is None:
                os.environ.pop(PRELOAD_ENV, None)
            else:
                os.environ[PRELOAD_ENV] = previous
            forkserver.set_forkserver_preload(before)
    try:
        yield True
    finally:
        if ours:
            _stop_server(server)


def _stop_server(server: Any) -> None:
    """Stop the fork server this run started and reap it.

    Called once the workers have exited: the server holds nothing to save, so it is terminated rather than left
    to wind down its interpreter, then reaped.
    """
    pid = getattr(server, "_forkserver_pid", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if not isinstance(pid, int):
        return
    if isinstance(alive, int):
        with contextlib.suppress(OSError):
            os.close(alive)
    address = getattr(server, "_forkserver_address", None)
    server._forkserver_pid = server._forkserver_alive_fd = server._forkserver_address = None
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + SERVER_STOP_WAIT
        while os.waitpid(pid, os.WNOHANG)[0] == 0:
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.002)
    except (ChildProcessError, ProcessLookupError):
        pass
    from multiprocessing import util

    if address and not util.is_abstract_socket_namespace(address):
        with contextlib.suppress(OSError):
            os.unlink(address)
