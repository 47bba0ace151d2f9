"""Generate the editor grammars and snippets from the statement registry.

The keyword lists of the VS Code TextMate grammar and of the Vim syntax file,
the VS Code snippets and the annotated grammar test of every statement are all
derived from the statement registry (`panoptic.compiler.registry.registry()`), so a new statement is
highlighted as soon as the files are generated again:

    python -m panoptic.editor_grammars           # write the files
    python -m panoptic.editor_grammars --check   # exit 1 when a file is stale

`tests/editors/test_generated.py` runs the check, so a stale file fails the
test suite.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from panoptic.compiler.functions import FUNCTIONS
from panoptic.compiler.registry import TARGET_WORDS, Lit, Opt, Par, Registry, StatementDef
from panoptic.compiler.registry import registry as statement_registry

ROOT = Path(__file__).resolve().parent.parent
EDITORS = ROOT / "editors"

DECLARATIONS = ("app", "flow", "scenario", "setup", "teardown", "let", "secret")
IMPORT_WORDS = ("use",)
TARGET_MODIFIERS = ("exact",)  # `text exact "…"`
CONSTANTS = ("true", "false")
NAME = r"[A-Za-z_][A-Za-z0-9_\-]*"
_WORD_START = r"(?<![A-Za-z0-9_\-])"
_WORD_END = r"(?![A-Za-z0-9_\-])"

# TextMate scope of each category (the VS Code grammar test asserts these names).
SCOPES = {
    "declaration": "storage.type.declaration.panoptic",
    "import": "keyword.control.import.panoptic",
    "control": "keyword.control.panoptic",
    "statement": "support.function.statement.panoptic",
    "target": "support.type.target.panoptic",
    "constant": "constant.language.panoptic",
}
# Vim syntax group of each category.
VIM_GROUPS = {
    "declaration": "panDeclaration",
    "import": "panUse",
    "control": "panControl",
    "statement": "panStatement",
    "target": "panTarget",
    "constant": "panBoolean",
}


@dataclass(frozen=True)
class Words:
    """The registry's words sorted into highlighting categories (each word in exactly one)."""

    declaration: tuple[str, ...]
    import_: tuple[str, ...]
    control: tuple[str, ...]
    statement: tuple[str, ...]
    target: tuple[str, ...]
    constant: tuple[str, ...]
    functions: tuple[str, ...]

    def category(self, word: str) -> str | None:
        for name in ("declaration", "import", "control", "target", "constant", "statement"):
            if word in getattr(self, "import_" if name == "import" else name):
                return name
        return None


def classify(registry: Registry | None = None) -> Words:
    """Sort every literal word of every statement into one category.

    Typed-target words win over statement words (`text` is both); the first
    words of block statements (`repeat`, `for`, `if`, `retry`) and the words
    only block statements use (`times`, `each`) are control words; `else` too.
    """
    registry = registry or statement_registry()
    targets = set(TARGET_WORDS) | set(TARGET_MODIFIERS)
    control: set[str] = {"else"}
    block_words: set[str] = set()
    other_words: set[str] = set()
    for entry in registry.entries:
        if entry.block == "required":
            control.update(entry.head[:1])
            block_words.update(_literal_words(entry.parts))
        else:
            other_words.update(entry.words)
    control |= block_words - other_words
    every = {w for e in registry.entries for w in e.words}
    statement = every - targets - control - set(DECLARATIONS) - set(CONSTANTS)
    return Words(
        declaration=DECLARATIONS,
        import_=IMPORT_WORDS,
        control=tuple(sorted(control - targets)),
        statement=tuple(sorted(statement)),
        target=tuple(sorted(targets)),
        constant=CONSTANTS,
        functions=tuple(sorted(FUNCTIONS)),
    )


def _literal_words(parts: Iterable) -> set[str]:
    out: set[str] = set()
    for part in parts:
        if isinstance(part, Lit):
            if part.word != ",":  # punctuation (`for each i, item in …`), not a keyword
                out.add(part.word)
        elif isinstance(part, Opt):
            out |= _literal_words(part.parts)
    return out


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest words first so that no word shadows a longer one."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in ordered)


def _keyword_rule(words: Iterable[str], scope: str) -> dict:
    return {"match": f"{_WORD_START}(?:{_alternation(words)}){_WORD_END}", "name": scope}


