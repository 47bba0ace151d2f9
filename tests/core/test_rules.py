"""Every diagnostic code the code base can emit is registered once and documented."""

from __future__ import annotations

import re
from pathlib import Path

from panoptic.contract.family import families
from panoptic.diagnostics.rules import RULES
from panoptic.docgen import write_docs

families()  # a family's rules are registered when it loads

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"\"(PAN\d{3})\"")


def emitted_codes() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "panoptic").rglob("*.py"):
        if path.name == "rules.py":
            continue
        codes.update(CODE.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_emitted_code_is_registered() -> None:
    missing = sorted(emitted_codes() - RULES.keys())
    assert not missing, f"codes used but not registered: {missing}"


def test_every_registered_code_is_documented() -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    undocumented = [code for code in RULES if f"### {code}" not in page]
    assert not undocumented
    for rule in RULES.values():
        assert rule.summary and rule.explanation, rule.code
        assert rule.code[3] in "0123459", rule.code


def test_run_time_errors_use_registered_codes() -> None:
    from panoptic.contract import errors

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.StepError)]
    assert classes
    for cls in classes:
        assert cls.code in RULES, cls


def test_generated_reference_pages_are_current() -> None:
    stale = write_docs(ROOT / "docs", check=True)
    assert not stale, f"run `panoptic docs` to regenerate: {stale}"
