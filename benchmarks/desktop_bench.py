"""Interpreter overhead per step of a real 20-step desktop scenario (Tk app under Xvfb, pyautogui, OCR, OpenCV).

    .venv/bin/python benchmarks/desktop_bench.py [--rounds 5] [--warmup 1] [--json out.json]

The script writes a .pan file with one 20-step scenario per round (plus the
warm-up rounds) on the example app (examples/desktop/app.py): `at x, y`,
`image "greet.png"` and `text "…"` targets; click, type, press, move to,
scroll, right click, drag and expect. It compiles the file and runs it with
panoptic's own runner (`panoptic.runtime.runner.execute`, one process, the
same listeners as `panoptic run`: results.jsonl.gz writer and console
reporter), on the real desktop backend, so one Xvfb serves every round and
the app starts afresh for each scenario, as in a real run.

Measured per step, from events and a timing proxy (nothing in the product is
changed; the proxy is a subclass of DesktopBackend given to the runner as a
backend override, the poll sleep of `expect … within` is wrapped here too):

* total    — from the step's StepStarted reaching the first listener to the
             next step's StepStarted (for the last step: its StepFinished
             handled by every listener): all the time the step costs;
* backend  — time inside DesktopBackend.perform/query/suggest/capture_failure
             (pyautogui input and its pauses, screenshots, OCR, template matching);
* wait     — time the interpreter slept between two polls of an expectation;
* overhead — total - backend - wait: evaluating arguments, events, masking,
             writing results, the console, the runner's bookkeeping (the
             part spent inside the results writer and the console reporter
             is also shown on its own).

Prints a Markdown table (median and p95 over the measured rounds for each
step, and over all steps), with the load average before and after. Exits 1
when a scenario fails or when the median overhead of any step reaches 1 ms.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "desktop"
LIMIT_MS = 1.0

STEPS = """\
    click at 290, 131
    type "Ada"
    click image "greet.png"
    expect text "Hello, Ada" visible within 10s
    type " Lovelace"
    press "enter"
    expect text "Hello, Ada Lovelace" visible within 10s
    click text "Actions"
    click text "Say goodbye"
    expect text "Goodbye!" visible within 10s
    move to text exact "Row 5"
    scroll down by 200
    expect text exact "Row 25" visible within 10s
    right click text exact "Row 20"
    click text "Pick row"
    expect text "Picked Row 20" visible within 10s
    drag text "Drag" to text "Drop here"
    expect text "Dropped in box" visible within 10s
    click text "Actions"
    click text "Reset"
"""


def suite(rounds: int) -> str:
    """The .pan source: the example app and `rounds` copies of the 20-step scenario."""
    app = f"""\
app notes: desktop {{
    command: {json.dumps(f"{sys.executable} app.py")}
    cwd: {json.dumps(str(EXAMPLE))}
    window: "Panoptic Notes"
    screen: 1024x768
    timeout: 10s
}}
"""
    scenarios = "".join(f'\nscenario "round {n}" on notes {{\n{STEPS}}}\n' for n in range(1, rounds + 1))
    return app + scenarios


@dataclass
class Step:
    scenario: str
    path: str
    text: str
    started: float
    ended: float = 0.0
    backend: float = 0.0
    wait: float = 0.0
    listeners: float = 0.0  # inside the product's listeners (results writer, console): part of the overhead
    gc: float = 0.0  # Python garbage collection during the step (in any of the parts above)
    status: str = ""


@dataclass
class Clock:
    """Where the time of each step goes; fed by the timing proxy, the poll sleep and two listeners."""

    steps: list[Step] = field(default_factory=list)
    current: Step | None = None
    statuses: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    def first(self, event: Any) -> None:
        """Live listener: called before every other listener with each event."""
        now = time.perf_counter()
        if event.kind == "step_started":
            if self.current is not None and self.current.scenario == event.scenario:
                self.current.ended = now
            self.current = Step(event.scenario, event.path, event.text, now)
            self.steps.append(self.current)
        elif event.kind == "scenario_started":
            self.titles[event.scenario] = event.title
        elif event.kind == "scenario_finished":
            self.statuses[event.scenario] = event.status
            self.current = None

    def last(self, event: Any) -> None:
        """Regular listener, registered after the product's: sees each event once they have handled it."""
        if event.kind == "step_finished" and self.current is not None and self.current.path == event.path:
            self.current.status = event.status
            self.current.ended = time.perf_counter()  # replaced by the next step's start when there is one

    def charge_backend(self, seconds: float) -> None:
        if self.current is not None:
            self.current.backend += seconds

    def charge_wait(self, seconds: float) -> None:
        if self.current is not None:
            self.current.wait += seconds

    def timed(self, listener: Any) -> Any:
        """`listener`, with the time it takes charged to the running step."""

        def call(event: Any) -> None:
            started = time.perf_counter()
            try:
                listener(event)
            finally:
                if self.current is not None:
                    self.current.listeners += time.perf_counter() - started

        return call

    def on_gc(self, phase: str, _info: dict[str, Any]) -> None:
        """gc.callbacks hook: collections are not the interpreter's own work, but they land somewhere; show where."""
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self.current is not None and getattr(self, "_gc_started", None) is not None:
            self.current.gc += time.perf_counter() - self._gc_started


