"""Backups: a consistent online copy of the store plus the project's artifacts in a tar.gz.

The archive holds `manifest.json` (format, time, store kind, schema revision, and the SHA-256 and size
of every other file), the store (`store.sqlite` made with SQLite's online backup API, or
`store.pgdump` made with `pg_dump --format=custom`) and `artifacts/…` (the files under
`.panoptic/artifacts/`). A `<archive>.sha256` file next to it holds the archive's own checksum.
Restoring verifies every checksum first and names the file that fails; it restores only into an
empty store of the same kind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from panoptic.families.enterprise import schema
from panoptic.families.enterprise.errors import BackupError
from panoptic.families.enterprise.store import Store, utcnow

MANIFEST = "manifest.json"
FORMAT = 1
_CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupInfo:
    """A written (and re-verified) archive."""

    path: Path
    sha256: str
    size: int
    files: int
    store_kind: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without its password, and the environment that carries the password."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"`{name}` is not installed", help="install PostgreSQL's client tools (`apt-get install postgresql-client`)"
        )
    return found


def _dump_store(store: Store, staging: Path) -> Path:
    if store.kind == "sqlite":
        assert store.sqlite_path is not None
        target = staging / "store.sqlite"
        src = sqlite3.connect(store.sqlite_path, timeout=30)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # a consistent snapshot while others keep writing
        finally:
            dst.close()
            src.close()
        return target
    target = staging / "store.pgdump"
    url, env = libpq(store.url)
    done = subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", "--file", str(target), "--dbname", url],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {(done.stderr.strip().splitlines() or ['no message'])[-1]}")
    return target


def create(store: Store, dest: Path, revision: str | None) -> BackupInfo:
    """Write `panoptic-backup-<time>.tar.gz` into `dest`, then re-read it to check every checksum."""
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot create the backup folder {dest}: {exc.strerror}") from None
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    final = dest / f"panoptic-backup-{stamp}.tar.gz"
    artifacts = store.panoptic_dir / "artifacts"
    with tempfile.TemporaryDirectory(prefix=".panoptic-backup-", dir=dest) as tmp:
        staging = Path(tmp)
        dump = _dump_store(store, staging)
        members: list[tuple[str, Path]] = [(dump.name, dump)]
        if artifacts.is_dir():
            for path in sorted(artifacts.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    members.append((f"artifacts/{path.relative_to(artifacts).as_posix()}", path))
        manifest = {
            "format": FORMAT,
            "created": utcnow().isoformat(timespec="seconds") + "Z",
            "store_kind": store.kind,
            "schema_revision": revision,
            "files": {name: {"sha256": file_sha256(path), "size": path.stat().st_size} for name, path in members},
        }
        manifest_path = staging / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        partial = staging / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=1) as tar:
            tar.add(manifest_path, arcname=MANIFEST)
            for name, path in members:
                tar.add(path, arcname=name, recursive=False)
        os.replace(partial, final)
    verify(final)
    digest = file_sha256(final)
    Path(f"{final}.sha256").write_text(f"{digest}  {final.name}\n", encoding="utf-8")
    return BackupInfo(final, digest, final.stat().st_size, len(members), store.kind)


def verify(archive: Path) -> dict[str, Any]:
    """The archive's manifest once every file matches its checksum; else `BackupError` naming the file."""
    sidecar = Path(f"{archive}.sha256")
    if sidecar.is_file():
        expected = sidecar.read_text(encoding="utf-8").split()[0] if sidecar.read_text(encoding="utf-8").split() else ""
        if expected and file_sha256(archive) != expected:
            raise BackupError(f"{archive.name} does not match its checksum in {sidecar.name}: the archive is corrupted")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = _manifest(tar, archive)
            seen: set[str] = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if not member.isfile():
                    raise BackupError(f"{archive.name}: `{member.name}` is not a regular file")
                entry = manifest["files"].get(member.name)
                if entry is None:
                    raise BackupError(f"{archive.name}: `{member.name}` is not in the manifest")
                fh = tar.extractfile(member)
                assert fh is not None
                digest = hashlib.sha256()
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
                if digest.hexdigest() != entry["sha256"]:
                    raise BackupError(f"{archive.name}: `{member.name}` fails its checksum: the archive is corrupted")
                seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive.name} cannot be read as a tar.gz archive: {exc}") from None
    missing = sorted(set(manifest["files"]) - seen)
    if missing:
        raise BackupError(f"{archive.name}: `{missing[0]}` is listed in the manifest but missing from the archive")
    return manifest


