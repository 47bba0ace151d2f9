"""A quiet static HTTP server for a web app's `serve: "folder"` setting.

The folder is served on 127.0.0.1 on a free port, from a daemon thread, for
as long as the web backend runs. Only loopback is bound: nothing outside the
machine can reach the files. Links that lead out of the folder are not
followed (404), and the check refuses `serve: "/"` and the home folder.
"""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from panoptic.contract.errors import InfrastructureError


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files like `SimpleHTTPRequestHandler` without writing a line per request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        """Refuse (404) a path that leads out of the served folder through a link, before opening it."""
        root = os.path.realpath(self.directory)
        real = os.path.realpath(self.translate_path(self.path))
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            self.send_error(404, "File not found")
            return None
        return super().send_head()

    def end_headers(self) -> None:
        # Each scenario must see the folder as it is now, not a cached copy.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class StaticServer:
    """Serve one folder over HTTP on 127.0.0.1; `start()` picks a free port, `stop()` releases it."""

    def __init__(self, folder: Path | str, host: str = "127.0.0.1") -> None:
        self.folder = Path(folder)
        self.host = host
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the static server is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The base URL, ending in "/"."""
        return f"http://{self.host}:{self.port}/"

    def start(self) -> str:
        """Start serving and return the base URL; raises InfrastructureError when the folder is missing."""
        if self._server is not None:
            return self.url
        if not self.folder.is_dir():
            raise InfrastructureError(
                f"the folder to serve does not exist: {self.folder}",
                help="point `serve:` at an existing folder (relative paths start at the .pan file's folder)",
            )
        handler = functools.partial(_QuietHandler, directory=os.path.realpath(self.folder))
        try:
            server = ThreadingHTTPServer((self.host, 0), handler)
        except OSError as exc:
            raise InfrastructureError(
                f"could not start the static server on {self.host}: {exc.strerror or exc}",
                help="check that the loopback interface is up",
            ) from exc
        server.daemon_threads = True
        thread = threading.Thread(
            # `shutdown()` waits for the loop to see it: poll often, or stopping takes 0.25 s on average
            target=server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"panoptic-serve-{self.folder.name}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self.url

    def stop(self) -> None:
        """Stop serving and close the socket; safe to call twice."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        try:
            server.shutdown()
            server.server_close()
        except OSError:
            pass
        if thread is not None:
            thread.join(timeout=5)
