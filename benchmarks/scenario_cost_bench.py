"""Scenario fixed cost: many web scenarios that only `log`, against Robot Framework; and the cost of a
scenario's browser context against Playwright's own `new_context()` + `new_page()`.

Part 1, whole processes, alternating A and B round after round (the machine is shared: each run records
its wall time, its CPU time from wait4 and the load average; the table takes medians):

  panoptic   .venv/bin/panoptic run suite.pan -o <out>       2,000 scenarios × 10 `log` steps on a served web app
  robot      benchmarks/work/robot-venv/bin/robot --outputdir <out> --console none suite.robot
                                                              2,000 test cases × 10 `Log` keywords

Part 2 (`--contexts N`), in one process each: N scenarios of one `open "/"` through `panoptic run`,
against a Python loop over Playwright's sync API doing launch once, then per scenario new_context(),
new_page(), goto(), close() on the same served page (the Chromium Panoptic launches, `find_chromium`).

    .venv/bin/python benchmarks/scenario_cost_bench.py [--scenarios 2000] [--steps 10] [--runs 3]
        [--contexts 100] [--before TREE] [--json out.json]

`--before TREE` adds the case "panoptic before": the same log suite run by the `panoptic` package of another
tree (e.g. `mkdir /tmp/old && git archive <commit> panoptic grammar stdlib | tar -x -C /tmp/old`), ahead of the editable install.

Robot Framework is installed into benchmarks/work/robot-venv (git-ignored) when it is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "scenario-cost"
ROBOT_VENV = ROOT / "benchmarks" / "work" / "robot-venv"
PANOPTIC = ROOT / ".venv" / "bin" / "panoptic"
PYTHON = ROOT / ".venv" / "bin" / "python"


def ensure_robot() -> Path:
    robot = ROBOT_VENV / "bin" / "robot"
    if not robot.exists():
        subprocess.run([sys.executable, "-m", "venv", str(ROBOT_VENV)], check=True)
        subprocess.run([str(ROBOT_VENV / "bin" / "pip"), "install", "-q", "robotframework"], check=True)
    return robot


def write_suites(folder: Path, scenarios: int, steps: int, contexts: int) -> None:
    site = folder / "site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text("<!doctype html><title>Home</title><h1>Home</h1>\n", encoding="utf-8")
    pan = ['app site: web {\n    serve: "site"\n}\n']
    rob = ["*** Test Cases ***"]
    for i in range(scenarios):
        pan.append(f'scenario "logging {i}" {{')
        rob.append(f"Logging {i}")
        for k in range(steps):
            pan.append(f'    log "scenario {i} step {k}"')
            rob.append(f"    Log    scenario {i} step {k}")
        pan.append("}\n")
        rob.append("")
    (folder / "suite.pan").write_text("\n".join(pan), encoding="utf-8")
    (folder / "suite.robot").write_text("\n".join(rob), encoding="utf-8")
    opens = ['app site: web {\n    serve: "site"\n    trace: off\n}\n']
    for i in range(contexts):
        opens.append(f'scenario "opening {i}" {{\n    open "/"\n}}\n')
    (folder / "opens.pan").write_text("\n".join(opens), encoding="utf-8")


RAW_PLAYWRIGHT = r"""
import sys, time, threading, functools, http.server
from playwright.sync_api import sync_playwright
from panoptic.environment import CHROMIUM_ARGS, find_chromium
folder, n = sys.argv[1], int(sys.argv[2])
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)
http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_address[1]}/"
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=find_chromium(None), args=list(CHROMIUM_ARGS))
    for _ in range(n):
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        page.goto(url)
        context.close()
    browser.close()
server.shutdown()
"""


# `panoptic` from another tree: the editable install's finder is dropped so that the tree's package is imported.
BEFORE = (
    "import sys; sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in getattr(f, '__module__', '')]; "
    "sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'panoptic'; from panoptic.cli import main; sys.exit(main())"
)


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {code}:\n{err[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "load": load}


def summary(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in rows) for key in ("wall", "cpu", "load")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenarios", type=int, default=2000)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--contexts", type=int, default=0, help="also part 2 with this many scenarios (0: skip)")
    ap.add_argument("--before", type=Path, help="a tree holding an earlier `panoptic` package")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    robot = ensure_robot()
    WORK.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="run-", dir=WORK))
    write_suites(folder, args.scenarios, args.steps, args.contexts)
    cases: dict[str, list[str]] = {
        "panoptic": [str(PANOPTIC), "run", "suite.pan", "-o", "out-pan"],
        "robot": [str(robot), "--outputdir", "out-robot", "--console", "none", "suite.robot"],
    }
    envs: dict[str, dict[str, str]] = {}
    if args.before:
        cases["panoptic before"] = [
            str(PYTHON),
            "-c",
            BEFORE,
            str(args.before.resolve()),
            "run",
            "suite.pan",
            "-o",
            "out-pan",
        ]
    if args.contexts:
        cases["panoptic open"] = [str(PANOPTIC), "run", "opens.pan", "-o", "out-opens"]
        cases["playwright open"] = [str(PYTHON), "-c", RAW_PLAYWRIGHT, "site", str(args.contexts)]
    results: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
    for r in range(args.runs):
        order = list(cases) if r % 2 == 0 else list(reversed(cases))
        for name in order:
            for out in ("out-pan", "out-robot", "out-opens"):
                shutil.rmtree(folder / out, ignore_errors=True)
            row = timed(cases[name], folder, envs.get(name))
            results[name].append(row)
            print(f"round {r + 1} {name:16} wall {row['wall']:7.2f} s  cpu {row['cpu']:7.2f} s  load {row['load']:.1f}")
    table = {name: summary(rows) for name, rows in results.items()}
    print()
    print(f"| case | wall (median of {args.runs}) | CPU | load |")
    print("|---|---:|---:|---:|")
    for name, s in table.items():
        print(f"| {name} | {s['wall']:.2f} s | {s['cpu']:.2f} s | {s['load']:.1f} |")
    pan, rob = table["panoptic"], table["robot"]
    print(f"\npanoptic / robot: wall {pan['wall'] / rob['wall']:.2f}×, CPU {pan['cpu'] / rob['cpu']:.2f}×")
    if args.contexts:
        po, pw = table["panoptic open"], table["playwright open"]
        print(f"panoptic open / playwright open: wall {po['wall'] / pw['wall']:.2f}×, CPU {po['cpu'] / pw['cpu']:.2f}×")
    if args.json:
        args.json.write_text(json.dumps({"runs": results, "medians": table}, indent=2), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
