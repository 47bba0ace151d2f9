"""The runner image builds and runs, where a container engine exists (`scripts/docker-build.sh`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]


def _engine() -> str | None:
    for name in ("docker", "podman"):
        if shutil.which(name) and subprocess.run([name, "info"], capture_output=True).returncode == 0:
            return name
    return None


def test_the_dockerfile_installs_this_tree_with_the_browser_pieces() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for piece in (
        "chromium",
        "ffmpeg",
        "xvfb",
        "tesseract-ocr",
        "chromium-headless-shell",
        'ENTRYPOINT ["panoptic"]',
    ):
        assert piece in text, piece
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".git", "panoptic-results"} <= set(ignored)


@pytest.mark.skipif(_engine() is None, reason="no container engine on this machine")
def test_the_image_builds_and_checks_the_examples() -> None:
    done = subprocess.run(["bash", str(ROOT / "scripts" / "docker-build.sh")], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "panoptic 0.1.0" in done.stdout
