"""The Neovim snippet of docs/editors.md, taken from the page as written, works on the Neovim installed here.

Debian 12's Neovim is 0.7.2, so the page's 0.7 snippet (`vim.lsp.start_client`) is the one tested; the
server it starts must publish the diagnostics of a broken file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.editors.conftest import VIM, require_tool

ROOT = VIM.parents[1]


def _snippet_for(version: str) -> str:
    page = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```lua\n(.*?)```", page, re.S)
    chosen = [b for b in blocks if ("start_client" in b) == (version == "0.7")]
    assert chosen, f"docs/editors.md has no Neovim {version} snippet"
    return chosen[0]


def test_the_documented_neovim_snippet_gets_diagnostics(tmp_path: Path) -> None:
    nvim = require_tool(shutil.which("nvim"), "nvim", "apt-get install neovim")
    version = subprocess.run([nvim, "--version"], capture_output=True, text=True, timeout=30).stdout.split()[1]
    snippet = _snippet_for("0.7" if version.startswith("v0.7") else "0.8")
    server = str(Path(sys.executable).parent / "panoptic")
    init = tmp_path / "init.lua"
    init.write_text(
        f'vim.opt.runtimepath:prepend("{VIM}")\nvim.cmd("filetype plugin indent on")\n'
        + snippet.replace('"panoptic", "lsp"', f'"{server}", "lsp"'),
        encoding="utf-8",
    )
    broken = tmp_path / "t.pan"
    broken.write_text('scenario "s" on nowhere {\n    clik "#x"\n}\n', encoding="utf-8")
    done = subprocess.run(
        [
            nvim,
            "--headless",
            "-u",
            str(init),
            str(broken),
            "+lua vim.wait(20000, function() return #vim.diagnostic.get(0) >= 2 end)",
            "+lua for _, d in ipairs(vim.diagnostic.get(0)) do io.stdout:write(d.lnum .. ' ' .. d.message .. '\\n') end",
            "+qa!",
        ],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=tmp_path,
    )
    lines = done.stdout.splitlines()
    assert "0 no app named `nowhere`" in lines, done.stdout + done.stderr
    assert "1 unknown statement `clik`" in lines
