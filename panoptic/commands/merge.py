"""`panoptic merge A B … --output DIR`: join the results of several runs (shards) into one report."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("merge")
    def merge(
        inputs: list[Path] = typer.Argument(..., help="results.jsonl.gz files, or run output folders holding one."),
        output: Path = typer.Option(..., "--output", "-o", help="Folder for the merged results and reports."),
    ) -> None:
        """Merge shards: one results.jsonl.gz, report.html and junit.xml with every shard's scenarios and artifacts."""
        from panoptic.commands.report import print_report_error
        from panoptic.report import ReportError
        from panoptic.report.merge import merge_results

        try:
            model, paths = merge_results(list(inputs), output)
        except ReportError as exc:
            print_report_error(exc)
            raise typer.Exit(2) from None
        counts = model.counts
        typer.echo(
            f"merged {len(inputs)} result(s): {model.total} scenarios, {counts['passed']} passed, "
            f"{counts['failed']} failed, {counts['error']} error, {counts['flaky']} flaky, {counts['skipped']} skipped"
        )
        for note in model.notes:
            typer.echo(f"note: {note}")
        typer.echo(f"results: {paths['results']}")
        typer.echo(f"report:  {paths['html']}")
        typer.echo(f"junit:   {paths['junit']}")
