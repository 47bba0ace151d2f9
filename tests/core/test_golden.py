"""Golden files: parse trees and diagnostics. Regenerate with `pytest --update-golden` and review the diff."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from panoptic.compiler import compile_paths
from panoptic.compiler.loader import ParseCache
from panoptic.diagnostics.render import lookup_from, render_text
from panoptic.source import Source, Span
from panoptic.syntax.parser import parse_source
from tests.conftest import check_golden

GOLDEN = Path(__file__).parent / "golden"


def ast_data(node):
    """The AST as JSON data, spans shortened to `line:col-line:col`."""
    if isinstance(node, Span):
        return f"{node.line}:{node.col}-{node.end_line}:{node.end_col}"
    if dataclasses.is_dataclass(node):
        data = {"node": type(node).__name__}
        for field in dataclasses.fields(node):
            data[field.name] = ast_data(getattr(node, field.name))
        return data
    if isinstance(node, (list, tuple)):
        return [ast_data(x) for x in node]
    return node


@pytest.mark.parametrize("name", sorted(p.name for p in (GOLDEN / "parse").glob("*.pan")))
def test_parse_tree(name: str, update_golden: bool) -> None:
    source = Source.read(GOLDEN / "parse" / name)
    source = Source(name, source.text)
    module, diags = parse_source(source)
    data = {"module": ast_data(module), "diagnostics": [d.to_json() for d in diags]}
    check_golden(GOLDEN / "parse" / (name[:-4] + ".ast.json"), json.dumps(data, indent=1) + "\n", update_golden)


@pytest.mark.parametrize("name", sorted(p.name for p in (GOLDEN / "diagnostics").glob("*.pan")))
def test_diagnostics(name: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN / "diagnostics")
    monkeypatch.delenv("X", raising=False)
    result = compile_paths([name], cache=ParseCache(None))
    lookup = lookup_from(result.sources)
    text = "\n\n".join(render_text(d, lookup) for d in result.diagnostics) + "\n"
    text = text.replace(os.getcwd(), "<dir>")
    check_golden(GOLDEN / "diagnostics" / (name[:-4] + ".expected"), text, update_golden)


@pytest.mark.parametrize("name", sorted(p.name for p in (GOLDEN / "diagnostics").iterdir() if p.is_dir()))
def test_diagnostics_of_folders(name: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder is checked as one run, every file in it an input (files that `use` each other, titles across files)."""
    monkeypatch.chdir(GOLDEN / "diagnostics")
    result = compile_paths([name], cache=ParseCache(None))
    lookup = lookup_from(result.sources)
    text = "\n\n".join(render_text(d, lookup) for d in result.diagnostics) + "\n"
    text = text.replace(os.getcwd(), "<dir>")
    check_golden(GOLDEN / "diagnostics" / f"{name}.expected", text, update_golden)
