"""`panoptic convert config.yaml [-o out.pan]`: a YAML config of the old tool as an idiomatic `.pan` file.

`panoptic check` and `panoptic run` take YAML configs as they are, through the
same conversion (`check.check_inputs` and `compile_for_run`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

    from panoptic.compiler import CompileResult


def convert_command(config: str, output: str | None, *, force: bool = False, stream=None) -> int:
    """Convert one config; print the findings to stderr and the `.pan` text to `output` or stdout.

    Exit codes: 0 converted (warnings allowed), 1 the config is invalid (nothing written) or the
    converted file has check errors (it is written, with the errors shown), 2 usage error.
    """
    from panoptic.commands.check import print_diagnostics
    from panoptic.convert import compile_inputs, convert_file, is_config
    from panoptic.diagnostics import Severity

    err = stream or sys.stderr
    if not is_config(config):
        err.write(f"error[PAN004]: `panoptic convert` reads YAML configs (.yaml, .yml), not {config}\n")
        return 2
    target = Path(output) if output else None
    if target is not None and target.exists() and not force and target.suffix != ".pan":
        err.write(f"error[PAN004]: refusing to overwrite {target}: it is not a .pan file (use --force)\n")
        return 2
    converted = convert_file(config, out=target)
    if converted.text is None:
        print_diagnostics(converted.diagnostics, {converted.path: converted.shown}, files=1, stream=err)
        err.write("not converted: fix the errors above first\n")
        return 1
    # The findings of the check of the converted program, at YAML places (conversion findings included).
    result, _ = compile_inputs([config], converted=[converted], program=False)
    diags = result.diagnostics
    if diags:
        print_diagnostics(diags, result.sources, files=1, stream=err)
    if target is None:
        sys.stdout.write(converted.text)
    else:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(converted.text, encoding="utf-8")
        except OSError as exc:
            err.write(f"error[PAN003]: cannot write {target}: {exc.strerror or exc}\n")
            return 2
        err.write(f"wrote {target}\n")
    return 1 if any(d.severity is Severity.ERROR for d in diags) else 0


def fast_main(args: list[str]) -> int | None:
    """`panoptic convert` without Typer; None when the arguments need it (help, or anything unknown)."""
    import argparse

    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    parser.add_argument("config")
    parser.add_argument("--output", "-o")
    parser.add_argument("--force", action="store_true")
    if any(a in ("-h", "--help") for a in args):
        return None
    try:
        ns, extra = parser.parse_known_args(args)
    except (argparse.ArgumentError, SystemExit):
        return None
    if extra:
        return None
    return convert_command(ns.config, ns.output, force=ns.force)


def compile_for_run(paths: list[str]) -> tuple[CompileResult, Path | None]:
    """Compile for `panoptic run`: the result, and the output folder a single config names (`output:`).

    The configs' warnings (what was left out) are printed to stderr; errors are left to the caller.
    """
    from panoptic.compiler.files import source_lookup
    from panoptic.convert import compile_inputs
    from panoptic.diagnostics import Severity
    from panoptic.diagnostics.render import render_text

    result, converted = compile_inputs(paths)
    warnings = [d for c in converted for d in c.diagnostics if d.severity is Severity.WARNING]
    if warnings and not result.has_errors:
        lookup = source_lookup(result.sources)
        for d in warnings:
            sys.stderr.write(render_text(d, lookup, colour=sys.stderr.isatty()) + "\n\n")
    outputs = [Path(c.path).resolve().parent / c.output for c in converted if c.output]
    return result, outputs[0] if len(outputs) == 1 and len(converted) == 1 else None


def register(app: typer.Typer) -> None:
    import typer

    @app.command()
    def convert(
        config: str = typer.Argument(..., help="the YAML config (.yaml or .yml)"),
        output: str | None = typer.Option(None, "--output", "-o", help="the .pan file to write (default: print it)"),
        force: bool = typer.Option(False, "--force", help="overwrite an output file that is not a .pan file"),
    ) -> None:
        """Convert a YAML config of the old tool into a .pan file (findings at YAML lines on stderr)."""
        raise typer.Exit(convert_command(config, output, force=force))
