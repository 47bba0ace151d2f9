"""The Vim syntax file loads in headless Vim and gives the expected groups at sample positions."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from panoptic import editor_grammars as eg
from panoptic.compiler.registry import REGISTRY
from tests.editors.conftest import VIM, require_tool

SAMPLE = """use std.web
app shop: web {
    viewport: 1280x720
    timeout: 10s
}
# a comment TODO
let user = env("U", "alice")
secret password = env("P", "x")
flow login(name, pw) {
    fill label "Password" with pw
}
scenario "checkout" on shop tags smoke, "slow path" {
    login(user, password)
    expect text "Hi ${user}" visible within 5s
    scroll down by 600
    repeat 3 times { click "#inc" }
}
"""

# (line, column, group) — 1-based, as Vim counts.
EXPECTED = [
    (1, 1, "panUse"),
    (1, 5, "panModule"),
    (2, 1, "panDeclaration"),
    (2, 5, "panAppName"),
    (2, 11, "panPlatform"),
    (3, 5, "panSettingKey"),
    (3, 15, "panSize"),
    (4, 14, "panDuration"),
    (6, 1, "panComment"),
    (6, 13, "panTodo"),
    (7, 1, "panDeclaration"),
    (7, 5, "panVarName"),
    (7, 12, "panBuiltin"),
    (7, 16, "panString"),
    (8, 8, "panSecretName"),
    (9, 6, "panFlowName"),
    (10, 5, "panStatement"),
    (10, 10, "panTarget"),
    (10, 27, "panStatement"),
    (12, 24, "panAppName"),
    (12, 29, "panTagsWord"),
    (12, 34, "panTagName"),
    (12, 41, "panTagString"),
    (13, 5, "panCall"),
    (14, 17, "panString"),
    (14, 21, "panInterpolation"),
    (14, 30, "panStatement"),
    (14, 45, "panDuration"),
    (15, 20, "panNumber"),
    (16, 5, "panControl"),
    (16, 12, "panNumber"),
    (16, 14, "panControl"),
]


def _vim() -> str:
    return require_tool(shutil.which("vim"), "vim", "apt-get install vim")


def _groups(tmp_path: Path, text: str, positions: list[tuple[int, int]]) -> tuple[list[str], str]:
    sample = tmp_path / "sample.pan"
    sample.write_text(text)
    out = tmp_path / "out.txt"
    script = tmp_path / "probe.vim"
    pos = ", ".join(f"[{line}, {col}]" for line, col in positions)
    script.write_text(
        f"set runtimepath^={VIM}\n"
        "filetype plugin indent on\n"
        "syntax on\n"
        f"edit {sample}\n"
        "let s:out = [&filetype . '|' . get(b:, 'current_syntax', '') . '|' . &commentstring . '|' . v:errmsg]\n"
        f"for [s:l, s:c] in [{pos}]\n"
        "  call add(s:out, synIDattr(synID(s:l, s:c, 1), 'name'))\n"
        "endfor\n"
        f"call writefile(s:out, '{out}')\n"
        "qall!\n"
    )
    proc = subprocess.run(
        [_vim(), "-Nu", "NONE", "-i", "NONE", "-es", "-S", str(script)], capture_output=True, text=True, timeout=60
    )
    assert out.exists(), proc.stdout + proc.stderr
    lines = out.read_text().splitlines()
    return lines[1:], lines[0]


def test_syntax_loads_and_groups_match(tmp_path):
    groups, header = _groups(tmp_path, SAMPLE, [(ln, c) for ln, c, _ in EXPECTED])
    filetype, syntax, commentstring, errmsg = header.split("|")
    assert (filetype, syntax, commentstring, errmsg) == ("panoptic", "panoptic", "# %s", "")
    mismatches = [(ln, c, want, got) for (ln, c, want), got in zip(EXPECTED, groups, strict=True) if want != got]
    assert not mismatches


def test_every_statement_word_gets_its_group(tmp_path):
    words = eg.classify()
    lines = ['scenario "all" on shop {']
    positions: list[tuple[int, int]] = []
    wanted: list[str] = []
    for entry in REGISTRY.entries:
        text, cols = eg.sample_instance(entry)
        lines.append("    " + text + (" {}" if entry.block == "required" else ""))
        for col, word in cols:
            positions.append((len(lines), 5 + col))
            wanted.append(eg.VIM_GROUPS[words.category(word)])
    lines.append("}")
    groups, header = _groups(tmp_path, "\n".join(lines) + "\n", positions)
    assert header.endswith("|"), header  # no error message while loading
    assert groups == wanted


def test_indentation_follows_braces(tmp_path):
    text = 'scenario "s" on a {\nclick "#x"\nrepeat 2 times {\nclick "#y"\n}\n}\n'
    sample = tmp_path / "indent.pan"
    sample.write_text(text)
    script = tmp_path / "indent.vim"
    script.write_text(f"set runtimepath^={VIM}\nfiletype plugin indent on\nedit {sample}\nnormal! gg=G\nwrite\nqall!\n")
    subprocess.run([_vim(), "-Nu", "NONE", "-i", "NONE", "-es", "-S", str(script)], capture_output=True, timeout=60)
    assert sample.read_text() == (
        'scenario "s" on a {\n    click "#x"\n    repeat 2 times {\n        click "#y"\n    }\n}\n'
    )


ELSE_CHAIN = """scenario "s" on a {
    if visible "#a" {
        click "#a"
    } else if visible "#b" {
        click "#b"
    } else {
        for each x in [
            "one",
            "two",
        ] {
            log x
        }
    }
    click "#c"
}
"""


def test_gg_equals_g_reindents_else_chains_and_lists(tmp_path):
    """`gg=G` on a file with every line flush left gives the indentation `panoptic fmt` writes."""
    sample = tmp_path / "else.pan"
    sample.write_text("".join(line.lstrip() + "\n" for line in ELSE_CHAIN.splitlines()))
    script = tmp_path / "indent.vim"
    script.write_text(f"set runtimepath^={VIM}\nfiletype plugin indent on\nedit {sample}\nnormal! gg=G\nwrite\nqall!\n")
    subprocess.run([_vim(), "-Nu", "NONE", "-i", "NONE", "-es", "-S", str(script)], capture_output=True, timeout=60)
    assert sample.read_text() == ELSE_CHAIN


def test_gg_equals_g_keeps_every_formatted_example(tmp_path):
    """Each formatted example file is a fixed point of Vim's re-indent (blank lines and comments included)."""
    from panoptic.fmt import format_text

    root = VIM.parents[1]
    files = sorted((root / "examples").rglob("*.pan"))
    assert files
    script_lines = [f"set runtimepath^={VIM}", "filetype plugin indent on"]
    copies = []
    for i, path in enumerate(files):
        formatted = format_text(path.read_text(encoding="utf-8"), str(path))
        flat = tmp_path / f"f{i}.pan"
        flat.write_text("".join(line.lstrip() + "\n" for line in formatted.splitlines()), encoding="utf-8")
        copies.append((flat, formatted))
        script_lines += [f"edit {flat}", "normal! gg=G", "write"]
    script = tmp_path / "all.vim"
    script.write_text("\n".join([*script_lines, "qall!"]) + "\n")
    subprocess.run([_vim(), "-Nu", "NONE", "-i", "NONE", "-es", "-S", str(script)], capture_output=True, timeout=120)
    wrong = [str(path) for (flat, formatted), path in zip(copies, files, strict=True) if flat.read_text() != formatted]
    assert not wrong
