"""A small LSP client over stdio: JSON-RPC 2.0 with Content-Length framing, as editors speak it.

Used by the end-to-end tests and by benchmarks/lsp_bench.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class LspError(Exception):
    def __init__(self, error: dict) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.error = error


class LspClient:
    """Starts `panoptic lsp` and talks to it like an editor does."""

    def __init__(self, cwd: str | Path | None = None, args: list[str] | None = None) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env.setdefault("PANOPTIC_NO_CACHE", "1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "panoptic", "lsp", *(args or [])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=str(cwd or ROOT),
            env=env,
        )
        self._next_id = 0
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self._responses: dict[int, dict] = {}
        self.notifications: list[tuple[float, dict]] = []
        self.server_requests: list[dict] = []
        self._stderr: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._err_reader = threading.Thread(target=self._read_err, daemon=True)
        self._err_reader.start()

    # ---- wire ----
    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        data = f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body
        with self._lock:
            assert self.proc.stdin is not None
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = stream.readline()
                if not line:
                    with self._cond:
                        self._cond.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers["content-length"])
            body = stream.read(length)
            message = json.loads(body.decode("utf-8"))
            now = time.perf_counter()
            if "id" in message and "method" in message:  # a request from the server
                self.server_requests.append(message)
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                continue
            with self._cond:
                if "id" in message:
                    self._responses[message["id"]] = message
                else:
                    self.notifications.append((now, message))
                self._cond.notify_all()

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._stderr.append(line)

    @property
    def stderr(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")

    # ---- API ----
    def send_request(self, method: str, params: Any = None) -> int:
        with self._lock:
            self._next_id += 1
            msg_id = self._next_id
        self._send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return msg_id

    def wait_response(self, msg_id: int, timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        with self._cond:
            while msg_id not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise TimeoutError(f"no response to request {msg_id}; stderr:\n{self.stderr}")
                self._cond.wait(left)
            message = self._responses.pop(msg_id)
        if "error" in message:
            raise LspError(message["error"])
        return message.get("result")

    def request(self, method: str, params: Any = None, timeout: float = 20.0) -> Any:
        return self.wait_response(self.send_request(method, params), timeout)

    def notify(self, method: str, params: Any = None) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_notification(self, method: str, predicate=None, timeout: float = 20.0, after: float = 0.0) -> dict:
        """The first notification of a method (received after `after`, a perf_counter time) that fits."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for when, message in self.notifications:
                    if when >= after and message.get("method") == method:
                        params = message.get("params")
                        if predicate is None or predicate(params):
                            return params
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise TimeoutError(f"no {method} notification; stderr:\n{self.stderr}")
                self._cond.wait(left)

    def received_at(self, method: str, predicate=None, after: float = 0.0, timeout: float = 20.0) -> float:
        """The perf_counter time at which a fitting notification arrived."""
        self.wait_notification(method, predicate, timeout, after)
        with self._cond:
            for when, message in self.notifications:
                if when >= after and message.get("method") == method:
                    if predicate is None or predicate(message.get("params")):
                        return when
        raise AssertionError("notification vanished")

    # ---- lifecycle ----
    def initialize(self, root: str | Path) -> dict:
        root_uri = Path(root).resolve().as_uri()
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": Path(root).name}],
                "capabilities": {
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": True}},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "rename": {"prepareSupport": True},
                        "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
                        "publishDiagnostics": {"relatedInformation": True},
                        "semanticTokens": {
                            "requests": {"full": True},
                            "tokenTypes": [],
                            "tokenModifiers": [],
                            "formats": ["relative"],
                        },
                    },
                    "workspace": {"workspaceFolders": True},
                },
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, path: str | Path, text: str, version: int = 1) -> str:
        uri = Path(path).resolve().as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "panoptic", "version": version, "text": text}},
        )
        return uri

    def change(self, uri: str, version: int, changes: list[dict]) -> float:
        sent = time.perf_counter()
        self.notify(
            "textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}
        )
        return sent

    def diagnostics(self, uri: str, *, after: float = 0.0, version: int | None = None, timeout: float = 20.0) -> list:
        params = self.wait_notification(
            "textDocument/publishDiagnostics",
            lambda p: p["uri"] == uri and (version is None or p.get("version") == version),
            timeout,
            after,
        )
        return params["diagnostics"]

    def shutdown(self, timeout: float = 10.0) -> int:
        try:
            self.request("shutdown", None, timeout)
            self.notify("exit", None)
        except (TimeoutError, BrokenPipeError, OSError):
            pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(5)
        finally:
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    if stream:
                        stream.close()
                except OSError:
                    pass


def position(text: str, needle: str, offset: int = 0) -> dict:
    """The LSP position of the first occurrence of `needle` (plus `offset` characters)."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    character = index - (text.rfind("\n", 0, index) + 1)
    return {"line": line, "character": character}
