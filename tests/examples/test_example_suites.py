"""The example suites compile clean and, run with `panoptic run`, pass (or fail exactly where they mean to)."""

from __future__ import annotations

import gzip
import http.server
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
IN_CI = bool(os.environ.get("CI"))
SHOP_PASSWORD = "s3cret!"


def require(condition: bool, what: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available")


def panoptic_run(target: Path, output: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "panoptic", "run", str(target.relative_to(REPO)), "--output", str(output)],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
    )


def outcomes(output: Path) -> dict[str, tuple[str, str]]:
    """Scenario title -> (outcome, failure type) from the run's junit.xml."""
    tree = ET.parse(output / "junit.xml")
    result = {}
    for case in tree.iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            result[case.get("name")] = (problem.tag, problem.get("type") or "")
        elif case.find("skipped") is not None:
            result[case.get("name")] = ("skipped", "")
        else:
            result[case.get("name")] = ("passed", "")
    return result


def every_output_text(output: Path) -> str:
    """The text of every file a run wrote (results.jsonl decompressed when it is gzip)."""
    texts = []
    for file in output.rglob("*"):
        if not file.is_file():
            continue
        data = file.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        texts.append(data.decode("utf-8", "replace"))
    return "\n".join(texts)


@pytest.mark.parametrize("folder", ["shop", "failing", "desktop", "mobile", "todos"])
def test_example_suite_compiles_clean(folder):
    from panoptic.compiler import compile_paths

    result = compile_paths([str(EXAMPLES / folder)])
    assert not result.has_errors, [f"{d.code} {d.message}" for d in result.diagnostics]
    assert [d for d in result.diagnostics if d.severity != "info"] == []
    assert result.program is not None and result.program.scenarios


@pytest.mark.browser
@pytest.mark.slow
def test_shop_suite_passes_records_video_and_hides_the_password(tmp_path):
    output = tmp_path / "results"
    done = panoptic_run(EXAMPLES / "shop", output)
    assert done.returncode == 0, done.stdout + done.stderr
    results = outcomes(output)
    assert len(results) == 11
    assert {outcome for outcome, _ in results.values()} == {"passed"}, results
    assert (output / "report.html").is_file()

    videos = list(output.glob("artifacts/*checkout-with-one-item*/*.webm"))
    assert videos and videos[0].stat().st_size > 1000
    assert videos[0].read_bytes()[:4] == b"\x1a\x45\xdf\xa3"  # Matroska/WebM header
    shots = list(output.glob("artifacts/*/cart.png")) + list(output.glob("artifacts/*/catalog-bottom.png"))
    assert len(shots) == 2 and all(s.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for s in shots)

    assert SHOP_PASSWORD not in done.stdout + done.stderr
    assert SHOP_PASSWORD not in every_output_text(output)


@pytest.mark.browser
@pytest.mark.slow
def test_todos_suite_reads_the_page_and_reuses_a_saved_storage_state(tmp_path):
    output = tmp_path / "results"
    done = panoptic_run(EXAMPLES / "todos", output)
    assert done.returncode == 0, done.stdout + done.stderr
    results = outcomes(output)
    assert len(results) == 13  # 3 of them from one data-driven scenario
    assert "adding wash the car leaves one item" in results
    assert {outcome for outcome, _ in results.values()} == {"passed"}, results
    assert (output / "state" / "alice.json").is_file()  # saved by one scenario, restored by the next


@pytest.mark.browser
@pytest.mark.slow
def test_failing_examples_fail_where_they_mean_to(tmp_path):
    output = tmp_path / "results"
    done = panoptic_run(EXAMPLES / "failing", output)
    assert done.returncode == 1, done.stdout + done.stderr
    results = outcomes(output)
    assert results == {
        "the welcome message names someone else (fails: wrong expected text)": ("failure", "PAN901"),
        "buying the sold-out lamp (fails: its button is disabled)": ("failure", "PAN909"),
    }
    assert 'actual:   "Welcome, alice"' in done.stdout
    assert "examples/failing/shop.pan:8:5" in done.stdout.replace("\\", "/") or "shop.pan:8:5" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert SHOP_PASSWORD not in every_output_text(output)


@pytest.mark.desktop
@pytest.mark.slow
def test_desktop_suite_passes(tmp_path):
    require(all(shutil.which(tool) for tool in ("Xvfb", "xdotool", "tesseract")), "Xvfb, xdotool and tesseract")
    output = tmp_path / "results"
    done = panoptic_run(EXAMPLES / "desktop", output)
    assert done.returncode == 0, done.stdout + done.stderr
    results = outcomes(output)
    assert len(results) == 4 and {o for o, _ in results.values()} == {"passed"}, results


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.mobile
@pytest.mark.slow
def test_mobile_suite_passes_through_appium(tmp_path):
    from panoptic.environment import appium_server_ready

    require(appium_server_ready("http://127.0.0.1:4723"), "an Appium server on 127.0.0.1:4723 (scripts/ci-services.sh)")
    output = tmp_path / "results"
    done = panoptic_run(EXAMPLES / "mobile", output)  # the app serves site/ itself (`serve:`)
    assert done.returncode == 0, done.stdout + done.stderr
    results = outcomes(output)
    assert len(results) == 3 and {o for o, _ in results.values()} == {"passed"}, results
