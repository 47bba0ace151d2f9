"""Lark's own LALR loop against Panoptic's lean loop over the same tables, in one process.

    .venv/bin/python benchmarks/parse_bench.py [SUITE_FOLDER] [--rounds N]

Both parse every `.pan` file of the suite (default: the one `check_bench.py` generates) with the same
AST builder; the rounds alternate and the figures are CPU seconds (min and median). The ASTs must be
equal, or the script fails.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

from panoptic.source import Source
from panoptic.syntax.parser import lark_parser, lean_parser, parse_once

SUITE = Path(__file__).resolve().parent / "work" / "check" / "suite" / "pan"


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("suite", nargs="?", type=Path, default=SUITE)
    args.add_argument("--rounds", type=int, default=7)
    ns = args.parse_args()
    sources = [Source(str(p), p.read_text(encoding="utf-8")) for p in sorted(ns.suite.rglob("*.pan"))]
    if not sources:
        raise SystemExit(f"no .pan files under {ns.suite}: run benchmarks/check_bench.py once first")
    loops = {"Lark's loop": lark_parser().parse, "lean loop": lean_parser().parse}
    for source in sources:  # warm up (scanners are built on first use) and compare
        results = {name: parse_once(source, parse) for name, parse in loops.items()}
        if len({repr(r) for r in results.values()}) != 1:
            raise SystemExit(f"{source.path}: the loops disagree")
    gc.disable()
    times: dict[str, list[float]] = {name: [] for name in loops}
    for _ in range(ns.rounds):
        for name, parse in loops.items():
            start = time.process_time()
            for source in sources:
                parse_once(source, parse)
            times[name].append(time.process_time() - start)
    lines = sum(s.text.count("\n") for s in sources)
    print(f"{len(sources)} files, {lines:,} lines, {ns.rounds} rounds (CPU seconds)")
    for name, values in times.items():
        print(f"{name:12s} min {min(values):.3f} s  median {statistics.median(values):.3f} s")


if __name__ == "__main__":
    main()
