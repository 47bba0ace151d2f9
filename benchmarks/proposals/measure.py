"""Measure the proposed `panoptic check` speed-ups as whole cold processes, alternating with Robocop.

    .venv/bin/python benchmarks/proposals/measure.py [--runs 7] [VARIANT …]

Uses the venvs and the suite that benchmarks/check_bench.py prepares (run it
once first). Every run gets a fresh empty PANOPTIC_CACHE_DIR (cold).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import check_bench as cb  # noqa: E402

DEFAULT = [
    "base",
    "noastcache",
    "gcoff",
    "tokspans+noastcache+gcoff",
    "fastparse",
    "fastparse+noastcache",
    "fastparse+noastcache+gcoff",
    "fastparse+noastcache+gcoff+shapecache",
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("variants", nargs="*", default=DEFAULT)
    args = ap.parse_args()
    suite = cb.WORK / "suite"
    if not (suite / "pan").is_dir() or not (cb.BIN / "panoptic").exists():
        raise SystemExit("run benchmarks/check_bench.py first (it builds the venvs and the suite)")
    tools = [
        cb.Tool(
            "robocop check --no-cache",
            [str(cb.RBIN / "robocop"), "check", "--skip-gitignore", "--no-cache", "."],
            suite / "robot",
            ok_codes=(0, 1),
        ),
        cb.Tool("panoptic check cold", [str(cb.BIN / "panoptic"), "check", "."], suite / "pan", fresh_cache=True),
    ]
    for variant in args.variants:
        tools.append(
            cb.Tool(
                f"variant {variant}",
                [str(cb.BIN / "python"), str(HERE / "run_variant.py"), variant, "check", "."],
                suite / "pan",
                fresh_cache=True,
            )
        )
    with tempfile.TemporaryDirectory(prefix="proposals-", dir=cb.WORK) as scratch:
        cb.measure(tools, args.runs, Path(scratch))
    robocop = tools[0]
    med = cb._median
    ref_wall = med([s.wall for s in robocop.samples])
    ref_cpu = med([s.cpu for s in robocop.samples])
    print(f"\nload average now {os.getloadavg()[0]:.1f}\n")
    print("| command (cold) | wall median | CPU median | Robocop cold / this (wall) | (CPU) | load |")
    print("|---|---:|---:|---:|---:|---:|")
    for t in tools:
        wall = med([s.wall for s in t.samples])
        cpu = med([s.cpu for s in t.samples])
        load = med([s.load for s in t.samples])
        print(f"| {t.name} | {wall:.3f} s | {cpu:.3f} s | {ref_wall / wall:.2f}x | {ref_cpu / cpu:.2f}x | {load:.1f} |")


if __name__ == "__main__":
    main()
