"""The permission table, walked both ways on real operations: allowed succeeds, denied is PAN941 and audited."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from panoptic.families.enterprise import audit, licence, schema
from panoptic.families.enterprise.errors import PermissionDenied
from panoptic.families.enterprise.names import PERMISSIONS, ROLE_PERMISSIONS, ROLES, allowed
from panoptic.families.enterprise.service import Enterprise, Principal

from .conftest import USER_PASSWORD, make_user

# One real operation per permission, run by `who`; `n` keeps names unique.
Op = Callable[[Enterprise, Principal, int, Path], Any]
OPERATIONS: dict[str, Op] = {
    "status:read": lambda e, who, n, tmp: e.status(who),
    "users:read": lambda e, who, n, tmp: e.list_users(who),
    "users:write": lambda e, who, n, tmp: e.create_user(who, f"new{n}", "viewer", USER_PASSWORD),
    "roles:grant": lambda e, who, n, tmp: e.create_user(who, f"boss{n}", "manager", USER_PASSWORD),
    "projects:read": lambda e, who, n, tmp: e.list_projects(who),
    "projects:write": lambda e, who, n, tmp: e.create_project(who, f"p{n}"),
    "teams:write": lambda e, who, n, tmp: e.create_team(who, f"t{n}"),
    "keys:write": lambda e, who, n, tmp: e.create_key(who, f"k{n}", who.name, ["status:read"]),
    "keys:admin": lambda e, who, n, tmp: e.create_key(who, f"k{n}", "ada", ["status:read"]),
    "audit:read": lambda e, who, n, tmp: e.audit_entries(who, audit.Filters()),
    "audit:verify": lambda e, who, n, tmp: e.audit_verify(who),
    "compliance:read": lambda e, who, n, tmp: e.compliance(who, "gdpr"),
    "settings:write": lambda e, who, n, tmp: e.set_setting(who, "session_hours", 8),
    "backup:write": lambda e, who, n, tmp: e.backup(who, tmp / f"backups{n}"),
    "cleanup:write": lambda e, who, n, tmp: e.cleanup(who, 90 * 86400, dry_run=True),
    "license:read": lambda e, who, n, tmp: e.licence_info(who),
    "license:write": lambda e, who, n, tmp: e.install_licence(who, (tmp / "licence.json").read_text()),
}

# Operations that check more than one permission, in the order they check them.
NEEDS = {"roles:grant": ("users:write", "roles:grant")}


def test_every_permission_is_documented_and_exercised() -> None:
    doc = (Path(__file__).parents[3] / "docs" / "enterprise.md").read_text(encoding="utf-8")
    for permission in PERMISSIONS:
        assert f"`{permission}`" in doc, f"{permission} is missing from docs/enterprise.md"
    assert set(PERMISSIONS) == set(OPERATIONS)
    assert ROLE_PERMISSIONS["admin"] == frozenset(PERMISSIONS)


def _denials(ent: Enterprise) -> int:
    with ent.store.read() as conn:
        return conn.execute(
            select(func.count()).select_from(schema.audit_log).where(schema.audit_log.c.outcome == "denied")
        ).scalar_one()


@pytest.mark.parametrize("role", ROLES)
def test_walk_the_permission_table(
    ent: Enterprise, admin: Principal, role: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private, public = licence.keygen()
    monkeypatch.setenv(licence.KEYS_ENV, public)
    payload = {"licensee": "T", "id": "t", "issued": "2026-01-01", "expires": "2099-01-01", "max_users": 50,
               "max_projects": 50}  # fmt: skip
    (tmp_path / "licence.json").write_text(licence.issue(private, payload))
    who = admin if role == "admin" else make_user(ent, admin, f"the-{role}", role)
    for n, (permission, op) in enumerate(OPERATIONS.items()):
        before = _denials(ent)
        if allowed(role, permission):
            op(ent, who, n, tmp_path)
            assert _denials(ent) == before, f"{role} / {permission}"
        else:
            with pytest.raises(PermissionDenied) as info:
                op(ent, who, n, tmp_path)
            assert info.value.code == "PAN941"
            first_missing = next(p for p in NEEDS.get(permission, (permission,)) if not allowed(role, p))
            assert f"`{first_missing}`" in info.value.message
            assert _denials(ent) == before + 1, f"the denial of {permission} to {role} was not audited"
    rows = ent.audit_entries(admin, audit.Filters(user=who.label))
    denied = [r for r in rows if r["outcome"] == "denied"]
    assert {r["details"]["permission"] for r in denied} == {
        next(q for q in NEEDS.get(p, (p,)) if not allowed(role, q)) for p in OPERATIONS if not allowed(role, p)
    }


def test_api_key_scopes_narrow_the_owners_role(ent: Enterprise, admin: Principal, tmp_path: Path) -> None:
    made = ent.create_key(admin, "ci", "ada", ["projects:read", "projects:write"])
    via_key = ent.key_principal(made.key)
    assert via_key.label == "ada (key ci)"
    ent.create_project(via_key, "from-ci")
    with pytest.raises(PermissionDenied, match="lacks the scope `teams:write`"):
        ent.create_team(via_key, "nope")


def test_a_key_cannot_exceed_its_owners_role(ent: Enterprise, admin: Principal) -> None:
    viewer = make_user(ent, admin, "vic", "viewer")
    made = ent.create_key(admin, "wide", "vic", ["projects:write"])
    with pytest.raises(PermissionDenied, match="role `viewer`"):
        ent.create_project(ent.key_principal(made.key), "x")
    assert viewer.role == "viewer"
