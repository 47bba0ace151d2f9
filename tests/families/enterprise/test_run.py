"""The statements through the real compiler and interpreter (on the in-memory UI backend), on both stores.

The grep at the end extends the interpreter's secret test to this family: neither a password, nor a
session token, nor a created API key appears in any event, output file or stored row.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from panoptic.compiler import compile_paths
from panoptic.families.enterprise import schema
from panoptic.families.enterprise.service import Enterprise
from panoptic.families.enterprise.store import Store

from .conftest import ADMIN, ADMIN_PASSWORD, USER_PASSWORD, dump_tables

RUNTIME_TESTS = Path(__file__).parents[2] / "runtime"
FAKE = (("web", "runtime_fakes:FakeBackend"),)

SUITE = """\
app shop: web {
    url: "fake://shop"
    timeout: 1s
}

secret admin_password = env("ENT_ADMIN_PASSWORD")
secret user_password = env("ENT_USER_PASSWORD")

scenario "administer" on shop {
    enterprise sign in as "ada" password admin_password
    user create "bob" role "developer" password user_password
    user create "mia" role "manager" password user_password
    team create "web" lead "mia"
    team add "bob" to "web"
    project create "checkout" team "web"
    api key create "ci" for "bob" scopes ["projects:read", "status:read"] expires in 30d
    enterprise sign in with new key "ci"
    enterprise status
    enterprise expect denied {
        project create "not-allowed"
    }
    enterprise sign in as "ada" password admin_password
    audit verify
    audit report action "user.create" format csv
    audit report severity warning
    enterprise set "retention_days" to 90
    cleanup data older than 90d dry run
    cleanup data older than 90d
    backup data to "backups"
    compliance check "soc2"
    license info
}
"""


@pytest.fixture
def run_url(db_url: str) -> str:
    """The store's URL; PostgreSQL over TLS, as a careful setup would use."""
    return db_url.replace("sslmode=disable", "sslmode=require")


@pytest.fixture
def run_suite(run_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Compile a suite and run it with the interpreter; the project folder is tmp_path."""
    db_url = run_url
    if str(RUNTIME_TESTS) not in sys.path:
        monkeypatch.syspath_prepend(str(RUNTIME_TESTS))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENT_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("ENT_USER_PASSWORD", USER_PASSWORD)
    store = Store.open(tmp_path, db_url)
    Enterprise(store).init_admin(ADMIN, ADMIN_PASSWORD)
    store.close()

    def run(text: str, name: str = "out") -> tuple[Any, list[Any], Path]:
        from panoptic.runtime.runner import RunOptions, execute

        path = tmp_path / "suite.pan"
        path.write_text(text, encoding="utf-8")
        result = compile_paths([str(path)])
        assert not result.has_errors, [(d.code, d.message) for d in result.diagnostics]
        out = tmp_path / name
        out.mkdir()
        events: list[Any] = []
        options = RunOptions(
            output_dir=out, run_id="t", backend_overrides=FAKE, family_options=(("database_url", db_url),)
        )
        outcome = execute(result.program, list(range(len(result.program.scenarios))), options, [events.append])
        return outcome, events, out

    return run


def _finished(events: list[Any]) -> list[Any]:
    return [e for e in events if e.kind == "scenario_finished"]


def test_an_administration_suite_runs_and_leaks_no_secret(run_suite, run_url: str, tmp_path: Path) -> None:
    _outcome, events, out = run_suite(SUITE)
    finished = _finished(events)
    assert [e.status for e in finished] == ["passed"], [e.failure for e in finished]
    messages = [e.message for e in events if e.kind == "step_finished" and e.message]
    assert "created user bob (developer)" in messages
    assert any(m.startswith("denied as expected: `bob (key ci)` may not do `project.create`") for m in messages)
    assert any(m.startswith("audit chain intact") for m in messages)
    assert "soc2: all 10 controls pass" in messages
    assert any(m.startswith("would delete 0 runs") for m in messages)
    report = next(out.rglob("audit-report-1.csv")).read_text()
    assert report.count("user.create") == 2
    assert json.loads(next(out.rglob("enterprise-status.json")).read_text())["counts"]["projects"] == 1
    assert len(list((tmp_path / "backups").glob("*.tar.gz"))) == 1

    store = Store.open(tmp_path, run_url)
    with store.read() as conn:
        prefix = conn.execute(select(schema.api_keys.c.prefix)).scalar_one()
    rows = repr(dump_tables(store))
    store.close()
    secrets = (ADMIN_PASSWORD, USER_PASSWORD, f"pan_{prefix}_")
    everything = json.dumps([e.to_json() for e in events])
    for secret in secrets:
        assert secret not in everything
        assert secret not in rows
        for path in out.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), path


def test_a_denied_statement_fails_the_scenario_and_is_audited(run_suite, run_url: str, tmp_path: Path) -> None:
    text = SUITE.split('scenario "administer"')[0] + (
        'scenario "viewer tries" on shop {\n'
        '    enterprise sign in as "ada" password admin_password\n'
        '    user create "vic" role "viewer" password user_password\n'
        '    enterprise sign in as "vic" password user_password\n'
        '    team create "rogue"\n'
        "}\n"
    )
    _, events, _ = run_suite(text)
    (finished,) = _finished(events)
    assert finished.status == "failed"
    assert finished.failure.code == "PAN941"
    assert (
        finished.failure.message == "`vic` may not do `team.create`: the role `viewer` does not include `teams:write`"
    )
    store = Store.open(tmp_path, run_url)
    with store.read() as conn:
        denied = conn.execute(select(schema.audit_log.c.actor).where(schema.audit_log.c.outcome == "denied")).all()
    store.close()
    assert [tuple(r) for r in denied] == [("vic",)]


def test_statements_without_a_sign_in_are_pan948(run_suite) -> None:
    text = SUITE.split('scenario "administer"')[0] + 'scenario "anonymous" on shop {\n    enterprise status\n}\n'
    _, events, _ = run_suite(text)
    (finished,) = _finished(events)
    assert finished.failure.code == "PAN948"
    assert "no one is signed in" in finished.failure.message


def test_a_wrong_password_is_pan942_without_the_password(run_suite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENT_ADMIN_PASSWORD", "Wrong-but-secret-42")
    text = SUITE.split('scenario "administer"')[0] + (
        'scenario "wrong" on shop {\n    enterprise sign in as "ada" password admin_password\n}\n'
    )
    _, events, _out = run_suite(text)
    (finished,) = _finished(events)
    assert finished.failure.code == "PAN942"
    assert "Wrong-but-secret-42" not in json.dumps([e.to_json() for e in events])
