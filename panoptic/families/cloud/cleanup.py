"""`panoptic cleanup URL --older-than 30d` and `cloud cleanup older than 30d`: retention that really deletes.

The unit of retention is a *run*: a top-level folder under the URL that holds
`results.jsonl.gz` (what `panoptic run` writes and `panoptic sync` stores). A
run is old when its newest file is older than the cutoff; old runs are deleted
whole, so no run is left half-deleted by age. In a bucket, a top-level folder
without results (a sync that never finished) is deleted too once all of it is
older than the cutoff, and counted apart as a partial upload. In a local folder
only run folders are ever touched: other files and folders stay.

In S3, multipart uploads left unfinished before the cutoff (a sync of a large
video that lost the server) are aborted too, which frees their parts.

`--dry-run` lists and counts exactly what a real cleanup would delete.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from panoptic.families.cloud.errors import BadArgument, CleanupIncomplete, CloudError
from panoptic.families.cloud.storage import open_store
from panoptic.families.cloud.storage.base import RemoteObject, RetryPolicy, Store, batched, with_retries
from panoptic.families.cloud.sync import RESULTS_NAMES, format_bytes
from panoptic.families.cloud.urls import StorageURL


@dataclass(frozen=True)
class Unit:
    """A top-level folder under the store's root: a run (it holds results) or a partial upload."""

    name: str
    objects: tuple[RemoteObject, ...]
    is_run: bool

    @property
    def newest(self) -> float:
        return max((o.modified for o in self.objects), default=0.0)

    @property
    def size(self) -> int:
        return sum(o.size for o in self.objects)


@dataclass(frozen=True)
class CleanupResult:
    """What a cleanup deleted (or, with `dry_run`, would delete)."""

    location: str
    cutoff: float
    dry_run: bool
    runs: tuple[str, ...]
    partial: tuple[str, ...]
    objects: int
    bytes: int
    kept: int
    kept_names: tuple[str, ...] = field(default=(), repr=False)
    aborted_uploads: int = 0  # unfinished multipart uploads older than the cutoff (S3)

    def summary(self) -> str:
        """One line with counts and bytes."""
        verb = "would delete" if self.dry_run else "deleted"
        partial = f" and {len(self.partial)} partial upload(s)" if self.partial else ""
        if self.aborted_uploads:
            partial += f" and {self.aborted_uploads} unfinished multipart upload(s)"
        return (
            f"{verb} {len(self.runs)} run(s){partial} from {self.location}: {self.objects} file(s), "
            f"{format_bytes(self.bytes)}; kept {self.kept} run(s)"
        )


def group_units(objects: Iterable[RemoteObject]) -> list[Unit]:
    """Objects grouped by their first path segment; loose top-level files are not runs and are left alone."""
    groups: dict[str, list[RemoteObject]] = {}
    for obj in objects:
        head, sep, _rest = obj.key.partition("/")
        if not sep:
            continue
        groups.setdefault(head, []).append(obj)
    units = []
    for name, objs in sorted(groups.items()):
        is_run = any(o.key == f"{name}/{results}" for o in objs for results in RESULTS_NAMES)
        units.append(Unit(name, tuple(objs), is_run))
    return units


def cleanup(
    url: str | StorageURL,
    older_than: float,
    *,
    dry_run: bool = False,
    keep: Iterable[str] = (),
    now: float | None = None,
    store: Store | None = None,
    base_dir: Path | None = None,
    attempts: int = 4,
    backoff: float = 0.25,
    on_delete: Callable[[Unit], None] | None = None,
) -> CleanupResult:
    """Delete the runs under `url` whose newest file is older than `older_than` seconds.

    `keep` names runs never to delete (the run in progress). Raises `CloudError`s; a cleanup that
    deleted some runs and failed on another raises `CleanupIncomplete` saying what was deleted.
    """
    if older_than <= 0:
        raise BadArgument("the retention must be longer than zero", help="give a duration like 30d")
    cutoff = (time.time() if now is None else now) - older_than
    own = store is None
    if store is None:
        store = open_store(url, base_dir=base_dir)
    keep_set = set(keep)
    retry = RetryPolicy(attempts, backoff)
    try:
        with_retries(lambda: store.probe(create=False), retry)
        units = with_retries(lambda: group_units(store.objects()), retry)
        local = store.url.scheme == "file"
        old_runs: list[Unit] = []
        partial: list[Unit] = []
        kept: list[str] = []
        for unit in units:
            if unit.name in keep_set or unit.newest >= cutoff:
                if unit.is_run:
                    kept.append(unit.name)
                continue
            if unit.is_run:
                old_runs.append(unit)
            elif not local:
                partial.append(unit)
        deleted_objects = deleted_bytes = 0
        deleted_names: list[str] = []
        for unit in (*old_runs, *partial):
            if not dry_run:
                try:
                    # the results file first: a run without results is no longer read by analytics
                    keys = sorted(
                        (o.key for o in unit.objects), key=lambda k: k.rsplit("/", 1)[-1] not in RESULTS_NAMES
                    )
                    for batch in batched(keys, 1000):
                        with_retries(functools.partial(store.delete, batch), retry)
                except CloudError as exc:
                    raise CleanupIncomplete(
                        f"{exc.message}; deleted {len(deleted_names)} run(s) ({deleted_objects} file(s), "
                        f"{format_bytes(deleted_bytes)}) before the failure",
                        help=exc.help or "run the cleanup again: it continues with what is left",
                    ) from None
                if on_delete is not None:
                    on_delete(unit)
            deleted_names.append(unit.name)
            deleted_objects += len(unit.objects)
            deleted_bytes += unit.size
        aborted = with_retries(functools.partial(store.abort_stale_uploads, cutoff, dry_run=dry_run), retry)
        return CleanupResult(
            store.display,
            cutoff,
            dry_run,
            tuple(u.name for u in old_runs),
            tuple(u.name for u in partial),
            deleted_objects,
            deleted_bytes,
            len(kept),
            tuple(kept),
            aborted,
        )
    finally:
        if own:
            store.close()
