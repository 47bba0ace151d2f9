"""Distributed runs on Dask against local runs of the same suites, in the same session.

    .venv/bin/python benchmarks/cluster_bench.py [--rounds 3] [--json out.json]

Two measurements, each a whole `panoptic run` process, the settings alternated
round after round so that a change in machine load hits them alike:

1. Overhead per scenario: suites of 10 and 50 scenarios of three steps (`log`,
   no browser work) run serially and on `--cluster local:1`. The per-scenario
   overhead is the difference of the slopes, ((cluster 50 - cluster 10) -
   (serial 50 - serial 10)) / 40, so the cluster's start-up cost cancels out.
2. Scaling: 8 web scenarios against a page served with 400 ms latency per
   request (each opens 3 pages and waits 1 s for a late element), on one worker
   (`-w 1`) and on `--cluster local:2`.
"""

from __future__ import annotations

import argparse
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

ROOT = Path(__file__).resolve().parents[1]

PAGE = b"""<!doctype html><title>slow</title><h1>Slow page</h1>
<p id="late" hidden>ready</p>
<script>setTimeout(() => document.getElementById('late').hidden = false, 1000)</script>"""


class _Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(0.4)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:
        pass


def _log_suite(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site").mkdir(exist_ok=True)
    (folder / "site" / "index.html").write_text("<title>x</title>", encoding="utf-8")
    lines = ['app site: web {\n    serve: "site"\n}\n']
    for i in range(count):
        lines.append(f'\nscenario "s{i:03}" on site {{\n    log "one"\n    log "two"\n    log "three"\n}}\n')
    path = folder / "suite.pan"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _slow_suite(folder: Path, url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'app slow: web {{\n    url: "{url}"\n    timeout: 10s\n}}\n']
    for i in range(8):
        lines.append(
            f'\nscenario "slow {i}" on slow {{\n'
            '    open "/a"\n    open "/b"\n    open "/c"\n'
            '    expect "#late" visible within 5s\n}\n'
        )
    path = folder / "slow.pan"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _run(suite: Path, out: Path, *extra: str) -> float:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        suites = {n: _log_suite(work / f"log{n}", n) for n in (10, 50)}
        slow = _slow_suite(work / "slow", url)
        settings = [
            *[(f"serial {n}", suites[n], ()) for n in (10, 50)],
            *[(f"cluster {n}", suites[n], ("--cluster", "local:1")) for n in (10, 50)],
            ("slow -w 1", slow, ("-w", "1")),
            ("slow cluster local:2", slow, ("--cluster", "local:2")),
        ]
        for round_ in range(args.rounds):
            order = settings if round_ % 2 == 0 else list(reversed(settings))
            for name, suite, extra in order:
                times.setdefault(name, []).append(_run(suite, work / f"out-{round_}-{len(times[name])}", *extra))
                print(f"round {round_ + 1}: {name}: {times[name][-1]:.2f}s", file=sys.stderr)
    server.shutdown()
    med = {name: statistics.median(values) for name, values in times.items()}
    overhead = ((med["cluster 50"] - med["cluster 10"]) - (med["serial 50"] - med["serial 10"])) / 40
    speedup = med["slow -w 1"] / med["slow cluster local:2"]
    print("| run | median wall |\n|---|---:|")
    for name, value in med.items():
        print(f"| {name} | {value:.2f} s |")
    print(f"\nDask overhead per scenario: {overhead * 1000:.1f} ms (goal < 50 ms)")
    print(f"--cluster local:2 against -w 1 on the 8 slow scenarios: {speedup:.2f}x (goal >= 1.6x)")
    if args.json:
        args.json.write_text(json.dumps({"medians": med, "overhead_ms": overhead * 1000, "speedup": speedup}, indent=2))


if __name__ == "__main__":
    main()
