"""Shared helpers of the editor tests: the VS Code extension folder and its npm tools."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VSCODE = ROOT / "editors" / "vscode"
VIM = ROOT / "editors" / "vim"


def require_tool(path: Path | str | None, what: str, install: str) -> str:
    """The tool's path; a skip when it is absent outside CI, a failure in CI."""
    if path and (Path(path).exists() or shutil.which(str(path))):
        return str(path)
    message = f"{what} is not installed ({install})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def node_bin():
    def find(name: str) -> str:
        return require_tool(VSCODE / "node_modules" / ".bin" / name, name, "cd editors/vscode && npm ci")

    return find
