"""The enterprise family: users, roles, projects, teams, API keys, audit, compliance, licence, backup, cleanup.

Statements act as a principal that a scenario signs in first (`enterprise sign in as … password …`
or `enterprise sign in with key …`, the password or key given as a `secret`). Every operation is one
transaction on the project's store (SQLite under `.panoptic/`, or PostgreSQL through
`PANOPTIC_DATABASE_URL`) and is written to a hash-chained audit log; a denied action fails with
PAN941 and is audited too. Administrators use the same operations through `panoptic enterprise …`.

This module and the check hook import only the standard library and the contract: SQLAlchemy,
argon2 and cryptography load when a run or a command first touches the store.
"""

from __future__ import annotations

from panoptic.contract.family import Family
from panoptic.contract.statements import StatementList
from panoptic.diagnostics.model import Severity
from panoptic.diagnostics.rules import Rule
from panoptic.diagnostics.rules import rule as _rule

_STATEMENTS = StatementList("enterprise")
_s = _STATEMENTS.add


_s(
    "enterprise sign in as <user:text> password <password:text>",
    "enterprise.sign_in",
    "open a session as a user; the statements after it act as that user",
    example='enterprise sign in as "ada" password admin_password',
)
_s(
    "enterprise sign in with key <key:text>",
    "enterprise.use_key",
    "act as the owner of an API key, limited to the key's scopes",
    example="enterprise sign in with key ci_key",
)
_s(
    "enterprise sign in with new key <name:text>",
    "enterprise.use_new_key",
    "act with an API key created earlier in this scenario by `api key create`",
    example='enterprise sign in with new key "ci"',
)
_s("enterprise sign out", "enterprise.sign_out", "end the session; later statements need a new sign-in")
_s(
    "enterprise status",
    "enterprise.status",
    "report counts, store health, schema version, licence, last backup and audit chain state",
)
_s(
    "enterprise expect denied",
    "enterprise.expect_denied",
    "run the block and pass only if one of its statements is denied for lack of permission",
    block="required",
    example='enterprise expect denied {\n    user create "eve" role "admin" password pw\n}',
)
_s(
    "user create <name:text> role <role:text> password <password:text> [email <email:text>]",
    "enterprise.user_create",
    "create a user with a role (admin, manager, developer, viewer); the password must meet the policy",
    example='user create "bob" role "developer" password bob_password',
)
_s(
    "user authenticate <name:text> password <password:text>",
    "enterprise.user_authenticate",
    "check a user's password (failures count towards lock-out)",
    example='user authenticate "bob" password bob_password',
)
_s(
    "project create <name:text> [team <team:text>]",
    "enterprise.project_create",
    "create a project, optionally owned by a team",
    example='project create "checkout" team "web"',
)
_s(
    "team create <name:text> [lead <lead:text>]",
    "enterprise.team_create",
    "create a team, optionally with its lead",
    example='team create "web" lead "bob"',
)
_s(
    "team add <user:text> to <team:text>",
    "enterprise.team_add",
    "add a user to a team",
    example='team add "carol" to "web"',
)
_s(
    "api key create <name:text> for <user:text> scopes <scopes:list> [expires in <expires:duration>]",
    "enterprise.key_create",
    "create an API key (masked from then on; kept for `enterprise sign in with new key`)",
    example='api key create "ci" for "bob" scopes ["projects:read"] expires in 30d',
)
_s(
    "api key revoke <name:text> for <user:text>",
    "enterprise.key_revoke",
    "revoke a user's API key",
    example='api key revoke "ci" for "bob"',
)
_s(
    "audit report [user <user:text>] [action <action:text>] [severity <severity:info|warning|critical>]"
    " [since <since:duration>] [format <format:json|csv>]",
    "enterprise.audit_report",
    "write the audit entries that match the filters as a JSON or CSV artifact of the report",
    example='audit report action "user.create" since 1d format csv',
)
_s(
    "audit verify",
    "enterprise.audit_verify",
    "verify the audit log's hash chain; fail on an edited, inserted or deleted entry",
)
_s(
    "enterprise set <setting:text> to <value:any>",
    "enterprise.set_setting",
    "change a store setting (password policy, lock-out, session hours, key lifetime, retention)",
    example='enterprise set "retention_days" to 90',
)
_s(
    "compliance check <standard:text>",
    "enterprise.compliance_check",
    "evaluate the controls of soc2, gdpr, hipaa or iso27001 on the store's data; fail when one fails",
    example='compliance check "soc2"',
)
_s(
    "license info",
    "enterprise.license_info",
    "report the licence (or the open-source limits) and fail on an invalid one",
)
_s(
    "backup data [to <folder:text>]",
    "enterprise.backup",
    "write a consistent backup of the store and artifacts (tar.gz with a checksum manifest)",
    example='backup data to "backups"',
)
_s(
    "cleanup data older than <age:duration>",
    "enterprise.cleanup",
    "delete runs, artifacts, sessions and expired keys older than the age",
    example="cleanup data older than 90d",
)
_s(
    "cleanup data older than <age:duration> dry run",
    "enterprise.cleanup",
    "count what `cleanup data` would delete, deleting nothing",
    fixed=(("dry_run", "yes"),),
    example="cleanup data older than 90d dry run",
)

