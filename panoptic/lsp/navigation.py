"""Hover, go to definition, document symbols and rename, from module indexes."""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types as lsp

from panoptic.compiler.files import stdlib_dir
from panoptic.compiler.functions import FUNCTIONS
from panoptic.compiler.registry import TARGET_WORDS, registry
from panoptic.lsp.analysis import Definition, ModuleIndex, contains, start_of
from panoptic.lsp.completion import statement_doc
from panoptic.lsp.convert import path_to_uri, span_file_path, to_range
from panoptic.source import Source, Span
from panoptic.syntax import ast

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
RENAMABLE = ("flow", "variable", "secret", "param", "loop", "app")


def _md(text: str) -> lsp.MarkupContent:
    return lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text)


def _where(d: Definition) -> str:
    file = d.name_span.file
    return f"{file}:{d.name_span.line}" if not file.startswith("std.") else f"{file} (standard library)"


def definition_doc(d: Definition) -> str:
    parts = [f"```panoptic\n{d.detail}\n```"]
    if d.doc:
        parts.append(d.doc)
    kind = {"param": "parameter", "loop": "loop variable"}.get(d.kind, d.kind)
    parts.append(f"*{kind}* defined at {_where(d)}")
    return "\n\n".join(parts)


def _word_at(line_text: str, col: int) -> tuple[str, int] | None:
    for m in NAME.finditer(line_text):
        if m.start() + 1 <= col <= m.end() + 1:
            return m.group(0), m.start() + 1
    return None


def hover(index: ModuleIndex | None, source: Source, line: int, col: int) -> lsp.Hover | None:
    """Documentation of what is under the cursor: a statement, a target word, a name, a function, a setting."""
    pos = (line, col)
    if index is not None:
        ref = index.reference_at(pos)
        if ref is not None:
            if ref.kind == "function" and ref.name in FUNCTIONS:
                f = FUNCTIONS[ref.name]
                return _hover(f"```panoptic\n{f.signature}\n```\n\n{f.summary} (built-in function)", ref.span, source)
            if ref.definition is not None:
                return _hover(definition_doc(ref.definition), ref.span, source)
            return _hover(f"`{ref.name}` is not defined here", ref.span, source)
        d = index.definition_at(pos)
        if d is not None:
            return _hover(definition_doc(d), d.name_span, source)
        use = index.use_at(pos)
        if use is not None:
            decl, key = use
            target = module_path(index, decl, key)
            text = f"module `{decl.module}`" + (f" — `{target}`" if target else " (not found)")
            return _hover(text, decl.span, source)
        setting = _setting_at(index, pos)
        if setting is not None:
            return _hover(setting[0], setting[1], source)
        info = index.statement_at(pos)
        if info is not None:
            for word in info.literal_words:
                if contains(word.span, pos):
                    in_target = any(contains(t.span, pos) for t in info.targets)
                    if word.text in TARGET_WORDS and (in_target or info.entry is None):
                        return _hover(f"**target** `{word.text}` — {TARGET_WORDS[word.text]}", word.span, source)
                    if info.entry is not None:
                        return _hover(statement_doc(info.entry), info.statement.head_span, source)
    # No index entry (a line being typed): fall back on the word itself.
    found = _word_at(source.line_text(line), col)
    if found is None:
        return None
    word, start = found
    span = Span(source.path, 0, 0, line, start, line, start + len(word))
    if word in TARGET_WORDS:
        return _hover(f"**target** `{word}` — {TARGET_WORDS[word]}", span, source)
    candidates = registry().candidates(word)
    if candidates:
        return _hover("\n\n---\n\n".join(statement_doc(e) for e in candidates[:6]), span, source)
    return None


def _hover(text: str, span: Span, source: Source) -> lsp.Hover:
    return lsp.Hover(contents=_md(text), range=to_range(span, source))


def _setting_at(index: ModuleIndex, pos) -> tuple[str, Span] | None:
    from panoptic.contract.platform import platforms

    for decl in index.module.module.decls:
        if isinstance(decl, ast.App) and contains(decl.span, pos):
            spec = platforms().get(decl.platform)
            if contains(decl.platform_span, pos) and spec is not None:
                return f"platform `{spec.name}` — {spec.summary}", decl.platform_span
            for setting in decl.settings:
                if contains(setting.key_span, pos):
                    s = spec.setting(setting.key) if spec else None
                    if s is None:
                        return f"`{setting.key}` is not a setting of `{decl.platform}` apps", setting.key_span
                    text = f"**{s.name}** ({s.type}) — {s.summary}"
                    if s.choices:
                        text += "\n\none of: " + ", ".join(f"`{c}`" for c in s.choices)
                    if s.default is not None:
                        text += f"\n\ndefault: `{s.default}`"
                    return text, setting.key_span
    return None


