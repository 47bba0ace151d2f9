"""Amazon S3 (and every S3-API server: moto, MinIO, Ceph, R2) through boto3.

Endpoint, region and credentials come from boto3's usual chain (environment
variables such as AWS_ENDPOINT_URL, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID,
AWS_PROFILE; shared files; instance roles); the URL's options override the
endpoint, region and profile. Small files go up in one `PutObject` with a
Content-MD5 the server verifies; files of `PART_SIZE` and more go up in parts
(S3's multipart upload), each with its own Content-MD5, continuing an
unfinished upload of the same file when there is one. `?sse=AES256` or `?sse=aws:kms[&kms_key=ID]` asks for
server-side encryption. botocore's own retries are off: the family retries
transient failures itself, with back-off, and says how many attempts it made.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from typing import Any

from panoptic.families.cloud.errors import (
    AccessDenied,
    BucketNotFound,
    CleanupIncomplete,
    CloudError,
    StorageUnreachable,
    TransferFailed,
)
from panoptic.families.cloud.storage.base import PART_SIZE, LocalFile, RemoteObject, Store, batched, need
from panoptic.families.cloud.urls import StorageURL

_AUTH_CODES = {
    "InvalidAccessKeyId": "the access key id is not known to the server",
    "SignatureDoesNotMatch": "the secret key does not match the access key id",
    "AccessDenied": "the credentials lack permission for this bucket",
    "ExpiredToken": "the session token has expired",
    "InvalidToken": "the session token is not valid",
    "AuthorizationHeaderMalformed": "the request's authorisation is malformed (wrong region?)",
    "403": "access to the bucket is denied",
    "Forbidden": "access to the bucket is denied",
}
_TRANSIENT_CODES = {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "503", "500", "502", "504"}
_CREDENTIAL_SOURCES = {
    "env": "environment variables (AWS_ACCESS_KEY_ID)",
    "shared-credentials-file": "the shared credentials file (~/.aws/credentials)",
    "config-file": "the AWS config file",
    "explicit": "explicit parameters",
    "assume-role": "an assumed role",
    "iam-role": "the instance's IAM role",
    "container-role": "the container's role",
    "sso": "AWS SSO",
}


class S3Store(Store):
    """A bucket and prefix on an S3-API server."""

    def __init__(self, url: StorageURL, *, workers: int = 16, timeout: float = 20.0) -> None:
        need("boto3")
        import boto3
        from botocore.config import Config

        self.url = url
        self.bucket = url.bucket
        self.prefix = url.prefix
        try:
            self.session = boto3.session.Session(profile_name=url.option("profile"))
        except Exception as exc:  # ProfileNotFound and friends
            raise AccessDenied(
                f"{url.display}: {exc}", help="check AWS_PROFILE or the URL's `profile` option"
            ) from None
        endpoint = url.option("endpoint")
        config = Config(
            retries={"max_attempts": 1, "mode": "standard"},
            connect_timeout=min(timeout, 5.0),
            read_timeout=timeout,
            max_pool_connections=max(10, workers + 4),
            s3={"addressing_style": "path" if endpoint or os.environ.get("AWS_ENDPOINT_URL") else "auto"},
        )
        region = url.option("region") or self.session.region_name or "us-east-1"
        self.client = self.session.client("s3", endpoint_url=endpoint, region_name=region, config=config)
        self.extra: dict[str, str] = {}
        sse = url.option("sse")
        if sse:
            self.extra["ServerSideEncryption"] = sse
            kms = url.option("kms_key")
            if kms:
                self.extra["SSEKMSKeyId"] = kms

    # --- keys ------------------------------------------------------------------------------------------------
    # --- errors ----------------------------------------------------------------------------------------------
    def _credential_source(self) -> str:
        try:
            creds = self.session.get_credentials()
        except Exception:
            return "an unreadable source"
        if creds is None:
            return "nowhere"
        return _CREDENTIAL_SOURCES.get(getattr(creds, "method", ""), getattr(creds, "method", "the boto3 chain"))

    def error(self, exc: BaseException, what: str) -> CloudError:
        """The CloudError for a boto3/botocore exception (transient ones as `StorageUnreachable`)."""
        from botocore import exceptions as bx

        where = self.url.display
        if isinstance(exc, CloudError):
            return exc
        if isinstance(exc, bx.NoCredentialsError):
            return AccessDenied(
                f"{where}: no AWS credentials were found",
                help="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or give the machine a role",
            )
        if isinstance(exc, (bx.PartialCredentialsError, bx.ProfileNotFound)):
            return AccessDenied(f"{where}: {exc}", help="complete the AWS credentials (the key is never printed)")
        if isinstance(
            exc, (bx.EndpointConnectionError, bx.ConnectionClosedError, bx.HTTPClientError, bx.ConnectionError)
        ):
            endpoint = self.client.meta.endpoint_url
            return StorageUnreachable(
                f"{where}: the server at {endpoint} did not answer while {what} ({type(exc).__name__})",
                help="check that the endpoint is up and reachable, then run the sync again: "
                "files already stored are skipped",
            )
        if isinstance(exc, bx.ClientError):
            err = exc.response.get("Error", {})
            code = str(err.get("Code", ""))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if code in ("NoSuchBucket", "404", "NotFound") and what.startswith("checking"):
                return BucketNotFound(
                    f"the bucket `{self.bucket}` does not exist at {self.client.meta.endpoint_url}",
                    help=f"create it first (aws s3 mb s3://{self.bucket}) or fix the bucket name",
                )
            if code == "NoSuchBucket":
                return BucketNotFound(f"the bucket `{self.bucket}` does not exist", help="create it or fix the name")
            if code in _AUTH_CODES or status == 403:
                reason = _AUTH_CODES.get(code, "access is denied")
                return AccessDenied(
                    f"{where}: {reason} ({code or status}) while {what}; credentials came from "
                    f"{self._credential_source()}",
                    help="check the access key id and secret key (the key is never printed), "
                    "the profile, and the bucket policy",
                )
            if code in _TRANSIENT_CODES or status >= 500:
                return StorageUnreachable(f"{where}: the server answered {code or status} while {what}")
            if code in ("BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch"):
                return TransferFailed(
                    f"{where}: the server received different bytes than were sent while {what} ({code})",
                    help="sync again; if it repeats, check the network path (a proxy rewriting bodies?)",
                )
            return TransferFailed(f"{where}: {code or status} while {what}: {err.get('Message', '')}".rstrip(": "))
        cause = exc.__cause__ or exc.__context__
        if cause is not None and cause is not exc and type(exc).__name__ == "S3UploadFailedError":
            return self.error(cause, what)
        if type(exc).__name__ == "S3UploadFailedError":
            text = str(exc)
            for code in _AUTH_CODES:
                if code in text:
                    return AccessDenied(f"{where}: {_AUTH_CODES[code]} ({code}) while {what}")
            if "NoSuchBucket" in text:
                return BucketNotFound(f"the bucket `{self.bucket}` does not exist", help="create it or fix the name")
            return StorageUnreachable(f"{where}: the upload failed while {what}: {text}")
        return TransferFailed(f"{where}: {type(exc).__name__} while {what}: {exc}")

    # --- the interface ---------------------------------------------------------------------------------------
    def probe(self, *, create: bool = False) -> None:
        what = f"checking the bucket `{self.bucket}`"
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except Exception as exc:
            error = self.error(exc, what)
            if not isinstance(error, AccessDenied):
                raise error from None
        # a HEAD answer has no body, so a refusal says only "403": ask again with a GET to learn why
        # (a policy may allow listing but not HEAD; then the bucket is usable)
        try:
            self.client.list_objects_v2(Bucket=self.bucket, MaxKeys=1)
        except Exception as exc:
            raise self.error(exc, what) from None

    def objects(self, under: str = "") -> Iterator[RemoteObject]:
        prefix = self._key(under) if under else (f"{self.prefix}/" if self.prefix else "")
        if under and not prefix.endswith("/"):
            prefix += "/"
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
            for page in pages:
                for item in page.get("Contents", ()):
                    yield RemoteObject(
                        self._relative(item["Key"]),
                        int(item["Size"]),
                        item["LastModified"].timestamp(),
                        str(item.get("ETag", "")).strip('"') or None,
                    )
        except CloudError:
            raise
        except Exception as exc:
            raise self.error(exc, "listing the bucket") from None

    def unchanged(self, remote: RemoteObject, local: LocalFile) -> bool:
        if remote.size != local.size or not remote.checksum:
            return False
        if remote.checksum in (local.md5_hex, local.multipart_etag()):
            return True
        if self.extra.get("ServerSideEncryption") == "aws:kms":  # KMS ETags are not MD5s: read our own metadata
            try:
                head = self.client.head_object(Bucket=self.bucket, Key=self._key(remote.key))
            except Exception as exc:
                raise self.error(exc, f"reading {remote.key}") from None
            return head.get("Metadata", {}).get("panoptic-md5") == local.md5_hex
        return False

    def upload(self, local: LocalFile, key: str, content_type: str | None = None) -> None:
        extra: dict[str, Any] = {**self.extra, "Metadata": {"panoptic-md5": local.md5_hex}}
        if content_type:
            extra["ContentType"] = content_type
        what = f"uploading {key}"
        try:
            if local.small:
                body = local.data()
                self.client.put_object(
                    Bucket=self.bucket, Key=self._key(key), Body=body, ContentMD5=local.md5_base64, **extra
                )
            else:
                self._upload_parts(local, key, extra)
                self._verify(local, key)
        except OSError as exc:
            if type(exc).__module__.startswith(("botocore", "urllib3")):
                raise self.error(exc, what) from None
            raise TransferFailed(f"cannot read {local.path}: {exc.strerror or exc}") from None
        except CloudError:
            raise
        except Exception as exc:
            raise self.error(exc, what) from None

    def _upload_parts(self, local: LocalFile, key: str, extra: dict[str, Any]) -> None:
        """A multipart upload that continues an unfinished one of the same file, part by part.

        Parts the server already holds with the local part's MD5 are not sent again, so a large
        video whose upload was cut off resumes where it stopped. (With SSE-KMS the part ETags are
        not MD5s: such uploads always start afresh.)
        """
        full = self._key(key)
        digests = local.part_digests
        upload_id, stored = self._unfinished(full, digests)
        if upload_id is None:
            upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=full, **extra)["UploadId"]
        parts = []
        with local.path.open("rb") as fh:
            for number, digest in enumerate(digests, start=1):
                etag = digest.hex()
                if stored.get(number) != etag:
                    fh.seek((number - 1) * PART_SIZE)
                    body = fh.read(PART_SIZE)
                    answer = self.client.upload_part(
                        Bucket=self.bucket, Key=full, UploadId=upload_id, PartNumber=number, Body=body,
                        ContentMD5=base64.b64encode(digest).decode("ascii"),
                    )  # fmt: skip
                    etag = str(answer.get("ETag", "")).strip('"')
                parts.append({"PartNumber": number, "ETag": f'"{etag}"'})
        self.client.complete_multipart_upload(
            Bucket=self.bucket, Key=full, UploadId=upload_id, MultipartUpload={"Parts": parts}
        )

    def _unfinished(self, full: str, digests: list[bytes]) -> tuple[str | None, dict[int, str]]:
        """An unfinished upload of this key whose parts so far match the file, and those parts' ETags."""
        if self.extra.get("ServerSideEncryption") == "aws:kms":
            return None, {}
        best: tuple[str | None, dict[int, str]] = (None, {})
        answer = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=full)
        for upload in answer.get("Uploads", ()):
            if upload.get("Key") != full:
                continue
            found: dict[int, str] = {}
            pages = self.client.get_paginator("list_parts").paginate(
                Bucket=self.bucket, Key=full, UploadId=upload["UploadId"]
            )
            for page in pages:
                for part in page.get("Parts", ()):
                    found[int(part["PartNumber"])] = str(part.get("ETag", "")).strip('"')
            if all(n <= len(digests) and etag == digests[n - 1].hex() for n, etag in found.items()):
                if len(found) >= len(best[1]):
                    best = (upload["UploadId"], found)
            else:  # an upload of an earlier version of the file: it can never be completed
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=full, UploadId=upload["UploadId"])
        return best

    def _verify(self, local: LocalFile, key: str) -> None:
        head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        etag = str(head.get("ETag", "")).strip('"')
        if int(head.get("ContentLength", -1)) != local.size or (
            self.extra.get("ServerSideEncryption") != "aws:kms" and etag not in (local.md5_hex, local.multipart_etag())
        ):
            raise TransferFailed(
                f"{self.url.display}: {key} was stored with a different checksum than the file has",
                help="sync again; the file may have changed while it was uploaded",
            )

    def abort_stale_uploads(self, cutoff: float, *, dry_run: bool = False) -> int:
        """Multipart uploads cut off mid-way (a sync that lost the server) keep their parts until aborted."""
        prefix = f"{self.prefix}/" if self.prefix else ""
        stale: list[tuple[str, str]] = []
        try:
            pages = self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=prefix)
            for page in pages:
                for upload in page.get("Uploads", ()):
                    if upload["Initiated"].timestamp() < cutoff:
                        stale.append((upload["Key"], upload["UploadId"]))
            if not dry_run:
                for key, upload_id in stale:
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except Exception as exc:
            raise self.error(exc, "aborting unfinished uploads") from None
        return len(stale)

    def read(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except Exception as exc:
            raise self.error(exc, f"reading {key}") from None

    def delete(self, keys: list[str]) -> None:
        for batch in batched(keys, 1000):
            try:
                answer = self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": [{"Key": self._key(k)} for k in batch], "Quiet": True}
                )
            except Exception as exc:
                raise self.error(exc, "deleting objects") from None
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise CleanupIncomplete(
                    f"{self.url.display}: {len(errors)} object(s) could not be deleted, "
                    f"e.g. {self._relative(first.get('Key', ''))}: {first.get('Code')} {first.get('Message', '')}".rstrip(),
                    help="check the credentials' s3:DeleteObject permission",
                )

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass
