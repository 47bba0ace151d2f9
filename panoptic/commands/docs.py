"""`panoptic docs`: regenerate the statement and rule references from the registries."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def docs(
        output: Path = typer.Option(Path("docs"), "--output", "-o", help="folder of the generated pages"),
        check: bool = typer.Option(False, "--check", help="exit 1 if a generated page is stale"),
    ) -> None:
        """Write docs/statements.md and docs/rules.md from the statement and rule registries."""
        from panoptic.docgen import write_docs

        stale = write_docs(output, check=check)
        for path in stale:
            typer.echo(f"{'stale' if check else 'wrote'} {path}")
        raise typer.Exit(1 if check and stale else 0)
