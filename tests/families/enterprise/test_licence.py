"""Ed25519 licences: verified offline, limits enforced, tampered and expired ones refused."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from panoptic.families.enterprise import licence
from panoptic.families.enterprise.errors import LicenceError
from panoptic.families.enterprise.service import Enterprise, Principal

from .conftest import USER_PASSWORD


@pytest.fixture
def issuer(monkeypatch: pytest.MonkeyPatch) -> str:
    private, public = licence.keygen()
    monkeypatch.setenv(licence.KEYS_ENV, public)
    return private


def _payload(**changes: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "licensee": "Example Ltd",
        "id": "lic-1",
        "issued": date.today().isoformat(),
        "expires": (date.today() + timedelta(days=365)).isoformat(),
        "max_users": 3,
        "max_projects": 2,
    }
    payload.update(changes)
    return payload


def test_a_signed_licence_verifies(issuer: str) -> None:
    lic = licence.verify(licence.issue(issuer, _payload()))
    assert (lic.licensee, lic.max_users, lic.max_projects) == ("Example Ltd", 3, 2)


def test_a_tampered_licence_is_refused(issuer: str) -> None:
    data = json.loads(licence.issue(issuer, _payload()))
    data["payload"]["max_users"] = 1000
    with pytest.raises(LicenceError, match="signature does not verify") as info:
        licence.verify(json.dumps(data))
    assert info.value.code == "PAN946"


def test_an_expired_licence_is_refused(issuer: str) -> None:
    text = licence.issue(issuer, _payload(expires=(date.today() - timedelta(days=1)).isoformat()))
    with pytest.raises(LicenceError, match="expired on"):
        licence.verify(text)


def test_an_untrusted_issuer_is_refused(issuer: str) -> None:
    other_private, _ = licence.keygen()
    with pytest.raises(LicenceError, match="signature does not verify"):
        licence.verify(licence.issue(other_private, _payload()))


@pytest.mark.parametrize("text", ["not json", '{"payload": {}, "signature": "AAAA"}', '{"signature": 1}'])
def test_malformed_files_are_refused(issuer: str, text: str) -> None:
    with pytest.raises(LicenceError):
        licence.verify(text)


def test_without_a_licence_the_open_source_limits_apply(ent: Enterprise, admin: Principal) -> None:
    state = ent.licence_state()
    assert state.kind == "open-source"
    assert "open-source limits apply (10 users, 5 projects)" in state.message
    for n in range(licence.OPEN_SOURCE_PROJECTS):
        ent.create_project(admin, f"p{n}")
    with pytest.raises(LicenceError, match="project limit is reached \\(5 of 5\\)"):
        ent.create_project(admin, "one-too-many")


def test_licence_limits_are_enforced(ent: Enterprise, admin: Principal, issuer: str) -> None:
    ent.install_licence(admin, licence.issue(issuer, _payload(max_users=2)))
    assert ent.licence_state().kind == "licensed"
    ent.create_user(admin, "bob", "developer", USER_PASSWORD)
    with pytest.raises(LicenceError, match="user limit is reached \\(2 of 2\\)"):
        ent.create_user(admin, "carol", "developer", USER_PASSWORD)


def test_an_installed_licence_that_expires_falls_back_and_says_so(
    ent: Enterprise, admin: Principal, issuer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ent.install_licence(admin, licence.issue(issuer, _payload()))
    monkeypatch.setenv(licence.KEYS_ENV, licence.keygen()[1])  # the issuer is no longer trusted
    state = ent.licence_state()
    assert state.kind == "invalid" and state.max_users == licence.OPEN_SOURCE_USERS
    assert "not valid" in state.message and "open-source limits apply" in state.message


def test_installing_a_tampered_licence_changes_nothing(ent: Enterprise, admin: Principal, issuer: str) -> None:
    data = json.loads(licence.issue(issuer, _payload()))
    data["payload"]["licensee"] = "Someone Else"
    with pytest.raises(LicenceError):
        ent.install_licence(admin, json.dumps(data))
    assert ent.licence_state().kind == "open-source"
