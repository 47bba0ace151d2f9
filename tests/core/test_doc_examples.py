"""The `.pan` examples in the README and the docs are what `panoptic fmt` writes, and name files that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from panoptic.diagnostics import Severity
from panoptic.fmt import format_text
from panoptic.syntax.parser import parse_text

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```pan\n(.*?)```", re.S)
NAMED = re.compile(r"\b((?:examples|stdlib)/[\w./-]+\.pan)\b")


def _blocks() -> list[tuple[str, int, str]]:
    found = []
    for page in PAGES:
        for i, match in enumerate(BLOCK.finditer(page.read_text(encoding="utf-8"))):
            found.append((page.relative_to(ROOT).as_posix(), i, match.group(1)))
    return found


@pytest.mark.parametrize(("page", "index", "text"), _blocks(), ids=lambda v: v if isinstance(v, (str, int)) else "")
def test_whole_examples_are_formatted(page: str, index: int, text: str) -> None:
    name = f"{page}#{index}"
    if _clean(text, name):
        assert format_text(text, name) == text
        return
    wrapped = 'scenario "s" on a {\n' + "".join(f"    {line}\n" if line else "\n" for line in text.splitlines()) + "}\n"
    if not _clean(wrapped, name):
        pytest.skip("a fragment that is neither a file nor statements (e.g. the grammar of one form)")
    formatted = format_text(wrapped, name).splitlines()[1:-1]
    assert "".join(f"{line[4:]}\n" for line in formatted) == text


def _clean(text: str, name: str) -> bool:
    _, diags = parse_text(text, name)
    return not any(d.severity == Severity.ERROR for d in diags)


def test_the_first_examples_are_whole_files_that_format_clean() -> None:
    for page in ("README.md", "docs/language.md"):
        page_blocks = [text for name, _, text in _blocks() if name == page]
        _, diags = parse_text(page_blocks[0], page)
        assert not [d for d in diags if d.severity == Severity.ERROR], page
        assert format_text(page_blocks[0], page) == page_blocks[0], page


def test_named_example_files_exist() -> None:
    missing = [
        (page, name) for page, _, text in _blocks() for name in NAMED.findall(text) if not (ROOT / name).is_file()
    ]
    assert not missing
