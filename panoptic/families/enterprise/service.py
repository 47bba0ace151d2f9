"""The enterprise operations, shared by the statements and the `panoptic enterprise` commands.

Each public method is one transaction: it checks the principal's permission (a denial is audited in
its own transaction and raised as `PermissionDenied`), does its work and appends its audit entry, or
changes nothing.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from panoptic.families.enterprise import audit, licence, schema, security
from panoptic.families.enterprise.errors import (
    AuthenticationFailed,
    InvalidRequest,
    LicenceError,
    NotInitialised,
    PermissionDenied,
)
from panoptic.families.enterprise.names import PERMISSIONS, ROLES, SCOPES, allowed, did_you_mean
from panoptic.families.enterprise.store import DEFAULT_SETTINGS, Store, utcnow

U, S, K, P, T, M = schema.users, schema.sessions, schema.api_keys, schema.projects, schema.teams, schema.team_members
LAST_USED_RESOLUTION = timedelta(minutes=1)  # a key's last-used time is written at most once a minute


@dataclass(frozen=True)
class Principal:
    """Who acts: a user through a password, a session or an API key (then limited to its scopes)."""

    user_id: int
    name: str
    role: str
    via: str  # password | session | key
    scopes: frozenset[str] | None = None
    key_name: str | None = None

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission) and (self.scopes is None or permission in self.scopes)

    @property
    def label(self) -> str:
        return f"{self.name} (key {self.key_name})" if self.key_name else self.name


@dataclass(frozen=True)
class CreatedKey:
    """A new API key: `key` is shown once and never stored."""

    name: str
    user: str
    key: str
    prefix: str
    scopes: tuple[str, ...]
    expires_at: datetime | None


def _check_setting(key: str, value: Any) -> Any:
    if key not in DEFAULT_SETTINGS:
        raise InvalidRequest(f"unknown setting `{key}`", help=did_you_mean(key, DEFAULT_SETTINGS, "settings"))
    if value is None and key == "retention_days":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidRequest(f"`{key}` takes a whole number, not {value!r}") from None
    low = {"password_classes": 1, "password_min_length": 1}.get(key, 1)
    high = {"password_classes": 4}.get(key, 100000)
    if not low <= number <= high:
        raise InvalidRequest(f"`{key}` must be between {low} and {high}")
    return number


class Enterprise:
    """The operations on one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- principals -------------------------------------------------------------------------------

    def initialised(self) -> bool:
        with self.store.read() as conn:
            return conn.execute(select(func.count()).select_from(U)).scalar_one() > 0

    def init_admin(self, name: str, password: str, email: str | None = None) -> Principal:
        """Create the first administrator; refused once any user exists."""
        name = _name(name, "user")
        with self.store.write() as conn:
            if conn.execute(select(func.count()).select_from(U)).scalar_one():
                raise InvalidRequest(
                    "the store has users already; `init` only creates the first administrator",
                    help="sign in as an administrator and use `panoptic enterprise user create`",
                )
            settings = self.store.settings(conn)
            self._policy(password, settings, name)
            user_id = self._insert_user(conn, name, "admin", password, email)
            audit.append(conn, actor="system", action="store.init", target=name, details={"role": "admin"})
        return Principal(user_id, name, "admin", "password")

    def authenticate(self, name: str, password: str) -> Principal:
        """Check a password; failures count towards lock-out and are audited."""
        now = utcnow()
        with self.store.write() as conn:
            settings = self.store.settings(conn)
            row = conn.execute(select(U).where(U.c.name == name)).one_or_none()
            if row is None:
                security.verify_password(_dummy_hash(), password)  # same cost as a real check
                audit.append(
                    conn, actor=name, action="auth.login", target=name, outcome="failed", severity="warning",
                    details={"reason": "unknown user"},
                )  # fmt: skip
                failure = AuthenticationFailed("wrong user name or password")
            elif not row.active:
                audit.append(
                    conn, actor=name, action="auth.login", target=name, outcome="failed", severity="warning",
                    details={"reason": "inactive"},
                )  # fmt: skip
                failure = AuthenticationFailed(f"the account `{name}` is deactivated")
            elif row.locked_until is not None and row.locked_until > now:
                audit.append(
                    conn, actor=name, action="auth.login", target=name, outcome="failed", severity="warning",
                    details={"reason": "locked"},
                )  # fmt: skip
                failure = AuthenticationFailed(
                    f"the account `{name}` is locked until {row.locked_until.isoformat(timespec='seconds')} UTC",
                    help="wait, or ask an administrator to run `panoptic enterprise user unlock`",
                )
            elif not security.verify_password(row.password_hash, password):
                attempts = row.failed_attempts + 1
                threshold = int(settings["lockout_threshold"])
                values: dict[str, Any] = {"failed_attempts": attempts}
                severity, reason = "warning", "wrong password"
                if attempts >= threshold:
                    values = {
                        "failed_attempts": 0,
                        "locked_until": now + timedelta(minutes=int(settings["lockout_minutes"])),
                    }
                    severity, reason = "critical", f"wrong password; locked after {attempts} failures"
                conn.execute(update(U).where(U.c.id == row.id).values(**values))
                audit.append(
                    conn, actor=name, action="auth.login", target=name, outcome="failed", severity=severity,
                    details={"reason": reason},
                )  # fmt: skip
                failure = AuthenticationFailed(
                    "wrong user name or password"
                    + (
                        f"; the account is now locked for {settings['lockout_minutes']} minutes"
                        if "locked" in reason
                        else ""
                    )
                )
            else:
                values = {"failed_attempts": 0, "locked_until": None, "last_login_at": now}
                if security.needs_rehash(row.password_hash):
                    values["password_hash"] = security.hash_password(password)
                conn.execute(update(U).where(U.c.id == row.id).values(**values))
                audit.append(conn, actor=name, action="auth.login", target=name)
                return Principal(row.id, row.name, row.role, "password")
        raise failure  # after the commit: the failed attempt is counted

    def sign_in(self, name: str, password: str) -> tuple[str, Principal]:
        """Authenticate and open a session; returns the session token (keep it secret) and the principal."""
        who = self.authenticate(name, password)
        token = security.new_token()
        now = utcnow()
        with self.store.write() as conn:
            hours = int(self.store.settings(conn)["session_hours"])
            conn.execute(
                S.insert().values(
                    token_hash=security.sha256(token),
                    user_id=who.user_id,
                    created_at=now,
                    expires_at=now + timedelta(hours=hours),
                )
            )
            audit.append(conn, actor=name, action="session.open", target=name, details={"hours": hours})
        return token, Principal(who.user_id, who.name, who.role, "session")

    def session_principal(self, token: str) -> Principal:
        with self.store.read() as conn:
            row = conn.execute(
                select(S.c.expires_at, U.c.id, U.c.name, U.c.role, U.c.active)
                .join(U, U.c.id == S.c.user_id)
                .where(S.c.token_hash == security.sha256(token))
            ).one_or_none()
        if row is None:
            raise AuthenticationFailed("the session has ended", help="sign in again")
        if row.expires_at <= utcnow():
            raise AuthenticationFailed("the session has expired", help="sign in again")
        if not row.active:
            raise AuthenticationFailed(f"the account `{row.name}` is deactivated")
        return Principal(row.id, row.name, row.role, "session")

    def sign_out(self, token: str) -> None:
        with self.store.write() as conn:
            conn.execute(delete(S).where(S.c.token_hash == security.sha256(token)))

    def key_principal(self, key: str) -> Principal:
        """The owner of an API key, limited to its scopes; refused when unknown, revoked or expired."""
        prefix = security.split_key(key)
        if prefix is None:
            raise AuthenticationFailed("this is not a Panoptic API key", help="keys look like pan_xxxxxxxxxxxx_…")
        now = utcnow()
        with self.store.read() as conn:
            row = conn.execute(
                select(K, U.c.name.label("user_name"), U.c.role, U.c.active)
                .join(U, U.c.id == K.c.user_id)
                .where(K.c.prefix == prefix)
            ).one_or_none()
        if row is None or not security.same_hash(row.key_hash, key):
            raise AuthenticationFailed("unknown API key")
        if row.revoked_at is not None:
            raise AuthenticationFailed(f"the API key `{row.name}` of `{row.user_name}` was revoked")
        if row.expires_at is not None and row.expires_at <= now:
            raise AuthenticationFailed(
                f"the API key `{row.name}` of `{row.user_name}` expired on {row.expires_at.date().isoformat()}"
            )
        if not row.active:
            raise AuthenticationFailed(f"the account `{row.user_name}` is deactivated")
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            with self.store.write(lock=False) as conn:
                conn.execute(update(K).where(K.c.id == row.id).values(last_used_at=now))
        return Principal(row.user_id, row.user_name, row.role, "key", frozenset(row.scopes.split()), row.name)

    def require(self, who: Principal, permission: str, action: str, target: str = "") -> None:
        """Raise `PermissionDenied` (and audit the denial) unless `who` holds `permission`."""
        if who.can(permission):
            return
        with self.store.write() as conn:
            audit.append(
                conn, actor=who.label, action=action, target=target, outcome="denied", severity="warning",
                details={"permission": permission, "role": who.role},
            )  # fmt: skip
        if not allowed(who.role, permission):
            reason = f"the role `{who.role}` does not include `{permission}`"
        else:
            reason = f"the API key `{who.key_name}` lacks the scope `{permission}`"
        raise PermissionDenied(f"`{who.label}` may not do `{action}`: {reason}", help=PERMISSIONS[permission])

    # --- users ------------------------------------------------------------------------------------

    def create_user(self, who: Principal, name: str, role: str, password: str, email: str | None = None) -> int:
        name = _name(name, "user")
        if role not in ROLES:
            raise InvalidRequest(f"unknown role `{role}`", help=did_you_mean(role, ROLES, "roles"))
        self.require(who, "users:write", "user.create", name)
        if role in ("admin", "manager"):
            self.require(who, "roles:grant", "user.create", name)
        with self.store.write() as conn:
            settings = self.store.settings(conn)
            self._policy(password, settings, name)
            if conn.execute(select(U.c.id).where(U.c.name == name)).first() is not None:
                raise InvalidRequest(f"a user named `{name}` exists already")
            limits = self._licence(conn)
            count = conn.execute(select(func.count()).select_from(U).where(U.c.active)).scalar_one()
            if count >= limits.max_users:
                raise LicenceError(f"the user limit is reached ({count} of {limits.max_users}): {limits.message}")
            user_id = self._insert_user(conn, name, role, password, email)
            audit.append(conn, actor=who.label, action="user.create", target=name, details={"role": role})
        return user_id

    def unlock_user(self, who: Principal, name: str) -> None:
        self.require(who, "users:write", "user.unlock", name)
        with self.store.write() as conn:
            done = conn.execute(update(U).where(U.c.name == name).values(failed_attempts=0, locked_until=None))
            if not done.rowcount:
                raise InvalidRequest(f"no user named `{name}`")
            audit.append(conn, actor=who.label, action="user.unlock", target=name)

    def deactivate_user(self, who: Principal, name: str) -> None:
        self.require(who, "users:write", "user.deactivate", name)
        with self.store.write() as conn:
            row = self._user(conn, name)
            if row.role == "admin":
                self.require(who, "roles:grant", "user.deactivate", name)
            conn.execute(update(U).where(U.c.id == row.id).values(active=False))
            conn.execute(delete(S).where(S.c.user_id == row.id))
            audit.append(conn, actor=who.label, action="user.deactivate", target=name)

    def list_users(self, who: Principal) -> list[dict[str, Any]]:
        self.require(who, "users:read", "user.list")
        with self.store.read() as conn:
            rows = conn.execute(
                select(U.c.name, U.c.role, U.c.email, U.c.active, U.c.locked_until, U.c.last_login_at).order_by(
                    U.c.name
                )
            )
            return [dict(r._mapping) for r in rows]

    # --- projects and teams -----------------------------------------------------------------------

    def create_team(self, who: Principal, name: str, lead: str | None = None) -> int:
        name = _name(name, "team")
        self.require(who, "teams:write", "team.create", name)
        with self.store.write() as conn:
            if conn.execute(select(T.c.id).where(T.c.name == name)).first() is not None:
                raise InvalidRequest(f"a team named `{name}` exists already")
            lead_row = self._user(conn, lead) if lead else None
            team_id = _new_id(conn.execute(T.insert().values(name=name, created_at=utcnow())))
            if lead_row is not None:
                conn.execute(M.insert().values(team_id=team_id, user_id=lead_row.id, is_lead=True))
            audit.append(conn, actor=who.label, action="team.create", target=name, details={"lead": lead})
        return team_id

    def add_member(self, who: Principal, team: str, user: str, *, lead: bool = False) -> None:
        self.require(who, "teams:write", "team.add", f"{user} -> {team}")
        with self.store.write() as conn:
            team_row = self._team(conn, team)
            user_row = self._user(conn, user)
            existing = conn.execute(
                select(M.c.is_lead).where(M.c.team_id == team_row.id, M.c.user_id == user_row.id)
            ).first()
            if existing is not None:
                if existing.is_lead == lead:
                    raise InvalidRequest(f"`{user}` is in the team `{team}` already")
                conn.execute(
                    update(M).where(M.c.team_id == team_row.id, M.c.user_id == user_row.id).values(is_lead=lead)
                )
            else:
                conn.execute(M.insert().values(team_id=team_row.id, user_id=user_row.id, is_lead=lead))
            audit.append(conn, actor=who.label, action="team.add", target=team, details={"user": user, "lead": lead})

    def create_project(self, who: Principal, name: str, team: str | None = None) -> int:
        name = _name(name, "project")
        self.require(who, "projects:write", "project.create", name)
        with self.store.write() as conn:
            if conn.execute(select(P.c.id).where(P.c.name == name)).first() is not None:
                raise InvalidRequest(f"a project named `{name}` exists already")
            team_id = self._team(conn, team).id if team else None
            limits = self._licence(conn)
            count = conn.execute(select(func.count()).select_from(P)).scalar_one()
            if count >= limits.max_projects:
                raise LicenceError(f"the project limit is reached ({count} of {limits.max_projects}): {limits.message}")
            project_id = _new_id(
                conn.execute(P.insert().values(name=name, team_id=team_id, created_by=who.user_id, created_at=utcnow()))
            )
            audit.append(conn, actor=who.label, action="project.create", target=name, details={"team": team})
        return project_id

    def list_projects(self, who: Principal) -> list[dict[str, Any]]:
        self.require(who, "projects:read", "project.list")
        with self.store.read() as conn:
            rows = conn.execute(
                select(P.c.name, T.c.name.label("team"), P.c.created_at)
                .outerjoin(T, T.c.id == P.c.team_id)
                .order_by(P.c.name)
            )
            return [dict(r._mapping) for r in rows]

    # --- API keys ---------------------------------------------------------------------------------

    def create_key(
        self, who: Principal, name: str, user: str, scopes: list[str] | tuple[str, ...], expires_in: float | None = None
    ) -> CreatedKey:
        """Create an API key for `user`; expiry defaults to (and may not exceed) `key_max_days`."""
        name = _name(name, "API key")
        scopes = tuple(dict.fromkeys(str(s) for s in scopes))
        if not scopes:
            raise InvalidRequest("an API key needs at least one scope")
        for scope in scopes:
            if scope not in SCOPES:
                raise InvalidRequest(f"unknown scope `{scope}`", help=did_you_mean(scope, SCOPES, "scopes"))
        self.require(who, "keys:write" if user == who.name else "keys:admin", "key.create", f"{user}/{name}")
        with self.store.write() as conn:
            owner = self._user(conn, user)
            max_days = int(self.store.settings(conn)["key_max_days"])
            if expires_in is not None and expires_in > max_days * 86400:
                raise InvalidRequest(
                    f"API keys expire within {max_days} days under the store's settings",
                    help="give a shorter `expires in`",
                )
            now = utcnow()
            expires_at = now + (timedelta(seconds=expires_in) if expires_in is not None else timedelta(days=max_days))
            if conn.execute(select(K.c.id).where(K.c.user_id == owner.id, K.c.name == name)).first() is not None:
                raise InvalidRequest(
                    f"`{user}` has an API key named `{name}` already", help="revoke it or pick a new name"
                )
            made = security.new_api_key()
            conn.execute(
                K.insert().values(
                    name=name,
                    user_id=owner.id,
                    prefix=made.prefix,
                    key_hash=made.key_hash,
                    scopes=" ".join(scopes),
                    created_at=now,
                    expires_at=expires_at,
                )
            )
            audit.append(
                conn, actor=who.label, action="key.create", target=f"{user}/{name}",
                details={"prefix": made.prefix, "scopes": list(scopes), "expires_at": expires_at.isoformat()},
            )  # fmt: skip
        return CreatedKey(name, user, made.key, made.prefix, scopes, expires_at)

    def revoke_key(self, who: Principal, name: str, user: str) -> None:
        self.require(who, "keys:write" if user == who.name else "keys:admin", "key.revoke", f"{user}/{name}")
        with self.store.write() as conn:
            owner = self._user(conn, user)
            done = conn.execute(
                update(K)
                .where(K.c.user_id == owner.id, K.c.name == name, K.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            if not done.rowcount:
                raise InvalidRequest(f"`{user}` has no active API key named `{name}`")
            audit.append(conn, actor=who.label, action="key.revoke", target=f"{user}/{name}")

    def list_keys(self, who: Principal, user: str | None = None) -> list[dict[str, Any]]:
        user = user or who.name
        self.require(who, "keys:write" if user == who.name else "keys:admin", "key.list", user)
        with self.store.read() as conn:
            owner = self._user(conn, user)
            rows = conn.execute(
                select(
                    K.c.name, K.c.prefix, K.c.scopes, K.c.created_at, K.c.expires_at, K.c.revoked_at, K.c.last_used_at
                )
                .where(K.c.user_id == owner.id)
                .order_by(K.c.name)
            )
            return [dict(r._mapping) for r in rows]

    # --- settings, licence, audit -----------------------------------------------------------------

    def set_setting(self, who: Principal, key: str, value: Any) -> None:
        value = _check_setting(key, value)
        self.require(who, "settings:write", "settings.set", key)
        with self.store.write() as conn:
            old = self.store.settings(conn).get(key)
            conn.execute(delete(schema.settings).where(schema.settings.c.key == key))
            conn.execute(schema.settings.insert().values(key=key, value=json.dumps(value)))
            audit.append(
                conn, actor=who.label, action="settings.set", target=key, details={"from": old, "to": value},
            )  # fmt: skip

    def settings(self) -> dict[str, Any]:
        with self.store.read() as conn:
            return self.store.settings(conn)

    def install_licence(self, who: Principal, text: str) -> licence.Licence:
        lic = licence.verify(text)
        self.require(who, "license:write", "license.install", lic.licensee)
        with self.store.write() as conn:
            conn.execute(delete(schema.settings).where(schema.settings.c.key == "licence"))
            conn.execute(schema.settings.insert().values(key="licence", value=json.dumps(text)))
            audit.append(
                conn, actor=who.label, action="license.install", target=lic.licensee,
                details={"id": lic.id, "expires": lic.expires.isoformat()},
            )  # fmt: skip
        return lic

    def licence_info(self, who: Principal) -> licence.LicenceState:
        """The licence state, for a principal allowed to read it."""
        self.require(who, "license:read", "license.info")
        return self.licence_state()

    def licence_state(self) -> licence.LicenceState:
        with self.store.read() as conn:
            return self._licence(conn)

    def audit_verify(self, who: Principal) -> audit.Verification:
        self.require(who, "audit:verify", "audit.verify")
        with self.store.read() as conn:
            result = audit.verify(conn)
        with self.store.write() as conn:
            audit.append(
                conn, actor=who.label, action="audit.verify", outcome="ok" if result.intact else "failed",
                severity="info" if result.intact else "critical",
                details={"entries": result.entries, "problems": len(result.problems)},
            )  # fmt: skip
        return result

    def audit_entries(self, who: Principal, filters: audit.Filters) -> list[dict[str, Any]]:
        self.require(who, "audit:read", "audit.report")
        with self.store.read() as conn:
            rows = audit.entries(conn, filters)
        with self.store.write() as conn:
            audit.append(
                conn, actor=who.label, action="audit.report",
                details={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in vars(filters).items() if v},
            )  # fmt: skip
        return rows

    # --- runs and retention -----------------------------------------------------------------------

    def record_run(self, output_dir: Path) -> int:
        with self.store.write(lock=False) as conn:
            return _new_id(
                conn.execute(schema.runs.insert().values(started_at=utcnow(), output_dir=str(output_dir.resolve())))
            )

    def finish_run(self, run_id: int) -> None:
        with self.store.write(lock=False) as conn:
            conn.execute(update(schema.runs).where(schema.runs.c.id == run_id).values(finished_at=utcnow()))

    def cleanup(self, who: Principal, age_seconds: float, *, dry_run: bool = False) -> dict[str, int]:
        """Delete runs (and their output folders inside the project), artifacts, sessions and keys older than the age.

        Runs and artifacts count from their start or modification time; sessions from their expiry;
        API keys that expired or were revoked before the cut-off. The audit log is never cleaned.
        """
        if age_seconds < 86400:
            raise InvalidRequest("`cleanup data` needs an age of at least 1d")
        self.require(who, "cleanup:write", "data.cleanup")
        cutoff = utcnow() - timedelta(seconds=age_seconds)
        R = schema.runs
        artifacts_dir = self.store.panoptic_dir / "artifacts"
        project = self.store.project_dir.resolve()
        with self.store.write() as conn:
            old_runs = conn.execute(select(R.c.id, R.c.output_dir).where(R.c.started_at < cutoff)).all()
            folders = [
                Path(r.output_dir)
                for r in old_runs
                if Path(r.output_dir).is_dir() and Path(r.output_dir).resolve().is_relative_to(project)
            ]
            old_files = [
                p
                for p in (artifacts_dir.rglob("*") if artifacts_dir.is_dir() else ())
                if p.is_file() and datetime.fromtimestamp(p.stat().st_mtime, UTC).replace(tzinfo=None) < cutoff
            ]
            session_filter = S.c.expires_at < cutoff
            key_filter = or_(and_(K.c.expires_at.is_not(None), K.c.expires_at < cutoff), K.c.revoked_at < cutoff)
            counts = {
                "runs": len(old_runs),
                "run_folders": len(folders),
                "artifacts": len(old_files),
                "sessions": conn.execute(select(func.count()).select_from(S).where(session_filter)).scalar_one(),
                "api_keys": conn.execute(select(func.count()).select_from(K).where(key_filter)).scalar_one(),
            }
            if not dry_run:
                conn.execute(delete(R).where(R.c.id.in_([r.id for r in old_runs])))
                conn.execute(delete(S).where(session_filter))
                conn.execute(delete(K).where(key_filter))
            audit.append(
                conn, actor=who.label, action="data.cleanup", target=f"older than {age_seconds / 86400:g}d",
                details={"dry_run": dry_run, "cutoff": cutoff.isoformat(), **counts},
            )  # fmt: skip
        if not dry_run:  # files go once the rows are gone for good
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
            for path in old_files:
                path.unlink(missing_ok=True)
        return counts

    # --- backup, restore, compliance --------------------------------------------------------------

    def backup(self, who: Principal, dest: Path) -> Any:
        """Write a verified backup archive into `dest` and record it."""
        from panoptic.families.enterprise import backup

        self.require(who, "backup:write", "data.backup", str(dest))
        info = backup.create(self.store, dest, self.store.schema_revision())
        with self.store.write() as conn:
            conn.execute(
                schema.backups.insert().values(
                    at=utcnow(), path=str(info.path.resolve()), sha256=info.sha256, size=info.size, verified=True
                )
            )
            audit.append(
                conn, actor=who.label, action="data.backup", target=info.path.name,
                details={"sha256": info.sha256, "size": info.size, "files": info.files},
            )  # fmt: skip
        return info

    def restore(self, archive: Path, *, actor: str = "system") -> dict[str, Any]:
        """Restore an archive into this (empty) store; the restore is the first entry after the restored chain."""
        from panoptic.families.enterprise import backup

        manifest = backup.restore(self.store, archive)
        with self.store.write() as conn:
            audit.append(
                conn, actor=actor, action="data.restore", target=archive.name,
                details={"created": manifest["created"], "files": len(manifest["files"])},
            )  # fmt: skip
        return manifest

    def compliance(self, who: Principal, standard: str) -> Any:
        from panoptic.families.enterprise import compliance

        standard = standard.lower()
        if standard not in compliance.STANDARD_CONTROLS:
            raise InvalidRequest(
                f"unknown compliance standard `{standard}`",
                help=did_you_mean(standard, compliance.STANDARD_CONTROLS, "standards"),
            )
        self.require(who, "compliance:read", "compliance.check", standard)
        report = compliance.evaluate(self.store, standard)
        with self.store.write() as conn:
            audit.append(
                conn, actor=who.label, action="compliance.check", target=standard,
                outcome="ok" if report.passed else "failed", severity="info" if report.passed else "warning",
                details={"failed": [c.id for c in report.failed]},
            )  # fmt: skip
        return report

    # --- status -----------------------------------------------------------------------------------

    def status(self, who: Principal) -> dict[str, Any]:
        self.require(who, "status:read", "store.status")
        healthy, health = self.store.health()
        with self.store.read() as conn:
            counts = {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in (
                    ("users", U),
                    ("teams", T),
                    ("projects", P),
                    ("api_keys", K),
                    ("sessions", S),
                    ("audit_entries", schema.audit_log),
                    ("runs", schema.runs),
                )
            }
            counts["active_api_keys"] = conn.execute(
                select(func.count()).select_from(K).where(K.c.revoked_at.is_(None), K.c.expires_at > utcnow())
            ).scalar_one()
            last = conn.execute(select(schema.backups).order_by(schema.backups.c.at.desc()).limit(1)).first()
            chain = audit.verify(conn)
            lic = self._licence(conn)
        from alembic.runtime.migration import MigrationContext

        with self.store.read() as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
        return {
            "store": self.store.describe(),
            "kind": self.store.kind,
            "healthy": healthy,
            "health": health,
            "schema_revision": revision,
            "counts": counts,
            "licence": lic.message,
            "licence_kind": lic.kind,
            "last_backup": None
            if last is None
            else {"at": last.at.isoformat(timespec="seconds"), "path": last.path, "verified": last.verified},
            "audit": chain.summary(),
            "audit_intact": chain.intact,
        }

    # --- helpers ----------------------------------------------------------------------------------

    def _policy(self, password: str, settings: dict[str, Any], name: str) -> None:
        problems = security.policy_problems(password, settings, user=name)
        if problems:
            raise InvalidRequest("the password does not meet the policy: " + "; ".join(problems))

    def _insert_user(self, conn: Connection, name: str, role: str, password: str, email: str | None) -> int:
        now = utcnow()
        try:
            return _new_id(
                conn.execute(
                    U.insert().values(
                        name=name,
                        email=email,
                        role=role,
                        password_hash=security.hash_password(password),
                        active=True,
                        failed_attempts=0,
                        created_at=now,
                        password_changed_at=now,
                    )
                )
            )
        except IntegrityError:
            raise InvalidRequest(f"a user named `{name}` exists already") from None

    def _user(self, conn: Connection, name: str) -> Any:
        row = conn.execute(select(U).where(U.c.name == name)).one_or_none()
        if row is None:
            names = conn.execute(select(U.c.name).limit(500)).scalars().all()
            raise InvalidRequest(f"no user named `{name}`", help=did_you_mean(name, names, "users") if names else None)
        return row

    def _team(self, conn: Connection, name: str) -> Any:
        row = conn.execute(select(T).where(T.c.name == name)).one_or_none()
        if row is None:
            names = conn.execute(select(T.c.name).limit(500)).scalars().all()
            raise InvalidRequest(
                f"no team named `{name}`", help=did_you_mean(name, names, "teams") if names else "create it first"
            )
        return row

    def _licence(self, conn: Connection) -> licence.LicenceState:
        stored = conn.execute(select(schema.settings.c.value).where(schema.settings.c.key == "licence")).scalar()
        return licence.state(json.loads(stored) if stored is not None else None)


def require_initialised(ent: Enterprise) -> None:
    if not ent.initialised():
        raise NotInitialised(
            "the enterprise store has no administrator yet", help="run `panoptic enterprise init` once"
        )


def _new_id(result: Any) -> int:
    """The primary key of the row an INSERT made."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _name(value: Any, what: str) -> str:
    text = str(value).strip() if value is not None else ""
    if not text:
        raise InvalidRequest(f"the {what} name is empty")
    if len(text) > 120:
        raise InvalidRequest(f"the {what} name is longer than 120 characters")
    return text


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(security.hash_password("panoptic-timing-equaliser"))
    return _DUMMY[0]
