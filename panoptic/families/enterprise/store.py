"""The enterprise store: one SQLAlchemy engine on SQLite (default) or PostgreSQL, migrated by Alembic.

Every operation is one transaction. Writers take turns: on SQLite each write transaction starts with
`BEGIN IMMEDIATE` (WAL journal, a busy timeout of 30 s), on PostgreSQL it locks the audit chain's
head row first. So two processes creating users at once both succeed, the audit chain never forks,
and licence limits are counted under the lock.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from panoptic.families.enterprise import schema
from panoptic.families.enterprise.errors import StoreUnavailable

URL_ENV = "PANOPTIC_DATABASE_URL"
HEAD_REVISION = "0001"
MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_NAME = "enterprise.db"

DEFAULT_SETTINGS: dict[str, Any] = {
    "password_min_length": 12,
    "password_classes": 3,  # of: lower case, upper case, digit, other
    "lockout_threshold": 5,  # failed sign-ins in a row before the account locks
    "lockout_minutes": 15,
    "session_hours": 8,
    "key_max_days": 90,  # API keys must expire within this many days of creation
    "inactive_days": 90,  # accounts unused this long count as inactive
    "retention_days": None,  # unset until an administrator decides (`settings set retention_days 90`)
    "backup_max_age_days": 7,
}


def utcnow() -> datetime:
    """The current time in UTC, naive (the store keeps UTC without an offset)."""
    return datetime.now(UTC).replace(tzinfo=None)


def default_url(project_dir: Path) -> str:
    """`PANOPTIC_DATABASE_URL`, else the SQLite file under the project's `.panoptic/`."""
    url = os.environ.get(URL_ENV, "").strip()
    if url:
        return url
    return f"sqlite:///{(project_dir / '.panoptic' / SQLITE_NAME).resolve()}"


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparsable database URL>"


class Store:
    """An open, migrated store. `write()` and `read()` each give one transaction."""

    def __init__(self, url: str, project_dir: Path) -> None:
        self.url = url
        self.project_dir = project_dir
        try:
            parsed = make_url(url)
        except Exception:
            raise StoreUnavailable(
                "the database URL cannot be parsed", help=f"set {URL_ENV} to e.g. postgresql+psycopg://user@host/db"
            ) from None
        self.kind = parsed.get_backend_name()
        if self.kind not in ("sqlite", "postgresql"):
            raise StoreUnavailable(
                f"unsupported database `{self.kind}`", help="use SQLite (the default) or a postgresql+psycopg:// URL"
            )
        self.sqlite_path: Path | None = None
        if self.kind == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise StoreUnavailable("the SQLite store must be a file", help="give a sqlite:////path/to/file.db URL")
            self.sqlite_path = Path(parsed.database)
            try:
                self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreUnavailable(f"cannot create {self.sqlite_path.parent}: {exc.strerror}") from None
            self.engine = create_engine(url, connect_args={"timeout": 30})
            _sqlite_events(self.engine)
        else:
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            try:
                self.engine = create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})
            except ModuleNotFoundError as exc:
                raise StoreUnavailable(
                    f"PostgreSQL needs `{exc.name}`, which is not installed",
                    help='pip install "panoptic-lang[enterprise]"',
                ) from None
        self.migrate()

    @classmethod
    def open(cls, project_dir: Path, url: str | None = None) -> Store:
        """The store for a project: `url`, else `PANOPTIC_DATABASE_URL`, else `.panoptic/enterprise.db`."""
        return cls(url or default_url(project_dir), project_dir)

    @property
    def panoptic_dir(self) -> Path:
        return self.project_dir / ".panoptic"

    def describe(self) -> str:
        """Where the store is, without a password."""
        return str(self.sqlite_path) if self.sqlite_path is not None else safe_url(self.url)

    def migrate(self) -> None:
        """Bring the schema to the newest revision (a no-op when it is there already)."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext

        with self.write(lock=False) as conn:
            if self.kind == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(4094401)"))  # one migrator at a time
            if MigrationContext.configure(conn).get_current_revision() == HEAD_REVISION:
                return
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def schema_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.read() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    @contextmanager
    def write(self, *, lock: bool = True) -> Iterator[Connection]:
        """One write transaction; with `lock`, writers take turns on the audit chain's head."""
        try:
            with self.engine.begin() as conn:
                if lock and self.kind == "postgresql":
                    conn.execute(select(schema.audit_head.c.seq).where(schema.audit_head.c.id == 1).with_for_update())
                yield conn
        except DBAPIError as exc:
            if exc.connection_invalidated or _is_connect_error(exc):
                raise StoreUnavailable(
                    f"the store at {self.describe()} cannot be reached: {_first_line(exc)}",
                    help=f"check {URL_ENV} and that the database server is running",
                ) from None
            raise

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction (a consistent snapshot)."""
        try:
            with self.engine.connect() as raw:
                conn = raw.execution_options(panoptic_read=True)
                with conn.begin():
                    yield conn
        except DBAPIError as exc:
            if exc.connection_invalidated or _is_connect_error(exc):
                raise StoreUnavailable(
                    f"the store at {self.describe()} cannot be reached: {_first_line(exc)}",
                    help=f"check {URL_ENV} and that the database server is running",
                ) from None
            raise

    def settings(self, conn: Connection) -> dict[str, Any]:
        """The effective settings: defaults overlaid with the stored values."""
        found = dict(DEFAULT_SETTINGS)
        for key, value in conn.execute(select(schema.settings.c.key, schema.settings.c.value)):
            found[key] = json.loads(value)
        return found

    def health(self) -> tuple[bool, str]:
        """Whether the store answers and passes its integrity check, with what was checked."""
        try:
            with self.read() as conn:
                if self.kind == "sqlite":
                    result = conn.exec_driver_sql("PRAGMA quick_check").scalar()
                    return result == "ok", f"SQLite quick_check: {result}"
                version = conn.exec_driver_sql("SHOW server_version").scalar()
                return True, f"PostgreSQL {version} answers"
        except (SQLAlchemyError, StoreUnavailable) as exc:
            return False, _first_line(exc)

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's events below issue BEGIN themselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("panoptic_read") else "BEGIN IMMEDIATE")


def _is_connect_error(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    return any(
        word in message for word in ("connection refused", "could not connect", "unable to open", "connection failed")
    )


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]
