"""The run's output folder: its name, the check that it is writable, and safe artifact names.

Layout of `<output>/` (default `panoptic-results/<run id>/`):

    results.jsonl.gz              the event stream (gzip JSON lines), written as the run goes
    artifacts/<NNN-scenario>/     one folder per scenario attempt (`-r2` for a second attempt)
        <name>.png, page.html, trace.zip, video.webm …
    .panoptic-run                 what the run left at the top of the folder (written when it finishes)

A run into a folder an earlier run used first removes what that run left (`clear_previous_run`): the
standard names below and the entries its `.panoptic-run` lists. A folder holding anything else is refused.
"""

from __future__ import annotations

import json
import os
import re
import secrets as _random
import shutil
import time
from pathlib import Path

DEFAULT_ROOT = "panoptic-results"
RUN_MANIFEST = ".panoptic-run"
# What any run may leave at the top of its folder (also an interrupted run, which writes no manifest).
RUN_OUTPUT_NAMES = frozenset(
    {"results.jsonl.gz", "results.jsonl", "report.html", "junit.xml", "artifacts", "state", "heal.json", RUN_MANIFEST}
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class OutputError(Exception):
    """The output folder cannot be used (PAN003)."""

    code = "PAN003"

    def __init__(self, message: str, help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.help = help


def new_run_id(now: float | None = None) -> str:
    """`20250101-120000-3fa2`: sortable by time, unique enough for parallel runs on one machine."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now if now is not None else time.time()))
    return f"{stamp}-{_random.token_hex(2)}"


def default_output_dir(run_id: str, root: str | Path = DEFAULT_ROOT) -> Path:
    return Path(root) / run_id


def prepare_output_dir(path: Path) -> Path:
    """Create the folder and prove it is writable (a probe file is written and removed). Raises OutputError."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"output folder {path} is a file", help="pass a folder with --output")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(
            f"cannot write the output folder {path}: {reason}",
            help="choose a writable folder with --output DIR",
        ) from None
    return path.resolve()


def record_run_output(path: Path) -> None:
    """Write `.panoptic-run`: the entries a finished run left at the top of its folder; never raises."""
    try:
        entries = sorted(e.name for e in Path(path).iterdir() if e.name != RUN_MANIFEST)
        (Path(path) / RUN_MANIFEST).write_text(json.dumps({"version": 1, "entries": entries}) + "\n", "utf-8")
    except OSError:
        pass


def _recorded(path: Path) -> set[str]:
    try:
        data = json.loads((path / RUN_MANIFEST).read_text(encoding="utf-8"))
        entries = data.get("entries", []) if isinstance(data, dict) else []
    except (OSError, ValueError):
        return set()
    return {e for e in entries if isinstance(e, str) and e and "/" not in e and e not in (".", "..")}


def clear_previous_run(path: Path) -> None:
    """Remove what an earlier run left in `path`, so a run replaces it; OutputError (PAN003), before removing
    anything, when the folder holds entries no run wrote."""
    path = Path(path)
    if not path.is_dir():
        return
    ours = RUN_OUTPUT_NAMES | _recorded(path)
    present = [e for e in path.iterdir() if not e.name.startswith(".write-test-")]
    other = sorted(e.name for e in present if e.name not in ours)
    if other:
        shown = ", ".join(other[:5]) + (f" and {len(other) - 5} more" if len(other) > 5 else "")
        raise OutputError(
            f"output folder {path} holds files that are not a Panoptic run's output: {shown}",
            help="choose an empty folder (or one an earlier run wrote) with --output DIR; "
            "a run replaces only what an earlier run left there",
        )
    try:
        for entry in present:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    except OSError as exc:
        raise OutputError(
            f"cannot replace the earlier run's output in {path}: {exc.strerror or exc}",
            help="choose a writable folder with --output DIR",
        ) from None


def safe_name(name: str, default: str = "artifact", max_length: int = 80) -> str:
    """A file-name component made from user text: no separators, no leading dots, never empty.

    `"../../etc/passwd"` becomes `"etc-passwd"`; `"Cart: 1 item"` becomes `"Cart-1-item"`.
    """
    cleaned = _UNSAFE.sub("-", name).strip(".-")
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    return cleaned[:max_length].rstrip(".-") or default


def scenario_folder(output_dir: Path, index: int, title: str, attempt: int) -> Path:
    """The artifacts folder of one scenario attempt (two levels under the output folder)."""
    suffix = "" if attempt == 1 else f"-r{attempt}"
    return Path(output_dir) / "artifacts" / f"{index + 1:03d}-{safe_name(title, 'scenario', 60)}{suffix}"


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path` resolves to somewhere inside `folder`."""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True
