"""The run handler: `cloud sync`, `cloud cleanup` and `cloud analytics` steps, in process and through `panoptic run`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from panoptic.contract.backend import ScenarioContext
from panoptic.contract.family import RunContext, StepContext, StepResult
from panoptic.families.cloud.errors import BadArgument, BadStorageURL, NoResults
from panoptic.families.cloud.runtime import PENDING, CloudRuntime, finish_syncs
from panoptic.source import Span
from tests.families.cloud.conftest import Provider, provider_env
from tests.families.cloud.runs import Sc, set_mtime, write_run

DAY = 86400.0
OLD = time.time() - 40 * DAY


def _step(scenario_dir: Path, masked: tuple[str, ...] = ()) -> StepContext:
    scenario_dir.mkdir(parents=True, exist_ok=True)
    ctx = ScenarioContext("suite.pan::s", "s", scenario_dir, masked, 5.0)

    def mask(text: str) -> str:
        for value in masked:
            text = text.replace(value, "••••••")
        return text

    return StepContext(
        scenario=ctx, app=None, backend=None, timeout=5.0, span=Span("suite.pan", 0, 10, 3, 5, 3, 15),  # type: ignore[arg-type]
        mask=mask, register_secret=lambda _v: None, should_stop=lambda: False,
    )  # fmt: skip


@pytest.fixture
def results_root(tmp_path: Path) -> Path:
    """panoptic-results/ with two old runs, one recent run, a non-run folder, and the running run."""
    root = tmp_path / "panoptic-results"
    write_run(root / "old-1", "old-1", OLD, [Sc("login"), Sc("cart", ("failed",), code="PAN902")])
    write_run(root / "old-2", "old-2", OLD + DAY, [Sc("login"), Sc("cart", ("failed", "passed"))])
    write_run(root / "recent", "recent", time.time() - DAY, [Sc("login"), Sc("cart")])
    notes = root / "notes"
    notes.mkdir()
    (notes / "keep.txt").write_text("not a run")
    set_mtime(notes, OLD)
    current = write_run(root / "current", "current", OLD, [Sc("login")])  # old mtimes, yet the running run
    return current


def _runtime(output_dir: Path) -> CloudRuntime:
    runtime = CloudRuntime()
    runtime.start(RunContext(output_dir=output_dir, project_dir=output_dir.parent.parent))
    return runtime


def test_sync_step_uploads_the_run_so_far_and_the_rest_follows_after_the_reports(
    moto, results_root: Path, monkeypatch
) -> None:
    provider = Provider("s3", moto)
    provider_env(monkeypatch, "s3")
    bucket = provider.new_bucket()
    url = provider.url(bucket)
    runtime = _runtime(results_root)
    message = runtime.perform("cloud.sync", {"url": url}, _step(results_root / "artifacts" / "001-s"))
    assert isinstance(message, str) and message.startswith("uploaded 1 file(s)")
    assert f"to s3://{bucket}/runs/current" in message
    assert set(provider.objects(bucket)) == {"runs/current/results.jsonl.gz"}
    assert json.loads((results_root / PENDING).read_text()) == [url]

    (results_root / "report.html").write_text("<html>the final report</html>")  # the runner writes the reports
    (lines,) = finish_syncs(results_root)
    assert "1 uploaded" in lines and "1 unchanged" in lines
    assert provider.read(bucket, "runs/current/report.html") == b"<html>the final report</html>"
    assert PENDING not in "".join(provider.objects(bucket))


def test_sync_step_reports_a_bad_url_from_a_variable(results_root: Path) -> None:
    runtime = _runtime(results_root)
    with pytest.raises(BadStorageURL) as info:
        runtime.perform("cloud.sync", {"url": "s3://No_Such/x"}, _step(results_root / "artifacts" / "001-s"))
    assert info.value.code == "PAN933" and "PAN421" in info.value.message


def test_cleanup_step_deletes_old_runs_beside_this_one_and_never_this_one(results_root: Path) -> None:
    root = results_root.parent
    runtime = _runtime(results_root)
    message = runtime.perform("cloud.cleanup", {"age": 30 * DAY}, _step(results_root / "artifacts" / "001-s"))
    assert isinstance(message, str) and message.startswith("deleted 2 run(s) from")
    assert sorted(p.name for p in root.iterdir()) == ["current", "notes", "recent"]
    assert (root / "notes" / "keep.txt").read_text() == "not a run"
    with pytest.raises(BadArgument):
        runtime.perform("cloud.cleanup", {"age": 0.0}, _step(results_root / "artifacts" / "001-s"))


def test_analytics_step_reads_earlier_runs_and_writes_two_artifacts(results_root: Path) -> None:
    runtime = _runtime(results_root)
    result = runtime.perform("cloud.analytics", {}, _step(results_root / "artifacts" / "001-s"))
    assert isinstance(result, StepResult)
    assert result.message == "3 run(s), 6 scenario results, mean pass rate 83.3%, 1 flaky"
    assert [a.path for a in result.artifacts] == ["artifacts/001-s/analytics.json", "artifacts/001-s/analytics.html"]
    data = json.loads((results_root / "artifacts" / "001-s" / "analytics.json").read_text())
    assert [r["run_id"] for r in data["runs"]] == ["old-1", "old-2", "recent"]  # not the running one


def test_analytics_step_without_earlier_runs_fails_with_a_code(tmp_path: Path) -> None:
    current = write_run(tmp_path / "panoptic-results" / "only", "only", OLD, [Sc("login")])
    with pytest.raises(NoResults) as info:
        _runtime(current).perform("cloud.analytics", {}, _step(current / "artifacts" / "001-s"))
    assert info.value.code == "PAN936"


@pytest.mark.browser
def test_panoptic_run_with_cloud_statements(tmp_path: Path) -> None:
    if not (shutil.which("chromium") or os.environ.get("PANOPTIC_BROWSER")):
        pytest.skip("needs Chromium")
    suite = tmp_path / "suite.pan"
    suite.write_text(
        'app shop: web {\n    url: "http://127.0.0.1:9"\n}\n\n'
        'scenario "first" on shop {\n    log "hello"\n}\n\n'
        'scenario "store" on shop {\n    cloud sync to "./store"\n    cloud cleanup older than 30d\n}\n',
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "panoptic", "run", str(suite), "-o", str(tmp_path / "results" / "run-1")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert (tmp_path / "store" / "run-1" / "results.jsonl.gz").is_file()
    events = subprocess.run(
        ["zcat", str(tmp_path / "results" / "run-1" / "results.jsonl.gz")], capture_output=True, text=True, check=True
    ).stdout
    assert "uploaded 1 file(s)" in events and "deleted 0 run(s)" in events
