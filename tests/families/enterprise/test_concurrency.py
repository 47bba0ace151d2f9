"""Two processes writing at once lose nothing, keep one audit chain and never exceed a licence limit."""

from __future__ import annotations

import multiprocessing
from datetime import date, timedelta
from pathlib import Path

import pytest

from panoptic.families.enterprise import licence, schema
from panoptic.families.enterprise.errors import LicenceError
from panoptic.families.enterprise.service import Enterprise, Principal
from panoptic.families.enterprise.store import Store

from .conftest import ADMIN, ADMIN_PASSWORD

PER_PROCESS = 8
PASSWORD = "Parallel-Pass-77"


def _create_users(url: str, project: str, tag: str) -> None:
    ent = Enterprise(Store.open(Path(project), url))
    admin = ent.authenticate(ADMIN, ADMIN_PASSWORD)
    for n in range(PER_PROCESS):
        try:
            ent.create_user(admin, f"{tag}-{n}", "viewer", PASSWORD)
        except LicenceError:
            break
    ent.store.close()


def _licensed(ent: Enterprise, admin: Principal, monkeypatch: pytest.MonkeyPatch, max_users: int) -> None:
    private, public = licence.keygen()
    monkeypatch.setenv(licence.KEYS_ENV, public)  # inherited by the worker processes
    payload = {
        "licensee": "Test",
        "id": "t",
        "issued": date.today().isoformat(),
        "expires": (date.today() + timedelta(days=30)).isoformat(),
        "max_users": max_users,
        "max_projects": 10,
    }
    ent.install_licence(admin, licence.issue(private, payload))


def _race(db_url: str, tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_create_users, args=(db_url, str(tmp_path), tag)) for tag in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]


def test_two_processes_creating_users_at_once(
    ent: Enterprise, admin: Principal, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _licensed(ent, admin, monkeypatch, 100)
    _race(db_url, tmp_path)
    names = [u["name"] for u in ent.list_users(admin)]
    assert sorted(names) == sorted([ADMIN] + [f"{t}-{n}" for t in "ab" for n in range(PER_PROCESS)])
    result = ent.audit_verify(admin)
    assert result.intact, result.summary()
    assert result.entries == 2 + 2 * (1 + PER_PROCESS)  # init, licence; per process one sign-in and its users


def test_a_licence_limit_holds_under_concurrent_creation(
    ent: Enterprise, admin: Principal, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _licensed(ent, admin, monkeypatch, 6)
    _race(db_url, tmp_path)
    assert len(ent.list_users(admin)) == 6
    assert ent.audit_verify(admin).intact


def _open_and_count(url: str, project: str, queue: multiprocessing.Queue) -> None:
    store = Store.open(Path(project), url)
    queue.put(store.schema_revision())
    store.close()


def test_processes_opening_a_new_store_at_once_migrate_it_once(db_url: str, tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_open_and_count, args=(db_url, str(tmp_path / "p"), queue)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert sorted(queue.get(timeout=5) for _ in workers) == ["0001", "0001", "0001"]
    store = Store.open(tmp_path / "p", db_url)
    with store.read() as conn:
        assert conn.execute(schema.audit_head.select()).all() == [(1, 0, schema.GENESIS)]
    store.close()
