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
   (`-w 1`), on `--cluster local:1` and on `--cluster local:2`: `local:2` is
   read against both (against a local run, and against the same executor with
   one worker).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

from latency_bench import LatencyServer, latency_suite, run_panoptic  # this folder: the same page and runs


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    server = LatencyServer(0.4)
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        suites = {n: _log_suite(work / f"log{n}", n) for n in (10, 50)}
        slow = latency_suite(work / "slow", server.url, 8)
        settings = [
            *[(f"serial {n}", suites[n], ()) for n in (10, 50)],
            *[(f"cluster {n}", suites[n], ("--cluster", "local:1")) for n in (10, 50)],
            ("slow -w 1", slow, ("-w", "1")),
            ("slow cluster local:1", slow, ("--cluster", "local:1")),
            ("slow cluster local:2", slow, ("--cluster", "local:2")),
        ]
        for round_ in range(args.rounds):
            order = settings if round_ % 2 == 0 else list(reversed(settings))
            for name, suite, extra in order:
                times.setdefault(name, []).append(
                    run_panoptic(suite, work / f"out-{round_}-{len(times[name])}", *extra)
                )
                print(f"round {round_ + 1}: {name}: {times[name][-1]:.2f}s", file=sys.stderr)
    server.close()
    med = {name: statistics.median(values) for name, values in times.items()}
    overhead = ((med["cluster 50"] - med["cluster 10"]) - (med["serial 50"] - med["serial 10"])) / 40
    speedup = med["slow -w 1"] / med["slow cluster local:2"]
    against_one = med["slow cluster local:1"] / med["slow cluster local:2"]
    print("| run | median wall |\n|---|---:|")
    for name, value in med.items():
        print(f"| {name} | {value:.2f} s |")
    print(f"\nDask overhead per scenario: {overhead * 1000:.1f} ms (goal < 50 ms)")
    print(f"--cluster local:2 against -w 1 on the 8 slow scenarios: {speedup:.2f}x (goal >= 1.6x)")
    print(f"--cluster local:2 against --cluster local:1 on the 8 slow scenarios: {against_one:.2f}x (goal >= 1.6x)")
    if args.json:
        found = {"medians": med, "overhead_ms": overhead * 1000, "speedup": speedup, "speedup_local1": against_one}
        args.json.write_text(json.dumps(found, indent=2))


if __name__ == "__main__":
    main()
