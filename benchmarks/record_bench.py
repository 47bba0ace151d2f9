"""The recorder's cost per recorded event: the same scripted interaction with and without the recorder.

One process, one headless Chromium (Debian's, through Playwright), one served page of about 450 elements (a
form, 100 list rows with a named button each, two buttons of the same name). Each round opens a fresh browser
context and runs the same interaction twice, once in a context with the recorder attached (`attach`: the
listener script and its CDP binding, events kept by a `Recorder`) and once in a plain context, alternating which
goes first. The interaction types 27 characters into two labelled fields (one input event each), chooses an
option, ticks a box, presses Enter in a field, clicks 20 list buttons and the two same-named buttons (a CSS
path), and asks for one expectation (Ctrl+Shift+E): 54 actions the listener handles, about 28 reports to
Python (typing into a field is reported once its value rests). With the recorder, the clock stops
when the last report (the expectation) has reached Python (the events are handled in the driving thread, so their handling is
inside the time).

Reported, as medians over the rounds: the interaction time with and without the recorder and the paired
difference divided by the events (wall time, and CPU time of every process: Python, Playwright's driver,
Chromium); these end-to-end differences are the honest total but drown in noise on a loaded machine, so the
parts are also measured one by one: the listener's time in the page (its own clock, `__panopticRecorder.ms`),
the Python callback, the transport from the page's binding call to the event kept in Python (a burst of 500
reports divided by 500), and writing the file for the recording (`Recorder.save`: fold, flows, syntax tree,
formatter, atomic write), which a recording does at most every 0.5 s and once at the end. "Handling per
event" is listener + transport + the write's share.

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
from panoptic.record.events import Assert  # noqa: E402
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


SETTLE_JS = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


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


TICK = os.sysconf("SC_CLK_TCK")
ACTIONS: list[int] = []  # user actions the listener handled, per interaction with the recorder


def tree_cpu() -> dict[int, float]:
    """CPU seconds (user + system) used so far by this process and each process under it (the Playwright
    driver, Chromium and its renderers), by process id, read from /proc."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    mine = {os.getpid()}
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in stats.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                grew = True
    return {pid: stats[pid][1] for pid in mine if pid in stats}


