"""Run-time failures of the cloud family (PAN930–PAN939) and the scrubbing of secrets from messages.

Every storage provider turns its own exceptions into one of these, so that a
step, `panoptic sync`, `panoptic cleanup` and `panoptic analytics` all report a
failure the same way: a registered code, one lower-case line naming the
problem, and a help line saying what to do. Messages never carry a secret key:
`scrub()` removes every credential value the process knows of before a
message leaves the family.
"""

from __future__ import annotations

import os
import re

from panoptic.contract.errors import StepError

# Environment variables whose values are secrets (keys, tokens, connection strings).
SECRET_ENV = (
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_STORAGE_KEY",
    "AZURE_STORAGE_SAS_TOKEN",
    "AZURE_STORAGE_CONNECTION_STRING",
)
_SECRET_PAIRS = re.compile(r"(AccountKey|SharedAccessSignature|sig|Signature|X-Amz-Signature)=([^;&\s]+)", re.I)
MASK = "••••••"


class CloudError(StepError):
    """A storage operation failed; subclasses carry the code."""

    code = "PAN935"

    def __init__(self, message: str, *, help: str | None = None) -> None:
        super().__init__(scrub(message), help=scrub(help) if help else None)


class StorageUnreachable(CloudError):
    """The storage server did not answer (connection refused or reset, timeouts) after every retry."""

    code = "PAN930"


class BucketNotFound(CloudError):
    """The bucket, container or folder named by the URL does not exist."""

    code = "PAN931"


class AccessDenied(CloudError):
    """The credentials are missing, unknown, wrong, or lack a permission."""

    code = "PAN932"


class BadStorageURL(CloudError):
    """A storage URL computed at run time is not valid."""

    code = "PAN933"


class MissingLibrary(CloudError):
    """The provider's client library is not installed."""

    code = "PAN934"


class TransferFailed(CloudError):
    """An upload, download or deletion failed for a reason other than the ones above."""

    code = "PAN935"


class NoResults(CloudError):
    """Analytics or sync found no results to work on, or a results file is unreadable."""

    code = "PAN936"


class BadArgument(CloudError):
    """An argument of a cloud statement or command is out of range (a retention of zero, a bad duration)."""

    code = "PAN938"


class CleanupIncomplete(CloudError):
    """Some objects could not be deleted."""

    code = "PAN937"


def _known_secrets() -> list[str]:
    values: list[str] = []
    for name in SECRET_ENV:
        value = os.environ.get(name)
        if not value:
            continue
        values.append(value)
        values.extend(m.group(2) for m in _SECRET_PAIRS.finditer(value))
    return [v for v in values if len(v) >= 4]


def scrub(text: str, extra: tuple[str, ...] = ()) -> str:
    """`text` with every known secret value (and every `AccountKey=…`, `sig=…` pair) masked."""
    for value in sorted((*_known_secrets(), *(e for e in extra if e and len(e) >= 4)), key=len, reverse=True):
        text = text.replace(value, MASK)
    return _SECRET_PAIRS.sub(lambda m: f"{m.group(1)}={MASK}", text)
