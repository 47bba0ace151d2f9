"""The one small storage interface every provider implements, and what it exchanges.

A `Store` is rooted at a URL's bucket and prefix; keys are relative to that
root and use `/`. Providers turn their exceptions into `CloudError`s; a
*transient* failure (connection refused or reset, a timeout, a 5xx answer) is
raised as `StorageUnreachable` so that `with_retries` can try again with
back-off.
"""

from __future__ import annotations

import base64
import hashlib
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from panoptic.families.cloud.errors import CloudError, StorageUnreachable
from panoptic.families.cloud.urls import StorageURL

T = TypeVar("T")
PART_SIZE = 8 * 1024 * 1024  # multipart threshold and part size for large files (videos)
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class RemoteObject:
    """One stored object: its key under the store's root, size, modification time and checksum."""

    key: str
    size: int
    modified: float  # seconds since the epoch
    checksum: str | None = None  # provider-specific; compared by `Store.unchanged`


@dataclass
class LocalFile:
    """A file to upload, with its checksums computed once, on first use."""

    path: Path
    size: int
    _md5: bytes | None = field(default=None, repr=False)
    _parts: list[bytes] | None = field(default=None, repr=False)
    _data: bytes | None = field(default=None, repr=False)

    @classmethod
    def of(cls, path: Path) -> LocalFile:
        return cls(path, path.stat().st_size)

    @property
    def small(self) -> bool:
        """Below the multipart threshold: read once into memory and sent in one request."""
        return self.size < PART_SIZE

    def data(self) -> bytes:
        """The content of a small file, read once: size and checksums describe exactly these bytes.

        A file that is still being written (the results of a running run) is sent as it was
        when it was read, never as a mix of two states.
        """
        if self._data is None:
            data = self.path.read_bytes()
            self._data = data
            self.size = len(data)
            digest = hashlib.md5(data, usedforsecurity=False).digest()
            self._md5 = digest
            self._parts = [digest]
        return self._data

    def _digest(self) -> None:
        if self.small:
            self.data()
            return
        whole = hashlib.md5(usedforsecurity=False)
        parts: list[bytes] = []
        part = hashlib.md5(usedforsecurity=False)
        in_part = 0
        with self.path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                whole.update(chunk)
                part.update(chunk)
                in_part += len(chunk)
                if in_part >= PART_SIZE:
                    parts.append(part.digest())
                    part = hashlib.md5(usedforsecurity=False)
                    in_part = 0
        if in_part or not parts:
            parts.append(part.digest())
        self._md5 = whole.digest()
        self._parts = parts

    @property
    def md5(self) -> bytes:
        """The MD5 digest of the whole file."""
        if self._md5 is None:
            self._digest()
        assert self._md5 is not None
        return self._md5

    @property
    def md5_hex(self) -> str:
        return self.md5.hex()

    @property
    def md5_base64(self) -> str:
        return base64.b64encode(self.md5).decode("ascii")

    @property
    def part_digests(self) -> list[bytes]:
        """The MD5 digest of each `PART_SIZE` part, in order (one part for a small file)."""
        if self._parts is None:
            self._digest()
        assert self._parts is not None
        return self._parts

    def multipart_etag(self) -> str:
        """The ETag S3 gives this file when it is uploaded in `PART_SIZE` parts."""
        if self._parts is None:
            self._digest()
        assert self._parts is not None
        joined = hashlib.md5(b"".join(self._parts), usedforsecurity=False).hexdigest()
        return f"{joined}-{len(self._parts)}"


class Store(ABC):
    """A bucket (or folder) and a prefix, behind one small interface."""

    prefix: str = ""  # the folder inside the bucket or container ("" for its root)

    def _key(self, key: str) -> str:
        """The object name of a key relative to the store's prefix."""
        return f"{self.prefix}/{key}" if self.prefix else key

    def _relative(self, key: str) -> str:
        """The key relative to the prefix of a full object name."""
        return key[len(self.prefix) + 1 :] if self.prefix else key

    url: StorageURL

    @property
    def display(self) -> str:
        """The store's URL for messages."""
        return self.url.display

    @abstractmethod
    def probe(self, *, create: bool = False) -> None:
        """Check that the bucket exists and the credentials work (create a local folder when `create`)."""

    @abstractmethod
    def objects(self, under: str = "") -> Iterator[RemoteObject]:
        """Every object whose key starts with `under` (a folder-like prefix, '' for all)."""

    @abstractmethod
    def upload(self, local: LocalFile, key: str, content_type: str | None = None) -> None:
        """Store a file at `key`, verifying its checksum on the way."""

    @abstractmethod
    def read(self, key: str) -> bytes:
        """The content of the object at `key`."""

    @abstractmethod
    def delete(self, keys: list[str]) -> None:
        """Delete objects; keys that are already gone are not an error."""

    def abort_stale_uploads(self, cutoff: float, *, dry_run: bool = False) -> int:
        """Abort unfinished multipart uploads begun before `cutoff` under the root; return how many.

        Stores without multipart uploads have none.
        """
        return 0

    def unchanged(self, remote: RemoteObject, local: LocalFile) -> bool:
        """Whether the stored object has the local file's content (by size, then checksum)."""
        return remote.size == local.size and remote.checksum is not None and remote.checksum == local.md5_hex

    def close(self) -> None:  # noqa: B027 - a store without connections has nothing to release
        """Release connections."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try an operation that meets a transient failure, and how long to wait in between."""

    attempts: int = 4
    backoff: float = 0.25  # seconds before the second attempt; doubled for each further one
    should_stop: Callable[[], bool] | None = None  # no more attempts once this says so (Ctrl-C)


def with_retries(action: Callable[[], T], policy: RetryPolicy, *, sleep: Callable[[float], None] = time.sleep) -> T:
    """Run `action`, retrying `StorageUnreachable` as `policy` says, with exponential back-off and jitter.

    The last failure is raised with the number of attempts in its message; other `CloudError`s
    (a missing bucket, refused credentials) are raised at once: retrying cannot help.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return action()
        except StorageUnreachable as exc:
            if attempt >= policy.attempts or (policy.should_stop is not None and policy.should_stop()):
                tries = "1 attempt" if attempt == 1 else f"{attempt} attempts"
                raise StorageUnreachable(f"{exc.message} (gave up after {tries})", help=exc.help) from None
            delay = policy.backoff * (2 ** (attempt - 1))
            sleep(delay * (0.5 + random.random() / 2))


def guess_type(name: str) -> str | None:
    """A content type for a results file, so that a report opened from the bucket renders."""
    import mimetypes

    if name.endswith(".jsonl.gz"):
        return "application/gzip"
    return mimetypes.guess_type(name)[0]


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of at most `size`."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def need(module: str, extra: str = "cloud") -> None:
    """Raise `MissingLibrary` naming the package to install when `module` cannot be imported."""
    import importlib.util

    from panoptic.families.cloud.errors import MissingLibrary

    if importlib.util.find_spec(module.split(".")[0]) is None:
        raise MissingLibrary(
            f"the `{module.split('.')[0]}` library is not installed",
            help=f'install it with `pip install "panoptic-lang[{extra}]"`',
        )


__all__ = [
    "PART_SIZE",
    "CloudError",
    "LocalFile",
    "RemoteObject",
    "RetryPolicy",
    "StorageUnreachable",
    "Store",
    "batched",
    "guess_type",
    "need",
    "with_retries",
]
