"""The editor grammars and snippets are generated from the statement registry and must be up to date."""

from __future__ import annotations

import dataclasses
import json
import re

from panoptic import editor_grammars as eg
from panoptic.compiler.registry import REGISTRY, Registry, StatementDef


def test_generated_files_are_fresh():
    stale = eg.stale_files()
    assert not stale, f"run `python -m panoptic.editor_grammars`: stale {[str(p) for p in stale]}"


def test_check_command_reports_stale_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(eg, "EDITORS", tmp_path / "editors")
    monkeypatch.setattr(eg, "ROOT", tmp_path)
    assert eg.main(["--check"]) == 1
    assert "stale: editors/vim/syntax/panoptic.vim" in capsys.readouterr().out
    assert eg.main([]) == 0
    assert eg.main(["--check"]) == 0


def _registry_with(signature: str) -> Registry:
    reg = Registry()
    for entry in REGISTRY.entries:
        fields = {f.name for f in dataclasses.fields(StatementDef) if f.init and f.name != "parts"}
        reg.register(StatementDef(**{k: getattr(entry, k) for k in fields}))
    reg.register(StatementDef(signature=signature, action="ui.zap", summary="zap the target"))
    return reg


def test_a_new_statement_changes_every_generated_file():
    reg = _registry_with("zoomify <target> [gently]")
    before, after = eg.generated_files(), eg.generated_files(reg)
    for path in before:
        assert before[path] != after[path], path
        assert "zoomify" in after[path] and "gently" in after[path]


def test_every_statement_word_is_highlighted_in_both_grammars():
    words = eg.classify()
    grammar = json.dumps(eg.textmate_grammar())
    vim = eg.vim_syntax()
    for entry in REGISTRY.entries:
        for word in entry.words:
            category = words.category(word)
            assert category is not None, word
            assert re.search(rf"\b{re.escape(word)}\b", grammar), word
            group = eg.VIM_GROUPS[category]
            pattern = rf"syntax (keyword {group} .*\b{word}\b|match {group} /\\<({word}|\\%\(.*\b{word}\b.*\\\))\\>/)"
            assert re.search(pattern, vim), word


def test_categories_do_not_overlap():
    w = eg.classify()
    seen: dict[str, str] = {}
    for name in ("declaration", "import_", "control", "statement", "target", "constant"):
        for word in getattr(w, name):
            assert word not in seen, f"{word} is both {seen[word]} and {name}"
            seen[word] = name
    assert "text" in w.target and "click" in w.statement and "repeat" in w.control


def test_snippets_cover_declarations_and_statements():
    snippets = eg.snippets()
    for name in ("app", "scenario", "flow", "setup", "teardown", "use", "let", "secret"):
        assert name in snippets
    assert "web" in snippets["app"]["body"][0]
    assert len(snippets) == len(eg.DECLARATION_SNIPPETS) + len(REGISTRY.entries)
    assert snippets["fill <target> with <text>"]["body"] == ['fill "${1:target}" with "${2:text}"']
