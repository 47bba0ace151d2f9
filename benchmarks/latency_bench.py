"""Parallel runs where scenarios wait: a page served with a fixed latency per request.

    .venv/bin/python benchmarks/latency_bench.py [--scenarios 8] [--latency 400] [--rounds 3]
        [--settings w1 w2 cluster1 cluster2 pw1 pw2 pwp1 pwp2] [--json out.json]

Each scenario opens three pages of a server that answers every request after
`--latency` milliseconds (a `ThreadingHTTPServer`: requests are answered
concurrently, and the script checks it — the most requests it had in flight at
once is printed), then waits for an element the page shows one second after it
loads. Settings, each a whole `panoptic run` process: `w1` (`-w 1`, in
process), `w2` (`-w 2`, two worker processes), `cluster1` and `cluster2`
(`--cluster local:1` and `local:2`, a Dask LocalCluster of one or two worker
processes: the cluster executor against itself), and the peer: `pw1` and
`pw2`, the same scenarios as a Python script over Playwright's sync API in one
or two processes, each launching its own browser and taking every other
scenario, as Playwright Test's workers do (`playwright 1`, `playwright 2` in the
table); `pwp1` and `pwp2` the same over Playwright's async API, each process
creating its next scenario's context and page while the current scenario runs
(does preparing the next browser context off the critical path help two
workers more than one?). The speed-up column is against the first setting named; with both cluster settings, `cluster2`
against `cluster1` is printed under the table. Rounds alternate the order of
the settings (reversed every other round) so that a change in machine load
hits them alike; the load average is read before every run.

Besides wall times, the script reads every run's `results.jsonl.gz`: when the
first scenario started (start-up: cluster, worker processes), how many
scenarios ran at once, and the mean scenario duration, so a speed-up that falls
short can be traced to start-up, to dispatch or to slower scenarios.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PAGE = b"""<!doctype html><title>slow</title><h1>Slow page</h1>
<p id="late" hidden>ready</p>
<script>setTimeout(() => document.getElementById('late').hidden = false, 1000)</script>"""

SETTINGS = {
    "w1": ("-w", "1"),
    "w2": ("-w", "2"),
    "cluster1": ("--cluster", "local:1"),
    "cluster2": ("--cluster", "local:2"),
    "pw1": ("playwright", "1"),
    "pw2": ("playwright", "2"),
    "pwp1": ("playwright-prewarm", "1"),
    "pwp2": ("playwright-prewarm", "2"),
}


class LatencyServer:
    """A threaded HTTP server answering every GET with PAGE after a fixed delay; counts requests in flight."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.in_flight = 0
        self.most_in_flight = 0
        self.requests = 0
        self._lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with owner._lock:
                    owner.in_flight += 1
                    owner.requests += 1
                    owner.most_in_flight = max(owner.most_in_flight, owner.in_flight)
                try:
                    time.sleep(owner.latency)
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(PAGE)))
                    self.end_headers()
                    self.wfile.write(PAGE)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the browser moved on (a favicon request of a page it already left)
                finally:
                    with owner._lock:
                        owner.in_flight -= 1

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.most_in_flight = self.in_flight
            self.requests = 0

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def latency_suite(folder: Path, url: str, scenarios: int) -> Path:
    """A suite of `scenarios` scenarios, each opening three slow pages and waiting for a late element."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'app slow: web {{\n    url: "{url}"\n    timeout: 10s\n}}\n']
    for i in range(scenarios):
        lines.append(
            f'\nscenario "slow {i}" on slow {{\n'
            '    open "/a"\n    open "/b"\n    open "/c"\n'
            '    expect "#late" visible within 5s\n}\n'
        )
    path = folder / "slow.pan"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def timeline(out: Path) -> dict[str, float]:
    """From a run's results: first scenario start and last scenario end (s after the run started), most scenarios
    running at once, mean scenario duration (of all, and of those that were not a worker's first: no browser
    start), and how many workers ran scenarios."""
    started_at = 0.0
    runs: list[tuple[float, float, int]] = []
    starts: dict[str, tuple[float, int]] = {}
    with gzip.open(out / "results.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if not isinstance(record, dict):
                continue
            kind = record.get("kind")
            if kind == "run_started":
                started_at = record["started_at"]
            elif kind == "scenario_started":
                starts[record["scenario"]] = (record["at"], record["worker"])
            elif kind == "scenario_finished" and record["scenario"] in starts:
                begin, worker = starts[record["scenario"]]
                runs.append((begin, record["duration"], worker))
    return spans_timeline(runs, started_at)


def spans_timeline(runs: list[tuple[float, float, int]], started_at: float) -> dict[str, float]:
    """`timeline` from (start time, duration, worker) of each scenario, in the order they ran."""
    spans: list[tuple[float, float]] = []
    later: list[float] = []
    workers: set[int] = set()
    for begin, duration, worker in runs:
        spans.append((begin, begin + duration))
        if worker in workers:
            later.append(duration)
        workers.add(worker)
    # start times are wall-clock and durations monotonic: a scenario may seem to start a few ms before the one
    # before it on the same worker ended, so overlaps shorter than 0.1 s are not counted
    edges = sorted([(b, 1) for b, _ in spans] + [(e - 0.1, -1) for _, e in spans], key=lambda x: (x[0], x[1]))
    running = most = 0
    for _, step in edges:
        running += step
        most = max(most, running)
    return {
        "first_start": min(b for b, _ in spans) - started_at,
        "last_end": max(e for _, e in spans) - started_at,
        "at_once": float(most),
        "mean_scenario": statistics.mean(e - b for b, e in spans),
        "mean_later": statistics.mean(later) if later else 0.0,
        "workers": float(len(workers)),
    }


def run_panoptic(suite: Path, out: Path, *extra: str) -> float:
    """Wall time of one whole `panoptic run` process on `suite` (exits with its output when the run fails)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "run", str(suite), "-o", str(out), *extra],
        capture_output=True,
        text=True,
        cwd=suite.parent,
        env={**os.environ, "PANOPTIC_NO_CACHE": "1"},
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"run failed ({' '.join(extra)}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return wall


