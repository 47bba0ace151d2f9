"""`panoptic analytics` and `cloud analytics`: run history from stored results.

Sources are local folders (a run's output folder, or a folder of runs such as
`panoptic-results/`), results files, or storage URLs (every
`<run>/results.jsonl.gz` under the URL, read concurrently). Each results file
is read with the report's own reader into the same model `panoptic report`
renders, and the history is summarised as:

* pass rate over time: one point per run, (passed + flaky) / (scenarios that ran);
* flaky scenarios: passed on a retry within a run, or flipped between passing
  and failing from one run to the next;
* the slowest scenarios (mean time over runs) and the slowest steps (mean
  time of each statement, by file and line, over every run);
* failure categories: failed attempts by code (PAN901 assertion, PAN902
  target not found, …) with an example message.

A run found in two sources (a local folder and the bucket it was synced to)
counts once: runs are told apart by their run ids.

`write_analytics` writes `analytics.json` and a self-contained
`analytics.html` whose plots are SVG drawn here (no script, no CDN).
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import math
import statistics
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from panoptic.families.cloud.errors import CloudError, NoResults
from panoptic.families.cloud.storage import open_store, resolve_url
from panoptic.families.cloud.storage.base import RemoteObject, RetryPolicy, Store, with_retries
from panoptic.families.cloud.sync import RESULTS_NAMES

TOP = 20
_PASS = ("passed", "flaky")
_FAIL = ("failed", "error")


@dataclass(frozen=True)
class LoadedRun:
    """One run's results, and where they came from."""

    source: str
    model: Any  # panoptic.report.model.RunResult


# --- loading -------------------------------------------------------------------------------------------------


def _model_of(path: Path, label: str) -> Any:
    from panoptic.report import ReportError, build_model_from_records, read_items

    try:
        return build_model_from_records(read_items(path))
    except ReportError as exc:
        raise NoResults(
            f"{label}: {exc.diagnostic.message}", help="the file is not a results file of panoptic run"
        ) from None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        raise NoResults(f"{label}: not a results file (an event is malformed)") from None


def _all_objects(store: Store) -> list[RemoteObject]:
    return list(store.objects())


