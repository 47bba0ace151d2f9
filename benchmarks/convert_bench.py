"""Meeting users where they are: converting a 500-action YAML config, and collecting 1,000 scenarios with pytest.

Convert: a config of 5 apps (web and desktop) with a global list of 500 actions of the browser and
enterprise types (navigate, click, fill with passwords, wait, screenshot, user_create, …); the time of
`panoptic convert config.yaml -o out.pan` as a fresh process (interpreter start included), and of
`convert_file` in process (read, validate, build, format, map back), median of rounds. Target < 0.5 s.

Collection: 20 files of 50 scenarios; the time of `pytest --collect-only -q` with the plugin, as a fresh
process, median of rounds, with this environment's other pytest plugins and without Hypothesis's. Target < 2 s.

    .venv/bin/python benchmarks/convert_bench.py [--rounds 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
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


CPU: dict[str, list[float]] = {}


def timed(command: list[str], cwd: Path, key: str = "") -> float:
    """Wall time of one run of the command; its CPU time (user + system) is kept under `key`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
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
    args = parser.parse_args()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
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
            timed(
                [sys.executable, "-m", "panoptic", "convert", "config.yaml", "-o", "out.pan"], work, "convert_command"
            )
            for _ in range(args.rounds)
        ]
        figures["convert_in_process_s"] = statistics.median(in_process)
        figures["convert_in_process_cpu_s"] = statistics.median(in_process_cpu)
        figures["convert_command_s"] = statistics.median(cli)
        figures["converted_lines"] = statistics.median([statements])
        suite = work / "suite"
        suite.mkdir()
        for f in range(20):
            (suite / f"s{f:02d}.pan").write_text(suite_text(f, 50), encoding="utf-8")
        (suite / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        collect = [
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
        out = subprocess.run(collect, cwd=suite, capture_output=True, text=True, check=True).stdout
        assert "1000 tests collected" in out, out[-300:]
        figures["collect_1000_s"] = statistics.median(
            [timed(collect, suite, "collect_1000") for _ in range(args.rounds)]
        )
        # Without this environment's Hypothesis plugin (a development tool that imports Hypothesis at the end of
        # every session, about 0.3 s): what a project that installs only Panoptic and pytest sees.
        bare = [*collect, "-p", "no:hypothesispytest"]
        figures["collect_1000_bare_s"] = statistics.median(
            [timed(bare, suite, "collect_1000_bare") for _ in range(args.rounds)]
        )
    for key, values in CPU.items():
        figures[f"{key}_cpu_s"] = statistics.median(values)
    for key, value in figures.items():
        print(f"{key:24} {value:.3f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
