"""Reports benchmark: Panoptic's results.jsonl/report.html/junit.xml against Robot Framework's output.

Both sides describe the same suite: 2,000 scenarios (tests) of 10 steps
(keywords), 20 files (suites) of 100, 2% of them failing at step 5.

- Panoptic: synthetic interpreter events (no browser) go through the real
  `JsonlWriter` into results.jsonl, the run renders report.html and junit.xml;
  then `panoptic report` re-renders them, timed as a whole process.
- Robot Framework: a .robot suite of the same shape runs with `robot` against a
  trivial keyword library, so output.xml is real; `rebot` re-renders
  log.html + report.html from it, timed as a whole process.

Robot Framework lives in a benchmark-only venv under benchmarks/work/
(git-ignored), created on first use. Run:

    .venv/bin/python benchmarks/report_bench.py [--scenarios 2000] [--repeat 3]
    .venv/bin/python benchmarks/report_bench.py --open-only   # open times of report.html in headless Chromium
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "report"
ROBOT_VENV = ROOT / "benchmarks" / "work" / "robot-venv"
STEPS = 10
PER_FILE = 100

sys.path.insert(0, str(ROOT))

# (action, Panoptic step text, Robot keyword line) per step; {i} is the scenario number, {n} a small count.
SHAPE = [
    ("web.navigate", 'open "/products/{i}"', "Open Page    /products/{i}"),
    ("web.click", 'click "#item-{i}"', "Click    css:#item-{i}"),
    ("web.fill", 'fill "#qty" with "{n}"', "Fill    css:#qty    {n}"),
    ("web.click", 'click role button "Add to cart"', "Click    role:button[name='Add to cart']"),
    ("web.expect", 'expect "#cart-count" has text "{n}"', "Expect Text    css:#cart-count    {n}"),
    ("web.hover", 'hover "#menu"', "Hover    css:#menu"),
    ("web.click", 'click text "Checkout"', "Click    text:Checkout"),
    ("web.fill", 'fill label "Email" with "user{i}@example.com"', "Fill    label:Email    user{i}@example.com"),
    ("web.press", 'press "Enter"', "Press    Enter"),
    ("web.expect", 'expect url contains "/done/{i}"', "Expect Url Contains    /done/{i}"),
]
FAIL_EVERY = 50  # scenario i fails when i % 50 == 7: 2%
FAIL_STEP = 4


def fails(i: int) -> bool:
    return i % FAIL_EVERY == 7


# --- Panoptic side --------------------------------------------------------------------------------------------


def pan_sources(folder: Path, scenarios: int) -> dict[int, tuple[str, int]]:
    """Write the .pan files of the suite; return scenario -> (file, first line)."""
    where: dict[int, tuple[str, int]] = {}
    for f in range(0, scenarios, PER_FILE):
        name = f"suite/shop_{f // PER_FILE:02d}.pan"
        lines = ["app shop: web {", '    url: "http://127.0.0.1:8000"', "}", ""]
        for i in range(f, min(f + PER_FILE, scenarios)):
            where[i] = (name, len(lines) + 1)
            lines.append(f'scenario "checkout {i}" on shop tags smoke, shard{i % 4} {{')
            lines += ["    " + text.format(i=i, n=i % 5 + 1) for _, text, _ in SHAPE]
            lines += ["}", ""]
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
    return where


def pan_events(folder: Path, scenarios: int, *, retries: int = 0, values: bool = False):
    """The events an interpreter run of the suite emits (timings synthetic, structure real).

    `retries`: failing scenarios are run that many more times (each attempt fails, as with `--retries`);
    `values`: every step carries the values it used, as steps written with variables do.
    """
    from panoptic.runtime.events import (
        Failure,
        RunFinished,
        RunStarted,
        ScenarioFinished,
        ScenarioStarted,
        StepFinished,
        StepStarted,
    )
    from panoptic.source import Source

    where = pan_sources(folder, scenarios)
    sources: dict[str, Source] = {}
    t0 = 1_760_000_000.0
    t = t0
    ids = tuple(f"{where[i][0]}::checkout {i}" for i in range(scenarios))
    env = {"browser": "chromium 131.0.6778.85", "platform": "linux x86_64", "python": "3.11.7", "panoptic": "0.1.0"}
    yield RunStarted("bench-run", t0, "panoptic run suite/ --workers 2", env, ids)
    for i in range(scenarios):
        file, first = where[i]
        if file not in sources:  # spans name the file as the command line did: relative to the run folder
            sources[file] = Source(file, (folder / file).read_text(encoding="utf-8"))
        src = sources[file]
        sid = ids[i]
        scen_span = src.span(src._line_starts[first - 1], src._line_starts[first - 1] + 8)
        tags = ("smoke", f"shard{i % 4}")
        for attempt in range(1, (retries if fails(i) else 0) + 2):
            yield ScenarioStarted(sid, f"checkout {i}", file, "shop", "web", tags, attempt, i % 2, scen_span, t)
            start = t
            failure = None
            for k, (action, text, _) in enumerate(SHAPE):
                text = text.format(i=i, n=i % 5 + 1)
                line_start = src._line_starts[first + k]
                span = src.span(line_start + 4, line_start + 4 + len(text))
                yield StepStarted(sid, str(k), action, text, span, (), "body", t)
                duration = 0.012 + (k * 7 + i) % 13 / 1000
                t += duration
                shown = f'text = "{i % 5 + 1}", target testid "item-{i}"' if values else None
                if fails(i) and k == FAIL_STEP:
                    failure = Failure(
                        "PAN901",
                        "expected #cart-count to have text " + repr(str(i % 5 + 1)),
                        span,
                        expected=str(i % 5 + 1),
                        actual="0",
                    )
                    yield StepFinished(sid, str(k), "failed", duration, failure, values=shown)
                    break
                yield StepFinished(sid, str(k), "passed", duration, values=shown)
            status = "failed" if failure else "passed"
            yield ScenarioFinished(sid, status, t - start, attempt, failure)
    failed = sum(fails(i) for i in range(scenarios))
    counts = {"passed": scenarios - failed, "failed": failed, "error": 0, "flaky": 0, "skipped": 0}
    yield RunFinished(t, t - t0, counts, 1 if failed else 0)


def run_panoptic(folder: Path, scenarios: int, *, retries: int = 0, values: bool = False) -> dict[str, int]:
    from panoptic.report import JsonlWriter, write_reports

    out = folder / "out"
    writer = JsonlWriter(out / "results.jsonl")
    for event in pan_events(folder, scenarios, retries=retries, values=values):
        writer(event)
    writer.close()
    paths = write_reports(out / "results.jsonl", out)
    return {
        name: paths[key].stat().st_size
        for name, key in (("results.jsonl", "results"), ("report.html", "html"), ("junit.xml", "junit"))
    }


# --- Robot Framework side ---------------------------------------------------------------------------------------

LIBRARY = '''"""A trivial keyword library: each keyword does nothing, Expect Text fails on purpose for 2% of tests."""


class Shop:
    def open_page(self, url):
        pass

    def click(self, locator):
        pass

    def fill(self, locator, text):
        pass

    def expect_text(self, locator, text, fail="no"):
        if fail == "yes":
            raise AssertionError(f"expected {locator} to have text {text!r}")

    def hover(self, locator):
        pass

    def press(self, key):
        pass

    def expect_url_contains(self, part):
        pass
'''


def ensure_robot() -> Path:
    robot = ROBOT_VENV / "bin" / "robot"
    if not robot.exists():
        subprocess.run([sys.executable, "-m", "venv", str(ROBOT_VENV)], check=True)
        subprocess.run([str(ROBOT_VENV / "bin" / "pip"), "install", "-q", "robotframework"], check=True)
    return ROBOT_VENV / "bin"


def robot_suite(folder: Path, scenarios: int) -> Path:
    suite = folder / "suite"
    suite.mkdir(parents=True, exist_ok=True)
    (folder / "Shop.py").write_text(LIBRARY, encoding="utf-8")
    for f in range(0, scenarios, PER_FILE):
        lines = ["*** Settings ***", "Library    ../Shop.py", "", "*** Test Cases ***"]
        for i in range(f, min(f + PER_FILE, scenarios)):
            lines += [f"Checkout {i}", f"    [Tags]    smoke    shard{i % 4}"]
            for k, (_, _, kw) in enumerate(SHAPE):
                line = "    " + kw.format(i=i, n=i % 5 + 1)
                if k == FAIL_STEP and fails(i):
                    line += "    fail=yes"
                lines.append(line)
            lines.append("")
        (suite / f"shop_{f // PER_FILE:02d}.robot").write_text("\n".join(lines), encoding="utf-8")
    return suite


def run_robot(folder: Path, scenarios: int) -> tuple[Path, dict[str, int]]:
    bindir = ensure_robot()
    suite = robot_suite(folder, scenarios)
    out = folder / "out"
    subprocess.run(
        [str(bindir / "robot"), "--outputdir", str(out), "--console", "none", str(suite)],
        check=False,
        cwd=folder,
    )
    sizes = {name: (out / name).stat().st_size for name in ("output.xml", "log.html", "report.html")}
    return out / "output.xml", sizes


READY_JS = """
new MutationObserver(() => {
  if (document.body && document.body.dataset.ready && !window.__ready) window.__ready = performance.now();
}).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-ready"]});
"""

INTERACT_JS = """() => {
  const t0 = performance.now();
  const search = document.getElementById("search");
  search.value = "checkout 1957"; search.dispatchEvent(new Event("input"));
  const t1 = performance.now();
  search.value = ""; search.dispatchEvent(new Event("input"));
  document.querySelector("button.filter[data-status=failed]").click();
  const t2 = performance.now();
  document.getElementById("expand").click();
  const t3 = performance.now();
  document.querySelector("button.filter[data-status=all]").click();
  const tabs = document.querySelectorAll(".tabs button");
  if (tabs.length) tabs[0].click();
  const t4 = performance.now();
  return {search: t1 - t0, filter: t2 - t1, open_failed: t3 - t2, tab: t4 - t3,
          rows: document.querySelectorAll(".scenario").length, tabs: tabs.length};
}"""


def open_times(html: Path, repeat: int) -> dict[str, float]:
    """Median milliseconds, in headless Chromium, from navigation to the scenario list being built (the page
    inflates its embedded data and builds 2,000 rows; the failed ones open), and of searching, filtering,
    opening every failed scenario and switching an attempt tab."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("PANOPTIC_BROWSER") or shutil.which("chromium") or "/usr/bin/chromium"
    loads: list[float] = []
    interactions: list[dict[str, float]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        for _ in range(repeat):
            context = browser.new_context(offline=True)
            page = context.new_page()
            page.add_init_script(READY_JS)
            page.goto(html.as_uri())
            page.wait_for_selector("body[data-ready=true]", timeout=60_000)
            loads.append(page.evaluate("window.__ready"))
            interactions.append(page.evaluate(INTERACT_JS))
            context.close()
        browser.close()
    out = {"load_ms": statistics.median(loads)}
    for key in ("search", "filter", "open_failed", "tab"):
        out[f"{key}_ms"] = statistics.median(i[key] for i in interactions)
    out["rows"] = interactions[0]["rows"]
    out["tabs"] = interactions[0]["tabs"]
    return out


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):  # rebot exits with the number of failed tests (capped at 250)
        if not (cmd[0].endswith("rebot") and proc.returncode < 251):
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="timed re-renders per side (the median is reported)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--open-only",
        action="store_true",
        help="only time opening report.html in headless Chromium (no Robot Framework comparison)",
    )
    args = parser.parse_args()
    if args.open_only:
        main_open(args)
        return

    shutil.rmtree(WORK, ignore_errors=True)
    pan_dir, rob_dir = WORK / "panoptic", WORK / "robot"
    pan_dir.mkdir(parents=True)
    rob_dir.mkdir(parents=True)

    pan_sizes = run_panoptic(pan_dir, args.scenarios)
    output_xml, rob_sizes = run_robot(rob_dir, args.scenarios)

    panoptic = [
        str(ROOT / ".venv" / "bin" / "python"),
        "-m",
        "panoptic",
        "report",
        str(pan_dir / "out" / "results.jsonl"),
        "--output",
        str(pan_dir / "rerender"),
    ]
    rebot = [str(ROBOT_VENV / "bin" / "rebot"), "--outputdir", str(rob_dir / "rerender"), str(output_xml)]
    pan_times, rob_times = [], []
    for _ in range(args.repeat):  # interleaved so both sides see the same machine load
        pan_times.append(timed(panoptic, pan_dir))
        rob_times.append(timed(rebot, rob_dir))
    pan_t, rob_t = statistics.median(t for t, _ in pan_times), statistics.median(t for t, _ in rob_times)
    pan_c, rob_c = statistics.median(c for _, c in pan_times), statistics.median(c for _, c in rob_times)
    pan_total, rob_total = sum(pan_sizes.values()), sum(rob_sizes.values())

    mb = 1024 * 1024
    print(f"suite: {args.scenarios} scenarios x {STEPS} steps, {sum(fails(i) for i in range(args.scenarios))} failing")
    print(
        "Panoptic:       "
        + ", ".join(f"{k} {v / mb:.2f} MB" for k, v in pan_sizes.items())
        + f"  = {pan_total / mb:.2f} MB"
    )
    print(
        "Robot Framework: "
        + ", ".join(f"{k} {v / mb:.2f} MB" for k, v in rob_sizes.items())
        + f"  = {rob_total / mb:.2f} MB"
    )
    print(f"size ratio Panoptic/Robot: {pan_total / rob_total:.3f} (limit 0.25)")
    print(f"re-render wall: panoptic report {pan_t:.3f} s, rebot {rob_t:.3f} s (median of {args.repeat})")
    print(f"re-render CPU:  panoptic report {pan_c:.3f} s, rebot {rob_c:.3f} s (median of {args.repeat})")
    print(f"time ratio Panoptic/Robot: wall {pan_t / rob_t:.3f}, CPU {pan_c / rob_c:.3f} (limit 0.5)")
    figures = {
        "scenarios": args.scenarios,
        "panoptic_bytes": pan_sizes,
        "robot_bytes": rob_sizes,
        "size_ratio": pan_total / rob_total,
        "panoptic_seconds": pan_times,
        "rebot_seconds": rob_times,
        "time_ratio": pan_t / rob_t,
        "cpu_ratio": pan_c / rob_c,
    }
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    ok = figures["size_ratio"] <= 0.25 and figures["time_ratio"] <= 0.5
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


