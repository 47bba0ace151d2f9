"""`panoptic run --cluster local:2` on the example shop: real Chromium in the workers of a real Dask cluster."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytest.importorskip("distributed")


@pytest.mark.browser
@pytest.mark.slow
def test_the_shop_suite_passes_on_a_local_cluster(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "panoptic",
            "run",
            str(ROOT / "examples" / "shop"),
            "-k",
            "cart or search",
            "--cluster",
            "local:2",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PANOPTIC_NO_CACHE": "1"},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    from panoptic.report.jsonl import read_records
    from panoptic.report.model import build_model_from_records

    results = build_model_from_records(read_records(out / "results.jsonl.gz"))
    statuses = {s.title: s.status for s in results.scenarios}
    assert len(statuses) == 3 and set(statuses.values()) == {"passed"}, statuses
    assert {s.final.worker for s in results.scenarios} == {1, 2}
    assert (out / "report.html").is_file() and (out / "junit.xml").is_file()
    junit = (out / "junit.xml").read_text()
    assert 'failures="0"' in junit and 'errors="0"' in junit
    assert (tmp_path / ".panoptic" / "durations.json").is_file()
