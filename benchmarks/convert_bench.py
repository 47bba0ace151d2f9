"""Meeting users where they are: converting a 500-action YAML config, and collecting 1,000 scenarios with pytest.

Convert: a config of 5 apps (web and desktop) with a global list of 500 actions of the browser and
enterprise types (navigate, click, fill with passwords, wait, screenshot, user_create, …); the time of
`panoptic convert config.yaml -o out.pan` as a fresh process (interpreter start included), and of
`convert_file` in process (read, validate, build, format, map back), median of rounds. Target < 0.5 s.

Collection: 20 files of 50 scenarios; the time of `pytest --collect-only -q` with the plugin, as a fresh
process, median of rounds, with this environment's other pytest plugins and without Hypothesis's. Target < 2 s.

Web (`--web N`): N scenarios on one served page (4 files using one app module), run by `pytest` serially and
with `-n 2`, with the plugin as it is (one browser per pytest process) and with the plugin of `--baseline REV`
(git revision; by default the one before the browser was kept: a browser per scenario), loaded by module name
from a temporary folder. The two alternate within each round (pairs); wall and CPU (user + system of the
process tree) medians.

    .venv/bin/python benchmarks/convert_bench.py [--rounds 5] [--json out.json]
    .venv/bin/python benchmarks/convert_bench.py --only web --web 20 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from panoptic.convert import convert_file  # noqa: E402

TYPES = [
    "navigate",
    "click",
    "fill",
    "wait",
    "screenshot",
    "submit",
    "vision_click",
    "user_create",
    "compliance_check",
    "smart_error_detection",
]


def config_text(actions: int) -> str:
    lines = ["name: Big suite", "settings: {headless: true, window_width: 1280, window_height: 800}", "apps:"]
    for i in range(5):
        if i % 2:
            lines.append(
                f"  - {{name: Desk {i}, type: desktop, path: app{i}.py, actions: [{{name: a, type: click, target: OK}}]}}"
            )
        else:
            lines.append(f"  - {{name: Web {i}, type: web, url: 'http://127.0.0.1:{8000 + i}', timeout: 10}}")
    lines.append("actions:")
    for n in range(actions):
        kind = TYPES[n % len(TYPES)]
        fields = {
            "navigate": "url: /page/%d" % n,
            "click": 'selector: "#button-%d"' % n,
            "fill": 'selector: "#password-%d", value: "pw-%d"' % (n, n),
            "wait": "wait_time: 1",
            "screenshot": "value: shot %d" % n,
            "submit": 'selector: "form#f%d"' % n,
            "vision_click": "target: Button %d" % n,
            "user_create": "parameters: {username: user%d, password: pass%d, role: developer}" % (n, n),
            "compliance_check": "parameters: {standards: [soc2]}",
            "smart_error_detection": "parameters: {ignore: [favicon.ico]}",
        }[kind]
        lines.append(f"  - {{name: step {n}, type: {kind}, {fields}, screenshot: {str(n % 7 == 0).lower()}}}")
    return "\n".join(lines) + "\n"


def suite_text(file: int, scenarios: int) -> str:
    out = ['app site: web {\n    url: "http://127.0.0.1:9"\n}\n']
    for n in range(scenarios):
        tags = "smoke" if n % 2 else "slow"
        out.append(
            f'\nscenario "file {file} scenario {n}" on site tags {tags} {{\n    open "/{n}"\n    click "#b{n}"\n}}\n'
        )
    return "".join(out)


PAGE = '<!doctype html><html><head><title>Tiny</title></head><body><h1 id="h">Hello</h1></body></html>'
BASELINE = "fd52df8"  # the plugin before it kept one browser per process


def web_suite(folder: Path, scenarios: int) -> None:
    """`scenarios` web scenarios over 4 files that use one app module serving a one-page site."""
    (folder / "site").mkdir(parents=True)
    (folder / "site" / "index.html").write_text(PAGE, encoding="utf-8")
    (folder / "app.pan").write_text('app site: web {\n    serve: "site"\n    timeout: 10s\n}\n', encoding="utf-8")
    for f in range(4):
        body = ['use "./app.pan"\n']
        for n in range(f, scenarios, 4):
            body.append(f'\nscenario "page {n}" on site {{\n    open "/"\n    expect "#h" has text "Hello"\n}}\n')
        (folder / f"web{f}.pan").write_text("".join(body), encoding="utf-8")
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")


CPU: dict[str, list[float]] = {}


def timed(command: list[str], cwd: Path, key: str = "", env: dict[str, str] | None = None) -> float:
    """Wall time of one run of the command; its CPU time (user + system) is kept under `key`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if key:
        CPU.setdefault(key, []).append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", choices=("convert", "collect", "web"), action="append")
    parser.add_argument("--web", type=int, default=20, help="web scenarios run by pytest (0: none)")
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the plugin to compare with")
    args = parser.parse_args()
    parts = set(args.only or ("convert", "collect", "web"))
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "web" in parts and args.web:
            web(work, args.web, args.rounds, args.baseline, figures)
        if "convert" in parts:
            convert(work, args, figures)
        if "collect" in parts:
            collect(work, args, figures)
    for key, values in CPU.items():
        figures[f"{key}_cpu_s"] = statistics.median(values)
    for key, value in figures.items():
        print(f"{key:32} {value:.3f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


def web(work: Path, scenarios: int, rounds: int, baseline: str, figures: dict[str, float]) -> None:
    suite = work / "web"
    web_suite(suite, scenarios)
    before = work / "baseline"
    before.mkdir()
    old = subprocess.run(
        ["git", "show", f"{baseline}:panoptic/pytest_plugin.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    (before / "panoptic_plugin_baseline.py").write_text(old, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(before), str(ROOT)])}
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:panoptic", "-p", "no:cacheprovider"]
    base += ["-p", "no:hypothesispytest", "--panoptic-output", str(work / "web-out")]
    plugins = {"kept": ["-p", "panoptic.pytest_plugin"], "baseline": ["-p", "panoptic_plugin_baseline"]}
    for name, plugin in plugins.items():  # both pass before anything is timed
        done = subprocess.run([*base, *plugin], cwd=suite, capture_output=True, text=True, env=env)
        assert f"{scenarios} passed" in done.stdout, (name, done.stdout[-2000:], done.stderr[-2000:])
    for workers in ([], ["-n", "2"]):
        label = "serial" if not workers else "n2"
        walls: dict[str, list[float]] = {name: [] for name in plugins}
        for r in range(rounds):
            order = list(plugins) if r % 2 == 0 else list(reversed(plugins))  # alternate who goes first
            for name in order:
                key = f"web{scenarios}_{label}_{name}"
                walls[name].append(timed([*base, *plugins[name], *workers], suite, key, env))
        for name, values in walls.items():
            figures[f"web{scenarios}_{label}_{name}_s"] = statistics.median(values)


def convert(work: Path, args: argparse.Namespace, figures: dict[str, float]) -> None:
    config = work / "config.yaml"
    config.write_text(config_text(args.actions), encoding="utf-8")
    converted = convert_file(config)
    assert converted.text is not None and not converted.has_errors, converted.diagnostics[:3]
    statements = sum(1 for line in converted.text.splitlines() if line.startswith("    "))
    in_process, in_process_cpu = [], []
    for _ in range(args.rounds):
        start, cpu = time.perf_counter(), time.process_time()
        convert_file(config)
        in_process.append(time.perf_counter() - start)
        in_process_cpu.append(time.process_time() - cpu)
    cli = [
        timed([sys.executable, "-m", "panoptic", "convert", "config.yaml", "-o", "out.pan"], work, "convert_command")
        for _ in range(args.rounds)
    ]
    figures["convert_in_process_s"] = statistics.median(in_process)
    figures["convert_in_process_cpu_s"] = statistics.median(in_process_cpu)
    figures["convert_command_s"] = statistics.median(cli)
    figures["converted_lines"] = statistics.median([statements])


def collect(work: Path, args: argparse.Namespace, figures: dict[str, float]) -> None:
    suite = work / "suite"
    suite.mkdir()
    for f in range(20):
        (suite / f"s{f:02d}.pan").write_text(suite_text(f, 50), encoding="utf-8")
    (suite / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:panoptic",
        "-p",
        "panoptic.pytest_plugin",
        "-p",
        "no:cacheprovider",
        "--collect-only",
        "-q",
    ]
    out = subprocess.run(command, cwd=suite, capture_output=True, text=True, check=True).stdout
    assert "1000 tests collected" in out, out[-300:]
    figures["collect_1000_s"] = statistics.median([timed(command, suite, "collect_1000") for _ in range(args.rounds)])
    # Without this environment's Hypothesis plugin (a development tool that imports Hypothesis at the end of
    # every session, about 0.3 s): what a project that installs only Panoptic and pytest sees.
    bare = [*command, "-p", "no:hypothesispytest"]
    figures["collect_1000_bare_s"] = statistics.median(
        [timed(bare, suite, "collect_1000_bare") for _ in range(args.rounds)]
    )


if __name__ == "__main__":
    main()
