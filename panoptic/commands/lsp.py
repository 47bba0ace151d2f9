"""`panoptic lsp`: run the language server over stdio for editors."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def lsp(
        stdio: bool = typer.Option(True, "--stdio/--no-stdio", help="talk LSP over stdin/stdout (the only transport)"),
        debounce_ms: int = typer.Option(
            100, "--debounce-ms", help="quiet time after a burst of changes before a check"
        ),
    ) -> None:
        """Run the Panoptic language server (diagnostics, completion, hover, definition, formatting, rename)."""
        try:
            from panoptic.lsp.server import serve_stdio
        except ImportError as exc:
            if exc.name not in ("pygls", "lsprotocol"):
                raise
            typer.echo(f"error: the language server needs pygls and lsprotocol ({exc.name} is missing)", err=True)
            typer.echo("  = help: pip install 'panoptic-lang[lsp]'", err=True)
            raise typer.Exit(2) from None
        serve_stdio(debounce=max(0, debounce_ms) / 1000)
