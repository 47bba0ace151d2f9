"""`panoptic run PATH…`: compile, then execute the scenarios and write the reports."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import typer

EPILOG = (
    "Exit codes: 0 every scenario passed (flaky ones included); 1 a scenario failed; "
    "2 usage or compile error, or an unwritable output folder; 3 infrastructure error "
    "(no browser, display or Appium server); 130 interrupted (what finished is reported)."
)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def parse_duration(text: str) -> float:
    """`5s`, `500ms`, `2m`, `1h` or a plain number of seconds; ValueError otherwise."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"--timeout needs a duration such as 5s or 500ms, not {text!r}")
    value = float(m.group(1)) * _UNITS[m.group(2)]
    if value <= 0:
        raise ValueError("--timeout must be more than zero")
    return value


def _browser_options(update_snapshots: bool, slow_mo: str | None) -> bool:
    """`--update-snapshots` and `--slow-mo` reach the web backends (in every worker) through the environment."""
    import os

    if update_snapshots:
        os.environ["PANOPTIC_UPDATE_SNAPSHOTS"] = "1"
    if slow_mo is not None:
        try:
            seconds = parse_duration(slow_mo)
        except ValueError:
            _error("PAN004", f"--slow-mo needs a duration such as 500ms, not {slow_mo!r}")
            return False
        os.environ["PANOPTIC_SLOW_MO"] = f"{seconds * 1000:g}"
    return True


def _debug_mode() -> bool:
    """`--debug`: keep a failing page open when someone can look at it; returns whether to run headed."""
    import os

    if os.environ.get("CI") or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        sys.stderr.write(
            "warning: --debug cannot keep the page open without a display (or in CI): "
            "the run stops at the first failure (--fail-fast) and keeps its evidence\n"
        )
        return False
    os.environ["PANOPTIC_DEBUG"] = "1"
    return True


def _error(code: str, message: str, help: str | None = None) -> None:
    from panoptic.diagnostics import Diagnostic, Severity
    from panoptic.diagnostics.render import render_text

    diag = Diagnostic(code=code, severity=Severity.ERROR, message=message, span=None, help=help)
    sys.stderr.write(render_text(diag, lambda _p: None, colour=sys.stderr.isatty()) + "\n")


def list_json(program, selected) -> str:  # type: ignore[no-untyped-def]
    """`--list --format json`: the selected scenarios (indexes into the program) with where they are, for editors."""
    import json

    platforms = {a.name: a.platform for a in program.apps}
    scenarios = [
        {
            "id": sc.id,
            "title": sc.title,
            "file": sc.file,
            "path": str(Path(sc.file).resolve()),
            "line": sc.span.line,
            "col": sc.span.col,
            "end_line": sc.span.end_line,
            "app": sc.app,
            "platform": platforms.get(sc.app, ""),
            "tags": list(sc.tags),
        }
        for sc in (program.scenarios[i] for i in selected)
    ]
    return json.dumps({"version": 1, "scenarios": scenarios, "total": len(program.scenarios)}, ensure_ascii=False)


