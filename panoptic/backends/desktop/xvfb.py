"""Start and stop a virtual X display (Xvfb) on a free display number.

`start_xvfb()` picks a display number whose socket and lock file are both
absent, starts `Xvfb :N -screen 0 WxHx24 -nolisten tcp` in its own process
group and waits until its socket appears. If another process wins the race
for that number, the next one is tried. The display comes with an empty
XAUTHORITY file (Xlib refuses to connect without one) and the environment
variables a client needs (`XDisplay.env()`).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from panoptic.backends.desktop.lifeline import die_with_parent
from panoptic.contract.errors import InfrastructureError

SOCKET_DIR = Path("/tmp/.X11-unix")
FIRST_DISPLAY = 99
LAST_DISPLAY = 599

_LIVE: dict[int, subprocess.Popen[bytes]] = {}
_AUTH_FILES: set[str] = set()


def _display_in_use(number: int) -> bool:
    return (SOCKET_DIR / f"X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists()


def free_display_number(start: int = FIRST_DISPLAY, end: int = LAST_DISPLAY) -> int:
    """The first display number in [start, end] with neither an X socket nor a lock file."""
    for number in range(start, end + 1):
        if not _display_in_use(number):
            return number
    raise InfrastructureError(f"no free X display number between :{start} and :{end}")


@dataclass
class XDisplay:
    """An X display this process uses: one it started (`process` set) or an existing one."""

    name: str  # ":99"
    size: tuple[int, int]
    auth_file: str | None = None
    process: subprocess.Popen[bytes] | None = None
    _own_auth: bool = field(default=False, repr=False)

    @property
    def number(self) -> int:
        return int(self.name.lstrip(":").split(".")[0])

    def env(self) -> dict[str, str]:
        """Variables a client process needs to talk to this display."""
        env = {"DISPLAY": self.name, "XDG_SESSION_TYPE": "x11"}
        if self.auth_file is not None:
            env["XAUTHORITY"] = self.auth_file
        return env

    def alive(self) -> bool:
        return self.process is None or self.process.poll() is None

    def stop(self) -> None:
        """Stop Xvfb if this process started it and remove the empty XAUTHORITY file; never raises."""
        if self.process is not None:
            _terminate(self.process)
            _LIVE.pop(self.process.pid, None)
            self.process = None
        if self._own_auth and self.auth_file:
            with contextlib.suppress(OSError):
                os.unlink(self.auth_file)
            _AUTH_FILES.discard(self.auth_file)
            self._own_auth = False


def _terminate(proc: subprocess.Popen[bytes], grace: float = 2.0) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)


def _empty_auth_file() -> str:
    fd, path = tempfile.mkstemp(prefix="panoptic-xauth-")
    os.close(fd)
    _AUTH_FILES.add(path)
    return path


def start_xvfb(size: tuple[int, int] = (1920, 1080), *, depth: int = 24, timeout: float = 2.0) -> XDisplay:
    """Start Xvfb on a free display with a `size` screen; InfrastructureError if it cannot start."""
    exe = shutil.which("Xvfb")
    if exe is None:
        raise InfrastructureError(
            "Xvfb is not installed: a desktop app without `display` needs a virtual X display",
            help='install it (Debian/Ubuntu: apt-get install xvfb) or set `display: ":0"` to use an existing one',
        )
    width, height = size
    last_error = ""
    number = FIRST_DISPLAY
    for _attempt in range(5):
        number = free_display_number(number)
        log = tempfile.TemporaryFile()  # noqa: SIM115 - Xvfb output; an unread pipe could fill up and block it
        # -displayfd: Xvfb writes the display number to this pipe once it really serves the display, and exits
        # without writing when another server holds the number (the socket file alone proves nothing).
        ready_read, ready_write = os.pipe()
        try:
            proc = subprocess.Popen(
                # -noreset: without it the server resets whenever its last client disconnects (after a screenshot).
                [
                    exe,
                    f":{number}",
                    "-screen",
                    "0",
                    f"{width}x{height}x{depth}",
                    "-nolisten",
                    "tcp",
                    "-noreset",
                    "-displayfd",
                    str(ready_write),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                pass_fds=(ready_write,),
                preexec_fn=die_with_parent(),  # dies with the run, even on SIGKILL
            )
        finally:
            os.close(ready_write)
        _LIVE[proc.pid] = proc
        socket = SOCKET_DIR / f"X{number}"
        announced = _read_ready(ready_read, timeout)
        if announced == str(number) and proc.poll() is None:
            log.close()  # Xvfb keeps its own descriptor
            return XDisplay(
                name=f":{number}", size=(width, height), auth_file=_empty_auth_file(), process=proc, _own_auth=True
            )
        if proc.poll() is None:
            _terminate(proc)
            last_error = f"it did not report ready on {socket} within {timeout:g}s"
        else:
            log.seek(0)
            err = log.read().decode(errors="replace").strip()
            last_error = err.splitlines()[-1] if err else f"exit code {proc.returncode}"
        log.close()
        _LIVE.pop(proc.pid, None)
        number += 1  # taken meanwhile, or broken: try the next number
    raise InfrastructureError(f"Xvfb could not start on :{number - 1}: {last_error}")


def _read_ready(fd: int, timeout: float) -> str:
    """What Xvfb wrote to its -displayfd pipe; "" if it closed the pipe or `timeout` passed."""
    import select

    data = b""
    deadline = time.monotonic() + timeout
    try:
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 16)
            if not chunk:
                break
            data += chunk
    finally:
        os.close(fd)
    return data.decode(errors="replace").strip()


def existing_display(name: str) -> XDisplay:
    """An already running display such as ":0" (its size is read from the server)."""
    from PIL import ImageGrab

    auth = os.environ.get("XAUTHORITY")
    own = False
    if not auth or not Path(auth).exists():
        auth, own = _empty_auth_file(), True
    env_before = os.environ.get("XAUTHORITY")
    os.environ["XAUTHORITY"] = auth
    try:
        size = ImageGrab.grab(xdisplay=name).size
    except OSError as exc:
        if own:
            os.unlink(auth)
        raise InfrastructureError(
            f"cannot connect to X display {name}: {exc}",
            help="check that the display is running and accessible, or use `display: auto` to start Xvfb",
        ) from exc
    finally:
        if env_before is None:
            os.environ.pop("XAUTHORITY", None)
        else:
            os.environ["XAUTHORITY"] = env_before
    return XDisplay(name=name, size=size, auth_file=auth, _own_auth=own)


@atexit.register
def _stop_leftovers() -> None:
    """Never leave an Xvfb behind when the process exits without calling stop()."""
    for proc in list(_LIVE.values()):
        _terminate(proc, grace=1.0)
    _LIVE.clear()
    for path in list(_AUTH_FILES):
        with contextlib.suppress(OSError):
            os.unlink(path)
    _AUTH_FILES.clear()
