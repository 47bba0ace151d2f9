"""The store: migrations, schema, transactions, connection failures."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from panoptic.families.enterprise import schema
from panoptic.families.enterprise.errors import InvalidRequest, StoreUnavailable
from panoptic.families.enterprise.service import Enterprise
from panoptic.families.enterprise.store import HEAD_REVISION, MIGRATIONS, Store

from .conftest import ADMIN_PASSWORD


def test_migration_creates_exactly_the_declared_schema(store: Store) -> None:
    with store.read() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert diffs == []
    assert store.schema_revision() == HEAD_REVISION


def test_head_revision_constant_matches_the_migration_scripts() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_reopening_a_migrated_store_keeps_its_data(db_url: str, tmp_path: Path) -> None:
    first = Enterprise(Store.open(tmp_path, db_url))
    first.init_admin("ada", ADMIN_PASSWORD)
    first.store.close()
    again = Enterprise(Store.open(tmp_path, db_url))
    assert again.initialised()
    assert again.authenticate("ada", ADMIN_PASSWORD).role == "admin"
    again.store.close()


def test_sqlite_store_is_a_wal_file_under_dot_panoptic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PANOPTIC_DATABASE_URL", raising=False)
    store = Store.open(tmp_path)
    assert store.sqlite_path == (tmp_path / ".panoptic" / "enterprise.db").resolve()
    store.close()
    with sqlite3.connect(tmp_path / ".panoptic" / "enterprise.db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_database_url_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "elsewhere.db"
    monkeypatch.setenv("PANOPTIC_DATABASE_URL", f"sqlite:///{target}")
    store = Store.open(tmp_path / "project")
    assert store.sqlite_path == target
    store.close()
    assert target.exists()


def test_a_failed_operation_changes_nothing(ent: Enterprise) -> None:
    admin = ent.init_admin("ada", ADMIN_PASSWORD)
    with ent.store.read() as conn:
        before = conn.execute(schema.audit_head.select()).one()
    with pytest.raises(InvalidRequest):
        ent.create_user(admin, "bob", "developer", "short")
    with pytest.raises(InvalidRequest):
        ent.create_team(admin, "web", lead="nobody")
    with ent.store.read() as conn:
        assert conn.execute(schema.audit_head.select()).one() == before
        assert conn.execute(schema.teams.select()).all() == []


def test_unreachable_postgresql_is_pan940(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(StoreUnavailable) as info:
        Store.open(tmp_path, f"postgresql+psycopg://nobody:hunter2secret@127.0.0.1:{port}/none")
    assert info.value.code == "PAN940"
    assert "hunter2secret" not in info.value.message
    assert "***" in info.value.message


@pytest.mark.parametrize(
    ("url", "words"),
    [("mysql://x@localhost/db", "unsupported database"), ("sqlite://", "must be a file"), ("::not a url", "parsed")],
)
def test_bad_database_urls_are_pan940(tmp_path: Path, url: str, words: str) -> None:
    with pytest.raises(StoreUnavailable, match=words):
        Store.open(tmp_path, url)
