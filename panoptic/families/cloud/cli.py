"""`panoptic sync`, `panoptic cleanup`, `panoptic analytics` and `panoptic shards`.

Failures print `error[PAN93x]: message` and a help line, never a traceback
and never a key, and exit with status 2 for bad arguments (a URL or duration
that cannot be read, no results where results were promised), 3 when the
storage server cannot be reached, and 1 for other failures (a missing bucket,
refused credentials, a failed transfer).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_STATUS = {"PAN930": 3, "PAN933": 2, "PAN936": 2, "PAN938": 2}


def parse_age(text: str) -> float:
    """`30d`, `12h`, `90m`, `45s`, `2w` in seconds; anything else raises `BadArgument` (PAN938)."""
    from panoptic.families.cloud.errors import BadArgument

    found = _DURATION.match(text)
    if not found:
        raise BadArgument(f"`{text}` is not a duration", help="write a number and a unit: 30d, 12h, 90m, 45s or 2w")
    seconds = float(found.group(1)) * _UNITS[found.group(2)]
    if seconds <= 0:
        raise BadArgument("the retention must be longer than zero", help="give a duration like 30d")
    return seconds


def _fail(code: str, message: str, help: str | None) -> None:
    typer.echo(f"error[{code}]: {message}", err=True)
    if help:
        typer.echo(f"  help: {help}", err=True)
    raise typer.Exit(_STATUS.get(code, 1))


def guarded(fn: F) -> F:
    """Turn cloud failures into coded messages: never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from panoptic.families.cloud.errors import CloudError, scrub

        try:
            return fn(*args, **kwargs)
        except CloudError as exc:
            _fail(exc.code, exc.message, exc.help)
        except KeyboardInterrupt:
            typer.echo("interrupted: files stored so far stay stored; the next sync continues", err=True)
            raise typer.Exit(130) from None
        except OSError as exc:
            _fail("PAN935", scrub(f"{type(exc).__name__}: {exc}"), None)

    return wrapper  # type: ignore[return-value]


class _Printer:
    """Progress lines on stderr: a rewritten line on a terminal, one line every few seconds otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.every = 0.2 if self.tty else 2.0

    def __call__(self, p: Any) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        if now - self.last < self.every and p.files_done < p.files_total:
            return
        self.last = now
        from panoptic.families.cloud.sync import format_bytes

        line = (
            f"{p.files_done}/{p.files_total} files, {format_bytes(p.bytes_done)}/{format_bytes(p.bytes_total)} "
            f"({p.uploaded} uploaded, {p.skipped} unchanged)"
        )
        if self.tty:
            sys.stderr.write("\r" + line + ("\n" if p.files_done >= p.files_total else ""))
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


def register(app: typer.Typer) -> None:
    """Add `sync`, `cleanup`, `analytics` and `shards` to the `panoptic` command line."""
    _register_rules()
    _shards_command(app)

    @app.command("sync")
    @guarded
    def sync(
        results: Path = typer.Argument(..., help="A run's output folder, or a folder of runs (panoptic-results)."),
        url: str = typer.Argument(
            ..., help="Where to: a folder, s3://bucket/prefix, gs://bucket/prefix, az://container/prefix."
        ),
        workers: int = typer.Option(16, "--workers", "-w", min=1, max=128, help="Uploads at the same time."),
        retries: int = typer.Option(
            4, "--attempts", min=1, max=20, help="Attempts per file when the server does not answer."
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
    ) -> None:
        """Upload results, reports and artifacts; unchanged files are skipped, an interrupted sync resumes."""
        from panoptic.families.cloud.sync import sync_results

        result = sync_results(results, url, workers=workers, attempts=retries, progress=_Printer(quiet))
        typer.echo(result.summary())

    @app.command("cleanup")
    @guarded
    def cleanup(
        url: str = typer.Argument(..., help="A folder of runs, or the URL runs were synced to."),
        older_than: str = typer.Option(
            ..., "--older-than", help="Delete runs whose newest file is older: 30d, 12h, 2w."
        ),
        dry_run: bool = typer.Option(False, "--dry-run", help="Only list and count what would be deleted."),
    ) -> None:
        """Delete old runs (locally or in a bucket) and print how many files and bytes went."""
        from panoptic.families.cloud.cleanup import cleanup as run_cleanup

        age = parse_age(older_than)
        result = run_cleanup(url, age, dry_run=dry_run)
        for name in result.runs:
            typer.echo(f"{'would delete' if dry_run else 'deleted'} run {name}")
        for name in result.partial:
            typer.echo(f"{'would delete' if dry_run else 'deleted'} partial upload {name}")
        typer.echo(result.summary())

    @app.command("analytics")
    @guarded
    def analytics(
        sources: list[str] = typer.Argument(..., help="Folders of runs, run folders, or storage URLs."),
        output: Path = typer.Option(Path("panoptic-analytics"), "--output", "-o", help="Folder for the two files."),
    ) -> None:
        """Pass rate over time, flaky and slowest scenarios and steps, failure categories: JSON and HTML."""
        from panoptic.families.cloud.analytics import run_analytics

        data, paths, notes = run_analytics(sources, output)
        for note in notes:
            typer.echo(f"note: skipped {note}", err=True)
        s = data["summary"]
        rate = "–" if s["mean_pass_rate"] is None else f"{s['mean_pass_rate'] * 100:.1f}%"
        typer.echo(
            f"{s['runs']} run(s), {s['scenario_results']} scenario results, mean pass rate {rate}, "
            f"{s['flaky_scenarios']} flaky scenario(s), {s['failed_attempts']} failed attempt(s)"
        )
        typer.echo(f"json: {paths['json']}")
        typer.echo(f"html: {paths['html']}")


def _shards_command(app: typer.Typer) -> None:
    @app.command("shards")
    @guarded
    def shards(
        count: int = typer.Argument(..., min=1, max=1000, help="How many shards (N of --shard K/N)."),
        paths: list[Path] = typer.Argument(..., help=".pan files or folders, as given to `panoptic run`."),
        history: list[str] = typer.Option(
            [], "--history", help="Earlier results (folders or URLs) whose times balance the shards."
        ),
    ) -> None:
        """Print which scenarios each shard runs, balanced by past durations when there is history."""
        from panoptic.compiler import compile_paths
        from panoptic.diagnostics import Severity
        from panoptic.families.cloud.errors import BadArgument
        from panoptic.families.cloud.shard import durations_from, plan

        result = compile_paths([str(p) for p in paths])
        if result.program is None:
            first = next((d for d in result.diagnostics if d.severity is Severity.ERROR), None)
            where = f" ({first.code}: {first.message})" if first else ""
            raise BadArgument(f"the suite does not compile{where}", help="run `panoptic check` on it first")
        ids = [sc.id for sc in result.program.scenarios]
        durations = durations_from(history) if history else {}
        split = plan(ids, count, durations)
        for number, members in enumerate(split.shards, start=1):
            estimate = f", about {split.estimates[number - 1]:.1f}s" if split.balanced else ""
            typer.echo(f"shard {number}/{count}: {len(members)} scenario(s){estimate}")
            for index in members:
                typer.echo(f"  {ids[index]}")
        if history and not split.balanced:
            typer.echo("note: no scenario of the suite was found in the history: split by program order", err=True)


def _register_rules() -> None:
    from panoptic.diagnostics.rules import RULES
    from panoptic.families.cloud import FAMILY

    for rule in FAMILY.rules:
        RULES.setdefault(rule.code, rule)
