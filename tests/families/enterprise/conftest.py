"""Fixtures for the enterprise family: every store test runs on SQLite and on a real PostgreSQL.

The PostgreSQL server is a throwaway cluster (initdb + pg_ctl, as the `postgres` user when the tests
run as root) on a free 127.0.0.1 port in a temporary folder, one per test process, stopped at the
end. Each test gets a new database in it. Without Debian's PostgreSQL installed the PostgreSQL half
is skipped with the reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from panoptic.families.enterprise.service import Enterprise, Principal
from panoptic.families.enterprise.store import Store

ADMIN = "ada"
ADMIN_PASSWORD = "Tr0ub4dor&3-horse"  # meets the default policy (12+ characters, 3+ kinds)
USER_PASSWORD = "Correct-Battery-9"


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class PgCluster:
    """A running throwaway PostgreSQL cluster."""

    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name


def _as_postgres(args: list[str], **kwargs: object) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; scripts/setup.sh does it)")
    root = Path(tempfile.mkdtemp(prefix="panoptic-pg-"))
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
    data, port, user = root / "data", _free_port(), "pan"
    pg_ctl = str(bin_dir / "pg_ctl")
    _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", user, "--no-sync"])
    options = f"-k {root} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off -c full_page_writes=off"
    _as_postgres([pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"])
    try:
        yield PgCluster(port, user)
    finally:
        try:
            _as_postgres([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL for a new, empty store of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / '.panoptic' / 'enterprise.db'}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.url(cluster.create_database())


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path, db_url)
    yield opened
    opened.close()


@pytest.fixture
def ent(store: Store) -> Enterprise:
    return Enterprise(store)


@pytest.fixture
def admin(ent: Enterprise) -> Principal:
    return ent.init_admin(ADMIN, ADMIN_PASSWORD)


def make_user(ent: Enterprise, admin: Principal, name: str, role: str) -> Principal:
    """Create a user and return them signed in by password."""
    ent.create_user(admin, name, role, USER_PASSWORD)
    return ent.authenticate(name, USER_PASSWORD)


def dump_tables(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, for exact comparisons."""
    from sqlalchemy import select

    from panoptic.families.enterprise import schema

    out: dict[str, list[tuple]] = {}
    with store.read() as conn:
        for table in schema.TABLES:
            out[table.name] = sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
    return out
