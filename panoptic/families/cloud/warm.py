"""Imported once by the fork server a `local:N` cluster starts its workers from (see `local_cluster`).

The modules named in the environment variable `PANOPTIC_CLUSTER_PRELOAD`
(comma-separated; set only for the fork server's start) are imported here, so
every worker forked from the server has them already: Dask, Panoptic's runtime
and the backends of the run's apps are imported once, not once per worker and
not in a worker's first scenario. A module that fails to import is left to the
worker, which imports it again and reports the error where a local run would.
"""

from __future__ import annotations

import contextlib
import importlib
import os

PRELOAD_ENV = "PANOPTIC_CLUSTER_PRELOAD"


def warm(names: str) -> list[str]:
    """Import the comma-separated modules; the ones that imported."""
    done = []
    for name in filter(None, (n.strip() for n in names.split(","))):
        try:
            importlib.import_module(name)
        except BaseException:  # never stop the fork server: the worker imports it again and reports it
            continue
        done.append(name)
    return done


def leave_the_terminal_group() -> None:
    """Put the fork server, and so every worker forked from it, in a process group of its own.

    A Ctrl-C at the terminal goes to the run's foreground process group: the
    parent stops the run and closes the cluster, which ends the workers.
    Reached by the signal too, the workers died with Dask's tracebacks on the
    terminal, and the parent then waited for them to stop their browsers.
    """
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)


if os.environ.get(PRELOAD_ENV) is not None:  # in the fork server only (the variable is set for its start)
    leave_the_terminal_group()
warm(os.environ.pop(PRELOAD_ENV, ""))
