"""The TextMate grammar drives a real highlighter (shiki): the docs screenshot's HTML colours each category."""

from __future__ import annotations

import re
import shutil
import subprocess

from tests.editors.conftest import VSCODE, require_tool


def test_shiki_colours_the_categories_differently(tmp_path):
    node = require_tool(shutil.which("node"), "node", "apt-get install nodejs")
    require_tool(VSCODE / "node_modules" / "shiki", "shiki", "cd editors/vscode && npm ci")
    out = tmp_path / "sample.html"
    subprocess.run([node, "render/highlight.mjs", "render/sample.pan", str(out)], cwd=VSCODE, check=True, timeout=120)
    html = out.read_text()

    def colour(token: str) -> str:
        m = re.search(r'<span style="color:(#[0-9A-Fa-f]{6})">\s*' + re.escape(token) + r"\s*</span>", html)
        assert m, token
        return m.group(1).upper()

    declaration, statement, target = colour("scenario"), colour("fill"), colour("role")
    control, comment, duration = colour("repeat"), colour("# The shop's checkout, as a Panoptic suite."), colour("5s")
    assert len({declaration, statement, target, control, comment}) == 5
    assert colour('"site"') != duration
