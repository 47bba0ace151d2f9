"""The pytest plugin: `.pan` scenarios as items, markers from tags, -k on titles, carets, xdist, one results folder."""

from __future__ import annotations

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


def pytest_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
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
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=folder, timeout=300)


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
