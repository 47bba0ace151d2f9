"""`panoptic run --debug`: stop at the first failure; without a display it says the page cannot stay open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SUITE = """app local: web {
    serve: "site"
    timeout: 1s
}

scenario "fails" on local {
    open "/"
    expect text "never there" visible
}

scenario "not reached" on local {
    open "/"
}
"""


@pytest.mark.browser
def test_debug_without_a_display_stops_at_the_first_failure(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<title>t</title><p>hi</p>")
    (tmp_path / "suite.pan").write_text(SUITE)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "CI")}
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "run", "suite.pan", "--debug", "-o", "out"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PANOPTIC_NO_CACHE": "1"},
        timeout=180,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "--debug cannot keep the page open without a display" in done.stderr
    from panoptic.report.jsonl import read_records

    finished = {
        r["scenario"].split("::")[1]: r["status"]
        for r in read_records(tmp_path / "out" / "results.jsonl.gz")
        if r["kind"] == "scenario_finished"
    }
    assert finished == {"fails": "failed", "not reached": "skipped"}
