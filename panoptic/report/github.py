"""`--reporter github`: annotations at the failing lines and a Markdown job summary, for GitHub Actions.

Each failed or errored scenario becomes a workflow command (`::error file=…,line=…::…`) printed on
standard output, which the Actions runner turns into an annotation on the line of the failing step;
flaky scenarios become warnings. The summary (counts, a table of the scenarios that did not pass, their
failure and the slowest scenarios) is appended to the file `$GITHUB_STEP_SUMMARY` names when it is set,
and written as `summary.md` in the results folder in any case.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from panoptic.diagnostics.render import github_data, github_property
from panoptic.report.model import RunResult, ScenarioResult
from panoptic.runtime.events import ERROR, FAILED, FLAKY, PASSED, SKIPPED

SUMMARY = "summary.md"
_ICON = {PASSED: "✅", FLAKY: "⚠️", FAILED: "❌", ERROR: "💥", SKIPPED: "⏭️"}


def annotation_lines(model: RunResult) -> list[str]:
    """One workflow command per scenario that failed, errored or was flaky."""
    lines = []
    for sc in model.scenarios:
        if sc.status not in (FAILED, ERROR, FLAKY):
            continue
        failure = sc.failure if sc.status != FLAKY else next((a.failure for a in sc.attempts if a.failure), None)
        span = failure.span if failure is not None and failure.span is not None else sc.span
        kind = "warning" if sc.status == FLAKY else "error"
        title = f"{sc.title} ({failure.code})" if failure is not None else sc.title
        text = failure.message if failure is not None else f"scenario {sc.status}"
        if sc.status == FLAKY:
            text = f"flaky: passed on attempt {sc.final.number}; an earlier attempt failed: {text}"
        elif failure is not None and failure.help:
            text += f"\nhelp: {failure.help}"
        lines.append(
            f"::{kind} file={github_property(span.file)},line={span.line},col={span.col},"
            f"endLine={span.end_line},endColumn={span.end_col},title={github_property(title)}::{github_data(text)}"
        )
    return lines


def summary(model: RunResult) -> str:
    """The Markdown job summary."""
    counts = model.counts
    parts = [f"{_ICON[s]} {counts.get(s, 0)} {s}" for s in (PASSED, FLAKY, FAILED, ERROR, SKIPPED) if counts.get(s)]
    out = ["## Panoptic", "", f"{model.total} scenarios in {model.duration:.1f}s: " + (" · ".join(parts) or "none"), ""]
    bad = [sc for sc in model.scenarios if sc.status in (FAILED, ERROR, FLAKY)]
    if bad:
        out += ["| | scenario | where | why |", "|---|---|---|---|"]
        out += [_row(sc) for sc in bad]
        out.append("")
    slowest = sorted(model.scenarios, key=lambda sc: -sc.duration)[:5]
    if slowest:
        out += ["<details><summary>Slowest scenarios</summary>", "", "| scenario | seconds |", "|---|---:|"]
        out += [f"| {_cell(sc.title)} | {sc.duration:.2f} |" for sc in slowest]
        out += ["", "</details>", ""]
    return "\n".join(out)


def _row(sc: ScenarioResult) -> str:
    failure = sc.failure if sc.status != FLAKY else next((a.failure for a in sc.attempts if a.failure), None)
    span = failure.span if failure is not None and failure.span is not None else sc.span
    why = f"`{failure.code}` {failure.message}" if failure is not None else sc.status
    if sc.status == FLAKY:
        why = f"flaky (passed on attempt {sc.final.number}): {why}"
    return f"| {_ICON[sc.status]} | {_cell(sc.title)} | `{span.file}:{span.line}` | {_cell(why)} |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def write_github(model: RunResult, base_dir: Path, output_dir: Path) -> Path:
    """Print the annotations, write `summary.md` and append it to `$GITHUB_STEP_SUMMARY` when that is set."""
    for line in annotation_lines(model):
        sys.stdout.write(line + "\n")
    sys.stdout.flush()
    text = summary(model)
    path = output_dir / SUMMARY
    path.write_text(text, encoding="utf-8")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    return path
