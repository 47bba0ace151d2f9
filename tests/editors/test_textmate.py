"""The TextMate grammar, run by `vscode-tmgrammar-test` (vscode-textmate + oniguruma) on annotated samples."""

from __future__ import annotations

import json
import subprocess

from panoptic.compiler.registry import REGISTRY
from panoptic.editor_grammars import sample_instance
from tests.editors.conftest import VSCODE


def _run(node_bin, *files: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [node_bin("vscode-tmgrammar-test"), "-c", "-g", "syntaxes/panoptic.tmLanguage.json", *files],
        cwd=VSCODE,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_annotated_samples_pass(node_bin):
    out = _run(node_bin, "tests/*.test.pan")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "sample.test.pan run successfuly" in out.stdout
    assert "statements.test.pan run successfuly" in out.stdout


def test_the_statement_sample_asserts_every_statement():
    text = (VSCODE / "tests" / "statements.test.pan").read_text()
    for entry in REGISTRY.entries:
        written = f"let v = {entry.head[0]}" if entry.produces else entry.head[0]  # value forms follow `let v =`
        assert f"    {written}" in text, entry.signature
    asserted = sum(1 for line in text.splitlines() if line.startswith("#") and "^" in line)
    assert asserted == sum(len(sample_instance(e)[1]) for e in REGISTRY.entries)


def test_a_wrong_expectation_fails(node_bin, tmp_path):
    sample = (VSCODE / "tests" / "sample.test.pan").read_text()
    broken = sample.replace("support.type.target.panoptic", "keyword.control.panoptic", 1)
    bad = VSCODE / "tests" / "_wrong.test.pan"
    bad.write_text(broken)
    try:
        out = _run(node_bin, "tests/_wrong.test.pan")
    finally:
        bad.unlink()
    assert out.returncode != 0
    assert "Missing required scopes: [ keyword.control.panoptic ]" in out.stdout


def test_package_manifest_points_at_real_files():
    manifest = json.loads((VSCODE / "package.json").read_text())
    contributes = manifest["contributes"]
    assert (VSCODE / contributes["grammars"][0]["path"]).is_file()
    assert (VSCODE / contributes["languages"][0]["configuration"]).is_file()
    assert (VSCODE / contributes["snippets"][0]["path"]).is_file()
    assert (VSCODE / manifest["main"]).is_file()
    assert "panoptic.executablePath" in contributes["configuration"]["properties"]
    config = json.loads((VSCODE / "language-configuration.json").read_text())
    assert config["comments"]["lineComment"] == "#"
    assert ["{", "}"] in config["brackets"]
    assert {"open": "{", "close": "}"} in config["autoClosingPairs"]
    assert config["indentationRules"]["increaseIndentPattern"]
