"""Playwright's driver started outside the terminal's process group.

Playwright's sync API runs its driver, a Node process, as a child in this
process's group, so a Ctrl-C at the terminal reaches it too: it closed the
browser at once and exited, the step waiting on the page failed with "the
page or its browser context closed" (or the run printed "Future exception was
never retrieved … Connection closed while reading from the driver"), and the
scenario's evidence was lost. Started in a session of its own, the driver
hears only from Panoptic, which stops the run on Ctrl-C, ends the scenario as
interrupted and closes the browser itself. The driver still exits when this
process dies: its requests come through a pipe that then closes.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from typing import Any

_patching = threading.Lock()


@contextlib.contextmanager
def driver_in_own_session() -> Iterator[None]:
    """Within the block, subprocesses started through asyncio (Playwright's driver) get a session of their own."""
    if os.name != "posix":
        yield
        return
    import asyncio

    with _patching:
        original = asyncio.create_subprocess_exec

        async def in_own_session(*args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("start_new_session", True)
            return await original(*args, **kwargs)

        asyncio.create_subprocess_exec = in_own_session  # type: ignore[assignment]
        try:
            yield
        finally:
            asyncio.create_subprocess_exec = original  # type: ignore[assignment]
