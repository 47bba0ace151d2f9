"""Check-time behaviour of the AI family: its codes, its registration, and a check that imports nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from panoptic.contract.family import BUILTIN_FAMILIES, families
from panoptic.diagnostics.rules import RULES


def _codes(cli, tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "site").mkdir(exist_ok=True)
    (tmp_path / "t.pan").write_text(text, encoding="utf-8")
    done = cli("check", "t.pan", "--format", "json")
    data = json.loads(done.stdout)
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if "code" in value and "severity" in value:
                found.append(str(value["code"]))
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(data)
    return found


WEB_APP = 'app site: web {\n    serve: "site"\n}\n\n'
DESKTOP_APP = 'app d: desktop {\n    command: "xterm"\n}\n\n'


def test_family_is_built_in_and_its_rules_are_registered() -> None:
    assert "panoptic.families.ai:FAMILY" in BUILTIN_FAMILIES
    ai = next(f for f in families() if f.name == "ai")
    actions = {s.action for s in ai.statements}
    assert actions == {"ai.vision_report", "ai.no_errors", "ai.instruct"}
    for rule in ai.rules:
        assert RULES[rule.code] == rule
        assert 400 <= int(rule.code[3:]) <= 419 or 920 <= int(rule.code[3:]) <= 929


def test_valid_statements_check_clean(cli, tmp_path: Path) -> None:
    text = WEB_APP + (
        'scenario "s" on site {\n    open "/"\n    vision report "home"\n'
        '    expect no errors except ["favicon.ico"]\n    expect no errors\n    ai "click Sign in"\n}\n'
    )
    assert _codes(cli, tmp_path, text) == []


def test_empty_names_and_instructions(cli, tmp_path: Path) -> None:
    text = WEB_APP + 'scenario "s" on site {\n    vision report ""\n    ai "  "\n}\n'
    assert _codes(cli, tmp_path, text) == ["PAN400", "PAN403"]


def test_web_only_statements_on_desktop(cli, tmp_path: Path) -> None:
    text = DESKTOP_APP + 'scenario "s" on d {\n    expect no errors\n    ai "click it"\n    vision report "screen"\n}\n'
    assert _codes(cli, tmp_path, text) == ["PAN401", "PAN404"]


def test_check_imports_no_driver(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom panoptic.contract.family import families\nfamilies()\n"
        "from panoptic.families.ai.checks import check\n"
        "print(sorted(m for m in ('cv2', 'numpy', 'playwright', 'pytesseract') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
