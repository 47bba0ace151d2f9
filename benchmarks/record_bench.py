"""The recorder's cost per recorded event: the same scripted interaction with and without the recorder.

One process, one headless Chromium (Debian's, through Playwright), one served page of about 450 elements (a
form, 100 list rows with a named button each, two buttons of the same name). Each round opens a fresh browser
context and runs the same interaction twice, once in a context with the recorder attached (`attach`: the
listener script and its binding, events kept by a `Recorder`) and once in a plain context, alternating which
goes first. The interaction types 27 characters into two labelled fields (one input event each), chooses an
option, ticks a box, presses Enter in a field, clicks 20 list buttons and the two same-named buttons (a CSS
path), and asks for one expectation (Ctrl+Shift+E): 53 recorded events. With the recorder, the clock stops
when the last event has reached Python (the events are handled in the driving thread, so their handling is
inside the time).

Reported, as medians over the rounds: the interaction time with and without the recorder, the difference
divided by the events, and, separately, writing the file for that recording (`Recorder.save`: fold, flows,
syntax tree, formatter, atomic write), which a recording does at most every 0.5 s and once at the end.

    .venv/bin/python benchmarks/record_bench.py [--rounds 9] [--json out.json]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from panoptic.environment import CHROMIUM_ARGS, find_chromium  # noqa: E402
from panoptic.record.session import Recorder, attach  # noqa: E402

ROWS = "\n".join(f"<li><span>Item {i}</span> <button>Add item {i}</button></li>" for i in range(100))
PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench</title></head><body>
<h1>Order</h1>
<form onsubmit="event.preventDefault()">
  <label for="name">Full name</label> <input id="name">
  <label for="email">Email</label> <input id="email" type="email" placeholder="you@example.com">
  <label for="size">Size</label>
  <select id="size"><option>Small</option><option>Medium</option><option>Large</option></select>
  <label><input type="checkbox" id="terms"> I accept the terms</label>
  <input id="note" placeholder="Note">
</form>
<p id="out">Nothing yet</p>
<ul>{ROWS}</ul>
<button class="more">More</button> <button class="more">More</button>
</body></html>
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def interact(page: Any) -> None:
    """The scripted interaction (the same with and without the recorder)."""
    page.get_by_label("Full name").click()
    page.keyboard.type("Ada Lovelace")
    page.get_by_label("Email").click()
    page.keyboard.type("ada@example.com")
    page.get_by_label("Size").select_option("Medium")
    page.get_by_label("I accept the terms").check()
    page.get_by_placeholder("Note").click()
    page.keyboard.press("Enter")
    for i in range(0, 100, 5):
        page.get_by_role("button", name=f"Add item {i}", exact=True).click()
    page.locator(".more").nth(0).click()
    page.locator(".more").nth(1).click()
    page.locator("#out").hover()
    page.keyboard.press("Control+Shift+E")


class TimedRecorder(Recorder):
    """A recorder that adds up the time its binding callback takes (the Python side of each event)."""

    def __init__(self, output: Path) -> None:
        super().__init__(output)
        self.handling = 0.0

    def receive(self, source: Any, payload: Any) -> None:
        start = time.perf_counter()
        super().receive(source, payload)
        self.handling += time.perf_counter() - start


def one(browser: Any, url: str, recorder: Recorder | None, expected: int | None) -> tuple[float, int, float]:
    """Seconds for one interaction in a fresh context (with the recorder when given), the events it got, and
    the milliseconds the listener spent in the page."""
    context = browser.new_context()
    try:
        if recorder is not None:
            attach(context, recorder)
        page = context.new_page()
        page.goto(url)
        if recorder is not None:
            page.wait_for_function("() => !!window.__panopticRecorder")
            while not recorder.events:  # the page's load event
                page.evaluate("0")
        before = len(recorder.events) if recorder is not None else 0
        start = time.perf_counter()
        interact(page)
        page.evaluate("0")
        if recorder is not None and expected is not None:
            while len(recorder.events) - before < expected:
                page.evaluate("0")
        elapsed = time.perf_counter() - start
        if recorder is None:
            return elapsed, 0, 0.0
        page_ms = float(page.evaluate("() => window.__panopticRecorder.ms"))
        return elapsed, len(recorder.events) - before, page_ms
    finally:
        context.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="record-bench-"))
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), headless=True, args=list(CHROMIUM_ARGS))
        _, expected, _ = one(browser, url, Recorder(folder / "warm.pan"), None)  # warm-up
        time.sleep(0.5)
        _, expected, _ = one(browser, url, Recorder(folder / "warm2.pan"), None)  # the interaction's events
        with_times: list[float] = []
        without_times: list[float] = []
        write_times: list[float] = []
        page_ms: list[float] = []
        python_ms: list[float] = []
        for r in range(args.rounds):
            recorder = TimedRecorder(folder / f"round{r}.pan")
            order = [True, False] if r % 2 == 0 else [False, True]
            for with_recorder in order:
                if with_recorder:
                    elapsed, got, in_page = one(browser, url, recorder, expected)
                    assert got == expected, (got, expected)
                    with_times.append(elapsed)
                    page_ms.append(in_page)
                    python_ms.append(recorder.handling * 1000)
                else:
                    without_times.append(one(browser, url, None, None)[0])
            start = time.perf_counter()
            recorder.save(force=True)
            write_times.append(time.perf_counter() - start)
        browser.close()
    server.shutdown()

    t_with, t_without = statistics.median(with_times), statistics.median(without_times)
    diffs = sorted((w - o) / expected * 1000 for w, o in zip(with_times, without_times, strict=True))
    per_event_ms = statistics.median(diffs)
    quartiles = statistics.quantiles(diffs, n=4) if len(diffs) > 1 else [diffs[0]] * 3
    page_per_event = statistics.median(page_ms) / expected
    python_per_event = statistics.median(python_ms) / expected
    write_ms = statistics.median(write_times) * 1000
    load = os.getloadavg()
    result = {
        "events": expected,
        "rounds": args.rounds,
        "with_recorder_s": round(t_with, 4),
        "without_recorder_s": round(t_without, 4),
        "added_per_event_ms": round(per_event_ms, 3),
        "added_per_event_iqr_ms": [round(quartiles[0], 3), round(quartiles[2], 3)],
        "listener_in_page_per_event_ms": round(page_per_event, 3),
        "python_handling_per_event_ms": round(python_per_event, 3),
        "write_file_ms": round(write_ms, 2),
        "write_per_event_ms": round(write_ms / expected, 3),
        "loadavg": [round(x, 2) for x in load],
    }
    print(f"interaction: {expected} recorded events, {args.rounds} paired rounds (median)")
    print(f"  without the recorder   {t_without * 1000:8.1f} ms")
    print(f"  with the recorder      {t_with * 1000:8.1f} ms")
    print(
        f"  added per event        {per_event_ms:8.2f} ms   (median of the paired differences / events; "
        f"quartiles {quartiles[0]:.2f} .. {quartiles[2]:.2f})"
    )
    print(f"    listener in the page {page_per_event:8.3f} ms   (time in its handlers / events)")
    print(f"    Python handling      {python_per_event:8.3f} ms   (the binding callback / events)")
    print(f"  writing the file       {write_ms:8.1f} ms   ({write_ms / expected:.2f} ms per event of the recording)")
    print(f"  load average           {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
