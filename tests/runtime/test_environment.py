"""The report's environment names the components a run drives, with their versions."""

from __future__ import annotations

import json
import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from panoptic.compiler import compile_text
from panoptic.runtime.runner import RunOptions, environment


def options(tmp_path: Path) -> RunOptions:
    return RunOptions(output_dir=tmp_path, run_id="t")


def test_web_apps_report_the_browser_version(tmp_path: Path) -> None:
    if shutil.which("chromium") is None and not os.environ.get("CI"):
        pytest.skip("no Chromium on this machine")
    program = compile_text('app shop: web {\n    url: "http://127.0.0.1:9"\n}\n\nscenario "s" {\n    open "/"\n}\n')
    assert program.program is not None
    env = environment(options(tmp_path), program.program)
    assert env["browser"].startswith(("Chromium", "Google Chrome")), env
    assert env["python"] and env["panoptic"]


class _Status(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"value": {"ready": True, "build": {"version": "3.1.0"}}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_mobile_apps_report_the_appium_server_version(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Status)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        program = compile_text(
            f'app phone: mobile {{\n    server: "{url}"\n    platform: "linux"\n    browser: "chrome"\n}}\n\n'
            'scenario "s" {\n    tap "#a"\n}\n'
        )
        assert program.program is not None, program.diagnostics
        env = environment(options(tmp_path), program.program)
    finally:
        server.shutdown()
        server.server_close()
    assert env["appium"] == f"{url} (Appium 3.1.0)"


def test_an_unreachable_server_is_named_without_a_version(tmp_path: Path) -> None:
    program = compile_text(
        'app phone: mobile {\n    server: "http://127.0.0.1:9"\n    platform: "linux"\n    browser: "chrome"\n}\n\n'
        'scenario "s" {\n    tap "#a"\n}\n'
    )
    assert program.program is not None
    assert environment(options(tmp_path), program.program)["appium"] == "http://127.0.0.1:9"


def test_the_browser_version_is_asked_once_in_the_background(tmp_path: Path) -> None:
    """`panoptic run` starts the `--version` probe before compiling; the report's environment then reads its answer."""
    import time

    from panoptic.environment import prefetch_browser_version, web_environment

    calls = tmp_path / "calls"
    browser = tmp_path / "slow-chromium"
    browser.write_text(f'#!/bin/sh\necho probed >> "{calls}"\nsleep 0.4\necho "Chromium 999.0.1 test build"\n')
    browser.chmod(0o755)
    started = time.perf_counter()
    prefetch_browser_version(str(browser))
    assert time.perf_counter() - started < 0.3  # it does not wait for the answer
    assert web_environment([{"browser_path": str(browser)}]) == {"browser": "Chromium 999.0.1 test build"}
    assert web_environment([{"browser_path": str(browser)}]) == {"browser": "Chromium 999.0.1 test build"}
    assert calls.read_text().splitlines() == ["probed"]  # one process for the prefetch and both readings