# ---- TextMate ----------------------------------------------------------------------------------------------


def textmate_grammar(registry: Registry | None = None) -> dict:
    """The TextMate grammar for VS Code (and any TextMate-based highlighter such as shiki)."""
    w = classify(registry)
    s = "panoptic"
    value_patterns = [
        {"include": "#comment"},
        {"include": "#string"},
        {"include": "#duration"},
        {"include": "#size"},
        {"include": "#number"},
        {"include": "#call"},
        {"include": "#constant"},
        {"include": "#list"},
        {"include": "#map"},
        {"include": "#punctuation"},
    ]
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "Panoptic",
        "scopeName": "source.panoptic",
        "fileTypes": ["pan"],
        "comment": "Generated by `python -m panoptic.editor_grammars` from the statement registry: do not edit.",
        "patterns": [
            {"include": "#comment"},
            {"include": "#use"},
            {"include": "#app"},
            {"include": "#flow"},
            {"include": "#scenario"},
            {"include": "#binding"},
            {"include": "#declaration"},
            {"include": "#statement"},
        ],
        "repository": {
            "comment": {
                "match": r"(#).*$",
                "name": f"comment.line.number-sign.{s}",
                "captures": {"1": {"name": f"punctuation.definition.comment.{s}"}},
            },
            "use": {
                "match": rf"{_WORD_START}(use)\s+(?:([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*))?",
                "captures": {
                    "1": {"name": SCOPES["import"]},
                    "2": {"name": f"entity.name.namespace.module.{s}"},
                },
            },
            "app": {
                "begin": rf"^\s*(app)\s+({NAME})\s*(:)\s*({NAME})\s*(\{{)",
                "beginCaptures": {
                    "1": {"name": SCOPES["declaration"]},
                    "2": {"name": f"entity.name.type.app.{s}"},
                    "3": {"name": f"punctuation.separator.key-value.{s}"},
                    "4": {"name": f"support.type.platform.{s}"},
                    "5": {"name": f"punctuation.section.block.begin.{s}"},
                },
                "end": r"\}",
                "endCaptures": {"0": {"name": f"punctuation.section.block.end.{s}"}},
                "name": f"meta.app.{s}",
                "patterns": [
                    {"include": "#comment"},
                    {
                        "match": rf"^\s*({NAME})\s*(:)",
                        "captures": {
                            "1": {"name": f"variable.other.property.setting.{s}"},
                            "2": {"name": f"punctuation.separator.key-value.{s}"},
                        },
                    },
                    *value_patterns,
                ],
            },
            "flow": {
                "begin": rf"{_WORD_START}(flow)\s+({NAME})\s*(\()",
                "beginCaptures": {
                    "1": {"name": SCOPES["declaration"]},
                    "2": {"name": f"entity.name.function.flow.{s}"},
                    "3": {"name": f"punctuation.definition.parameters.begin.{s}"},
                },
                "end": r"\)|$",
                "endCaptures": {"0": {"name": f"punctuation.definition.parameters.end.{s}"}},
                "name": f"meta.flow.{s}",
                "patterns": [
                    {"match": NAME, "name": f"variable.parameter.{s}"},
                    {"match": ",", "name": f"punctuation.separator.comma.{s}"},
                ],
            },
            "scenario": {
                "begin": rf"{_WORD_START}(scenario){_WORD_END}",
                "beginCaptures": {"1": {"name": SCOPES["declaration"]}},
                "end": r"(?=\{)|(?=#)|$",
                "name": f"meta.scenario.header.{s}",
                "patterns": [
                    {
                        "match": rf"{_WORD_START}(on)\s+({NAME})",
                        "captures": {
                            "1": {"name": f"keyword.other.on.{s}"},
                            "2": {"name": f"entity.name.type.app.{s}"},
                        },
                    },
                    {
                        "begin": rf"{_WORD_START}(tags){_WORD_END}",
                        "beginCaptures": {"1": {"name": f"keyword.other.tags.{s}"}},
                        "end": r"(?=\{)|(?=#)|$",
                        "patterns": [
                            {
                                "match": r'"(?:[^"\\]|\\.)*"',
                                "name": f"entity.name.tag.{s}",
                            },
                            {"match": NAME, "name": f"entity.name.tag.{s}"},
                            {"match": ",", "name": f"punctuation.separator.comma.{s}"},
                        ],
                    },
                    {"include": "#string"},
                ],
            },
            "binding": {
                "patterns": [
                    {
                        "match": rf"{_WORD_START}(secret)\s+({NAME})",
                        "captures": {
                            "1": {"name": f"storage.modifier.secret.{s} {SCOPES['declaration']}"},
                            "2": {"name": f"variable.other.constant.secret.{s}"},
                        },
                    },
                    {
                        "match": rf"{_WORD_START}(let)\s+({NAME})",
                        "captures": {
                            "1": {"name": SCOPES["declaration"]},
                            "2": {"name": f"variable.other.definition.{s}"},
                        },
                    },
                ]
            },
            "declaration": _keyword_rule(w.declaration, SCOPES["declaration"]),
            "statement": {
                "patterns": [
                    {"include": "#comment"},
                    {"include": "#binding"},
                    *value_patterns,
                    _keyword_rule(w.control, SCOPES["control"]),
                    _keyword_rule(w.target, SCOPES["target"]),
                    _keyword_rule(w.statement, SCOPES["statement"]),
                    {"match": NAME, "name": f"variable.other.{s}"},
                ]
            },
            "string": {
                "begin": '"',
                "beginCaptures": {"0": {"name": f"punctuation.definition.string.begin.{s}"}},
                "end": '"|$',
                "endCaptures": {"0": {"name": f"punctuation.definition.string.end.{s}"}},
                "name": f"string.quoted.double.{s}",
                "patterns": [
                    {"match": r"\$\$\{", "name": f"constant.character.escape.dollar.{s}"},
                    {"match": r"\\.", "name": f"constant.character.escape.{s}"},
                    {
                        "begin": r"\$\{",
                        "beginCaptures": {"0": {"name": f"punctuation.section.interpolation.begin.{s}"}},
                        "end": r"\}|(?=\")|$",
                        "endCaptures": {"0": {"name": f"punctuation.section.interpolation.end.{s}"}},
                        "name": f"meta.interpolation.{s}",
                        "contentName": "source.panoptic.embedded",
                        "patterns": [
                            {"match": NAME, "name": f"variable.other.interpolated.{s}"},
                            {"match": r"\.", "name": f"punctuation.accessor.{s}"},
                        ],
                    },
                ],
            },
            "duration": {
                "match": r"(?<![A-Za-z0-9_.\-])\d+(?:\.\d+)?(?:ms|s|m|h|d)(?![A-Za-z0-9_])",
                "name": f"constant.numeric.duration.{s}",
            },
            "size": {
                "match": r"(?<![A-Za-z0-9_.\-])\d+x\d+(?![A-Za-z0-9_])",
                "name": f"constant.numeric.size.{s}",
            },
            "number": {
                "match": r"(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?(?![A-Za-z_])",
                "name": f"constant.numeric.{s}",
            },
            "call": {
                "patterns": [
                    {
                        "match": rf"{_WORD_START}({_alternation(w.functions)})\s*(?=\()",
                        "captures": {"1": {"name": f"support.function.builtin.{s}"}},
                    },
                    {
                        "match": rf"{_WORD_START}({NAME})\s*(?=\()",
                        "captures": {"1": {"name": f"entity.name.function.call.{s}"}},
                    },
                ]
            },
            "constant": _keyword_rule(w.constant, SCOPES["constant"]),
            "list": {
                "begin": r"\[",
                "beginCaptures": {"0": {"name": f"punctuation.section.list.begin.{s}"}},
                "end": r"\]",
                "endCaptures": {"0": {"name": f"punctuation.section.list.end.{s}"}},
                "patterns": [*value_patterns, {"match": NAME, "name": f"variable.other.{s}"}],
            },
            "map": {
                "begin": r"(?<=:)\s*(\{)",
                "beginCaptures": {"1": {"name": f"punctuation.section.map.begin.{s}"}},
                "end": r"\}",
                "endCaptures": {"0": {"name": f"punctuation.section.map.end.{s}"}},
                "patterns": [
                    {
                        "match": rf"({NAME})\s*(:)",
                        "captures": {
                            "1": {"name": f"variable.other.property.key.{s}"},
                            "2": {"name": f"punctuation.separator.key-value.{s}"},
                        },
                    },
                    *value_patterns,
                    {"match": NAME, "name": f"variable.other.{s}"},
                ],
            },
            "punctuation": {
                "patterns": [
                    {"match": ",", "name": f"punctuation.separator.comma.{s}"},
                    {"match": r"\{", "name": f"punctuation.section.block.begin.{s}"},
                    {"match": r"\}", "name": f"punctuation.section.block.end.{s}"},
                    {"match": r"\(", "name": f"punctuation.section.parens.begin.{s}"},
                    {"match": r"\)", "name": f"punctuation.section.parens.end.{s}"},
                    {"match": "=", "name": f"keyword.operator.assignment.{s}"},
                ]
            },
        },
    }


