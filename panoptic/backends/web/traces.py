"""Reading Playwright trace zips: the step groups Panoptic writes and the screencast frames around them.

A trace zip holds `*.trace` files of JSON lines (actions as `before`/`after` pairs, `screencast-frame`
lines pointing at JPEG files in the zip, snapshots, logs) and the sources its stacks name. Panoptic
opens one group per step (`tracing.group`, method `tracingGroup`), so the viewer shows a scenario as
its steps, each with the Playwright calls it made inside.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

GROUP_METHOD = "tracingGroup"


def trace_lines(path: str | Path) -> Iterator[dict[str, Any]]:
    """Every JSON line of the zip's `*.trace` files, in order; malformed lines are skipped."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.endswith(".trace"):
                continue
            for raw in zf.read(name).decode("utf-8", errors="replace").splitlines():
                try:
                    item = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(item, dict):
                    yield item


def groups(path: str | Path) -> list[dict[str, Any]]:
    """The step groups of a trace, in the order they were opened: title, start time, location, parent."""
    out = []
    for item in trace_lines(path):
        if item.get("type") == "before" and item.get("method") == GROUP_METHOD:
            stack = item.get("stack") or [{}]
            out.append(
                {
                    "title": item.get("title", ""),
                    "start": float(item.get("startTime", 0.0)),
                    "call": item.get("callId"),
                    "parent": item.get("parentId"),
                    "file": stack[0].get("file"),
                    "line": stack[0].get("line"),
                }
            )
    return out


def frame_before_group(path: str | Path, number: int) -> bytes | None:
    """The JPEG of the last screencast frame taken before group `number` (1-based) began; None without one."""
    start: float | None = None
    frames: list[tuple[float, str]] = []
    seen = 0
    for item in trace_lines(path):
        kind = item.get("type")
        if kind == "before" and item.get("method") == GROUP_METHOD:
            seen += 1
            if seen == number:
                start = float(item.get("startTime", 0.0))
        elif kind == "screencast-frame" and item.get("file"):
            frames.append((float(item.get("timestamp", 0.0)), str(item["file"])))
    if start is None:
        return None
    earlier = [f for f in frames if f[0] <= start]
    if not earlier:
        return None
    name = max(earlier)[1]
    with zipfile.ZipFile(path) as zf:
        for candidate in (name, f"resources/{name}"):
            try:
                return zf.read(candidate)
            except KeyError:
                continue
    return None
