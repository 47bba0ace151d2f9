"""How Playwright's driver process is started: apart from the terminal, and with Node's compile cache.

Playwright's sync API runs its driver, a Node process, as a child of this
process. Two things are changed for it, and only for it:

- **A session of its own.** In this process's group, a Ctrl-C at the terminal
  reached the driver too: it closed the browser at once and exited, the step
  waiting on the page failed with "the page or its browser context closed"
  (or the run printed "Future exception was never retrieved … Connection
  closed while reading from the driver"), and the scenario's evidence was
  lost. Apart, the driver hears only from Panoptic, which stops the run on
  Ctrl-C, ends the scenario as interrupted and closes the browser itself. The
  driver still exits when this process dies: its requests come through a pipe
  that then closes.
- **Node's compile cache** (`NODE_COMPILE_CACHE`, in Panoptic's cache folder):
  the driver's JavaScript is compiled once, not at every start, which takes
  about 60 ms of CPU and wall time off each driver start (0.28 s -> 0.22 s
  here; every run and every worker starts one). Node checks the cached code
  against the files and its own version, and ignores a folder it cannot write.
  A `NODE_COMPILE_CACHE` already set is kept; `PANOPTIC_NO_CACHE` turns it off.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from typing import Any

from panoptic.cachedir import cache_dir

COMPILE_CACHE_ENV = "NODE_COMPILE_CACHE"

_patching = threading.Lock()


def driver_env(env: dict[str, str] | None) -> dict[str, str]:
    """The environment the driver starts with: `env` (else this process's) plus Node's compile cache."""
    chosen = dict(os.environ if env is None else env)
    folder = cache_dir()
    if folder is not None and COMPILE_CACHE_ENV not in chosen:
        chosen[COMPILE_CACHE_ENV] = str(folder / "node-compile-cache")
    return chosen


@contextlib.contextmanager
def driver_start() -> Iterator[None]:
    """Within the block, a subprocess started through asyncio (Playwright's driver) gets a session of its own and
    the environment of `driver_env`."""
    import asyncio

    with _patching:
        original = asyncio.create_subprocess_exec

        async def start(*args: Any, **kwargs: Any) -> Any:
            if os.name == "posix":
                kwargs.setdefault("start_new_session", True)
            kwargs["env"] = driver_env(kwargs.get("env"))
            return await original(*args, **kwargs)

        asyncio.create_subprocess_exec = start  # type: ignore[assignment]
        try:
            yield
        finally:
            asyncio.create_subprocess_exec = original  # type: ignore[assignment]
