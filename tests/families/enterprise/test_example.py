"""examples/enterprise runs with `panoptic run` on a new store and passes, leaking no password."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
ADMIN_PW = "Example-Admin-Pass-1"
MEMBER_PW = "Example-Member-Pass-2"


@pytest.mark.browser
def test_the_example_suite_passes(tmp_path: Path) -> None:
    if not (shutil.which("chromium") or os.environ.get("PANOPTIC_BROWSER")) and not os.environ.get("CI"):
        pytest.skip("Chromium is not installed")
    env = {
        **os.environ,
        "PANOPTIC_ADMIN_PASSWORD": ADMIN_PW,
        "PANOPTIC_MEMBER_PASSWORD": MEMBER_PW,
        "PANOPTIC_NO_CACHE": "1",
    }
    env.pop("PANOPTIC_DATABASE_URL", None)

    def panoptic(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "panoptic", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    init = panoptic("enterprise", "init", "--name", "ada", "--password-env", "PANOPTIC_ADMIN_PASSWORD")
    assert init.returncode == 0, init.stderr
    run = panoptic("run", str(REPO / "examples" / "enterprise"), "-o", "out")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed, 0 failed" in run.stdout
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert any(p.name == "compliance-soc2.json" for p in written)
    for path in written:
        data = path.read_bytes()
        if path.suffix == ".gz":
            import gzip

            data = gzip.decompress(data)
        assert ADMIN_PW.encode() not in data and MEMBER_PW.encode() not in data, path
    verify = subprocess.run(
        [sys.executable, "-m", "panoptic", "enterprise", "--as", "ada", "audit", "verify"],
        cwd=tmp_path,
        env={**env, "PANOPTIC_ENTERPRISE_PASSWORD": ADMIN_PW},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0 and "audit chain intact" in verify.stdout, verify.stderr
