"""Storage chosen by URL: a local folder (default), S3, Google Cloud Storage or Azure Blob Storage.

    store = open_store("s3://bucket/runs?region=eu-west-3")
    store.probe()
    for obj in store.objects(): ...

Provider modules (and their client libraries) are imported only when a URL
of theirs is opened.
"""

from __future__ import annotations

from pathlib import Path

from panoptic.families.cloud.errors import BadStorageURL
from panoptic.families.cloud.storage.base import LocalFile, RemoteObject, RetryPolicy, Store, with_retries
from panoptic.families.cloud.urls import StorageURL, parse_url


def resolve_url(text: str | StorageURL, base_dir: Path | None = None) -> StorageURL:
    """A parsed URL, or `BadStorageURL` (PAN933) with the first problem's message and help."""
    if isinstance(text, StorageURL):
        return text
    url, problems = parse_url(str(text), base_dir)
    if url is None:
        first = problems[0]
        raise BadStorageURL(f"{first.message} ({first.code})", help=first.help)
    return url


def open_store(
    url: str | StorageURL, *, base_dir: Path | None = None, workers: int = 16, timeout: float = 20.0
) -> Store:
    """The store a URL names (nothing is contacted until the first call)."""
    parsed = resolve_url(url, base_dir)
    if parsed.scheme == "file":
        from panoptic.families.cloud.storage.local import LocalStore

        return LocalStore(parsed)
    if parsed.scheme == "s3":
        from panoptic.families.cloud.storage.s3 import S3Store

        return S3Store(parsed, workers=workers, timeout=timeout)
    if parsed.scheme == "gs":
        from panoptic.families.cloud.storage.gcs import GCSStore

        return GCSStore(parsed, workers=workers, timeout=timeout)
    from panoptic.families.cloud.storage.azure import AzureStore

    return AzureStore(parsed, workers=workers, timeout=timeout)


__all__ = [
    "LocalFile",
    "RemoteObject",
    "RetryPolicy",
    "StorageURL",
    "Store",
    "open_store",
    "resolve_url",
    "with_retries",
]
