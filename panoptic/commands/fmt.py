"""`panoptic fmt PATH…`: rewrite `.pan` files in the canonical style (`--check`, `--diff` for CI, `-` for stdin)."""

from __future__ import annotations

import sys

import typer


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _unified_diff(path: str, before: str, after: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{path} (original)",
        tofile=f"{path} (formatted)",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _decode(data: bytes) -> str:
    """File bytes as text: UTF-8, a BOM dropped, line breaks kept as they are (CRLF is rewritten as LF)."""
    return data.decode("utf-8-sig")


def _unreadable(shown: str, exc: Exception):
    from panoptic.diagnostics import diagnostic

    reason = "not valid UTF-8" if isinstance(exc, UnicodeDecodeError) else (getattr(exc, "strerror", None) or str(exc))
    return diagnostic("PAN001", f"cannot read {shown}: {reason}", None)


def _write(path, text: str) -> None:
    """Replace the file's content atomically, keeping its permissions."""
    import os
    import shutil
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".panoptic-fmt-", suffix=".pan", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _format_stdin(check: bool, diff: bool) -> int:
    from panoptic.commands.check import print_diagnostics
    from panoptic.fmt import FormatError, format_text
    from panoptic.source import Source

    try:
        text = _decode(sys.stdin.buffer.read())
    except UnicodeDecodeError as exc:
        print_diagnostics([_unreadable("<stdin>", exc)], {}, files=1, stream=sys.stderr)
        return 1
    try:
        formatted = format_text(text, "<stdin>")
    except FormatError as exc:
        print_diagnostics(exc.diagnostics, {"<stdin>": Source("<stdin>", text)}, files=1, stream=sys.stderr)
        return 1
    if diff:
        sys.stdout.write(_unified_diff("<stdin>", text, formatted))
    if check or diff:
        return 1 if formatted != text else 0
    sys.stdout.write(formatted)
    return 0


def run_fmt(paths: list[str], check: bool = False, diff: bool = False) -> int:
    """Format the given files and folders; return the exit code (0 done, 1 changes in check/diff mode or errors)."""
    from panoptic.commands.check import print_diagnostics
    from panoptic.compiler.loader import collect_files, display_path
    from panoptic.diagnostics import diagnostic
    from panoptic.fmt import FormatError, format_text
    from panoptic.source import Source

    if paths == ["-"]:
        return _format_stdin(check, diff)
    if "-" in paths:
        sys.stderr.write("`-` (standard input) cannot be combined with other paths\n")
        return 2
    files, problems = collect_files(paths)
    if problems:
        print_diagnostics(problems, {}, files=0, stream=sys.stderr)
        return 2
    if not files:
        diag = diagnostic("PAN002", "no `.pan` files were found", None, help="give .pan files or folders holding them")
        print_diagnostics([diag], {}, files=0, stream=sys.stderr)
        return 2

    changed: list[str] = []
    errors = []
    failed = 0
    sources: dict[str, Source] = {}
    for file in files:
        shown = display_path(file)
        try:
            source = Source(shown, _decode(file.read_bytes()))
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(_unreadable(shown, exc))
            failed += 1
            continue
        try:
            formatted = format_text(source.text, shown)
        except FormatError as exc:
            sources[shown] = source
            errors.extend(exc.diagnostics)
            failed += 1
            continue
        if formatted == source.text:
            continue
        changed.append(shown)
        if diff:
            sys.stdout.write(_unified_diff(shown, source.text, formatted))
        elif check:
            sys.stdout.write(f"would reformat {shown}\n")
        else:
            try:
                _write(file, formatted)
            except OSError as exc:
                changed.pop()
                failed += 1
                errors.append(diagnostic("PAN003", f"cannot write {shown}: {exc.strerror or exc}", None))

    if errors:
        print_diagnostics(errors, sources, files=len(files), stream=sys.stderr)
    unchanged = len(files) - len(changed) - failed
    if check or diff:
        if changed:
            sys.stdout.write(f"{_plural(len(changed), 'file')} would be reformatted, {unchanged} already formatted\n")
        else:
            sys.stdout.write(f"{_plural(unchanged, 'file')} already formatted\n")
        return 1 if changed or errors else 0
    sys.stdout.write(f"formatted {_plural(len(changed), 'file')}\n")
    return 1 if errors else 0


def register(app: typer.Typer) -> None:
    @app.command()
    def fmt(
        paths: list[str] = typer.Argument(..., help=".pan files or folders; `-` reads standard input"),
        check: bool = typer.Option(False, "--check", help="change nothing; exit 1 listing files that would change"),
        diff: bool = typer.Option(False, "--diff", help="change nothing; print a unified diff, exit 1 if any"),
    ) -> None:
        """Rewrite .pan files in the canonical style, keeping comments (exit 0 done, 1 changes or errors)."""
        raise typer.Exit(run_fmt(paths, check=check, diff=diff))
