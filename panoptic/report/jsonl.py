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
  scenario's) and `["f", n, path, status, duration(, {failure, artifacts, message, values})]`
  for `step_finished`.
Clock times are kept to the millisecond, durations to a tenth of one.

The lines are encoded and decoded by `panoptic.runtime.codec` (the one codec
of the event wire format); this module does the file: gzip, flushing, reading.
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
from panoptic.runtime.codec import (
    Decoder,
    Encoder,
    encode_event,
    encode_record,
    event_from_json,
    is_item,
)
from panoptic.runtime.events import Event, RunFinished, ScenarioFinished

GZIP_MAGIC = b"\x1f\x8b"
FORMAT_VERSION = 1
_FLUSH_KINDS = (ScenarioFinished.kind, RunFinished.kind)

RESULTS_FILE = "results.jsonl.gz"  # the name `panoptic run` and `panoptic merge` write
MAX_INFLATED = 1 << 28  # a results file inflating to more (256 MB) is refused: a gzip bomb, not a run

__all__ = ["RESULTS_FILE", "Decoder", "Encoder", "JsonlWriter", "encode_event", "encode_record", "read_events"]


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
        self.error: OSError | None = None  # set when closing failed (e.g. no space left); the caller reports it

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
        try:
            if self._compressor is not None:
                self._file.write(self._compressor.flush(zlib.Z_FINISH))
            self._file.flush()
            with contextlib.suppress(OSError):
                os.fsync(self._file.fileno())
        except OSError as exc:  # the disk is full: what was flushed before stays readable (see `read_text`)
            self.error = exc
        finally:
            with contextlib.suppress(OSError):
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
        if path.exists() and not path.is_file() and not path.is_dir():  # a pipe or device: reading could block
            raise ReportError("PAN001", f"{path} is not a regular file", help="pass a results.jsonl.gz")
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
            data = inflater.decompress(raw, MAX_INFLATED + 1)
        except zlib.error:
            data = _decompress_prefix(raw)
        if len(data) > MAX_INFLATED:  # a gzip bomb must not take the machine's memory
            raise ReportError(
                "PAN001",
                f"{path} inflates to more than {MAX_INFLATED >> 20} MB: not a results file of a run",
                help="pass the results.jsonl.gz written by `panoptic run`",
            )
    else:
        data = raw
    return data.decode("utf-8", errors="replace")


def _decompress_prefix(raw: bytes) -> bytes:
    """Decompress as much of a damaged gzip stream as possible (chunk by chunk)."""
    inflater = zlib.decompressobj(31)
    out = []
    size = 0
    step = 1 << 14
    for start in range(0, len(raw), step):
        try:
            out.append(inflater.decompress(raw[start : start + step], MAX_INFLATED + 1))
        except zlib.error:
            break
        size += len(out[-1])
        if size > MAX_INFLATED or inflater.unconsumed_tail:
            return b"".join(out) + b"\0" * (MAX_INFLATED + 1)  # over the cap: refused by the caller
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
            return json.loads("[" + body.replace("\n", ",") + "]", parse_constant=_no_constant)  # shapes: readers
        except (ValueError, RecursionError):
            pass
    lines = text.split("\n")
    items = []

    def loads(line: str) -> Any:
        return json.loads(line, parse_constant=_no_constant)

    for number, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            data = loads(line)
            if not _is_item(data):
                raise ValueError("not an event")
        except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
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


_is_item = is_item


def _no_constant(name: str) -> Any:
    """`NaN` and `Infinity` are not JSON and no run writes them: a line holding one is not an event."""
    raise ValueError(f"{name} is not a number a run writes")


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
