"""Check benchmark: `panoptic check` against Robocop and `robot --dryrun` on equivalent suites.

The suites come from gen_suite.py: 500 scenarios (test cases) of 18 steps in
20 files, with shared flows (`use "./common.pan"`, `use std.web`) on the
Panoptic side and a shared resource file plus a keyword library on the Robot
side, about 10,800 lines each.

Every tool runs as a whole process from benchmark-only venvs under
benchmarks/work/ (git-ignored): check-venv holds a NON-editable install of
this tree (an editable install adds import hooks to every start),
check-robot-venv Robot Framework and Robocop (two venvs, because their Typer
pins differ). The runs alternate between the tools, round after
round, and each run records its wall time, its CPU time (user + sys, from
wait4) and the load average, because the machine is shared; the table shows
medians.

    .venv/bin/python benchmarks/check_bench.py [--runs 7] [--reinstall] [--json out.json]

Measured commands (cwd = the suite folder):
  panoptic check cold   PANOPTIC_CACHE_DIR=<new empty dir> panoptic check .   (one process per CPU)
  ... cold -j 1         the same in one process
  panoptic check warm   PANOPTIC_CACHE_DIR=<primed dir> panoptic check .
  robocop cold          robocop check --skip-gitignore --no-cache .
  robocop warm          robocop check --skip-gitignore .          (cache primed)
  robot --dryrun        robot --dryrun --outputdir <tmp> .
  robot parser alone    python -c "get_model() over every file"
  panoptic --version / robocop --version
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "check"
VENV = ROOT / "benchmarks" / "work" / "check-venv"  # panoptic alone
BIN = VENV / "bin"
ROBOT_VENV = ROOT / "benchmarks" / "work" / "check-robot-venv"  # Robot Framework + Robocop (their own pins)
RBIN = ROBOT_VENV / "bin"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_suite  # noqa: E402

ROBOT_PARSE = (
    "import sys, pathlib\n"
    "from robot.api import get_model, get_resource_model\n"
    "for p in sorted(pathlib.Path('.').iterdir()):\n"
    "    if p.suffix == '.robot': get_model(str(p))\n"
    "    elif p.suffix == '.resource': get_resource_model(str(p))\n"
)


@dataclass
class Sample:
    wall: float
    cpu: float
    load: float
    code: int


@dataclass
class Tool:
    name: str
    argv: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    fresh_cache: bool = False  # a new empty PANOPTIC_CACHE_DIR for every run
    ok_codes: tuple[int, ...] = (0,)
    samples: list[Sample] = field(default_factory=list)


def _source_digest() -> str:
    h = hashlib.blake2b(digest_size=16)
    for folder, pattern in (("panoptic", "**/*"), ("grammar", "*.lark"), ("stdlib", "*.pan")):
        for p in sorted((ROOT / folder).glob(pattern)):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes())
    for extra in ("pyproject.toml", "setup.py"):
        h.update((ROOT / extra).read_bytes())
    return h.hexdigest()


def _pip(bin_dir: Path, *args: str) -> None:
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", *args], check=True)


def ensure_venv(reinstall: bool) -> None:
    """Create the benchmark venvs and (re)install Panoptic when the source tree changed.

    Two venvs, because Panoptic pins Typer below 0.20 while Robocop 9 needs 0.26 or later.
    """
    for venv in (VENV, ROBOT_VENV):
        if not (venv / "bin" / "python").exists():
            print("creating", venv.relative_to(ROOT), flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if not (RBIN / "robocop").exists() or not (RBIN / "robot").exists():
        _pip(RBIN, "robotframework", "robotframework-robocop")
    stamp = VENV / ".panoptic-source"
    digest = _source_digest()
    if reinstall or not (BIN / "panoptic").exists() or not stamp.exists() or stamp.read_text() != digest:
        print("installing panoptic (non-editable) into the benchmark venv", flush=True)
        _pip(BIN, "--force-reinstall", "--no-deps", str(ROOT))
        _pip(BIN, str(ROOT))  # its dependencies, when missing
        stamp.write_text(digest)


def _version(argv: list[str]) -> str:
    out = subprocess.run(argv, capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "?"


def prepare_suite() -> dict:
    """Generate both suites, format the .pan side with `panoptic fmt`, and prove both are valid."""
    suite = WORK / "suite"
    info = gen_suite.generate(suite)
    pan, robot = suite / "pan", suite / "robot"
    subprocess.run([str(BIN / "panoptic"), "fmt", "."], cwd=pan, check=True, capture_output=True)
    info["pan_lines"] = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in pan.glob("*.pan"))
    check = subprocess.run(
        [str(BIN / "panoptic"), "check", "--no-cache", "--strict", "."], cwd=pan, capture_output=True, text=True
    )
    if check.returncode != 0 or "no problems" not in check.stdout:
        raise SystemExit(f"the generated .pan suite does not check clean:\n{check.stdout}{check.stderr}")
    fmt = subprocess.run([str(BIN / "panoptic"), "fmt", "--check", "."], cwd=pan, capture_output=True, text=True)
    if fmt.returncode != 0:
        raise SystemExit(f"the generated .pan suite is not format-clean:\n{fmt.stdout}{fmt.stderr}")
    with tempfile.TemporaryDirectory() as out:
        dry = subprocess.run(
            [str(RBIN / "robot"), "--dryrun", "--outputdir", out, "."], cwd=robot, capture_output=True, text=True
        )
    expected = f"{info['scenarios']} tests, {info['scenarios']} passed, 0 failed"
    if expected not in dry.stdout:
        raise SystemExit(f"robot --dryrun did not pass every test:\n{dry.stdout[-2000:]}")
    lint = subprocess.run(
        [str(RBIN / "robocop"), "check", "--skip-gitignore", "--no-cache", "."],
        cwd=robot,
        capture_output=True,
        text=True,
    )
    info["robocop_issues"] = lint.stdout.strip().splitlines()[-1] if lint.stdout.strip() else "?"
    info["pan_check"] = check.stdout.strip().splitlines()[-1]
    return info


def run_once(tool: Tool, scratch: Path) -> Sample:
    env = dict(os.environ)
    env.update(tool.env)
    argv = list(tool.argv)
    tmp = None
    if tool.fresh_cache:
        tmp = Path(tempfile.mkdtemp(prefix="cold-", dir=scratch))
        env["PANOPTIC_CACHE_DIR"] = str(tmp)
    if "{out}" in argv:
        tmp = Path(tempfile.mkdtemp(prefix="out-", dir=scratch))
        argv = [str(tmp) if a == "{out}" else a for a in argv]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=tool.cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
    if proc.returncode not in tool.ok_codes:
        raise SystemExit(f"{tool.name} exited {proc.returncode}: {' '.join(argv)}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, load, proc.returncode)


def build_tools(suite: Path, scratch: Path) -> list[Tool]:
    pan, robot = suite / "pan", suite / "robot"
    warm_cache = scratch / "warm-cache"
    return [
        Tool("panoptic check cold", [str(BIN / "panoptic"), "check", "."], pan, fresh_cache=True),
        Tool("panoptic check cold -j 1", [str(BIN / "panoptic"), "check", "-j", "1", "."], pan, fresh_cache=True),
        Tool(
            "panoptic check warm", [str(BIN / "panoptic"), "check", "."], pan, {"PANOPTIC_CACHE_DIR": str(warm_cache)}
        ),
        Tool(
            "robocop check --no-cache",
            [str(RBIN / "robocop"), "check", "--skip-gitignore", "--no-cache", "."],
            robot,
            ok_codes=(0, 1),
        ),
        Tool("robocop check (warm)", [str(RBIN / "robocop"), "check", "--skip-gitignore", "."], robot, ok_codes=(0, 1)),
        Tool("robot --dryrun", [str(RBIN / "robot"), "--dryrun", "--outputdir", "{out}", "."], robot),
        Tool("robot parser alone", [str(RBIN / "python"), "-c", ROBOT_PARSE], robot),
        Tool("panoptic --version", [str(BIN / "panoptic"), "--version"], pan),
        Tool("robocop --version", [str(RBIN / "robocop"), "--version"], robot),
    ]


def measure(tools: list[Tool], runs: int, scratch: Path) -> None:
    # prime the warm caches (and the grammar cache) once, untimed
    for tool in tools:
        if tool.name in ("panoptic check warm", "robocop check (warm)"):
            run_once(tool, scratch)
            run_once(tool, scratch)
    for r in range(runs):
        order = tools[r % len(tools) :] + tools[: r % len(tools)]  # rotate the order every round
        for tool in order:
            tool.samples.append(run_once(tool, scratch))
        print(f"round {r + 1}/{runs} done, load {os.getloadavg()[0]:.1f}", flush=True)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarise(tools: list[Tool], info: dict) -> dict:
    by = {t.name: t for t in tools}
    rows = []
    for t in tools:
        rows.append(
            {
                "tool": t.name,
                "wall_median": _median([s.wall for s in t.samples]),
                "wall_min": min(s.wall for s in t.samples),
                "cpu_median": _median([s.cpu for s in t.samples]),
                "load_median": _median([s.load for s in t.samples]),
                "runs": len(t.samples),
            }
        )

    def ratio(a: str, b: str, key: str) -> float:
        return _median([s.__dict__[key] for s in by[a].samples]) / _median([s.__dict__[key] for s in by[b].samples])

    goals = [
        ("robocop cold / panoptic cold", "robocop check --no-cache", "panoptic check cold", 3.0),
        ("robocop warm / panoptic warm", "robocop check (warm)", "panoptic check warm", 4.0),
        ("robot --dryrun / panoptic cold", "robot --dryrun", "panoptic check cold", 10.0),
        ("panoptic cold -j 1 / panoptic cold", "panoptic check cold -j 1", "panoptic check cold", 1.0),
    ]
    ratios = [
        {"ratio": label, "wall": ratio(a, b, "wall"), "cpu": ratio(a, b, "cpu"), "goal": goal}
        for label, a, b, goal in goals
    ]
    version = _median([s.wall for s in by["panoptic --version"].samples])
    return {"suite": info, "rows": rows, "ratios": ratios, "panoptic_version_wall": version}


def render(summary: dict) -> str:
    info = summary["suite"]
    out = [
        f"suite: {info['scenarios']} scenarios x {info['steps_per_scenario']} steps in {info['files']} files; "
        f".pan {info['pan_lines']} lines ({info['pan_check']}), .robot+.resource {info['robot_lines']} lines "
        f"(robocop: {info['robocop_issues']})",
        "",
        "| command | wall median | wall min | CPU median | lines/s (wall) | load avg | runs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in summary["rows"]:
        lines = info["robot_lines"] if "robo" in row["tool"] else info["pan_lines"]
        rate = "" if "version" in row["tool"] else f"{lines / row['wall_median']:,.0f}"
        out.append(
            f"| {row['tool']} | {row['wall_median']:.3f} s | {row['wall_min']:.3f} s | {row['cpu_median']:.3f} s "
            f"| {rate} | {row['load_median']:.1f} | {row['runs']} |"
        )
    out += ["", "| ratio | wall | CPU | goal |", "|---|---:|---:|---:|"]
    for r in summary["ratios"]:
        out.append(f"| {r['ratio']} | {r['wall']:.2f}x | {r['cpu']:.2f}x | {r['goal']:.0f}x |")
    v = summary["panoptic_version_wall"]
    out.append(f"| panoptic --version | {v:.3f} s | | < 0.12 s |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="rounds; every tool runs once a round (default 7)")
    ap.add_argument("--reinstall", action="store_true", help="reinstall panoptic into the benchmark venv")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args()
    ensure_venv(args.reinstall)
    WORK.mkdir(parents=True, exist_ok=True)
    info = prepare_suite()
    versions = {
        "panoptic": _version([str(BIN / "panoptic"), "--version"]),
        "robocop": _version([str(RBIN / "robocop"), "--version"]),
        "robot": _version([str(RBIN / "robot"), "--version"]),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(versions), flush=True)
    with tempfile.TemporaryDirectory(prefix="check-bench-", dir=WORK) as scratch:
        tools = build_tools(WORK / "suite", Path(scratch))
        measure(tools, args.runs, Path(scratch))
    summary = summarise(tools, info)
    summary["versions"] = versions
    print()
    print(render(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