def module_path(index: ModuleIndex, decl: ast.Use, key: str | None) -> str | None:
    """The file a `use` loads (a standard module or a project file)."""
    if not decl.is_path:
        parts = decl.module.split(".")
        if len(parts) == 2 and parts[0] == "std":
            path = stdlib_dir() / f"{parts[1]}.pan"
            return str(path) if path.is_file() else None
        return None
    if key is not None:
        return span_file_path(key)
    base = Path(span_file_path(index.module.path)).parent
    path = (base / decl.module).resolve()
    return str(path) if path.is_file() else None


def _location(span: Span, sources) -> lsp.Location:
    path = span_file_path(span.file)
    return lsp.Location(uri=path_to_uri(path), range=to_range(span, sources(span.file)))


def definition(index: ModuleIndex | None, line: int, col: int, sources) -> list[lsp.Location] | None:
    """Where the name under the cursor is defined, or the file a `use` loads."""
    if index is None:
        return None
    pos = (line, col)
    ref = index.reference_at(pos)
    if ref is not None and ref.definition is not None:
        return [_location(ref.definition.name_span, sources)]
    d = index.definition_at(pos)
    if d is not None:
        return [_location(d.name_span, sources)]
    use = index.use_at(pos)
    if use is not None:
        target = module_path(index, *use)
        if target:
            zero = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0))
            return [lsp.Location(uri=path_to_uri(target), range=zero)]
    return None


def document_symbols(module: ast.Module, source: Source) -> list[lsp.DocumentSymbol]:
    """Apps (with their settings), flows, scenarios, variables and hooks of a file."""
    out: list[lsp.DocumentSymbol] = []

    def sym(name, kind, span, sel, detail=None, children=None):
        return lsp.DocumentSymbol(
            name=name or "?",
            kind=kind,
            range=to_range(span, source),
            selection_range=to_range(sel, source),
            detail=detail,
            children=children or None,
        )

    for decl in module.decls:
        if isinstance(decl, ast.App):
            settings = [sym(s.key, lsp.SymbolKind.Property, s.span, s.key_span) for s in decl.settings]
            out.append(sym(decl.name, lsp.SymbolKind.Class, decl.span, decl.name_span, decl.platform, settings))
        elif isinstance(decl, ast.Flow):
            params = ", ".join(p.name for p in decl.params)
            out.append(sym(decl.name, lsp.SymbolKind.Function, decl.span, decl.name_span, f"({params})"))
        elif isinstance(decl, ast.Scenario):
            detail = " ".join(
                x for x in (f"on {decl.app}" if decl.app else "", " ".join(f"#{t.name}" for t in decl.tags)) if x
            )
            out.append(sym(decl.title.text, lsp.SymbolKind.Event, decl.span, decl.title.span, detail or None))
        elif isinstance(decl, ast.Let):
            kind = lsp.SymbolKind.Constant if decl.secret else lsp.SymbolKind.Variable
            out.append(sym(decl.name, kind, decl.span, decl.name_span, "secret" if decl.secret else None))
        elif isinstance(decl, ast.Hook):
            out.append(sym(decl.kind, lsp.SymbolKind.Event, decl.span, _first_line(decl.span)))
    return out


def _first_line(span: Span) -> Span:
    if span.line == span.end_line:
        return span
    return Span(span.file, span.start, span.start, span.line, span.col, span.line, span.col)


# ---- rename ---------------------------------------------------------------------------------------------------------


class RenameError(Exception):
    """A rename that cannot be done (shown to the user)."""


def rename_target(index: ModuleIndex | None, line: int, col: int) -> tuple[Definition, Span] | None:
    """The definition to rename and the span of the name under the cursor."""
    if index is None:
        return None
    pos = (line, col)
    d = index.definition_at(pos)
    if d is not None:
        return d, d.name_span
    ref = index.reference_at(pos)
    if ref is not None and ref.definition is not None:
        return ref.definition, ref.span
    return None


def check_new_name(name: str) -> None:
    if not NAME.fullmatch(name):
        raise RenameError(f"`{name}` is not a name (letters, digits, `_` and `-`, starting with a letter or `_`)")


def rename_edits(target: Definition, new_name: str, indexes: list[ModuleIndex]) -> dict[str, list[tuple[Span, str]]]:
    """Edits by absolute path: the definition and every reference to it in the given modules."""
    if target.kind not in RENAMABLE:
        raise RenameError(f"cannot rename a {target.kind}")
    if target.module.startswith("std."):
        raise RenameError(f"`{target.name}` is defined in the standard library ({target.module})")
    check_new_name(new_name)
    edits: dict[str, list[tuple[Span, str]]] = {}
    seen: set[tuple[str, int, int]] = set()

    def add(span: Span) -> None:
        key = (span_file_path(span.file), span.line, span.col)
        if key in seen:
            return
        seen.add(key)
        edits.setdefault(key[0], []).append((span, new_name))

    add(target.name_span)
    for idx in indexes:
        for ref in idx.references_to(target):
            add(ref.span)
    for spans in edits.values():
        spans.sort(key=lambda e: start_of(e[0]))
    return edits
