"""`panoptic report RESULTS [--output DIR]`: re-render report.html and junit.xml from results.jsonl."""

from __future__ import annotations

import sys
from pathlib import Path

import typer


def print_report_error(exc: Exception) -> None:
    """Print a ReportError's diagnostic the way the compiler prints its own."""
    from panoptic.diagnostics.render import render_text

    diag = exc.diagnostic  # type: ignore[attr-defined]
    sys.stderr.write(render_text(diag, lambda _path: None, colour=sys.stderr.isatty()) + "\n")


def incomplete_runs(file: Path) -> list[str]:
    """One line per run of the results that did not finish or was interrupted, with how many scenarios never ran."""
    from panoptic.report import build_model_from_records, read_items
    from panoptic.report.junit import never_ran

    model = build_model_from_records(read_items(file))
    missing = len(never_ran(model))
    lines = []
    for info in model.runs:
        if not info.finished or info.interrupted:
            how = "stopped before it finished" if not info.finished else "was interrupted"
            lines.append(f"run {info.run_id} {how}: {missing} planned scenario(s) never ran")
    return lines


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        results: Path = typer.Argument(..., help="A results.jsonl.gz, or the output folder of a run."),
        output: Path | None = typer.Option(
            None, "--output", "-o", help="Folder for report.html and junit.xml (default: beside the results)."
        ),
        reporter: list[str] = typer.Option(
            [],
            "--reporter",
            help="a report to write: html, junit or an installed one; repeat for several (default: html and junit)",
        ),
    ) -> None:
        """Re-render report.html and junit.xml from a run's results.jsonl.gz, without running anything.

        Exits 1 when the run was interrupted or killed (the reports are still written), 2 on a bad file.
        """
        from panoptic.report import ReportError, resolve_results, write_reports
        from panoptic.report.reporters import resolve

        try:
            chosen = resolve(reporter)
            file = resolve_results(results)
            paths = write_reports(file, output if output is not None else file.parent, chosen)
            incomplete = incomplete_runs(file)
        except ReportError as exc:
            print_report_error(exc)
            raise typer.Exit(2) from None
        labels = {"html": "report"}
        for name, path in paths.items():
            if name != "results":
                label = labels.get(name, name) + ":"
                typer.echo(f"{label:<7} {path}")
        for line in incomplete:  # the reports are written, but they do not describe a whole run
            sys.stderr.write(f"error: {line}\n  = help: the report lists them as not run; run them again\n")
        if incomplete:
            raise typer.Exit(1)
