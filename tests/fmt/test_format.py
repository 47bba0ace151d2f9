"""The formatter: golden pairs, idempotence and an unchanged syntax tree over every `.pan` file in the repository."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from panoptic.fmt import FormatError, format_module, format_text
from panoptic.syntax import ast
from panoptic.syntax.parser import parse_text
from tests.conftest import check_golden
from tests.fmt.ast_compare import strip_positions

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"


def golden_inputs() -> list[str]:
    return sorted(p.name for p in GOLDEN.glob("*.pan") if not p.name.endswith(".expected.pan"))


def every_pan_file() -> list[str]:
    """Examples, the standard library and every golden file of every test area (found when the tests run)."""
    found = [*ROOT.glob("examples/**/*.pan"), *ROOT.glob("stdlib/**/*.pan"), *ROOT.glob("tests/**/golden/**/*.pan")]
    return sorted({str(p.relative_to(ROOT)) for p in found})


def read(path: Path) -> str:
    """The file's text with its line breaks exactly as stored (CRLF included)."""
    return path.read_bytes().decode("utf-8-sig")


def syntax_ok(text: str) -> bool:
    return not parse_text(text)[1]


# ---- golden pairs ------------------------------------------------------------------


@pytest.mark.parametrize("name", golden_inputs())
def test_golden(name: str, update_golden: bool) -> None:
    formatted = format_text(read(GOLDEN / name), name)
    check_golden(GOLDEN / (name[:-4] + ".expected.pan"), formatted, update_golden)


def test_every_golden_input_has_an_expected_file() -> None:
    expected = {p.name[: -len(".expected.pan")] for p in GOLDEN.glob("*.expected.pan")}
    inputs = {n[:-4] for n in golden_inputs()}
    assert inputs == expected
    assert len(inputs) >= 8


def test_crlf_golden_input_really_has_crlf() -> None:
    data = (GOLDEN / "crlf.pan").read_bytes()
    assert b"\r\n" in data
    assert b"\r" not in (GOLDEN / "crlf.expected.pan").read_bytes()


# ---- properties over every file ----------------------------------------------------------


@pytest.mark.parametrize("relpath", every_pan_file())
def test_idempotent_and_meaning_kept(relpath: str) -> None:
    text = read(ROOT / relpath)
    module, diagnostics = parse_text(text, relpath)
    if diagnostics:
        # A file with syntax errors (a diagnostics golden file) is refused, never half-formatted.
        with pytest.raises(FormatError) as info:
            format_text(text, relpath)
        assert info.value.diagnostics
        return
    once = format_text(text, relpath)
    assert format_module(module, text) == once
    twice = format_text(once, relpath)
    assert twice == once, f"formatting {relpath} twice changes it"
    reparsed, problems = parse_text(once, relpath)
    assert problems == []
    assert strip_positions(reparsed) == strip_positions(module), f"formatting {relpath} changed its meaning"
    assert_canonical_layout(once)


def assert_canonical_layout(text: str) -> None:
    if not text:
        return
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\r" not in text and "\t" not in text.replace("\\t", "")
    for number, line in enumerate(text.split("\n")[:-1], 1):
        assert line == line.rstrip(), f"trailing blanks on line {number}"
        indent = len(line) - len(line.lstrip(" "))
        assert indent % 4 == 0, f"indentation of line {number} is not a multiple of 4"
    assert "\n\n\n" not in text
    assert not text.startswith("\n")


def test_the_repository_files_are_found() -> None:
    files = every_pan_file()
    assert "stdlib/web.pan" in files
    assert any(f.startswith("examples/") for f in files)
    assert any(f.startswith("tests/fmt/golden/") for f in files)


def test_examples_and_stdlib_are_already_formatted() -> None:
    for relpath in every_pan_file():
        if relpath.startswith(("examples/", "stdlib/")):
            text = read(ROOT / relpath)
            assert format_text(text, relpath) == text, f"{relpath} is not formatted"


# ---- line breaks, blanks and spacing -------------------------------------------------------


@pytest.mark.parametrize("name", golden_inputs())
def test_crlf_input_gives_the_same_lf_output(name: str) -> None:
    text = read(GOLDEN / name).replace("\r\n", "\n")
    assert format_text(text.replace("\n", "\r\n")) == format_text(text)


_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*')


