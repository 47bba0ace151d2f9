"""`results.jsonl.gz`: the event stream of a run, written as the run goes.

One JSON line per event, gzip-compressed (flushed after every scenario, so a
killed run keeps what finished): `zcat results.jsonl.gz` shows the lines.
Readers also accept an uncompressed `results.jsonl.gz`.
The writer flushes the compressor (a sync flush: everything so far is
decodable) after every finished scenario and at the end of the run, so a crash
or Ctrl-C keeps every finished scenario.

Lines:
- run and scenario events are `Event.to_json()` objects (fields that hold
  their default left out); a `scenario_started` line also carries `n`, the
  number of that scenario attempt in the file;
- steps, the bulk of a run, are arrays that refer to that number:
  `["s", n, path, action, text, [start, end, line, col, end_line, end_col(, file)], phase, at(, chain)]`
  for `step_started` (the span's file is written only when it is not the
  scenario's) and `["f", n, path, status, duration(, {failure, artifacts, message})]`
  for `step_finished`.
Clock times are kept to the millisecond, durations to a tenth of one.

`read_events` reads this (plain or compressed, and plain `to_json()` lines)
and drops a truncated last line (a run killed mid-write).
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from pathlib import Path
from typing import IO, Any

from panoptic.report.errors import ReportError
from panoptic.runtime.events import (
    Event,
    RunFinished,
    ScenarioFinished,
    ScenarioStarted,
    StepFinished,
    StepStarted,
    event_from_json,
)
from panoptic.source import Span

GZIP_MAGIC = b"\x1f\x8b"
FORMAT_VERSION = 1
_FLUSH_KINDS = (ScenarioFinished.kind, RunFinished.kind)
_OPTIONAL_EMPTY = {"failure": None, "artifacts": [], "interrupted": False, "message": None}
_ROUND = {"at": 3, "started_at": 3, "finished_at": 3, "duration": 4}
_FAILURE_EMPTY = {"help": None, "expected": None, "actual": None, "candidates": [], "chain": []}
_SS, _SF, _CS = StepStarted.kind, StepFinished.kind, ScenarioStarted.kind
_DUMPS = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

RESULTS_FILE = "results.jsonl.gz"  # the name `panoptic run` and `panoptic merge` write


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


class Encoder:
    """Turns events into lines; it numbers scenario attempts so that step lines can refer to them."""

    def __init__(self) -> None:
        self.current: dict[str, int] = {}
        self.files: list[str] = []

    def encode(self, event: Event) -> str:
        kind = event.kind
        if kind in (_SS, _SF):
            n = self.current.get(event.scenario)  # type: ignore[attr-defined]
            if n is not None:
                return _DUMPS(self._step(event, n))
        data = event.to_json()
        if kind == _CS:
            n = len(self.files)
            self.current[data["scenario"]] = n
            self.files.append(data["span"]["file"])
            data["n"] = n
        return encode_record(data)

    def _step(self, event: Any, n: int) -> list[Any]:
        if event.kind == _SS:
            sp = event.span
            span: list[Any] = [sp.start, sp.end, sp.line, sp.col, sp.end_line, sp.end_col]
            if sp.file != self.files[n]:
                span.append(sp.file)
            row = ["s", n, event.path, event.action, event.text, span, event.phase, round(event.at, 3)]
            if event.chain:
                row.append([[f.flow, f.span.to_json()] for f in event.chain])
            return row
        row = ["f", n, event.path, event.status, round(event.duration, 4)]
        if event.failure is not None or event.artifacts or getattr(event, "message", None):
            data = json.loads(encode_record(event.to_json()))
            row.append({k: data[k] for k in ("failure", "artifacts", "message") if k in data})
        return row


def encode_event(event: Event) -> str:
    """One line for an event on its own (no numbering: the plain `to_json()` object)."""
    return encode_record(event.to_json())


class JsonlWriter:
    """A listener that streams events to `path` (gzip-compressed JSON lines by default).

    Use as `interpreter.listeners.append(JsonlWriter(out / "results.jsonl.gz"))` and
    call `close()` at the end (a `run_finished` event closes it too).
    """

    def __init__(self, path: str | Path, *, compress: bool = True) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file: IO[bytes] | None = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise ReportError(
                "PAN003", f"cannot write {self.path}: {exc.strerror or exc}", help="choose a writable output folder"
            ) from None
        self._compressor = zlib.compressobj(9, zlib.DEFLATED, 31) if compress else None
        self._encoder = Encoder()
        self.count = 0

    def __call__(self, event: Event) -> None:
        self.write_line(self._encoder.encode(event), flush=event.kind in _FLUSH_KINDS)
        if event.kind == RunFinished.kind:
            self.close()

    def write_line(self, line: str, *, flush: bool = False) -> None:
        """Append one already encoded line; `flush` makes everything so far durable in the file."""
        if self._file is None:
            return
        data = (line + "\n").encode("utf-8")
        if self._compressor is not None:
            data = self._compressor.compress(data)
            if flush:
                data += self._compressor.flush(zlib.Z_SYNC_FLUSH)
        self._file.write(data)
        self.count += 1
        if flush:
            self._file.flush()

    def close(self) -> None:
        """Finish the stream and fsync it; further events are ignored."""
        if self._file is None:
            return
        if self._compressor is not None:
            self._file.write(self._compressor.flush(zlib.Z_FINISH))
        self._file.flush()
        with contextlib.suppress(OSError):
            os.fsync(self._file.fileno())
        self._file.close()
        self._file = None

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_text(path: str | Path) -> str:
    """The decoded text of a results file, plain or gzip; a truncated compressed tail is dropped."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise ReportError("PAN001", f"{path} is a folder, not a results file") from None
    except OSError as exc:
        raise ReportError(
            "PAN001",
            f"cannot read {path}: {exc.strerror or exc}",
            help="pass the results.jsonl.gz written by `panoptic run` (or the folder holding it)",
        ) from None
    if raw.startswith(GZIP_MAGIC):
        inflater = zlib.decompressobj(31)
        try:
            data = inflater.decompress(raw)
        except zlib.error:
            data = _decompress_prefix(raw)
    else:
        data = raw
    return data.decode("utf-8", errors="replace")


