"""Google Cloud Storage through google-cloud-storage.

Credentials come from Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS,
`gcloud auth application-default login`, the metadata server); the project from
GOOGLE_CLOUD_PROJECT or the URL's `project` option. With STORAGE_EMULATOR_HOST
set (or the URL's `endpoint` option) the client talks to that server without
credentials, which is how the tests reach gcp-storage-emulator. Uploads carry
an MD5 the client checks against the stored object; files of `PART_SIZE` and
more go up as resumable uploads in parts. The library's own retries are off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from panoptic.families.cloud.errors import AccessDenied, BucketNotFound, CloudError, StorageUnreachable, TransferFailed
from panoptic.families.cloud.storage.base import PART_SIZE, LocalFile, RemoteObject, Store, need
from panoptic.families.cloud.urls import StorageURL


class GCSStore(Store):
    """A bucket and prefix on Google Cloud Storage (or its emulator)."""

    def __init__(self, url: StorageURL, *, workers: int = 16, timeout: float = 20.0) -> None:
        need("google.cloud.storage")
        from google.cloud import storage

        self.url = url
        self.prefix = url.prefix
        self.timeout = timeout
        endpoint = url.option("endpoint") or os.environ.get("STORAGE_EMULATOR_HOST")
        project = url.option("project") or os.environ.get("GOOGLE_CLOUD_PROJECT")
        try:
            if endpoint:
                from google.auth.credentials import AnonymousCredentials

                if "://" not in endpoint:
                    endpoint = f"http://{endpoint}"
                self.client = storage.Client(
                    project=project or "panoptic",
                    credentials=AnonymousCredentials(),
                    client_options={"api_endpoint": endpoint},
                )
            else:
                self.client = storage.Client(project=project)
        except Exception as exc:
            raise self.error(exc, "loading the credentials") from None
        self.endpoint = endpoint or "https://storage.googleapis.com"
        self.bucket = self.client.bucket(url.bucket)
        try:  # one HTTP connection per worker thread
            import requests.adapters

            adapter = requests.adapters.HTTPAdapter(pool_connections=workers + 4, pool_maxsize=workers + 4)
            self.client._http.mount("http://", adapter)
            self.client._http.mount("https://", adapter)
        except Exception:
            pass

    def error(self, exc: BaseException, what: str) -> CloudError:
        """The CloudError for a google-cloud-storage, google-auth or requests exception."""
        where = self.url.display
        if isinstance(exc, CloudError):
            return exc
        module = type(exc).__module__
        name = type(exc).__name__
        if module.startswith("google.auth"):
            if name in ("TransportError",):
                return StorageUnreachable(f"{where}: the credentials server did not answer while {what}")
            detail = " ".join(str(exc).split())[:300]
            return AccessDenied(
                f"{where}: no usable Google credentials while {what} ({name}: {detail})",
                help="set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run "
                "`gcloud auth application-default login` (the key is never printed)",
            )
        if module.startswith("google.api_core"):
            code = getattr(exc, "code", 0) or 0
            if name == "NotFound" and (what.startswith("checking") or "bucket" in str(exc).lower()):
                return BucketNotFound(
                    f"the bucket `{self.url.bucket}` does not exist at {self.endpoint}",
                    help=f"create it first (gcloud storage buckets create gs://{self.url.bucket}) or fix the name",
                )
            if code in (401, 403):
                return AccessDenied(
                    f"{where}: access denied ({code}) while {what}",
                    help="check the service account's roles on the bucket (the key is never printed)",
                )
            if code >= 500 or code == 429:
                return StorageUnreachable(f"{where}: the server answered {code} while {what}")
            return TransferFailed(f"{where}: {code} {name} while {what}")
        if module.startswith(("requests", "urllib3")) or isinstance(exc, (ConnectionError, TimeoutError)):
            return StorageUnreachable(
                f"{where}: the server at {self.endpoint} did not answer while {what} ({name})",
                help="check that the endpoint is up and reachable, then run the sync again: "
                "files already stored are skipped",
            )
        if name in ("DataCorruption",):
            return TransferFailed(f"{where}: the stored checksum differs from the file's while {what}")
        if name == "InvalidResponse":
            status = getattr(exc, "response", None)
            code = getattr(status, "status_code", 0) or 0
            if code >= 500:
                return StorageUnreachable(f"{where}: the server answered {code} while {what}")
            return TransferFailed(f"{where}: the server answered {code} while {what}")
        return TransferFailed(f"{where}: {name} while {what}: {exc}")

    def probe(self, *, create: bool = False) -> None:
        try:
            self.client.get_bucket(self.url.bucket, retry=None, timeout=self.timeout)
        except Exception as exc:
            raise self.error(exc, f"checking the bucket `{self.url.bucket}`") from None

    def objects(self, under: str = "") -> Iterator[RemoteObject]:
        prefix = (self._key(under) + "/") if under else (f"{self.prefix}/" if self.prefix else "")
        try:
            for blob in self.client.list_blobs(self.url.bucket, prefix=prefix, retry=None, timeout=self.timeout):
                updated = blob.updated or blob.time_created
                yield RemoteObject(
                    self._relative(blob.name),
                    int(blob.size or 0),
                    updated.timestamp() if updated else 0.0,
                    blob.md5_hash,
                )
        except CloudError:
            raise
        except Exception as exc:
            raise self.error(exc, "listing the bucket") from None

    def unchanged(self, remote: RemoteObject, local: LocalFile) -> bool:
        return remote.size == local.size and remote.checksum == local.md5_base64

    def upload(self, local: LocalFile, key: str, content_type: str | None = None) -> None:
        blob = self.bucket.blob(self._key(key), chunk_size=PART_SIZE if local.size >= PART_SIZE else None)
        blob.metadata = {"panoptic-md5": local.md5_hex}
        try:
            if local.small:
                blob.upload_from_string(
                    local.data(),
                    content_type=content_type or "application/octet-stream",
                    checksum="md5",
                    retry=None,
                    timeout=self.timeout,
                )
            else:
                blob.upload_from_filename(
                    str(local.path), content_type=content_type, checksum="md5", retry=None, timeout=self.timeout
                )
        except OSError as exc:
            if type(exc).__module__.startswith(("requests", "urllib3")) or isinstance(exc, ConnectionError):
                raise self.error(exc, f"uploading {key}") from None
            raise TransferFailed(f"cannot read {local.path}: {exc.strerror or exc}") from None
        except Exception as exc:
            raise self.error(exc, f"uploading {key}") from None
        if blob.md5_hash and blob.md5_hash != local.md5_base64:
            raise TransferFailed(
                f"{self.url.display}: {key} was stored with a different checksum than the file has",
                help="sync again; the file may have changed while it was uploaded",
            )

    def read(self, key: str) -> bytes:
        try:
            return self.bucket.blob(self._key(key)).download_as_bytes(retry=None, timeout=self.timeout)
        except Exception as exc:
            raise self.error(exc, f"reading {key}") from None

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            try:
                self.bucket.delete_blob(self._key(key), retry=None, timeout=self.timeout)
            except Exception as exc:
                if type(exc).__name__ == "NotFound":
                    continue
                raise self.error(exc, f"deleting {key}") from None

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass
