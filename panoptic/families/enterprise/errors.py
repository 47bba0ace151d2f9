"""Run-time failures of the enterprise family (PAN940–PAN949).

Each is a `StepError` with its own registered code, so a failing statement is
reported like any other step failure, and a command prints the same code.
"""

from __future__ import annotations

from panoptic.contract.errors import InfrastructureError, StepError


class StoreUnavailable(InfrastructureError):
    """The store cannot be opened, migrated or reached."""

    code = "PAN940"


class PermissionDenied(StepError):
    """The principal's role or key scopes do not allow the action (the denial is audited)."""

    code = "PAN941"


class AuthenticationFailed(StepError):
    """A wrong password, a locked or inactive account, an expired session, an invalid API key."""

    code = "PAN942"


class InvalidRequest(StepError):
    """The request conflicts with the data: a duplicate name, an unknown user, a weak password."""

    code = "PAN943"


class AuditChainBroken(StepError):
    """The audit log's hash chain does not verify."""

    code = "PAN944"


class ComplianceFailed(StepError):
    """One or more controls of a compliance standard fail."""

    code = "PAN945"


class LicenceError(StepError):
    """The licence is invalid, expired, tampered with, or a limit it sets is reached."""

    code = "PAN946"


class BackupError(StepError):
    """A backup could not be written, or an archive is corrupted or cannot be restored."""

    code = "PAN947"


class NotInitialised(StepError):
    """The store has no administrator yet (`panoptic enterprise init`), or no principal is signed in."""

    code = "PAN948"