def trial_restore(archive: Path) -> str:
    """Verify the archive, then open its store copy the way a restore would; what was checked, or `BackupError`.

    A SQLite copy must pass `PRAGMA integrity_check` and carry a schema revision; a PostgreSQL dump
    must be readable by `pg_restore --list`.
    """
    manifest = verify(archive)
    with tempfile.TemporaryDirectory(prefix=".panoptic-trial-") as tmp:
        with tarfile.open(archive, "r:gz") as tar:
            names = [n for n in ("store.sqlite", "store.pgdump") if n in manifest["files"]]
            if not names:
                raise BackupError(f"{archive.name} holds no store")
            tar.extract(names[0], tmp, filter="data")
        copy = Path(tmp) / names[0]
        if names[0] == "store.sqlite":
            conn = sqlite3.connect(copy)
            try:
                check = conn.execute("PRAGMA integrity_check").fetchone()[0]
                revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"{archive.name}: the store copy cannot be opened: {exc}") from None
            finally:
                conn.close()
            if check != "ok" or revision is None:
                raise BackupError(f"{archive.name}: the store copy fails SQLite's integrity check ({check})")
            return f"the store copy passes SQLite's integrity check at schema revision {revision[0]}"
        done = subprocess.run([_tool("pg_restore"), "--list", str(copy)], capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise BackupError(f"{archive.name}: pg_restore cannot read the dump: {done.stderr.strip()[:200]}")
        entries = sum(1 for line in done.stdout.splitlines() if line and not line.startswith(";"))
        return f"pg_restore reads the dump ({entries} entries)"


def _manifest(tar: tarfile.TarFile, archive: Path) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        fh = tar.extractfile(member)
        assert fh is not None
        manifest = json.loads(fh.read().decode("utf-8"))
    except (KeyError, ValueError, AssertionError):
        raise BackupError(f"{archive.name} has no readable {MANIFEST}: it is not a Panoptic backup") from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{archive.name}: unknown backup format {manifest.get('format')!r}")
    return manifest


def store_is_empty(store: Store) -> bool:
    with store.read() as conn:
        users = conn.execute(select(func.count()).select_from(schema.users)).scalar_one()
        entries = conn.execute(select(func.count()).select_from(schema.audit_log)).scalar_one()
    return users == 0 and entries == 0


def restore(store: Store, archive: Path) -> dict[str, Any]:
    """Restore an archive into an empty store of the same kind (artifacts into `.panoptic/artifacts/`)."""
    manifest = verify(archive)
    if manifest["store_kind"] != store.kind:
        raise BackupError(f"the archive holds a {manifest['store_kind']} store; this store is {store.kind}")
    if not store_is_empty(store):
        raise BackupError(
            f"the store at {store.describe()} is not empty; a backup is restored only into an empty store",
            help="point PANOPTIC_DATABASE_URL (or the project folder) at a new, empty store",
        )
    artifacts = store.panoptic_dir / "artifacts"
    with tempfile.TemporaryDirectory(prefix=".panoptic-restore-") as tmp:
        staging = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staging, filter="data")
        store.engine.dispose()
        if store.kind == "sqlite":
            assert store.sqlite_path is not None
            src = sqlite3.connect(staging / "store.sqlite")
            dst = sqlite3.connect(store.sqlite_path, timeout=30)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        else:
            with store.write(lock=False) as conn:
                schema.metadata.drop_all(conn)
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            url, env = libpq(store.url)
            done = subprocess.run(
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--no-acl",
                    "--exit-on-error",
                    "--dbname",
                    url,
                    str(staging / "store.pgdump"),
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=3600,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {(done.stderr.strip().splitlines() or ['no message'])[-1]}")
        store.engine.dispose()
        restored = staging / "artifacts"
        if restored.is_dir():
            for path in restored.rglob("*"):
                if path.is_file():
                    target = artifacts / path.relative_to(restored)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
    store.migrate()  # an archive from an older schema revision is brought up to date
    return manifest
