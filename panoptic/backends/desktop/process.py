"""The app under test as a process group, and the wait for its window.

The app is started in its own session (`start_new_session=True`) so that
stopping it reaches every process it spawned: SIGTERM to the group, SIGKILL
after a grace period, and a check that the group is gone. Its output goes to
a temporary file (read back only to explain an early exit).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from panoptic.backends.desktop.lifeline import die_with_parent
from panoptic.backends.desktop.xvfb import XDisplay
from panoptic.contract.errors import ActionFailed

_LIVE_GROUPS: set[int] = set()


def group_alive(pgid: int) -> bool:
    """Whether any process of the process group still exists (zombies of our own children excluded)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class AppProcess:
    """One run of the app's `command` on a display."""

    def __init__(self, command: str, *, cwd: str | None, env: dict[str, str], display: XDisplay) -> None:
        self.command = command
        self.cwd = cwd
        self.env = env
        self.display = display
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self) -> None:
        try:
            argv = shlex.split(self.command)
        except ValueError as exc:
            raise ActionFailed(
                f"the app's command cannot be parsed: {exc}", help="check the quotes in `command`"
            ) from None
        if not argv:
            raise ActionFailed("the app's command is empty")
        if self.cwd is not None and not Path(self.cwd).is_dir():
            raise ActionFailed(f"the app's working folder does not exist: {self.cwd}")
        env = {**os.environ, **self.display.env(), **{str(k): str(v) for k, v in self.env.items()}}
        self._log = tempfile.TemporaryFile(prefix="panoptic-app-")  # noqa: SIM115 - kept open while the app runs
        try:
            self.proc = subprocess.Popen(
                argv,
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent(),  # dies with the run, even on SIGKILL
            )
        except FileNotFoundError:
            self._close_log()
            found = shutil.which(argv[0], path=env.get("PATH"))
            raise ActionFailed(
                f"the app's program was not found: {argv[0]}"
                + (f" (found {found} on PATH, but not from {self.cwd})" if found else ""),
                help="check `command` (and `cwd`); programs are looked up on PATH",
            ) from None
        except PermissionError:
            self._close_log()
            raise ActionFailed(f"the app's program is not executable: {argv[0]}") from None
        _LIVE_GROUPS.add(self.proc.pid)

    def exited(self) -> int | None:
        """The exit code if the app's main process has ended, else None."""
        return None if self.proc is None else self.proc.poll()

    def output_tail(self, lines: int = 15, mask: Callable[[str], str] = lambda s: s) -> str:
        """The last lines the app printed (stdout and stderr), masked."""
        if self._log is None:
            return ""
        try:
            self._log.flush()
            self._log.seek(0, os.SEEK_END)
            size = self._log.tell()
            self._log.seek(max(0, size - 8192))
            text = self._log.read().decode(errors="replace")
        except (OSError, ValueError):
            return ""
        return mask("\n".join(text.strip().splitlines()[-lines:]))

    def stop(self, grace: float = 2.0) -> bool:
        """Stop the app and every process of its group; True when none is left. Never raises."""
        if self.proc is None:
            return True
        pgid = self.proc.pid
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            self.proc.poll()  # reap the leader so it does not linger as a zombie
            if not group_alive(pgid):
                break
            time.sleep(0.02)
        else:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
            end = time.monotonic() + grace
            while time.monotonic() < end and group_alive(pgid):
                self.proc.poll()
                time.sleep(0.02)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(0.5)
        gone = not group_alive(pgid)
        if gone:
            _LIVE_GROUPS.discard(pgid)
        self._close_log()
        return gone

    def _close_log(self) -> None:
        if self._log is not None:
            with contextlib.suppress(OSError):
                self._log.close()
            self._log = None


def xdotool(display: XDisplay, *args: str, timeout: float = 5.0) -> subprocess.CompletedProcess[str] | None:
    """Run xdotool against `display`; None when xdotool is not installed."""
    exe = shutil.which("xdotool")
    if exe is None:
        return None
    try:
        return subprocess.run(
            [exe, *args],
            env={**os.environ, **display.env()},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None


def windows_named(display: XDisplay, title: str) -> list[str]:
    """Ids of visible windows whose title contains `title`."""
    done = xdotool(display, "search", "--onlyvisible", "--name", re.escape(title))
    return done.stdout.split() if done is not None and done.returncode == 0 else []


def windows_of(display: XDisplay, pid: int) -> list[str]:
    """Ids of visible windows that declare `pid` as their process (_NET_WM_PID)."""
    done = xdotool(display, "search", "--onlyvisible", "--pid", str(pid))
    return done.stdout.split() if done is not None and done.returncode == 0 else []


def window_titles(display: XDisplay) -> list[str]:
    """Titles of the visible named windows, for failure messages."""
    done = xdotool(display, "search", "--onlyvisible", "--name", ".", "getwindowname", "%@")
    if done is None or done.returncode != 0:
        return []
    return [t for t in dict.fromkeys(done.stdout.splitlines()) if t.strip()]


def wait_for_window(
    app: AppProcess,
    *,
    title: str | None,
    ready: float,
    grab: Callable[[], Any],
    baseline: Any,
    mask: Callable[[str], str] = lambda s: s,
) -> str:
    """Wait until the app shows its window; returns how it was recognised. ActionFailed on exit or timeout.

    With `title`, a visible window whose title contains it; otherwise a
    visible window of the app's process, or any change of the screen from
    `baseline` (the screen before the app started). Then waits (≤ 1 s) for
    the screen to stop changing, so the first action sees a drawn window.
    """
    deadline = time.monotonic() + ready
    how = ""
    while not how:
        code = app.exited()
        if code is not None:
            tail = app.output_tail(mask=mask)
            raise ActionFailed(
                f"the app exited during start-up with code {code}",
                actual=tail or "(no output)",
                help="run the app's command by hand on a display to see why" if not tail else None,
            )
        if title is not None:
            if windows_named(app.display, title):
                how = f"window {title!r}"
        elif app.pid is not None and windows_of(app.display, app.pid):
            how = "a window of the app's process"
        elif _differs(grab(), baseline):
            how = "the screen changed"
        if how:
            break
        if time.monotonic() >= deadline:
            seen = window_titles(app.display)
            what = f"no window titled {title!r}" if title is not None else "no window"
            raise ActionFailed(
                f"{what} appeared within {ready:g}s of starting the app",
                actual=("windows on screen: " + ", ".join(repr(t) for t in seen)) if seen else "no named windows",
                help="raise `ready`, or check `window` against the app's title" if title else "raise `ready`",
            )
        time.sleep(0.05)
    settle(grab, limit=1.0)
    return how


def _differs(a: Any, b: Any) -> bool:
    return a.size != b.size or a.tobytes() != b.tobytes()


def settle(grab: Callable[[], Any], *, limit: float = 1.0, interval: float = 0.08) -> None:
    """Wait until two screenshots in a row are equal, at most `limit` seconds."""
    end = time.monotonic() + limit
    previous = grab()
    while time.monotonic() < end:
        time.sleep(interval)
        current = grab()
        if not _differs(current, previous):
            return
        previous = current


@atexit.register
def _kill_leftovers() -> None:
    """Never leave an app's process group behind when the process exits without `end()`."""
    for pgid in list(_LIVE_GROUPS):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
    _LIVE_GROUPS.clear()