CLOCK = Clock()


def _timed_backend_class() -> type:
    from panoptic.backends.desktop.backend import DesktopBackend

    class TimedDesktopBackend(DesktopBackend):
        """The real desktop backend; each call the interpreter makes is timed and charged to the running step."""

        def perform(self, capability: str, args: dict[str, Any], timeout: float) -> Any:
            started = time.perf_counter()
            try:
                return super().perform(capability, args, timeout)
            finally:
                CLOCK.charge_backend(time.perf_counter() - started)

        def query(self, capability: str, args: dict[str, Any]) -> Any:
            started = time.perf_counter()
            try:
                return super().query(capability, args)
            finally:
                CLOCK.charge_backend(time.perf_counter() - started)

        def suggest(self, target: Any) -> tuple[str, ...]:
            started = time.perf_counter()
            try:
                return super().suggest(target)
            finally:
                CLOCK.charge_backend(time.perf_counter() - started)

        def capture_failure(self, ctx: Any) -> None:
            started = time.perf_counter()
            try:
                super().capture_failure(ctx)
            finally:
                CLOCK.charge_backend(time.perf_counter() - started)

    return TimedDesktopBackend


def __getattr__(name: str) -> Any:
    """`desktop_bench:TimedDesktopBackend` for the runner's backend override (built lazily: no heavy import here)."""
    if name == "TimedDesktopBackend":
        cls = _timed_backend_class()
        globals()[name] = cls
        return cls
    raise AttributeError(name)


def _time_poll_sleeps() -> None:
    """Charge the sleeps of `expect … within` polling to the step as waiting, not as overhead."""
    from panoptic.families.expect import checks as expectations

    defaults = expectations.poll.__kwdefaults__
    real_sleep = defaults["sleep"]

    def sleep(seconds: float) -> None:
        started = time.perf_counter()
        real_sleep(seconds)
        CLOCK.charge_wait(time.perf_counter() - started)

    defaults["sleep"] = sleep