# ---- Vim ----------------------------------------------------------------------------------------------------------


# Words that `:syntax keyword` takes as its own arguments: highlighted with `:syntax match` instead.
VIM_RESERVED = frozenset(
    [
        "cchar",
        "conceal",
        "concealends",
        "contained",
        "containedin",
        "contains",
        "display",
        "extend",
        "fold",
        "nextgroup",
        "oneline",
        "skipempty",
        "skipnl",
        "skipwhite",
        "transparent",
    ]
)


def _vim_words(group: str, words: Iterable[str]) -> list[str]:
    """Statement words as `syntax match` items: unlike keywords, the name matches defined after them win,
    so a variable that shares a statement's word (`let password = …`, `secret user = …`) is still a name."""
    bar = "\\|"
    lines: list[str] = []
    chunk: list[str] = []

    def flush() -> None:
        lines.append("syntax match " + group + " /\\<\\%(" + bar.join(chunk) + "\\)\\>/")

    for word in sorted(set(words)):
        chunk.append(word)
        if len(bar.join(chunk)) > 80:
            flush()
            chunk = []
    if chunk:
        flush()
    return lines


def _vim_keywords(group: str, words: Iterable[str]) -> list[str]:
    lines: list[str] = []
    chunk: list[str] = []
    for word in sorted(set(words)):
        if word in VIM_RESERVED:
            lines.append(f"syntax match {group} /\\<{word}\\>/")
            continue
        chunk.append(word)
        if len(" ".join(chunk)) > 80:
            lines.append(f"syntax keyword {group} {' '.join(chunk)}")
            chunk = []
    if chunk:
        lines.append(f"syntax keyword {group} {' '.join(chunk)}")
    return lines


