"""The enterprise family's run handler: one store per worker process, one principal per scenario.

A scenario signs in first (`enterprise sign in as … password …` opens a session whose token is
masked; `enterprise sign in with key …` uses an API key); every later statement re-checks that
principal (so an expired session or a revoked key fails at once) and runs as one transaction.
The session ends with the scenario.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from panoptic.contract.backend import ScenarioContext
from panoptic.contract.errors import ActionFailed, AssertionFailed, StepError
from panoptic.contract.family import BaseRuntime, BlockFailed, RunContext, StepContext, StepResult
from panoptic.families.enterprise.errors import (
    AuditChainBroken,
    ComplianceFailed,
    LicenceError,
    NotInitialised,
    PermissionDenied,
    StoreUnavailable,
)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class EnterpriseRuntime(BaseRuntime):
    """Runs `enterprise.<op>` steps against the project's store."""

    def __init__(self) -> None:
        self.ent: Any = None
        self.run_id: int | None = None
        self.token: str | None = None
        self.key: str | None = None
        self.new_keys: dict[str, str] = {}
        self.reports = 0

    def start(self, run: RunContext) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from panoptic.families.enterprise.service import Enterprise
        from panoptic.families.enterprise.store import Store

        super().start(run)
        try:
            self.ent = Enterprise(Store.open(run.project_dir, run.options.get("database_url")))
            self.run_id = self.ent.record_run(run.output_dir)
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"the enterprise store cannot be opened: {type(exc).__name__}") from None

    def begin(self, scenario: ScenarioContext) -> None:
        self.token, self.key, self.new_keys = None, None, {}

    def end(self, scenario: ScenarioContext, failed: bool) -> None:
        token, self.token, self.key, self.new_keys = self.token, None, None, {}
        if token is not None and self.ent is not None:
            try:
                self.ent.sign_out(token)
            except Exception:
                pass

    def stop(self) -> None:
        if self.ent is None:
            return
        try:
            if self.run_id is not None:
                self.ent.finish_run(self.run_id)
        except Exception:
            pass
        finally:
            self.ent.store.close()

    def perform(self, action: str, args: Mapping[str, Any], step: StepContext) -> StepResult | str | None:
        from sqlalchemy.exc import SQLAlchemyError

        name = action.partition(".")[2]
        handler = getattr(self, f"_{name}", None)
        if handler is None:
            raise ActionFailed(f"unknown enterprise statement `{name}`")
        try:
            return handler(args, step)
        except StepError as exc:
            exc.message = step.mask(exc.message)
            exc.args = (exc.message,)
            raise
        except SQLAlchemyError as exc:
            raise StoreUnavailable(step.mask(f"the enterprise store failed: {type(exc).__name__}: {exc}")) from None

    # --- principals -------------------------------------------------------------------------------

    def _who(self) -> Any:
        from panoptic.families.enterprise.service import require_initialised

        if self.token is not None:
            return self.ent.session_principal(self.token)
        if self.key is not None:
            return self.ent.key_principal(self.key)
        require_initialised(self.ent)
        raise NotInitialised(
            "no one is signed in for the enterprise statements",
            help="start the scenario with `enterprise sign in as USER password SECRET`",
        )

    def _sign_in(self, args: Mapping[str, Any], step: StepContext) -> str:
        token, who = self.ent.sign_in(_text(args["user"]), _text(args["password"]))
        step.register_secret(token)
        self.token, self.key = token, None
        return f"signed in as {who.name} ({who.role})"

    def _use_key(self, args: Mapping[str, Any], step: StepContext) -> str:
        key = _text(args["key"])
        step.register_secret(key)
        who = self.ent.key_principal(key)
        self._end_session()
        self.key = key
        return f"acting as {who.label} with scopes {', '.join(sorted(who.scopes or ()))}"

    def _use_new_key(self, args: Mapping[str, Any], step: StepContext) -> str:
        name = _text(args["name"])
        if name not in self.new_keys:
            known = ", ".join(sorted(self.new_keys)) or "none"
            raise ActionFailed(
                f"no API key named `{name}` was created in this scenario (created: {known})",
                help="create it first with `api key create`",
            )
        return self._use_key({"key": self.new_keys[name]}, step)

    def _sign_out(self, args: Mapping[str, Any], step: StepContext) -> str:
        self._end_session()
        self.key = None
        return "signed out"

    def _end_session(self) -> None:
        if self.token is not None:
            self.ent.sign_out(self.token)
            self.token = None

    def _expect_denied(self, args: Mapping[str, Any], step: StepContext) -> str:
        assert step.run_block is not None
        try:
            step.run_block(quiet=True)
        except BlockFailed as exc:
            failure = getattr(exc.cause, "failure", None)  # the interpreter reports the inner step's failure
            code = exc.cause.code if isinstance(exc.cause, PermissionDenied) else getattr(failure, "code", None)
            if code == PermissionDenied.code:
                message = getattr(failure, "message", None) or str(exc.cause)
                return f"denied as expected: {step.mask(message)}"
            raise
        raise AssertionFailed(
            "the block was allowed, but a denial was expected",
            expected="a statement of the block fails with PAN941",
            actual="every statement passed",
        )

    # --- operations -------------------------------------------------------------------------------

    def _status(self, args: Mapping[str, Any], step: StepContext) -> StepResult:
        status = self.ent.status(self._who())
        art = self._write(step, "enterprise-status.json", json.dumps(status, indent=2, default=str) + "\n", "status")
        counts = status["counts"]
        message = (
            f"{status['kind']} store {'healthy' if status['healthy'] else 'UNHEALTHY'}, schema {status['schema_revision']}: "
            f"{counts['users']} users, {counts['projects']} projects, {counts['teams']} teams, "
            f"{counts['active_api_keys']} active keys; {status['audit']}; {status['licence']}"
        )
        return StepResult(step.mask(message), (art,))

    def _user_create(self, args: Mapping[str, Any], step: StepContext) -> str:
        role = _text(args["role"])
        self.ent.create_user(self._who(), _text(args["name"]), role, _text(args["password"]), args.get("email"))
        return f"created user {args['name']} ({role})"

    def _user_authenticate(self, args: Mapping[str, Any], step: StepContext) -> str:
        who = self.ent.authenticate(_text(args["name"]), _text(args["password"]))
        return f"{who.name} authenticated ({who.role})"

    def _project_create(self, args: Mapping[str, Any], step: StepContext) -> str:
        team = args.get("team")
        self.ent.create_project(self._who(), _text(args["name"]), _text(team) if team is not None else None)
        return f"created project {args['name']}" + (f" for team {team}" if team else "")

    def _team_create(self, args: Mapping[str, Any], step: StepContext) -> str:
        lead = args.get("lead")
        self.ent.create_team(self._who(), _text(args["name"]), _text(lead) if lead is not None else None)
        return f"created team {args['name']}" + (f" led by {lead}" if lead else "")

    def _team_add(self, args: Mapping[str, Any], step: StepContext) -> str:
        self.ent.add_member(self._who(), _text(args["team"]), _text(args["user"]))
        return f"added {args['user']} to {args['team']}"

    def _key_create(self, args: Mapping[str, Any], step: StepContext) -> str:
        scopes = args["scopes"]
        if not isinstance(scopes, (list, tuple)):
            scopes = [scopes]
        expires = args.get("expires")
        made = self.ent.create_key(
            self._who(), _text(args["name"]), _text(args["user"]), [str(s) for s in scopes],
            float(expires) if expires is not None else None,
        )  # fmt: skip
        step.register_secret(made.key)
        self.new_keys[made.name] = made.key
        expiry = made.expires_at.date().isoformat() if made.expires_at else "never"
        return f"created API key {made.name} for {made.user} (prefix {made.prefix}, expires {expiry})"

    def _key_revoke(self, args: Mapping[str, Any], step: StepContext) -> str:
        self.ent.revoke_key(self._who(), _text(args["name"]), _text(args["user"]))
        return f"revoked API key {args['name']} of {args['user']}"

    def _audit_report(self, args: Mapping[str, Any], step: StepContext) -> StepResult:
        from panoptic.families.enterprise import audit
        from panoptic.families.enterprise.store import utcnow

        since = args.get("since")
        filters = audit.Filters(
            user=args.get("user"),
            action=args.get("action"),
            severity=args.get("severity"),
            since=utcnow() - timedelta(seconds=float(since)) if since is not None else None,
        )
        rows = self.ent.audit_entries(self._who(), filters)
        fmt = str(args.get("format") or "json")
        self.reports += 1
        art = self._write(
            step, f"audit-report-{self.reports}.{fmt}", step.mask(audit.render(rows, fmt)), "audit report", fmt
        )
        return StepResult(f"{len(rows)} audit entries written to {art.path}", (art,))

    def _audit_verify(self, args: Mapping[str, Any], step: StepContext) -> str:
        result = self.ent.audit_verify(self._who())
        if not result.intact:
            raise AuditChainBroken(
                result.summary(), help="restore the store from a backup and investigate who wrote it"
            )
        return result.summary()

    def _set_setting(self, args: Mapping[str, Any], step: StepContext) -> str:
        setting = _text(args["setting"])
        self.ent.set_setting(self._who(), setting, args["value"])
        return f"{setting} set to {args['value']}"

    def _compliance_check(self, args: Mapping[str, Any], step: StepContext) -> StepResult:
        report = self.ent.compliance(self._who(), _text(args["standard"]))
        body = json.dumps(report.to_json(), indent=2) + "\n"
        art = self._write(step, f"compliance-{report.standard}.json", step.mask(body), f"compliance {report.standard}")
        if not report.passed:
            failed = "; ".join(f"{c.id} ({c.clause}): {c.evidence}" for c in report.failed)
            raise ComplianceFailed(
                step.mask(f"{report.standard}: {len(report.failed)} of {len(report.controls)} controls fail: {failed}"),
                help=f"every control and its evidence are in {art.path}",
            )
        return StepResult(f"{report.standard}: all {len(report.controls)} controls pass", (art,))

    def _license_info(self, args: Mapping[str, Any], step: StepContext) -> str:
        state = self.ent.licence_info(self._who())
        if state.kind == "invalid":
            raise LicenceError(state.message, help="install a valid licence with `panoptic enterprise license install`")
        return state.message

    def _backup(self, args: Mapping[str, Any], step: StepContext) -> str:
        assert self.run is not None
        folder = args.get("folder")
        dest = Path(_text(folder)) if folder else self.ent.store.panoptic_dir / "backups"
        if not dest.is_absolute():
            dest = self.run.project_dir / dest
        info = self.ent.backup(self._who(), dest)
        return f"backup written: {info.path} ({info.size} bytes, {info.files} files, sha256 {info.sha256[:16]}…)"

    def _cleanup(self, args: Mapping[str, Any], step: StepContext) -> str:
        dry = args.get("dry_run") == "yes"
        counts = self.ent.cleanup(self._who(), float(args["age"]), dry_run=dry)
        listed = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items())
        return ("would delete " if dry else "deleted ") + listed

    def _write(self, step: StepContext, filename: str, body: str, name: str, kind: str = "json") -> Any:
        path, art = step.scenario.artifact(kind, filename, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
        return art
