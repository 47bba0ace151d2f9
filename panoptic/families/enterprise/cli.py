"""`panoptic enterprise …`: the administrators' command group.

Commands act as a principal like the statements do: `--as USER` (the password from
`PANOPTIC_ENTERPRISE_PASSWORD` or a hidden prompt) or an API key in `PANOPTIC_API_KEY`. Only
`init` (the first administrator of an empty store) and `restore` (into an empty store) need none.
Failures print their PAN9xx code and exit with status 1 (3 when the store cannot be reached).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import typer

PASSWORD_ENV = "PANOPTIC_ENTERPRISE_PASSWORD"
KEY_ENV = "PANOPTIC_API_KEY"
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(s|m|h|d|w)$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Options:
    """The group's options, shared by every command."""

    project: Path
    database_url: str | None
    user: str | None
    key: str | None


def parse_duration(text: str) -> float:
    """`90d`, `12h`, `30m`, `45s`, `2w` in seconds."""
    found = _DURATION.match(text.strip())
    if not found:
        raise typer.BadParameter(f"{text!r} is not a duration such as 90d, 12h or 30m")
    return float(found.group(1)) * _UNITS[found.group(2)]


def _fail(code: str, message: str, help: str | None = None, status: int = 1) -> None:
    typer.echo(f"error[{code}]: {message}", err=True)
    if help:
        typer.echo(f"  help: {help}", err=True)
    raise typer.Exit(status)