def _scramble(text: str, rng: random.Random) -> str:
    """Change only the blanks of a formatted file: indentation and the spaces between tokens."""
    out = []
    for line in text.split("\n"):
        body = line.strip()
        pieces, pos = [], 0
        for m in _STRING_OR_COMMENT.finditer(body):
            pieces.append(re.sub(r" +", lambda _: rng.choice([" ", "  ", "\t", " \t "]), body[pos : m.start()]))
            pieces.append(m.group(0))
            pos = m.end()
        pieces.append(re.sub(r" +", lambda _: rng.choice([" ", "   ", "\t"]), body[pos:]))
        padded = rng.choice(["", " ", "\t", "        ", "  \t"]) + "".join(pieces)
        out.append(padded + rng.choice(["", " ", "\t"]) if body else rng.choice(["", "  "]))
    return "\n".join(out)


@pytest.mark.parametrize("name", golden_inputs())
def test_blanks_do_not_matter(name: str) -> None:
    expected = (GOLDEN / (name[:-4] + ".expected.pan")).read_text(encoding="utf-8")
    rng = random.Random(name)
    for _ in range(5):
        assert format_text(_scramble(expected, rng)) == expected


def test_empty_and_blank_files() -> None:
    assert format_text("") == ""
    assert format_text("\n\n   \n") == ""


def test_missing_final_newline_is_added() -> None:
    assert format_text('let a = "x"') == 'let a = "x"\n'
    assert format_text("# only a comment") == "# only a comment\n"


def test_simple_declarations_keep_their_grouping_and_block_declarations_get_one_blank_line() -> None:
    text = (
        'use std.web\nuse "./a.pan"\nlet a = 1\n\n\nlet b = 2\nsetup {\n    open "/"\n}\nteardown {\n    log "x"\n}\n'
    )
    assert format_text(text) == (
        'use std.web\nuse "./a.pan"\nlet a = 1\n\nlet b = 2\n\nsetup {\n    open "/"\n}\n\nteardown {\n    log "x"\n}\n'
    )


def test_strings_keep_their_escapes_exactly() -> None:
    for raw in ['"a\\"b"', '"tab\\there"', '"\\\\d+"', '"$${literal}"', '"${user.name}!"', '"\\u00e9 é"', '""']:
        assert format_text(f"let s = {raw}\n") == f"let s = {raw}\n"


def test_numbers_durations_and_sizes_as_written() -> None:
    text = "let a = [1.50, -3, 007, 1.5s, 250ms, 2m, 3h, 30d, 0x0, 1920x1080]\n"
    assert format_text(text) == text


def test_trailing_comment_after_a_list_item_stays_with_that_item() -> None:
    text = 'let xs = ["a", # about a\n "b"]\n'
    assert format_text(text) == 'let xs = [\n    "a",  # about a\n    "b",\n]\n'


def test_comment_only_blocks_stay_multi_line_and_empty_blocks_close_up() -> None:
    assert format_text("setup {\n}\n") == "setup {}\n"
    assert format_text("setup {\n# later\n}\n") == "setup {\n    # later\n}\n"
    assert format_text("app a: web {\n}\n") == "app a: web {}\n"
    assert format_text("app a: web { # none yet\n}\n") == "app a: web {  # none yet\n}\n"


def test_every_comment_is_kept_in_order() -> None:
    text = read(GOLDEN / "comments.pan")
    before = [c.text.rstrip() for c in parse_text(text)[0].comments]
    after = [c.text.rstrip() for c in parse_text(format_text(text))[0].comments]
    assert after == before
    assert len(before) >= 25


# ---- refusing broken files ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'scenario "x" {\n    click "#a\n}\n',  # unterminated string
        'scenario "x" {\n    click "#a"\n',  # unclosed block
        "app a web {\n}\n",  # missing colon
        'let a = "${}"\n',  # bad interpolation
        "let = 3\n",
    ],
)
def test_syntax_errors_are_refused(text: str) -> None:
    with pytest.raises(FormatError) as info:
        format_text(text, "broken.pan")
    assert info.value.diagnostics
    assert all(d.code.startswith("PAN1") for d in info.value.diagnostics)
    assert "broken.pan" in str(info.value)


def test_format_module_refuses_error_nodes() -> None:
    module, diagnostics = parse_text("let a = 1\n)(\nlet b = 2\n")
    assert diagnostics
    assert any(isinstance(d, ast.ErrorNode) for d in module.decls)
    with pytest.raises(FormatError):
        format_module(module, "let a = 1\n)(\nlet b = 2\n")
