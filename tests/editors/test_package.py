"""The VS Code extension folder packages into a .vsix holding the grammar, snippets, client and its library."""

from __future__ import annotations

import subprocess
import zipfile

from tests.editors.conftest import VSCODE


def test_vsce_packages_the_extension(node_bin, tmp_path):
    out = tmp_path / "panoptic.vsix"
    proc = subprocess.run(
        [node_bin("vsce"), "package", "--out", str(out)], cwd=VSCODE, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = set(zipfile.ZipFile(out).namelist())
    for required in (
        "extension/package.json",
        "extension/extension.js",
        "extension/language-configuration.json",
        "extension/syntaxes/panoptic.tmLanguage.json",
        "extension/snippets/panoptic.json",
        "extension/node_modules/vscode-languageclient/node.js",
    ):
        assert required in names, required
    assert not any("/tests/" in n or "vscode-tmgrammar-test" in n or "/shiki/" in n for n in names)