def _decompress_prefix(raw: bytes) -> bytes:
    """Decompress as much of a damaged gzip stream as possible (chunk by chunk)."""
    inflater = zlib.decompressobj(31)
    out = []
    step = 1 << 14
    for start in range(0, len(raw), step):
        try:
            out.append(inflater.decompress(raw[start : start + step]))
        except zlib.error:
            break
    return b"".join(out)


def read_items(path: str | Path) -> list[Any]:
    """The parsed JSON value of every complete line, in order (objects and step arrays).

    A last line that does not parse (the run was killed while writing it) is
    dropped; a bad line anywhere else means the file is not a results file.
    """
    text = read_text(path)
    body = text.rstrip("\n")
    if body and "\n\n" not in body:
        try:  # the fast path: one parse of the whole stream
            return json.loads("[" + body.replace("\n", ",") + "]")  # shapes are checked by the readers
        except ValueError:
            pass
    lines = text.split("\n")
    items = []
    loads = json.loads
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            data = loads(line)
            if not _is_item(data):
                raise ValueError("not an event")
        except ValueError:
            if _is_tail(lines, number):
                break
            raise ReportError(
                "PAN001",
                f"{path}:{number + 1}: not a results file (line {number + 1} is not an event)",
                help="pass the results.jsonl.gz written by `panoptic run`",
            ) from None
        items.append(data)
    if not items and text.strip():
        raise ReportError("PAN001", f"{path}: not a results file (no events)", help="pass a results.jsonl.gz")
    return items


def _is_item(value: Any) -> bool:
    if isinstance(value, dict):
        return "kind" in value
    return isinstance(value, list) and len(value) >= 5 and value[0] in ("s", "f")


class Decoder:
    """Turns lines back into event records (dicts shaped like `Event.to_json()`).

    With `spans=True` the spans of step records are `Span` objects (the fast
    path of the report); otherwise they are JSON objects, as `event_from_json` wants.
    """

    def __init__(self, *, spans: bool = False) -> None:
        self.spans = spans
        self.attempts: dict[int, tuple[str, str]] = {}

    def decode(self, item: Any) -> dict[str, Any] | None:
        """The record of one line; None for a step line whose scenario line is missing."""
        if isinstance(item, dict):
            if item["kind"] == _CS and "n" in item:
                self.attempts[item["n"]] = (item["scenario"], item["span"]["file"])
            return item
        known = self.attempts.get(item[1])
        if known is None:
            return None
        scenario, file = known
        if item[0] == "s":
            sp = item[5]
            span_file = sp[6] if len(sp) > 6 else file
            if self.spans:
                span: Any = Span(span_file, sp[0], sp[1], sp[2], sp[3], sp[4], sp[5])
            else:
                span = {
                    "file": span_file, "start": sp[0], "end": sp[1], "line": sp[2],
                    "col": sp[3], "end_line": sp[4], "end_col": sp[5],
                }  # fmt: skip
            return {
                "kind": _SS,
                "scenario": scenario,
                "path": item[2],
                "action": item[3],
                "text": item[4],
                "span": span,
                "chain": [{"flow": f, "span": sp} for f, sp in item[8]] if len(item) > 8 else [],
                "phase": item[6],
                "at": item[7],
            }
        rec = {"kind": _SF, "scenario": scenario, "path": item[2], "status": item[3], "duration": item[4]}
        if len(item) > 5:
            rec.update(item[5])
        return rec


def read_records(path: str | Path, *, spans: bool = False) -> list[dict[str, Any]]:
    """Every event of a results file as a record shaped like `Event.to_json()` (see `Decoder`)."""
    decode = Decoder(spans=spans).decode
    out = []
    for number, item in enumerate(read_items(path), start=1):
        if not _is_item(item):
            raise ReportError("PAN001", f"{path}: not a results file (event {number} is not an event)")
        rec = decode(item)
        if rec is not None:
            out.append(rec)
    return out


def _is_tail(lines: list[str], number: int) -> bool:
    return all(not ln.strip() for ln in lines[number + 1 :])


def read_events(path: str | Path) -> list[Event]:
    """Every event of a results file; a truncated last line is dropped, unknown kinds are skipped."""
    events: list[Event] = []
    for number, data in enumerate(read_records(path), start=1):
        try:
            events.append(event_from_json(data))
        except KeyError:
            if data.get("kind") not in _known_kinds():
                continue  # an event kind from a newer version: skip it
            raise ReportError("PAN001", f"{path}: event {number} ({data.get('kind')}) lacks a field") from None
        except (TypeError, ValueError, AttributeError):
            raise ReportError("PAN001", f"{path}: event {number} ({data.get('kind')}) is malformed") from None
    return events


def _known_kinds() -> set[str]:
    from panoptic.runtime.events import EVENT_TYPES

    return set(EVENT_TYPES)
