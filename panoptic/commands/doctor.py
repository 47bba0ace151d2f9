"""`panoptic doctor [--fix] [--json]`: report which external pieces are present and how to add the rest."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `doctor` command to the CLI."""

    @app.command("doctor")
    def doctor(
        fix: bool = typer.Option(
            False, "--fix", help="Repair what can be repaired in place (Playwright's ffmpeg link)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the checks as JSON."),
    ) -> None:
        """Check Python, Playwright, Chromium, ffmpeg, Xvfb, xdotool, Tesseract, node and Appium.

        Exits 0 when every piece the web platform needs is present, 1 otherwise.
        """
        import json

        from panoptic.doctor import diagnose, render

        report = diagnose(fix=fix)
        if as_json:
            payload = {
                "ok": report.ok,
                "repairs": list(report.repairs),
                "checks": [check.to_dict() for check in report.checks],
            }
            typer.echo(json.dumps(payload, indent=2))
        else:
            typer.echo(render(report))
        raise typer.Exit(report.exit_code)
