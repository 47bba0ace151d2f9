"""Starting and stopping the LocalCluster of `--cluster local:N` with little fixed cost.

- **Workers forked from a warm server.** Where the platform has one, the
  workers are forked from the fork server of `panoptic.runtime.forkserver`,
  which here also imports Dask and this executor, instead of each worker being
  a fresh interpreter importing them. The server is started before this process
  imports Dask itself, so its imports run alongside ours. It is stopped when the
  cluster is closed.
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
from collections.abc import Sequence
from typing import Any

from panoptic.compiler.ir import Program
from panoptic.runtime.forkserver import platform_modules

SETTINGS = {
    # a worker takes its next scenario when it has finished one, none is held waiting behind a long one
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def preload_modules(program: Program, overrides: Sequence[tuple[str, str]] = ()) -> list[str]:
    """What a worker imports before its first scenario: Dask, this executor, the backends of the apps and their
    drivers' client libraries (a backend replaced through `overrides` brings only its own module)."""
    return ["distributed", "panoptic.families.cloud.cluster", *platform_modules(program, overrides)]


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
