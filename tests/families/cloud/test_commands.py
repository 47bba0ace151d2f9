"""`panoptic sync`, `panoptic cleanup` and `panoptic analytics` through the command line (Typer's runner)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from panoptic.families.cloud.cli import register
from tests.families.cloud.conftest import Provider, provider_env
from tests.families.cloud.runs import Sc, set_mtime, write_run

DAY = 86400.0


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def invoke(app: typer.Typer, *args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    root = tmp_path / "panoptic-results"
    old = time.time() - 45 * DAY
    write_run(root / "r1", "r1", old, [Sc("login", artifacts=2), Sc("cart", ("failed",))], report=True)
    write_run(root / "r2", "r2", old + DAY, [Sc("login", artifacts=1), Sc("cart", ("failed", "passed"))], report=True)
    write_run(root / "r3", "r3", time.time() - 2 * DAY, [Sc("login"), Sc("cart")], report=True)
    return root


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def test_sync_a_folder_of_runs_twice(app, runs: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = invoke(app, "sync", str(runs), str(store))
    assert first.exit_code == 0, first.output
    files, _ = _size(runs)
    assert f"synced 3 runs to {store}: {files} uploaded" in first.output
    assert "files," in first.output  # progress lines
    assert sorted(p.name for p in store.iterdir()) == ["r1", "r2", "r3"]
    second = invoke(app, "sync", str(runs), str(store), "--quiet")
    assert second.exit_code == 0
    assert f": 0 uploaded (0 B), {files} unchanged" in second.output


def test_cleanup_dry_run_counts_then_deletes(app, runs: Path) -> None:
    old_files = _size(runs / "r1")[0] + _size(runs / "r2")[0]
    old_bytes = _size(runs / "r1")[1] + _size(runs / "r2")[1]
    other = runs / "keep-me"
    other.mkdir()
    (other / "notes.txt").write_text("not a run")
    set_mtime(other, time.time() - 400 * DAY)

    dry = invoke(app, "cleanup", str(runs), "--older-than", "30d", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would delete run r1" in dry.output and "would delete run r2" in dry.output
    assert f"would delete 2 run(s) from {runs}: {old_files} file(s)" in dry.output
    assert (runs / "r1").is_dir()

    real = invoke(app, "cleanup", str(runs), "--older-than", "4w")
    assert real.exit_code == 0, real.output
    assert f"deleted 2 run(s) from {runs}: {old_files} file(s)" in real.output
    assert sorted(p.name for p in runs.iterdir()) == ["keep-me", "r3"]
    from panoptic.families.cloud.sync import format_bytes

    assert format_bytes(old_bytes) in real.output


def test_analytics_writes_json_and_an_offline_html_page(app, runs: Path, tmp_path: Path) -> None:
    out = tmp_path / "analytics"
    result = invoke(app, "analytics", str(runs), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (
        "3 run(s), 6 scenario results, mean pass rate 83.3%, 1 flaky scenario(s), 2 failed attempt(s)" in result.output
    )
    data = json.loads((out / "analytics.json").read_text())
    assert data["summary"]["runs"] == 3
    page = (out / "analytics.html").read_text()
    assert page.count("<svg") >= 3
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_analytics_of_a_bucket(app, moto, runs: Path, monkeypatch) -> None:
    provider = Provider("s3", moto)
    provider_env(monkeypatch, "s3")
    bucket = provider.new_bucket()
    url = provider.url(bucket)
    assert invoke(app, "sync", str(runs), url, "-q").exit_code == 0
    result = invoke(app, "analytics", url, "-o", str(runs.parent / "a"))
    assert result.exit_code == 0, result.output
    assert "3 run(s), 6 scenario results" in result.output


@pytest.mark.parametrize(
    ("args", "code", "status"),
    [
        (("cleanup", "{runs}", "--older-than", "30"), "PAN938", 2),
        (("cleanup", "{runs}", "--older-than", "0d"), "PAN938", 2),
        (("cleanup", "{runs}/missing", "--older-than", "30d"), "PAN931", 1),
        (("sync", "{runs}", "ftp://x/y"), "PAN933", 2),
        (("sync", "{runs}/../nothing-here", "{runs}/../store"), "PAN936", 2),
        (
            ("sync", "{runs}", "s3://bucket/x?endpoint=http://127.0.0.1:9&region=us-east-1", "--attempts", "2"),
            "PAN930",
            3,
        ),
        (("analytics", "{runs}/../empty", "-o", "{runs}/../out"), "PAN936", 2),
    ],
)
def test_bad_input_gets_a_coded_message_and_no_traceback(app, runs: Path, monkeypatch, args, code, status) -> None:
    provider_env(monkeypatch, "s3")
    (runs.parent / "empty").mkdir(exist_ok=True)
    (runs.parent / "nothing-here").mkdir(exist_ok=True)
    result = invoke(app, *(a.format(runs=runs) for a in args))
    assert result.exit_code == status, result.output
    assert f"error[{code}]" in result.output
    assert "help:" in result.output
    assert "Traceback" not in result.output


def test_a_sync_told_to_stop_says_how_far_it_got_and_the_next_one_finishes(runs: Path, tmp_path: Path) -> None:
    from panoptic.families.cloud.errors import TransferFailed
    from panoptic.families.cloud.sync import sync_results

    seen = []
    with pytest.raises(TransferFailed) as info:
        sync_results(runs, tmp_path / "store", workers=1, progress=seen.append, should_stop=lambda: len(seen) >= 5)
    assert "the sync was interrupted; 5 of" in info.value.message
    files, _ = _size(runs)
    rest = sync_results(runs, tmp_path / "store")
    assert (rest.skipped, rest.uploaded) == (5, files - 5)


def test_a_sync_into_the_results_folder_itself_is_refused(app, runs: Path) -> None:
    for dest in (runs / "r1" / "copy", runs / "r1", runs):
        result = invoke(app, "sync", str(runs / "r1"), str(dest), "-q")
        assert result.exit_code == 2 and "error[PAN938]" in result.output, (dest, result.output)
    assert not (runs / "r1" / "copy").exists()


@pytest.mark.parametrize(
    ("url", "library"), [("s3://bucket/x", "boto3"), ("gs://bucket/x", "google"), ("az://box/x", "azure")]
)
def test_a_missing_client_library_names_the_extra(app, runs: Path, monkeypatch, url: str, library: str) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == library else real(name, *a))
    result = invoke(app, "sync", str(runs), url, "-q")
    assert result.exit_code == 1, result.output
    assert f"error[PAN934]: the `{library}` library is not installed" in result.output
    assert "[cloud]" in result.output
