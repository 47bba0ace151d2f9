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
        """Re-render report.html and junit.xml from a run's results.jsonl.gz, without running anything."""
        from panoptic.report import ReportError, resolve_results, write_reports
        from panoptic.report.reporters import resolve

        try:
            chosen = resolve(reporter)
            file = resolve_results(results)
            paths = write_reports(file, output if output is not None else file.parent, chosen)
        except ReportError as exc:
            print_report_error(exc)
            raise typer.Exit(2) from None
        labels = {"html": "report"}
        for name, path in paths.items():
            if name != "results":
                label = labels.get(name, name) + ":"
                typer.echo(f"{label:<7} {path}")
