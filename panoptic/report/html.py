"""`report.html`: one self-contained file (inline CSS and JS, no external URL) beside the artifacts.

The page's frame (summary, environment, notes) is rendered by Jinja2 with
autoescaping. The scenarios travel as one compact JSON document, gzip-compressed
and base64-encoded inside the page; the page's script inflates it with the
browser's own `DecompressionStream` and builds each scenario's step tree only
when it is opened, so a report of thousands of scenarios stays small and opens
fast. The script writes data with `textContent` only, never as markup.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from panoptic import __version__
from panoptic.report import redact
from panoptic.report.model import Attempt, RunResult, ScenarioResult, StepResult
from panoptic.runtime.events import Artifact, Failure
from panoptic.source import Source, Span

TEMPLATE = "report.html.j2"
_STEP_STATUS = {"passed": 0, "failed": 1, "error": 2, "skipped": 3, "unfinished": 4}
_AUTO_OPEN = 10  # failed scenarios opened when the page loads


class SourceCache:
    """Reads `.pan` files for failure snippets, once each; a missing file gives no snippet."""

    def __init__(self, roots: tuple[Path, ...] = ()) -> None:
        self.roots = roots
        self._cache: dict[str, Source | None] = {}

    def get(self, file: str) -> Source | None:
        if file not in self._cache:
            self._cache[file] = self._read(file)
        return self._cache[file]

    def _read(self, file: str) -> Source | None:
        candidates = [Path(file)] + [root / file for root in self.roots if not Path(file).is_absolute()]
        for path in candidates:
            try:
                if path.is_file():
                    return Source.read(path)
            except (OSError, UnicodeDecodeError):
                continue
        return None

    def snippet(self, span: Span) -> list[Any] | None:
        """[line number, line text, caret column (1-based), caret width] or None."""
        source = self.get(span.file)
        if source is None or span.line > source.line_count:
            return None
        text = source.line_text(span.line)
        if redact.declares_secret(text):
            return None
        width = span.end_col - span.col if span.end_line == span.line else len(text) - span.col + 1
        return [span.line, text, span.col, max(1, width)]


class _Encoder:
    """Turns the model into the compact document the page's script reads."""

    def __init__(self, base_dir: Path, output_dir: Path, sources: SourceCache) -> None:
        self.base_dir = base_dir
        self.output_dir = output_dir
        self.sources = sources
        self.files: dict[str, int] = {}
        self.tags: dict[str, int] = {}
        self._failed: StepResult | None = None  # the innermost failed step of the attempt being encoded
        self._before: list[str] | None = None  # [link, name] of that attempt's screenshot before the failure

    def file(self, name: str) -> int:
        return self.files.setdefault(name, len(self.files))

    def link(self, art: Artifact) -> str:
        """The artifact's path relative to the report, URL-quoted."""
        target = os.path.normpath(os.path.join(self.base_dir, art.path))
        rel = os.path.relpath(target, self.output_dir)
        return quote(Path(rel).as_posix())

    def artifacts(self, arts: tuple[Artifact, ...]) -> list[list[str]]:
        return [[a.kind, self.link(a), a.name or Path(a.path).name] for a in arts]

    def failure(self, f: Failure) -> dict[str, Any]:
        out: dict[str, Any] = {"c": f.code, "m": f.message}
        if f.span is not None:
            out["at"] = str(f.span)
            snip = self.sources.snippet(f.span)
            if snip:
                out["sn"] = snip
        for key, value in (("h", f.help), ("e", f.expected), ("a", f.actual)):
            if value is not None:
                out[key] = value
        if f.candidates:
            out["k"] = list(f.candidates)
        if f.chain:
            out["ch"] = [[fr.flow, str(fr.span)] for fr in f.chain]
        return out

    def step(self, s: StepResult, file: str, line: int) -> list[Any]:
        """[text, status, ms, line - scenario line, children or 0, extras]: small numbers compress well."""
        row: list[Any] = [s.text, _STEP_STATUS.get(s.status, 2), round(s.duration * 1000), s.span.line - line]
        extra: dict[str, Any] = {}
        if s.phase != "body":
            extra["p"] = s.phase
        if s.span.file != file:
            extra["f"] = s.span.file
        if s.failure is not None:
            extra["x"] = self.failure(s.failure)
        if s.artifacts:
            extra["r"] = self.artifacts(s.artifacts)
        if s.chain:
            extra["ch"] = [fr.flow for fr in s.chain]
        if s.message:
            extra["g"] = s.message
        if s.values:
            extra["v"] = s.values
        if s.healed:
            extra["h"] = s.healed
        if self._before is not None and s is self._failed:
            extra["b"] = self._before
        if s.children or extra:
            row.append([self.step(c, file, line) for c in s.children] if s.children else 0)
        if extra:
            row.append(extra)
        return row

    def steps(self, attempt: Attempt, file: str, line: int) -> list[Any]:
        """The step rows of one attempt; its innermost failed step carries the screenshot taken before it."""
        self._failed = _innermost_failed(attempt.steps) if attempt.status in ("failed", "error") else None
        before = next((a for a in attempt.artifacts if a.kind == "screenshot" and a.name == "before failure"), None)
        self._before = [self.link(before), before.name] if before is not None and self._failed is not None else None
        try:
            return [self.step(s, file, line) for s in attempt.steps]
        finally:
            self._failed = self._before = None

    def attempt(self, sc: ScenarioResult, attempt: Attempt, final: bool) -> list[Any]:
        """[number, status, ms, message, steps (0 for the final attempt: the scenario's own), failure, artifacts]."""
        arts: list[Artifact] = []
        _collect(attempt.steps, arts)
        arts.extend(attempt.artifacts)
        seen: set[str] = set()
        unique = []
        for art in arts:
            if art.path not in seen:
                seen.add(art.path)
                unique.append(art)
        status = attempt.status if not (final and sc.status == "flaky") else "passed"
        return [
            attempt.number,
            status,
            round(attempt.duration * 1000),
            attempt.failure.message if attempt.failure else "",
            0 if final else self.steps(attempt, sc.file, sc.span.line),
            self.failure(attempt.failure) if attempt.failure is not None else 0,
            self.artifacts(tuple(unique)),
        ]

    def scenario(self, sc: ScenarioResult, run_index: int) -> list[Any]:
        tags = [self.tags.setdefault(t, len(self.tags)) for t in sc.tags]
        failure = sc.failure
        row: list[Any] = [
            sc.title,
            self.file(sc.file),
            sc.span.line,
            sc.status,
            round(sc.duration * 1000),
            tags,
            self.steps(sc.final, sc.file, sc.span.line),
        ]
        extra: dict[str, Any] = {}
        if failure is not None:
            extra["x"] = self.failure(failure)
        arts = sc.artifacts
        if arts:
            extra["r"] = self.artifacts(arts)
        if len(sc.attempts) > 1:
            last = len(sc.attempts) - 1
            extra["t"] = [self.attempt(sc, a, i == last) for i, a in enumerate(sc.attempts)]
        if run_index:
            extra["u"] = run_index
        healed = _count_healed(sc.final.steps)
        if healed:
            extra["hd"] = healed
        if sc.app:
            extra["app"] = sc.app
        if extra:
            row.append(extra)
        return row


