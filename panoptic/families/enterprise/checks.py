"""The enterprise family's static check hook (imports only the standard library and the contract)."""

from __future__ import annotations

from collections.abc import Iterator

from panoptic.contract.family import CheckRequest
from panoptic.diagnostics.model import Diagnostic, Severity
from panoptic.families.enterprise.names import ROLES, SCOPES, SETTINGS, STANDARDS, did_you_mean

_SEVERITY = {"PAN443": Severity.WARNING}
_CREDENTIALS = {"password": "password", "key": "API key"}
_NAMED = {
    "enterprise.user_create": ("name",),
    "enterprise.project_create": ("name",),
    "enterprise.team_create": ("name",),
    "enterprise.key_create": ("name",),
}


def _diag(code: str, message: str, request: CheckRequest, arg: str, help: str | None = None) -> Diagnostic:
    return Diagnostic(code, _SEVERITY.get(code, Severity.ERROR), message, request.span_of(arg), help=help)


def check(request: CheckRequest) -> Iterator[Diagnostic]:
    """Diagnostics for one enterprise statement: unknown roles, scopes, standards; plain credentials."""
    action = request.statement.action
    for arg, what in _CREDENTIALS.items():
        found = request.arguments.get(arg)
        if found is not None and found.plain_literal and not found.secret:
            yield _diag(
                "PAN443",
                f"the {what} is written as a plain string",
                request,
                arg,
                help=f'declare it as a secret (`secret {arg}_value = env("…")`) and use that name',
            )
    for arg in _NAMED.get(action, ()):
        value = request.literal(arg)
        if isinstance(value, str) and not value.strip():
            yield _diag("PAN446", "the name is empty", request, arg)
    if action == "enterprise.user_create":
        role = request.literal("role")
        if isinstance(role, str) and role not in ROLES:
            yield _diag("PAN440", f"unknown role `{role}`", request, "role", did_you_mean(role, ROLES, "roles"))
    elif action == "enterprise.key_create":
        scopes = request.literal("scopes")
        if isinstance(scopes, (list, tuple)):
            if not scopes:
                yield _diag("PAN445", "the API key has no scopes", request, "scopes", "list the permissions it needs")
            for scope in scopes:
                if isinstance(scope, str) and scope not in SCOPES:
                    yield _diag(
                        "PAN441", f"unknown scope `{scope}`", request, "scopes", did_you_mean(scope, SCOPES, "scopes")
                    )
    elif action == "enterprise.compliance_check":
        standard = request.literal("standard")
        if isinstance(standard, str) and standard.lower() not in STANDARDS:
            yield _diag(
                "PAN442",
                f"unknown compliance standard `{standard}`",
                request,
                "standard",
                did_you_mean(standard, STANDARDS, "standards"),
            )
    elif action == "enterprise.set_setting":
        setting = request.literal("setting")
        if isinstance(setting, str) and setting not in SETTINGS:
            yield _diag(
                "PAN447",
                f"unknown setting `{setting}`",
                request,
                "setting",
                did_you_mean(setting, SETTINGS, "settings"),
            )
    elif action == "enterprise.cleanup":
        age = request.literal("age")
        if isinstance(age, (int, float)) and age < 86400:
            yield _diag(
                "PAN444",
                "`cleanup data` needs an age of at least 1d",
                request,
                "age",
                "write a retention age such as `90d`",
            )
