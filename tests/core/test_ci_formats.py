"""The CI output formats, checked against what reads them.

SARIF is validated against the SARIF 2.1.0 schema (the copy Microsoft's SARIF
tools ship, installed by scripts/setup.sh into .tools/test-tools) with format
checking on, so a relative `helpUri` fails as it does in code scanning. GitHub
workflow commands are parsed the way the Actions runner splits them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / ".tools" / "test-tools" / "node_modules" / "@microsoft" / "jest-sarif" / "lib" / "schemas"
SCHEMA_FILE = SCHEMA / "sarif-2.1.0-rtm.5.json"

FIXABLE = 'app a: web {\n    url: "http://127.0.0.1:9"\n    timeout: 5\n}\n\nscenario "s" on a {\n    clik "#x"\n}\n'


def _check(path: Path, fmt: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "check", "-f", fmt, str(path)],
        capture_output=True,
        text=True,
        cwd=path.parent,
        env={**os.environ, "PANOPTIC_NO_CACHE": "1", **(env or {})},
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    return done.stdout


def test_sarif_is_valid_under_the_2_1_0_schema_with_formats(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("rfc3987")  # the "uri" format is only checked when it is installed
    if not SCHEMA_FILE.is_file():
        pytest.fail(f"the SARIF schema is missing at {SCHEMA_FILE}: run scripts/setup.sh")
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    bad = tmp_path / "bad.pan"
    bad.write_text(FIXABLE, encoding="utf-8")
    log = json.loads(_check(bad, "sarif"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    run = log["runs"][0]
    uris = [rule["helpUri"] for rule in run["tool"]["driver"]["rules"]]
    assert uris and all(uri.startswith("file:///") and "/rules.md#pan" in uri for uri in uris)
    fixes = [r for r in run["results"] if "fixes" in r]
    assert [f["ruleId"] for f in fixes] == ["PAN305"]
    change = fixes[0]["fixes"][0]["artifactChanges"][0]
    assert change["replacements"][0]["insertedContent"]["text"] == "5s"
    assert change["replacements"][0]["deletedRegion"]["startLine"] == 3


def test_sarif_help_links_follow_the_docs_url(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pan"
    bad.write_text(FIXABLE, encoding="utf-8")
    log = json.loads(_check(bad, "sarif", {"PANOPTIC_DOCS_URL": "https://docs.example.org/panoptic/"}))
    uris = {rule["id"]: rule["helpUri"] for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert uris["PAN305"] == "https://docs.example.org/panoptic/rules.md#pan305"


def _parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Split `::name k=v,k=v::message` like the Actions runner, then unescape."""

    def unescape(text: str) -> str:
        return (
            text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
        )

    assert line.startswith("::")
    head, _, message = line[2:].partition("::")
    name, _, props = head.partition(" ")
    pairs = dict(p.split("=", 1) for p in props.split(",") if p)
    return name, {k: unescape(v) for k, v in pairs.items()}, unescape(message)


def test_github_annotations_escape_commas_and_colons_in_paths(tmp_path: Path) -> None:
    folder = tmp_path / "a,b:c"
    folder.mkdir()
    bad = folder / "x,y.pan"
    bad.write_text(FIXABLE, encoding="utf-8")
    lines = _check(bad, "github").splitlines()
    name, props, message = _parse_command(lines[0])
    assert name in ("error", "warning")
    assert props["file"].endswith("x,y.pan")
    assert props["line"].isdigit() and props["title"].startswith("PAN")
    assert message
