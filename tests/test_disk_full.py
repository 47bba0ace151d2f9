"""A full disk under the output folder, for real: a 64 KB and a 140 KB tmpfs mounted for the test.

The run must end with PAN003 and exit code 2 (never 0, never a traceback), and what was written before
the disk filled must stay readable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SUITE = 'app local: web {\n    serve: "site"\n}\n' + "".join(
    f'\nscenario "s{i}" on local {{\n    open "/"\n    expect text "hi" visible\n    screenshot "shot"\n}}\n'
    for i in range(20)
)


@pytest.fixture
def small_disk(tmp_path: Path, request: pytest.FixtureRequest):
    """A tmpfs of the requested size at tmp_path/out (root and `mount` needed; skipped otherwise outside CI)."""
    folder = tmp_path / "out"
    folder.mkdir()
    size = request.param
    if os.geteuid() != 0 or shutil.which("mount") is None:
        if os.environ.get("CI"):
            pytest.fail("the disk-full test needs root and mount")
        pytest.skip("needs root to mount a small tmpfs")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs: {done.stderr!r}")
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.mark.browser
@pytest.mark.parametrize("small_disk", ["64k", "100k"], indirect=True)
def test_a_full_disk_is_pan003_with_what_was_written_readable(small_disk: Path, tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<title>t</title><p>hi</p>")
    (tmp_path / "suite.pan").write_text(SUITE)
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "run", "suite.pan", "-o", str(small_disk / "run")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PANOPTIC_NO_CACHE": "1"},
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output[-3000:]
    assert "error[PAN003]" in output and "No space left on device" in output
    assert "Traceback" not in output
    from panoptic.report.jsonl import read_records

    records = read_records(small_disk / "run" / "results.jsonl.gz")
    assert records and records[0]["kind"] == "run_started"
    assert any(r["kind"] == "scenario_finished" for r in records)
