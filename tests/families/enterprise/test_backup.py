"""Backups: a real tar.gz with a checksum manifest; restore round-trips every table; corruption is refused."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from panoptic.families.enterprise import backup
from panoptic.families.enterprise.errors import BackupError
from panoptic.families.enterprise.service import Enterprise, Principal
from panoptic.families.enterprise.store import Store

from .conftest import USER_PASSWORD, dump_tables


def _fill(ent: Enterprise, admin: Principal) -> None:
    ent.create_user(admin, "bob", "developer", USER_PASSWORD)
    ent.create_team(admin, "web", lead="bob")
    ent.create_project(admin, "shop", team="web")
    ent.create_key(admin, "ci", "bob", ["status:read"])
    ent.sign_in("bob", USER_PASSWORD)
    ent.set_setting(admin, "retention_days", 30)
    artifacts = ent.store.panoptic_dir / "artifacts" / "run-1"
    artifacts.mkdir(parents=True)
    (artifacts / "shot.png").write_bytes(bytes(range(256)) * 10)


def _empty_store_like(store: Store, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    if store.kind == "sqlite":
        return Store.open(tmp_path / "restored", f"sqlite:///{tmp_path / 'restored' / '.panoptic' / 'enterprise.db'}")
    cluster = request.getfixturevalue("pg_cluster")
    return Store.open(tmp_path / "restored", cluster.url(cluster.create_database()))


def test_backup_restore_round_trips_every_table(
    ent: Enterprise, admin: Principal, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    _fill(ent, admin)
    original = dump_tables(ent.store)  # what the backup's snapshot holds (recording it comes after)
    info = ent.backup(admin, tmp_path / "backups")
    with tarfile.open(info.path, "r:gz") as tar:
        names = tar.getnames()
    assert names[0] == "manifest.json"
    assert "artifacts/run-1/shot.png" in names
    assert ("store.sqlite" if ent.store.kind == "sqlite" else "store.pgdump") in names
    assert Path(f"{info.path}.sha256").read_text().split()[0] == info.sha256 == backup.file_sha256(info.path)

    target = _empty_store_like(ent.store, tmp_path, request)
    restored_ent = Enterprise(target)
    restored_ent.restore(info.path)
    restored = dump_tables(target)
    for table, rows in original.items():
        if table in ("audit_log", "audit_head"):
            continue
        assert restored[table] == rows, table
    head = original["audit_head"][0]
    assert restored["audit_log"][: head[1]] == original["audit_log"]  # every entry, then the restore's own
    assert [r[3] for r in restored["audit_log"][head[1] :]] == ["data.restore"]
    assert restored_ent.audit_verify(restored_ent.authenticate("ada", "Tr0ub4dor&3-horse")).intact
    assert (tmp_path / "restored" / ".panoptic" / "artifacts" / "run-1" / "shot.png").read_bytes() == bytes(
        range(256)
    ) * 10
    target.close()


def _rewrite(archive: Path, out: Path, change: dict[str, bytes | None]) -> None:
    """Copy an archive, replacing (bytes) or dropping (None) members, keeping the original manifest."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name in change:
                if change[member.name] is None:
                    continue
                data = change[member.name]  # type: ignore[assignment]
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_a_corrupted_member_is_named(ent: Enterprise, admin: Principal, tmp_path: Path) -> None:
    _fill(ent, admin)
    info = ent.backup(admin, tmp_path / "backups")
    bad = tmp_path / "bad.tar.gz"
    _rewrite(info.path, bad, {"artifacts/run-1/shot.png": b"not the picture"})
    with pytest.raises(BackupError, match=r"`artifacts/run-1/shot\.png` fails its checksum") as exc:
        backup.verify(bad)
    assert exc.value.code == "PAN947"
    missing = tmp_path / "missing.tar.gz"
    _rewrite(info.path, missing, {"artifacts/run-1/shot.png": None})
    with pytest.raises(BackupError, match="listed in the manifest but missing"):
        backup.verify(missing)


def test_a_damaged_archive_file_is_refused(ent: Enterprise, admin: Principal, tmp_path: Path) -> None:
    info = ent.backup(admin, tmp_path / "backups")
    data = bytearray(info.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    info.path.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="does not match its checksum"):
        backup.verify(info.path)
    Path(f"{info.path}.sha256").unlink()
    with pytest.raises(BackupError, match=r"cannot be read|fails its checksum"):
        backup.verify(info.path)
    not_a_backup = tmp_path / "plain.tar.gz"
    not_a_backup.write_text("just text, named like an archive")
    with pytest.raises(BackupError, match=r"cannot be read as a tar\.gz"):
        backup.verify(not_a_backup)


def test_restore_refuses_a_store_with_data(ent: Enterprise, admin: Principal, tmp_path: Path) -> None:
    info = ent.backup(admin, tmp_path / "backups")
    with pytest.raises(BackupError, match="not empty"):
        ent.restore(info.path)


def test_the_manifest_lists_sizes_and_revision(ent: Enterprise, admin: Principal, tmp_path: Path) -> None:
    info = ent.backup(admin, tmp_path / "backups")
    with tarfile.open(info.path, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["store_kind"] == ent.store.kind and manifest["schema_revision"] == "0001"
    assert all(len(entry["sha256"]) == 64 and entry["size"] > 0 for entry in manifest["files"].values())
    assert ent.status(admin)["last_backup"]["path"] == str(info.path.resolve())


def test_a_trial_restore_opens_the_store_copy(ent: Enterprise, admin: Principal, tmp_path: Path) -> None:
    info = ent.backup(admin, tmp_path / "backups")
    said = backup.trial_restore(info.path)
    if ent.store.kind == "sqlite":
        assert said == "the store copy passes SQLite's integrity check at schema revision 0001"
    else:
        assert said.startswith("pg_restore reads the dump (") and said != "pg_restore reads the dump (0 entries)"
    controls = {c.id: c for c in ent.compliance(admin, "soc2").controls}
    assert controls["backups"].passed and said in controls["backups"].evidence


def test_a_store_copy_that_is_not_a_database_is_not_restorable(tmp_path: Path) -> None:
    junk = tmp_path / "store.sqlite"
    junk.write_bytes(b"this is not a database file, whatever its checksum says" * 100)
    manifest = {
        "format": backup.FORMAT,
        "created": "2026-01-01T00:00:00Z",
        "store_kind": "sqlite",
        "schema_revision": "0001",
        "files": {"store.sqlite": {"sha256": backup.file_sha256(junk), "size": junk.stat().st_size}},
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    archive = tmp_path / "forged.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "manifest.json", arcname="manifest.json")
        tar.add(junk, arcname="store.sqlite")
    backup.verify(archive)  # every checksum matches …
    with pytest.raises(BackupError, match=r"cannot be opened|integrity check"):
        backup.trial_restore(archive)  # … but it is no store
