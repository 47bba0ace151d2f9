"""`panoptic heal --apply RESULTS`: write the targets a run healed into its `.pan` files.

`heal.json` in a run's output folder lists each healing with the file, the span of the old target
(offsets, line and column), the text that was there during the run, and the new target in Panoptic
syntax. Per file, the old texts are replaced from the end of the file backwards, the result is printed
by the formatter (`panoptic.fmt.format_text`, so it parses and is canonical), and only then written.
A place whose text changed since the run is skipped and reported, never guessed.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panoptic.contract.healing import HEAL_FILE


class ApplyError(Exception):
    """Nothing can be applied (PAN926): no heal.json, or an unreadable one."""


@dataclass
class FileChange:
    """What applying does to one file."""

    path: Path
    before: str
    after: str = ""
    applied: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    error: str | None = None

    def diff(self) -> str:
        try:
            shown = self.path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            shown = self.path.as_posix().lstrip("/")
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True), self.after.splitlines(keepends=True), f"a/{shown}", f"b/{shown}"
            )
        )


def read_healings(results: Path) -> list[dict[str, Any]]:
    """The healings of a run (its output folder or its heal.json)."""
    path = results if results.is_file() else results / HEAL_FILE
    if not path.is_file():
        raise ApplyError(f"no {HEAL_FILE} in {results}: no step of that run was healed")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ApplyError(f"cannot read {path}: {exc}") from None
    healings = data.get("healings") if isinstance(data, dict) else None
    if not isinstance(healings, list):
        raise ApplyError(f"{path} lists no healings")
    return [h for h in healings if isinstance(h, dict)]


def _file_of(entry: dict[str, Any], base: Path) -> Path:
    path = Path(str(entry.get("path") or ""))
    if path.is_absolute() and path.is_file():
        return path
    return (base / str(entry.get("file") or "")).resolve()


def plan(healings: list[dict[str, Any]], base: Path | None = None) -> list[FileChange]:
    """The change of each file (nothing written): replacements at the recorded spans, then the formatter."""
    from panoptic.fmt import format_text

    base = base or Path.cwd()
    by_file: dict[Path, list[dict[str, Any]]] = {}
    for entry in healings:
        by_file.setdefault(_file_of(entry, base), []).append(entry)
    changes = []
    for path, entries in by_file.items():
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            change = FileChange(path, "")
            change.error = f"cannot read {path}: {exc.strerror or exc}"
            changes.append(change)
            continue
        change = FileChange(path, text)
        done: set[tuple[int, int]] = set()
        new = text
        for entry in sorted(entries, key=lambda e: int(e.get("start", 0)), reverse=True):
            start, end = int(entry.get("start", -1)), int(entry.get("end", -1))
            where = f"{entry.get('file')}:{entry.get('line')}:{entry.get('col')}"
            if (start, end) in done:
                continue
            if not (0 <= start <= end <= len(text)) or text[start:end] != entry.get("source"):
                change.skipped.append(f"{where}: the file changed there since the run (expected {entry.get('source')})")
                continue
            done.add((start, end))
            new = new[:start] + str(entry["new"]) + new[end:]
            change.applied.append(entry)
        try:
            change.after = format_text(new, str(path)) if change.applied else text
        except Exception as exc:
            change.error = f"{path} would not parse after the change: {getattr(exc, 'message', None) or exc}"
            change.after = text
        changes.append(change)
    return changes


def write(changes: list[FileChange]) -> None:
    """Write each planned file that changed and has no error."""
    for change in changes:
        if change.error is None and change.applied and change.after != change.before:
            change.path.write_text(change.after, encoding="utf-8")
