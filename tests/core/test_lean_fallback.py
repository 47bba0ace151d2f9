"""When the lean LALR loop or `first_chars` cannot use the internals they read, parsing goes on unchanged.

The lean loop's tables are exported from private parts of Lark and
`first_chars` reads CPython's `re._parser`. A release that renames one of them must cost speed, never
results: each test breaks one internal and checks that every `.pan` file of
the repository still parses to the same module and diagnostics, and that the
reason is there for `panoptic doctor` to show.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from panoptic.diagnostics import Diagnostic
from panoptic.source import Source
from panoptic.syntax import ast
from panoptic.syntax import first_chars as first_chars_module
from panoptic.syntax import parser as parser_module
from panoptic.syntax.lalr import Fallback, LeanParser
from panoptic.syntax.lean_tables import export_tables
from panoptic.syntax.parser import (
    lark_parser,
    lean_available,
    lean_status,
    lean_tables,
    make_lean_parser,
    parse_once,
    parse_text,
)
from tests.core.test_lean_parser import FILES, ROOT

Parsed = dict[str, tuple[ast.Module, list[Diagnostic]]]

# Read once: a file another process rewrites during the run must not look like a difference between parses.
TEXTS = {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in FILES}


def _parse_all(texts: dict[str, str] = TEXTS) -> Parsed:
    return {name: parse_text(text, name) for name, text in texts.items()}


@pytest.fixture(scope="module")
def normal() -> Parsed:
    """Every repository file parsed the usual way: the lean loop, `first_chars` narrowing its scanners."""
    parser_module.lean_parser.cache_clear()
    first_chars_module.first_chars_unavailable.cache_clear()
    assert lean_available(), lean_status()
    assert lean_status() is None
    return _parse_all()


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A lean loop built again for the test (and again after it), with no failure remembered."""
    monkeypatch.setattr(parser_module, "_LEAN", parser_module._LeanStatus())
    parser_module.lean_parser.cache_clear()
    first_chars_module.first_chars_unavailable.cache_clear()
    yield
    monkeypatch.undo()
    parser_module.lean_parser.cache_clear()
    first_chars_module.first_chars_unavailable.cache_clear()


def _count_lark_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each text Lark's own loop parses from now on."""
    lark = lark_parser()
    parse = lark.parse
    seen: list[str] = []

    def counting(text: str, *args: object, **kwargs: object) -> object:
        seen.append(text)
        return parse(text, *args, **kwargs)

    monkeypatch.setattr(lark, "parse", counting, raising=False)
    return seen


def test_a_missing_lark_internal_falls_back_to_larks_loop(
    normal: Parsed, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parser_module, "load_tables", lambda path, grammar: None)  # no saved tables: export them
    monkeypatch.delattr(lark_parser(), "terminals")  # read by the export only, not by Lark's parse
    lark_parses = _count_lark_parses(monkeypatch)
    assert not lean_available()
    status = lean_status()
    assert status is not None and "could not be built" in status and "AttributeError" in status
    assert _parse_all() == normal
    assert len(lark_parses) >= len(FILES)  # every file went through Lark's own loop


