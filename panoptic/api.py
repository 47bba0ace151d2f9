"""The Python API: check, compile and run `.pan` files and YAML configs without the command line.

    import panoptic

    found = panoptic.check(["suite/"])               # CheckResult: diagnostics, files, ok
    compiled = panoptic.compile(["suite/"])          # CompileResult: program (None on errors), diagnostics
    results = panoptic.run(["suite/"], panoptic.Options(tags=["smoke"], output="out"))
    results.ok, results.exit_code, results.counts, results.statuses
    for event in panoptic.events(results.output_dir): ...

`run` writes the same folder as `panoptic run` (results.jsonl.gz, report.html,
junit.xml, artifacts) and passes every event to `Options.on_event` as it is
reported. The functions are re-exported lazily by `panoptic/__init__.py`, so
`import panoptic` loads none of the compiler or the runtime.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from panoptic.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from panoptic.compiler import CompileResult
    from panoptic.runtime.events import Event, Listener

__all__ = ["CheckResult", "Options", "PanopticError", "Results", "check", "compile", "events", "run"]

PathsLike = str | Path | Iterable[str | Path]


class PanopticError(Exception):
    """A run could not start: compile errors, a bad option, an unwritable output folder. `diagnostics` says why."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


@dataclass(frozen=True)
class CheckResult:
    """What `check` found: every diagnostic (errors, warnings, style), and how many files were checked."""

    diagnostics: list[Diagnostic]
    files: int

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed) and at least one file."""
        return self.files > 0 and not self.errors


@dataclass
class Options:
    """How to run: the same choices as `panoptic run`'s options."""

    keywords: Sequence[str] = ()  # -k: substrings of titles with and/or/not
    tags: Sequence[str] = ()  # -t: tag expressions, all must hold
    output: str | Path | None = None  # default panoptic-results/<run id> (or a YAML config's `output`)
    retries: int = 0
    fail_fast: bool = False
    timeout: float | None = None  # seconds; overrides the apps' `timeout`
    headed: bool = False
    workers: int = 1
    cluster: str | None = None  # --cluster: a Dask scheduler address, or local:N
    heal: bool = False  # --heal: self-healing targets for every web app that does not say `heal: off`
    reports: bool = True  # write report.html and junit.xml at the end
    on_event: Callable[[Event], None] | None = None  # called with every event, in report order
    command: str = "panoptic.run"  # shown in the report


@dataclass
class Results:
    """The outcome of `run`: exit code (as `panoptic run`'s), counts by status, each scenario's status."""

    exit_code: int
    counts: dict[str, int]
    statuses: dict[str, str]  # scenario id (`file::title`) -> passed, failed, error, skipped, flaky
    output_dir: Path
    duration: float
    interrupted: bool = False
    reports: dict[str, Path] = field(default_factory=dict)  # "results", "html", "junit" -> file
    notes: list[str] = field(default_factory=list)  # what the families said when finishing (sync, heal, …)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def events(self) -> list[Event]:
        """Every event of the run, read back from results.jsonl.gz."""
        return events(self.output_dir)


def _paths(paths: PathsLike) -> list[str]:
    if isinstance(paths, (str, Path)):
        return [str(paths)]
    return [str(p) for p in paths]


def check(paths: PathsLike, *, cache: bool = True) -> CheckResult:
    """Check `.pan` files, folders and YAML configs as `panoptic check` does (style findings included)."""
    from panoptic.commands.check import check_inputs

    diags, files, _ = check_inputs(_paths(paths), use_cache=cache)
    return CheckResult(list(diags), files)


def compile(paths: PathsLike) -> CompileResult:
    """Compile `.pan` files, folders and YAML configs into one program (`result.program` is None on errors)."""
    from panoptic.convert import compile_inputs

    result, _ = compile_inputs(_paths(paths))
    return result


def run(paths: PathsLike, options: Options | None = None) -> Results:
    """Compile and run the selected scenarios; raises `PanopticError` when nothing can run."""
    from panoptic.convert import compile_inputs
    from panoptic.report import RESULTS_FILE, JsonlWriter, ReportError, write_reports
    from panoptic.runtime.families import finish_families
    from panoptic.runtime.output import (
        OutputError,
        clear_previous_run,
        default_output_dir,
        new_run_id,
        prepare_output_dir,
        record_run_output,
    )
    from panoptic.runtime.runner import RunOptions, execute
    from panoptic.runtime.selection import SelectionError, select

    opts = options or Options()
    if opts.retries < 0 or opts.workers < 1 or (opts.timeout is not None and opts.timeout <= 0):
        raise PanopticError("retries must be 0 or more, workers 1 or more, and a timeout above 0")
    result, converted = compile_inputs(_paths(paths))
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    if errors or result.program is None:
        raise PanopticError(f"the program has {len(errors)} error(s); nothing was run", errors)
    program = result.program
    try:
        selected = select(program, list(opts.keywords), list(opts.tags))
    except SelectionError as exc:
        raise PanopticError(str(exc)) from None
    if not selected:
        raise PanopticError("no scenario matches the filters" if opts.keywords or opts.tags else "no scenarios")
    run_id = new_run_id()
    output = opts.output
    if output is None:
        outputs = [Path(c.path).resolve().parent / c.output for c in converted if c.output]
        output = outputs[0] if len(outputs) == 1 and len(converted) == 1 else default_output_dir(run_id)
    try:
        out_dir = prepare_output_dir(Path(output))
        clear_previous_run(out_dir)  # a run replaces what an earlier run left there
        writer = JsonlWriter(out_dir / RESULTS_FILE)
    except OutputError as exc:
        raise PanopticError(exc.message) from None
    except ReportError as exc:
        raise PanopticError(exc.diagnostic.message, [exc.diagnostic]) from None
    listeners: list[Listener] = [writer]
    if opts.on_event is not None:
        listeners.append(cast("Listener", opts.on_event))
    run_options = RunOptions(
        output_dir=out_dir,
        run_id=run_id,
        retries=opts.retries,
        fail_fast=opts.fail_fast,
        timeout=opts.timeout,
        headed=opts.headed,
        workers=opts.workers,
        cluster=opts.cluster,
        command=opts.command,
        family_options=(("heal", True),) if opts.heal else (),
    )
    try:
        outcome = execute(program, selected, run_options, listeners)
    finally:
        writer.close()
    reports: dict[str, Path] = {"results": out_dir / RESULTS_FILE}
    if opts.reports:
        reports = write_reports(out_dir / RESULTS_FILE, out_dir)
    notes = finish_families(out_dir, Path.cwd())  # the project's `.panoptic/` is the working folder's, as for the CLI
    record_run_output(out_dir)
    return Results(
        exit_code=outcome.exit_code,
        counts=dict(outcome.counts),
        statuses=dict(outcome.statuses),
        output_dir=out_dir,
        duration=outcome.duration,
        interrupted=outcome.interrupted,
        reports=reports,
        notes=notes,
    )


def events(results: str | Path) -> list[Event]:
    """The events of a finished run: its output folder or its results.jsonl.gz."""
    from panoptic.report import RESULTS_FILE, read_events

    path = Path(results)
    if path.is_dir():
        path = path / RESULTS_FILE
    return read_events(path)
