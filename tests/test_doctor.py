"""`panoptic doctor` and the environment lookups, checked against this machine's real files and programs."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from panoptic import doctor, environment

IN_CI = bool(os.environ.get("CI"))
REPO = Path(__file__).resolve().parent.parent


def need(tool: str) -> str:
    """The path of an executable the test needs; skip without it, except in CI where its absence fails."""
    path = shutil.which(tool)
    if path is None:
        if IN_CI:
            pytest.fail(f"{tool} is required in CI")
        pytest.skip(f"{tool} is not installed")
    return path


@pytest.fixture
def browsers_path(tmp_path, monkeypatch) -> Path:
    """An empty Playwright browsers folder for this test only."""
    folder = tmp_path / "ms-playwright"
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(folder))
    monkeypatch.delenv(environment.BROWSER_ENV, raising=False)
    return folder


def make_executable(path: Path, body: str = "#!/bin/sh\necho fake-browser 1.0\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


# ---------------------------------------------------------------------------
# Playwright's locations


def test_playwright_revisions_come_from_the_installed_browsers_json():
    driver = environment.playwright_driver_dir()
    assert driver is not None, "playwright is a dependency of the dev install"
    data = json.loads((driver / "browsers.json").read_text())
    expected = {entry["name"]: str(entry["revision"]) for entry in data["browsers"]}
    assert environment.playwright_revision("ffmpeg") == expected["ffmpeg"]
    assert environment.playwright_revision("chromium") == expected["chromium"]
    assert environment.playwright_revision("no-such-download") is None


def test_browsers_path_follows_playwright_rules(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "b"))
    assert environment.playwright_browsers_path() == (tmp_path / "b").resolve()
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", "0")
    assert environment.playwright_browsers_path() == environment.playwright_driver_dir() / ".local-browsers"
    monkeypatch.delenv("PLAYWRIGHT_BROWSERS_PATH")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert environment.playwright_browsers_path() == tmp_path / "cache" / "ms-playwright"


def test_ffmpeg_path_is_under_the_browsers_path(browsers_path):
    revision = environment.playwright_revision("ffmpeg")
    assert environment.playwright_ffmpeg_path() == browsers_path / f"ffmpeg-{revision}" / "ffmpeg-linux"


# ---------------------------------------------------------------------------
# ffmpeg link


def test_ensure_ffmpeg_link_links_the_system_ffmpeg_and_it_runs(browsers_path):
    system = need("ffmpeg")
    target = environment.playwright_ffmpeg_path()
    assert not environment.ffmpeg_ready()

    ok, message = environment.ensure_ffmpeg_link()

    assert ok, message
    assert target.is_symlink() and target.resolve() == Path(system).resolve()
    assert environment.ffmpeg_ready()
    done = subprocess.run([str(target), "-hide_banner", "-version"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.startswith("ffmpeg version")
    # A second call leaves the working link alone.
    assert environment.ensure_ffmpeg_link() == (True, f"{target} is present")


def test_ensure_ffmpeg_link_replaces_a_dangling_link(browsers_path, tmp_path):
    system = need("ffmpeg")
    target = environment.playwright_ffmpeg_path()
    target.parent.mkdir(parents=True)
    target.symlink_to(tmp_path / "gone")
    assert not environment.ffmpeg_ready()

    ok, _ = environment.ensure_ffmpeg_link()

    assert ok and target.resolve() == Path(system).resolve()


def test_ensure_ffmpeg_link_refuses_a_missing_source(browsers_path, tmp_path):
    ok, message = environment.ensure_ffmpeg_link(str(tmp_path / "no-ffmpeg"))
    assert not ok
    assert "not an executable" in message
    assert not environment.playwright_ffmpeg_path().exists()


def test_ensure_ffmpeg_link_reports_an_unwritable_folder(tmp_path, monkeypatch):
    need("ffmpeg")
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(blocker))
    ok, message = environment.ensure_ffmpeg_link()
    assert not ok
    assert message.startswith("could not link")


# ---------------------------------------------------------------------------
# Chromium discovery


def test_find_chromium_finds_a_browser_that_runs(browsers_path):
    if not any(shutil.which(name) for name in environment.SYSTEM_CHROMIUM_NAMES):
        if IN_CI:
            pytest.fail("a system Chromium is required in CI")
        pytest.skip("no Chromium installed")
    path = environment.find_chromium()
    assert path is not None
    done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0
    assert "chrom" in done.stdout.lower()
    assert environment.locate_chromium().origin == "system"


def test_explicit_path_and_environment_take_precedence(browsers_path, tmp_path, monkeypatch):
    mine = make_executable(tmp_path / "my-browser")
    other = make_executable(tmp_path / "env-browser")
    monkeypatch.setenv(environment.BROWSER_ENV, str(other))
    assert environment.locate_chromium(str(mine)) == environment.Located(str(mine), "explicit")
    assert environment.locate_chromium() == environment.Located(str(other), f"env {environment.BROWSER_ENV}")


def test_a_named_browser_that_does_not_exist_is_not_replaced(browsers_path, tmp_path, monkeypatch):
    assert environment.find_chromium(str(tmp_path / "missing")) is None
    monkeypatch.setenv(environment.BROWSER_ENV, str(tmp_path / "missing"))
    assert environment.find_chromium() is None
    not_executable = tmp_path / "plain-file"
    not_executable.write_text("")
    assert environment.find_chromium(str(not_executable)) is None


def test_explicit_command_name_is_looked_up_on_path(browsers_path, tmp_path, monkeypatch):
    make_executable(tmp_path / "bin" / "my-chromium")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    assert environment.find_chromium("my-chromium") == str(tmp_path / "bin" / "my-chromium")


def test_playwright_own_chromium_is_preferred_over_the_system_one(browsers_path):
    revision = environment.playwright_revision("chromium")
    own = make_executable(browsers_path / f"chromium-{revision}" / "chrome-linux64" / "chrome")
    assert environment.locate_chromium() == environment.Located(str(own), "playwright")


def test_a_headless_run_prefers_the_headless_shell_and_a_headed_run_never_gets_it(browsers_path, tmp_path, monkeypatch):
    shell = make_executable(tmp_path / "bin" / "chromium-headless-shell")
    full = make_executable(tmp_path / "bin" / "chromium")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert environment.locate_chromium() == environment.Located(str(shell), "system")
    assert environment.locate_chromium(headless=False) == environment.Located(str(full), "system")
    full.unlink()
    assert environment.locate_chromium(headless=False) is None
    # a browser named explicitly is launched as named, shell or not
    assert environment.find_chromium(str(shell), headless=False) == str(shell)


def test_playwright_own_headless_shell_is_for_headless_runs_only(browsers_path):
    revision = environment.playwright_revision("chromium")
    shell_revision = environment.playwright_revision("chromium-headless-shell") or revision
    full = make_executable(browsers_path / f"chromium-{revision}" / "chrome-linux64" / "chrome")
    shell = make_executable(
        browsers_path
        / f"chromium_headless_shell-{shell_revision}"
        / "chrome-headless-shell-linux64"
        / "chrome-headless-shell"
    )
    assert environment.locate_chromium() == environment.Located(str(shell), "playwright")
    assert environment.locate_chromium(headless=False) == environment.Located(str(full), "playwright")


def test_playwright_chromium_of_another_revision_is_ignored(browsers_path):
    make_executable(browsers_path / "chromium-1" / "chrome-linux64" / "chrome")
    located = environment.locate_chromium()
    assert located is None or located.origin == "system"


# ---------------------------------------------------------------------------
# Appium


class _StatusHandler(http.server.BaseHTTPRequestHandler):
    ready = True

    def do_GET(self):
        body = json.dumps({"value": {"ready": self.ready, "message": "test"}}).encode()
        self.send_response(200 if self.path == "/status" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("ready", [True, False])
def test_appium_server_probe_reads_the_status_endpoint(ready):
    handler = type("Handler", (_StatusHandler,), {"ready": ready})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        assert environment.appium_server_ready(url) is ready
    finally:
        server.shutdown()
        server.server_close()


def test_appium_server_probe_is_false_when_nothing_listens():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StatusHandler)
    port = server.server_address[1]
    server.server_close()
    assert environment.appium_server_ready(f"http://127.0.0.1:{port}", timeout=0.5) is False


def test_appium_home_from_the_environment(tmp_path, monkeypatch):
    home = tmp_path / "appium-home"
    make_executable(home / "node_modules" / "appium" / "index.js", "#!/bin/sh\n")
    (home / "node_modules" / "appium" / "package.json").write_text('{"version": "3.1.0"}')
    (home / "node_modules" / ".bin").mkdir()
    (home / "node_modules" / ".bin" / "appium").symlink_to("../appium/index.js")
    monkeypatch.setenv(environment.APPIUM_HOME_ENV, str(home))
    assert environment.find_appium_home() == home.resolve()
    assert environment.find_appium() == (home / "node_modules" / "appium" / "index.js").resolve()
    assert environment.npm_package_version(home, "appium") == "3.1.0"
    assert environment.npm_package_version(home, "appium-chromium-driver") is None
    check = doctor.check_appium_install()
    assert not check.ok and "appium-chromium-driver is missing" in check.detail


def test_project_appium_install_runs():
    """The install made by scripts/setup.sh answers `appium --version`."""
    need("node")
    script = environment.find_appium()
    if script is None:
        if IN_CI:
            pytest.fail("Appium must be installed by scripts/setup.sh in CI")
        pytest.skip("Appium is not installed under .tools/appium")
    done = subprocess.run(["node", str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split(".")[0] == "3"
    assert doctor.check_appium_install().ok


# ---------------------------------------------------------------------------
# the doctor itself


def test_each_check_line_says_ok_or_missing_with_a_fix(browsers_path):
    report = doctor.diagnose()
    text = doctor.render(report)
    for check in report.checks:
        line = next(line for line in text.splitlines() if f" {check.name} " in line)
        assert line.strip().startswith("OK" if check.ok else "MISSING")
        if not check.ok:
            assert check.fix, f"{check.name} has no fix command"
            assert f"fix: {check.fix}" in text
    ffmpeg = next(c for c in report.checks if c.name == "ffmpeg for video")
    assert not ffmpeg.ok and "panoptic doctor --fix" in ffmpeg.fix
    assert not report.ok and report.exit_code == 1


def test_python_check_reports_this_interpreter():
    check = doctor.check_python()
    assert check.ok and check.required
    assert sys.executable in check.detail


def test_missing_tools_are_reported_with_their_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    check = doctor.check_executable("desktop", "xdotool", "xdotool", "xdotool", ("--version",))
    assert not check.ok
    assert check.fix == "apt-get install -y xdotool"


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "panoptic", "doctor", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=REPO,
    )


def test_cli_fix_creates_the_link_and_turns_the_exit_code_to_zero(tmp_path):
    need("ffmpeg")
    if environment.find_chromium() is None:
        if IN_CI:
            pytest.fail("a Chromium is required in CI")
        pytest.skip("no Chromium installed")
    env = {**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "pw")}
    env.pop(environment.BROWSER_ENV, None)

    before = run_cli("--json", env=env)
    assert before.returncode == 1, before.stdout + before.stderr
    checks = {c["name"]: c for c in json.loads(before.stdout)["checks"]}
    assert checks["ffmpeg for video"]["ok"] is False
    assert checks["chromium"]["ok"] is True

    fixed = run_cli("--fix", env=env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "fixed: linked" in fixed.stdout
    assert "ready: every web piece is present" in fixed.stdout
    assert any(line.strip().startswith("OK") and "ffmpeg for video" in line for line in fixed.stdout.splitlines())

    again = run_cli(env=env)
    assert again.returncode == 0
    assert "fixed:" not in again.stdout


def test_cli_fails_when_the_configured_browser_is_missing(tmp_path):
    env = {**os.environ, environment.BROWSER_ENV: str(tmp_path / "nope"), "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path)}
    done = run_cli(env=env)
    assert done.returncode == 1
    assert f"{environment.BROWSER_ENV}={tmp_path / 'nope'} is not an executable" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_doctor_reports_the_parser_plugins_and_optional_extras() -> None:
    from panoptic import doctor

    report = doctor.diagnose()
    by_name = {(c.area, c.name): c for c in report.checks}
    assert by_name[("core", "parser")].ok, by_name[("core", "parser")].detail
    plugins = by_name[("core", "plugins")]
    assert plugins.ok and "control" in plugins.detail and "cloud" in plugins.detail
    assert ("cloud", "boto3 (S3)") in by_name and ("enterprise", "sqlalchemy") in by_name


def test_doctor_names_a_plugin_that_fails_to_load(monkeypatch) -> None:
    from panoptic import doctor
    from panoptic.contract import plugins

    problem = plugins.PluginProblem("panoptic.families", "shiny", "shiny:FAMILY", "shiny-family", "ImportError: no")
    monkeypatch.setitem(plugins._PROBLEMS, ("panoptic.families", "shiny", "shiny:FAMILY"), problem)
    check = doctor.check_plugins()
    assert not check.ok and "shiny-family" in check.detail and "ImportError: no" in check.detail
