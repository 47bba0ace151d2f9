"""Reaching an Appium server: probing a given URL, or starting the project's own one.

`require_server(url)` fails with an InfrastructureError that names the URL
and the fix when nothing answers. `LocalAppiumServer` runs the project's
Appium install (`.tools/appium`, see `panoptic.environment.find_appium`)
with `node` on 127.0.0.1 and a free port, waits for `/status`, and stops it
(and anything it started in its process group) in `stop()`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from panoptic.contract.errors import InfrastructureError
from panoptic.environment import appium_driver_installed, appium_server_ready, find_appium

DEFAULT_URL = "http://127.0.0.1:4723"
INSTALL_HINT = "npm install --prefix .tools/appium (with tools/appium/package.json copied there)"


def server_help(url: str) -> str:
    """The fix for an unreachable server, as a help line."""
    port = url.rsplit(":", 1)[-1].split("/")[0] if url.count(":") >= 2 else "4723"
    return (
        f"install Appium with `{INSTALL_HINT}`, then start it with "
        f"`node .tools/appium/node_modules/.bin/appium server --address 127.0.0.1 --port {port}`; "
        "or set `server: local` in the app so `panoptic run` starts and stops one itself"
    )


def require_server(url: str, timeout: float = 2.0) -> None:
    """Raise InfrastructureError (with the URL and the fix) unless an Appium server answers at `url`."""
    if not appium_server_ready(url, timeout=timeout):
        raise InfrastructureError(f"no Appium server answers at {url}", help=server_help(url))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalAppiumServer:
    """The project's Appium server, started for one run on 127.0.0.1 and a free port."""

    def __init__(self, *, port: int | None = None, ready_timeout: float = 60.0, script: Path | None = None) -> None:
        self.port = port
        self.ready_timeout = ready_timeout
        self.script = script
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the server has not been started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> str:
        """Start the server and wait until `/status` says it is ready; return its URL."""
        script = self.script or find_appium()
        if script is None:
            raise InfrastructureError(
                "appium is not installed in this project (no .tools/appium/node_modules/.bin/appium)",
                help=f"install it with `{INSTALL_HINT}`, or set PANOPTIC_APPIUM_HOME to a folder that has it",
            )
        node = shutil.which("node")
        if node is None:
            raise InfrastructureError("node is not on PATH; Appium needs Node.js", help="apt-get install -y nodejs npm")
        home = _appium_home(script)
        if home is not None and not appium_driver_installed(home):
            raise InfrastructureError(
                f"the Appium Chromium driver is not installed in {home}",
                help=f"install it with `{INSTALL_HINT}`",
            )
        self.port = self.port or free_port()
        fd, log_name = tempfile.mkstemp(prefix="panoptic-appium-", suffix=".log")
        self.log_path = Path(log_name)
        env = dict(os.environ)
        if home is not None:
            env["APPIUM_HOME"] = str(home)
        with os.fdopen(fd, "wb") as log:
            self.process = subprocess.Popen(
                [
                    node,
                    str(script),
                    "server",
                    "--address",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--log-level",
                    "warn",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_tail()
                self.stop()
                raise InfrastructureError(
                    f"the local Appium server exited at start (code {self.process.returncode})",
                    help=f"its log ends with: {tail}" if tail else server_help(self.url),
                )
            if appium_server_ready(self.url, timeout=0.5):
                return self.url
            time.sleep(0.1)
        self.stop()
        raise InfrastructureError(
            f"the local Appium server did not become ready within {self.ready_timeout:g}s",
            help=f"its log ends with: {self.log_tail()}",
        )

    def log_tail(self, lines: int = 5) -> str:
        """The last lines of the server's log, on one line."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return " | ".join(line.strip() for line in text[-lines:])

    def stop(self) -> None:
        """Stop the server and its process group (drivers it started); never raises."""
        process, self.process = self.process, None
        if process is not None:
            _stop_group(process)
        if self.log_path is not None:
            try:
                self.log_path.unlink()
            except OSError:
                pass
            self.log_path = None

    def __enter__(self) -> LocalAppiumServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _appium_home(script: Path) -> Path | None:
    """The folder holding `node_modules/appium` for a resolved Appium entry script."""
    for parent in script.parents:
        if parent.name == "node_modules":
            return parent.parent
    return None


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    pgid = process.pid  # start_new_session=True made the server the leader of its own group
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            break
        except OSError:
            try:
                process.send_signal(sig)
            except OSError:
                break
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; make sure nothing else of its group lingers.
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
        break
    else:
        try:
            process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            pass