def run_playwright(
    suite: Path, out: Path, workers: int, url: str, scenarios: int, source: str
) -> tuple[float, dict[str, float]]:
    """Wall time and timeline of the same scenarios as a Python script over Playwright (`source`), in `workers`
    processes, each with its own browser, taking every `workers`-th scenario (how Playwright Test's workers run)."""
    script = suite.parent / "raw_playwright.py"
    script.write_text(source, encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    timings = out / "timings.json"
    started_at = time.time()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script), url, str(scenarios), str(workers), str(timings)],
        capture_output=True,
        text=True,
        cwd=suite.parent,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the Playwright script failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    runs = [tuple(r) for r in json.loads(timings.read_text())]
    return wall, spans_timeline(sorted(runs), started_at)  # type: ignore[arg-type]


# The peer's scripts: the same process set-up and result file, a sync or an async worker.
_RAW_HEAD = """
import asyncio, json, sys, time
from multiprocessing import Process, Queue

from panoptic.environment import CHROMIUM_ARGS, find_chromium

URL, SCENARIOS, WORKERS, OUT = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


"""
_RAW_MAIN = """

if __name__ == "__main__":
    queue = Queue()
    processes = [Process(target=worker, args=(n, queue)) for n in range(WORKERS)]
    for process in processes:
        process.start()
    runs = [queue.get() for _ in range(SCENARIOS)]
    for process in processes:
        process.join()
    json.dump(runs, open(OUT, "w"))
    sys.exit(max(process.exitcode for process in processes))
"""

RAW_PLAYWRIGHT = (
    _RAW_HEAD
    + """def worker(number, queue):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_ARGS))
        for _ in range(number, SCENARIOS, WORKERS):
            begin, started = time.time(), time.perf_counter()
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            context.set_default_timeout(10_000)
            page = context.new_page()
            for path in ("/a", "/b", "/c"):
                page.goto(URL + path)
            expect(page.locator("#late")).to_be_visible(timeout=5_000)
            context.close()
            queue.put((begin, time.perf_counter() - started, number))
        browser.close()
"""
    + _RAW_MAIN
)

RAW_PLAYWRIGHT_PREWARM = (
    _RAW_HEAD
    + """def worker(number, queue):
    from playwright.async_api import async_playwright, expect

    async def scenarios():
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_ARGS))

            async def prepared():
                context = await browser.new_context(viewport={"width": 1280, "height": 720})
                context.set_default_timeout(10_000)
                return context, await context.new_page()

            mine = list(range(number, SCENARIOS, WORKERS))
            upcoming = asyncio.ensure_future(prepared())
            for left in range(len(mine) - 1, -1, -1):
                begin, started = time.time(), time.perf_counter()
                context, page = await upcoming
                if left:  # the next scenario's context and page, made while this one waits on the server
                    upcoming = asyncio.ensure_future(prepared())
                for path in ("/a", "/b", "/c"):
                    await page.goto(URL + path)
                await expect(page.locator("#late")).to_be_visible(timeout=5_000)
                await context.close()
                queue.put((begin, time.perf_counter() - started, number))
            await browser.close()

    asyncio.run(scenarios())
"""
    + _RAW_MAIN
)


