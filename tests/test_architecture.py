"""The layering is kept by a tool: import-linter's contracts (pyproject.toml) hold on every test run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    tool = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if tool is None:
        pytest.fail("import-linter is not installed: pip install -e '.[dev]'")
    done = subprocess.run([tool, "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_check_imports_no_run_time_module() -> None:
    """`panoptic check` loads the families' statements and check hooks, never a runtime, driver or store."""
    code = (
        "import sys, panoptic.commands.check as c; c.fast_main(['examples']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('playwright', 'cv2', 'boto3', 'sqlalchemy', 'dask', 'pyautogui', 'appium', 'numpy') "
        "or m.startswith('panoptic.runtime.interpreter') or m.endswith('.runtime')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_types_check() -> None:
    """mypy passes at the strictness pyproject.toml documents."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
