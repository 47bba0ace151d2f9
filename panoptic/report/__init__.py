"""Reports: `results.jsonl.gz` (streamed), `report.html` and `junit.xml`, re-rendered and merged offline.

writer = JsonlWriter(out / RESULTS_FILE)         # a listener: give it every event
...
write_reports(out / RESULTS_FILE, out)            # -> {"results": …, "html": …, "junit": …}

Report formats are chosen by name from one table (`panoptic.report.reporters`).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from pathlib import Path

from panoptic.report.errors import ReportError
from panoptic.report.jsonl import RESULTS_FILE, JsonlWriter, read_events, read_items, read_records
from panoptic.report.model import RunResult, build_model, build_model_from_records, merge_models
from panoptic.report.reporters import Reporter, resolve

RESULTS_NAMES = (RESULTS_FILE, "results.jsonl")

__all__ = [
    "RESULTS_FILE",
    "JsonlWriter",
    "ReportError",
    "Reporter",
    "RunResult",
    "build_model",
    "build_model_from_records",
    "merge_models",
    "read_events",
    "read_items",
    "read_records",
    "resolve_results",
    "write_model_reports",
    "write_reports",
]


def resolve_results(path: str | Path) -> Path:
    """The results file at `path`, or the one inside the folder `path`."""
    path = Path(path)
    if path.is_dir():
        for name in RESULTS_NAMES:
            if (path / name).is_file():
                return path / name
        raise ReportError(
            "PAN001", f"{path} holds no results.jsonl.gz", help="pass a results.jsonl.gz or the output folder of a run"
        )
    if not path.exists():
        raise ReportError(
            "PAN001", f"{path} does not exist", help="pass a results.jsonl.gz or the output folder of a run"
        )
    return path


def write_model_reports(
    model: RunResult, base_dir: Path, output_dir: Path, reporters: Sequence[Reporter] | None = None
) -> dict[str, Path]:
    """Write the file reports of a model whose artifact paths are relative to `base_dir`: {reporter name: path}.

    `reporters` are those chosen (`panoptic.report.reporters.resolve`); by default report.html and junit.xml.
    """
    chosen = [r for r in (reporters if reporters is not None else resolve(None)) if r.write is not None]
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        return {r.name: r.write(model, base_dir, output_dir) for r in chosen}  # type: ignore[misc]
    except OSError as exc:
        raise ReportError("PAN003", f"cannot write the report into {output_dir}: {exc.strerror or exc}") from None


def write_reports(
    results_jsonl: Path, output_dir: Path, reporters: Sequence[Reporter] | None = None
) -> dict[str, Path]:
    """Render the file reports (by default report.html and junit.xml) from a results file.

    Returns {"results": …, and a path per file reporter, e.g. "html", "junit"}.

    Artifact links stay valid when `output_dir` is not the results' folder.
    Raises ReportError (with a PAN0xx diagnostic) for missing, corrupt or unwritable files.
    """
    results = resolve_results(results_jsonl)
    with _bulk():
        try:
            model = build_model_from_records(read_items(results))
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            raise ReportError(
                "PAN001", f"{results}: not a results file (an event is malformed)", help="pass a results.jsonl.gz"
            ) from None
        if not model.runs and not model.scenarios:
            raise ReportError("PAN001", f"{results}: not a results file (no run or scenario events)")
        try:
            paths = write_model_reports(model, results.parent.resolve(), Path(output_dir).resolve(), reporters)
        except (ValueError, OverflowError, TypeError, RecursionError):  # a value no run writes (1e999, a deep list)
            raise ReportError(
                "PAN001", f"{results}: not a results file (a value is out of range)", help="pass a results.jsonl.gz"
            ) from None
        del model  # freed by reference counting before the collector is back on: no full collection
    return {"results": results, **paths}


@contextlib.contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of acyclic records are built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
