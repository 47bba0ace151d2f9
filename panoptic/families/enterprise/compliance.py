"""Compliance checks computed from the store's data and settings, each control with its evidence.

A standard is a selection of controls, each mapped to the clause it supports. Nothing is scored:
a control passes or fails on what the store holds now, and says what it looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, or_, select

from panoptic.families.enterprise import audit, schema
from panoptic.families.enterprise.errors import BackupError
from panoptic.families.enterprise.store import Store, utcnow

U, K = schema.users, schema.api_keys


@dataclass(frozen=True)
class Control:
    """One evaluated control."""

    id: str
    title: str
    clause: str
    passed: bool
    evidence: str


@dataclass(frozen=True)
class ComplianceReport:
    standard: str
    controls: tuple[Control, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.controls)

    @property
    def failed(self) -> tuple[Control, ...]:
        return tuple(c for c in self.controls if not c.passed)

    def to_json(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "passed": self.passed,
            "controls": [vars(c) for c in self.controls],
        }


Result = tuple[bool, str]


def _password_policy(conn: Connection, store: Store, s: dict[str, Any]) -> Result:
    length, classes = int(s["password_min_length"]), int(s["password_classes"])
    ok = length >= 12 and classes >= 3
    return ok, f"minimum length {length} (needs ≥ 12), character kinds {classes} of 4 (needs ≥ 3)"


def _lockout(conn: Connection, store: Store, s: dict[str, Any]) -> Result:
    threshold, minutes = int(s["lockout_threshold"]), int(s["lockout_minutes"])
    ok = 1 <= threshold <= 10 and minutes >= 15
    return ok, f"lock after {threshold} failed sign-ins (needs ≤ 10) for {minutes} minutes (needs ≥ 15)"


def _sessions(conn: Connection, store: Store, s: dict[str, Any]) -> Result:
    hours = int(s["session_hours"])
    return hours <= 12, f"sessions expire after {hours} hours (needs ≤ 12)"


def _key_expiry(conn: Connection, store: Store, s: dict[str, Any]) -> Result:
    max_days = int(s["key_max_days"])
    now = utcnow()
    active = conn.execute(
        select(K.c.name, K.c.created_at, K.c.expires_at).where(
            K.c.revoked_at.is_(None), or_(K.c.expires_at.is_(None), K.c.expires_at > now)
        )
    ).all()
    bad = [
        r.name
        for r in active
        if r.expires_at is None or r.expires_at - r.created_at > timedelta(days=max_days, seconds=1)
    ]
    old = [r.name for r in active if now - r.created_at > timedelta(days=max_days)]
    ok = max_days <= 365 and not bad and not old
    evidence = f"{len(active)} active API keys; key lifetime limit {max_days} days (needs ≤ 365)"
    if bad:
        evidence += f"; without expiry or beyond the limit: {', '.join(sorted(bad)[:5])}"
    if old:
        evidence += f"; older than {max_days} days (rotate): {', '.join(sorted(old)[:5])}"
    return ok, evidence


def _inactive(conn: Connection, store: Store, s: dict[str, Any]) -> Result:
    days = int(s["inactive_days"])
    cutoff = utcnow() - timedelta(days=days)
    rows = conn.execute(
        select(U.c.name).where(
            U.c.active,
            or_(U.c.last_login_at < cutoff, U.c.last_login_at.is_(None) & (U.c.created_at < cutoff)),
        )
    ).scalars()
    names = sorted(rows)
    total = conn.execute(select(func.count()).select_from(U).where(U.c.active)).scalar_one()
    evidence = f"{total} active accounts, {len(names)} unused for more than {days} days"
    if names:
        evidence += ": " + ", ".join(names[:5]) + (" …" if len(names) > 5 else "") + " (deactivate them)"
    return days <= 90 and not names, evidence


def _admins(conn: Connection, store: Store, s: dict[str, Any]) -> Result:
    count = conn.execute(select(func.count()).select_from(U).where(U.c.active, U.c.role == "admin")).scalar_one()
    return 1 <= count <= 3, f"{count} active administrators (needs 1 to 3)"


def _audit(conn: Connection, store: Store, s: dict[str, Any]) -> Result:
    result = audit.verify(conn)
    return result.intact, result.summary()


def _retention(conn: Connection, store: Store, s: dict[str, Any]) -> Result:
    days = s.get("retention_days")
    if days is None:
        return False, "no retention period is configured (`panoptic enterprise settings set retention_days 90`)"
    last = conn.execute(
        select(func.max(schema.audit_log.c.at)).where(
            schema.audit_log.c.action == "data.cleanup", schema.audit_log.c.details.like('%"dry_run":false%')
        )
    ).scalar()
    evidence = f"retention {days} days; last cleanup: {last or 'never'}"
    recent = last is not None and last >= (utcnow() - timedelta(days=int(days))).isoformat()
    return recent, evidence + ("" if recent else f" (needs a cleanup within the last {days} days)")


def _backups(conn: Connection, store: Store, s: dict[str, Any]) -> Result:
    from panoptic.families.enterprise import backup

    days = int(s["backup_max_age_days"])
    row = conn.execute(select(schema.backups).order_by(schema.backups.c.at.desc()).limit(1)).first()
    if row is None:
        return False, "no backup was ever made (`backup data`)"
    age = utcnow() - row.at
    evidence = f"last backup {row.at.isoformat(timespec='seconds')} UTC ({age.days} days ago, needs ≤ {days})"
    path = Path(row.path)
    if not path.is_file():
        return False, evidence + f"; the archive {path} is gone"
    if backup.file_sha256(path) != row.sha256:
        return False, evidence + f"; the archive {path.name} no longer matches its checksum"
    try:
        trial = backup.trial_restore(path)
    except BackupError as exc:
        return False, evidence + f"; not restorable: {exc.message}"
    return age <= timedelta(days=days), evidence + f"; {path.name}: every file matches its checksum, {trial}"


def _encryption(conn: Connection, store: Store, s: dict[str, Any]) -> Result:
    if store.kind == "sqlite":
        return True, f"local SQLite file {store.describe()}: no network connection to encrypt"
    ssl = conn.exec_driver_sql("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first()
    if ssl is not None and ssl[0]:
        return True, f"the connection to PostgreSQL uses TLS ({ssl[1]})"
    return False, "the connection to PostgreSQL is not encrypted (use sslmode=require or verify-full in the URL)"


Check = Callable[[Connection, Store, dict[str, Any]], Result]
CONTROLS: dict[str, tuple[str, Check]] = {
    "password-policy": ("Password policy strength", _password_policy),
    "lockout": ("Lock-out after failed sign-ins", _lockout),
    "session-expiry": ("Sessions expire", _sessions),
    "key-expiry": ("API keys expire and are rotated", _key_expiry),
    "inactive-accounts": ("No inactive accounts left enabled", _inactive),
    "admin-count": ("Few administrators", _admins),
    "audit-chain": ("Audit log intact", _audit),
    "retention": ("Retention period configured and applied", _retention),
    "backups": ("Recent, restorable backups", _backups),
    "encryption": ("Store connection encrypted", _encryption),
}

STANDARD_CONTROLS: dict[str, dict[str, str]] = {
    "soc2": {
        "password-policy": "CC6.1",
        "lockout": "CC6.1",
        "session-expiry": "CC6.1",
        "key-expiry": "CC6.1",
        "inactive-accounts": "CC6.2",
        "admin-count": "CC6.3",
        "audit-chain": "CC7.2",
        "retention": "C1.2",
        "backups": "A1.2",
        "encryption": "CC6.7",
    },
    "iso27001": {
        "password-policy": "A.5.17",
        "lockout": "A.8.5",
        "session-expiry": "A.8.5",
        "key-expiry": "A.5.17",
        "inactive-accounts": "A.5.18",
        "admin-count": "A.8.2",
        "audit-chain": "A.8.15",
        "retention": "A.8.10",
        "backups": "A.8.13",
        "encryption": "A.8.24",
    },
    "hipaa": {
        "password-policy": "164.308(a)(5)(ii)(D)",
        "lockout": "164.308(a)(5)(ii)(C)",
        "session-expiry": "164.312(a)(2)(iii)",
        "key-expiry": "164.312(d)",
        "inactive-accounts": "164.308(a)(3)(ii)(C)",
        "audit-chain": "164.312(b)",
        "backups": "164.308(a)(7)(ii)(A)",
        "encryption": "164.312(e)(1)",
    },
    "gdpr": {
        "password-policy": "Art. 32(1)(b)",
        "key-expiry": "Art. 32(1)(b)",
        "inactive-accounts": "Art. 5(1)(e)",
        "audit-chain": "Art. 5(2)",
        "retention": "Art. 5(1)(e)",
        "backups": "Art. 32(1)(c)",
        "encryption": "Art. 32(1)(a)",
    },
}


def evaluate(store: Store, standard: str) -> ComplianceReport:
    """Evaluate every control of a standard on the store as it is now."""
    clauses = STANDARD_CONTROLS[standard]
    controls: list[Control] = []
    with store.read() as conn:
        settings = store.settings(conn)
        for control_id, clause in clauses.items():
            title, check = CONTROLS[control_id]
            passed, evidence = check(conn, store, settings)
            controls.append(Control(control_id, title, clause, passed, evidence))
    return ComplianceReport(standard, tuple(controls))
