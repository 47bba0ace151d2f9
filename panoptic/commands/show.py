"""`panoptic show-trace` and `panoptic show-report`: open a run's Playwright trace or its HTML report.

Both serve on 127.0.0.1 only and need no network: the trace viewer is Playwright's own, shipped in
the `playwright` Python package (`python -m playwright show-trace`), and the report is served from
the run's folder so that its screenshot, video and trace links work. Each runs until Ctrl-C.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer


def _fail(code: str, message: str, help: str | None = None) -> None:
    from panoptic.diagnostics import Diagnostic, Severity
    from panoptic.diagnostics.render import render_text

    diag = Diagnostic(code=code, severity=Severity.ERROR, message=message, span=None, help=help)
    sys.stderr.write(render_text(diag, lambda _p: None, colour=sys.stderr.isatty()) + "\n")
    raise typer.Exit(2)


def find_traces(path: Path, keyword: str | None = None) -> list[tuple[str, str, Path]]:
    """(status, title, trace.zip) of a results file or run folder: failed and errored scenarios first, and a
    scenario's last attempt (a retry's trace has DOM snapshots and the filmstrip) before its earlier ones."""
    from panoptic.report import build_model_from_records, read_items, resolve_results

    file = resolve_results(path)
    model = build_model_from_records(read_items(file))
    base = file.parent
    found: list[tuple[int, str, str, Path]] = []
    for sc in model.scenarios:
        if keyword and keyword.lower() not in sc.title.lower() and keyword.lower() not in sc.id.lower():
            continue
        for art in reversed(sc.artifacts):
            if art.kind == "trace":
                rank = 0 if sc.status in ("failed", "error") else 1 if sc.status == "flaky" else 2
                found.append((rank, sc.status, sc.title, (base / art.path).resolve()))
    found.sort(key=lambda item: item[0])
    return [(status, title, trace) for _rank, status, title, trace in found if trace.is_file()]


def trace_command(trace: Path, host: str = "127.0.0.1", port: int = 0) -> list[str]:
    """Playwright's trace viewer serving `trace` on host:port (0: a free port); it prints its URL."""
    return [sys.executable, "-m", "playwright", "show-trace", "--host", host, "--port", str(port), str(trace)]


def _run(command: list[str]) -> int:
    try:
        proc = subprocess.Popen(command)
    except OSError as exc:
        _fail("PAN003", f"cannot start {command[0]}: {exc.strerror or exc}", "check the Python environment")
        return 2
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 130


def serve_folder(folder: Path, host: str, port: int) -> Any:
    """A started HTTP server for `folder` on host:port (0: a free port), files only from inside the folder."""
    import functools
    import threading
    from http.server import ThreadingHTTPServer

    from panoptic.backends.serve import _QuietHandler

    handler = functools.partial(_QuietHandler, directory=os.path.realpath(folder))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="panoptic-show-report", daemon=True).start()
    return server


def register(app: typer.Typer) -> None:
    @app.command("show-trace")
    def show_trace(
        path: Path = typer.Argument(..., help="A trace.zip, a results.jsonl.gz, or the output folder of a run."),
        keyword: str | None = typer.Option(
            None, "-k", "--keyword", help="the scenario whose trace to open: a part of its title or id"
        ),
        port: int = typer.Option(0, "--port", help="port of the viewer on 127.0.0.1 (0: a free one)"),
        print_command: bool = typer.Option(
            False, "--print-command", help="print the viewer's command line instead of running it"
        ),
    ) -> None:
        """Open a Playwright trace in Playwright's trace viewer (steps as groups, screenshots, snapshots, sources).

        Given a run, opens the trace of its first failed scenario (or the one `-k` names); traces are kept
        for failed attempts, or for every attempt with the app setting `trace: always`.
        """
        from panoptic.report import ReportError

        if path.suffix == ".zip":
            if not path.is_file():
                _fail("PAN001", f"{path} does not exist", "pass a trace.zip or the output folder of a run")
            trace = path.resolve()
        else:
            try:
                traces = find_traces(path, keyword)
            except ReportError as exc:
                from panoptic.commands.report import print_report_error

                print_report_error(exc)
                raise typer.Exit(2) from None
            if not traces:
                what = f"no scenario matching {keyword!r} has a trace" if keyword else "no scenario has a trace"
                _fail(
                    "PAN001",
                    f"{what} in {path}",
                    "traces are kept for failed attempts; set `trace: always` on the app to keep every one",
                )
            status, title, trace = traces[0]
            sys.stderr.write(f"trace of {title!r} ({status}): {trace}\n")
            others = len(traces) - 1
            if others:
                sys.stderr.write(f"{others} more trace(s) in this run; choose one with -k TEXT\n")
        command = trace_command(trace, port=port)
        if print_command:
            typer.echo(" ".join(_quote(c) for c in command))
            return
        raise typer.Exit(_run(command))

    @app.command("show-report")
    def show_report(
        results: Path = typer.Argument(..., help="The output folder of a run (or its results.jsonl.gz)."),
        port: int = typer.Option(0, "--port", help="port on 127.0.0.1 (0: a free one)"),
        no_open: bool = typer.Option(False, "--no-open", help="only serve; do not open a browser"),
    ) -> None:
        """Serve a run's report.html on 127.0.0.1 (with its screenshots, videos and traces) and open it."""
        import time
        import webbrowser

        from panoptic.report import ReportError, resolve_results, write_reports
        from panoptic.report.reporters import resolve

        folder = results if results.is_dir() else results.parent
        if not (folder / "report.html").is_file():
            try:
                file = resolve_results(results)
                write_reports(file, file.parent, resolve(["html"]))
            except ReportError as exc:
                from panoptic.commands.report import print_report_error

                print_report_error(exc)
                raise typer.Exit(2) from None
        try:
            server = serve_folder(folder, "127.0.0.1", port)
        except OSError as exc:
            _fail("PAN003", f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}", "choose another --port")
        url = f"http://127.0.0.1:{server.server_address[1]}/report.html"
        typer.echo(f"serving {folder} at {url}  (Ctrl-C to stop)")
        sys.stdout.flush()
        if not no_open:
            webbrowser.open(url)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
            server.server_close()


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)
