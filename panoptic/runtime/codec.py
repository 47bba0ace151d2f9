"""The event wire format: the one place that turns events into `results.jsonl.gz` lines and back.

The writer (`panoptic.report.jsonl.JsonlWriter`), the reader (`read_records`, `read_events`) and the
results model (`panoptic.report.model`) all use this module, so the format is written down once.

Lines:
- run and scenario events are `Event.to_json()` objects (fields that hold their default left out,
  clock times to the millisecond, durations to a tenth of one); a `scenario_started` line also
  carries `n`, the number of that scenario attempt in the file;
- steps, the bulk of a run, are arrays that refer to that number:
  `["s", n, path, action, text, [start, end, line, col, end_line, end_col(, file)], phase, at(, chain)]`
  for `step_started` (the span's file is written only when it is not the scenario's) and
  `["f", n, path, status, duration(, {failure, artifacts, message, values, healed})]` for `step_finished`.

Decoding is lenient about the form of nested values: a span, frame, failure or artifact may be
its JSON object or the object itself (records built from events in memory), so the same helpers
serve parsed lines and `event.__dict__` alike.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from panoptic.contract.artifacts import Artifact
from panoptic.runtime.events import (
    EVENT_TYPES,
    Event,
    Failure,
    Frame,
    ScenarioStarted,
    StepFinished,
    StepStarted,
)
from panoptic.source import Span

STEP_STARTED, STEP_FINISHED, SCENARIO_STARTED = StepStarted.kind, StepFinished.kind, ScenarioStarted.kind
STEP_LINE_STARTED, STEP_LINE_FINISHED = "s", "f"

_OPTIONAL_EMPTY: dict[str, Any] = {
    "failure": None,
    "artifacts": [],
    "interrupted": False,
    "message": None,
    "values": None,
    "healed": None,
}
_ROUND = {"at": 3, "started_at": 3, "finished_at": 3, "duration": 4}
_FAILURE_EMPTY: dict[str, Any] = {"help": None, "expected": None, "actual": None, "candidates": [], "chain": []}
_DUMPS = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


# ---- nested values ------------------------------------------------------------------------------------------


def span_from_json(value: Any) -> Span:
    """A span from its JSON object (or the span itself)."""
    return value if isinstance(value, Span) else Span.from_json(value)


def span_from_compact(sp: list[Any], file: str) -> Span:
    """A span from the array of a compact step line; `file` is the scenario's when the array has none."""
    return Span(sp[6] if len(sp) > 6 else file, sp[0], sp[1], sp[2], sp[3], sp[4], sp[5])


def span_to_compact(span: Span, file: str) -> list[Any]:
    """The array of a compact step line; the span's file is written only when it is not `file`."""
    out: list[Any] = [span.start, span.end, span.line, span.col, span.end_line, span.end_col]
    if span.file != file:
        out.append(span.file)
    return out


def frames_from_json(value: Any) -> tuple[Frame, ...]:
    """Flow-call frames from JSON objects (or frames)."""
    if not value:
        return ()
    return tuple(f if isinstance(f, Frame) else Frame(f["flow"], span_from_json(f["span"])) for f in value)


def failure_from_json(value: Any) -> Failure | None:
    """A failure from its JSON object (or the failure itself); None for none."""
    if not value or isinstance(value, Failure):
        return value or None
    span = value.get("span")
    return Failure(
        code=value["code"],
        message=value["message"],
        span=span_from_json(span) if span else None,
        help=value.get("help"),
        expected=value.get("expected"),
        actual=value.get("actual"),
        candidates=tuple(value.get("candidates") or ()),
        chain=frames_from_json(value.get("chain")),
    )


def artifacts_from_json(value: Any) -> tuple[Artifact, ...]:
    """Artifacts from JSON objects (or artifacts)."""
    if not value:
        return ()
    return tuple(a if isinstance(a, Artifact) else Artifact(**a) for a in value)


# ---- events -------------------------------------------------------------------------------------------------


def event_from_json(data: dict[str, Any]) -> Event:
    """Rebuild an event from its record (one parsed object line, or a decoded step line).

    KeyError for an unknown kind or a missing field; TypeError/ValueError for a malformed one.
    """
    cls = EVENT_TYPES[data["kind"]]
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        raw = data[f.name]
        if f.name == "span":
            raw = span_from_json(raw) if raw else None
        elif f.name == "chain":
            raw = frames_from_json(raw)
        elif f.name == "failure":
            raw = failure_from_json(raw)
        elif f.name == "artifacts":
            raw = artifacts_from_json(raw)
        elif isinstance(raw, list):
            raw = tuple(raw)
        kwargs[f.name] = raw
    return cls(**kwargs)


