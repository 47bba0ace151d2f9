"""Azure Blob Storage through azure-storage-blob.

The account and credentials come from AZURE_STORAGE_CONNECTION_STRING, or from
the account (the URL's `account` option, an https://ACCOUNT.blob.core.windows.net
URL, or AZURE_STORAGE_ACCOUNT) with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN.
The URL's `endpoint` option names another server (Azurite:
http://127.0.0.1:10000/devstoreaccount1). Every request carries a Content-MD5
the service checks, and the whole file's MD5 is stored with the blob (which is
what `sync` compares); files of `PART_SIZE` and more go up in blocks. The
SDK's own retries are off.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from typing import Any

from panoptic.families.cloud.errors import AccessDenied, BucketNotFound, CloudError, StorageUnreachable, TransferFailed
from panoptic.families.cloud.storage.base import PART_SIZE, LocalFile, RemoteObject, Store, need
from panoptic.families.cloud.urls import StorageURL

_ACCOUNT_NAME = re.compile(r"(?:^|;)AccountName=([^;]+)", re.I)
_BLOB_ENDPOINT = re.compile(r"(?:^|;)BlobEndpoint=([^;]+)", re.I)


class AzureStore(Store):
    """A container and prefix on Azure Blob Storage (or Azurite)."""

    def __init__(self, url: StorageURL, *, workers: int = 16, timeout: float = 20.0) -> None:
        need("azure.storage.blob")
        from azure.storage.blob import BlobServiceClient

        self.url = url
        self.prefix = url.prefix
        kwargs: dict[str, Any] = {
            "retry_total": 0,
            "connection_timeout": min(timeout, 5.0),
            "read_timeout": timeout,
            "max_single_put_size": PART_SIZE,
            "max_block_size": 4 * 1024 * 1024,
        }
        conn = os.environ.get("AZURE_STORAGE_CONNECTION_STRING", "")
        account = url.option("account") or os.environ.get("AZURE_STORAGE_ACCOUNT")
        conn_account = _ACCOUNT_NAME.search(conn)
        self.source = "AZURE_STORAGE_CONNECTION_STRING"
        try:
            if (
                conn
                and (account is None or (conn_account and conn_account.group(1) == account))
                and not url.option("endpoint")
            ):
                service = BlobServiceClient.from_connection_string(conn, **kwargs)
                endpoint = _BLOB_ENDPOINT.search(conn)
                self.endpoint = endpoint.group(1) if endpoint else service.url
            else:
                if not account and not url.option("endpoint"):
                    raise AccessDenied(
                        f"{url.display}: no Azure storage account is named",
                        help="set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY, "
                        "or use an https://ACCOUNT.blob.core.windows.net/container URL",
                    )
                self.endpoint = url.option("endpoint") or f"https://{account}.blob.core.windows.net"
                key = os.environ.get("AZURE_STORAGE_KEY")
                sas = os.environ.get("AZURE_STORAGE_SAS_TOKEN")
                credential: Any = None
                if key:
                    name = account or self.endpoint.rstrip("/").rsplit("/", 1)[-1]
                    credential = {"account_name": name, "account_key": key}
                    self.source = "AZURE_STORAGE_KEY"
                elif sas:
                    credential = sas
                    self.source = "AZURE_STORAGE_SAS_TOKEN"
                else:
                    self.source = "no credentials (anonymous access)"
                service = BlobServiceClient(self.endpoint, credential=credential, **kwargs)
        except CloudError:
            raise
        except Exception as exc:
            raise AccessDenied(
                f"{url.display}: the Azure credentials cannot be used ({type(exc).__name__})",
                help="check AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_KEY (the key is never printed)",
            ) from None
        self.service = service
        self.container = service.get_container_client(url.bucket)

    def error(self, exc: BaseException, what: str) -> CloudError:
        """The CloudError for an azure-core exception."""
        from azure.core import exceptions as ax

        where = self.url.display
        if isinstance(exc, CloudError):
            return exc
        code = str(getattr(exc, "error_code", "") or "")
        status = getattr(exc, "status_code", 0) or 0
        if isinstance(exc, (ax.ServiceRequestError, ax.ServiceResponseError)):
            return StorageUnreachable(
                f"{where}: the server at {self.endpoint} did not answer while {what} ({type(exc).__name__})",
                help="check that the endpoint is up and reachable, then run the sync again: "
                "files already stored are skipped",
            )
        if code == "ContainerNotFound" or (isinstance(exc, ax.ResourceNotFoundError) and what.startswith("checking")):
            return BucketNotFound(
                f"the container `{self.url.bucket}` does not exist at {self.endpoint}",
                help=f"create it first (az storage container create -n {self.url.bucket}) or fix the name",
            )
        if isinstance(exc, ax.ClientAuthenticationError) or status in (401, 403):
            reason = {
                "AuthenticationFailed": "the account key or signature was refused",
                "AuthorizationFailure": "the credentials lack permission",
                "AuthorizationPermissionMismatch": "the credentials lack permission",
                "NoAuthenticationInformation": "the request carried no credentials",
            }.get(code, "access was denied")
            return AccessDenied(
                f"{where}: {reason} ({code or status}) while {what}; credentials came from {self.source}",
                help="check the account name and key or SAS token (the key is never printed)",
            )
        if status >= 500:
            return StorageUnreachable(f"{where}: the server answered {status} {code} while {what}".rstrip())
        if code in ("Md5Mismatch", "InvalidMd5"):
            return TransferFailed(f"{where}: the server received different bytes than were sent while {what}")
        return TransferFailed(f"{where}: {code or type(exc).__name__} while {what}")

    def probe(self, *, create: bool = False) -> None:
        try:
            self.container.get_container_properties()
        except Exception as exc:
            raise self.error(exc, f"checking the container `{self.url.bucket}`") from None

    def objects(self, under: str = "") -> Iterator[RemoteObject]:
        prefix = (self._key(under) + "/") if under else (f"{self.prefix}/" if self.prefix else "")
        try:
            for blob in self.container.list_blobs(name_starts_with=prefix or None):
                md5 = blob.content_settings.content_md5 if blob.content_settings else None
                yield RemoteObject(
                    self._relative(blob.name),
                    int(blob.size or 0),
                    blob.last_modified.timestamp() if blob.last_modified else 0.0,
                    base64.b64encode(bytes(md5)).decode("ascii") if md5 else None,
                )
        except CloudError:
            raise
        except Exception as exc:
            raise self.error(exc, "listing the container") from None

    def unchanged(self, remote: RemoteObject, local: LocalFile) -> bool:
        return remote.size == local.size and remote.checksum == local.md5_base64

    def upload(self, local: LocalFile, key: str, content_type: str | None = None) -> None:
        from azure.storage.blob import ContentSettings

        settings = ContentSettings(content_type=content_type, content_md5=bytearray(local.md5))
        try:
            if local.small:
                data = local.data()
                settings.content_md5 = bytearray(local.md5)
                self.container.upload_blob(
                    self._key(key), data, overwrite=True, content_settings=settings, validate_content=True
                )
            else:
                with local.path.open("rb") as fh:
                    self.container.upload_blob(
                        self._key(key),
                        fh,
                        length=local.size,
                        overwrite=True,
                        content_settings=settings,
                        validate_content=True,
                        max_concurrency=4,
                    )
        except OSError as exc:
            if type(exc).__module__.startswith(("azure", "requests", "urllib3")) or isinstance(exc, ConnectionError):
                raise self.error(exc, f"uploading {key}") from None
            raise TransferFailed(f"cannot read {local.path}: {exc.strerror or exc}") from None
        except Exception as exc:
            raise self.error(exc, f"uploading {key}") from None

    def read(self, key: str) -> bytes:
        try:
            return self.container.download_blob(self._key(key)).readall()
        except Exception as exc:
            raise self.error(exc, f"reading {key}") from None

    def delete(self, keys: list[str]) -> None:
        from azure.core.exceptions import ResourceNotFoundError

        for key in keys:
            try:
                self.container.delete_blob(self._key(key))
            except ResourceNotFoundError as exc:
                if getattr(exc, "error_code", "") == "ContainerNotFound":
                    raise self.error(exc, f"deleting {key}") from None
            except Exception as exc:
                raise self.error(exc, f"deleting {key}") from None

    def close(self) -> None:
        try:
            self.service.close()
        except Exception:
            pass