def _count_healed(steps: tuple[StepResult, ...]) -> int:
    """How many steps (nested ones included) had a self-healed target."""
    return sum((1 if s.healed else 0) + _count_healed(s.children) for s in steps)


def _innermost_failed(steps: tuple[StepResult, ...]) -> StepResult | None:
    for step in steps:
        if step.status in ("failed", "error", "unfinished"):
            inner = _innermost_failed(step.children)
            return inner if inner is not None else step
    return None


def _collect(steps: tuple[StepResult, ...], out: list[Artifact]) -> None:
    for step in steps:
        out.extend(step.artifacts)
        _collect(step.children, out)


def payload(model: RunResult, base_dir: Path, output_dir: Path, sources: SourceCache | None = None) -> dict[str, Any]:
    """The compact document embedded in the page."""
    enc = _Encoder(base_dir, output_dir, sources or SourceCache((base_dir, base_dir.parent)))
    run_index = {r.run_id: i for i, r in enumerate(model.runs)}
    scenarios = [enc.scenario(sc, run_index.get(sc.run_id, 0)) for sc in model.scenarios]
    return {
        "v": 1,
        "files": list(enc.files),
        "tags": list(enc.tags),
        "sc": scenarios,
        "open": _AUTO_OPEN,
        "dir": str(output_dir),  # where the report is: the trace hints name absolute paths
    }


def encode_payload(data: dict[str, Any]) -> str:
    """gzip + base64 of the compact JSON (only base64 characters end up in the page)."""
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def _environment() -> Any:
    """The template environment: the templates folder read directly (a `PackageLoader` costs 17 ms to set up)
    and the compiled template kept in the cache folder (compiling it costs 8 ms in every run)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(),
    )


def _bytecode_cache() -> Any:
    import jinja2

    from panoptic.cachedir import cache_dir

    class QuietCache(jinja2.FileSystemBytecodeCache):
        """A cache that cannot be read or written only means compiling the template again."""

        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, EOFError, ValueError):
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    folder = cache_dir()
    if folder is None:
        return None
    try:
        (folder / "templates").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return QuietCache(str(folder / "templates"))


def _fmt_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def _fmt_time(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else "—"


def results_file(base_dir: Path) -> Path:
    """The results file the report is rendered from: the one in `base_dir` (by default `results.jsonl.gz`)."""
    from panoptic.report.jsonl import RESULTS_FILE

    for name in (RESULTS_FILE, "results.jsonl"):
        if (base_dir / name).is_file():
            return base_dir / name
    return base_dir / RESULTS_FILE


def render_html(
    model: RunResult, base_dir: Path, output_dir: Path, *, title: str = "Panoptic report", results: Path | None = None
) -> str:
    """The text of `report.html` for a model whose artifact paths are relative to `base_dir`."""
    data = encode_payload(payload(model, base_dir, output_dir))
    results = results if results is not None else results_file(base_dir)
    results_link = quote(Path(os.path.relpath(results, output_dir)).as_posix())
    runs = [
        {
            "id": r.run_id,
            "command": redact.command(r.command),
            "started": _fmt_time(r.started_at),
            "duration": _fmt_duration(r.duration),
            "environment": sorted(redact.environment(r.environment).items()),
            "state": "interrupted" if r.interrupted else ("finished" if r.finished else "stopped"),
            "exit_code": r.exit_code,
        }
        for r in model.runs
    ]
    template = _environment().get_template(TEMPLATE)
    return template.render(
        title=title,
        counts=model.counts,
        total=model.total,
        ok=model.ok,
        duration=_fmt_duration(model.duration),
        started=_fmt_time(model.started_at),
        runs=runs,
        notes=model.notes,
        tags=model.tags,
        data=data,
        version=__version__,
        results=str(results),
        results_link=results_link,
    )


def write_html(model: RunResult, base_dir: Path, output_dir: Path, name: str = "report.html") -> Path:
    """Write `report.html` into `output_dir` (artifact links relative to it) and return its path."""
    path = output_dir / name
    text = render_html(model, base_dir, output_dir)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path
