"""An index of one module for the editor: definitions, references, scopes and statements, by line and column.

Built from the compiler's loaded modules and its symbol table
(`panoptic.compiler.symbols`), so `use`d files, the standard library and
module-level names are resolved exactly as `panoptic check` resolves them: a
module sees its own apps, flows and globals and those of the modules it uses
directly; a flow adds its parameters, a block its `let`s (from
the line they are defined on) and `for each` its variable.

Every position here is a 1-based (line, column) pair; character offsets are
not used (see `panoptic.lsp.incremental`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from panoptic.compiler.functions import FUNCTIONS
from panoptic.compiler.loader import LoadedModule
from panoptic.compiler.match import Match, Miss, TargetSyntax, match_statement
from panoptic.compiler.registry import StatementDef, registry
from panoptic.compiler.symbols import SymbolTable
from panoptic.source import Span
from panoptic.syntax import ast

Pos = tuple[int, int]
_SYMBOLS = ("symbols",)  # where a builder keeps the symbol table in the shared globals cache


def start_of(span: Span) -> Pos:
    return (span.line, span.col)


def end_of(span: Span) -> Pos:
    return (span.end_line, span.end_col)


def contains(span: Span, pos: Pos, *, inclusive_end: bool = True) -> bool:
    """Whether a position is inside a span (its end included: the cursor right after a word is on it)."""
    if pos < start_of(span):
        return False
    return pos <= end_of(span) if inclusive_end else pos < end_of(span)


def sub_span(span: Span, col_offset: int, length: int) -> Span:
    """A piece of a one-line span, `col_offset` characters after its start."""
    start = span.start + col_offset
    col = span.col + col_offset
    return Span(span.file, start, start + length, span.line, col, span.line, col + length)


@dataclass(frozen=True)
class Definition:
    """Something with a name: an app, a flow, a variable, a secret, a parameter or a loop variable."""

    name: str
    kind: str  # app | flow | variable | secret | param | loop
    module: str  # the module key ("std.web" or a display path)
    name_span: Span
    span: Span
    detail: str
    doc: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.name_span.file, self.name_span.line, self.name_span.col)


@dataclass(frozen=True)
class Reference:
    name: str
    span: Span
    definition: Definition | None
    kind: str  # variable | flow | app | function


@dataclass
class StatementInfo:
    statement: ast.Statement
    entry: StatementDef | None
    match: Match | None
    literal_words: list[ast.Word]  # words of the statement that are not variables
    targets: list[TargetSyntax]


@dataclass
class Scope:
    """A block's names, each visible from a position on (the parameters of a flow from the start)."""

    span: Span
    names: list[tuple[Pos, Definition]] = field(default_factory=list)


@dataclass
class ModuleIndex:
    module: LoadedModule
    definitions: list[Definition] = field(default_factory=list)  # every definition of this module, locals too
    globals: dict[str, Definition] = field(default_factory=dict)  # visible at file level (own and used)
    references: list[Reference] = field(default_factory=list)
    scopes: list[Scope] = field(default_factory=list)
    statements: list[StatementInfo] = field(default_factory=list)
    uses: list[tuple[ast.Use, str | None]] = field(default_factory=list)  # (decl, module key or None)

    # ---- queries ---------------------------------------------------------------------------------------------------
    def reference_at(self, pos: Pos) -> Reference | None:
        for ref in self.references:
            if contains(ref.span, pos):
                return ref
        return None

    def definition_at(self, pos: Pos) -> Definition | None:
        for d in self.definitions:
            if contains(d.name_span, pos):
                return d
        return None

    def symbol_at(self, pos: Pos) -> Definition | None:
        """The definition named at a position: a definition itself or what a reference points to."""
        d = self.definition_at(pos)
        if d is not None:
            return d
        ref = self.reference_at(pos)
        return ref.definition if ref is not None else None

    def statement_at(self, pos: Pos) -> StatementInfo | None:
        """The innermost statement whose own line (not its block) holds the position."""
        best: StatementInfo | None = None
        for info in self.statements:
            if contains(info.statement.head_span, pos):
                if best is None or start_of(info.statement.head_span) >= start_of(best.statement.head_span):
                    best = info
        return best

    def use_at(self, pos: Pos) -> tuple[ast.Use, str | None] | None:
        for decl, key in self.uses:
            if contains(decl.span, pos):
                return decl, key
        return None

    def visible(self, pos: Pos) -> dict[str, Definition]:
        """Every name visible at a position: globals, then enclosing scopes (inner names win)."""
        names = dict(self.globals)
        for scope in sorted(self.scopes, key=lambda s: start_of(s.span)):
            if contains(scope.span, pos):
                for since, d in scope.names:
                    if since <= pos:
                        names[d.name] = d
        return names

    def references_to(self, definition: Definition) -> list[Reference]:
        return [r for r in self.references if r.definition is not None and r.definition.key == definition.key]


# ---- building -------------------------------------------------------------------------------------------------------


