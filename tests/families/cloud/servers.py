"""Real local servers of the three storage APIs, and a TCP proxy that can drop the line.

- S3: moto's server mode (`moto_server`), in memory;
- Google Cloud Storage: gcp-storage-emulator, in memory;
- Azure Blob: Azurite (npm, installed by scripts/setup.sh into .tools/azurite).

Each server listens on 127.0.0.1 on a free port, in its own session (a Ctrl-C
meant for pytest does not reach it, and a pytest that ignores SIGINT still
stops it), and is stopped by the fixture that started it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
AZURITE = Path(os.environ.get("PANOPTIC_AZURITE_HOME", ROOT / ".tools" / "azurite")) / "node_modules" / "azurite"
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A server process on 127.0.0.1:port."""

    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _start(
    name: str, argv: list[str], port: int, log: Path, ready: Callable[[], bool], env: dict | None = None
) -> Server:
    handle = log.open("wb")
    process = subprocess.Popen(
        argv,
        stdout=handle,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    handle.close()
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        if ready():
            return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{name} did not answer within 60 s: {log.read_text(errors='replace')[-2000:]}")


def _answers(url: str) -> Callable[[], bool]:
    def probe() -> bool:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return True
        except urllib.error.HTTPError:
            return True  # any HTTP answer: the server is up
        except OSError:
            return False

    return probe


def start_moto(tmp: Path, *, auth_after: int | None = None) -> Server:
    """moto_server; with `auth_after`, requests after the first N are checked against IAM keys."""
    port = free_port()
    env = {"INITIAL_NO_AUTH_ACTION_COUNT": str(auth_after)} if auth_after is not None else {}
    exe = shutil.which("moto_server", path=str(BIN)) or "moto_server"
    return _start(
        "moto", [exe, "-H", "127.0.0.1", "-p", str(port)], port, tmp / f"moto-{port}.log",
        _answers(f"http://127.0.0.1:{port}/moto-api/data.json"), env,
    )  # fmt: skip


def start_gcs(tmp: Path) -> Server:
    port = free_port()
    exe = shutil.which("gcp-storage-emulator", path=str(BIN)) or "gcp-storage-emulator"
    return _start(
        "gcp-storage-emulator", [exe, "start", "--host", "127.0.0.1", "--port", str(port), "--in-memory"], port,
        tmp / f"gcs-{port}.log", _answers(f"http://127.0.0.1:{port}/storage/v1/b"),
    )  # fmt: skip


def azurite_available() -> bool:
    return (AZURITE / "dist" / "src" / "blob" / "main.js").is_file() and shutil.which("node") is not None


def start_azurite(tmp: Path) -> Server:
    port = free_port()
    location = tmp / f"azurite-{port}"
    location.mkdir(parents=True, exist_ok=True)
    main = AZURITE / "dist" / "src" / "blob" / "main.js"
    return _start(
        "azurite",
        ["node", str(main), "--blobHost", "127.0.0.1", "--blobPort", str(port), "--location", str(location),
         "--silent", "--skipApiVersionCheck", "--loose"],
        port, tmp / f"azurite-{port}.log", _answers(f"http://127.0.0.1:{port}/{AZURITE_ACCOUNT}?comp=list"),
    )  # fmt: skip


class Proxy:
    """A TCP forwarder on 127.0.0.1 that can cut every connection and refuse new ones, then come back.

    With `delay`, the first bytes of the answer to each request wait that long: one network round trip
    per request and answer, for benchmarks.
    """

    def __init__(self, target_port: int, *, delay: float = 0.0) -> None:
        self.target_port = target_port
        self.delay = delay  # seconds added once per request and answer (a network's round trip)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self.bytes_up = 0
        self.cut_after: int | None = None  # cut everything once this many request bytes went through

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                stopped = self._listener is not listener
                if not stopped:
                    self._conns += [client, upstream]
            if stopped:  # stopped while this connection was being set up
                for sock in (client, upstream):
                    sock.close()
                return
            asked = threading.Event()  # set when a request went up and its answer has not started yet
            threading.Thread(target=self._pipe, args=(client, upstream, True, asked), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False, asked), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, up: bool, asked: threading.Event) -> None:
        try:
            while data := src.recv(65536):
                if up:
                    asked.set()
                elif self.delay and asked.is_set():
                    asked.clear()
                    time.sleep(self.delay)
                dst.sendall(data)
                if up:
                    with self._lock:
                        self.bytes_up += len(data)
                        cut = self.cut_after is not None and self.bytes_up >= self.cut_after
                    if cut:
                        threading.Thread(target=self.stop, daemon=True).start()
                        return
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        """Refuse new connections and reset the open ones (the server "goes away")."""
        with self._lock:
            listener, self._listener = self._listener, None
            conns, self._conns = self._conns, []
            self.cut_after = None
        # shutdown() first: close() alone does not wake a thread blocked in accept() or recv() on the socket,
        # and the kernel keeps such a socket open (the client would wait for its read timeout)
        if listener is not None:
            for action in (lambda: listener.shutdown(socket.SHUT_RDWR), listener.close):
                try:
                    action()
                except OSError:
                    pass
        for conn in conns:
            for action in (
                lambda conn=conn: conn.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                ),
                lambda conn=conn: conn.shutdown(socket.SHUT_RDWR),
                conn.close,
            ):
                try:
                    action()
                except OSError:
                    pass
