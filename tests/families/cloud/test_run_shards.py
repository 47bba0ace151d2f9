"""`panoptic run --shard K/N`: every scenario runs in exactly one shard, and `panoptic merge` joins them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SUITE = """app local: web {
    serve: "site"
}
""" + "".join(f'\nscenario "s{i}" on local {{\n    log "{i}"\n}}\n' for i in range(7))


def _panoptic(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "panoptic", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PANOPTIC_NO_CACHE": "1"},
        timeout=180,
    )


def test_shards_cover_the_suite_once_and_merge(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<title>t</title>")
    (tmp_path / "suite.pan").write_text(SUITE)
    listed = []
    for k in (1, 2, 3):
        done = _panoptic("run", "suite.pan", "--shard", f"{k}/3", "--list", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        listed.append([line.split("::")[1].split("  ")[0] for line in done.stdout.splitlines() if "::" in line])
    titles = sorted(t for shard in listed for t in shard)
    assert titles == [f"s{i}" for i in range(7)] and all(listed)
    for k in (1, 2):
        done = _panoptic("run", "suite.pan", "--shard", f"{k}/2", "-o", f"shard-{k}", cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
    merged = _panoptic("merge", "shard-1", "shard-2", "-o", "report", cwd=tmp_path)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    junit = (tmp_path / "report" / "junit.xml").read_text()
    assert 'tests="7"' in junit and 'failures="0"' in junit


def test_a_bad_shard_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "suite.pan").write_text(SUITE)
    done = _panoptic("run", "suite.pan", "--shard", "5/4", "--list", cwd=tmp_path)
    assert done.returncode == 2
    assert "shard 5/4 does not exist" in done.stderr and "Traceback" not in done.stderr


def test_cloud_sync_uploads_the_finished_run_after_the_reports(tmp_path: Path) -> None:
    """The statement uploads what exists when it runs; the family's finish hook uploads the reports too."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<title>t</title>")
    store = tmp_path / "store"
    store.mkdir()
    (tmp_path / "suite.pan").write_text(
        'app local: web {\n    serve: "site"\n}\n\nscenario "uploads" on local {\n'
        f'    log "hi"\n    cloud sync to "{store.as_posix()}"\n}}\n'
    )
    done = _panoptic("run", "suite.pan", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    uploaded = {p.name for p in store.rglob("*") if p.is_file()}
    assert {"report.html", "junit.xml", "results.jsonl.gz"} <= uploaded, uploaded