def guarded(fn: F) -> F:
    """Turn store failures into coded messages: never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from panoptic.contract.errors import InfrastructureError, StepError

        store_errors: tuple[type[Exception], ...] = ()
        try:
            from sqlalchemy.exc import SQLAlchemyError

            store_errors = (SQLAlchemyError,)
        except ModuleNotFoundError:
            pass
        try:
            return fn(*args, **kwargs)
        except ModuleNotFoundError as exc:
            _fail(
                "PAN940",
                f"the enterprise store needs `{exc.name}`, which is not installed",
                help='pip install "panoptic-lang[enterprise]"',
                status=3,
            )
        except StepError as exc:
            _fail(exc.code, exc.message, exc.help, 3 if isinstance(exc, InfrastructureError) else 1)
        except store_errors as exc:
            orig = getattr(exc, "orig", None) or exc
            _fail(
                "PAN940", f"the enterprise store failed: {type(orig).__name__}: {str(orig).splitlines()[0]}", status=3
            )

    return wrapper  # type: ignore[return-value]


def _service(ctx: typer.Context) -> Any:
    from panoptic.families.enterprise.service import Enterprise
    from panoptic.families.enterprise.store import Store

    opts: Options = ctx.obj
    return Enterprise(Store.open(opts.project, opts.database_url))


def _principal(ctx: typer.Context, ent: Any) -> Any:
    from panoptic.families.enterprise.errors import NotInitialised
    from panoptic.families.enterprise.service import require_initialised

    opts: Options = ctx.obj
    if opts.key:
        return ent.key_principal(opts.key)
    if opts.user:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            password = typer.prompt(f"password for {opts.user}", hide_input=True)
        return ent.authenticate(opts.user, password)
    require_initialised(ent)
    raise NotInitialised(
        "this command acts as a user or an API key",
        help=f"pass `--as USER` (password from {PASSWORD_ENV} or a prompt) or set {KEY_ENV}",
    )


def _new_password(env: str | None, label: str) -> str:
    if env:
        value = os.environ.get(env)
        if not value:
            _fail("PAN943", f"the environment variable {env} is not set or empty")
        return value  # type: ignore[return-value]
    if not sys.stdin.isatty():
        _fail("PAN943", f"no terminal to ask for the {label}", help="give --password-env VAR")
    return typer.prompt(label, hide_input=True, confirmation_prompt=True)


def _emit(data: Any, as_json: bool, text: Callable[[], str]) -> None:
    typer.echo(json.dumps(data, indent=2, default=str) if as_json else text())


def register(app: typer.Typer) -> None:
    """Add the `enterprise` command group to the `panoptic` command line."""
    ent_app = typer.Typer(
        help="Users, teams, projects, API keys, audit, compliance, licence, backup.", no_args_is_help=True
    )

    @ent_app.callback()
    def _group(
        ctx: typer.Context,
        project: Path = typer.Option(Path("."), "--project", help="the project folder (its `.panoptic/` holds the SQLite store)"),
        database_url: str | None = typer.Option(None, "--database-url", envvar="PANOPTIC_DATABASE_URL", show_envvar=True, help="a PostgreSQL URL instead of SQLite"),
        user: str | None = typer.Option(None, "--as", help=f"act as this user (password from {PASSWORD_ENV} or a prompt)"),
        key: str | None = typer.Option(None, "--key", envvar=KEY_ENV, show_envvar=True, help="act with this API key (prefer the environment variable)"),
    ) -> None:  # fmt: skip
        ctx.obj = Options(project, database_url, user, key)

    @ent_app.command("init")
    @guarded
    def init(
        ctx: typer.Context,
        name: str = typer.Option(..., "--name", help="the first administrator's user name"),
        email: str | None = typer.Option(None, "--email"),
        password_env: str | None = typer.Option(None, "--password-env", help="read the password from this variable"),
    ) -> None:
        """Create the first administrator of an empty store (there is no default account)."""
        ent = _service(ctx)
        if ent.initialised():
            _fail("PAN943", "the store has users already; `init` only creates the first administrator")
        ent.init_admin(name, _new_password(password_env, "administrator password"), email)
        typer.echo(f"created administrator {name} in {ent.store.describe()}")

    @ent_app.command("status")
    @guarded
    def status(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
        """Counts, store health, schema version, licence, last backup and audit chain state."""
        ent = _service(ctx)
        data = ent.status(_principal(ctx, ent))

        def text() -> str:
            lines = [
                f"store: {data['store']} ({data['kind']}), {'healthy' if data['healthy'] else 'UNHEALTHY'}: {data['health']}",
                f"schema revision: {data['schema_revision']}",
                "counts: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in data["counts"].items()),
                f"licence: {data['licence']}",
                "last backup: "
                + (
                    f"{data['last_backup']['at']} UTC {data['last_backup']['path']}" if data["last_backup"] else "never"
                ),
                data["audit"],
            ]
            return "\n".join(lines)

        _emit(data, as_json, text)

    # --- users ---
    user_app = typer.Typer(help="Users: create, list, unlock, deactivate.", no_args_is_help=True)
    ent_app.add_typer(user_app, name="user")

    @user_app.command("create")
    @guarded
    def user_create(
        ctx: typer.Context,
        name: str,
        role: str = typer.Option(..., "--role", help="admin, manager, developer or viewer"),
        email: str | None = typer.Option(None, "--email"),
        password_env: str | None = typer.Option(None, "--password-env", help="read the password from this variable"),
    ) -> None:
        """Create a user."""
        ent = _service(ctx)
        who = _principal(ctx, ent)
        ent.create_user(who, name, role, _new_password(password_env, f"password for {name}"), email)
        typer.echo(f"created user {name} ({role})")

    @user_app.command("list")
    @guarded
    def user_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
        """List users with their role and state."""
        ent = _service(ctx)
        rows = ent.list_users(_principal(ctx, ent))
        _emit(
            rows,
            as_json,
            lambda: "\n".join(
                f"{r['name']:<24} {r['role']:<10} {'active' if r['active'] else 'inactive'}"
                + (f"  locked until {r['locked_until']:%Y-%m-%d %H:%M}" if r["locked_until"] else "")
                for r in rows
            ),
        )

    @user_app.command("unlock")
    @guarded
    def user_unlock(ctx: typer.Context, name: str) -> None:
        """Clear a user's lock-out."""
        ent = _service(ctx)
        ent.unlock_user(_principal(ctx, ent), name)
        typer.echo(f"unlocked {name}")

    @user_app.command("deactivate")
    @guarded
    def user_deactivate(ctx: typer.Context, name: str) -> None:
        """Deactivate a user and end their sessions."""
        ent = _service(ctx)
        ent.deactivate_user(_principal(ctx, ent), name)
        typer.echo(f"deactivated {name}")

    # --- teams and projects ---
    team_app = typer.Typer(help="Teams: create, add members.", no_args_is_help=True)
    ent_app.add_typer(team_app, name="team")

    @team_app.command("create")
    @guarded
    def team_create(ctx: typer.Context, name: str, lead: str | None = typer.Option(None, "--lead")) -> None:
        """Create a team."""
        ent = _service(ctx)
        ent.create_team(_principal(ctx, ent), name, lead)
        typer.echo(f"created team {name}")

    @team_app.command("add")
    @guarded
    def team_add(ctx: typer.Context, team: str, user: str, lead: bool = typer.Option(False, "--lead")) -> None:
        """Add a user to a team (as its lead with --lead)."""
        ent = _service(ctx)
        ent.add_member(_principal(ctx, ent), team, user, lead=lead)
        typer.echo(f"added {user} to {team}" + (" as lead" if lead else ""))

    project_app = typer.Typer(help="Projects: create, list.", no_args_is_help=True)
    ent_app.add_typer(project_app, name="project")

    @project_app.command("create")
    @guarded
    def project_create(ctx: typer.Context, name: str, team: str | None = typer.Option(None, "--team")) -> None:
        """Create a project."""
        ent = _service(ctx)
        ent.create_project(_principal(ctx, ent), name, team)
        typer.echo(f"created project {name}")

    @project_app.command("list")
    @guarded
    def project_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
        """List projects."""
        ent = _service(ctx)
        rows = ent.list_projects(_principal(ctx, ent))
        _emit(rows, as_json, lambda: "\n".join(f"{r['name']:<24} {r['team'] or '-'}" for r in rows))

    # --- API keys ---
    key_app = typer.Typer(help="API keys: create (shown once), revoke, list.", no_args_is_help=True)
    ent_app.add_typer(key_app, name="api-key")

    @key_app.command("create")
    @guarded
    def key_create(
        ctx: typer.Context,
        name: str,
        scope: list[str] = typer.Option(..., "--scope", help="a permission the key may use (repeat)"),
        owner: str | None = typer.Option(None, "--for", help="the key's owner (default: yourself)"),
        expires: str | None = typer.Option(None, "--expires-in", help="e.g. 30d (default and maximum: key_max_days)"),
    ) -> None:
        """Create an API key; it is printed once and stored only as a hash."""
        ent = _service(ctx)
        who = _principal(ctx, ent)
        made = ent.create_key(who, name, owner or who.name, scope, parse_duration(expires) if expires else None)
        typer.echo(made.key)
        typer.echo(
            f"API key {made.name} for {made.user}, scopes {' '.join(made.scopes)}, expires "
            f"{made.expires_at:%Y-%m-%d}. Store it now: it is not shown again.",
            err=True,
        )

    @key_app.command("revoke")
    @guarded
    def key_revoke(ctx: typer.Context, name: str, owner: str | None = typer.Option(None, "--for")) -> None:
        """Revoke an API key."""
        ent = _service(ctx)
        who = _principal(ctx, ent)
        ent.revoke_key(who, name, owner or who.name)
        typer.echo(f"revoked {name}")

    @key_app.command("list")
    @guarded
    def key_list(
        ctx: typer.Context,
        owner: str | None = typer.Option(None, "--for"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """List API keys (prefix, scopes, expiry, revocation, last use)."""
        ent = _service(ctx)
        rows = ent.list_keys(_principal(ctx, ent), owner)
        _emit(
            rows,
            as_json,
            lambda: "\n".join(
                f"{r['name']:<16} pan_{r['prefix']}_…  {r['scopes']}  expires {r['expires_at']:%Y-%m-%d}"
                + ("  REVOKED" if r["revoked_at"] else "")
                + (f"  last used {r['last_used_at']:%Y-%m-%d %H:%M}" if r["last_used_at"] else "  never used")
                for r in rows
            ),
        )

    # --- audit ---
    audit_app = typer.Typer(help="The hash-chained audit log: verify, report.", no_args_is_help=True)
    ent_app.add_typer(audit_app, name="audit")

    @audit_app.command("verify")
    @guarded
    def audit_verify(
        ctx: typer.Context,
        expect_head: str | None = typer.Option(None, "--expect-head", help="a head hash recorded earlier, to compare"),
    ) -> None:
        """Verify the chain; exit 1 on an edited, inserted or deleted entry."""
        ent = _service(ctx)
        result = ent.audit_verify(_principal(ctx, ent))
        if not result.intact:
            for problem in result.problems[:20]:
                typer.echo(f"entry {problem.seq}: {problem.detail}", err=True)
            _fail("PAN944", result.summary())
        typer.echo(result.summary())
        typer.echo(f"head: {result.head_seq} {result.head_hash}")
        if expect_head and not result.head_hash.startswith(expect_head.lower()):
            _fail("PAN944", "the head differs from the one recorded earlier: entries were rewritten or removed")

    @audit_app.command("report")
    @guarded
    def audit_report(
        ctx: typer.Context,
        user: str | None = typer.Option(None, "--user"),
        action: str | None = typer.Option(None, "--action"),
        severity: str | None = typer.Option(None, "--severity", help="info, warning or critical"),
        since: str | None = typer.Option(None, "--since", help="a duration back (7d) or an ISO time"),
        until: str | None = typer.Option(None, "--until", help="an ISO time"),
        fmt: str = typer.Option("json", "--format", help="json or csv"),
        output: Path | None = typer.Option(None, "-o", "--output"),
    ) -> None:
        """Write matching audit entries as JSON or CSV."""
        from panoptic.families.enterprise import audit
        from panoptic.families.enterprise.store import utcnow

        if fmt not in ("json", "csv"):
            _fail("PAN004", f"unknown format `{fmt}`", help="use json or csv")
        if severity is not None and severity not in ("info", "warning", "critical"):
            _fail("PAN004", f"unknown severity `{severity}`", help="use info, warning or critical")
        filters = audit.Filters(user, action, severity, _when(since, utcnow()), _when(until, utcnow()))
        ent = _service(ctx)
        rows = ent.audit_entries(_principal(ctx, ent), filters)
        body = audit.render(rows, fmt)
        if output:
            output.write_text(body, encoding="utf-8")
            typer.echo(f"{len(rows)} entries written to {output}", err=True)
        else:
            typer.echo(body, nl=False)

    # --- compliance, licence ---
    compliance_app = typer.Typer(help="Compliance controls computed from the store.", no_args_is_help=True)
    ent_app.add_typer(compliance_app, name="compliance")

    @compliance_app.command("check")
    @guarded
    def compliance_check(ctx: typer.Context, standard: str, as_json: bool = typer.Option(False, "--json")) -> None:
        """Evaluate soc2, gdpr, hipaa or iso27001; exit 1 when a control fails."""
        ent = _service(ctx)
        report = ent.compliance(_principal(ctx, ent), standard)

        def text() -> str:
            return "\n".join(
                f"{'PASS' if c.passed else 'FAIL'}  {c.id:<18} {c.clause:<22} {c.evidence}" for c in report.controls
            )

        _emit(report.to_json(), as_json, text)
        if not report.passed:
            _fail("PAN945", f"{len(report.failed)} of {len(report.controls)} {report.standard} controls fail")

    license_app = typer.Typer(help="Licence: info, install, keygen, issue.", no_args_is_help=True)
    ent_app.add_typer(license_app, name="license")

    @license_app.command("info")
    @guarded
    def license_info(ctx: typer.Context) -> None:
        """The licence in force, or the open-source limits."""
        ent = _service(ctx)
        state = ent.licence_info(_principal(ctx, ent))
        typer.echo(state.message)
        if state.kind == "invalid":
            raise typer.Exit(1)

    @license_app.command("install")
    @guarded
    def license_install(ctx: typer.Context, file: Path) -> None:
        """Verify and install a licence file."""
        from panoptic.families.enterprise.errors import LicenceError

        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LicenceError(f"cannot read {file}: {exc}") from None
        ent = _service(ctx)
        lic = ent.install_licence(_principal(ctx, ent), text)
        typer.echo(f"installed the licence for {lic.licensee}, valid until {lic.expires.isoformat()}")

    @license_app.command("keygen")
    @guarded
    def license_keygen(out: Path = typer.Option(..., "--out", help="folder for issuer.key and issuer.pub")) -> None:
        """Make an issuer key pair (for an organisation issuing its own licences)."""
        from panoptic.families.enterprise import licence

        private, public = licence.keygen()
        out.mkdir(parents=True, exist_ok=True)
        key_path = out / "issuer.key"
        key_path.write_text(private + "\n", encoding="utf-8")
        key_path.chmod(0o600)
        (out / "issuer.pub").write_text(public + "\n", encoding="utf-8")
        typer.echo(
            f"wrote {key_path} (keep it private) and {out / 'issuer.pub'}; trust it with {licence.KEYS_ENV}={public}"
        )

    @license_app.command("issue")
    @guarded
    def license_issue(
        private_key: Path = typer.Option(..., "--private-key"),
        licensee: str = typer.Option(..., "--licensee"),
        max_users: int = typer.Option(..., "--max-users"),
        max_projects: int = typer.Option(..., "--max-projects"),
        expires: str = typer.Option(..., "--expires", help="YYYY-MM-DD"),
        output: Path = typer.Option(..., "-o", "--output"),
    ) -> None:
        """Sign a licence file with an issuer key."""
        import uuid
        from datetime import date

        from panoptic.families.enterprise import licence

        try:
            date.fromisoformat(expires)
        except ValueError:
            _fail("PAN004", f"{expires!r} is not a date (YYYY-MM-DD)")
        payload = {
            "licensee": licensee,
            "id": str(uuid.uuid4()),
            "issued": date.today().isoformat(),
            "expires": expires,
            "max_users": max_users,
            "max_projects": max_projects,
        }
        output.write_text(licence.issue(private_key.read_text(encoding="utf-8"), payload), encoding="utf-8")
        typer.echo(f"wrote {output}")

    # --- backup, restore, cleanup, settings ---
    backup_app = typer.Typer(help="Backups: write, verify.", no_args_is_help=True)
    ent_app.add_typer(backup_app, name="backup")

    @backup_app.command("data")
    @guarded
    def backup_data(
        ctx: typer.Context, to: Path | None = typer.Option(None, "--to", help="default .panoptic/backups")
    ) -> None:
        """Write a consistent backup (store and artifacts) into a tar.gz with a checksum manifest."""
        ent = _service(ctx)
        info = ent.backup(_principal(ctx, ent), to or ent.store.panoptic_dir / "backups")
        typer.echo(f"{info.path}\n{info.size} bytes, {info.files} files, sha256 {info.sha256}")

    @backup_app.command("verify")
    @guarded
    def backup_verify(archive: Path) -> None:
        """Check every file of an archive against its manifest."""
        from panoptic.families.enterprise import backup

        manifest = backup.verify(archive)
        typer.echo(
            f"{archive.name}: {len(manifest['files'])} files match their checksums ({manifest['store_kind']} store)"
        )

    @ent_app.command("restore")
    @guarded
    def restore(ctx: typer.Context, archive: Path) -> None:
        """Restore a backup into an empty store (the project's, or PANOPTIC_DATABASE_URL's)."""
        ent = _service(ctx)
        manifest = ent.restore(archive)
        typer.echo(f"restored {archive.name} (made {manifest['created']}) into {ent.store.describe()}")

    cleanup_app = typer.Typer(help="Retention: delete old data.", no_args_is_help=True)
    ent_app.add_typer(cleanup_app, name="cleanup")

    @cleanup_app.command("data")
    @guarded
    def cleanup_data(
        ctx: typer.Context,
        older_than: str = typer.Option(..., "--older-than", help="e.g. 90d"),
        dry_run: bool = typer.Option(False, "--dry-run", help="count, delete nothing"),
    ) -> None:
        """Delete runs, artifacts, sessions and expired keys older than the age."""
        ent = _service(ctx)
        counts = ent.cleanup(_principal(ctx, ent), parse_duration(older_than), dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        typer.echo(f"{verb}: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items()))

    settings_app = typer.Typer(help="Password policy, lock-out, sessions, keys, retention.", no_args_is_help=True)
    ent_app.add_typer(settings_app, name="settings")

    @settings_app.command("show")
    @guarded
    def settings_show(ctx: typer.Context) -> None:
        """Print the effective settings."""
        ent = _service(ctx)
        ent.require(_principal(ctx, ent), "status:read", "settings.show")
        for key, value in ent.settings().items():
            if key != "licence":
                typer.echo(f"{key} = {json.dumps(value)}")

    @settings_app.command("set")
    @guarded
    def settings_set(ctx: typer.Context, key: str, value: str) -> None:
        """Change a setting (whole numbers; `none` unsets retention_days)."""
        ent = _service(ctx)
        ent.set_setting(_principal(ctx, ent), key, None if value.lower() == "none" else value)
        typer.echo(f"{key} = {value}")

    app.add_typer(ent_app, name="enterprise")


def _when(text: str | None, now: datetime) -> datetime | None:
    if text is None:
        return None
    if _DURATION.match(text.strip()):
        return now - timedelta(seconds=parse_duration(text))
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is neither a duration (7d) nor an ISO time") from None
    return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed.astimezone(UTC).replace(tzinfo=None)
