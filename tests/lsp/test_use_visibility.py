"""The editor resolves names reached through `use` exactly as `panoptic check` does (direct uses only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from panoptic.compiler import compile_paths
from panoptic.compiler.loader import ParseCache
from panoptic.lsp.analysis import index_module

GOLDEN = Path(__file__).parents[1] / "core" / "golden" / "diagnostics"
_NOT_FOUND = {"PAN202": "variable", "PAN203": "flow", "PAN204": "app"}


@pytest.mark.parametrize("folder", ["use_diamond", "use_cycle"])
def test_unresolved_names_are_the_same_in_the_editor_and_in_check(folder: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    result = compile_paths([folder], cache=ParseCache(None))
    by_check = set()
    for d in result.diagnostics:
        if d.code in _NOT_FOUND and d.span is not None:
            name = re.search(r"`([^`]+)`", d.message)
            assert name is not None
            by_check.add((d.span.file, d.span.line, _NOT_FOUND[d.code], name.group(1)))
    cache: dict = {}
    by_editor = set()
    resolved = {}
    for mod in result.modules.values():
        for ref in index_module(mod, result.modules, cache).references:
            if ref.kind not in ("variable", "flow", "app"):
                continue
            if ref.definition is None:
                by_editor.add((ref.span.file, ref.span.line, ref.kind, ref.name))
            else:
                resolved[(ref.span.file, ref.name)] = ref.definition.module
    assert by_editor == by_check
    if folder == "use_diamond":
        assert {(Path(f).name, kind, name) for f, _, kind, name in by_check} == {
            ("transitive.pan", "app", "shop"),
            ("transitive.pan", "flow", "open_home"),
            ("transitive.pan", "variable", "base"),
            ("transitive.pan", "variable", "token"),
        }
        main = str(Path(folder) / "main.pan")
        assert resolved[(main, "shop")] == resolved[(main, "base")] == str(Path(folder) / "apps.pan")
