"""Editor features computed from a module's index: quick fixes, references, signature help, semantic tokens, folds.

Each function is pure (an index or a text in, LSP data out) so that it can be tested without a server;
`panoptic.lsp.server` wires them to requests. Positions inside are 1-based (line, column) like the rest
of the language server; `convert` turns them into LSP positions.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from lsprotocol import types as lsp

from panoptic.compiler.registry import StatementDef, registry
from panoptic.lsp.analysis import Definition, ModuleIndex, Reference, start_of
from panoptic.lsp.convert import span_file_path, to_range
from panoptic.source import Source, Span
from panoptic.syntax import ast

# ---- quick fixes -------------------------------------------------------------------------------------------


def quick_fixes(uri: str, diagnostics: Iterable[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    """One quick fix per diagnostic in the request whose data carries a machine-applicable fix.

    Published diagnostics carry their fix in `data["fix"]` (`convert.to_lsp_diagnostic`): the replacement,
    a description and the range as [start line, start character, end line, end character].
    """
    actions = []
    for diag in diagnostics:
        data = diag.data if isinstance(diag.data, dict) else {}
        fix = data.get("fix")
        if not isinstance(fix, dict):
            continue
        a, b, c, d = fix["range"]
        edit = lsp.TextEdit(
            range=lsp.Range(start=lsp.Position(line=a, character=b), end=lsp.Position(line=c, character=d)),
            new_text=str(fix["replacement"]),
        )
        actions.append(
            lsp.CodeAction(
                title=str(fix.get("description") or f"replace with `{fix['replacement']}`"),
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diag],
                is_preferred=True,
                edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
            )
        )
    return actions


# ---- references --------------------------------------------------------------------------------------------


def references(target: Definition, indexes: Iterable[ModuleIndex], *, include_declaration: bool) -> list[Span]:
    """Every span that names the definition in the given modules, in file and position order."""
    seen: set[tuple[str, int, int]] = set()
    found: list[Span] = []

    def add(span: Span) -> None:
        key = (span_file_path(span.file), span.line, span.col)
        if key not in seen:
            seen.add(key)
            found.append(span)

    if include_declaration:
        add(target.name_span)
    for index in indexes:
        ref: Reference
        for ref in index.references_to(target):
            add(ref.span)
    found.sort(key=lambda s: (span_file_path(s.file), start_of(s)))
    return found


# ---- signature help -----------------------------------------------------------------------------------------

_WORD = re.compile(r'"(?:[^"\\]|\\.)*"?|[^\s"]+')


def signature_help(line_prefix: str) -> lsp.SignatureHelp | None:
    """The statement forms that fit what is typed on the line so far, the closest first.

    The active parameter is the next parameter to fill in the first form: words typed so far are
    matched against the form's parts in order (literal words must match; a parameter takes one item).
    """
    words = _WORD.findall(line_prefix.strip())
    if not words or words[0].startswith('"'):
        return None
    candidates = registry().candidates(words[0])
    if not candidates:
        return None
    typed = words[1:] if line_prefix.endswith((" ", "\t")) else words[1:-1]
    scored = sorted(((_progress(e, typed), i, e) for i, e in enumerate(candidates)), key=lambda t: (-t[0][0], t[1]))
    fitting = [(p, e) for p, _, e in scored if p[0] >= 0]
    if not fitting:
        return None
    signatures = []
    for (_, active), entry in fitting[:8]:
        params = [lsp.ParameterInformation(label=f"<{p.name}>") for p in entry.params]
        signatures.append(
            lsp.SignatureInformation(
                label=entry.display,
                documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=entry.summary),
                parameters=params,
                active_parameter=min(active, max(len(params) - 1, 0)),
            )
        )
    return lsp.SignatureHelp(signatures=signatures, active_signature=0, active_parameter=signatures[0].active_parameter)


def _progress(entry: StatementDef, typed: list[str]) -> tuple[int, int]:
    """(literal words matched, or -1 when a typed word contradicts the form; index of the next parameter)."""
    from panoptic.compiler.registry import Lit, Opt, Par

    flat: list[Lit | Par] = []

    def walk(parts: tuple) -> None:
        for part in parts:
            if isinstance(part, Opt):
                walk(part.parts)
            else:
                flat.append(part)

    walk(entry.parts[1:])
    matched, param_index, i = 0, 0, 0
    for word in typed:
        while i < len(flat):
            part = flat[i]
            i += 1
            if isinstance(part, Lit):
                if part.word == word:
                    matched += 1
                    break
                continue  # an optional word that was left out
            if part.choices and word not in part.choices:
                continue
            param_index += 1
            break
        else:
            return (-1, 0)
    return (matched, param_index)


# ---- semantic tokens ------------------------------------------------------------------------------------------

TOKEN_TYPES = ["keyword", "function", "variable", "parameter", "string", "number", "comment", "type", "macro"]
TOKEN_MODIFIERS = ["declaration", "readonly", "defaultLibrary"]
LEGEND = lsp.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)
_KIND_TYPE = {"app": "type", "flow": "function", "variable": "variable", "secret": "variable", "param": "parameter"}
_KIND_TYPE["loop"] = "variable"
_TYPE_INDEX = {name: i for i, name in enumerate(TOKEN_TYPES)}
_KIND_INDEX = {kind: _TYPE_INDEX[name] for kind, name in _KIND_TYPE.items()}
_KEYWORD, _FUNCTION, _VARIABLE = _TYPE_INDEX["keyword"], _TYPE_INDEX["function"], _TYPE_INDEX["variable"]
_STRING, _NUMBER, _COMMENT = _TYPE_INDEX["string"], _TYPE_INDEX["number"], _TYPE_INDEX["comment"]
_NUMBERS = (ast.Num, ast.Duration, ast.Size)
_computed: dict[str, tuple[ModuleIndex, lsp.SemanticTokens]] = {}  # by module path: the latest index's tokens
_computed_lock = threading.Lock()  # the analysis thread computes them ahead of the request
_running: dict[str, tuple[ModuleIndex, threading.Event]] = {}  # by module path: tokens being computed


def semantic_tokens(index: ModuleIndex) -> lsp.SemanticTokens:
    """Tokens for the names (declarations and uses), statement words, literals and comments of one module.

    An index is immutable once built (one per compile), so its tokens are computed once and kept with it
    until a newer index of the same module comes. When another thread is computing them already, this
    waits for its answer instead of doing the same work at the same time.
    """
    own = index.module.source.path
    with _computed_lock:
        kept = _computed.get(own)
        if kept is not None and kept[0] is index:
            return kept[1]
        running = _running.get(own)
        other = running[1] if running is not None and running[0] is index else None
        if other is None:
            done = threading.Event()
            _running[own] = (index, done)
    if other is not None:
        other.wait(timeout=10.0)
        with _computed_lock:
            kept = _computed.get(own)
        return kept[1] if kept is not None and kept[0] is index else _compute(index)
    try:
        result = _compute(index)
        with _computed_lock:
            if len(_computed) >= 64 and own not in _computed:
                _computed.pop(next(iter(_computed)))
            _computed[own] = (index, result)
    finally:
        with _computed_lock:
            if _running.get(own, (None,))[0] is index:
                del _running[own]
        done.set()
    return result


def _compute(index: ModuleIndex) -> lsp.SemanticTokens:
    own = index.module.source.path
    tokens: list[tuple[int, int, int, int, int]] = []  # line, col, length, type, modifiers
    append = tokens.append

    def add(span: Span, kind: int, modifiers: int = 0) -> None:
        if span.file == own and span.line == span.end_line and span.end_col > span.col:
            append((span.line, span.col, span.end_col - span.col, kind, modifiers))

    for d in index.definitions:
        add(d.name_span, _KIND_INDEX.get(d.kind, _VARIABLE), 3 if d.kind == "secret" else 1)
    for ref in index.references:
        target = ref.definition
        if ref.kind == "function":
            add(ref.span, _FUNCTION, 4)
        elif target is not None:
            add(ref.span, _KIND_INDEX.get(target.kind, _VARIABLE), 2 if target.kind == "secret" else 0)
    for info in index.statements:
        for word in info.literal_words:
            add(word.span, _KEYWORD)
        for item in info.statement.items:
            if isinstance(item, ast.Str):
                add(item.span, _STRING)
            elif isinstance(item, _NUMBERS):
                add(item.span, _NUMBER)
    for comment in index.module.module.comments:
        add(comment.span, _COMMENT)
    return lsp.SemanticTokens(data=_encode(tokens, index.module.source))


def _encode(tokens: list[tuple[int, int, int, int, int]], source: Source) -> list[int]:
    """LSP's relative encoding (UTF-16 columns), tokens sorted and without overlaps."""
    from panoptic.lsp.convert import utf16_len

    lines = source.text.split("\n")
    ascii_only = source.text.isascii()  # then a UTF-16 column is the character column
    data: list[int] = []
    extend = data.extend
    prev_line, prev_char, prev_end = 0, 0, (0, 0)
    for line, col, length, kind, mods in sorted(set(tokens)):
        if (line, col) < prev_end:
            continue
        text = lines[line - 1] if line - 1 < len(lines) else ""
        if ascii_only:
            width = len(text)
            char = min(col - 1, width)
            size = min(col - 1 + length, width) - char
        else:
            char = utf16_len(text[: col - 1])
            size = utf16_len(text[col - 1 : col - 1 + length])
        delta_line = line - 1 - prev_line
        extend((delta_line, char - prev_char if delta_line == 0 else char, size, kind, mods))
        prev_line, prev_char, prev_end = line - 1, char, (line, col + length)
    return data


