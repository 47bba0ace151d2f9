"""Fixtures for the desktop backend tests: a real Xvfb display and the example Tk app."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from desktop_support import app_def, missing_components


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    missing = None
    for item in items:
        if here not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.desktop)
        if missing is None:
            missing = missing_components()
        if missing and not os.environ.get("CI"):
            item.add_marker(pytest.mark.skip(reason="not installed: " + ", ".join(missing)))


@pytest.fixture
def backend() -> Iterator[Any]:
    """A started desktop backend (own Xvfb) for the notes app; stopped afterwards."""
    from panoptic.backends.desktop.backend import DesktopBackend

    b = DesktopBackend(app_def())
    b.start()
    try:
        yield b
    finally:
        b.stop()