def encode_record(data: dict[str, Any]) -> str:
    """Compact JSON for an event object: defaults left out, times rounded."""
    out = {k: v for k, v in data.items() if not (k in _OPTIONAL_EMPTY and v == _OPTIONAL_EMPTY[k])}
    for key, digits in _ROUND.items():
        value = out.get(key)
        if isinstance(value, float):
            out[key] = round(value, digits)
    failure = out.get("failure")
    if isinstance(failure, dict):
        out["failure"] = {k: v for k, v in failure.items() if not (k in _FAILURE_EMPTY and v == _FAILURE_EMPTY[k])}
    return _DUMPS(out)


def encode_event(event: Event) -> str:
    """One line for an event on its own (no numbering: the plain `to_json()` object)."""
    return encode_record(event.to_json())


class Encoder:
    """Turns events into lines; it numbers scenario attempts so that step lines can refer to them."""

    def __init__(self) -> None:
        self.current: dict[str, int] = {}
        self.files: list[str] = []

    def encode(self, event: Event) -> str:
        kind = event.kind
        if kind in (STEP_STARTED, STEP_FINISHED):
            n = self.current.get(event.scenario)  # type: ignore[attr-defined]
            if n is not None:
                return _DUMPS(self._step(event, n))
        data = event.to_json()
        if kind == SCENARIO_STARTED:
            n = len(self.files)
            self.current[data["scenario"]] = n
            self.files.append(data["span"]["file"])
            data["n"] = n
        return encode_record(data)

    def _step(self, event: Any, n: int) -> list[Any]:
        if event.kind == STEP_STARTED:
            span = span_to_compact(event.span, self.files[n])
            row = [STEP_LINE_STARTED, n, event.path, event.action, event.text, span, event.phase, round(event.at, 3)]
            if event.chain:
                row.append([[f.flow, f.span.to_json()] for f in event.chain])
            return row
        row = [STEP_LINE_FINISHED, n, event.path, event.status, round(event.duration, 4)]
        if event.failure is not None or event.artifacts or event.message or event.values or event.healed:
            data = json.loads(encode_record(event.to_json()))
            row.append({k: data[k] for k in ("failure", "artifacts", "message", "values", "healed") if k in data})
        return row


def is_item(value: Any) -> bool:
    """Whether a parsed line is an event: an object with a `kind`, or a compact step line."""
    if isinstance(value, dict):
        return "kind" in value
    return isinstance(value, list) and len(value) >= 5 and value[0] in (STEP_LINE_STARTED, STEP_LINE_FINISHED)


def step_line_chain(item: list[Any]) -> list[dict[str, Any]] | None:
    """The chain of a compact `step_started` line as JSON frames; None when it has none."""
    return [{"flow": f, "span": sp} for f, sp in item[8]] if len(item) > 8 else None


class Decoder:
    """Turns lines back into event records (dicts shaped like `Event.to_json()`).

    With `spans=True` the spans of step records are `Span` objects (the fast
    path of the report); otherwise they are JSON objects, as `event_from_json` takes.
    """

    def __init__(self, *, spans: bool = False) -> None:
        self.spans = spans
        self.attempts: dict[int, tuple[str, str]] = {}

    def decode(self, item: Any) -> dict[str, Any] | None:
        """The record of one line; None for a step line whose scenario line is missing."""
        if isinstance(item, dict):
            if item["kind"] == SCENARIO_STARTED and "n" in item:
                self.attempts[item["n"]] = (item["scenario"], item["span"]["file"])
            return item
        known = self.attempts.get(item[1])
        if known is None:
            return None
        scenario, file = known
        if item[0] == STEP_LINE_STARTED:
            span: Any = span_from_compact(item[5], file)
            if not self.spans:
                span = span.to_json()
            return {
                "kind": STEP_STARTED,
                "scenario": scenario,
                "path": item[2],
                "action": item[3],
                "text": item[4],
                "span": span,
                "chain": step_line_chain(item) or [],
                "phase": item[6],
                "at": item[7],
            }
        rec = {"kind": STEP_FINISHED, "scenario": scenario, "path": item[2], "status": item[3], "duration": item[4]}
        if len(item) > 5:
            rec.update(item[5])
        return rec
