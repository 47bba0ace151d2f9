"""Playwright trace zips: opening the step groups Panoptic writes, and reading them and the frames around them.

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


def open_trace_group(tracing: Any, title: str, location: dict[str, Any] | None) -> None:
    """`tracing.group(title, location=…)` without waiting for the driver's reply.

    A step's group needs no answer, and waiting for one costs a round trip to
    the driver per step and another per step's end (about 2.3 ms a step).
    The message goes out at once, before the step's own calls; with a
    Playwright whose internals differ, the public call is made instead.
    """
    impl = getattr(tracing, "_impl_obj", None)
    channel = getattr(impl, "_channel", None)
    sources = getattr(impl, "_additional_sources", None)
    if channel is None or not hasattr(channel, "tracingGroup") or not isinstance(sources, set):
        tracing.group(title, location=location)
        return
    if location:
        sources.add(location["file"])  # what the public call does: the .pan file goes into the trace's sources
    _unawaited(channel.tracingGroup(name=title, location=location, timeout=0))


def close_trace_group(tracing: Any) -> None:
    """`tracing.group_end()` without waiting for the driver's reply (see `open_trace_group`)."""
    channel = getattr(getattr(tracing, "_impl_obj", None), "_channel", None)
    if channel is None or not hasattr(channel, "tracingGroupEnd"):
        tracing.group_end()
        return
    _unawaited(channel.tracingGroupEnd(timeout=0))


def _unawaited(call: Any) -> None:
    """Drop the reply of a call whose message has gone out (a coroutine left unawaited would warn)."""
    close = getattr(call, "close", None)
    if close is not None:
        close()


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
