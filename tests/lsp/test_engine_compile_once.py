"""A check after a request that already compiled the new text reuses that compile instead of compiling again."""

from __future__ import annotations

import time
from pathlib import Path

from panoptic.lsp.engine import Engine

SUITE = 'app shop: web {\n    url: "http://127.0.0.1:8000"\n}\n\nscenario "a" on shop {\n    click "#ok"\n}\n'


def test_a_compile_begun_after_the_change_is_reused(tmp_path: Path) -> None:
    path = tmp_path / "suite.pan"
    path.write_text(SUITE)
    engine = Engine()
    uri = path.as_uri()
    engine.open(uri, SUITE, 1)
    asked = time.monotonic()
    first = engine.compile(uri)  # a request compiles the text first
    assert engine.compile(uri, asked) is first
    assert engine.compile(uri) is not first  # without `since`, compile always compiles


def test_a_compile_begun_before_the_change_is_not_reused(tmp_path: Path) -> None:
    path = tmp_path / "suite.pan"
    path.write_text(SUITE)
    engine = Engine()
    uri = path.as_uri()
    engine.open(uri, SUITE, 1)
    first = engine.compile(uri)
    asked = time.monotonic()
    again = engine.compile(uri, asked)
    assert again is not first and again.started >= asked


def test_a_compile_that_saw_older_text_of_an_open_document_is_not_reused(tmp_path: Path) -> None:
    (tmp_path / "suite.pan").write_text(SUITE)
    other = tmp_path / "other.pan"
    other.write_text('use "./suite.pan"\n')
    engine = Engine()
    uri = (tmp_path / "suite.pan").as_uri()
    engine.open(uri, SUITE, 1)
    engine.open(other.as_uri(), 'use "./suite.pan"\n', 1)
    asked = time.monotonic()
    first = engine.compile(uri)
    engine.update(other.as_uri(), 'use "./suite.pan"\n\nscenario "b" on shop {\n    click "#b"\n}\n', 2)
    again = engine.compile(uri, asked)
    assert again is not first
    assert 'scenario "b"' in again.texts[str(other)]
