"""The audit chain detects edits, insertions and deletions made behind the store's back; reports filter."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import delete, insert, select, update

from panoptic.families.enterprise import audit, schema
from panoptic.families.enterprise.service import Enterprise, Principal

from .conftest import USER_PASSWORD

A = schema.audit_log


def _populate(ent: Enterprise, admin: Principal) -> None:
    ent.create_user(admin, "bob", "developer", USER_PASSWORD)
    ent.create_team(admin, "web", lead="bob")
    ent.create_project(admin, "shop", team="web")
    ent.create_key(admin, "ci", "bob", ["status:read"])


def test_the_chain_verifies_after_operations(ent: Enterprise, admin: Principal) -> None:
    _populate(ent, admin)
    result = ent.audit_verify(admin)
    assert result.intact and result.entries == 5
    with ent.store.read() as conn:
        rows = conn.execute(select(A).order_by(A.c.seq)).all()
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5, 6]  # the verification itself is audited
    assert all(rows[i].prev_hash == rows[i - 1].hash for i in range(1, len(rows)))


def test_an_edited_entry_is_found(ent: Enterprise, admin: Principal) -> None:
    _populate(ent, admin)
    with ent.store.write(lock=False) as conn:
        conn.execute(update(A).where(A.c.seq == 3).values(target="someone-else"))
    result = ent.audit_verify(admin)
    assert not result.intact
    assert [(p.seq, p.kind) for p in result.problems] == [(3, "edited")]


def test_an_edited_hash_breaks_the_next_link(ent: Enterprise, admin: Principal) -> None:
    _populate(ent, admin)
    with ent.store.write(lock=False) as conn:
        row = conn.execute(select(A).where(A.c.seq == 2)).one()
        forged = audit.entry_hash(
            row.seq, row.at, row.actor, row.action, "forged", row.outcome, row.severity, row.details, row.prev_hash
        )
        conn.execute(update(A).where(A.c.seq == 2).values(target="forged", hash=forged))
    problems = ent.audit_verify(admin).problems
    assert (3, "inserted") in [(p.seq, p.kind) for p in problems]


def test_a_deleted_entry_is_found(ent: Enterprise, admin: Principal) -> None:
    _populate(ent, admin)
    with ent.store.write(lock=False) as conn:
        conn.execute(delete(A).where(A.c.seq == 3))
    kinds = {(p.seq, p.kind) for p in ent.audit_verify(admin).problems}
    assert (3, "missing") in kinds


def test_a_deleted_tail_is_found(ent: Enterprise, admin: Principal) -> None:
    _populate(ent, admin)
    with ent.store.write(lock=False) as conn:
        conn.execute(delete(A).where(A.c.seq == 5))
    with ent.store.read() as conn:
        result = audit.verify(conn)
    assert [(p.kind, p.detail) for p in result.problems] == [("head", "the last 1 entries were deleted")]


def test_an_inserted_entry_is_found(ent: Enterprise, admin: Principal) -> None:
    _populate(ent, admin)
    with ent.store.write(lock=False) as conn:
        last = conn.execute(select(A).order_by(A.c.seq.desc()).limit(1)).one()
        seq, at, details = last.seq + 1, last.at, "{}"
        digest = audit.entry_hash(seq, at, "mallory", "user.create", "mallory", "ok", "info", details, last.hash)
        conn.execute(
            insert(A).values(
                seq=seq, at=at, actor="mallory", action="user.create", target="mallory", outcome="ok",
                severity="info", details=details, prev_hash=last.hash, hash=digest,
            )
        )  # fmt: skip
    with ent.store.read() as conn:
        result = audit.verify(conn)
    assert [p.kind for p in result.problems] == ["head"]
    assert "added behind the store's back" in result.problems[0].detail


def test_report_filters_and_formats(ent: Enterprise, admin: Principal) -> None:
    _populate(ent, admin)
    token, _ = ent.sign_in("bob", USER_PASSWORD)
    try:
        ent.create_team(ent.session_principal(token), "denied-team")
    except Exception:
        pass
    created = ent.audit_entries(admin, audit.Filters(action="user.create"))
    assert [r["target"] for r in created] == ["bob"]
    warnings = ent.audit_entries(admin, audit.Filters(severity="warning"))
    assert [(r["actor"], r["outcome"]) for r in warnings] == [("bob", "denied")]
    by_bob = ent.audit_entries(admin, audit.Filters(user="bob"))
    assert {r["action"] for r in by_bob} == {"auth.login", "session.open", "team.create"}
    first_at = ent.audit_entries(admin, audit.Filters())[2]["at"]
    from datetime import datetime

    later = ent.audit_entries(admin, audit.Filters(since=datetime.fromisoformat(first_at)))
    assert all(r["at"] >= first_at for r in later) and len(later) < len(ent.audit_entries(admin, audit.Filters()))
    as_json = json.loads(audit.render(created, "json"))
    assert as_json[0]["details"] == {"role": "developer"}
    parsed = list(csv.DictReader(io.StringIO(audit.render(created, "csv"))))
    assert parsed[0]["action"] == "user.create" and json.loads(parsed[0]["details"]) == {"role": "developer"}
