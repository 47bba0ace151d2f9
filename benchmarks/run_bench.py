"""Wall time of `panoptic run` on a real suite with 1..N worker processes (headless Chromium).

    .venv/bin/python benchmarks/run_bench.py                      # examples/shop, workers 1 and 2, 1 round
    .venv/bin/python benchmarks/run_bench.py --workers 1 2 4 --rounds 3 --suite examples/shop
    .venv/bin/python benchmarks/run_bench.py --overhead           # the interpreter alone, in-memory backend

Each round runs the suite once per worker count (interleaved, so a change in
machine load hits every setting alike) and checks that every run passed with
the same scenario results. Prints a Markdown table: the median wall time per
setting, scenarios per second, and the speed-up against one worker.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(suite: Path, workers: int, out: Path) -> tuple[float, int, dict[str, str]]:
    """(wall seconds, exit code, scenario -> final status) of one `panoptic run`."""
    from panoptic.report.jsonl import read_records

    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "panoptic", "run", str(suite), "--output", str(out), "--workers", str(workers)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    statuses = {}
    results = out / "results.jsonl.gz"
    if results.exists():
        for record in read_records(results):
            if record["kind"] == "scenario_finished":
                statuses[record["scenario"]] = record["status"]
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
    return wall, proc.returncode, statuses


OVERHEAD_SUITE = """
app shop: web {
    url: "fake://shop"
    timeout: 1s
}

let user = "ann"
secret password = "pa55-word"

flow sign_in(name, pw) {
    fill "#user" with name
    fill "#pw" with pw
}
"""

OVERHEAD_SCENARIO = """
scenario "s{n}" on shop {{
    sign_in(user, password)
    repeat 10 times {{
        click "#add-now"
        expect "#count" has text "1"
    }}
    log "done ${{user}}"
}}
"""


def interpreter_overhead(scenarios: int = 200) -> tuple[int, float]:
    """(steps run, seconds) for `scenarios` scenarios on the in-memory test backend: the interpreter's own cost."""
    sys.path.insert(0, str(ROOT / "tests" / "runtime"))
    from panoptic.compiler import compile_paths
    from panoptic.runtime.runner import RunOptions, execute

    with tempfile.TemporaryDirectory(prefix="panoptic-overhead-") as tmp:
        suite = Path(tmp) / "overhead.pan"
        suite.write_text(OVERHEAD_SUITE + "".join(OVERHEAD_SCENARIO.format(n=n) for n in range(scenarios)))
        program = compile_paths([str(suite)]).program
        assert program is not None
        steps = 0

        def count(event) -> None:
            nonlocal steps
            steps += event.kind == "step_finished"

        options = RunOptions(
            output_dir=Path(tmp) / "out", run_id="overhead", backend_overrides=(("web", "runtime_fakes:FakeBackend"),)
        )
        started = time.perf_counter()
        outcome = execute(program, list(range(scenarios)), options, [count])
        elapsed = time.perf_counter() - started
        assert outcome.exit_code == 0, outcome
    return steps, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=ROOT / "examples" / "shop")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--overhead", action="store_true", help="measure the interpreter alone (in-memory backend)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.overhead:
        steps, elapsed = interpreter_overhead()
        print(f"interpreter overhead: {steps} steps in {elapsed:.2f}s = {elapsed / steps * 1e6:.0f} µs per step")
        return 0

    times: dict[int, list[float]] = {w: [] for w in args.workers}
    reference: dict[str, str] | None = None
    count = 0
    with tempfile.TemporaryDirectory(prefix="panoptic-bench-") as tmp:
        for round_no in range(args.rounds):
            for workers in args.workers:
                out = Path(tmp) / f"r{round_no}-w{workers}"
                wall, code, statuses = run_once(args.suite, workers, out)
                if code != 0:
                    print(f"run with --workers {workers} exited {code}", file=sys.stderr)
                    return 1
                if reference is None:
                    reference = statuses
                elif statuses != reference:
                    print(f"--workers {workers} gave different results", file=sys.stderr)
                    return 1
                count = len(statuses)
                times[workers].append(wall)
                print(f"round {round_no + 1}: --workers {workers}: {wall:.1f}s", file=sys.stderr)

    base = statistics.median(times[args.workers[0]])
    print(
        f"suite: {args.suite.relative_to(ROOT) if args.suite.is_relative_to(ROOT) else args.suite}, "
        f"{count} scenarios, {args.rounds} round(s), {os.cpu_count()} CPU(s)"
    )
    print()
    print("| workers | median wall time | scenarios/s | speed-up |")
    print("|---:|---:|---:|---:|")
    for workers in args.workers:
        median = statistics.median(times[workers])
        print(f"| {workers} | {median:.1f} s | {count / median:.2f} | {base / median:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
