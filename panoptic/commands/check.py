"""`panoptic check PATH…`: report every problem in one pass."""

from __future__ import annotations

import sys
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
        from panoptic.compiler.files import source_lookup

        lookup = source_lookup(sources)
        colour = out.isatty()
        for d in diags:
            out.write(render.render_text(d, lookup, colour=colour) + "\n\n")
        out.write(render.summary_line(diags, files) + "\n")


def exit_code(diags) -> int:
    from panoptic.diagnostics import Severity

    if any(d.code == "PAN005" for d in diags):
        return 4  # a crash is never mistaken for findings
    return 1 if any(d.severity is Severity.ERROR for d in diags) else 0


def run_check(paths: list[str], *, use_cache: bool = True, jobs: int | None = 1, min_bytes: int | None = None):
    """Check files (through the warm-run cache) and return (diagnostics, number of files checked).

    `jobs`: at most this many processes (None: one per usable CPU); a large enough input is split between
    forked processes, with the same result as a check in one process. `min_bytes`: the input size from which
    a check uses more than one process (default `parallel_check.MIN_BYTES`).
    """
    from panoptic.compiler.checkcache import CheckCache, cache_dir
    from panoptic.compiler.files import collect_files

    files, io_diags = collect_files(paths)
    if not files:
        from panoptic.diagnostics import diagnostic

        if not io_diags:
            io_diags.append(
                diagnostic("PAN002", "no .pan files found", None, help="pass .pan files or folders holding them")
            )
        return io_diags, 0
    cache = CheckCache(cache_dir() if use_cache else None)
    keyed = cache.key(files, "check") if not io_diags else None
    if keyed is not None:
        entry = cache.load(*keyed)
        if entry is not None:
            return entry.diagnostics, len(entry.files)
    import gc

    # A check is a short-lived burst of small objects: the cyclic collector only costs time here (12-18 %). It is
    # turned back on for callers in the same process; the command line turns it off for good before the check.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _check_uncached(files, io_diags, cache, keyed, jobs, min_bytes)
    finally:
        if enabled:
            gc.enable()


def _check_uncached(files, io_diags, cache, keyed, jobs: int | None, min_bytes: int | None):
    from panoptic.compiler import compile_files
    from panoptic.compiler.checkcache import CheckEntry, file_digest
    from panoptic.compiler.files import real_module_path
    from panoptic.compiler.loader import ParseCache
    from panoptic.formatting import style_diagnostics

    # No per-file AST cache: writing it costs more than it saves; unchanged suites hit the check cache instead.
    parallel = _check_parallel(files, io_diags, jobs, min_bytes) if jobs != 1 else None
    if parallel is not None:
        diags = parallel.diagnostics
        checked = parallel.files
        modules = parallel.modules
        fs_checks = parallel.fs_checks
    else:
        try:
            result = compile_files(files, cache=ParseCache(None), initial=io_diags, program=False)
            diags = result.diagnostics + style_diagnostics(result)
        except (Exception, RecursionError):  # a bug: check each file alone, so one file's crash hides no other's
            return _check_each(files, io_diags), len(files)
        checked = result.files
        modules = [(m.key, m.path) for m in result.modules.values()]
        fs_checks = result.fs_checks
    diags.sort(key=lambda d: d.sort_key())
    if keyed is not None:
        deps = []
        for key, path in modules:
            real = real_module_path(key, path)
            deps.append((real, file_digest(real) or ""))
        cache.store(keyed[0], CheckEntry(checked, diags, deps, fs_checks))
    return diags, len(checked)


def _check_parallel(files, io_diags, jobs: int | None, min_bytes: int | None):
    """The check split over processes (`panoptic.compiler.parallel_check`), or None: the input is too small,
    there is one CPU, a process failed or the findings need a check in one process."""
    from panoptic.compiler import parallel_check
    from panoptic.formatting import style_diagnostics

    count = parallel_check.jobs_for(files, jobs, min_bytes=parallel_check.MIN_BYTES if min_bytes is None else min_bytes)
    if count < 2:
        return None
    try:
        return parallel_check.check_parallel(files, io_diags, count, style_diagnostics)
    except (Exception, RecursionError):  # whatever went wrong, the check in one process has the last word
        return None


def check_inputs(paths: list[str], *, use_cache: bool = True, jobs: int | None = 1) -> tuple[list, int, dict]:
    """`panoptic check` over `.pan` paths and YAML configs: (diagnostics, files checked, sources to quote).

    The sources hold the configs with their passwords masked; other files are read from disk when shown.
    """
    from pathlib import Path

    from panoptic.convert import compile_inputs, is_config

    configs = [p for p in paths if is_config(p) and not Path(p).is_dir()]
    others = [p for p in paths if p not in configs]
    diags: list = []
    files = 0
    sources: dict = {}
    if others:
        diags, files = run_check(others, use_cache=use_cache, jobs=jobs)
        diags = list(diags)
    if configs:
        result, converted = compile_inputs(configs)
        diags.extend(result.diagnostics)
        files += len(converted)
        sources.update({c.path: c.shown for c in converted})
    diags.sort(key=lambda d: d.sort_key())
    return diags, files, sources


