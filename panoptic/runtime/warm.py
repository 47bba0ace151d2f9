"""Imported once by the fork server that worker processes are forked from (see `forkserver`).

The modules named in the environment variable `PANOPTIC_WORKER_PRELOAD`
(comma-separated; set only for the fork server's start) are imported here, so
every worker forked from the server has them already: Panoptic's runtime, the
backends of the run's apps and their drivers (and Dask for `--cluster local:N`)
are imported once, not once per worker and not in a worker's first scenario.
A module that fails to import is left to the worker, which imports it again and
reports the error where a local run would.
"""

from __future__ import annotations

import contextlib
import importlib
import os

PRELOAD_ENV = "PANOPTIC_WORKER_PRELOAD"


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

    A Ctrl-C at the terminal goes to the run's foreground process group, so
    only the parent gets it: it stops the run and tells the workers, which
    close their browsers and report the interrupted scenario themselves (a
    cluster's workers reached by the signal died with Dask's tracebacks on the
    terminal, and the parent then waited for them to stop their browsers).
    """
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)


if os.environ.get(PRELOAD_ENV) is not None:  # in the fork server only (the variable is set for its start)
    leave_the_terminal_group()
warm(os.environ.pop(PRELOAD_ENV, ""))
