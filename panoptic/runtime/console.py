"""The console reporter of `panoptic run`.

Two listeners in one object:

* `live(event)` gets events as they happen and keeps a one-line progress
  display (done/total, counts, what is running) on a terminal;
* `__call__(event)` gets events in program order and prints one line per
  scenario attempt and, for a failure, a block rendered like a compile error:
  `error[PAN901]: …`, file:line:col, the source line with a caret, the flow
  calls that led there, expected vs actual, did-you-mean candidates, help.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from panoptic.diagnostics.model import Diagnostic, Label, Severity
from panoptic.diagnostics.render import lookup_from, render_text
from panoptic.runtime.events import (
    ERROR,
    FAILED,
    FLAKY,
    PASSED,
    SKIPPED,
    Event,
    Failure,
    RunFinished,
    RunStarted,
    ScenarioFinished,
    ScenarioStarted,
    StepFinished,
)
from panoptic.source import Source

_GLYPHS = {PASSED: "✓", FAILED: "✗", ERROR: "!", FLAKY: "~", SKIPPED: "-"}
_STYLES = {PASSED: "green", FAILED: "red", ERROR: "red", FLAKY: "yellow", SKIPPED: "dim"}


def failure_diagnostic(failure: Failure) -> Diagnostic:
    """A run-time failure as a Diagnostic, so it renders exactly like a compile error."""
    notes: list[str] = []
    if failure.expected is not None:
        notes.append(f"expected: {failure.expected}")
    if failure.actual is not None:
        notes.append(f"actual:   {failure.actual}")
    if failure.candidates and not (failure.help and "did you mean" in failure.help):
        notes.append("did you mean: " + ", ".join(failure.candidates))
    labels = tuple(Label(frame.span, f"in flow `{frame.flow}`, called here") for frame in reversed(failure.chain))
    return Diagnostic(
        code=failure.code,
        severity=Severity.ERROR,
        message=failure.message,
        span=failure.span,
        labels=labels,
        help=failure.help,
        notes=tuple(notes),
    )


class _Rerender:
    """A renderable that is built afresh at every refresh (so the elapsed time moves)."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self.build = build

    def __rich__(self) -> Any:
        return self.build()