def _check_each(files, io_diags):
    """Check the files one by one; a file whose check raises gets one PAN005 (internal-error) diagnostic."""
    from panoptic.compiler import compile_files
    from panoptic.compiler.files import display_path
    from panoptic.compiler.loader import ParseCache
    from panoptic.diagnostics import diagnostic
    from panoptic.formatting import style_diagnostics
    from panoptic.source import Source

    diags = list(io_diags)
    for file in files:
        try:
            result = compile_files([file], cache=ParseCache(None), program=False)
            diags.extend(result.diagnostics + style_diagnostics(result))
        except (Exception, RecursionError) as exc:
            display = display_path(file)
            diags.append(
                diagnostic(
                    "PAN005",
                    f"internal error while checking {display}: {type(exc).__name__}",
                    Source(display, "").span(0, 0),
                    help="the other files were checked; please report this file with `panoptic --version`",
                )
            )
    diags.sort(key=lambda d: d.sort_key())
    return diags


def fast_main(args: list[str]) -> int | None:
    """`panoptic check` without loading Typer (editors and hooks call it often).

    Returns None when the arguments need Typer (help, or anything this parser does not know).
    """
    parsed = fast_arguments(args)
    if parsed is None:
        return None
    paths, fmt, no_cache, strict, jobs = parsed
    return _check(paths, fmt, no_cache, strict, jobs)


_FLAGS = {"--no-cache": "no_cache", "--strict": "strict"}
_VALUED = {"--format": "format", "-f": "format", "--jobs": "jobs", "-j": "jobs"}


def fast_arguments(args: list[str]) -> tuple[list[str], str, bool, bool, int | None] | None:
    """(paths, format, no cache, strict, jobs: None for one process per CPU) of a `check` command line, or None
    for anything else (help, an unknown or repeated option, a bad value, no path): Typer then parses it and
    explains. `--name value`, `--name=value`, `-f json`, `-fjson`, `-j2` and `--` are understood; argparse
    would cost the command more than a tenth of its imports."""
    paths: list[str] = []
    found: dict[str, str | bool] = {}
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            paths.extend(rest)
            break
        if not arg.startswith("-") or arg == "-":
            paths.append(arg)
            continue
        name, equals, value = arg.partition("=") if arg.startswith("--") else (arg[:2], "", arg[2:])
        key = _FLAGS.get(name) or _VALUED.get(name)
        if key is None or key in found or (name in _FLAGS and (equals or value)):
            return None
        if name in _FLAGS:
            found[key] = True
            continue
        if not equals and not value:
            value = next(rest, "")
        if not value:
            return None
        found[key] = value
    fmt = str(found.get("format", Format.text.value))
    jobs = str(found.get("jobs", "0"))
    if not paths or fmt not in {f.value for f in Format} or not jobs.isdigit():
        return None
    return paths, fmt, bool(found.get("no_cache")), bool(found.get("strict")), int(jobs) or None


def _check(paths: list[str], fmt: str, no_cache: bool, strict: bool, jobs: int | None = None) -> int:
    """`jobs`: at most this many processes, None for one per usable CPU (large inputs only)."""
    if any(p.lower().endswith((".yaml", ".yml")) for p in paths):  # YAML configs, checked through the conversion
        diags, files, sources = check_inputs(paths, use_cache=not no_cache, jobs=jobs)
    else:
        diags, files = run_check(paths, use_cache=not no_cache, jobs=jobs)
        sources = {}
    print_diagnostics(diags, sources, fmt, files=files)
    if files == 0:
        return 2
    if strict and diags:
        return exit_code(diags) or 1
    return exit_code(diags)


def register(app: typer.Typer) -> None:
    import typer

    @app.command()
    def check(
        paths: list[str] = typer.Argument(..., help=".pan files, folders or YAML configs"),
        format: Format = typer.Option(Format.text, "--format", "-f", help="output format"),
        no_cache: bool = typer.Option(False, "--no-cache", help="parse and check every file again"),
        strict: bool = typer.Option(False, "--strict", help="exit 1 on warnings too"),
        jobs: int = typer.Option(
            0,
            "--jobs",
            "-j",
            min=0,
            help="check in at most N processes (1: one process; 0, the default: one per CPU, for large inputs)",
        ),
    ) -> None:
        """Check .pan files and report problems (exit 0 clean, 1 errors, 2 usage error, 4 internal error)."""
        raise typer.Exit(_check(paths, format.value, no_cache, strict, jobs or None))
