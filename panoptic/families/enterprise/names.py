"""The enterprise family's vocabulary: roles, permissions, scopes and standards.

This module is imported by the check hook, so it imports nothing beyond the
standard library. The permission table here is the one the store enforces and
the one `docs/enterprise.md` documents.
"""

from __future__ import annotations

from collections.abc import Iterable

ROLES: tuple[str, ...] = ("admin", "manager", "developer", "viewer")

# Every permission a statement or command can need. API key scopes are the same names.
PERMISSIONS: dict[str, str] = {
    "status:read": "read `enterprise status` (counts, store health, licence, audit chain state)",
    "license:read": "read the licence state",
    "license:write": "install a licence file",
    "users:read": "list users",
    "users:write": "create users, unlock and deactivate them",
    "roles:grant": "give the admin or manager role (creating or changing such a user)",
    "projects:read": "list projects",
    "projects:write": "create projects",
    "teams:write": "create teams, add members and leads",
    "keys:write": "create and revoke one's own API keys",
    "keys:admin": "create and revoke API keys of other users",
    "audit:read": "write audit reports",
    "audit:verify": "verify the audit chain",
    "compliance:read": "run compliance checks",
    "settings:write": "change the password policy, lock-out, session and retention settings",
    "backup:write": "back up the store",
    "cleanup:write": "delete data older than the retention period",
}

_ALL = frozenset(PERMISSIONS)
_VIEW = frozenset({"status:read", "license:read", "projects:read"})
_DEVELOP = _VIEW | {"keys:write"}
_MANAGE = _DEVELOP | {
    "users:read",
    "users:write",
    "projects:write",
    "teams:write",
    "audit:read",
    "audit:verify",
    "compliance:read",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": _ALL,
    "manager": frozenset(_MANAGE),
    "developer": frozenset(_DEVELOP),
    "viewer": _VIEW,
}

SCOPES: tuple[str, ...] = tuple(PERMISSIONS)

STANDARDS: dict[str, str] = {
    "soc2": "SOC 2 (Trust Services Criteria: security, availability)",
    "gdpr": "GDPR (articles 5 and 32: storage limitation, security of processing)",
    "hipaa": "HIPAA Security Rule (45 CFR 164.308 and 164.312)",
    "iso27001": "ISO/IEC 27001:2022 Annex A",
}

# The store's settings (defaults in `store.DEFAULT_SETTINGS`).
SETTINGS: dict[str, str] = {
    "password_min_length": "the shortest password accepted (default 12)",
    "password_classes": "how many of lower case, upper case, digits, others a password mixes (default 3)",
    "lockout_threshold": "failed sign-ins in a row before the account locks (default 5)",
    "lockout_minutes": "how long a lock-out lasts (default 15)",
    "session_hours": "how long a session lasts (default 8)",
    "key_max_days": "the longest lifetime of an API key, and the default (default 90)",
    "inactive_days": "after how many unused days an account counts as inactive (default 90)",
    "retention_days": "how long runs, artifacts, sessions and dead keys are kept (unset by default)",
    "backup_max_age_days": "how old the last backup may be for the backup control (default 7)",
}

AUDIT_SEVERITIES: tuple[str, ...] = ("info", "warning", "critical")


def allowed(role: str, permission: str) -> bool:
    """Whether a role holds a permission (unknown roles hold none)."""
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option most like `word`, for "did you mean" help lines."""
    from difflib import get_close_matches

    found = get_close_matches(word.lower(), sorted(set(options)), n=1, cutoff=0.5)
    return found[0] if found else None


def did_you_mean(word: str, options: Iterable[str], kind: str) -> str:
    """A help line: `did you mean \\`x\\`?` or the list of known values."""
    options = tuple(options)
    near = closest(word, options)
    if near is not None:
        return f"did you mean `{near}`?"
    return f"known {kind}: " + ", ".join(options)