def _local_results(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    found: list[Path] = []
    for name in RESULTS_NAMES:
        if (folder / name).is_file():
            return [folder / name]
    if folder.is_dir():
        for child in sorted(folder.iterdir()):
            if child.is_dir():
                for name in RESULTS_NAMES:
                    if (child / name).is_file():
                        found.append(child / name)
                        break
    return found


def load_runs(
    sources: Sequence[str | Path],
    *,
    base_dir: Path | None = None,
    exclude: Iterable[Path] = (),
    workers: int = 16,
    skip_unreadable: bool = True,
    notes: list[str] | None = None,
) -> list[LoadedRun]:
    """Every run found in the sources; unreadable results files are skipped with a note (or raise)."""
    runs: list[LoadedRun] = []
    excluded = {p.resolve() for p in exclude}

    def bad(exc: CloudError) -> None:
        if not skip_unreadable:
            raise exc
        if notes is not None:
            notes.append(exc.message)

    for source in sources:
        text = str(source)
        url = resolve_url(text, base_dir)
        if url.scheme == "file":
            folder = Path(url.path)
            if not folder.exists():
                raise NoResults(f"{folder} does not exist", help="give a results folder or a storage URL")
            for file in _local_results(folder):
                if file.parent.resolve() in excluded:
                    continue
                try:
                    runs.append(LoadedRun(str(file.parent), _model_of(file, str(file))))
                except CloudError as exc:
                    bad(exc)
            continue
        store = open_store(url, base_dir=base_dir, workers=workers)
        try:
            retry = RetryPolicy(attempts=3)
            with_retries(store.probe, retry)
            keys = sorted(
                o.key
                for o in with_retries(partial(_all_objects, store), retry)
                if o.key.rsplit("/", 1)[-1] in RESULTS_NAMES and o.key.count("/") <= 1
            )
            with (
                tempfile.TemporaryDirectory(prefix="panoptic-analytics-") as tmp,
                ThreadPoolExecutor(max_workers=max(1, min(workers, len(keys) or 1))) as pool,
            ):

                def fetch(index_key: tuple[int, str], store=store, tmp=tmp, retry=retry) -> Path:
                    index, key = index_key
                    data = with_retries(lambda: store.read(key), retry)
                    path = Path(tmp) / f"{index}-{key.rsplit('/', 1)[-1]}"
                    path.write_bytes(data)
                    return path

                for key, path in zip(keys, pool.map(fetch, enumerate(keys)), strict=True):
                    label = f"{store.display}/{key}"
                    try:
                        runs.append(LoadedRun(label.rsplit("/", 1)[0], _model_of(path, label)))
                    except CloudError as exc:
                        bad(exc)
        finally:
            store.close()
    return runs


# --- analysis ------------------------------------------------------------------------------------------------


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _leaves(steps: Iterable[Any]) -> Iterable[Any]:
    for step in steps:
        if step.children:
            yield from _leaves(step.children)
        else:
            yield step


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


def analyse(runs: Sequence[LoadedRun], *, top: int = TOP) -> dict[str, Any]:
    """The history of `runs` as plain JSON-ready data (see the module docstring)."""
    from panoptic.diagnostics.rules import RULES

    entries: list[LoadedRun] = []
    seen: set[tuple[str, ...]] = set()
    duplicates = 0
    for loaded in sorted(runs, key=lambda r: (r.model.started_at, r.source)):
        ids = tuple(r.run_id for r in loaded.model.runs)
        if ids and ids in seen:  # the same run read twice (a local folder and the bucket it was synced to)
            duplicates += 1
            continue
        seen.add(ids)
        entries.append(loaded)

    run_rows: list[dict[str, Any]] = []
    history: dict[str, list[tuple[int, str]]] = {}
    meta: dict[str, dict[str, str]] = {}
    flaky_runs: dict[str, int] = {}
    durations: dict[str, list[float]] = {}
    step_times: dict[tuple[str, int, str], list[float]] = {}
    categories: dict[str, dict[str, Any]] = {}
    scenario_results = 0
    for index, loaded in enumerate(entries):
        model = loaded.model
        counts = {status: 0 for status in ("passed", "failed", "error", "flaky", "skipped")}
        for sc in model.scenarios:
            scenario_results += 1
            counts[sc.status] = counts.get(sc.status, 0) + 1
            if sc.status == "skipped":
                continue
            sid = sc.id
            meta.setdefault(sid, {"title": sc.title, "file": sc.file})
            history.setdefault(sid, []).append((index, sc.status))
            if sc.status == "flaky":
                flaky_runs[sid] = flaky_runs.get(sid, 0) + 1
            durations.setdefault(sid, []).append(sc.duration)
            for step in _leaves(sc.steps):
                if step.status in ("passed", "failed", "error"):
                    key = (step.span.file, step.span.line, step.text)
                    step_times.setdefault(key, []).append(step.duration)
            for attempt in sc.attempts:
                failure = attempt.failure
                if failure is None:
                    continue
                code = failure.code
                cat = categories.get(code)
                if cat is None:
                    rule = RULES.get(code)
                    cat = categories[code] = {
                        "code": code,
                        "name": rule.name if rule else "unknown",
                        "summary": rule.summary if rule else "",
                        "count": 0,
                        "scenarios": set(),
                        "example": failure.message,
                    }
                cat["count"] += 1
                cat["scenarios"].add(sid)
        ran = sum(counts[s] for s in ("passed", "failed", "error", "flaky"))
        info = model.runs[0] if model.runs else None
        run_rows.append(
            {
                "run_id": ",".join(r.run_id for r in model.runs) or Path(loaded.source).name,
                "source": loaded.source,
                "started_at": _iso(model.started_at),
                "duration": round(model.duration, 3),
                **counts,
                "total": sum(counts.values()),
                "pass_rate": round((counts["passed"] + counts["flaky"]) / ran, 4) if ran else None,
                "interrupted": bool(info.interrupted) if info else False,
            }
        )

    flaky: list[dict[str, Any]] = []
    for sid, seq in history.items():
        flips = sum(1 for (_, a), (_, b) in itertools.pairwise(seq) if (a in _PASS) != (b in _PASS))
        retried = flaky_runs.get(sid, 0)
        if flips or retried:
            flaky.append(
                {
                    "id": sid,
                    **meta[sid],
                    "runs": len(seq),
                    "passed_on_retry": retried,
                    "flips": flips,
                    "last_status": seq[-1][1],
                    "history": "".join("P" if s == "passed" else "F" if s in _FAIL else "R" for _, s in seq),
                }
            )
    flaky.sort(key=lambda f: (-(f["passed_on_retry"] + f["flips"]), f["title"]))

    slow: list[dict[str, Any]] = [
        {
            "id": sid,
            **meta[sid],
            "runs": len(times),
            "mean": round(statistics.fmean(times), 4),
            "p95": round(_percentile(times, 0.95), 4),
            "max": round(max(times), 4),
        }
        for sid, times in durations.items()
    ]
    slow.sort(key=lambda s: (-s["mean"], s["title"]))
    steps: list[dict[str, Any]] = [
        {
            "file": file,
            "line": line,
            "text": text,
            "count": len(times),
            "mean": round(statistics.fmean(times), 4),
            "max": round(max(times), 4),
            "total": round(sum(times), 4),
        }
        for (file, line, text), times in step_times.items()
    ]
    steps.sort(key=lambda s: (-s["mean"], s["file"], s["line"]))
    failure_rows = sorted(
        ({**c, "scenarios": len(c["scenarios"])} for c in categories.values()),
        key=lambda c: (-c["count"], c["code"]),
    )
    rates = [r["pass_rate"] for r in run_rows if r["pass_rate"] is not None]
    return {
        "generated_at": _iso(dt.datetime.now(tz=dt.UTC).timestamp()),
        "summary": {
            "runs": len(run_rows),
            "duplicate_runs_skipped": duplicates,
            "scenario_results": scenario_results,
            "scenarios": len(history),
            "first_run": run_rows[0]["started_at"] if run_rows else None,
            "last_run": run_rows[-1]["started_at"] if run_rows else None,
            "mean_pass_rate": round(statistics.fmean(rates), 4) if rates else None,
            "flaky_scenarios": len(flaky),
            "failed_attempts": sum(c["count"] for c in failure_rows),
        },
        "runs": run_rows,
        "flaky": flaky[:top],
        "slowest_scenarios": slow[:top],
        "slowest_steps": steps[:top],
        "failure_categories": failure_rows,
    }


# --- output --------------------------------------------------------------------------------------------------


def write_analytics(data: dict[str, Any], output: Path, *, title: str = "Panoptic run analytics") -> dict[str, Path]:
    """Write `analytics.json` and `analytics.html` into `output`; return their paths."""
    try:
        output.mkdir(parents=True, exist_ok=True)
        json_path = output / "analytics.json"
        json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        html_path = output / "analytics.html"
        html_path.write_text(render_html(data, title=title), encoding="utf-8")
    except OSError as exc:
        raise CloudError(f"cannot write the analytics into {output}: {exc.strerror or exc}") from None
    return {"json": json_path, "html": html_path}


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _secs(value: float) -> str:
    if value >= 60:
        return f"{value / 60:.1f}m"
    if value >= 1:
        return f"{value:.2f}s"
    return f"{value * 1000:.0f}ms"


def line_chart(points: Sequence[tuple[str, float | None]], *, width: int = 860, height: int = 240) -> str:
    """An SVG line chart of values in 0..1 (pass rates), one point per label; None leaves a gap."""
    left, right, top, bottom = 48, 16, 12, 40
    w, h = width - left - right, height - top - bottom
    n = len(points)
    if n == 0:
        return '<p class="empty">no runs</p>'
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="pass rate per run">']
    for pct in (0, 25, 50, 75, 100):
        y = top + h - h * pct / 100
        parts.append(f'<line x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">{pct}%</text>')

    def x_of(i: int) -> float:
        return left + (w / 2 if n == 1 else w * i / (n - 1))

    path: list[str] = []
    pen_down = False
    for i, (_label, value) in enumerate(points):
        if value is None:
            pen_down = False
            continue
        x, y = x_of(i), top + h - h * value
        path.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
        pen_down = True
    if path:
        parts.append(f'<path d="{" ".join(path)}" class="line"/>')
    step = max(1, n // 8)
    for i, (label, value) in enumerate(points):
        x = x_of(i)
        if value is not None:
            y = top + h - h * value
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="dot"><title>{_e(label)}: {value * 100:.1f}%</title></circle>'
            )
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text x="{x:.1f}" y="{height - 22}" class="axis" text-anchor="middle">{_e(label[:10])}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(rows: Sequence[tuple[str, float, str]], *, width: int = 860, bar: int = 20) -> str:
    """A horizontal SVG bar chart: (label, value, value text) per row."""
    if not rows:
        return '<p class="empty">nothing to show</p>'
    label_w, value_w = 330, 90
    w = width - label_w - value_w
    top = max(v for _, v, _ in rows) or 1.0
    height = len(rows) * (bar + 6) + 6
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">']
    for i, (label, value, text) in enumerate(rows):
        y = 6 + i * (bar + 6)
        length = max(1.0, w * value / top)
        short = label if len(label) <= 48 else label[:47] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar * 0.7:.1f}" class="label" text-anchor="end">{_e(short)}'
            f"<title>{_e(label)}</title></text>"
        )
        parts.append(f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar}" class="bar"/>')
        parts.append(f'<text x="{label_w + length + 6:.1f}" y="{y + bar * 0.7:.1f}" class="axis">{_e(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    if not body:
        return '<p class="empty">none</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:960px;color:#1d2330}
h1{font-size:22px;margin-bottom:4px} h2{font-size:17px;margin-top:32px;border-bottom:1px solid #dde2ea}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#f4f6fa;border-radius:6px;padding:8px 14px}
.card b{display:block;font-size:20px}.grid{stroke:#e3e7ee}.axis{font-size:11px;fill:#5b6475}
.label{font-size:12px;fill:#1d2330}.line{fill:none;stroke:#2f6fdf;stroke-width:2}.dot{fill:#2f6fdf}
.bar{fill:#2f6fdf}.fail .bar{fill:#d2433c}table{border-collapse:collapse;width:100%;font-size:13px}
td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eceff4}th{background:#f4f6fa}
.empty{color:#5b6475;font-style:italic}.muted{color:#5b6475}
"""


def render_html(data: dict[str, Any], *, title: str = "Panoptic run analytics") -> str:
    """A self-contained HTML page (inline CSS and SVG, no script) of `analyse()`'s data."""
    s = data["summary"]
    rate = "–" if s["mean_pass_rate"] is None else f"{s['mean_pass_rate'] * 100:.1f}%"
    cards = [
        ("runs", s["runs"]),
        ("scenario results", s["scenario_results"]),
        ("mean pass rate", rate),
        ("flaky scenarios", s["flaky_scenarios"]),
        ("failed attempts", s["failed_attempts"]),
    ]
    points = [(r["started_at"].replace("T", " "), r["pass_rate"]) for r in data["runs"]]
    failures = [(f"{c['code']} {c['name']}", float(c["count"]), str(c["count"])) for c in data["failure_categories"]]
    slow = [(f"{r['title']} ({r['file']})", r["mean"], _secs(r["mean"])) for r in data["slowest_scenarios"]]
    steps = [
        (f"{r['text']} ({Path(r['file']).name}:{r['line']})", r["mean"], _secs(r["mean"]))
        for r in data["slowest_steps"]
    ]
    span = f"{s['first_run'] or '–'} to {s['last_run'] or '–'}"
    return "".join(
        [
            "<!doctype html><html lang=en><head><meta charset=utf-8>",
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
            f"<h1>{_e(title)}</h1><p class=muted>{_e(span)} · generated {_e(data['generated_at'])}</p>",
            '<div class="cards">',
            "".join(f'<div class="card"><b>{_e(v)}</b>{_e(k)}</div>' for k, v in cards),
            "</div>",
            "<h2>Pass rate per run</h2>",
            line_chart(points),
            '<h2>Failure categories</h2><div class="fail">',
            bar_chart(failures),
            "</div>",
            _table(
                ("code", "rule", "failed attempts", "scenarios", "example"),
                ((c["code"], c["name"], c["count"], c["scenarios"], c["example"]) for c in data["failure_categories"]),
            ),
            "<h2>Flaky scenarios</h2>",
            "<p class=muted>passed on a retry, or flipped between passing and failing from one run to the next "
            "(history: P passed, R passed on retry, F failed)</p>",
            _table(
                ("scenario", "file", "runs", "passed on retry", "flips", "history"),
                (
                    (f["title"], f["file"], f["runs"], f["passed_on_retry"], f["flips"], f["history"])
                    for f in data["flaky"]
                ),
            ),
            "<h2>Slowest scenarios (mean over runs)</h2>",
            bar_chart(slow),
            "<h2>Slowest steps (mean over runs)</h2>",
            bar_chart(steps),
            "<h2>Runs</h2>",
            _table(
                ("started", "run", "passed", "failed", "error", "flaky", "skipped", "pass rate"),
                (
                    (
                        r["started_at"],
                        r["run_id"],
                        r["passed"],
                        r["failed"],
                        r["error"],
                        r["flaky"],
                        r["skipped"],
                        "–" if r["pass_rate"] is None else f"{r['pass_rate'] * 100:.1f}%",
                    )
                    for r in reversed(data["runs"])
                ),
            ),
            "</body></html>\n",
        ]
    )


def run_analytics(
    sources: Sequence[str | Path],
    output: Path,
    *,
    base_dir: Path | None = None,
    exclude: Iterable[Path] = (),
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, Any], dict[str, Path], list[str]]:
    """Load, analyse and write; returns the data, the written paths and notes on skipped files."""
    notes: list[str] = []
    runs = load_runs(sources, base_dir=base_dir, exclude=exclude, notes=notes)
    if not runs:
        where = ", ".join(str(s) for s in sources)
        raise NoResults(
            f"no results were found in {where}",
            help="give output folders of `panoptic run`, a folder of runs, or the URL `panoptic sync` stored them at",
        )
    if progress is not None:
        progress(f"read {len(runs)} run(s)")
    data = analyse(runs)
    paths = write_analytics(data, output)
    return data, paths, notes