# ---- folding ranges -------------------------------------------------------------------------------------------


def folding_ranges(module: ast.Module) -> list[lsp.FoldingRange]:
    """A fold per multi-line declaration and block, and per run of two or more comment lines."""
    folds: list[lsp.FoldingRange] = []

    def fold(span: Span, kind: str | None = None) -> None:
        if span.end_line > span.line:
            end = span.end_line - 1 if kind is None else span.end_line
            folds.append(lsp.FoldingRange(start_line=span.line - 1, end_line=end - 1, kind=kind))

    def block(b: ast.Block | None) -> None:
        if b is None:
            return
        fold(b.span)
        for stmt in b.statements:
            if isinstance(stmt, ast.Statement):
                block(stmt.block)
                if isinstance(stmt.orelse, ast.Block):
                    block(stmt.orelse)
                elif isinstance(stmt.orelse, ast.Statement):
                    block(stmt.orelse.block)

    for decl in module.decls:
        if isinstance(decl, ast.App):
            fold(decl.span)
        elif isinstance(decl, (ast.Flow, ast.Scenario, ast.Hook)):
            block(decl.body)
    run: list[Span] = []
    for comment in [*module.comments, None]:
        if comment is not None and run and comment.span.line == run[-1].line + 1:
            run.append(comment.span)
            continue
        if len(run) >= 2:
            folds.append(lsp.FoldingRange(start_line=run[0].line - 1, end_line=run[-1].line - 1, kind="comment"))
        run = [comment.span] if comment is not None else []
    return sorted(folds, key=lambda f: (f.start_line, f.end_line))


def location(span: Span, source: Source | None) -> lsp.Location:
    from panoptic.lsp.convert import path_to_uri

    return lsp.Location(uri=path_to_uri(span_file_path(span.file)), range=to_range(span, source))