class ConsoleReporter:
    """Prints a run's progress and results with rich."""

    def __init__(
        self,
        console: Any = None,
        *,
        sources: Mapping[str, Source] | None = None,
        output_dir: Path | None = None,
        verbose: bool = False,
        live_display: bool | None = None,
    ) -> None:
        if console is None:
            from rich.console import Console

            console = Console(highlight=False)
        self.console = console
        self.lookup: Callable[[str], Source | None] = lookup_from(dict(sources or {}))
        self.output_dir = output_dir
        self.verbose = verbose
        self.colour = bool(console.is_terminal and not console.no_color)
        self.use_live = console.is_terminal if live_display is None else live_display
        self._live: Any = None
        self.titles: dict[str, str] = {}
        self.healed: dict[str, list[str]] = {}  # scenario id -> the healings of its current attempt
        self.healed_total = 0
        self.total = 0
        self.finished: dict[str, str] = {}
        self.running: dict[str, str] = {}
        self.started_at = time.monotonic()
        self.step_notes: dict[str, list[str]] = {}

    # -- live progress (events as they happen) ------------------------------------------

    def live(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self.total = len(event.scenarios)
            self.started_at = time.monotonic()
            if self.use_live:
                from rich.live import Live

                self._live = Live(
                    _Rerender(self._progress),
                    console=self.console,
                    transient=True,
                    auto_refresh=True,
                    refresh_per_second=4,
                    redirect_stdout=False,
                    redirect_stderr=False,
                )
                self._live.start()
        elif isinstance(event, ScenarioStarted):
            self.titles[event.scenario] = event.title
            self.running[event.scenario] = event.title
        elif isinstance(event, ScenarioFinished):
            self.running.pop(event.scenario, None)
            self.finished[event.scenario] = event.status
        elif isinstance(event, RunFinished):
            self.close()
            return
        if self._live is not None:
            self._live.refresh()

    def _progress(self) -> Any:
        from rich.text import Text

        counts: dict[str, int] = {}
        for status in self.finished.values():
            counts[status] = counts.get(status, 0) + 1
        text = Text()
        text.append(f"[{len(self.finished)}/{self.total}] ", style="bold")
        for status in (PASSED, FAILED, ERROR, FLAKY, SKIPPED):
            if counts.get(status):
                text.append(f"{_GLYPHS[status]} {counts[status]} {status}  ", style=_STYLES[status])
        text.append(f"{time.monotonic() - self.started_at:.1f}s", style="dim")
        if self.running:
            names = ", ".join(list(self.running.values())[:3])
            more = f" +{len(self.running) - 3}" if len(self.running) > 3 else ""
            text.append(f"  running: {names}{more}", style="cyan")
        return text

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    # -- ordered output ---------------------------------------------------------------------

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self._header(event)
        elif isinstance(event, ScenarioStarted):
            self.titles[event.scenario] = event.title
        elif isinstance(event, StepFinished):
            if event.healed:
                self.healed.setdefault(event.scenario, []).append(event.healed)
            if self.verbose and event.message:
                self._print(f"    · {event.message}", style="dim")
        elif isinstance(event, ScenarioFinished):
            self._scenario(event)
        elif isinstance(event, RunFinished):
            self.close()
            self._summary(event)

    def _print(self, text: str, style: str | None = None) -> None:
        self.console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)

    def _header(self, event: RunStarted) -> None:
        n = len(event.scenarios)
        workers = event.environment.get("workers", "1")
        where = f" → {self.output_dir}" if self.output_dir else ""
        plural = "" if n == 1 else "s"
        on = f" on {workers} workers" if workers not in ("1", "0") and n > 1 else ""
        self._print(f"running {n} scenario{plural}{on}{where}", style="bold")

    def _scenario(self, event: ScenarioFinished) -> None:
        title = self.titles.get(event.scenario, event.scenario)
        glyph, style = _GLYPHS.get(event.status, "?"), _STYLES.get(event.status)
        attempt = f" (attempt {event.attempt})" if event.attempt > 1 else ""
        if event.status == SKIPPED:
            reason = f": {event.failure.message}" if event.failure else ""
            self._print(f"{glyph} {title}{reason}", style=style)
            return
        self._print(f"{glyph} {title}{attempt}  {event.duration:.2f}s", style=style)
        for healed in self.healed.pop(event.scenario, ()):
            self.healed_total += 1
            self._print(f"    healed: {healed}", style="yellow")
        if event.failure is not None and event.status in (FAILED, ERROR):
            self._failure(event.failure)
            self._artifact_paths(event)

    def _failure(self, failure: Failure) -> None:
        rendered = render_text(failure_diagnostic(failure), self.lookup, colour=self.colour)
        block = "\n".join("    " + line for line in rendered.splitlines())
        if self.colour:
            from rich.text import Text

            self.console.print(Text.from_ansi(block), soft_wrap=True)
        else:
            self._print(block)

    def _artifact_paths(self, event: ScenarioFinished) -> None:
        """Where the failure screenshot, the trace and the video of a failed attempt are, one per line."""
        lines = []
        for art in event.artifacts:
            if art.kind == "screenshot" and art.name == "failure":
                label = "screenshot"
            elif art.kind in ("trace", "video"):
                label = art.kind
            else:
                continue
            path = (self.output_dir / art.path) if self.output_dir is not None else Path(art.path)
            lines.append(f"      {label + ':':<11} {path}")
        for line in lines:
            self._print(line, style="dim")

    def _summary(self, event: RunFinished) -> None:
        parts = [f"{event.counts.get(s, 0)} {s}" for s in (PASSED, FAILED)]
        parts += [f"{event.counts[s]} {s}" for s in (ERROR, FLAKY, SKIPPED) if event.counts.get(s)]
        line = ", ".join(parts) + f" in {event.duration:.2f}s"
        if event.interrupted:
            line += " (interrupted)"
        style = "bold green" if event.exit_code == 0 else "bold red"
        self._print(line, style=style)
        if self.healed_total:
            where = self.output_dir if self.output_dir is not None else "RESULTS-FOLDER"
            self._print(
                f"{self.healed_total} step(s) healed: `panoptic heal --apply {where}` writes the new targets "
                "into the files",
                style="yellow",
            )