def register(app: typer.Typer) -> None:
    @app.command(epilog=EPILOG)
    def run(
        paths: list[str] = typer.Argument(..., help=".pan files, folders or YAML configs"),
        keyword: list[str] = typer.Option(
            [],
            "-k",
            "--keyword",
            help="run scenarios whose title or id matches: substrings with and/or/not, `glob:PATTERN` for a glob",
        ),
        tag: list[str] = typer.Option(
            [], "-t", "--tag", help="tag expression, e.g. smoke, 'not slow', 'smoke and not slow'"
        ),
        list_only: bool = typer.Option(False, "--list", help="print the scenarios that would run, and stop"),
        list_format: str = typer.Option(
            "text", "--format", help="with --list: text, or json (id, title, file, line, app, platform, tags)"
        ),
        fail_fast: bool = typer.Option(False, "--fail-fast", "-x", help="stop after the first failing scenario"),
        retries: int = typer.Option(0, "--retries", help="run a failing scenario again up to N times (flaky)"),
        timeout: str | None = typer.Option(
            None, "--timeout", help="default timeout of actions and expectations (overrides the apps' `timeout`)"
        ),
        headed: bool = typer.Option(False, "--headed", help="show the browser or app window"),
        update_snapshots: bool = typer.Option(
            False, "--update-snapshots", help="rewrite the baselines of `expect screenshot matches` (then review them)"
        ),
        slow_mo: str | None = typer.Option(
            None, "--slow-mo", help="slow every browser action down by a duration such as 500ms (to watch --headed)"
        ),
        output: Path | None = typer.Option(
            None, "--output", "-o", help="output folder (default panoptic-results/<run id>)"
        ),
        workers: int = typer.Option(1, "--workers", "-w", help="run scenarios in N worker processes"),
        cluster: str | None = typer.Option(
            None, "--cluster", help="run scenarios on a Dask cluster: tcp://HOST:8786, or local:N worker processes"
        ),
        shard: str | None = typer.Option(
            None,
            "--shard",
            help="run shard K of N (e.g. 2/4), balanced by --shard-history; merge with `panoptic merge`",
        ),
        shard_history: list[str] = typer.Option(
            [], "--shard-history", help="results folders or storage URLs whose durations balance the shards"
        ),
        verbose: bool = typer.Option(False, "--verbose", "-v", help="print log lines and step notes"),
        heal: bool = typer.Option(
            False, "--heal", help="self-healing targets for every web app that does not say `heal: off`"
        ),
        debug: bool = typer.Option(
            False,
            "--debug",
            help="stop at the first failure and keep the page open in Playwright's inspector (needs a display)",
        ),
        reporter: list[str] = typer.Option(
            [],
            "--reporter",
            help="a report to write: console, jsonl, html, junit or an installed one; repeat for several "
            "(default: all four; results.jsonl.gz is always written)",
        ),
    ) -> None:
        """Run the scenarios of .pan files and write results.jsonl.gz, report.html and junit.xml."""
        if not _browser_options(update_snapshots, slow_mo):
            raise typer.Exit(2)
        if debug:
            fail_fast, headed = True, _debug_mode()
        code = run_command(
            paths,
            keywords=keyword,
            tags=tag,
            list_only=list_only,
            fail_fast=fail_fast,
            retries=retries,
            timeout=timeout,
            headed=headed,
            output=output,
            workers=workers,
            cluster=cluster,
            shard=shard,
            shard_history=shard_history,
            verbose=verbose,
            reporters=reporter,
            list_format=list_format,
            heal=heal,
        )
        raise typer.Exit(code)


_gc_paused = False


def pause_gc_until_run() -> None:
    """Turn the cyclic garbage collector off for start-up: the imports, the program and the compile build
    objects that live for the whole run, and collecting them over and over finds nothing (3 % of a short
    run's instructions). `resume_gc` moves them out of the collector's sight and turns it on again."""
    global _gc_paused
    import gc

    if gc.isenabled():
        gc.disable()
        _gc_paused = True


def resume_gc() -> None:
    """Undo `pause_gc_until_run` (nothing when it did nothing); called before the first scenario and when the
    command ends."""
    global _gc_paused
    if _gc_paused:
        import gc

        gc.freeze()
        gc.enable()
        _gc_paused = False


