"""A small synthetic run: real .pan source, real PNG screenshot, the events an interpreter would emit."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

from panoptic.runtime.events import (
    Artifact,
    Event,
    Failure,
    Frame,
    RunFinished,
    RunStarted,
    ScenarioFinished,
    ScenarioStarted,
    StepFinished,
    StepStarted,
)
from panoptic.source import Source

PAN = """\
app shop: web {
    url: "http://127.0.0.1:8000"
}

secret password = env("SHOP_PASSWORD", "hunter2")

flow login(name) {
    fill "#username" with name
    click role button "Sign in"
}

scenario "checkout <b>works</b>" on shop tags smoke, checkout {
    login("alice")
    expect "#cart-count" has text "1" within 5s
    screenshot "cart"
}

scenario "search finds items" on shop tags search {
    open "/search"
    repeat 2 times { click "#more" }
}

scenario "sometimes slow" on shop tags smoke {
    click "#slow"
}

scenario "not yet" on shop tags todo {
    click "#todo"
}
"""


def span_of(src: Source, needle: str, nth: int = 0):
    """The span of the nth occurrence of `needle` in the source."""
    start = -1
    for _ in range(nth + 1):
        start = src.text.index(needle, start + 1)
    return src.span(start, start + len(needle))


@dataclass
class SyntheticRun:
    folder: Path
    pan: Path
    src: Source
    events: list[Event]
    screenshot: Path


def write_png(path: Path, size: tuple[int, int] = (64, 40)) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 30, 30)).save(path)


def synthetic_events(
    src: Source, *, run_id: str = "run-1", t0: float = 1_700_000_000.0, prefix: str = ""
) -> list[Event]:
    """A run of four scenarios: failed (in a flow, with a screenshot), passed (nested loop), flaky, skipped."""
    f = src.path
    t = t0
    ev: list[Event] = []
    ids = [f"{f}::checkout <b>works</b>", f"{f}::search finds items", f"{f}::sometimes slow", f"{f}::not yet"]
    ev.append(RunStarted(run_id, t, "panoptic run shop.pan --password=hunter2", {
        "browser": "chromium 131.0", "platform": "linux", "SHOP_TOKEN": "abc123"}, tuple(ids)))  # fmt: skip

    # 1. failed: a flow call with two inner steps, then a failing expect with a screenshot
    sid = ids[0]
    ev.append(ScenarioStarted(sid, "checkout <b>works</b>", f, "shop", "web", ("smoke", "checkout"), 1, 0,
                              span_of(src, 'scenario "checkout'), t))  # fmt: skip
    call = span_of(src, 'login("alice")')
    ev.append(StepStarted(sid, "0", "flow.call", 'login("alice")', call, (), "body", t))
    frame = (Frame("login", call),)
    ev.append(StepStarted(sid, "0.0", "web.fill", 'fill "#username" with name', span_of(src, 'fill "#username" with name'), frame, "body", t + 0.01))  # fmt: skip
    ev.append(StepFinished(sid, "0.0", "passed", 0.02, values='text = "alice"'))
    ev.append(StepStarted(sid, "0.1", "web.click", 'click role button "Sign in"', span_of(src, 'click role button "Sign in"'), frame, "body", t + 0.03))  # fmt: skip
    ev.append(StepFinished(sid, "0.1", "passed", 0.03))
    ev.append(StepFinished(sid, "0", "passed", 0.06))
    exp = span_of(src, 'expect "#cart-count" has text "1" within 5s')
    shot = Artifact("screenshot", f"{prefix}artifacts/checkout/failure.png", "failure")
    failure = Failure("PAN901", 'expected "#cart-count" to have text "1"', exp, help="check the cart badge",
                      expected="1", actual="0", candidates=("#cart-counter", "#cart"))  # fmt: skip
    ev.append(StepStarted(sid, "1", "web.expect", 'expect "#cart-count" has text "1" within 5s', exp, (), "body", t + 0.07))  # fmt: skip
    ev.append(StepFinished(sid, "1", "failed", 5.0, failure, (shot,)))
    trace = Artifact("trace", f"{prefix}artifacts/checkout/trace.zip", "trace")
    ev.append(ScenarioFinished(sid, "failed", 5.2, 1, failure, (trace,)))
    t += 6

    # 2. passed, with a repeat block of two iterations
    sid = ids[1]
    ev.append(ScenarioStarted(sid, "search finds items", f, "shop", "web", ("search",), 1, 1, span_of(src, 'scenario "search'), t))  # fmt: skip
    ev.append(StepStarted(sid, "0", "web.navigate", 'open "/search"', span_of(src, 'open "/search"'), (), "body", t))
    ev.append(StepFinished(sid, "0", "passed", 0.1))
    rep = span_of(src, 'repeat 2 times { click "#more" }')
    ev.append(StepStarted(sid, "1", "control.repeat", "repeat 2 times", rep, (), "body", t + 0.1))
    inner = span_of(src, 'click "#more"')
    for i in range(2):
        ev.append(StepStarted(sid, f"1.{i}", "web.click", 'click "#more"', inner, (), "body", t + 0.1 + i * 0.05))
        ev.append(StepFinished(sid, f"1.{i}", "passed", 0.05))
    ev.append(StepFinished(sid, "1", "passed", 0.1))
    ev.append(ScenarioFinished(sid, "passed", 0.25, 1))
    t += 1

    # 3. flaky: attempt 1 fails, attempt 2 passes
    sid = ids[2]
    sp = span_of(src, 'click "#slow"')
    for attempt, status in ((1, "failed"), (2, "passed")):
        ev.append(ScenarioStarted(sid, "sometimes slow", f, "shop", "web", ("smoke",), attempt, 0, span_of(src, 'scenario "sometimes'), t))  # fmt: skip
        ev.append(StepStarted(sid, "0", "web.click", 'click "#slow"', sp, (), "body", t))
        fail = Failure("PAN902", 'no element matches "#slow" within 5s', sp) if status == "failed" else None
        ev.append(StepFinished(sid, "0", status, 0.5, fail))
        ev.append(ScenarioFinished(sid, status, 0.6, attempt, fail))
        t += 1

    # 4. skipped
    sid = ids[3]
    ev.append(ScenarioStarted(sid, "not yet", f, "shop", "web", ("todo",), 1, 1, span_of(src, 'scenario "not yet'), t))
    ev.append(ScenarioFinished(sid, "skipped", 0.0, 1, Failure("PAN905", "skipped: not implemented", None)))
    ev.append(RunFinished(t + 0.5, t + 0.5 - t0, {"passed": 1, "failed": 1, "flaky": 1, "skipped": 1}, 1))
    return [_rounded(e) for e in ev]


def _rounded(event: Event) -> Event:
    """Times as results.jsonl keeps them (ms for clock times, 0.1 ms for durations)."""
    changes = {}
    for name, digits in (("at", 3), ("started_at", 3), ("finished_at", 3), ("duration", 4)):
        value = getattr(event, name, None)
        if isinstance(value, float):
            changes[name] = round(value, digits)
    return dataclasses.replace(event, **changes)


def write_results(events: list[Event], path: Path, **kwargs) -> Path:
    from panoptic.report import JsonlWriter

    writer = JsonlWriter(path, **kwargs)
    for event in events:
        writer(event)
    writer.close()
    return path


def embedded_payload(html: str) -> dict:
    """The scenario document embedded in a report.html."""
    m = re.search(r'<script id="data" type="application/octet-stream">([A-Za-z0-9+/=\s]+)</script>', html)
    assert m, "no embedded data"
    return json.loads(gzip.decompress(base64.b64decode(m.group(1))))
