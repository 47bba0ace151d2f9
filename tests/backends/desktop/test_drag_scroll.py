"""Drag, scroll and right click through the desktop backend, on the example app under a real Xvfb display.

The app (examples/desktop/app.py) has a yellow "Drag" square and a "Drop here"
box on a canvas, a list of 40 rows showing ten that scrolls 3 rows per wheel
click, and a context menu on the list. Every assertion reads the screen back
with OCR, as a person would look at it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from desktop_support import ROOT, at, new_ctx, text

from panoptic.contract import ResolvedTarget
from panoptic.perception import ocr

WAIT = 30.0  # generous: OCR of a full screen takes seconds on a loaded 2-core machine
ROW = re.compile(r"\bRow (\d{1,2})\b")


def exact(value: str) -> ResolvedTarget:
    return ResolvedTarget(kind="text", value=value, exact=True)


def wait_for(read: Callable[[], Any], holds: Callable[[Any], bool], timeout: float = WAIT) -> Any:
    """Poll `read()` until `holds(value)`; return the last value either way."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if holds(value) or time.monotonic() >= deadline:
            return value
        time.sleep(0.2)


def visible(backend: Any, target: ResolvedTarget) -> bool:
    return bool(wait_for(lambda: backend.query("query.visible", {"target": target}), bool))


def rows_on_screen(backend: Any) -> set[int]:
    """Row numbers of the list that OCR reads on the screen now."""
    return {int(n) for n in ROW.findall(backend.query("query.text", {}) or "")}


def wait_rows(backend: Any, wanted: set[int]) -> set[int]:
    return wait_for(lambda: rows_on_screen(backend), lambda seen: seen == wanted)


def test_drag_the_square_into_the_box_and_onto_a_point(backend: Any, tmp_path: Path) -> None:
    ctx = new_ctx(tmp_path)
    backend.begin(ctx)
    try:
        assert visible(backend, text("Nothing dropped yet"))
        backend.perform("drag", {"source": text("Drag"), "destination": text("Drop here")}, WAIT)
        assert visible(backend, text("Dropped in box")), backend.query("query.text", {})

        backend.perform("drag", {"source": text("Drag"), "destination": at(300, 600)}, WAIT)
        assert visible(backend, text("Dropped at 300,600")), backend.query("query.text", {})
        # The square went with the pointer: its caption is now centred where the drag ended.
        caption = ocr.find_text(backend.grab(), "Drag", exact=True)
        assert caption.found, caption.describe()
        assert abs(caption.x - 300) <= 8 and abs(caption.y - 600) <= 8, caption.describe()
    finally:
        backend.end(ctx, failed=False)


def test_drag_from_a_missing_source_fails_and_moves_nothing(backend: Any, tmp_path: Path) -> None:
    from panoptic.contract.errors import TargetNotFound

    ctx = new_ctx(tmp_path)
    backend.begin(ctx)
    try:
        assert visible(backend, text("Nothing dropped yet"))
        with pytest.raises(TargetNotFound, match="No such tile"):
            backend.perform("drag", {"source": text("No such tile"), "destination": at(300, 600)}, 1.0)
        assert backend.query("query.visible", {"target": text("Nothing dropped yet")})
    finally:
        backend.end(ctx, failed=False)


def test_scroll_down_and_up_over_the_list(backend: Any, tmp_path: Path) -> None:
    ctx = new_ctx(tmp_path)
    backend.begin(ctx)
    try:
        first = set(range(1, 11))
        assert wait_rows(backend, first) == first
        backend.perform("move_to", {"target": exact("Row 5")}, WAIT)

        backend.perform("scroll", {"direction": "down", "amount": 200}, WAIT)  # 5 wheel clicks, 15 rows
        later = set(range(16, 26))
        assert wait_rows(backend, later) == later
        assert not backend.query("query.visible", {"target": exact("Row 1")})
        assert backend.query("query.visible", {"target": exact("Row 25")})

        backend.perform("scroll", {"direction": "up", "amount": 80}, WAIT)  # 2 clicks back, 6 rows
        back = set(range(10, 20))
        assert wait_rows(backend, back) == back
    finally:
        backend.end(ctx, failed=False)


def test_right_click_opens_the_context_menu_that_changes_the_label(backend: Any, tmp_path: Path) -> None:
    ctx = new_ctx(tmp_path)
    backend.begin(ctx)
    try:
        assert visible(backend, text("Picked: none"))
        assert not backend.query("query.visible", {"target": text("Pick row")})  # no menu before the click

        backend.perform("right_click", {"target": exact("Row 4")}, WAIT)
        assert visible(backend, text("Pick row")), backend.query("query.text", {})
        assert backend.query("query.visible", {"target": text("Picked: none")})  # the right click chose nothing
        backend.perform("click", {"target": text("Pick row")}, WAIT)
        assert visible(backend, text("Picked Row 4")), backend.query("query.text", {})
        assert (
            wait_for(lambda: backend.query("query.visible", {"target": text("Clear pick")}), lambda shown: not shown)
            is False
        )  # the menu closed

        backend.perform("right_click", {"target": exact("Row 7")}, WAIT)
        backend.perform("click", {"target": text("Clear pick")}, WAIT)
        assert visible(backend, text("Picked: none")), backend.query("query.text", {})
    finally:
        backend.end(ctx, failed=False)


def test_gestures_example_runs_with_panoptic_run(tmp_path: Path) -> None:
    """examples/desktop/gestures.pan (drag, scroll, right click) passes under `panoptic run`."""
    output = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "run", "examples/desktop/gestures.pan", "--output", str(output)],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    cases = list(ET.parse(output / "junit.xml").iter("testcase"))
    assert len(cases) == 2, [c.get("name") for c in cases]
    for case in cases:
        assert case.find("failure") is None and case.find("error") is None and case.find("skipped") is None, (
            case.get("name"),
            done.stdout,
        )
    assert "Traceback" not in done.stdout + done.stderr