def run_command(
    paths: list[str],
    *,
    keywords: list[str] = (),  # type: ignore[assignment]
    tags: list[str] = (),  # type: ignore[assignment]
    list_only: bool = False,
    fail_fast: bool = False,
    retries: int = 0,
    timeout: str | None = None,
    headed: bool = False,
    output: Path | None = None,
    workers: int = 1,
    cluster: str | None = None,
    shard: str | None = None,
    shard_history: list[str] = (),  # type: ignore[assignment]
    verbose: bool = False,
    backend_overrides: tuple[tuple[str, str], ...] = (),
    console=None,
    reporters: list[str] = (),  # type: ignore[assignment]
    list_format: str = "text",
    heal: bool = False,
) -> int:
    """The whole `panoptic run`; returns the exit code (see EPILOG)."""
    if list_format not in ("text", "json"):
        _error("PAN004", f"--format must be text or json, not {list_format!r}")
        return 2
    from panoptic.report import ReportError
    from panoptic.report.reporters import resolve
    from panoptic.runtime.runner import EXIT_USAGE

    try:
        chosen = resolve(reporters)
    except ReportError as exc:
        _error(exc.diagnostic.code, exc.diagnostic.message, exc.diagnostic.help)
        return EXIT_USAGE

    if retries < 0:
        _error("PAN004", "--retries must be 0 or more")
        return EXIT_USAGE
    if workers < 1:
        _error("PAN004", "--workers must be 1 or more")
        return EXIT_USAGE
    timeout_s = None
    if timeout is not None:
        try:
            timeout_s = parse_duration(timeout)
        except ValueError as exc:
            _error("PAN004", str(exc))
            return EXIT_USAGE

    if not list_only:  # the report names the browser's version: ask it while the files compile (web_environment)
        from panoptic.environment import prefetch_browser_version

        prefetch_browser_version(headless=not headed)
    from panoptic.commands.check import print_diagnostics
    from panoptic.compiler import compile_paths
    from panoptic.diagnostics import Severity
    from panoptic.runtime.selection import SelectionError, describe, select

    if any(str(p).lower().endswith((".yaml", ".yml")) for p in paths):  # YAML configs, run through the conversion
        from panoptic.commands.convert import compile_for_run

        result, config_output = compile_for_run(paths)
        output = output if output is not None else config_output
    else:
        result = compile_paths(paths)
    if result.has_errors or result.program is None:
        errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
        print_diagnostics(errors, result.sources, "text", files=len(result.files), stream=sys.stderr)
        sys.stderr.write("not running: fix the errors above first\n")
        return EXIT_USAGE
    program = result.program
    try:
        selected = select(program, keywords, tags)
    except SelectionError as exc:
        _error("PAN004", str(exc), help="tag expressions use tag names, `not`, `and`, `or` and parentheses")
        return EXIT_USAGE
    if shard is not None:
        from panoptic.contract.errors import StepError
        from panoptic.families.cloud.shard import durations_from, parse_shard, select_shard

        try:
            history = durations_from(shard_history) if shard_history else None
            selected = select_shard(program, selected, parse_shard(shard), history)
        except StepError as exc:
            _error(exc.code, exc.message, exc.help)
            return EXIT_USAGE

    if list_only and list_format == "json":
        print(list_json(program, selected))
        return 0
    if list_only:
        for line in describe(program, selected):
            print(line)
        print(f"{len(selected)} of {len(program.scenarios)} scenario(s) selected")
        return 0
    if not selected:
        if keywords or tags:
            _error("PAN004", "no scenario matches the filters", help="run with --list to see the scenarios")
            return EXIT_USAGE
        print("no scenarios to run")
        return 0

    return _execute(
        program,
        selected,
        result.sources,
        argv=["panoptic", "run", *sys.argv[2:]] if sys.argv[1:2] == ["run"] else ["panoptic", "run", *paths],
        fail_fast=fail_fast,
        retries=retries,
        timeout=timeout_s,
        headed=headed,
        output=output,
        workers=workers,
        cluster=cluster,
        verbose=verbose,
        backend_overrides=backend_overrides,
        console=console,
        reporters=chosen,
        heal=heal,
    )


