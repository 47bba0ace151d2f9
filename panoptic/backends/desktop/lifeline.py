"""Children that die with the run: a parent-death signal set between fork and exec.

`die_with_parent()` gives a `preexec_fn` for `subprocess.Popen` that asks the
Linux kernel (`prctl(PR_SET_PDEATHSIG, SIGKILL)`) to kill the child when the
process that started it ends, however it ends (SIGKILL included, where no
`atexit` or `finally` runs). Xvfb, ffmpeg and the app's main process are
started this way. Processes the app itself starts are not covered by the
signal; `end()` and `stop()` still stop the app's whole process group.

The signal is sent when the *thread* that started the child ends: the
desktop backend starts its children from the thread that runs the scenarios.
On systems without `prctl` (not Linux) the function does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        return libc.prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()


def die_with_parent(also: Callable[[], None] | None = None) -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child get SIGKILL when this process ends (None where unsupported).

    `also` runs after it in the child (before exec). Looked up in the parent so
    the child only makes one system call between fork and exec.
    """
    prctl = _PRCTL
    if prctl is None:
        return also
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)
        if also is not None:
            also()

    return preexec
