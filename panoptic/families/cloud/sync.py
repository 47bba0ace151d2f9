"""`panoptic sync RESULTS URL` and `cloud sync to URL`: upload a run's results, reports and artifacts.

Layout: a results folder holding `results.jsonl.gz` is one run, stored under
`URL/<folder name>/`; a folder whose subfolders hold runs (`panoptic-results/`)
stores each of them the same way. Within a run the files keep their relative
paths, so `report.html` opened from the bucket (or a copy of it) finds its
screenshots and videos.

The sync lists what the store already holds under the run once, then uploads
concurrently every file whose size or checksum differs: a second sync of an
unchanged folder uploads nothing, and a sync that stopped half-way (network
loss, Ctrl-C) resumes where it was on the next call. A run's
`results.jsonl.gz` is uploaded last, after every other file of the run: a
stored run with results is complete, which is what `panoptic analytics` reads.
Transient failures are retried with exponential back-off; when the store stays
unreachable the sync stops scheduling uploads and raises one error that says
how far it got. Local files are only ever read.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from panoptic.families.cloud.errors import BadArgument, CloudError, NoResults, StorageUnreachable, TransferFailed
from panoptic.families.cloud.storage import open_store
from panoptic.families.cloud.storage.base import LocalFile, RemoteObject, RetryPolicy, Store, guess_type, with_retries
from panoptic.families.cloud.urls import StorageURL

RESULTS_NAMES = ("results.jsonl.gz", "results.jsonl")
MARKER = "results.jsonl.gz"


@dataclass(frozen=True)
class Progress:
    """How far a sync is: files and bytes handled (uploaded or skipped) out of the total."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    uploaded: int
    skipped: int


@dataclass(frozen=True)
class SyncResult:
    """What a sync did."""

    destination: str
    runs: tuple[str, ...]
    uploaded: int
    skipped: int
    bytes_uploaded: int
    bytes_total: int
    duration: float

    @property
    def files(self) -> int:
        return self.uploaded + self.skipped

    def summary(self) -> str:
        """One line: what was uploaded and skipped, where, how fast."""
        runs = self.runs[0] if len(self.runs) == 1 else f"{len(self.runs)} runs"
        return (
            f"synced {runs} to {self.destination}: {self.uploaded} uploaded ({format_bytes(self.bytes_uploaded)}), "
            f"{self.skipped} unchanged, in {self.duration:.1f}s"
        )


def format_bytes(size: float) -> str:
    """`532 B`, `1.2 KB`, `3.4 MB`, `1.0 GB` (powers of 1024)."""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"  # pragma: no cover - the loop returns


def find_runs(results: Path) -> list[tuple[str, Path]]:
    """The runs under `results`: the folder itself when it holds results, else its subfolders that do."""
    if not results.is_dir():
        raise NoResults(f"{results} is not a folder", help="give the output folder of `panoptic run`")
    if any((results / name).is_file() for name in RESULTS_NAMES):
        return [(results.resolve().name, results)]
    runs = sorted(
        (child.name, child)
        for child in results.iterdir()
        if child.is_dir() and any((child / name).is_file() for name in RESULTS_NAMES)
    )
    if not runs:
        raise NoResults(
            f"{results} holds no results.jsonl.gz (nor do its subfolders)",
            help="give the output folder of `panoptic run`, or the folder of several runs",
        )
    return runs


def _files(run: Path) -> list[tuple[str, Path]]:
    out: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(run):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".panoptic"))
        for name in sorted(filenames):
            if name.startswith(".panoptic"):  # bookkeeping (pending syncs, temporary copies), not results
                continue
            path = Path(dirpath) / name
            if path.is_file():
                out.append((path.relative_to(run).as_posix(), path))
    # the results file last: a stored run with results is a complete run
    out.sort(key=lambda item: item[0] == MARKER)
    return out


def _refuse_own_folder(store: Store, runs: list[tuple[str, Path]]) -> None:
    """A local destination inside a run, or one that is the run itself, would copy the run into itself."""
    if store.url.scheme != "file":
        return
    dest = Path(store.url.path).resolve()
    for name, folder in runs:
        source = folder.resolve()
        if dest == source or source in dest.parents or (dest / name) == source:
            raise BadArgument(
                f"{dest} is inside or is the results folder {source}",
                help="sync to a folder outside the run's output folder",
            )


def _stored_under(store: Store, name: str) -> dict[str, RemoteObject]:
    return {o.key: o for o in store.objects(name)}