OPEN_LIMIT_MS = 1500  # report.html of 2,000 scenarios is usable within this time after navigation


def main_open(args: argparse.Namespace) -> None:
    """Open times of report.html for the suite, plain and with every failing scenario retried once and
    every step carrying its values (attempt tabs, value chips)."""
    shutil.rmtree(WORK, ignore_errors=True)
    figures: dict[str, object] = {"scenarios": args.scenarios}
    ok = True
    for name, retries, values in (("plain", 0, False), ("retries+values", 1, True)):
        folder = WORK / name.replace("+", "-")
        folder.mkdir(parents=True)
        sizes = run_panoptic(folder, args.scenarios, retries=retries, values=values)
        times = open_times(folder / "out" / "report.html", args.repeat)
        figures[name] = {"bytes": sizes, **times}
        ok = ok and times["load_ms"] <= OPEN_LIMIT_MS
        print(
            f"{name:15} report.html {sizes['report.html'] / 1024:.0f} KB, {times['rows']} rows: "
            f"built in {times['load_ms']:.0f} ms (median of {args.repeat}); search {times['search_ms']:.1f} ms, "
            f"status filter {times['filter_ms']:.1f} ms, open {sum(fails(i) for i in range(args.scenarios))} "
            f"failed {times['open_failed_ms']:.1f} ms, attempt tab {times['tab_ms']:.1f} ms"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print("PASS" if ok else f"FAIL (limit {OPEN_LIMIT_MS} ms)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
