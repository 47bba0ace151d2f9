"""API keys: shown once, stored as a hash with a lookup prefix, scopes, expiry, revocation, last use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from panoptic.families.enterprise import schema
from panoptic.families.enterprise.errors import AuthenticationFailed, InvalidRequest
from panoptic.families.enterprise.service import Enterprise, Principal
from panoptic.families.enterprise.store import utcnow

from .conftest import dump_tables


def test_the_key_itself_is_nowhere_in_the_store(ent: Enterprise, admin: Principal) -> None:
    made = ent.create_key(admin, "ci", "ada", ["status:read"])
    assert made.key.startswith(f"pan_{made.prefix}_")
    secret_part = made.key.removeprefix(f"pan_{made.prefix}_")  # url-safe: may itself hold "_"
    text = repr(dump_tables(ent.store))
    assert made.prefix in text
    assert made.key not in text and secret_part not in text


def test_verification_by_prefix_and_hash(ent: Enterprise, admin: Principal) -> None:
    made = ent.create_key(admin, "ci", "ada", ["status:read", "projects:read"])
    who = ent.key_principal(made.key)
    assert (who.name, who.via, who.scopes) == ("ada", "key", frozenset({"status:read", "projects:read"}))
    forged = made.key[:-4] + ("AAAA" if not made.key.endswith("AAAA") else "BBBB")
    with pytest.raises(AuthenticationFailed, match="unknown API key"):
        ent.key_principal(forged)
    with pytest.raises(AuthenticationFailed, match="not a Panoptic API key"):
        ent.key_principal("hunter2")


def test_last_used_is_recorded(ent: Enterprise, admin: Principal) -> None:
    made = ent.create_key(admin, "ci", "ada", ["status:read"])
    assert ent.list_keys(admin)[0]["last_used_at"] is None
    ent.key_principal(made.key)
    used = ent.list_keys(admin)[0]["last_used_at"]
    assert used is not None and utcnow() - used < timedelta(minutes=1)


def test_expiry_defaults_to_and_is_bounded_by_the_setting(ent: Enterprise, admin: Principal) -> None:
    made = ent.create_key(admin, "ci", "ada", ["status:read"])
    assert made.expires_at is not None
    assert timedelta(days=89, hours=23) < made.expires_at - utcnow() <= timedelta(days=90)
    with pytest.raises(InvalidRequest, match="within 90 days"):
        ent.create_key(admin, "long", "ada", ["status:read"], expires_in=91 * 86400)


def test_expired_and_revoked_keys_are_refused(ent: Enterprise, admin: Principal) -> None:
    old = ent.create_key(admin, "old", "ada", ["status:read"], expires_in=3600)
    with ent.store.write() as conn:
        conn.execute(
            update(schema.api_keys)
            .where(schema.api_keys.c.name == "old")
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    with pytest.raises(AuthenticationFailed, match="expired"):
        ent.key_principal(old.key)
    gone = ent.create_key(admin, "gone", "ada", ["status:read"])
    ent.key_principal(gone.key)
    ent.revoke_key(admin, "gone", "ada")
    with pytest.raises(AuthenticationFailed, match="revoked"):
        ent.key_principal(gone.key)
    with pytest.raises(InvalidRequest, match="no active API key"):
        ent.revoke_key(admin, "gone", "ada")


def test_unknown_scope_and_duplicate_name(ent: Enterprise, admin: Principal) -> None:
    with pytest.raises(InvalidRequest, match="unknown scope `project:read`") as info:
        ent.create_key(admin, "ci", "ada", ["project:read"])
    assert "projects:read" in (info.value.help or "")
    with pytest.raises(InvalidRequest, match="at least one scope"):
        ent.create_key(admin, "ci", "ada", [])
    ent.create_key(admin, "ci", "ada", ["status:read"])
    with pytest.raises(InvalidRequest, match="already"):
        ent.create_key(admin, "ci", "ada", ["status:read"])


def test_prefixes_are_unique_lookup_keys(ent: Enterprise, admin: Principal) -> None:
    prefixes = {ent.create_key(admin, f"k{i}", "ada", ["status:read"]).prefix for i in range(20)}
    assert len(prefixes) == 20
    with ent.store.read() as conn:
        assert set(conn.execute(select(schema.api_keys.c.prefix)).scalars()) == prefixes