@pytest.mark.parametrize("error", [AttributeError, KeyError, ImportError, TypeError, IndexError, RuntimeError])
def test_any_error_building_the_lean_loop_falls_back(
    error: type[Exception], normal: Parsed, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> LeanParser:
        raise error("an internal moved")

    monkeypatch.setattr(parser_module, "LeanParser", broken)
    assert not lean_available()
    status = lean_status()
    assert status is not None and error.__name__ in status
    assert _parse_all() == normal


def test_a_lean_loop_failing_while_parsing_hands_that_parse_to_lark(
    normal: Parsed, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lean = make_lean_parser(lean_tables())
    lean._gotos = [{} for _ in lean._gotos]  # a table read the wrong way: the first reduction raises KeyError
    monkeypatch.setattr(parser_module, "lean_parser", lambda: lean)
    lark_parses = _count_lark_parses(monkeypatch)
    assert _parse_all() == normal
    assert len(lark_parses) >= len(FILES)
    status = lean_status()
    assert status is not None and "failed on" in status and "KeyError" in status


def test_an_error_of_both_loops_is_not_blamed_on_the_lean_loop(fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(text: str) -> list[object]:
        raise ValueError("a builder bug")

    lean = make_lean_parser(lean_tables())
    monkeypatch.setattr(lean, "parse", failing)
    monkeypatch.setattr(lark_parser(), "parse", failing, raising=False)
    monkeypatch.setattr(parser_module, "lean_parser", lambda: lean)
    _module, diags = parse_text('scenario "s" {\n}\n')
    assert [d.code for d in diags] == ["PAN900"]
    assert parser_module._LEAN.parse_errors == 0


def _lean_and_lark_agree_on_every_file(lean: LeanParser, texts: dict[str, str] = TEXTS) -> None:
    """The lean loop parses each file without syntax errors itself, to what Lark's loop builds."""
    for name, text in texts.items():
        source = Source("t.pan", text if text.endswith("\n") else text + "\n")
        try:
            by_lean = parse_once(source, lean.parse)
        except Fallback:
            assert parse_text(source.text)[1], f"{name} fell back to Lark"
            continue
        assert by_lean == parse_once(source, lark_parser().parse), name


def test_re_parser_answering_in_another_shape_scans_with_every_terminal(
    normal: Parsed, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = first_chars_module.sre
    assert real is not None
    renumbered = types.SimpleNamespace(**{name: getattr(real, name) for name in dir(real) if name.isupper()})
    renumbered.LITERAL = object()  # an opcode this module no longer recognises
    monkeypatch.setattr(first_chars_module, "sre", renumbered)
    reason = first_chars_module.first_chars_unavailable()
    assert reason is not None and "re._parser reads" in reason
    assert first_chars_module.first_chars(r"\{") is None
    assert lean_available()
    status = lean_status()
    assert status is not None and "every terminal" in status
    _lean_and_lark_agree_on_every_file(make_lean_parser(lean_tables()))
    assert _parse_all() == normal


def test_re_parser_raising_scans_with_every_terminal(
    normal: Parsed, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(first_chars_module, "_parser", types.SimpleNamespace())  # `parse` renamed
    reason = first_chars_module.first_chars_unavailable()
    assert reason is not None and "AttributeError" in reason
    _lean_and_lark_agree_on_every_file(make_lean_parser(lean_tables()))
    assert _parse_all() == normal


def test_a_python_without_re_parser_parses_every_file_the_same(normal: Parsed, tmp_path: Path) -> None:
    texts, out = tmp_path / "texts.pickle", tmp_path / "parsed.pickle"
    texts.write_bytes(pickle.dumps(TEXTS))
    script = textwrap.dedent(
        f"""
        import pickle, re, sys
        import lark  # Lark reads re._parser itself when it is imported
        del re._parser
        sys.modules["re._parser"] = None  # `from re import _parser` now raises ImportError
        from panoptic.syntax.first_chars import first_chars, first_chars_unavailable
        from panoptic.syntax.parser import lean_available, lean_status
        from tests.core.test_lean_fallback import _lean_and_lark_agree_on_every_file, _parse_all
        from panoptic.syntax.parser import lean_parser
        assert first_chars(r"\\{{") is None
        assert lean_available()
        with open({str(texts)!r}, "rb") as source:
            texts = pickle.load(source)
        _lean_and_lark_agree_on_every_file(lean_parser(), texts)
        with open({str(out)!r}, "wb") as target:
            pickle.dump((first_chars_unavailable(), lean_status(), _parse_all(texts)), target)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-4000:]
    reason, status, parsed = pickle.loads(out.read_bytes())
    assert reason is not None and "cannot be imported" in reason
    assert status is not None and "every terminal" in status
    assert parsed == normal


def test_the_export_builds_none_of_larks_scanners(fresh: None) -> None:
    lark_parser.cache_clear()
    lark = lark_parser()  # a Lark no test has parsed with yet
    lark_parser.cache_clear()
    tables = export_tables(lark)
    assert tables == lean_tables()
    lexers = set(lark.parser.lexer.lexers.values())
    assert len(lexers) > 10
    assert all(lexer._scanner is None for lexer in lexers)  # no state's whole alternation was compiled


def test_a_lark_without_the_scanner_parts_exports_its_scanners_order(
    normal: Parsed, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Renamed in a release: the export's import fails (Lark's own code keeps reading its module's globals).
    monkeypatch.setitem(sys.modules, "lark.lexer", types.ModuleType("lark.lexer"))
    lark_parser.cache_clear()
    lark = lark_parser()
    lark_parser.cache_clear()
    tables = export_tables(lark)
    assert tables == lean_tables()  # the same terminals, in the same order
    assert any(lexer._scanner is not None for lexer in lark.parser.lexer.lexers.values())
    lean = make_lean_parser(tables)
    _lean_and_lark_agree_on_every_file(lean)
    monkeypatch.setattr(parser_module, "lean_parser", lambda: lean)
    assert _parse_all() == normal
