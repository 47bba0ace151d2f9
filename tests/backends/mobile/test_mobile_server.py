"""Reaching Appium: an unreachable server, a session the server cannot start, and `server: local`."""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path

import pytest
from mobile_support import mobile_app, need, scenario_ctx

from panoptic.backends.mobile import appium_server
from panoptic.backends.mobile.appium_server import LocalAppiumServer, free_port
from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed, InfrastructureError
from panoptic.environment import appium_server_ready, find_appium

pytestmark = pytest.mark.mobile


def _group_members(pgid: int) -> list[int]:
    """Live processes whose process group is `pgid` (read from /proc)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def test_unreachable_server_names_the_url_and_the_fix() -> None:
    need(importlib.util.find_spec("appium") is not None, "Appium-Python-Client")
    from panoptic.backends.mobile.backend import MobileBackend

    url = f"http://127.0.0.1:{free_port()}"
    backend = MobileBackend(mobile_app({"server": url, "platform": "linux", "browser": "chrome"}))
    started = time.monotonic()
    with pytest.raises(InfrastructureError) as info:
        backend.start()
    assert time.monotonic() - started < 5
    assert url in info.value.message
    assert "npm install --prefix .tools/appium" in (info.value.help or "")
    assert "server: local" in (info.value.help or "")
    assert info.value.code == "PAN906"


def test_missing_appium_install_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(appium_server, "find_appium", lambda: None)
    with pytest.raises(InfrastructureError) as info:
        LocalAppiumServer().start()
    assert "appium is not installed" in info.value.message
    assert "npm install --prefix .tools/appium" in (info.value.help or "")


def test_bad_app_settings_fail_before_any_session(appium_url: str, tmp_path: Path) -> None:
    from panoptic.backends.mobile.backend import MobileBackend

    backend = MobileBackend(mobile_app({"server": appium_url, "platform": "android"}))
    backend.start()
    with pytest.raises(ActionFailed) as info:
        backend.begin(scenario_ctx(tmp_path))
    assert "needs `app`, `package`" in info.value.message
    backend.stop()


def test_session_the_server_cannot_start_is_an_infrastructure_error(appium_url: str, tmp_path: Path) -> None:
    from panoptic.backends.mobile.backend import MobileBackend

    # A real request for a native Android session: this server has no UiAutomator2 driver installed.
    backend = MobileBackend(mobile_app({"server": appium_url, "platform": "android", "app": "/nowhere/app.apk"}))
    backend.start()
    with pytest.raises(InfrastructureError) as info:
        backend.begin(scenario_ctx(tmp_path))
    assert "could not start a session" in info.value.message
    assert "UiAutomator2" in (info.value.help or "")
    backend.stop()


def test_local_server_runs_a_scenario_and_leaves_no_process(site_url: str, tmp_path: Path) -> None:
    need(find_appium() is not None, "appium (npm install --prefix .tools/appium)")
    need(importlib.util.find_spec("appium") is not None, "Appium-Python-Client")
    from panoptic.backends.mobile.backend import MobileBackend

    backend = MobileBackend(mobile_app({"server": "local", "platform": "linux", "browser": "chrome", "url": site_url}))
    backend.start()
    server = backend.local_server
    assert server is not None and server.pid is not None
    pid, url = server.pid, backend.server_url
    assert url is not None and appium_server_ready(url)
    ctx = scenario_ctx(tmp_path)
    backend.begin(ctx)
    backend.perform("navigate", {"url": "/index.html"}, 5.0)
    assert backend.query("query.text", {"target": ResolvedTarget("css", "h1")}) == "Tasks"
    assert len(_group_members(pid)) >= 2  # node plus the chromedriver it started for the session
    backend.end(ctx, failed=False)
    backend.stop()
    assert backend.local_server is None
    deadline = time.monotonic() + 5
    while _group_members(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group_members(pid) == []
    assert not os.path.exists(f"/proc/{pid}") or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    assert not appium_server_ready(url, timeout=0.5)