def _doc_comment(mod: LoadedModule, line: int) -> str:
    """The comment lines right above a declaration (its documentation)."""
    lines: list[str] = []
    n = line - 1
    while n >= 1:
        text = mod.source.line_text(n).strip()
        if not text.startswith("#"):
            break
        lines.append(text.lstrip("#").strip())
        n -= 1
    return "\n".join(reversed(lines))


def own_globals(mod: LoadedModule, symbols: SymbolTable | None = None) -> dict[str, Definition]:
    """The apps, flows and file-level variables a module defines (the compiler's symbol table, as definitions)."""
    table = symbols if symbols is not None else SymbolTable({mod.key: mod})
    out: dict[str, Definition] = {}
    for declared in table.own(mod.key).values():
        decl = declared.decl
        if isinstance(decl, ast.App):
            d = Definition(
                decl.name,
                "app",
                mod.key,
                decl.name_span,
                decl.span,
                f"app {decl.name}: {decl.platform}",
                _doc_comment(mod, decl.span.line),
            )
        elif isinstance(decl, ast.Flow):
            params = ", ".join(p.name for p in decl.params)
            d = Definition(
                decl.name,
                "flow",
                mod.key,
                decl.name_span,
                decl.span,
                f"flow {decl.name}({params})",
                _doc_comment(mod, decl.span.line),
            )
        else:
            d = _let_definition(mod, decl)
        out.setdefault(decl.name, d)
    return out


def _let_definition(mod: LoadedModule, decl: ast.Let) -> Definition:
    text = mod.source.line_text(decl.span.line).strip()
    if decl.secret:
        text = f"secret {decl.name} = …"  # a secret's value is never shown
    return Definition(
        decl.name,
        "secret" if decl.secret else "variable",
        mod.key,
        decl.name_span,
        decl.span,
        text,
        _doc_comment(mod, decl.span.line),
    )


