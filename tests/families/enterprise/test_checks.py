"""Check time: unknown roles, scopes and standards with did-you-mean; plain credentials; nothing heavy imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from panoptic.compiler import compile_text
from panoptic.contract.family import Argument, CheckRequest
from panoptic.diagnostics.rules import RULES
from panoptic.families.enterprise import FAMILY
from panoptic.families.enterprise.checks import check
from panoptic.source import Span

HEADER = 'app console: web {\n    url: "about:blank"\n}\nsecret pw = env("PW", "x")\n\n'
SPAN = Span("t.pan", 0, 1, 1, 1, 1, 2)


def _codes(body: str) -> list[tuple[str, str, str | None]]:
    result = compile_text(HEADER + 'scenario "s" on console {\n' + body + "\n}\n", "t.pan")
    return [(d.code, d.message, d.help) for d in result.diagnostics if d.code.startswith("PAN4")]


def test_unknown_role_with_did_you_mean() -> None:
    assert _codes('    user create "bob" role "develper" password pw') == [
        ("PAN440", "unknown role `develper`", "did you mean `developer`?")
    ]


def test_unknown_standard_with_did_you_mean() -> None:
    assert _codes('    compliance check "iso2700"') == [
        ("PAN442", "unknown compliance standard `iso2700`", "did you mean `iso27001`?")
    ]


def test_plain_string_credentials_are_warnings() -> None:
    found = _codes('    enterprise sign in as "ada" password "Tr0ub4dor&3"\n    enterprise sign in with key "pan_x"')
    assert [c for c, _, _ in found] == ["PAN443", "PAN443"]
    assert "password is written as a plain string" in found[0][1]
    assert "API key is written as a plain string" in found[1][1]
    assert RULES["PAN443"].severity.value == "warning"


def test_secrets_and_known_names_pass() -> None:
    assert _codes('    enterprise sign in as "ada" password pw\n    user create "bob" role "viewer" password pw') == []
    assert _codes('    compliance check "SOC2"\n    cleanup data older than 90d dry run') == []


def test_short_cleanup_age_and_empty_names() -> None:
    assert [c for c, _, _ in _codes("    cleanup data older than 2h")] == ["PAN444"]
    assert [c for c, _, _ in _codes('    project create " "')] == ["PAN446"]


def _request(action: str, **arguments: Argument) -> CheckRequest:
    statement = next(s for s in FAMILY.statements if s.action == action)
    return CheckRequest(statement, SPAN, arguments, "web", {}, Path("."))


def test_scope_lists_known_at_check_time() -> None:
    found = list(
        check(_request("enterprise.key_create", scopes=Argument(SPAN, ["projects:raed", "status:read"], known=True)))
    )
    assert [(d.code, d.message, d.help) for d in found] == [
        ("PAN441", "unknown scope `projects:raed`", "did you mean `projects:read`?")
    ]
    empty = list(check(_request("enterprise.key_create", scopes=Argument(SPAN, [], known=True))))
    assert [d.code for d in empty] == ["PAN445"]


def test_list_literals_in_the_file_reach_the_check() -> None:
    found = _codes('    api key create "ci" for "ada" scopes ["projects:raed", "status:read"]')
    assert found == [("PAN441", "unknown scope `projects:raed`", "did you mean `projects:read`?")]
    assert [c for c, _, _ in _codes('    api key create "ci" for "ada" scopes []')] == ["PAN445"]
    # a list built from a variable is not known before the run: nothing is said about it
    assert _codes('    let s = env("SCOPE", "x")\n    api key create "ci" for "ada" scopes [s]') == []


def test_every_rule_is_in_the_family_blocks() -> None:
    for rule in FAMILY.rules:
        number = int(rule.code[3:])
        assert 440 <= number <= 459 or 940 <= number <= 949, rule.code
        assert RULES[rule.code] == rule


@pytest.mark.parametrize("module", ["panoptic.families.enterprise", "panoptic.families.enterprise.checks"])
def test_the_family_and_its_check_import_nothing_heavy(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "heavy = [m for m in ('sqlalchemy', 'alembic', 'argon2', 'cryptography', 'psycopg') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_unknown_setting_and_the_settings_list() -> None:
    from panoptic.families.enterprise.names import SETTINGS
    from panoptic.families.enterprise.store import DEFAULT_SETTINGS

    assert set(SETTINGS) == set(DEFAULT_SETTINGS)
    assert _codes('    enterprise set "retention_day" to 90') == [
        ("PAN447", "unknown setting `retention_day`", "did you mean `retention_days`?")
    ]
