"""Results folders as `panoptic run` writes them: real events through the real JSONL writer."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from panoptic.report import JsonlWriter
from panoptic.runtime.events import (
    Artifact,
    Failure,
    RunFinished,
    RunStarted,
    ScenarioFinished,
    ScenarioStarted,
    StepFinished,
    StepStarted,
)
from panoptic.source import Span

PAN_FILE = "suite/shop.pan"


@dataclass
class Sc:
    """One scenario of a synthetic run: the status of each attempt and each step's duration."""

    title: str
    attempts: Sequence[str] = ("passed",)
    steps: Sequence[float] = (0.1, 0.2)
    code: str = "PAN901"  # failure code of failed attempts
    artifacts: int = 0  # screenshots written per attempt
    extra: dict = field(default_factory=dict)


def span(line: int) -> Span:
    return Span(PAN_FILE, line * 40, line * 40 + 20, line, 5, line, 25)


def write_run(folder: Path, run_id: str, t0: float, scenarios: Sequence[Sc], *, report: bool = False) -> Path:
    """Write folder/results.jsonl.gz (and artifacts, optionally report.html/junit.xml); set mtimes to t0."""
    folder.mkdir(parents=True, exist_ok=True)
    writer = JsonlWriter(folder / "results.jsonl.gz")
    ids = [f"{PAN_FILE}::{sc.title}" for sc in scenarios]
    writer(RunStarted(run_id, t0, "panoptic run suite", {"platform": "linux"}, tuple(ids)))
    t = t0
    counts = dict.fromkeys(("passed", "failed", "error", "flaky", "skipped"), 0)
    for index, (sid, sc) in enumerate(zip(ids, scenarios, strict=True)):
        final = sc.attempts[-1]
        status = "flaky" if final == "passed" and len(sc.attempts) > 1 else final
        counts[status] += 1
        for attempt, outcome in enumerate(sc.attempts, start=1):
            writer(
                ScenarioStarted(sid, sc.title, PAN_FILE, "shop", "web", ("smoke",), attempt, 0, span(index * 10 + 1), t)
            )
            if outcome == "skipped":
                writer(ScenarioFinished(sid, "skipped", 0.0, attempt, None))
                continue
            arts = []
            for n in range(sc.artifacts):
                rel = f"artifacts/{index + 1:03d}-{attempt}/shot-{n}.png"
                path = folder / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(os.urandom(256) + f"{run_id}:{sid}:{n}".encode())
                arts.append(Artifact("screenshot", rel, f"shot-{n}"))
            elapsed = 0.0
            failure = None
            for step_index, duration in enumerate(sc.steps):
                line = index * 10 + 2 + step_index
                writer(
                    StepStarted(
                        sid, str(step_index), "ui.click", f'click "#b{step_index}"', span(line), (), "body", t + elapsed
                    )
                )
                last = step_index == len(sc.steps) - 1
                if outcome in ("failed", "error") and last:
                    failure = Failure(sc.code, f"expected #b{step_index} to be visible", span(line))
                    writer(StepFinished(sid, str(step_index), "failed", duration, failure, tuple(arts)))
                else:
                    writer(StepFinished(sid, str(step_index), "passed", duration, None, tuple(arts) if last else ()))
                elapsed += duration
            writer(ScenarioFinished(sid, outcome, elapsed, attempt, failure))
            t += elapsed
    counts["total"] = len(scenarios)
    writer(RunFinished(t + 0.1, t + 0.1 - t0, counts, 1 if counts["failed"] or counts["error"] else 0))
    writer.close()
    if report:
        from panoptic.report import write_reports

        write_reports(folder / "results.jsonl.gz", folder)
    set_mtime(folder, t0)
    return folder


def set_mtime(folder: Path, when: float) -> None:
    """Give every file under `folder` the modification time `when` (an old run)."""
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            os.utime(Path(dirpath) / name, (when, when))
