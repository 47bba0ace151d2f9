"""`cleanup data older than …`: a dry run counts, a real run deletes exactly the old data, both are audited."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from panoptic.families.enterprise import audit, schema
from panoptic.families.enterprise.errors import InvalidRequest
from panoptic.families.enterprise.service import Enterprise, Principal
from panoptic.families.enterprise.store import utcnow

from .conftest import ADMIN, ADMIN_PASSWORD

DAY = 86400


def _age(ent: Enterprise, days: int) -> None:
    """Make one run, one session and one key `days` old, with an artifact file of the same age."""
    old = utcnow() - timedelta(days=days)
    project = ent.store.project_dir
    run_dir = project / f"out-{days}"
    run_dir.mkdir()
    (run_dir / "results.jsonl.gz").write_bytes(b"x")
    run_id = ent.record_run(run_dir)
    token, _ = ent.sign_in(ADMIN, ADMIN_PASSWORD)
    with ent.store.write(lock=False) as conn:
        conn.execute(update(schema.runs).where(schema.runs.c.id == run_id).values(started_at=old))
        conn.execute(update(schema.sessions).where(schema.sessions.c.expires_at > utcnow()).values(expires_at=old))
    admin = ent.authenticate(ADMIN, ADMIN_PASSWORD)
    ent.create_key(admin, f"key-{days}", ADMIN, ["status:read"], expires_in=3600)
    with ent.store.write(lock=False) as conn:
        conn.execute(update(schema.api_keys).where(schema.api_keys.c.name == f"key-{days}").values(expires_at=old))
    artifact = ent.store.panoptic_dir / "artifacts" / f"shot-{days}.png"
    artifact.parent.mkdir(parents=True, exist_ok=True)
    artifact.write_bytes(b"png")
    stamp = time.time() - days * DAY
    os.utime(artifact, (stamp, stamp))
    assert token


def _count(ent: Enterprise, table: schema.Table) -> int:
    with ent.store.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_dry_run_counts_and_keeps_everything(ent: Enterprise, admin: Principal) -> None:
    _age(ent, 200)
    _age(ent, 10)
    counts = ent.cleanup(admin, 90 * DAY, dry_run=True)
    assert counts == {"runs": 1, "run_folders": 1, "artifacts": 1, "sessions": 1, "api_keys": 1}
    assert _count(ent, schema.runs) == 2 and _count(ent, schema.api_keys) == 2
    assert (ent.store.project_dir / "out-200").is_dir()
    assert (ent.store.panoptic_dir / "artifacts" / "shot-200.png").is_file()


def test_cleanup_deletes_the_old_and_keeps_the_recent(ent: Enterprise, admin: Principal) -> None:
    _age(ent, 200)
    _age(ent, 10)
    counts = ent.cleanup(admin, 90 * DAY)
    assert counts == {"runs": 1, "run_folders": 1, "artifacts": 1, "sessions": 1, "api_keys": 1}
    assert _count(ent, schema.runs) == 1
    with ent.store.read() as conn:
        assert conn.execute(select(schema.api_keys.c.name)).scalars().all() == ["key-10"]
    assert not (ent.store.project_dir / "out-200").exists()
    assert (ent.store.project_dir / "out-10").is_dir()
    assert sorted(p.name for p in (ent.store.panoptic_dir / "artifacts").iterdir()) == ["shot-10.png"]
    assert ent.cleanup(admin, 90 * DAY) == dict.fromkeys(counts, 0)
    entries = ent.audit_entries(admin, audit.Filters(action="data.cleanup"))
    assert [e["details"]["dry_run"] for e in entries] == [False, False]
    assert entries[0]["details"]["runs"] == 1


def test_run_folders_outside_the_project_are_never_deleted(
    ent: Enterprise, admin: Principal, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere")
    run_id = ent.record_run(outside)
    with ent.store.write(lock=False) as conn:
        conn.execute(
            update(schema.runs).where(schema.runs.c.id == run_id).values(started_at=utcnow() - timedelta(days=400))
        )
    assert ent.cleanup(admin, 90 * DAY)["runs"] == 1
    assert outside.is_dir()


def test_a_cleanup_age_under_a_day_is_refused(ent: Enterprise, admin: Principal) -> None:
    with pytest.raises(InvalidRequest, match="at least 1d"):
        ent.cleanup(admin, 3600)
