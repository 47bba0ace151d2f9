"""The VS Code extension packages into a .vsix holding the esbuild bundle, its licences, the grammar and snippets."""

from __future__ import annotations

import subprocess
import zipfile

from tests.editors.conftest import VSCODE


def test_vsce_packages_the_bundled_extension(node_bin, tmp_path):
    out = tmp_path / "panoptic.vsix"
    proc = subprocess.run(
        [node_bin("vsce"), "package", "--out", str(out)], cwd=VSCODE, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = set(zipfile.ZipFile(out).namelist())
    for required in (
        "extension/package.json",
        "extension/dist/extension.js",
        "extension/dist/THIRD-PARTY-NOTICES.txt",
        "extension/LICENSE.txt",
        "extension/language-configuration.json",
        "extension/syntaxes/panoptic.tmLanguage.json",
        "extension/snippets/panoptic.json",
    ):
        assert required in names, required
    # one bundle instead of hundreds of loose files: no node_modules, no sources, no tests
    assert not any("node_modules/" in n or "/src/" in n or "/tests/" in n or n.endswith(".map") for n in names)
    assert len(names) <= 12, sorted(names)
