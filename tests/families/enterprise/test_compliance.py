"""Compliance controls are computed from the data: a careful setup passes, a weak one fails the right controls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from panoptic.families.enterprise import schema
from panoptic.families.enterprise.errors import InvalidRequest
from panoptic.families.enterprise.service import Enterprise, Principal
from panoptic.families.enterprise.store import Store, utcnow

from .conftest import USER_PASSWORD


def _careful(ent: Enterprise, admin: Principal, tmp_path: Path) -> None:
    ent.set_setting(admin, "retention_days", 90)
    ent.cleanup(admin, 90 * 86400)
    ent.create_user(admin, "bob", "developer", USER_PASSWORD)
    ent.authenticate("bob", USER_PASSWORD)
    ent.create_key(admin, "ci", "bob", ["status:read"], expires_in=30 * 86400)
    ent.backup(admin, tmp_path / "backups")


def _controls(ent: Enterprise, admin: Principal, standard: str) -> dict[str, tuple[bool, str]]:
    report = ent.compliance(admin, standard)
    return {c.id: (c.passed, c.evidence) for c in report.controls}


@pytest.fixture
def careful_store(db_url: str, tmp_path: Path) -> Iterator[Enterprise]:
    """A store reached over TLS when it is PostgreSQL (the test cluster has a self-signed certificate)."""
    if db_url.startswith("postgresql"):
        db_url = db_url.replace("sslmode=disable", "sslmode=require")
    store = Store.open(tmp_path, db_url)
    yield Enterprise(store)
    store.close()


def test_a_careful_setup_passes_every_standard(careful_store: Enterprise, tmp_path: Path) -> None:
    ent = careful_store
    admin = ent.init_admin("ada", "Tr0ub4dor&3-horse")
    _careful(ent, admin, tmp_path)
    if ent.store.kind == "postgresql":
        assert _controls(ent, admin, "soc2")["encryption"][1].startswith("the connection to PostgreSQL uses TLS (TLSv1")
    for standard in ("soc2", "gdpr", "hipaa", "iso27001"):
        report = ent.compliance(admin, standard)
        assert report.passed, [(c.id, c.evidence) for c in report.failed]
        assert all(c.evidence for c in report.controls)


def test_postgresql_without_tls_fails_the_encryption_control(ent: Enterprise, admin: Principal, tmp_path: Path) -> None:
    _careful(ent, admin, tmp_path)
    controls = _controls(ent, admin, "soc2")
    if ent.store.kind == "sqlite":
        assert controls["encryption"][0] and "no network connection" in controls["encryption"][1]
    else:
        assert controls["encryption"] == (
            False,
            "the connection to PostgreSQL is not encrypted (use sslmode=require or verify-full in the URL)",
        )
        assert [k for k, (ok, _) in controls.items() if not ok] == ["encryption"]


def test_a_weak_setup_fails_the_controls_it_should(ent: Enterprise, admin: Principal) -> None:
    for key, value in (
        ("password_min_length", 6),
        ("lockout_threshold", 50),
        ("session_hours", 72),
        ("key_max_days", 400),
    ):
        ent.set_setting(admin, key, value)
    for n in range(4):
        ent.create_user(admin, f"admin{n}", "admin", "Weak-pw1")
    ent.create_key(admin, "forever", "ada", ["status:read"], expires_in=400 * 86400)
    with ent.store.write(lock=False) as conn:  # an account nobody used for half a year
        conn.execute(
            update(schema.users)
            .where(schema.users.c.name == "admin0")
            .values(created_at=utcnow() - timedelta(days=180))
        )
    controls = _controls(ent, admin, "soc2")
    failed = {k for k, (ok, _) in controls.items() if not ok}
    expected = {
        "password-policy",
        "lockout",
        "session-expiry",
        "key-expiry",
        "inactive-accounts",
        "admin-count",
        "retention",
        "backups",
    }
    if ent.store.kind == "postgresql":
        expected.add("encryption")
    assert failed == expected
    assert controls["admin-count"][1] == "5 active administrators (needs 1 to 3)"
    assert "admin0" in controls["inactive-accounts"][1]
    assert "minimum length 6" in controls["password-policy"][1]
    assert "no backup was ever made" in controls["backups"][1]
    assert controls["audit-chain"][0]


def test_a_tampered_audit_log_or_backup_fails_its_control(ent: Enterprise, admin: Principal, tmp_path: Path) -> None:
    _careful(ent, admin, tmp_path)
    archive = next((tmp_path / "backups").glob("*.tar.gz"))
    with archive.open("r+b") as fh:
        fh.seek(archive.stat().st_size // 2)
        fh.write(b"\0garbage\0")
    with ent.store.write(lock=False) as conn:
        conn.execute(update(schema.audit_log).where(schema.audit_log.c.seq == 2).values(actor="nobody"))
    controls = _controls(ent, admin, "iso27001")
    assert not controls["audit-chain"][0] and "entry 2" in controls["audit-chain"][1]
    assert not controls["backups"][0] and "no longer matches its checksum" in controls["backups"][1]


def test_standards_select_and_cite_their_controls(ent: Enterprise, admin: Principal) -> None:
    hipaa = ent.compliance(admin, "HIPAA")
    assert hipaa.standard == "hipaa"
    assert {c.clause for c in hipaa.controls} >= {"164.312(b)", "164.312(e)(1)"}
    assert "admin-count" not in {c.id for c in hipaa.controls}
    gdpr = ent.compliance(admin, "gdpr")
    assert dict((c.id, c.clause) for c in gdpr.controls)["retention"] == "Art. 5(1)(e)"
    with pytest.raises(InvalidRequest, match="unknown compliance standard") as info:
        ent.compliance(admin, "soc3")
    assert info.value.help == "did you mean `soc2`?"
