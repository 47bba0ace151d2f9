"""`panoptic merge`: join the results of several runs (shards) into one results folder.

Each input's events are copied into one merged `results.jsonl.gz`; when two
shards ran the same scenario, the result that finished later is kept and a
note says so. Artifacts are linked (or copied) into the output folder under
the same relative path, or under `shard-N/` when two shards wrote different
files at the same path, and the events are rewritten to point at them. The
shards' self-healing records (`heal.json`) are joined into one, so
`panoptic heal --apply` works on the merged folder as on a single run.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panoptic.contract.healing import HEAL_FILE, read_heal_file, write_heal_file
from panoptic.report.errors import ReportError
from panoptic.report.jsonl import RESULTS_FILE, JsonlWriter, encode_event, read_events
from panoptic.report.model import RunResult, build_model
from panoptic.runtime.events import (
    Artifact,
    Event,
    ScenarioFinished,
    ScenarioStarted,
    StepFinished,
    StepStarted,
)

_SCENARIO_KINDS = (ScenarioStarted.kind, StepStarted.kind, StepFinished.kind, ScenarioFinished.kind)


@dataclass(frozen=True)
class Shard:
    """One input of a merge: its results file, its folder (artifact base) and its events."""

    path: Path
    base: Path
    events: tuple[Event, ...]
    model: RunResult


def _load(path: Path) -> Shard:
    from panoptic.report import resolve_results

    file = resolve_results(path)
    events = tuple(read_events(file))
    return Shard(file, file.parent, events, build_model(events))


def _choose(shards: list[Shard]) -> tuple[dict[str, int], list[str]]:
    """For each scenario id the index of the shard whose result is kept, and notes on duplicates."""
    chosen: dict[str, int] = {}
    ends: dict[str, float] = {}
    notes: list[str] = []
    for index, shard in enumerate(shards):
        for sc in shard.model.scenarios:
            if sc.id in chosen:
                old = chosen[sc.id]
                later = sc.finished_at >= ends[sc.id]
                kept = index if later else old
                notes.append(
                    f"scenario {sc.id!r} is in {shards[old].path} and {shard.path}; "
                    f"the later result (from {shards[kept].path}) is kept"
                )
                if not later:
                    continue
            chosen[sc.id] = index
            ends[sc.id] = sc.finished_at
    return chosen, notes


def _place(src: Path, dest: Path) -> bool:
    """Link or copy one artifact; False when the source is missing."""
    if not src.is_file():
        return False
    if dest.exists():
        try:
            if os.path.samefile(src, dest):
                return True
        except OSError:
            pass
        dest.unlink()
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)
    return True


def _inside(folder: Path, path: Path, *, existing_parent: bool = False) -> bool:
    """Whether `path` stays inside `folder` once `..` and links are resolved (its parent only, for a new file)."""
    root = folder.resolve()
    target = Path(os.path.normpath(path))
    try:
        real = target.parent.resolve() / target.name if existing_parent else target.resolve()
    except (OSError, RuntimeError, ValueError):
        return False
    return real != root and root in real.parents


class _Artifacts:
    """Decides where each shard's artifacts go in the output folder and puts them there."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.claimed: dict[str, Path] = {}  # output-relative path -> source file
        self.mapped: dict[tuple[int, str], str] = {}
        self.missing = 0
        self.refused = 0  # artifact paths that point out of their shard's folder

    def map(self, index: int, shard: Shard, art: Artifact) -> Artifact:
        key = (index, art.path)
        if key not in self.mapped and not _inside(shard.base, shard.base / art.path):
            # `../victim.txt`, `/etc/passwd` or a link out of the shard: never read it, never write beside the output
            self.refused += 1
            self.mapped[key] = art.path
            return art
        if key not in self.mapped:
            src = (shard.base / art.path).resolve()
            rel = art.path
            owner = self.claimed.get(rel)
            if owner is not None and owner != src:
                rel = f"shard-{index + 1}/{art.path}"
            self.claimed[rel] = src
            try:
                if not _inside(self.output, self.output / rel, existing_parent=True):
                    raise ReportError(
                        "PAN003", f"artifact {rel} would be written outside {self.output}", help="remove the link"
                    )
                placed = _place(src, self.output / rel)
            except OSError as exc:
                raise ReportError(
                    "PAN003", f"cannot write artifact {self.output / rel}: {exc.strerror or exc}"
                ) from None
            if not placed:
                self.missing += 1
            self.mapped[key] = rel
        rel = self.mapped[key]
        return art if rel == art.path else dataclasses.replace(art, path=rel)


def _rewrite(event: Event, index: int, shard: Shard, arts: _Artifacts) -> Event:
    if isinstance(event, (StepFinished, ScenarioFinished)) and event.artifacts:
        return dataclasses.replace(event, artifacts=tuple(arts.map(index, shard, a) for a in event.artifacts))
    return event


def _join_healings(shards: list[Shard], output: Path, notes: list[str]) -> None:
    """Write the healings of every shard (their `heal.json`, duplicates once) to the output's `heal.json`."""
    healings: list[dict[str, Any]] = []
    for shard in shards:
        path = shard.base / HEAL_FILE
        try:
            found = read_heal_file(path)
        except (OSError, ValueError) as exc:
            notes.append(f"{path} could not be read ({exc}); its healings are not in the merged {HEAL_FILE}")
            continue
        healings.extend(h for h in found if h not in healings)
    if healings:
        write_heal_file(output / HEAL_FILE, healings)


def merge_results(inputs: list[Path], output: Path) -> tuple[RunResult, dict[str, Path]]:
    """Merge several results files (or folders holding one) into `output`; return the model and written paths."""
    from panoptic.report import write_model_reports

    if not inputs:
        raise ReportError("PAN002", "no results to merge", help="pass two or more results.jsonl.gz files or folders")
    from panoptic.report import resolve_results

    files: list[Path] = []
    notes: list[str] = []
    for p in inputs:
        file = resolve_results(p).resolve()
        if file in files:
            notes.append(f"{p} was given twice; it is merged once")
            continue
        files.append(file)
    shards = [_load(file) for file in files]
    chosen, duplicate_notes = _choose(shards)
    notes.extend(duplicate_notes)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError("PAN003", f"cannot create {output}: {exc.strerror or exc}") from None
    arts = _Artifacts(output)
    merged: list[Event] = []
    for index, shard in enumerate(shards):
        for event in shard.events:
            if event.kind in _SCENARIO_KINDS and chosen.get(event.scenario) != index:  # type: ignore[attr-defined]
                continue
            merged.append(_rewrite(event, index, shard, arts))
    results = output / RESULTS_FILE
    tmp = output / (RESULTS_FILE + ".tmp")
    writer = JsonlWriter(tmp)
    for event in merged:
        writer.write_line(encode_event(event))
    writer.close()
    os.replace(tmp, results)
    if arts.refused:
        notes.append(
            f"{arts.refused} artifact path(s) pointed outside their results folder; they were not read or copied"
        )
    if arts.missing:
        notes.append(f"{arts.missing} artifact file(s) named in the results were missing and are not in the report")
    try:
        _join_healings(shards, output, notes)
    except OSError as exc:
        raise ReportError("PAN003", f"cannot write {output / HEAL_FILE}: {exc.strerror or exc}") from None
    model = build_model(merged)
    model = dataclasses.replace(model, notes=(*model.notes, *notes))
    paths = write_model_reports(model, output, output)
    return model, {"results": results, **paths}
