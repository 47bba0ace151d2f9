"""Starting and stopping the LocalCluster of `--cluster local:N` with little fixed cost.

- **Workers forked from a warm server.** Where the platform has one, the
  workers are forked from a multiprocessing fork server that imported Dask,
  Panoptic's runtime and the backends of the run's apps once (`warm`), instead
  of each worker being a fresh interpreter importing them. The server is started
  before this process imports Dask itself, so its imports run alongside ours. It
  is stopped when the cluster is closed (it is a child of this process, and the
  run leaves no child behind).
- **Quiet workers.** Dask's statistical profiler (every 10 ms in every worker),
  its 20 ms event-loop health check and its frequent memory and system monitors
  serve the dashboard and the spilling of data, which a `local:N` run has no use
  for; they cost about 0.1 s of CPU per second of run, taken from the browsers.
  They are turned off or slowed down for the cluster's scheduler and workers.
- **One scenario per worker at a time.** A worker is sent its next scenario when
  it has finished one (Dask's worker saturation 1.0; the default 1.1 keeps one
  in reserve on each worker), so no scenario waits behind a long one on a busy
  worker while another worker is idle. Dask queues tasks this way when there
  are more than twice as many as worker threads; fewer are spread at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator, Sequence
from typing import Any

from panoptic.compiler.ir import Program
from panoptic.families.cloud.warm import PRELOAD_ENV

WARM_MODULE = "panoptic.families.cloud.warm"

SETTINGS = {
    # a worker takes its next scenario when it has finished one, none is held waiting behind a long one
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}

SERVER_STOP_WAIT = 5.0  # seconds a terminated fork server gets before it is killed


def preload_modules(program: Program, overrides: Sequence[tuple[str, str]] = ()) -> list[str]:
    """What a worker imports before its first scenario: Dask, this executor, the backends of the apps and their
    drivers' client libraries (a backend replaced through `overrides` brings only its own module)."""
    from panoptic.contract.platform import platforms

    names = ["distributed", "panoptic.families.cloud.cluster"]
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

    Called once the cluster is closed (its workers have exited): the server holds nothing to save, so it is
    terminated rather than left to wind down its interpreter, then reaped.
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


def local_cluster_config(forked: bool) -> dict[str, Any]:
    """The Dask settings of a `local:N` cluster (workers forked from the warm server when `forked`)."""
    config: dict[str, Any] = dict(SETTINGS)
    if forked:
        config["distributed.worker.multiprocessing-method"] = "forkserver"
        # Dask would import its optional packages (numpy, pandas) here to preload them into a fork server it
        # starts itself; the server is already running with what the workers need.
        with contextlib.suppress(Exception):
            import distributed.utils

            if hasattr(distributed.utils, "_forkserver_preload_set"):
                distributed.utils._forkserver_preload_set = True
    return config
