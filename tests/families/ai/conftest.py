"""Fixtures of the AI family's tests: Chromium, Tesseract, and the `panoptic` command line in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

IN_CI = bool(os.environ.get("CI"))
ROOT = Path(__file__).resolve().parents[3]


def require(condition: bool, what: str) -> None:
    """Skip when a component is absent, except in CI where its absence is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available")


@pytest.fixture(scope="session")
def chromium() -> str:
    try:
        import playwright  # noqa: F401
    except ImportError:
        require(False, "playwright")
    from panoptic.environment import find_chromium

    path = find_chromium()
    require(path is not None, "Chromium")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def tesseract() -> str:
    path = shutil.which("tesseract")
    require(path is not None, "tesseract")
    assert path is not None
    return path


Cli = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """Run `panoptic ARGS` in a subprocess (cwd: the test's folder) and return the completed process."""

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 180):
        full_env = dict(os.environ)
        full_env["PANOPTIC_NO_CACHE"] = "1"
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "panoptic", *args],
            cwd=cwd or tmp_path,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