def cpu_since(before: dict[int, float]) -> float:
    """CPU seconds used since `before` by the processes alive now (one that ended meanwhile, such as the
    renderer of the previous context, must not count against this interaction)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in tree_cpu().items())


class TimedRecorder(Recorder):
    """A recorder that adds up the time its binding callback takes (the Python side of each event)."""

    def __init__(self, output: Path) -> None:
        super().__init__(output)
        self.handling = 0.0

    def receive(self, payload: str) -> None:
        start = time.perf_counter()
        super().receive(payload)
        self.handling += time.perf_counter() - start


def one(browser: Any, url: str, recorder: Recorder | None) -> tuple[float, int, float, float]:
    """Seconds for one interaction in a fresh context (with the recorder when given), the events it got, the
    milliseconds the listener spent in the page, and the CPU seconds all the processes used."""
    context = browser.new_context()
    try:
        page = context.new_page()
        if recorder is not None:
            attach(page, recorder)
        page.goto(url)
        if recorder is not None:
            page.wait_for_function("() => !!window.__panopticRecorder")
            while not recorder.events:  # the page's load event
                page.evaluate("0")
        # Both sides start from a page that has loaded and painted, and has had the same time to settle.
        page.wait_for_load_state("load")
        page.evaluate(SETTLE_JS)
        page.wait_for_timeout(200)
        before = len(recorder.events) if recorder is not None else 0
        cpu = tree_cpu()
        start = time.perf_counter()
        interact(page)
        page.evaluate("0")
        if recorder is not None:  # the interaction ends with an expectation: wait until it has arrived
            while not isinstance(recorder.events[-1], Assert):
                page.evaluate("0")
        elapsed = time.perf_counter() - start
        cpu_used = cpu_since(cpu)
        if recorder is None:
            return elapsed, 0, 0.0, cpu_used
        page_ms = float(page.evaluate("() => window.__panopticRecorder.ms"))
        ACTIONS.append(int(page.evaluate("() => window.__panopticRecorder.actions")))
        return elapsed, len(recorder.events) - before, page_ms, cpu_used
    finally:
        context.close()


BURST_JS = """
(n) => {
  const el = {tag: 'button', type: '', role: 'button', name: 'Add item 7', label: '', placeholder: '',
    testid: '', id: '', text: 'Add item 7', css: 'body > ul > li:nth-of-type(8) > button',
    counts: {role: 1}, shown_text: 'Add item 7', value: '', checked: null};
  for (let i = 0; i < n; i++) window.__panopticRecord(JSON.stringify({type: 'click', el, t: Date.now()}));
}
"""


def pipeline(browser: Any, url: str, n: int) -> float:
    """Milliseconds per event from the page's binding call to the event kept in Python, for a burst of n
    click reports (the transport: Chromium, Playwright's driver, the Python callback)."""
    context = browser.new_context()
    try:
        recorder = Recorder(Path(tempfile.mkdtemp()) / "burst.pan")
        page = context.new_page()
        attach(page, recorder)
        page.goto(url)
        while not recorder.events:
            page.evaluate("0")
        before = len(recorder.events)
        start = time.perf_counter()
        page.evaluate(BURST_JS, n)
        while len(recorder.events) - before < n:
            page.evaluate("0")
        return (time.perf_counter() - start) / n * 1000
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
        one(browser, url, Recorder(folder / "warm.pan"))  # warm-up
        time.sleep(0.5)
        reports: list[int] = []
        with_times: list[float] = []
        without_times: list[float] = []
        write_times: list[float] = []
        page_ms: list[float] = []
        python_ms: list[float] = []
        cpu_with: list[float] = []
        cpu_without: list[float] = []
        for r in range(args.rounds):
            recorder = TimedRecorder(folder / f"round{r}.pan")
            order = [True, False] if r % 2 == 0 else [False, True]
            for with_recorder in order:
                if with_recorder:
                    elapsed, got, in_page, cpu = one(browser, url, recorder)
                    reports.append(got)
                    cpu_with.append(cpu)
                    with_times.append(elapsed)
                    page_ms.append(in_page)
                    python_ms.append(recorder.handling * 1000)
                else:
                    elapsed, _, _, cpu = one(browser, url, None)
                    without_times.append(elapsed)
                    cpu_without.append(cpu)
            start = time.perf_counter()
            recorder.save(force=True)
            write_times.append(time.perf_counter() - start)
        bursts = [pipeline(browser, url, 500) for _ in range(5)]
        browser.close()
    server.shutdown()

    t_with, t_without = statistics.median(with_times), statistics.median(without_times)
    actions = statistics.median(ACTIONS[1:])
    expected = statistics.median(reports)
    diffs = sorted((w - o) / actions * 1000 for w, o in zip(with_times, without_times, strict=True))
    per_event_ms = statistics.median(diffs)
    quartiles = statistics.quantiles(diffs, n=4) if len(diffs) > 1 else [diffs[0]] * 3
    cpu_diffs = sorted((w - o) / actions * 1000 for w, o in zip(cpu_with, cpu_without, strict=True))
    cpu_per_event = statistics.median(cpu_diffs)
    cpu_q = statistics.quantiles(cpu_diffs, n=4) if len(cpu_diffs) > 1 else [cpu_diffs[0]] * 3
    page_per_event = statistics.median(page_ms) / actions
    python_per_event = statistics.median(python_ms) / expected
    write_ms = statistics.median(write_times) * 1000
    transport = statistics.median(bursts)
    total = page_per_event + (transport * expected + write_ms) / actions
    load = os.getloadavg()
    result = {
        "actions": actions,
        "reports": expected,
        "rounds": args.rounds,
        "with_recorder_s": round(t_with, 4),
        "without_recorder_s": round(t_without, 4),
        "added_per_action_ms": round(per_event_ms, 3),
        "added_per_action_iqr_ms": [round(quartiles[0], 3), round(quartiles[2], 3)],
        "cpu_per_action_ms": round(cpu_per_event, 3),
        "cpu_per_action_iqr_ms": [round(cpu_q[0], 3), round(cpu_q[2], 3)],
        "cpu_with_s": round(statistics.median(cpu_with), 3),
        "cpu_without_s": round(statistics.median(cpu_without), 3),
        "listener_in_page_per_action_ms": round(page_per_event, 3),
        "python_callback_per_report_ms": round(python_per_event, 3),
        "transport_per_report_ms": round(transport, 3),
        "handling_per_action_ms": round(total, 3),
        "write_file_ms": round(write_ms, 2),
        "loadavg": [round(x, 2) for x in load],
        "rounds_with_s": [round(x, 4) for x in with_times],
        "rounds_without_s": [round(x, 4) for x in without_times],
    }
    print(
        f"interaction: {actions:g} user actions, {expected:g} reports to Python, {args.rounds} paired rounds (median); "
        "figures per action unless said"
    )
    print(f"  without the recorder   {t_without * 1000:8.1f} ms")
    print(f"  with the recorder      {t_with * 1000:8.1f} ms")
    print(
        f"  added per action       {per_event_ms:8.2f} ms   (median of the paired differences / actions; "
        f"quartiles {quartiles[0]:.2f} .. {quartiles[2]:.2f})"
    )
    print(
        f"  CPU added per action   {cpu_per_event:8.2f} ms   (all processes: Python, driver, Chromium; "
        f"quartiles {cpu_q[0]:.2f} .. {cpu_q[2]:.2f}; {statistics.median(cpu_without):.2f} s -> "
        f"{statistics.median(cpu_with):.2f} s per interaction)"
    )
    print(f"    listener in the page {page_per_event:8.3f} ms   (time in its handlers / actions)")
    print(f"    Python callback      {python_per_event:8.3f} ms   per report")
    print(f"    binding to Python    {transport:8.3f} ms   per report (a burst of 500, page call to event kept)")
    print(f"  writing the file       {write_ms:8.1f} ms   for the whole recording")
    print(f"  handling per action    {total:8.2f} ms   (listener + reports x binding + write, / actions)")
    print(f"  load average           {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
