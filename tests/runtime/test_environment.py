"""The report's environment names the components a run drives, with their versions."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
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


def test_the_report_names_the_headless_shell_and_a_headed_run_its_own_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, answer in (("chromium-headless-shell", "Chromium 9.0.1"), ("chromium", "Chromium 9.0.2")):
        (bin_dir / name).write_text(f"#!/bin/sh\necho {answer}\n")
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-playwright-browsers"))
    monkeypatch.setenv("PANOPTIC_NO_CACHE", "1")
    monkeypatch.delenv("PANOPTIC_BROWSER", raising=False)
    program = compile_text('app shop: web {\n    url: "http://127.0.0.1:9"\n}\n\nscenario "s" {\n    open "/"\n}\n')
    assert program.program is not None
    assert environment(options(tmp_path), program.program)["browser"] == "Chromium 9.0.1 (headless shell)"
    headed = RunOptions(output_dir=tmp_path, run_id="t", headed=True)
    assert environment(headed, program.program)["browser"] == "Chromium 9.0.2"


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
    browser.write_text(f'#!/bin/sh\necho probed >> "{calls}"\nsleep 1.5\necho "Chromium 999.0.1 test build"\n')
    browser.chmod(0o755)
    started = time.perf_counter()
    prefetch_browser_version(str(browser))
    assert time.perf_counter() - started < 1.0  # it does not wait for the answer (1.5 s), even on a loaded machine
    assert web_environment([{"browser_path": str(browser)}]) == {"browser": "Chromium 999.0.1 test build"}
    assert web_environment([{"browser_path": str(browser)}]) == {"browser": "Chromium 999.0.1 test build"}
    assert calls.read_text().splitlines() == ["probed"]  # one process for the prefetch and both readings


def test_a_browser_asked_in_an_earlier_run_is_not_asked_again_until_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version is kept in the cache folder, keyed by the executable's size and modification time: a later
    run (a new process: `_VERSIONS` empty) starts no process, and a replaced executable is asked again."""
    from panoptic import environment as env

    monkeypatch.setenv("PANOPTIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PANOPTIC_NO_CACHE", raising=False)
    calls = tmp_path / "calls"
    browser = tmp_path / "chromium"

    def install(version: str) -> None:
        browser.write_text(f'#!/bin/sh\necho probed >> "{calls}"\necho "Chromium {version}"\n')
        browser.chmod(0o755)

    def new_run() -> str | None:
        monkeypatch.setattr(env, "_VERSIONS", {})
        return env.web_environment([{"browser_path": str(browser)}]).get("browser")

    install("100.0.1")
    assert new_run() == "Chromium 100.0.1"
    for _ in range(50):  # the probe's thread stores the answer after handing it over
        if (tmp_path / "cache" / "executable-versions.json").is_file():
            break
        time.sleep(0.02)
    assert new_run() == "Chromium 100.0.1"
    assert calls.read_text().splitlines() == ["probed"]
    install("101.0.22")  # an update: another size
    assert new_run() == "Chromium 101.0.22"
    assert calls.read_text().splitlines() == ["probed", "probed"]
    monkeypatch.setenv("PANOPTIC_NO_CACHE", "1")  # no cache folder: asked every time
    assert new_run() == "Chromium 101.0.22"
    assert calls.read_text().splitlines() == ["probed"] * 3