E, W = Severity.ERROR, Severity.WARNING


RULES: tuple[Rule, ...] = (
    _rule(
        "PAN440",
        "unknown-role",
        E,
        "a user role that does not exist",
        "Roles are admin, manager, developer and viewer; see the permission table in docs/enterprise.md.",
    ),
    _rule(
        "PAN441",
        "unknown-scope",
        E,
        "an API key scope that does not exist",
        "Scopes are permission names such as `projects:read`; docs/enterprise.md lists them all.",
    ),
    _rule(
        "PAN442",
        "unknown-standard",
        E,
        "a compliance standard that is not supported",
        "`compliance check` knows soc2, gdpr, hipaa and iso27001.",
    ),
    _rule(
        "PAN443",
        "plain-credential",
        W,
        "a password or API key written as a plain string",
        "A credential written in the file ends up in version control and is not masked in reports. Declare it with "
        '`secret NAME = env("VAR")` and use the name.',
    ),
    _rule(
        "PAN444",
        "bad-retention",
        E,
        "a cleanup age that would delete current data",
        "`cleanup data older than` needs an age of at least one day.",
    ),
    _rule(
        "PAN445",
        "empty-scopes",
        E,
        "an API key without scopes",
        "A key with no scope can do nothing; list the permissions it needs.",
    ),
    _rule(
        "PAN446",
        "empty-name",
        E,
        "an empty name for a user, project, team or key",
        "Names identify users, projects, teams and keys; they must not be empty.",
    ),
    _rule(
        "PAN447",
        "unknown-setting",
        E,
        "a store setting that does not exist",
        "Settings are the password policy, lock-out, session, key lifetime, inactivity, retention and backup "
        "age values listed in docs/enterprise.md.",
    ),
    _rule(
        "PAN940",
        "enterprise-store-unavailable",
        E,
        "the enterprise store cannot be opened",
        "The SQLite file or the PostgreSQL server in `PANOPTIC_DATABASE_URL` cannot be reached or migrated.",
    ),
    _rule(
        "PAN941",
        "permission-denied",
        E,
        "the signed-in principal may not do this",
        "The role of the user (and the scopes of the API key) do not include the permission the action needs. "
        "The denial is written to the audit log.",
    ),
    _rule(
        "PAN942",
        "authentication-failed",
        E,
        "a sign-in or API key was refused",
        "Wrong password, locked or inactive account, expired session, or an unknown, revoked or expired API key.",
    ),
    _rule(
        "PAN943",
        "invalid-request",
        E,
        "the request conflicts with the stored data",
        "A name that exists already, an unknown user or team, a password that fails the policy, a licence limit.",
    ),
    _rule(
        "PAN944",
        "audit-chain-broken",
        E,
        "the audit log's hash chain does not verify",
        "An entry was edited, inserted or deleted behind the store's back; the message names the first entries.",
    ),
    _rule(
        "PAN945",
        "compliance-failed",
        E,
        "a compliance control fails",
        "The message lists the failing controls with their evidence; the report holds every control.",
    ),
    _rule(
        "PAN946",
        "licence-invalid",
        E,
        "the licence is invalid, expired, or one of its limits is reached",
        "A licence is a JSON file signed with Ed25519 by a trusted issuer key; an edited file fails its signature.",
    ),
    _rule(
        "PAN947",
        "backup-failed",
        E,
        "a backup could not be written or restored",
        "The archive could not be written, or on restore a file fails its checksum or the store is not empty.",
    ),
    _rule(
        "PAN948",
        "not-signed-in",
        E,
        "no administrator or no signed-in principal",
        "Run `panoptic enterprise init` once to create the first administrator; a scenario signs in with "
        "`enterprise sign in as … password …` before other enterprise statements.",
    ),
)

FAMILY = Family(
    name="enterprise",
    summary="users, roles, projects, teams, API keys, audit, compliance, licence, backup and cleanup on a real database",
    statements=tuple(_STATEMENTS),
    rules=RULES,
    check="panoptic.families.enterprise.checks:check",
    runtime="panoptic.families.enterprise.runtime:EnterpriseRuntime",
    commands="panoptic.families.enterprise.cli:register",
    docs=(
        "Enterprise statements act as the principal signed in with `enterprise sign in as … password …` or "
        "`enterprise sign in with key …`. The store is SQLite under `.panoptic/` unless "
        "`PANOPTIC_DATABASE_URL` names a PostgreSQL database. See docs/enterprise.md."
    ),
)
