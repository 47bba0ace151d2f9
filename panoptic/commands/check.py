"""`panoptic check PATH…`: report every problem in one pass."""

from __future__ import annotations

import sys
from enum import Enum

import typer


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


def print_diagnostics(diags, sources, fmt: str = "text", *, files: int = 0, stream=None) -> None:
    """Print diagnostics in one of the output formats (shared by check, compile and run)."""
    from panoptic import __version__
    from panoptic.diagnostics import render

    out = stream or sys.stdout
    if fmt == "json":
        out.write(render.render_json(diags) + "\n")
    elif fmt == "sarif":
        out.write(render.render_sarif(diags, version=__version__) + "\n")
    elif fmt == "github":
        for d in diags:
            out.write(render.render_github(d) + "\n")
    else:
        lookup = render.lookup_from(sources)
        colour = out.isatty()
        for d in diags:
            out.write(render.render_text(d, lookup, colour=colour) + "\n\n")
        out.write(render.summary_line(diags, files) + "\n")


def exit_code(diags) -> int:
    from panoptic.diagnostics import Severity

    return 1 if any(d.severity is Severity.ERROR for d in diags) else 0


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        paths: list[str] = typer.Argument(..., help=".pan files or folders"),
        format: Format = typer.Option(Format.text, "--format", "-f", help="output format"),
        no_cache: bool = typer.Option(False, "--no-cache", help="parse every file again"),
        strict: bool = typer.Option(False, "--strict", help="exit 1 on warnings too"),
    ) -> None:
        """Check .pan files and report problems (exit 0 clean, 1 errors, 2 usage error)."""
        from panoptic.compiler import compile_paths
        from panoptic.compiler.loader import ParseCache, default_cache
        from panoptic.formatting import style_diagnostics

        result = compile_paths(paths, cache=ParseCache(None) if no_cache else default_cache())
        diags = result.diagnostics + style_diagnostics(result)
        diags.sort(key=lambda d: d.sort_key())
        print_diagnostics(diags, result.sources, format.value, files=len(result.files))
        code = exit_code(diags)
        if strict and diags:
            code = 1
        if any(d.code in ("PAN001", "PAN002") for d in diags) and not result.files:
            code = 2
        raise typer.Exit(code)