class _Builder:
    def __init__(self, mod: LoadedModule, modules: dict[str, LoadedModule], globals_cache: dict) -> None:
        self.mod = mod
        self.modules = modules
        self.cache = globals_cache
        self.index = ModuleIndex(mod)

    def symbols(self) -> SymbolTable:
        table = self.cache.get(_SYMBOLS)
        if table is None:
            table = self.cache[_SYMBOLS] = SymbolTable(self.modules)
        return table

    def globals_of(self, key: str) -> dict[str, Definition]:
        if key not in self.cache:
            self.cache[key] = own_globals(self.modules[key], self.symbols())
        return self.cache[key]

    def build(self) -> ModuleIndex:
        idx = self.index
        own = self.globals_of(self.mod.key)
        visible: dict[str, Definition] = {}
        used = {id(decl): key for decl, key in self.mod.uses}
        for decl in self.mod.module.decls:
            if isinstance(decl, ast.Use):
                idx.uses.append((decl, used.get(id(decl))))
        for declared in self.symbols().visible(self.mod.key).values():  # what the compiler's scoping sees
            if declared.module != self.mod.key:
                definition = self.globals_of(declared.module).get(declared.name)
                if definition is not None:
                    visible.setdefault(declared.name, definition)
        visible.update(own)
        idx.globals = visible
        idx.definitions.extend(own.values())
        for decl in self.mod.module.decls:
            if isinstance(decl, ast.App):
                for setting in decl.settings:
                    self.expr(setting.value, [])
            elif isinstance(decl, ast.Let):
                self.expr(decl.value, [])
            elif isinstance(decl, ast.Flow):
                scope = Scope(decl.span)
                for p in decl.params:
                    d = Definition(p.name, "param", self.mod.key, p.span, p.span, f"parameter of flow {decl.name}")
                    idx.definitions.append(d)
                    scope.names.append(((0, 0), d))
                idx.scopes.append(scope)
                self.block(decl.body, [scope])
            elif isinstance(decl, ast.Scenario):
                if decl.app is not None and decl.app_span is not None:
                    target = visible.get(decl.app)
                    self.ref(decl.app, decl.app_span, target if target and target.kind == "app" else None, "app")
                self.expr(decl.title, [])
                self.block(decl.body, [])
            elif isinstance(decl, ast.Hook):
                self.block(decl.body, [])
            elif isinstance(decl, ast.ErrorNode) and decl.block is not None:
                self.block(decl.block, [])
        return idx

    # ---- helpers ----
    def lookup(self, name: str, scopes: list[Scope], at: Pos) -> Definition | None:
        for scope in reversed(scopes):
            for since, d in reversed(scope.names):
                if d.name == name and since <= at:
                    return d
        return self.index.globals.get(name)

    def ref(self, name: str, span: Span, definition: Definition | None, kind: str) -> None:
        self.index.references.append(Reference(name, span, definition, kind))

    # ---- blocks and statements ----
    def block(self, block: ast.Block, scopes: list[Scope], extra: list[Definition] = ()) -> None:
        scope = Scope(block.span)
        for d in extra:
            scope.names.append(((0, 0), d))
        self.index.scopes.append(scope)
        chain = [*scopes, scope]
        for stmt in block.statements:
            if isinstance(stmt, ast.Let):
                self.expr(stmt.value, chain)
                d = _let_definition(self.mod, stmt)
                self.index.definitions.append(d)
                scope.names.append((end_of(stmt.span), d))
            elif isinstance(stmt, ast.Statement):
                self.statement(stmt, chain)
            elif isinstance(stmt, ast.ErrorNode) and stmt.block is not None:
                self.block(stmt.block, chain)

    def statement(self, stmt: ast.Statement, scopes: list[Scope]) -> None:
        items = stmt.items
        first = items[0]
        loop_vars: list[Definition] = []
        if len(items) == 1 and isinstance(first, ast.Call) and stmt.block is None:
            self.expr(first, scopes)
        else:
            candidates = registry().candidates(first.text) if isinstance(first, ast.Word) else []
            found = match_statement(items, candidates, Miss()) if candidates else None
            info = StatementInfo(stmt, found.entry if found else _closest(items, candidates), found, [], [])
            self.index.statements.append(info)
            if found is not None:
                variable_spans: set[tuple[int, int]] = set()
                for param in found.entry.params:
                    raw = found.args.get(param.name)
                    if raw is None:
                        continue
                    if isinstance(raw, TargetSyntax):
                        info.targets.append(raw)
                        for e in (raw.value, *(raw.point or ())):
                            if e is not None:
                                if isinstance(e, ast.Var):
                                    variable_spans.add(start_of(e.span))
                                self.expr(e, scopes)
                    elif param.type == "name" and isinstance(raw, ast.Word):
                        d = Definition(raw.text, "loop", self.mod.key, raw.span, stmt.span, f"for each {raw.text}")
                        self.index.definitions.append(d)
                        loop_vars.append(d)
                        variable_spans.add(start_of(raw.span))
                    elif not isinstance(raw, str):
                        if isinstance(raw, ast.Var):
                            variable_spans.add(start_of(raw.span))
                        self.expr(raw, scopes)
                info.literal_words = [
                    i for i in items if isinstance(i, ast.Word) and start_of(i.span) not in variable_spans
                ]
            else:
                # Mid-typing: words that name something in scope are references, the rest statement words.
                at = start_of(stmt.span)
                for i, item in enumerate(items):
                    if isinstance(item, ast.Word):
                        d = self.lookup(item.text, scopes, at) if i > 0 else None
                        if d is not None and d.kind not in ("app", "flow"):
                            self.ref(item.text, item.span, d, "variable")
                        else:
                            info.literal_words.append(item)
                    elif not isinstance(item, ast.Comma):
                        self.expr(item, scopes)
        if stmt.block is not None:
            self.block(stmt.block, scopes, loop_vars)
        if isinstance(stmt.orelse, ast.Block):
            self.block(stmt.orelse, scopes)
        elif isinstance(stmt.orelse, ast.Statement):
            self.statement(stmt.orelse, scopes)

    def expr(self, e, scopes: list[Scope]) -> None:
        if isinstance(e, ast.Var):
            name = e.path[0]
            d = self.lookup(name, scopes, start_of(e.span))
            self.ref(name, sub_span(e.span, 0, len(name)), d, "variable")
        elif isinstance(e, ast.Str):
            for part in e.parts:
                if isinstance(part, ast.Interp):
                    name = part.path[0]
                    line = self.mod.source.line_text(part.span.line)
                    inner = line[part.span.col - 1 + 2 :]
                    offset = 2 + (len(inner) - len(inner.lstrip()))
                    d = self.lookup(name, scopes, start_of(part.span))
                    self.ref(name, sub_span(part.span, offset, len(name)), d, "variable")
        elif isinstance(e, ast.Call):
            name_span = sub_span(e.span, 0, len(e.name))
            d = self.index.globals.get(e.name)
            if d is not None and d.kind == "flow":
                self.ref(e.name, name_span, d, "flow")
            elif e.name in FUNCTIONS:
                self.ref(e.name, name_span, None, "function")
            else:
                self.ref(e.name, name_span, None, "flow")
            for a in e.args:
                self.expr(a, scopes)
        elif isinstance(e, ast.ListLit):
            for a in e.items:
                self.expr(a, scopes)
        elif isinstance(e, ast.MapLit):
            for _, a in e.entries:
                self.expr(a, scopes)


def _closest(items, candidates: list[StatementDef]) -> StatementDef | None:
    """The candidate whose literal words best agree with the statement's words (for hover mid-typing)."""
    if not candidates:
        return None
    words = [i.text for i in items if isinstance(i, ast.Word)]

    def score(entry: StatementDef) -> tuple[int, int]:
        head = entry.head
        prefix = 0
        for a, b in zip(head, words, strict=False):
            if a != b:
                break
            prefix += 1
        return (prefix, len(set(entry.words) & set(words)))

    return max(candidates, key=score)


def index_module(mod: LoadedModule, modules: dict[str, LoadedModule], globals_cache: dict | None = None) -> ModuleIndex:
    """Index one loaded module; `modules` are all modules of the same compile (for `use`d names)."""
    return _Builder(mod, modules, globals_cache if globals_cache is not None else {}).build()
