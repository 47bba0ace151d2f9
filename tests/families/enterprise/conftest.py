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

    def url(self, database: str = "postgres", sslmode: str = "disable") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}?sslmode={sslmode}"

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


def _self_signed(root: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, so that tests can ask for TLS (sslmode=require)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = root / "server.crt", root / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        for path in (cert_path, key_path):
            os.chown(path, pw.pw_uid, pw.pw_gid)
    return cert_path, key_path


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
    cert, key = _self_signed(root)
    options = (
        f"-k {root} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off -c full_page_writes=off"
        f" -c ssl=on -c ssl_cert_file={cert} -c ssl_key_file={key}"
    )
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
