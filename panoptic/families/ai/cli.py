"""The AI family's commands: `panoptic generate URL`, `panoptic explain RESULTS` and `panoptic heal --apply RESULTS`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _fail(code: str, message: str, help: str | None = None) -> None:
    import typer

    sys.stderr.write(f"error[{code}]: {message}\n" + (f"  help: {help}\n" if help else ""))
    raise typer.Exit(2)


def generate_command(url: str, output: Path | None) -> None:
    """Write a `.pan` file for the page at `url` (to `output`, else to standard output)."""
    from panoptic.contract.errors import StepError
    from panoptic.families.ai.generate import generate

    try:
        text = generate(url, path=str(output or "generated.pan"))
    except StepError as exc:
        _fail(getattr(exc, "code", "PAN924") if exc.code.startswith("PAN92") else "PAN924", exc.message, exc.help)
        return
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail("PAN924", f"cannot write {output}: {exc.strerror or exc}")
    sys.stderr.write(f"wrote {output}\n")


def _results_file(path: Path) -> Path | None:
    if path.is_file():
        return path
    for name in ("results.jsonl.gz", "results.jsonl"):
        if (path / name).is_file():
            return path / name
    return None


def explain_command(results: Path, as_json: bool) -> None:
    """Classify every failed scenario of a run and print explanations and suggestions."""
    from panoptic.families.ai.classify import explain_results
    from panoptic.report.jsonl import read_records

    found = _results_file(results)
    if found is None:
        _fail("PAN925", f"no results file in {results}", "give the output folder of `panoptic run`")
        return
    try:
        records = read_records(found)
    except Exception as exc:
        _fail("PAN925", f"cannot read {found}: {getattr(exc, 'message', None) or exc}")
        return
    items = explain_results(records)
    if as_json:
        sys.stdout.write(json.dumps(items, indent=1) + "\n")
        return
    if not items:
        sys.stdout.write("no failed scenarios\n")
        return
    for item in items:
        _print(item)
    counts: dict[str, int] = {}
    for item in items:
        counts[item["category"]] = counts.get(item["category"], 0) + 1
    sys.stdout.write(
        f"{len(items)} failed scenario(s): " + ", ".join(f"{n} {c}" for c, n in sorted(counts.items())) + "\n"
    )


def _print(item: dict[str, Any]) -> None:
    out = sys.stdout
    out.write(f"{item['scenario']} ({item['file']})\n")
    if item.get("step"):
        out.write(f"  step:     {item['step']}\n")
    out.write(f"  failure:  {item['code']} {item['message']}\n")
    out.write(f"  class:    {item['category']}: {item['explanation']}\n")
    for hint in item["suggestions"]:
        out.write(f"  try:      {hint}\n")
    out.write("\n")


def heal_command(results: Path, apply: bool, dry_run: bool) -> None:
    """List the healings of a run; with `--apply`, write the new targets into the files (`--dry-run`: a diff)."""
    from panoptic.families.ai.heal_apply import ApplyError, plan, read_healings, write

    try:
        healings = read_healings(results)
    except ApplyError as exc:
        _fail("PAN926", str(exc), "run with `heal: on` or `--heal`; a run whose targets all matched heals nothing")
        return
    if not apply and not dry_run:
        for h in healings:
            sys.stdout.write(f"{h.get('file')}:{h.get('line')}:{h.get('col')}: {h.get('old')} → {h.get('new')}")
            sys.stdout.write(f" (score {float(h.get('score') or 0):.2f})\n")
        sys.stdout.write(f"{len(healings)} healing(s); `panoptic heal --apply {results}` writes them into the files\n")
        return
    changes = plan(healings)
    failed = False
    for change in changes:
        for note in change.skipped:
            sys.stderr.write(f"warning: skipped {note}\n")
        if change.error is not None:
            failed = True
            sys.stderr.write(f"error[PAN926]: {change.error}\n")
            continue
        if dry_run:
            sys.stdout.write(change.diff())
    if not dry_run:
        write(changes)
        for change in changes:
            if change.error is None and change.applied:
                sys.stdout.write(f"rewrote {change.path}: {len(change.applied)} target(s)\n")
    if failed:
        import typer

        raise typer.Exit(1)


def register(app: Any) -> None:
    """Add `generate`, `explain` and `heal` to the `panoptic` command line."""
    import typer

    @app.command("generate")
    def generate(
        url: str = typer.Argument(..., help="the page to write tests for (http or https URL)"),
        output: Path | None = typer.Option(None, "-o", "--output", help="the .pan file to write (default: stdout)"),
    ) -> None:
        """Write a .pan file from a live page: its controls, headings and forms, with role/label/testid targets."""
        generate_command(url, output)

    @app.command("explain")
    def explain(
        results: Path = typer.Argument(..., help="the output folder of `panoptic run` (or its results file)"),
        as_json: bool = typer.Option(False, "--json", help="print JSON"),
    ) -> None:
        """Explain every failed scenario of a run: its class, why, and what to try."""
        explain_command(results, as_json)

    @app.command("heal")
    def heal(
        results: Path = typer.Argument(..., help="the output folder of a `panoptic run` that healed steps"),
        apply: bool = typer.Option(False, "--apply", help="write the new targets into the .pan files"),
        dry_run: bool = typer.Option(False, "--dry-run", help="print the change as a diff, write nothing"),
    ) -> None:
        """List the targets a run healed; --apply rewrites them in the source files through the formatter."""
        heal_command(results, apply, dry_run)
