"""`panoptic compile FILE --emit ast|ir`: print the syntax tree or the IR as JSON."""

from __future__ import annotations

import json
import sys
from enum import Enum

import typer


class Emit(str, Enum):
    ast = "ast"
    ir = "ir"


def register(app: typer.Typer) -> None:
    @app.command("compile")
    def compile_(
        paths: list[str] = typer.Argument(..., help=".pan files or folders"),
        emit: Emit = typer.Option(Emit.ir, "--emit", help="what to print"),
    ) -> None:
        """Print the AST or the IR of a program as JSON (exit 1 when it has errors)."""
        from panoptic.commands.check import print_diagnostics
        from panoptic.compiler import compile_paths
        from panoptic.compiler.ir import to_json

        result = compile_paths(paths)
        if emit is Emit.ast:
            data = {path: to_json(result.modules[path].module) for path in result.files if path in result.modules}
            json.dump(data, sys.stdout, indent=1)
            sys.stdout.write("\n")
            raise typer.Exit(1 if result.has_errors else 0)
        if result.program is None:
            print_diagnostics(result.diagnostics, result.sources, stream=sys.stderr, files=len(result.files))
            raise typer.Exit(1 if result.files else 2)
        json.dump(to_json(result.program), sys.stdout, indent=1)
        sys.stdout.write("\n")