def vim_syntax(registry: Registry | None = None) -> str:
    """The Vim syntax file (`editors/vim/syntax/panoptic.vim`)."""
    registry = registry or statement_registry()
    w = classify(registry)
    vname = r"\h[A-Za-z0-9_-]*"
    functions = r"\|".join(w.functions)
    out = [
        '" Vim syntax file',
        '" Language: Panoptic (.pan)',
        '" Generated by `python -m panoptic.editor_grammars` from the statement registry: do not edit.',
        "",
        'if exists("b:current_syntax")',
        "  finish",
        "endif",
        "",
        "let s:cpo_save = &cpo",
        "set cpo&vim",
        "",
        "syntax case match",
        "",
        '" Keywords generated from the registry.',
        *_vim_keywords(VIM_GROUPS["declaration"], w.declaration),
        *_vim_keywords(VIM_GROUPS["import"], w.import_),
        *_vim_words(VIM_GROUPS["control"], w.control),
        *_vim_words(VIM_GROUPS["statement"], w.statement),
        *_vim_words(VIM_GROUPS["target"], w.target),
        *_vim_keywords(VIM_GROUPS["constant"], w.constant),
        "",
        '" Calls: flows and built-in functions (declared names below take priority).',
        rf"syntax match panCall /\<{vname}\ze\s*(/",
        rf"syntax match panBuiltin /\<\%({functions}\)\ze\s*(/",
        "",
        '" Names introduced by declarations.',
        r"syntax match panModule /\(\<use\s\+\)\@<=\h[A-Za-z0-9_.]*/",
        rf"syntax match panAppName /\(\<app\s\+\)\@<={vname}/",
        rf"syntax match panPlatform /\(\<app\s\+{vname}\s*:\s*\)\@<={vname}/",
        rf"syntax match panFlowName /\(\<flow\s\+\)\@<={vname}/",
        rf"syntax match panVarName /\(\<let\s\+\)\@<={vname}/",
        rf"syntax match panSecretName /\(\<secret\s\+\)\@<={vname}/",
        rf"syntax match panAppName /\(\<scenario\s\+\".*\"\s\+on\s\+\)\@<={vname}/",
        rf"syntax match panSettingKey /^\s*\zs{vname}\ze\s*:/",
        "",
        '" Scenario tags: `tags smoke, "slow path"`.',
        r"syntax match panTagsClause /\<tags\>\s\+[^{#]*/ contains=panTagsWord,panTagName,panTagString",
        r"syntax keyword panTagsWord tags contained",
        rf"syntax match panTagName /\<{vname}/ contained",
        r'syntax match panTagString /"\([^"\\]\|\\.\)*"/ contained',
        "",
        '" Values.',
        r"syntax match panNumber /\%(\<\|-\)\d\+\%(\.\d\+\)\?\>/",
        r"syntax match panDuration /\<\d\+\%(\.\d\+\)\?\%(ms\|s\|m\|h\|d\)\>/",
        r"syntax match panSize /\<\d\+x\d\+\>/",
        r'syntax region panString start=/"/ skip=/\\./ end=/"\|$/ oneline contains=panEscape,panInterpolation',
        r"syntax match panEscape /\\.\|\$\${/ contained",
        r"syntax match panInterpolation /\${[^}\"]*}/ contained",
        "",
        '" Comments.',
        r"syntax keyword panTodo TODO FIXME XXX NOTE contained",
        r"syntax match panComment /#.*$/ contains=panTodo,@Spell",
        "",
        "syntax sync minlines=50",
        "",
        "highlight default link panDeclaration Structure",
        "highlight default link panUse Include",
        "highlight default link panControl Conditional",
        "highlight default link panStatement Keyword",
        "highlight default link panTarget Type",
        "highlight default link panBoolean Boolean",
        "highlight default link panModule Identifier",
        "highlight default link panAppName Type",
        "highlight default link panPlatform Type",
        "highlight default link panFlowName Function",
        "highlight default link panVarName Identifier",
        "highlight default link panSecretName Special",
        "highlight default link panSettingKey Identifier",
        "highlight default link panTagsWord Keyword",
        "highlight default link panTagName Label",
        "highlight default link panTagString Label",
        "highlight default link panCall Function",
        "highlight default link panBuiltin Function",
        "highlight default link panNumber Number",
        "highlight default link panDuration Float",
        "highlight default link panSize Float",
        "highlight default link panString String",
        "highlight default link panEscape SpecialChar",
        "highlight default link panInterpolation Identifier",
        "highlight default link panTodo Todo",
        "highlight default link panComment Comment",
        "",
        'let b:current_syntax = "panoptic"',
        "",
        "let &cpo = s:cpo_save",
        "unlet s:cpo_save",
        "",
    ]
    return "\n".join(out)


