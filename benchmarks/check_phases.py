"""Where a cold `panoptic check` spends its work: instructions per phase, counted by valgrind (callgrind).

Instruction counts do not move with the machine's load, so they show what a change saves even on a busy
machine. Each phase is measured as the difference between two runs that stop before and after it.

    .venv/bin/python benchmarks/check_phases.py [SUITE_FOLDER] [--tree TREE]

The default suite is the one `check_bench.py` generates (benchmarks/work/check/suite/pan). `--tree` measures
the `panoptic` package of another copy of the sources (a `git archive` or a worktree; default: this one).
Needs `valgrind` (apt-get install valgrind); takes a few minutes.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "benchmarks" / "work" / "check" / "suite" / "pan"

# The steps of `panoptic check` (commands/check.py run_check), stopping after phase number argv[1].
HARNESS = """
import gc, os, sys
stop = int(sys.argv[1])
gc.disable()
def done(n):
    if stop == n:
        os._exit(0)
done(0)
import panoptic.commands.check
from panoptic.compiler import CompileResult
from panoptic.compiler.checkcache import CheckCache, cache_dir
from panoptic.compiler.files import collect_files
from panoptic.compiler.loader import Loader, ParseCache
from panoptic.compiler.lower import Lowerer
from panoptic.formatting import style_diagnostics
from panoptic.syntax.parser import lean_parser
done(1)
files, _ = collect_files(["."])
CheckCache(cache_dir()).key(files, "check")
lean_parser()
done(2)
loader = Loader(ParseCache(None))
inputs = loader.load_inputs(files)
done(3)
lowerer = Lowerer(loader.modules, inputs)
lowerer.run()
done(4)
style_diagnostics(CompileResult(None, lowerer.diags, loader.sources, loader.modules, [m.path for m in inputs], []))
done(5)
"""
PHASES = [
    "interpreter start",
    "imports",
    "file list, content hashes, grammar tables",
    "reading and parsing",
    "checks and lowering",
    "style (PAN501)",
]


def instructions(stop: int, suite: Path, tree: Path = ROOT) -> int:
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", HARNESS, str(stop)],
        cwd=suite,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree), "HOME": str(Path.home())},
    )
    found = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode != 0 or found is None:
        raise SystemExit(f"valgrind failed:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("suite", nargs="?", type=Path, default=SUITE)
    args.add_argument("--tree", type=Path, default=ROOT, help="the source tree whose `panoptic` is measured")
    ns = args.parse_args()
    suite, tree = ns.suite.resolve(), ns.tree.resolve()
    if not suite.is_dir():
        raise SystemExit(f"no suite at {suite}: run benchmarks/check_bench.py once first")
    if not (tree / "panoptic" / "__init__.py").is_file():
        raise SystemExit(f"no panoptic package under {tree}")
    counts = [instructions(stop, suite, tree) for stop in range(len(PHASES))]
    total = counts[-1]
    print("| phase | instructions | share |\n|---|---:|---:|")
    previous = 0
    for name, count in zip(PHASES, counts, strict=True):
        print(f"| {name} | {(count - previous) / 1e6:,.0f}M | {(count - previous) / total:.0%} |")
        previous = count
    print(f"| total | {total / 1e6:,.0f}M | |")


if __name__ == "__main__":
    main()