def _execute(
    program,
    selected,
    sources,
    *,
    argv,
    fail_fast,
    retries,
    timeout,
    headed,
    output,
    workers,
    cluster,
    verbose,
    backend_overrides,
    console,
    reporters,
    heal=False,
) -> int:
    import shlex
    import signal

    from panoptic.runtime.console import ConsoleReporter
    from panoptic.runtime.output import (
        OutputError,
        clear_previous_run,
        default_output_dir,
        new_run_id,
        prepare_output_dir,
        record_run_output,
    )
    from panoptic.runtime.runner import EXIT_USAGE, RunOptions, execute

    run_id = new_run_id()
    try:
        out_dir = prepare_output_dir(output if output is not None else default_output_dir(run_id))
        clear_previous_run(out_dir)  # a run replaces what an earlier run left there
    except OutputError as exc:
        _error(exc.code, exc.message, exc.help)
        return EXIT_USAGE

    from panoptic.report import RESULTS_FILE, JsonlWriter, ReportError, write_reports

    try:
        writer = JsonlWriter(out_dir / RESULTS_FILE)
    except ReportError as exc:
        _error(exc.diagnostic.code, exc.diagnostic.message, exc.diagnostic.help)
        return EXIT_USAGE

    if console is None and not any(r.name == "console" for r in reporters):
        from rich.console import Console

        console = Console(quiet=True)  # the console reporter is not chosen: the run prints nothing
    reporter = ConsoleReporter(console, sources=sources, output_dir=out_dir, verbose=verbose)
    try:
        extra = [r.listen(out_dir) for r in reporters if r.listen is not None]
    except Exception as exc:  # a plugin reporter that cannot start is reported before anything runs
        _error("PAN006", f"a reporter could not start: {type(exc).__name__}: {exc}")
        writer.close()
        return EXIT_USAGE
    options = RunOptions(
        output_dir=out_dir,
        run_id=run_id,
        retries=retries,
        fail_fast=fail_fast,
        timeout=timeout,
        headed=headed,
        workers=workers,
        cluster=cluster,
        command=shlex.join(argv),
        backend_overrides=tuple(backend_overrides),
        family_options=(("heal", True),) if heal else (),
    )

    def on_sigterm(_signum, _frame):  # a terminated run reports what finished, like Ctrl-C
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm) if _main_thread() else None
    # Started from a background job (or by nohup), SIGINT arrives ignored: Ctrl-C must still stop the run.
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler) if _main_thread() else None
    resume_gc()
    try:
        outcome = execute(program, selected, options, [writer, reporter, *extra], live=[reporter.live])
    finally:
        reporter.close()
        writer.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if previous_int is not None:
            signal.signal(signal.SIGINT, previous_int)

    output_failed = bool(outcome.listener_errors)  # e.g. the disk filled up: the run must not look green
    if writer.error is not None:
        output_failed = True
        _error(
            "PAN003",
            f"cannot finish {out_dir / RESULTS_FILE}: {writer.error.strerror or writer.error}",
            "free space on the disk; the scenarios written before are kept and readable",
        )
    for problem in outcome.listener_errors:
        _error(
            "PAN003", f"a reporter stopped during the run: {problem}", "the results written before it stopped are kept"
        )
    try:
        paths = write_reports(out_dir / RESULTS_FILE, out_dir, reporters)
    except ReportError as exc:
        _error(exc.diagnostic.code, exc.diagnostic.message, exc.diagnostic.help)
        output_failed = True
    except Exception as exc:  # a reporter bug must not hide the run's result
        _error("PAN900", f"the reports could not be written: {type(exc).__name__}: {exc}")
        output_failed = True
    else:
        shown = ", ".join(f"{p}" for key, p in paths.items() if key != "results")
        reporter.console.print(
            f"results: {out_dir}" + (f"  ({shown})" if shown else ""), markup=False, highlight=False, soft_wrap=True
        )
    from panoptic.runtime.families import finish_families

    for line in finish_families(out_dir, Path.cwd()):
        reporter.console.print(line, markup=False, highlight=False, soft_wrap=True)
    record_run_output(out_dir)
    if output_failed and outcome.exit_code in (0, 1):
        return EXIT_USAGE  # 2, as for an unwritable output folder (PAN003)
    return outcome.exit_code


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
