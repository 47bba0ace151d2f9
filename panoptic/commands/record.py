"""`panoptic record URL -o file.pan`: record what a person does in Chromium as a `.pan` scenario.

The browser opens on the URL (headed where there is a display; `--headless`
to drive it from a script, through `--remote-debugging-port`). The file is
written while recording and once more when the page or the browser window is
closed, or on Ctrl+C. See docs/record.md.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer


def _fail(code: str, message: str, help: str | None = None) -> int:
    from panoptic.diagnostics import Diagnostic, Severity
    from panoptic.diagnostics.render import render_text

    diag = Diagnostic(code=code, severity=Severity.ERROR, message=message, span=None, help=help)
    sys.stderr.write(render_text(diag, lambda _p: None, colour=sys.stderr.isatty()) + "\n")
    return 2


def _unwritable(output: Path) -> str | None:
    """Why the recording could not be written to `output` (its folder is created if missing), or None."""
    import tempfile

    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=output.parent, prefix=f".{output.name}."):
            pass
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def run_record(
    url: str,
    output: Path,
    *,
    title: str | None,
    headless: bool,
    browser_path: str | None,
    debugging_port: int | None,
    force: bool,
) -> int:
    """Record into `output`; the exit code (0 when the file was written, 2 on a problem before recording)."""
    from panoptic.record.session import Options, RecordError, record

    if not re.match(r"^https?://", url):
        return _fail("PAN004", f"the URL must start with http:// or https://, not {url!r}")
    if output.suffix != ".pan":
        return _fail("PAN004", f"the output must be a .pan file, not {str(output)!r}", "e.g. -o recorded.pan")
    if output.exists() and not force:
        return _fail("PAN004", f"{output} exists already", "pass --force to overwrite it, or another -o")
    problem = _unwritable(output)
    if problem:
        return _fail("PAN003", f"cannot write {output}: {problem}", "pass -o with a file in a folder you can write")
    if debugging_port is not None and not 0 < debugging_port < 65536:
        return _fail("PAN004", f"--remote-debugging-port must be a port number, not {debugging_port}")
    options = Options(
        output=output,
        title=title or f"recorded on {url}",
        headless=headless,
        browser_path=browser_path,
        debugging_port=debugging_port,
        command=f"panoptic record {url}",
    )
    sys.stderr.write(
        f"recording {url} into {output}: close the browser window or press Ctrl+C to stop; "
        "hover an element and press Ctrl+Shift+E (or use the Assert button) to expect it\n"
    )
    try:
        recorder = record(url, options)
    except RecordError as exc:
        return _fail(exc.code, str(exc), exc.help)
    from panoptic.record.steps import fold

    steps = len(fold(recorder.events).steps)
    if not output.exists():
        sys.stderr.write("nothing was recorded (the page never loaded): no file written\n")
        return 0
    sys.stderr.write(f"wrote {output} ({steps} step{'s' if steps != 1 else ''})\n")
    from panoptic.record.writer import secret_names

    names = sorted(name.upper() for name in secret_names(fold(recorder.events).steps).values())
    if names:
        sys.stderr.write(
            f"note: the passwords typed are not in the file; set {', '.join(names)} in the environment to replay it\n"
        )
    return 0


def register(app: typer.Typer) -> None:
    import typer

    @app.command()
    def record(
        url: str = typer.Argument(..., help="the page to start on (http:// or https://)"),
        output: Path = typer.Option(..., "--output", "-o", help="the .pan file to write"),
        title: str | None = typer.Option(None, "--title", help="the scenario's title"),
        headless: bool = typer.Option(False, "--headless", help="no window (drive the browser from a script)"),
        browser_path: str | None = typer.Option(None, "--browser-path", help="the Chromium executable to use"),
        debugging_port: int | None = typer.Option(
            None, "--remote-debugging-port", help="let a script drive the browser over CDP on 127.0.0.1:PORT"
        ),
        force: bool = typer.Option(False, "--force", help="overwrite the output file"),
    ) -> None:
        """Record what you do in Chromium as a .pan scenario (robust targets, flows, expectations)."""
        code = run_record(
            url,
            output,
            title=title,
            headless=headless,
            browser_path=browser_path,
            debugging_port=debugging_port,
            force=force,
        )
        raise typer.Exit(code)
