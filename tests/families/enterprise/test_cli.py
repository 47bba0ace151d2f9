"""`panoptic enterprise …` through Typer's test runner: coded errors, never a traceback, no secret printed."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import typer
from sqlalchemy import update
from typer.testing import CliRunner

from panoptic.families.enterprise import schema
from panoptic.families.enterprise.cli import register
from panoptic.families.enterprise.store import Store

from .conftest import ADMIN_PASSWORD, USER_PASSWORD


@pytest.fixture
def cli(db_url: str, tmp_path: Path):
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        """The test's root."""

    runner = CliRunner()
    env = {
        "PANOPTIC_DATABASE_URL": db_url,
        "ADMIN_PW": ADMIN_PASSWORD,
        "USER_PW": USER_PASSWORD,
        "PANOPTIC_ENTERPRISE_PASSWORD": ADMIN_PASSWORD,
        "PANOPTIC_API_KEY": "",
    }
    outputs: list[str] = []

    def run(*args: str, code: int = 0, **extra: str):
        result = runner.invoke(app, ["enterprise", "--project", str(tmp_path), *args], env={**env, **extra})
        text = result.stdout + (result.stderr or "")
        outputs.append(text)
        assert "Traceback" not in text
        assert result.exit_code == code, text
        return text

    run.outputs = outputs  # type: ignore[attr-defined]
    yield run
    for text in outputs:
        assert ADMIN_PASSWORD not in text and USER_PASSWORD not in text


def test_init_once_then_act_as_the_administrator(cli) -> None:
    assert "created administrator ada" in cli("init", "--name", "ada", "--password-env", "ADMIN_PW")
    assert "error[PAN943]" in cli("init", "--name", "eve", "--password-env", "ADMIN_PW", code=1)
    assert "error[PAN948]" in cli("status", code=1)
    cli("--as", "ada", "user", "create", "bob", "--role", "developer", "--password-env", "USER_PW")
    out = cli("--as", "ada", "user", "create", "carl", "--role", "develper", "--password-env", "USER_PW", code=1)
    assert "error[PAN943]: unknown role `develper`" in out and "did you mean `developer`?" in out
    listed = cli("--as", "ada", "user", "list")
    assert "bob" in listed and "developer" in listed
    assert "error[PAN942]" in cli("--as", "ada", "status", code=1, PANOPTIC_ENTERPRISE_PASSWORD="Not-the-one-99")
    denied = cli("--as", "bob", "user", "create", "x", "--role", "viewer", "--password-env", "USER_PW", code=1,
                 PANOPTIC_ENTERPRISE_PASSWORD=USER_PASSWORD)  # fmt: skip
    assert "error[PAN941]" in denied


def test_api_keys_printed_once_and_usable(cli) -> None:
    cli("init", "--name", "ada", "--password-env", "ADMIN_PW")
    out = cli("--as", "ada", "api-key", "create", "ci", "--scope", "status:read", "--expires-in", "7d")
    key = out.splitlines()[0]
    assert key.startswith("pan_") and "not shown again" in out
    status = cli("status", PANOPTIC_API_KEY=key)
    assert "schema revision: 0001" in status and "audit chain intact" in status
    assert "error[PAN941]" in cli("--as", "ada", "user", "list", code=1, PANOPTIC_API_KEY=key)
    listed = cli("--as", "ada", "api-key", "list")
    assert key not in listed and key.split("_")[1] in listed
    cli("--as", "ada", "api-key", "revoke", "ci")
    assert "revoked" in cli("status", code=1, PANOPTIC_API_KEY=key)


def test_audit_verify_report_and_tampering(cli, db_url: str, tmp_path: Path) -> None:
    cli("init", "--name", "ada", "--password-env", "ADMIN_PW")
    cli("--as", "ada", "team", "create", "web")
    assert "audit chain intact" in cli("--as", "ada", "audit", "verify")
    report = tmp_path / "audit.csv"
    cli("--as", "ada", "audit", "report", "--action", "team.create", "--format", "csv", "-o", str(report))
    assert report.read_text().splitlines()[1].split(",")[3] == "team.create"
    store = Store.open(tmp_path, db_url)
    with store.write(lock=False) as conn:
        conn.execute(update(schema.audit_log).where(schema.audit_log.c.seq == 2).values(actor="mallory"))
    store.close()
    out = cli("--as", "ada", "audit", "verify", code=1)
    assert "entry 2: its content does not match its hash (edited)" in out and "error[PAN944]" in out


def test_compliance_licence_settings_cleanup(cli, tmp_path: Path) -> None:
    cli("init", "--name", "ada", "--password-env", "ADMIN_PW")
    out = cli("--as", "ada", "compliance", "check", "soc2", code=1)
    assert "FAIL  backups" in out and "PASS  password-policy" in out and "error[PAN945]" in out
    assert "error[PAN943]" in cli("--as", "ada", "compliance", "check", "soc3", code=1)
    assert "open-source limits apply" in cli("--as", "ada", "license", "info")
    keys = tmp_path / "issuer"
    cli("license", "keygen", "--out", str(keys))
    public = (keys / "issuer.pub").read_text().strip()
    lic = tmp_path / "licence.json"
    cli("license", "issue", "--private-key", str(keys / "issuer.key"), "--licensee", "Example", "--max-users", "50",
        "--max-projects", "20", "--expires", "2099-01-01", "-o", str(lic))  # fmt: skip
    cli("--as", "ada", "license", "install", str(lic), PANOPTIC_LICENSE_KEYS=public)
    assert "licensed to Example until 2099-01-01" in cli("--as", "ada", "license", "info", PANOPTIC_LICENSE_KEYS=public)
    assert "not valid" in cli("--as", "ada", "license", "info", code=1)  # the issuer is not trusted here
    cli("--as", "ada", "settings", "set", "retention_days", "30")
    assert "retention_days = 30" in cli("--as", "ada", "settings", "show")
    assert "error[PAN943]" in cli("--as", "ada", "settings", "set", "retention_day", "30", code=1)
    assert "would delete: 0 runs" in cli("--as", "ada", "cleanup", "data", "--older-than", "90d", "--dry-run")


def test_backup_verify_and_restore_elsewhere(cli, db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    cli("init", "--name", "ada", "--password-env", "ADMIN_PW")
    cli("--as", "ada", "project", "create", "shop")
    archive = Path(cli("--as", "ada", "backup", "data", "--to", str(tmp_path / "b")).splitlines()[0])
    assert "files match their checksums" in cli("backup", "verify", str(archive))
    if db_url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path / 'other' / 'enterprise.db'}"
    else:
        cluster = request.getfixturevalue("pg_cluster")
        target = cluster.url(cluster.create_database())
    assert "restored" in cli("restore", str(archive), PANOPTIC_DATABASE_URL=target)
    assert "shop" in cli("--as", "ada", "project", "list", PANOPTIC_DATABASE_URL=target)
    assert "error[PAN947]" in cli("restore", str(archive), code=1, PANOPTIC_DATABASE_URL=target)


def test_an_unreachable_store_is_exit_3_without_the_password(cli) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql+psycopg://pan:very-secret-pw@127.0.0.1:{port}/x"
    out = cli("status", code=3, PANOPTIC_DATABASE_URL=url)
    assert "error[PAN940]" in out and "very-secret-pw" not in out