class _Tally:
    def __init__(self, files_total: int, bytes_total: int, progress: Callable[[Progress], None] | None) -> None:
        self.lock = threading.Lock()
        self.files_total = files_total
        self.bytes_total = bytes_total
        self.files_done = self.bytes_done = self.uploaded = self.skipped = self.bytes_uploaded = 0
        self.progress = progress

    def add(self, size: int, uploaded: bool) -> None:
        with self.lock:
            self.files_done += 1
            self.bytes_done += size
            if uploaded:
                self.uploaded += 1
                self.bytes_uploaded += size
            else:
                self.skipped += 1
            snapshot = Progress(
                self.files_done, self.files_total, self.bytes_done, self.bytes_total, self.uploaded, self.skipped
            )
        if self.progress is not None:
            self.progress(snapshot)


def sync_results(
    results: Path,
    url: str | StorageURL,
    *,
    store: Store | None = None,
    workers: int = 16,
    attempts: int = 4,
    backoff: float = 0.25,
    progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    base_dir: Path | None = None,
) -> SyncResult:
    """Upload the run(s) in `results` to `url`; see the module docstring. Raises `CloudError`s."""
    started = time.perf_counter()
    runs = find_runs(results)
    own = store is None
    if store is None:
        store = open_store(url, base_dir=base_dir, workers=workers)
    try:
        _refuse_own_folder(store, runs)
        retry = RetryPolicy(attempts, backoff, should_stop)
        with_retries(lambda: store.probe(create=True), retry)
        plans: list[tuple[str, list[tuple[str, Path]], dict[str, RemoteObject]]] = []
        for name, folder in runs:
            stored = with_retries(partial(_stored_under, store, name), retry)
            plans.append((name, _files(folder), stored))
        locals_: dict[Path, LocalFile] = {}
        bytes_total = 0
        for _name, files, _stored in plans:
            for _key, path in files:
                try:
                    local = locals_[path] = LocalFile.of(path)
                except OSError:
                    continue  # a file removed since the walk (a temporary file of a running run)
                bytes_total += local.size
        tally = _Tally(len(locals_), bytes_total, progress)
        failed = threading.Event()

        def one(key: str, local: LocalFile, stored: RemoteObject | None) -> None:
            if failed.is_set() or (should_stop is not None and should_stop()):
                return
            if stored is not None and store.unchanged(stored, local):
                tally.add(local.size, uploaded=False)
                return
            with_retries(lambda: store.upload(local, key, guess_type(key)), retry)
            tally.add(local.size, uploaded=True)

        def run_all(jobs: list[tuple[str, LocalFile, RemoteObject | None]]) -> None:
            if not jobs:
                return
            pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs))))
            try:
                futures = [pool.submit(one, *job) for job in jobs]
                done, _pending = wait(futures, return_when=FIRST_EXCEPTION)
                error = next((f.exception() for f in done if f.exception() is not None), None)
                if error is not None:
                    raise error
            except BaseException:  # a failure or Ctrl-C: start nothing more, let the uploads in flight end
                failed.set()
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)

        try:
            for name, files, stored in plans:
                body: list[tuple[str, LocalFile, RemoteObject | None]] = []
                markers: list[tuple[str, LocalFile, RemoteObject | None]] = []
                for rel, path in files:
                    found = locals_.get(path)
                    if found is None:
                        continue
                    key = f"{name}/{rel}"
                    (markers if rel == MARKER else body).append((key, found, stored.get(key)))
                run_all(body)
                if should_stop is not None and should_stop():
                    break
                run_all(markers)
        except CloudError as exc:
            done_note = (
                f"; {tally.uploaded} of {tally.files_total} files uploaded, {tally.skipped} already there: "
                "the next sync uploads the rest"
            )
            raise type(exc)(exc.message + done_note, help=exc.help) from None
        except OSError as exc:
            raise StorageUnreachable(f"{store.display}: {exc}") from None
        if tally.files_done < tally.files_total:  # stopped by `should_stop` (the run is being interrupted)
            raise TransferFailed(
                f"{store.display}: the sync was interrupted; {tally.uploaded} of {tally.files_total} files uploaded, "
                f"{tally.skipped} already there",
                help="run `panoptic sync` again: it uploads the rest",
            )
        return SyncResult(
            store.display,
            tuple(name for name, _ in runs),
            tally.uploaded,
            tally.skipped,
            tally.bytes_uploaded,
            bytes_total,
            time.perf_counter() - started,
        )
    finally:
        if own:
            store.close()
