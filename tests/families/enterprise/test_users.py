"""Users: no default account, argon2id, password policy, lock-out, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from panoptic.families.enterprise import schema
from panoptic.families.enterprise.errors import AuthenticationFailed, InvalidRequest
from panoptic.families.enterprise.service import Enterprise, Principal
from panoptic.families.enterprise.store import utcnow

from .conftest import ADMIN, ADMIN_PASSWORD, USER_PASSWORD


def test_a_new_store_has_no_account_at_all(ent: Enterprise) -> None:
    assert not ent.initialised()
    for name, password in (("admin", "admin123"), ("admin", "admin"), ("root", "root")):
        with pytest.raises(AuthenticationFailed):
            ent.authenticate(name, password)


def test_init_creates_one_administrator_once(ent: Enterprise) -> None:
    admin = ent.init_admin(ADMIN, ADMIN_PASSWORD)
    assert admin.role == "admin"
    with pytest.raises(InvalidRequest, match="has users already"):
        ent.init_admin("mallory", ADMIN_PASSWORD)
    with ent.store.read() as conn:
        assert conn.execute(select(schema.users.c.name)).scalars().all() == [ADMIN]


def test_passwords_are_argon2id_hashes_with_the_stated_parameters(ent: Enterprise, admin: Principal) -> None:
    ent.create_user(admin, "bob", "developer", USER_PASSWORD)
    with ent.store.read() as conn:
        stored = conn.execute(select(schema.users.c.password_hash).where(schema.users.c.name == "bob")).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert USER_PASSWORD not in stored


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Sh0rt!", "at least 12"),
        ("alllowercaseletters", "kinds of character"),
        ("Bob-is-the-best-9", "user name"),
    ],
)
def test_password_policy(ent: Enterprise, admin: Principal, password: str, problem: str) -> None:
    with pytest.raises(InvalidRequest, match=problem):
        ent.create_user(admin, "bob", "developer", password)


def test_password_policy_comes_from_settings(ent: Enterprise, admin: Principal) -> None:
    ent.set_setting(admin, "password_min_length", 20)
    with pytest.raises(InvalidRequest, match="at least 20"):
        ent.create_user(admin, "bob", "developer", USER_PASSWORD)


def test_lockout_after_repeated_failures(ent: Enterprise, admin: Principal) -> None:
    ent.set_setting(admin, "lockout_threshold", 3)
    ent.create_user(admin, "bob", "developer", USER_PASSWORD)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed, match="wrong user name or password"):
            ent.authenticate("bob", "Wrong-password-1")
    with pytest.raises(AuthenticationFailed, match="now locked"):
        ent.authenticate("bob", "Wrong-password-1")
    with pytest.raises(AuthenticationFailed, match="locked until"):
        ent.authenticate("bob", USER_PASSWORD)  # the right password does not help while locked
    ent.unlock_user(admin, "bob")
    assert ent.authenticate("bob", USER_PASSWORD).name == "bob"


def test_a_success_resets_the_failure_count(ent: Enterprise, admin: Principal) -> None:
    ent.set_setting(admin, "lockout_threshold", 2)
    ent.create_user(admin, "bob", "developer", USER_PASSWORD)
    with pytest.raises(AuthenticationFailed):
        ent.authenticate("bob", "Wrong-password-1")
    ent.authenticate("bob", USER_PASSWORD)
    with pytest.raises(AuthenticationFailed, match=r"wrong user name or password$"):
        ent.authenticate("bob", "Wrong-password-1")


def test_sessions_expire_and_end(ent: Enterprise, admin: Principal) -> None:
    token, _ = ent.sign_in(ADMIN, ADMIN_PASSWORD)
    assert ent.session_principal(token).name == ADMIN
    with ent.store.read() as conn:
        row = conn.execute(select(schema.sessions)).one()
    assert row.token_hash != token and token not in row.token_hash
    assert timedelta(hours=7, minutes=59) < row.expires_at - row.created_at <= timedelta(hours=8)
    with ent.store.write() as conn:
        conn.execute(update(schema.sessions).values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(AuthenticationFailed, match="expired"):
        ent.session_principal(token)
    token2, _ = ent.sign_in(ADMIN, ADMIN_PASSWORD)
    ent.sign_out(token2)
    with pytest.raises(AuthenticationFailed, match="ended"):
        ent.session_principal(token2)


def test_deactivated_users_cannot_sign_in(ent: Enterprise, admin: Principal) -> None:
    ent.create_user(admin, "bob", "developer", USER_PASSWORD)
    token, _ = ent.sign_in("bob", USER_PASSWORD)
    ent.deactivate_user(admin, "bob")
    with pytest.raises(AuthenticationFailed, match=r"ended|deactivated"):
        ent.session_principal(token)
    with pytest.raises(AuthenticationFailed, match="deactivated"):
        ent.authenticate("bob", USER_PASSWORD)


def test_duplicate_and_unknown_names(ent: Enterprise, admin: Principal) -> None:
    ent.create_user(admin, "bob", "developer", USER_PASSWORD)
    with pytest.raises(InvalidRequest, match="exists already"):
        ent.create_user(admin, "bob", "viewer", USER_PASSWORD)
    with pytest.raises(InvalidRequest, match=r"unknown role `develper`.*did you mean `developer`"):
        try:
            ent.create_user(admin, "carol", "develper", USER_PASSWORD)
        except InvalidRequest as exc:
            raise InvalidRequest(f"{exc.message} {exc.help}") from None
    with pytest.raises(InvalidRequest, match="no user named `bbo`"):
        ent.create_team(admin, "web", lead="bbo")


def test_teams_members_leads_and_projects(ent: Enterprise, admin: Principal) -> None:
    ent.create_user(admin, "bob", "developer", USER_PASSWORD)
    ent.create_user(admin, "carol", "developer", USER_PASSWORD)
    ent.create_team(admin, "web", lead="bob")
    ent.add_member(admin, "web", "carol")
    ent.create_project(admin, "shop", team="web")
    ent.create_project(admin, "intranet")
    with pytest.raises(InvalidRequest, match="already"):
        ent.add_member(admin, "web", "carol")
    with ent.store.read() as conn:
        members = conn.execute(
            select(schema.users.c.name, schema.team_members.c.is_lead)
            .join(schema.users, schema.users.c.id == schema.team_members.c.user_id)
            .order_by(schema.users.c.name)
        ).all()
    assert [tuple(m) for m in members] == [("bob", True), ("carol", False)]
    assert {(p["name"], p["team"]) for p in ent.list_projects(admin)} == {("shop", "web"), ("intranet", None)}
