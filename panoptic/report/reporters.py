"""The reporters: one table of report writers, chosen by name (`--reporter NAME`).

A reporter has a name, a one-line description and up to two hooks:
- `write(model, base_dir, output_dir) -> Path` renders a file from the results model after the run
  (and again with `panoptic report`); `base_dir` is the folder the artifact paths are relative to;
- `listen(output_dir) -> Listener` makes a listener that gets every event while the run goes.

Built in: `console` (the terminal; `panoptic run` wires it), `jsonl` (alias `json`: results.jsonl.gz,
always written by `panoptic run` because every other report is rendered from it), `html` (report.html)
`junit` (junit.xml) and `github` (annotations and a Markdown job summary, not a default). Other packages add reporters through the `panoptic.reporters` entry point
group: the entry point names a `Reporter` object. One that fails to load is an error naming its
package (PAN006) when it is asked for; an unknown name is a usage error (PAN004) listing the known ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panoptic.report.errors import ReportError

if TYPE_CHECKING:
    from panoptic.report.model import RunResult

ENTRY_POINT_GROUP = "panoptic.reporters"


@dataclass(frozen=True)
class Reporter:
    """A report format: `write` renders a file from the model, `listen` makes a live event listener."""

    name: str
    help: str
    write: Callable[[RunResult, Path, Path], Path] | None = None
    listen: Callable[[Path], Callable[[Any], None]] | None = None


def _write_html(model: RunResult, base_dir: Path, output_dir: Path) -> Path:
    from panoptic.report.html import write_html

    return write_html(model, base_dir, output_dir)


def _write_junit(model: RunResult, base_dir: Path, output_dir: Path) -> Path:
    from panoptic.report.junit import write_junit

    return write_junit(model, base_dir, output_dir)


def _write_github(model: RunResult, base_dir: Path, output_dir: Path) -> Path:
    from panoptic.report.github import write_github

    return write_github(model, base_dir, output_dir)


BUILTIN: dict[str, Reporter] = {
    r.name: r
    for r in (
        Reporter("console", "progress and results in the terminal (`panoptic run`)"),
        Reporter("jsonl", "results.jsonl.gz, the event stream (always written by `panoptic run`)"),
        Reporter("html", "report.html, the self-contained HTML report", write=_write_html),
        Reporter("junit", "junit.xml, for CI test views", write=_write_junit),
        Reporter(
            "github",
            "GitHub Actions: annotations at the failing lines, summary.md and the job summary",
            write=_write_github,
        ),
    )
}
ALIASES = {"json": "jsonl"}
DEFAULTS: tuple[str, ...] = ("console", "jsonl", "html", "junit")


def _plugins() -> dict[str, Reporter]:
    from panoptic.contract.plugins import load_entry_points

    return {r.name: r for r in load_entry_points(ENTRY_POINT_GROUP, Reporter)}


def _problem(name: str) -> str | None:
    from panoptic.contract.plugins import problems

    for p in problems():
        if p.group == ENTRY_POINT_GROUP and p.name == name:
            return p.describe()
    return None


def available() -> dict[str, Reporter]:
    """Every reporter by name: the built-in ones and those of installed packages."""
    return {**BUILTIN, **{n: r for n, r in _plugins().items() if n not in BUILTIN}}


def resolve(names: Iterable[str] | None) -> tuple[Reporter, ...]:
    """The reporters named (the defaults when `names` is empty or None), in order, each once.

    Raises ReportError: PAN004 for an unknown name, PAN006 for a plugin reporter that cannot be loaded.
    """
    wanted = [ALIASES.get(n.strip().lower(), n.strip().lower()) for n in (names or ())] or list(DEFAULTS)
    plugins: dict[str, Reporter] | None = None
    out: list[Reporter] = []
    for name in wanted:
        reporter = BUILTIN.get(name)
        if reporter is None:
            if plugins is None:
                plugins = _plugins()  # entry points are read only when a non-built-in name is asked for
            reporter = plugins.get(name)
        if reporter is None:
            problem = _problem(name)
            if problem is not None:
                raise ReportError("PAN006", f"reporter `{name}`: {problem}", help="fix or uninstall that package")
            known = ", ".join(sorted({*BUILTIN, *(plugins or {}), *ALIASES}))
            raise ReportError("PAN004", f"no reporter named `{name}`", help=f"the reporters are: {known}")
        if reporter not in out:
            out.append(reporter)
    return tuple(out)


def names(reporters: Sequence[Reporter]) -> tuple[str, ...]:
    return tuple(r.name for r in reporters)
