"""Interpreter cost of the deeper web statements (values read into variables, arithmetic, comparisons, exact text,
classes and attributes, storage, cookies, data-driven scenarios) against the basic ones (click, has text), on the
in-memory test backend, so that only Panoptic's own time is measured.

    .venv/bin/python benchmarks/deeper_web_bench.py [--scenarios 200] [--rounds 5]

Target: each new statement costs under 1 ms of interpreter time beyond the browser's own.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADER = 'app shop: web {\n    url: "fake://shop"\n    timeout: 1s\n}\n\nlet route = {count: 1}\n'

BASIC = """
scenario "basic {n}" on shop {{
    repeat 10 times {{
        click "#add-now"
        expect "#count" has text "1"
        expect "#left" has text "3 items left"
        expect ".item" count 1
    }}
}}
"""

DEEPER = """
scenario "deeper ${{i}} {n}" for each i in [1] on shop {{
    repeat 10 times {{
        let left = number of "#left"
        let next = left * 2 - 1
        expect next equals 5
        expect "#spaced" has exact text "  buy    some   milk  "
        expect "#left" has class "count"
        expect "#left" has attribute "data-n" "3"
        set local storage "k" to "v"
        expect local storage "k" is "v"
        expect ".item" count route.count
        let items = count of ".item"
    }}
}}
"""


def run(template: str, scenarios: int) -> tuple[int, float]:
    """(steps run, seconds) for `scenarios` copies of a scenario template."""
    sys.path.insert(0, str(ROOT / "tests" / "runtime"))
    from panoptic.compiler import compile_paths
    from panoptic.runtime.runner import RunOptions, execute

    with tempfile.TemporaryDirectory(prefix="panoptic-deeper-") as tmp:
        suite = Path(tmp) / "suite.pan"
        suite.write_text(HEADER + "".join(template.format(n=n) for n in range(scenarios)), encoding="utf-8")
        result = compile_paths([str(suite)])
        assert result.program is not None, [d.message for d in result.diagnostics]
        steps = 0

        def count(event) -> None:
            nonlocal steps
            steps += event.kind == "step_finished"

        options = RunOptions(
            output_dir=Path(tmp) / "out", run_id="deeper", backend_overrides=(("web", "runtime_fakes:FakeBackend"),)
        )
        started = time.perf_counter()
        outcome = execute(result.program, list(range(len(result.program.scenarios))), options, [count])
        elapsed = time.perf_counter() - started
        assert outcome.exit_code == 0, outcome
    return steps, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    per_step: dict[str, list[float]] = {"basic": [], "deeper": []}
    for _ in range(args.rounds):  # interleaved rounds: both kinds see the same machine load
        for name, template in (("basic", BASIC), ("deeper", DEEPER)):
            steps, elapsed = run(template, args.scenarios)
            per_step[name].append(elapsed / steps * 1e6)
    basic, deeper = statistics.median(per_step["basic"]), statistics.median(per_step["deeper"])
    print(f"basic statements:  {basic:.0f} µs per step (median of {args.rounds})")
    print(f"deeper statements: {deeper:.0f} µs per step (median of {args.rounds})")
    print(f"difference: {deeper - basic:+.0f} µs per step; target: under 1000 µs per new statement")
    return 0 if deeper < 1000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