def run_once(suite: Path, out: Path, setting: str, url: str, scenarios: int) -> dict[str, float]:
    """One whole process (`panoptic run`, or the Playwright script): wall time, the load average before it, and
    its timeline."""
    load = float(Path("/proc/loadavg").read_text().split()[0])
    extra = SETTINGS[setting]
    if extra[0].startswith("playwright"):
        source = RAW_PLAYWRIGHT if extra[0] == "playwright" else RAW_PLAYWRIGHT_PREWARM
        wall, found_timeline = run_playwright(suite, out, int(extra[1]), url, scenarios, source)
    else:
        wall = run_panoptic(suite, out, *extra)
        found_timeline = timeline(out)
    found = {"wall": wall, "load": load, **found_timeline}
    found["tail"] = wall - found["last_end"]  # process start-up, compile, reports, shutdown (cluster close)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", type=int, default=8)
    parser.add_argument("--latency", type=int, default=400, help="milliseconds per request")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--settings", nargs="+", choices=sorted(SETTINGS), default=["w1", "w2", "cluster2"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    server = LatencyServer(args.latency / 1000)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in args.settings}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            suite = latency_suite(Path(tmp) / "suite", server.url, args.scenarios)
            for round_ in range(args.rounds):
                order = args.settings if round_ % 2 == 0 else list(reversed(args.settings))
                for name in order:
                    server.reset()
                    found = run_once(suite, Path(tmp) / f"out-{name}-{round_}", name, server.url, args.scenarios)
                    found["most_in_flight"] = float(server.most_in_flight)
                    runs[name].append(found)
                    print(
                        f"round {round_ + 1}: {name}: {found['wall']:.2f}s (load {found['load']:.1f}; first scenario"
                        f" at {found['first_start']:.2f}s, {found['at_once']:.0f} at once, mean scenario"
                        f" {found['mean_scenario']:.2f}s, later ones {found['mean_later']:.2f}s, wall after the"
                        f" last scenario {found['tail']:.2f}s, {found['most_in_flight']:.0f} requests in flight at most)",
                        file=sys.stderr,
                    )
    finally:
        server.close()
    base = statistics.median(r["wall"] for r in runs[args.settings[0]])
    print(f"{args.scenarios} scenarios, {args.latency} ms per request, {args.rounds} rounds (medians)\n")
    print(
        "| setting | wall | speed-up | first scenario at | scenarios at once | mean scenario | mean, not first"
        " on its worker | wall outside scenarios | load average |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    summary: dict[str, dict[str, float]] = {}
    for name, found in runs.items():
        med = {key: statistics.median(r[key] for r in found) for key in found[0]}
        loads = [r["load"] for r in found]
        summary[name] = {**med, "speedup": base / med["wall"], "load_min": min(loads), "load_max": max(loads)}
        print(
            f"| {' '.join(SETTINGS[name])} | {med['wall']:.2f} s | {base / med['wall']:.2f}x |"
            f" {med['first_start']:.2f} s | {med['at_once']:.0f} | {med['mean_scenario']:.2f} s |"
            f" {med['mean_later']:.2f} s | {med['first_start'] + med['tail']:.2f} s | {min(loads):.1f}–{max(loads):.1f} |"
        )
    if "pw1" in summary and "pw2" in summary:
        ratio = summary["pw1"]["wall"] / summary["pw2"]["wall"]
        print(f"\nPlaywright, two processes against one: {ratio:.2f}x")
        summary["pw2"]["speedup_pw1"] = ratio
    if "pwp1" in summary and "pwp2" in summary:
        ratio = summary["pwp1"]["wall"] / summary["pwp2"]["wall"]
        print(f"\nPlaywright preparing each next context, two processes against one: {ratio:.2f}x")
        summary["pwp2"]["speedup_pwp1"] = ratio
    if "cluster1" in summary and "cluster2" in summary:
        ratio = summary["cluster1"]["wall"] / summary["cluster2"]["wall"]
        print(f"\n--cluster local:2 against --cluster local:1: {ratio:.2f}x")
        summary["cluster2"]["speedup_cluster1"] = ratio
    if args.json:
        args.json.write_text(
            json.dumps({"args": vars(args) | {"json": str(args.json)}, "runs": runs, "summary": summary}, indent=2)
        )


if __name__ == "__main__":
    main()
