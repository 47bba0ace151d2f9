"""The pytest plugin: `.pan` scenarios as items, markers from tags, -k on titles, carets, xdist, one results folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import panoptic

SUITE = """app site: web {
    serve: "site"
    timeout: 3s
}

scenario "greets the visitor" tags smoke {
    open "/"
    expect "#h" has text "Hello"
}

scenario "wrong greeting" tags slow {
    open "/"
    expect "#h" has text "Goodbye" within 300ms
}
"""

PAGE = '<!doctype html><html><head><title>Tiny</title></head><body><h1 id="h">Hello</h1></body></html>'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "suite.pan").write_text(SUITE, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return tmp_path


def pytest_in(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # `-p no:panoptic -p panoptic.pytest_plugin`: the plugin by module, whether or not the entry point is installed
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:panoptic",
        "-p",
        "panoptic.pytest_plugin",
        "-p",
        "no:cacheprovider",
    ]
    environ = {**os.environ, **env} if env else None
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=folder, timeout=300, env=environ)


def test_collection_tags_as_markers_and_k_on_titles(project: Path) -> None:
    done = pytest_in(project, "--collect-only", "-q")
    assert "suite.pan::greets the visitor" in done.stdout and "suite.pan::wrong greeting" in done.stdout
    done = pytest_in(project, "--collect-only", "-q", "-m", "smoke")
    assert "greets the visitor" in done.stdout and "wrong greeting" not in done.stdout
    done = pytest_in(project, "--collect-only", "-q", "-k", "wrong")
    assert "wrong greeting" in done.stdout and "greets the visitor" not in done.stdout
    done = pytest_in(project, "--collect-only", "-q", "--strict-markers", "-m", "slow")
    assert done.returncode == 0 and "wrong greeting" in done.stdout


def test_a_file_with_errors_is_a_collection_error_with_its_diagnostics(project: Path) -> None:
    (project / "broken.pan").write_text('scenario "x" on site {\n    clik "#a"\n}\n', encoding="utf-8")
    (project / "suite.pan").unlink()
    done = pytest_in(project, "-q", "broken.pan")
    assert done.returncode == 2
    assert "error[PAN201]" in done.stdout and "broken.pan:2:5" in done.stdout


@pytest.mark.browser
@pytest.mark.parametrize("workers", [None, "2"])
def test_run_failures_with_carets_and_one_merged_results_folder(project: Path, workers: str | None) -> None:
    args = ["-q", "--panoptic-output", "out"] + (["-n", workers] if workers else [])
    done = pytest_in(project, *args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 1 passed" in done.stdout
    assert "error[PAN901]" in done.stdout and "suite.pan:13:5" in done.stdout
    assert '13 |     expect "#h" has text "Goodbye" within 300ms' in done.stdout
    assert "^^^^" in done.stdout
    out = project / "out"
    assert (out / "report.html").is_file() and (out / "junit.xml").is_file()
    finished = [e for e in panoptic.events(out) if e.kind == "scenario_finished"]
    assert sorted(e.status for e in finished) == ["failed", "passed"]


@pytest.mark.browser
def test_fixtures_run_suites_and_single_flows_from_python_tests(project: Path) -> None:
    (project / "flows.pan").write_text(
        'use "./suite.pan"\n\nflow greeted(text) {\n    open "/"\n    expect "#h" has text text\n}\n',
        encoding="utf-8",
    )
    (project / "test_flows.py").write_text(
        """
import panoptic
import pytest


def test_flow_passes(panoptic_flow):
    assert panoptic_flow("flows.pan", "greeted", "Hello").ok


def test_flow_fails(panoptic_flow):
    assert panoptic_flow("flows.pan", "greeted", "Bye", timeout=0.3).exit_code == 1


def test_unknown_flow(panoptic_flow):
    with pytest.raises(panoptic.PanopticError):
        panoptic_flow("flows.pan", "nothing")


def test_suite(panoptic_run):
    assert panoptic_run("suite.pan", tags=["smoke"]).counts["passed"] == 1
""",
        encoding="utf-8",
    )
    done = pytest_in(project, "-q", "test_flows.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


@pytest.mark.browser
@pytest.mark.parametrize("workers", [None, "2"])
def test_one_browser_per_process_with_a_fresh_context_per_scenario(project: Path, workers: str | None) -> None:
    from panoptic.environment import find_chromium

    chromium = find_chromium(None)
    if chromium is None:
        pytest.skip("no Chromium")
    # Every launch of the browser (not `--version`) is logged by a wrapper that then runs the real Chromium.
    log = project / "launches.log"
    wrapper = project / "chromium-wrapper"
    wrapper.write_text(
        f'#!/bin/sh\ncase "$*" in *--version*) ;; *) echo "$$" >> "{log}" ;; esac\nexec "{chromium}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    # A page counting its visits in localStorage: each scenario sees 1 only if its browser context is fresh.
    (project / "site" / "count.html").write_text(
        '<!doctype html><html><body><p id="n"></p><script>'
        'const n = Number(localStorage.getItem("n") || 0) + 1; localStorage.setItem("n", n);'
        'document.getElementById("n").textContent = String(n);</script></body></html>',
        encoding="utf-8",
    )
    # A second file using the first's app: its scenarios run on the same app definition, so on the same browser.
    (project / "more.pan").write_text(
        'use "./suite.pan"\n\n'
        'scenario "first visit" on site {\n    open "/count.html"\n    expect "#n" has text "1"\n}\n\n'
        'scenario "first visit again" on site {\n    open "/count.html"\n    expect "#n" has text "1"\n}\n',
        encoding="utf-8",
    )
    args = ["-q", "--panoptic-output", "out", "-k", "not wrong"] + (["-n", workers] if workers else [])
    done = pytest_in(project, *args, env={"PANOPTIC_BROWSER": str(wrapper)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
    launches = log.read_text(encoding="utf-8").split()
    # One launch per pytest process (the xdist workers each start one), not one per scenario.
    assert (len(launches) == 1) if workers is None else (1 <= len(launches) <= 2), launches
    finished = [e for e in panoptic.events(project / "out") if e.kind == "scenario_finished"]
    assert sorted(e.status for e in finished) == ["passed"] * 3
    assert (project / "out" / "report.html").is_file() and (project / "out" / "junit.xml").is_file()