# ---- snippets -----------------------------------------------------------------------------------------------------


def _platform_names() -> list[str]:
    from panoptic.contract.platform import platforms

    return sorted(platforms())


DECLARATION_SNIPPETS: dict[str, tuple[str, str, str]] = {
    # name: (prefix, body, description)
    "app": (
        "app",
        'app ${1:name}: ${2|PLATFORMS|} {\n\t${3:url}: ${4:"http://127.0.0.1:8000"}\n}',
        "declare an app under test",
    ),
    "scenario": (
        "scenario",
        'scenario "${1:title}" on ${2:app} tags ${3:smoke} {\n\t$0\n}',
        "a scenario: one test, run on an app",
    ),
    "flow": ("flow", "flow ${1:name}(${2:params}) {\n\t$0\n}", "a reusable flow of statements"),
    "setup": ("setup", "setup {\n\t$0\n}", "statements run before each scenario of the file"),
    "teardown": ("teardown", "teardown {\n\t$0\n}", "statements run after each scenario, also after a failure"),
    "use": ("use", "use std.${1:web}", "import a standard module or a project file"),
    "let": ("let", "let ${1:name} = ${2:value}", "bind a variable"),
    "secret": ("secret", 'secret ${1:name} = env("${2:NAME}", "${3:default}")', "a variable masked everywhere"),
}