def run(rounds: int, warmup: int, keep: Path | None) -> tuple[int, float]:
    """Run warm-up + measured rounds through the runner; (exit code, wall seconds)."""
    import gc

    from rich.console import Console

    from panoptic.compiler import compile_paths
    from panoptic.report import RESULTS_FILE, JsonlWriter
    from panoptic.runtime.console import ConsoleReporter
    from panoptic.runtime.runner import RunOptions, execute

    sys.modules.setdefault("desktop_bench", sys.modules[__name__])
    _time_poll_sleeps()
    gc.callbacks.append(CLOCK.on_gc)
    with tempfile.TemporaryDirectory(prefix="panoptic-desktop-bench-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLE / "greet.png", folder / "greet.png")
        source = folder / "bench.pan"
        source.write_text(suite(warmup + rounds), encoding="utf-8")
        result = compile_paths([str(source)])
        if result.has_errors or result.program is None:
            for d in result.diagnostics:
                print(f"{d.code} {d.message}", file=sys.stderr)
            return 2, 0.0
        program = result.program
        out = folder / "results"
        writer = JsonlWriter(out / RESULTS_FILE)
        console = Console(file=io.StringIO(), highlight=False, width=120)
        reporter = ConsoleReporter(console, sources=result.sources, output_dir=out)
        options = RunOptions(
            output_dir=out,
            run_id="desktop-bench",
            command="desktop_bench",
            backend_overrides=(("desktop", "desktop_bench:TimedDesktopBackend"),),
        )
        started = time.perf_counter()
        try:
            outcome = execute(
                program,
                list(range(len(program.scenarios))),
                options,
                [CLOCK.timed(writer), CLOCK.timed(reporter), CLOCK.last],
                live=[CLOCK.first, CLOCK.timed(reporter.live)],
            )
        finally:
            reporter.close()
            writer.close()
        wall = time.perf_counter() - started
        if outcome.exit_code != 0:
            sys.stderr.write(console.file.getvalue()[-4000:])
        return outcome.exit_code, wall


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def summarise(steps: list[Step], measured: set[str]) -> dict[str, Any]:
    """Per step position (1..20) and overall: median and p95 of total, backend, wait and overhead, in ms."""
    rows: dict[str, list[Step]] = {}
    for step in steps:
        if step.scenario in measured:
            rows.setdefault(step.path, []).append(step)

    def stats(group: list[Step]) -> dict[str, float]:
        total = [(s.ended - s.started) * 1e3 for s in group]
        backend = [s.backend * 1e3 for s in group]
        wait = [s.wait * 1e3 for s in group]
        overhead = [t - b - w for t, b, w in zip(total, backend, wait, strict=True)]
        return {
            "n": len(group),
            "total_median": statistics.median(total),
            "total_p95": p95(total),
            "backend_median": statistics.median(backend),
            "wait_median": statistics.median(wait),
            "overhead_median": statistics.median(overhead),
            "overhead_p95": p95(overhead),
            "overhead_max": max(overhead),
            "listeners_median": statistics.median(s.listeners * 1e3 for s in group),
            "gc_total": sum(s.gc for s in group) * 1e3,
        }

    per_step = []
    for path in sorted(rows, key=lambda p: [int(x) for x in p.split(".")]):
        group = rows[path]
        per_step.append({"step": int(path) + 1, "text": group[0].text, **stats(group)})
    everything = [s for group in rows.values() for s in group]
    return {"steps": per_step, "all": stats(everything) if everything else {}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (scenarios), default 5")
    parser.add_argument("--warmup", type=int, default=1, help="rounds run first and left out, default 1")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", type=Path, help="write the .pan file and the results into this folder")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    load_before = os.getloadavg()
    code, wall = run(args.rounds, args.warmup, args.keep)
    load_after = os.getloadavg()
    failed = {sid: status for sid, status in CLOCK.statuses.items() if status != "passed"}
    if code != 0 or failed:
        print(f"the benchmark scenario did not pass (exit {code}): {failed}", file=sys.stderr)
        return 1
    order = list(dict.fromkeys(s.scenario for s in CLOCK.steps))
    measured = set(order[args.warmup :])
    figures = summarise(CLOCK.steps, measured)
    figures.update(
        rounds=args.rounds,
        warmup=args.warmup,
        wall_s=round(wall, 2),
        cpus=os.cpu_count(),
        load_before=[round(x, 2) for x in load_before],
        load_after=[round(x, 2) for x in load_after],
    )

    print(
        f"{args.rounds} measured round(s) of the 20-step scenario after {args.warmup} warm-up, "
        f"{os.cpu_count()} CPU(s), run wall time {wall:.1f} s; load average before "
        f"{' '.join(f'{x:.2f}' for x in load_before)}, after {' '.join(f'{x:.2f}' for x in load_after)}"
    )
    print()
    print("| # | step | total median | backend median | wait median | overhead median | overhead p95 |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for row in figures["steps"]:
        print(
            f"| {row['step']} | `{row['text']}` | {row['total_median']:.1f} ms | {row['backend_median']:.1f} ms "
            f"| {row['wait_median']:.1f} ms | {row['overhead_median']:.3f} ms | {row['overhead_p95']:.3f} ms |"
        )
    a = figures["all"]
    print(
        f"| all | {a['n']} steps | {a['total_median']:.1f} ms | {a['backend_median']:.1f} ms | "
        f"{a['wait_median']:.1f} ms | {a['overhead_median']:.3f} ms | {a['overhead_p95']:.3f} ms |"
    )
    print()
    worst_step = max(
        (s for s in CLOCK.steps if s.scenario in measured), key=lambda s: s.ended - s.started - s.backend - s.wait
    )
    print(
        f"largest single overhead: {a['overhead_max']:.3f} ms (step {int(worst_step.path) + 1} of "
        f"{CLOCK.titles.get(worst_step.scenario, worst_step.scenario)!r}; garbage collection during that step "
        f"{worst_step.gc * 1e3:.3f} ms); garbage collection over all measured steps {a['gc_total']:.3f} ms"
    )
    print(
        f"of the overhead, inside the results writer and console reporter: {a['listeners_median']:.3f} ms "
        "per step (median)"
    )
    worst = max(row["overhead_median"] for row in figures["steps"])
    ok = worst < LIMIT_MS
    print(
        f"limit: median overhead of every step < {LIMIT_MS:g} ms: {'met' if ok else 'NOT met'} (worst {worst:.3f} ms)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