def snippets(registry: Registry | None = None) -> dict:
    """VS Code snippets: declarations and one snippet per statement form."""
    registry = registry or statement_registry()
    out: dict[str, dict] = {}
    plats = ",".join(_platform_names())
    for name, (prefix, body, description) in DECLARATION_SNIPPETS.items():
        out[name] = {"prefix": prefix, "body": body.replace("PLATFORMS", plats).split("\n"), "description": description}
    for entry in registry.entries:
        out[entry.display] = {
            "prefix": " ".join(entry.head),
            "body": entry.snippet().split("\n"),
            "description": f"{entry.summary} ({entry.family})",
        }
    return out


# ---- annotated grammar test of every statement ----------------------------------------------------------------------

_SAMPLE_VALUES = {
    "target": '"#id"',
    "text": '"hello ${user}"',
    "number": "600",
    "int": "3",
    "duration": "5s",
    "size": "1280x720",
    "list": '["a", "b"]',
    "name": "item",
    "any": '"x"',
}


def sample_instance(entry: StatementDef) -> tuple[str, list[tuple[int, str]]]:
    """One instance of a statement with every optional part, and the columns of its literal words."""
    pieces: list[str] = []
    words: list[tuple[int, str]] = []

    def add(text: str, word: bool) -> None:
        col = sum(len(p) + 1 for p in pieces)
        pieces.append(text)
        if word:
            words.append((col, text))

    def walk(parts) -> None:
        for part in parts:
            if isinstance(part, Lit):
                add(part.word, part.word != ",")
            elif isinstance(part, Opt):
                walk(part.parts)
            elif isinstance(part, Par):
                if part.choices:
                    add(part.choices[0], True)
                else:
                    add(_SAMPLE_VALUES.get(part.type, '"x"'), False)

    if entry.produces:  # a value form is written after `let NAME =`
        pieces.extend(["let", "v", "="])
    walk(entry.parts)
    return " ".join(pieces), words


def statement_test_file(registry: Registry | None = None) -> str:
    """A `vscode-tmgrammar-test` file asserting the scope of every word of every statement."""
    registry = registry or statement_registry()
    w = classify(registry)
    indent = "    "
    lines = [
        '# SYNTAX TEST "source.panoptic" "every statement of the registry (generated: do not edit)"',
        "",
        'scenario "every statement" on shop {',
    ]
    for entry in registry.entries:
        text, words = sample_instance(entry)
        lines.append(indent + text + (" {" if entry.block == "required" else ""))
        for col, word in words:
            category = w.category(word)
            assert category is not None, word
            pad = len(indent) + col
            lines.append("#" + " " * (pad - 1) + "^" * len(word) + " " + SCOPES[category])
        if entry.block == "required":
            lines.append(indent + "}")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---- files ----------------------------------------------------------------------------------------------------------


def generated_files(registry: Registry | None = None) -> dict[Path, str]:
    """Every generated file and its expected content."""
    return {
        EDITORS / "vscode" / "syntaxes" / "panoptic.tmLanguage.json": json.dumps(textmate_grammar(registry), indent=2)
        + "\n",
        EDITORS / "vscode" / "snippets" / "panoptic.json": json.dumps(snippets(registry), indent=2) + "\n",
        EDITORS / "vscode" / "tests" / "statements.test.pan": statement_test_file(registry),
        EDITORS / "vim" / "syntax" / "panoptic.vim": vim_syntax(registry),
    }


def stale_files(registry: Registry | None = None) -> list[Path]:
    """Generated files whose content on disk differs from what the registry produces."""
    stale = []
    for path, content in generated_files(registry).items():
        try:
            current = path.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != content:
            stale.append(path)
    return stale


def write_files(registry: Registry | None = None) -> list[Path]:
    """Write every generated file; returns the ones that changed."""
    changed = []
    for path, content in generated_files(registry).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            current = path.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != content:
            path.write_text(content, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m panoptic.editor_grammars", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated file is stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (run `python -m panoptic.editor_grammars`)")
        return 1 if stale else 0
    for path in write_files():
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
