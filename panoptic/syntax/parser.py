"""Parse `.pan` text into a `Module`, with error recovery.

Lark's LALR parser runs with an inline transformer, so the AST is built while
parsing (no intermediate parse tree). Comments travel inside newline tokens
and are collected by a lexer callback.

Recovery: on a syntax error the offending line is replaced, offsets kept, by
an error mark (plus a `{` when the line opened a block, so braces still
balance) and the file is parsed again. Each pass reports one error; a file
with several broken lines gets one diagnostic for each. Where the grammar
takes no error mark (an app's settings, a list) the marked line is dropped
instead; a list left open on an earlier line is read as an empty list, and a
setting written with `=` as one written with `:`. A map left open is read
as an empty map (one diagnostic, not one per line read as its entries), and
a top-level block whose `}` is missing before the next declaration (`app`,
`scenario`, `flow` …) ends there: the text before it is parsed with the `}`
added, the rest on its own. The mark itself never appears in a message.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panoptic.cachedir import cache_dir
from panoptic.diagnostics import Diagnostic, Fix, diagnostic
from panoptic.frozen import frozen
from panoptic.source import Source, Span
from panoptic.syntax import ast
from panoptic.syntax.first_chars import first_chars_unavailable
from panoptic.syntax.interpolation import parse_string
from panoptic.syntax.lalr import Fallback, LeanParser, Token
from panoptic.syntax.lean_tables import export_tables, load_tables, save_tables
from panoptic.syntax.scan import brace_balance, code_chars, in_string_at, unclosed_brace
from panoptic.syntax.units import unit_mistake

if TYPE_CHECKING:
    from lark import Lark
    from lark.exceptions import UnexpectedInput

MAX_ERRORS_PER_FILE = 25
MAX_DIGITS = 12  # longer numbers are refused (PAN309): they overflow floats and mean nothing in a test
ERROR_MARK = "\ue000"

_PUNCTUATION = {
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COLON": "':'",
    "COMMA": "','",
    "DOT": "'.'",
    "EQUAL": "'='",
    "NAME": "a name",
    "STRING": "a string",
    "NUMBER": "a number",
    "DURATION": "a duration",
    "SIZE": "a size",
    "_NL": "end of line",
    "$END": "end of file",
    "ERROR_MARK": "an error mark",
}


@lru_cache(maxsize=1)
def grammar_path() -> Path:
    """The grammar file: packaged inside the wheel, or at the repository's top level (found once per process)."""
    packaged = Path(__file__).resolve().parent.parent / "_data" / "grammar" / "panoptic.lark"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "grammar" / "panoptic.lark"


@lru_cache(maxsize=1)
def grammar_text() -> str:
    """The grammar's text, read once per process (the lean tables, Lark's tables and their keys all need it)."""
    return grammar_path().read_text(encoding="utf-8")


def _describe(token_type: str) -> str:
    if token_type in _PUNCTUATION:
        return _PUNCTUATION[token_type]
    return f"'{token_type.lower()}'"


# Hot nodes are built by calling their generated `__new__` (`@frozen_slots` leaves `__init__` to `object`):
# calling the class itself first goes through `type.__call__` and `slot_tp_new`, a fifth of what a span costs.
_new_span: Callable[..., Span] = Span.__new__
_new_word: Callable[..., ast.Word] = ast.Word.__new__
_new_str: Callable[..., ast.Str] = ast.Str.__new__
_new_statement: Callable[..., ast.Statement] = ast.Statement.__new__


class _State(threading.local):
    source: Source | None = None
    comments: list[ast.Comment]
    diagnostics: list[Diagnostic]


class _Builder:
    """Builds AST nodes while the lean loop or Lark parses (every token is kept, so spans cover keywords too).

    Each rule's method takes its children: AST nodes, lists, and tokens, which are `str`s on both paths
    (`panoptic.syntax.lalr.Token` from the lean loop, Lark's `Token` from Lark's).
    """

    def __init__(self, state: _State) -> None:
        self.state = state

    # -- helpers --
    def _span(self, children: list) -> Span:
        """From the start of the first child to the end of the last (tokens or nodes; newlines ignored)."""
        for first in children:
            if _has_span(first):
                break
        else:
            assert self.state.source is not None
            return self.state.source.span(0, 0)
        for last in reversed(children):
            if _has_span(last):
                break
        if isinstance(first, str):
            file, start, line, col = self.state.source.path, first.start_pos, first.line, first.column
        else:
            file, start, line, col = first.span.file, first.span.start, first.span.line, first.span.col
        if isinstance(last, str):
            return _new_span(Span, file, start, last.end_pos, line, col, last.end_line, last.end_column)
        return _new_span(Span, file, start, last.span.end, line, col, last.span.end_line, last.span.end_col)

    def _tok_span(self, tok: Token) -> Span:
        # The lexer already counts lines and columns (1-based, end exclusive), so no lookup is needed.
        return _new_span(
            Span, self.state.source.path, tok.start_pos, tok.end_pos, tok.line, tok.column, tok.end_line, tok.end_column
        )

    def _expr(self, child) -> ast.Expr:
        if not isinstance(child, str):
            return child
        kind, text = child.type, child.value
        if kind == "STRING":
            return self._string(child)
        span = self._tok_span(child)
        if kind in ("NUMBER", "DURATION", "SIZE") and max(map(len, re.findall(r"\d+", text))) > MAX_DIGITS:
            self.state.diagnostics.append(
                diagnostic(
                    "PAN309",
                    f"`{text[:20]}…` has more than {MAX_DIGITS} digits",
                    span,
                    help="write a number below 1,000,000,000,000",
                )
            )
            text = re.sub(r"\d+", "0", text)
        if kind == "NUMBER":
            return ast.Num(float(text) if "." in text else int(text), text, span)
        if kind == "DURATION":
            return ast.Duration(_seconds(text), text, span)
        if kind == "SIZE":
            w, h = text.split("x")
            return ast.Size(int(w), int(h), text, span)
        if kind == "NAME":
            return ast.Var((text,), span)
        raise ValueError(f"unexpected token {kind}")

    def _string(self, tok: Token) -> ast.Str:
        assert self.state.source is not None
        raw = tok.value
        body = raw[1:-1]
        if "\\" not in body and "$" not in body:  # `parse_string`'s shortcut, without its lists and loops
            return _new_str(ast.Str, (sys.intern(body),), raw, self._tok_span(tok))
        parts, problems = parse_string(raw, tok.start_pos)
        for offset, length, message in problems:
            self.state.diagnostics.append(
                diagnostic(
                    "PAN105",
                    message,
                    self.state.source.span(offset, offset + length),
                    help="write `${name}`, or `$${` for a literal `${`",
                )
            )
        resolved = tuple(
            p if isinstance(p, str) else ast.Interp(p[0], self.state.source.span(p[1], p[2])) for p in parts
        )
        return _new_str(ast.Str, resolved, raw, self._tok_span(tok))

    @staticmethod
    def _named(children: list, *types: str) -> list:
        return [c for c in children if not isinstance(c, str) or c.type in types]

    # -- rules --
    def start(self, children):
        return [c for c in children if not isinstance(c, str)]

    def dotted(self, children):
        names = [c.value for c in children if isinstance(c, str) and c.type == "NAME"]
        return ast.Var(tuple(names), self._span(children))

    def use_decl(self, children):
        target = children[1]
        if isinstance(target, str):
            return ast.Use(self._string(target).text, True, self._span(children))
        return ast.Use(".".join(target.path), False, self._span(children))

    def setting(self, children):
        key = children[0]
        return ast.Setting(key.value, self._tok_span(key), self._expr(children[2]), self._span(children))

    def app_decl(self, children):
        name, platform = children[1], children[3]
        settings = tuple(c for c in children if isinstance(c, ast.Setting))
        return ast.App(
            name.value, self._tok_span(name), platform.value, self._tok_span(platform), settings, self._span(children)
        )

    def _let(self, children, secret: bool):
        name = children[1]
        return ast.Let(name.value, self._tok_span(name), self._expr(children[3]), secret, self._span(children))

    def let_decl(self, children):
        return self._let(children, False)

    def secret_decl(self, children):
        return self._let(children, True)

    def params(self, children):
        return [ast.Param(c.value, self._tok_span(c)) for c in children if isinstance(c, str) and c.type == "NAME"]

    def flow_decl(self, children):
        name = children[1]
        params: list[ast.Param] = next((c for c in children if isinstance(c, list)), [])
        body = next(c for c in children if isinstance(c, ast.Block))
        return ast.Flow(name.value, self._tok_span(name), tuple(params), body, self._span(children))

    def on_clause(self, children):
        return ("on", children[1])

    def tag(self, children):
        tok = children[0]
        name = self._string(tok).text if tok.type == "STRING" else tok.value
        return ast.Tag(name, self._tok_span(tok))

    def for_clause(self, children):
        names = tuple(
            ast.Param(c.value, self._tok_span(c)) for c in children if isinstance(c, str) and c.type == "NAME"
        )
        return ("data", ast.ScenarioData(names, self._expr(children[-1]), self._span(children)))

    def tags_clause(self, children):
        return ("tags", tuple(c for c in children if isinstance(c, ast.Tag)))

    def scenario_decl(self, children):
        title = self._string(children[1])
        app = app_span = None
        tags: tuple[ast.Tag, ...] = ()
        data = None
        for c in children:
            if isinstance(c, tuple) and c[0] == "data":
                data = c[1]
            elif isinstance(c, tuple) and c[0] == "on":
                app, app_span = c[1].value, self._tok_span(c[1])
            elif isinstance(c, tuple) and c[0] == "tags":
                tags = c[1]
        body = next(c for c in children if isinstance(c, ast.Block))
        return ast.Scenario(title, app, app_span, tags, body, self._span(children), data)

    def _hook(self, children, kind):
        return ast.Hook(kind, children[-1], self._span(children))

    def setup_decl(self, children):
        return self._hook(children, "setup")

    def teardown_decl(self, children):
        return self._hook(children, "teardown")

    def error_block(self, children):
        block = next((c for c in children if isinstance(c, ast.Block)), None)
        return ast.ErrorNode(self._span(children), block)

    def block(self, children):
        stmts = tuple(c for c in children if not isinstance(c, str))
        return ast.Block(stmts, self._span(children))

    def statement(self, children):
        items: list = []
        block = orelse = None
        for c in children:
            if isinstance(c, str):
                kind = c.type
                if kind == "NAME":
                    items.append(_new_word(ast.Word, c.value, self._tok_span(c)))
                elif kind == "FIELD":
                    items.append(ast.Var(tuple(c.value.split(".")), self._tok_span(c)))
                elif kind == "COMMA":
                    items.append(ast.Comma(self._tok_span(c)))
                else:
                    items.append(self._expr(c))
            elif isinstance(c, ast.Block):
                block = c
            elif isinstance(c, tuple):
                orelse = c[1]
            else:
                items.append(c)
        first, last = items[0].span, (orelse or block or items[-1]).span  # the grammar gives at least one item
        span = _new_span(Span, first.file, first.start, last.end, first.line, first.col, last.end_line, last.end_col)
        return _new_statement(ast.Statement, tuple(items), block, orelse, span)

    def phrase(self, children):
        items: list = []
        for c in children:
            if isinstance(c, str) and c.type in ("NAME", "OP"):
                items.append(_new_word(ast.Word, c.value, self._tok_span(c)))
            elif isinstance(c, str) and c.type == "FIELD":
                items.append(ast.Var(tuple(c.value.split(".")), self._tok_span(c)))
            elif isinstance(c, ast.Var) and len(c.path) == 1:
                items.append(ast.Word(c.path[0], c.span))
            else:
                items.append(self._expr(c))
        return ast.Phrase(tuple(items), self._span(children))

    def else_clause(self, children):
        return ("else", children[-1])

    def var(self, children):
        names = tuple(c.value for c in children if isinstance(c, str) and c.type == "NAME")
        return ast.Var(names, self._span(children))

    def call(self, children):
        name = children[0]
        args = tuple(self._expr(c) for c in children[2:-1] if not (isinstance(c, str) and c.type == "COMMA"))
        return ast.Call(name.value, args, self._span(children))

    def _exprs(self, children, skip: set[str]):
        return tuple(self._expr(c) for c in children if not (isinstance(c, str) and c.type in skip))

    def list(self, children):
        return ast.ListLit(self._exprs(children, {"LSQB", "RSQB", "COMMA", "_NL"}), self._span(children))

    def map_entry(self, children):
        key = children[0]
        name = self._string(key).text if key.type == "STRING" else key.value
        return (name, self._expr(children[2]))

    def map(self, children):
        entries = tuple(c for c in children if isinstance(c, tuple))
        return ast.MapLit(entries, self._span(children))


def _has_span(child: object) -> bool:
    if isinstance(child, str):
        return child.type != "_NL"
    return hasattr(child, "span")


def _seconds(text: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)", text)
    assert match is not None
    value = float(match.group(1))
    return value * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


_STATE = _State()


def _collect_comments(tok: Token) -> Token:
    state = _STATE
    if "#" in tok.value and state.source is not None:
        for m in re.finditer(r"#[^\r\n]*", tok.value):
            start = tok.start_pos + m.start()
            state.comments.append(ast.Comment(m.group(0), state.source.span(start, start + len(m.group(0)))))
    return tok


TABLES_SUFFIX = ".tables"  # next to the packaged grammar: Lark's LALR tables, built with the wheel
LEAN_SUFFIX = ".lean"  # beside them: the same tables for the lean loop (`panoptic.syntax.lean_tables`)
_OPTIONS = {"parser": "lalr", "lexer": "contextual", "keep_all_tokens": True, "maybe_placeholders": False}
_LEXER_CALLBACKS = {"_NL": _collect_comments}


def _runtime_options() -> dict:
    return {"transformer": _Builder(_STATE), "lexer_callbacks": _LEXER_CALLBACKS}


def _lark() -> Any:
    """The `lark` package, imported on first use: the lean loop parses without it."""
    import panoptic.syntax.lark_import  # noqa: F401  (first: Lark without `regex`)

    # isort: split
    import lark

    return lark


def _tables_key(grammar: str) -> bytes:
    """What Lark's tables depend on: the grammar, the options, and Lark's and Python's versions."""
    import hashlib

    versions = f"{_lark().__version__} {sys.version_info[:2]} {sorted(_OPTIONS.items())}"
    return hashlib.sha256(f"{versions}\n{grammar}".encode()).hexdigest().encode()


def write_tables(path: Path, parser: Lark | None = None) -> None:
    """Save the grammar's LALR tables to `path` for Lark, and beside it (`LEAN_SUFFIX`) for the lean loop.

    The wheel build does this once; a run that finds either missing saves it into the cache folder.
    """
    grammar = grammar_text()
    parser = parser or _lark().Lark(grammar, **_OPTIONS)
    _write_lark_tables(path, parser, grammar)
    save_tables(path.with_suffix(LEAN_SUFFIX), export_tables(parser), grammar)


def _write_lark_tables(path: Path, parser: Lark, grammar: str) -> None:
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as out:
        out.write(_tables_key(grammar) + b"\n")
        parser.save(out, exclude_options=tuple(_runtime_options()))
    partial.replace(path)


def _load_tables(path: Path, key: bytes) -> Lark | None:
    Lark = _lark().Lark
    try:
        with path.open("rb") as tables:
            if tables.readline().rstrip(b"\n") != key:
                return None
            # Lark's own cache loads this way: its public `Lark.load` takes no transformer.
            return Lark.__new__(Lark)._load(tables, **_runtime_options())
    except Exception:  # a missing, stale or damaged file only means building the tables again
        return None


def _table_files(suffix: str) -> list[Path]:
    """Where tables are looked for: beside the packaged grammar, then in the cache folder."""
    folder = cache_dir()
    return [grammar_path().with_suffix(suffix)] + ([folder / f"grammar{suffix}"] if folder is not None else [])


def _save_in_cache(save: Callable[[Path], None], suffix: str) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        save(folder / f"grammar{suffix}")
    except OSError:
        pass  # a read-only cache folder costs the next run the build, nothing else


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    """Lark's LALR parser for the grammar, with the AST builder inline: what decides syntax errors.

    Its tables come from the wheel (built at install), else from the cache folder, else from the grammar
    (and are then saved to the cache folder for the next run).
    """
    grammar = grammar_text()
    key = _tables_key(grammar)
    for path in _table_files(TABLES_SUFFIX):
        if (parser := _load_tables(path, key)) is not None:
            return parser
    parser = _lark().Lark(grammar, **_OPTIONS, **_runtime_options())
    _save_in_cache(lambda path: _write_lark_tables(path, parser, grammar), TABLES_SUFFIX)
    return parser


def lean_tables() -> dict[str, Any]:
    """The lean loop's tables: from the wheel, else from the cache folder, else exported from `lark_parser()`."""
    grammar = grammar_text()
    for path in _table_files(LEAN_SUFFIX):
        if (tables := load_tables(path, grammar)) is not None:
            return tables
    tables = export_tables(lark_parser())
    _save_in_cache(lambda path: save_tables(path, tables, grammar), LEAN_SUFFIX)
    return tables


class _LeanStatus:
    """Why parses do not (or not always) go through the lean loop; `panoptic doctor` can show it."""

    build_error: str | None = None  # building the loop failed: every parse uses Lark's own loop
    parse_error: str | None = None  # the first parse the loop failed on and Lark's loop did not
    parse_errors = 0


_LEAN = _LeanStatus()


def _describe_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def make_lean_parser(tables: dict[str, Any]) -> LeanParser:
    """A lean loop over `tables` (as `lean_tables()` gives them) building the parser's AST."""
    return LeanParser(tables, _Builder(_STATE), _LEXER_CALLBACKS)


@lru_cache(maxsize=1)
def lean_parser() -> LeanParser | None:
    """The lean loop over `lean_tables()`, what every parse tries first; None when it cannot be built.

    Exporting the tables reads Lark's internals; if a Lark release renamed one, building fails with whatever
    exception that gives, and every parse then goes through Lark's own loop (slower, same results).
    """
    try:
        return make_lean_parser(lean_tables())
    except Exception as exc:  # any: a renamed internal must never turn every file into an internal error
        _LEAN.build_error = _describe_error(exc)
        return None


def lean_available() -> bool:
    """Whether parses go through the lean loop (False: Lark's own loop, for the reason `lean_status` gives)."""
    return lean_parser() is not None


def lean_status() -> str | None:
    """Why the parser is slower than it could be (Lark's own loop, or scanning with every terminal); None if not."""
    lean_parser()
    notes = []
    if _LEAN.build_error is not None:
        notes.append(f"the lean LALR loop could not be built ({_LEAN.build_error}); Lark's own loop parses every file")
    if _LEAN.parse_error is not None:
        notes.append(
            f"the lean LALR loop failed on {_LEAN.parse_errors} parse(s) that Lark's own loop then did"
            f" (first: {_LEAN.parse_error})"
        )
    if (reason := first_chars_unavailable()) is not None:
        notes.append(f"the scanner tries every terminal at each position ({reason})")
    return "; ".join(notes) or None


def parse_once(source: Source, parse: Callable[[str], list]) -> tuple[list, list[ast.Comment], list[Diagnostic]]:
    """One pass of `parse` (the lean loop's or Lark's) over `source`: declarations, comments, string problems."""
    _STATE.source = source
    _STATE.comments = []
    _STATE.diagnostics = []
    try:
        return parse(source.text), _STATE.comments, _STATE.diagnostics
    finally:
        _STATE.source = None


def _parse_pass(source: Source) -> tuple[list, list[ast.Comment], list[Diagnostic]]:
    """The lean loop over Lark's tables, or Lark itself when it must decide (syntax errors) or the loop failed."""
    lean = lean_parser()
    if lean is None:
        return parse_once(source, lark_parser().parse)
    try:
        return parse_once(source, lean.parse)
    except Fallback:
        return parse_once(source, lark_parser().parse)
    except Exception as failure:  # any: Lark's loop decides, and an error of its own is what the caller sees
        try:
            result = parse_once(source, lark_parser().parse)
        except Exception as again:
            if type(again) is not type(failure):
                _note_lean_failure(failure)
            raise
        _note_lean_failure(failure)
        return result


def _note_lean_failure(failure: Exception) -> None:
    """Remember that the lean loop failed where Lark's loop did not (an internal it reads no longer fits)."""
    _LEAN.parse_errors += 1
    if _LEAN.parse_error is None:
        _LEAN.parse_error = _describe_error(failure)


def parse_source(source: Source) -> tuple[ast.Module, list[Diagnostic]]:
    """Parse one source into a module; syntax errors come back as diagnostics, never as exceptions."""
    original = source.text
    work = original if original.endswith("\n") else original + "\n"
    diags: list[Diagnostic] = []
    if ERROR_MARK in work:  # the recovery's own marker must never come from the user
        for m in re.finditer(ERROR_MARK, work):
            diags.append(
                diagnostic(
                    "PAN103", "unexpected character `\\ue000`", source.span(m.start(), m.end()), help="remove it"
                )
            )
        work = work.replace(ERROR_MARK, " ")
    decls, comments = _parse_recovering(source, work, diags, set(), [MAX_ERRORS_PER_FILE + 1])
    if _may_nest_deeply(source.text):
        decls = _limit_depth(decls, diags)
    module = ast.Module(source.path, tuple(decls), tuple(comments))
    return module, diags


def _parse_recovering(
    source: Source, work: str, diags: list[Diagnostic], seen: set[int], passes: list[int]
) -> tuple[list, list[ast.Comment]]:
    """Parse `work`, recovering from each syntax error (`passes[0]` counts the passes left, shared by splits).

    A top-level block left open before the next declaration is split off: the text up to that declaration, with
    the missing `}` added at its end, is parsed on its own, and the rest with that part blanked (lines kept).
    """
    head: list = []
    head_comments: list[ast.Comment] = []
    while passes[0] > 0:
        passes[0] -= 1
        try:
            decls, comments, problems = _parse_pass(source if work == source.text else Source(source.path, work))
            diags.extend(problems)
            return head + decls, head_comments + comments
        except Exception as exc:
            errors = _lark().exceptions  # already imported: only Lark's loop lets an exception out of a pass
            if not isinstance(exc, errors.UnexpectedInput):
                if isinstance(exc, (errors.VisitError, ValueError, AssertionError, IndexError, AttributeError)):  # bug
                    diags.append(diagnostic("PAN900", f"internal parser error: {exc}", source.span(0, 0)))
                    return [], []
                raise
            diag, recovered = _recover(source, work, exc, seen)
            if diag is not None:
                diags.append(diag)
            if isinstance(recovered, _Split):
                more, more_comments = _parse_recovering(source, recovered.head, diags, seen, passes)
                head, head_comments = head + more, head_comments + more_comments
                recovered = recovered.rest
            if recovered is None:
                return head, head_comments
            work = recovered
    return [], []


MAX_DEPTH = 100  # nested blocks / `else if` links, and nested lists / maps / calls, each


def _deepest(decl: object) -> tuple[str, Span] | None:
    """The first statement or value nested deeper than MAX_DEPTH in `decl` (an iterative walk), or None."""
    todo: list[tuple[object, int, int]] = [(decl, 0, 0)]  # (node, block depth, value depth)
    while todo:
        node, blocks, values = todo.pop()
        if blocks > MAX_DEPTH:
            return "blocks", node.head_span if isinstance(node, ast.Statement) else node.span  # type: ignore[attr-defined]
        if values > MAX_DEPTH:
            return "values", node.span  # type: ignore[attr-defined]
        if isinstance(node, ast.Block):
            todo.extend((s, blocks + 1, 0) for s in node.statements)
        elif isinstance(node, ast.Statement):
            todo.extend((i, blocks, values) for i in node.items)
            if node.block is not None:
                todo.append((node.block, blocks, 0))
            if node.orelse is not None:
                todo.append((node.orelse, blocks + (isinstance(node.orelse, ast.Statement)), 0))
        elif isinstance(node, ast.ErrorNode):
            if node.block is not None:
                todo.append((node.block, blocks, 0))
        elif isinstance(node, (ast.Flow, ast.Scenario, ast.Hook)):
            todo.append((node.body, blocks, 0))
        elif isinstance(node, ast.App):
            todo.extend((s.value, blocks, values) for s in node.settings)
        elif isinstance(node, ast.Let):
            todo.append((node.value, blocks, values))
        elif isinstance(node, ast.ListLit):
            todo.extend((i, blocks, values + 1) for i in node.items)
        elif isinstance(node, ast.MapLit):
            todo.extend((v, blocks, values + 1) for _, v in node.entries)
        elif isinstance(node, ast.Call):
            todo.extend((a, blocks, values + 1) for a in node.args)
    return None


# What `_may_nest_deeply` drops: strings (the loop unrolled: sre backtracks per character through `(?:a|b)*`),
# comments, and runs of characters that are neither a bracket nor the start of a string or a comment. What is
# left is the brackets outside strings and comments, and each `"` that opens no closed string.
_NOT_A_BRACKET = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|#[^\n]*|[^{}\[\]()"#]+')


def _may_nest_deeply(text: str) -> bool:
    """Whether the text could nest past MAX_DEPTH, by an upper bound read from the raw text (no tree walk).

    An AST nesting depth is at most the deepest bracket nesting outside strings and comments plus the
    number of `else` words (an `else if` chain nests without opening a bracket), so when that bound stays
    within the limit the walk over every node can be skipped; it is a few percent of a check's parse time.
    """
    elses = text.count("else")
    if text.count("{") + text.count("[") + text.count("(") + elses <= MAX_DEPTH:
        return False
    depth = deepest = 0
    for char in _NOT_A_BRACKET.sub("", text):
        if char in "{[(":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif char != '"' and depth:
            depth -= 1
    return deepest + elses > MAX_DEPTH


def _limit_depth(decls: list, diags: list[Diagnostic]) -> list:
    """Replace each declaration that nests too deeply by an error node, reported as PAN218."""
    out = []
    for decl in decls:
        deep = _deepest(decl)
        if deep is None:
            out.append(decl)
            continue
        kind, span = deep
        what = "blocks and `else if` links" if kind == "blocks" else "lists, maps and calls"
        diags.append(
            diagnostic(
                "PAN218",
                f"{what} nest more than {MAX_DEPTH} deep here",
                span,
                help="move the inner steps into a flow" if kind == "blocks" else "build the value in smaller parts",
            )
        )
        out.append(ast.ErrorNode(decl.span))
    return out


def parse_text(text: str, path: str = "<memory>") -> tuple[ast.Module, list[Diagnostic]]:
    return parse_source(Source(path, text))


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end == -1 else end


@frozen
class _Split:
    """Recovery's answer for a top-level block left open: parse `head` (closed) on its own, then go on with `rest`."""

    head: str
    rest: str


def _recover(
    source: Source, work: str, exc: UnexpectedInput, seen: set[int]
) -> tuple[Diagnostic | None, str | _Split | None]:
    """Report the error and return the text with the offending line neutralised (None: give up)."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    original_len = len(source.text)
    pos = exc.pos_in_stream if exc.pos_in_stream is not None else 0
    if _at_error_mark(work, exc, pos):
        # A line recovery already reported, where the grammar takes no error mark (an app's settings, a list):
        # drop it, with the lines its block spans, and report nothing more.
        return None, _blank_from(work, pos)
    at_end = isinstance(exc, (UnexpectedEOF,)) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END")
    if isinstance(exc, UnexpectedToken) and (at_end or exc.token.type != "_NL"):
        opener = _unclosed_bracket(work, len(work) if at_end else pos)
        if opener is not None and (at_end or work.count("\n", opener, pos) > 0):
            # A list or call left open on an earlier line: what follows was read as its items.
            ch, close = work[opener], "]" if work[opener] == "[" else ")"
            where = source.span(opener, opener + 1)
            diag = diagnostic(
                "PAN101",
                f"`{ch}` opened at {where.line}:{where.col} is never closed",
                where,
                help=f"add the closing `{close}`",
            )
            if opener in seen:
                return diag, None
            seen.add(opener)
            end = len(work) if at_end else _line_bounds(work, pos)[0]
            return diag, _close_list(work, opener, end) or _neutralise_span(work, opener, end)
    if isinstance(exc, UnexpectedToken) and (found := _open_block(source, work, pos, at_end, seen)) is not None:
        return found
    if isinstance(exc, UnexpectedToken) and exc.token.type == "_NL":
        opener = _unclosed_bracket(work, pos)
        if opener is not None and work.count("\n", opener, pos) == 0 and work[opener] == "(":
            where = source.span(opener, opener + 1)
            diag = diagnostic(
                "PAN101", f"`(` opened at {where.line}:{where.col} is never closed", where, help="add the closing `)`"
            )
            return _neutralise_line(work, pos, seen, diag)
    if isinstance(exc, UnexpectedToken) and exc.token.type == "EQUAL" and set(exc.expected) <= {"COLON"}:
        start = _line_bounds(work, pos)[0]
        key = work[start:pos].strip()
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", key):
            diag = diagnostic(
                "PAN101",
                f"`=` after the setting `{key}`",
                source.span(pos, pos + 1),
                help=f"settings are written `{key}: …`",
            )
            if pos in seen:
                return diag, None
            seen.add(pos)
            return diag, work[:pos] + ":" + work[pos + 1 :]  # read on as the setting it was meant to be
    if not at_end and (diag := _unquoted_url(source, work, pos)) is not None:
        return _neutralise_line(work, pos, seen, diag)
    if at_end:
        brace = unclosed_brace(work)
        if brace is None or len(work) > original_len + 200:
            pos = max(0, min(original_len, len(source.text.rstrip())))
            return diagnostic("PAN101", "unexpected end of file", source.span(pos, pos)), None
        diag = diagnostic(
            "PAN104",
            "this block is never closed",
            source.span(brace, brace + 1),
            help="add a matching `}`",
        )
        return diag, work + "}\n"

    if isinstance(exc, UnexpectedCharacters):
        ch = work[pos] if pos < len(work) else ""
        if ch == '"':
            diag = diagnostic(
                "PAN102",
                "this string is never closed",
                source.span(pos, _line_bounds(work, pos)[1]),
                help='add the closing `"` before the end of the line',
            )
        elif (glued := _glued_unit(source, work, pos)) is not None:
            diag = glued
        else:
            shown = ch if ch.isprintable() and ch != ERROR_MARK else repr(ch)
            diag = diagnostic(
                "PAN103",
                f"unexpected character `{shown}`",
                source.span(pos, pos + 1),
                help="remove it; strings are written in double quotes",
            )
    else:
        assert isinstance(exc, UnexpectedToken)
        tok = exc.token
        order = list(_PUNCTUATION)
        kinds = sorted(
            {t for t in exc.expected if not t.startswith("__") and t != "ERROR_MARK"},
            key=lambda t: (
                2
                if t not in order
                else int(t in ("LPAR", "LSQB", "LBRACE", "RBRACE", "COMMA", "COLON", "RPAR", "RSQB")),
                order.index(t) if t in order else 99,
                t,
            ),
        )
        expected = list(dict.fromkeys(_describe(t) for t in kinds))
        shown = "end of line" if tok.type == "_NL" else f"`{tok}`"
        if tok.type == "_NL" and "#" in str(tok):
            shown = "end of line"
        help_text = "expected " + (", ".join(expected[:10]) if expected else "something else")
        end = tok.end_pos if tok.type != "_NL" else pos + 1
        diag = diagnostic("PAN101", f"unexpected {shown}", source.span(pos, min(end, original_len)), help=help_text)
    return _neutralise_line(work, pos, seen, diag)


def _neutralise_line(work: str, pos: int, seen: set[int], diag: Diagnostic) -> tuple[Diagnostic, str | None]:
    """`diag`, and the text with the line holding `pos` replaced by an error mark (None: give up)."""
    if pos in seen:
        return diag, None
    seen.add(pos)
    start, end = _line_bounds(work, pos)
    line = work[start:end]
    body_start = len(line) - len(line.lstrip())
    content = line[body_start:]
    if not content.strip():
        return diag, None
    balance = brace_balance(content)
    if balance > 0 and len(content) >= 2:
        replacement = ERROR_MARK + " " * (len(content) - 2) + "{"
    elif balance < 0 and content.strip("} \t"):
        closes = "}" * min(-balance, len(content))
        replacement = " " * (len(content) - len(closes)) + closes
    elif balance < 0:
        replacement = " " * len(content)  # a stray `}` on its own: drop it
    else:
        replacement = ERROR_MARK + " " * (len(content) - 1)
    new_work = work[: start + body_start] + replacement + work[end:]
    if new_work == work:
        return diag, None
    return diag, new_work


_GLUED = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?)([A-Za-z_]\w*)")


def _glued_unit(source: Source, work: str, pos: int) -> Diagnostic | None:
    """PAN103 for a number glued to a unit Panoptic does not take (`200px`, `5sec`), when the error is in it."""
    start, end = _line_bounds(work, pos)
    line = work[start:end]
    for m in _GLUED.finditer(line):
        if not m.start() <= pos - start < m.end() or in_string_at(line[: m.start()]):
            continue
        found = unit_mistake(m.group(0), m.group(1), m.group(2))
        if found is None:
            return None
        message, replacement = found
        before = re.search(r"([A-Za-z_][\w\-]*)\s+$", line[: m.start()])
        shown = f"{before.group(1)} {replacement}" if before else replacement
        span = source.span(start + m.start(), min(start + m.end(), len(source.text)))
        return diagnostic(
            "PAN103", message, span, help=f"write `{shown}`", fix=Fix(span, replacement, f"write {replacement}")
        )
    return None


_URL = re.compile(r'(?<![\w"/.])(?:https?://|www\.|/)[^\s"]*')


def _unquoted_url(source: Source, work: str, pos: int) -> Diagnostic | None:
    """PAN101 for a URL or path written without quotes (`open http://…`, `open /about`), when the error is in it."""
    start, end = _line_bounds(work, pos)
    line = work[start:end]
    if in_string_at(line[: pos - start]) or "#" in line[: pos - start]:
        return None
    for m in _URL.finditer(line):
        url = m.group(0)
        if m.start() <= pos - start < max(m.end(), m.start() + 1) and ("/" in url[1:] or url[0] == "/"):
            if not re.search(r"[A-Za-z_]\s+$", line[: m.start()]) or url.startswith("//"):
                return None  # only a value after a statement's word (`open /about`, not `4 / 2`)
            what = "path" if url[0] == "/" else "URL"
            span = source.span(start + m.start(), min(start + m.end(), len(source.text)))
            return diagnostic(
                "PAN101",
                f"the {what} `{url}` is not in double quotes",
                span,
                help=f'{what}s are strings: write `"{url}"`',
                fix=Fix(span, f'"{url}"', "add double quotes"),
            )
    return None


def _at_error_mark(work: str, exc: UnexpectedInput, pos: int) -> bool:
    """Whether the parser stopped at an error mark that recovery put there."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    if isinstance(exc, UnexpectedToken):
        return exc.token.type == "ERROR_MARK"
    return isinstance(exc, UnexpectedCharacters) and pos < len(work) and work[pos] == ERROR_MARK


def _blank_from(work: str, pos: int) -> str | None:
    """The text with the line holding `pos` blanked, and the following lines while its braces stay open."""
    start = _line_bounds(work, pos)[0]
    end, balance = start, 0
    while True:
        line_end = _line_bounds(work, end)[1]
        balance += brace_balance(work[end:line_end])
        end = line_end
        if balance <= 0 or end >= len(work):
            break
        end += 1
    new_work = work[:start] + re.sub(r"[^\n]", " ", work[start:end]) + work[end:]
    return None if new_work == work else new_work


def _unclosed_bracket(work: str, pos: int) -> int | None:
    """The offset of the innermost `[` or `(` still open at `pos` (outside strings and comments), if any."""
    stack = _open_braces(work, pos)
    return stack[-1] if stack and work[stack[-1]] in "[(" else None


def _close_list(work: str, opener: int, end: int) -> str | None:
    """The text with a list (or map) left open read as an empty one (`let xs = []`, so `xs` stays defined), or None."""
    body = work[opener + 1 : end]
    if work[opener] not in "[{" or sum(brace_balance(line) for line in body.split("\n")) != 0:
        return None
    blanked = re.sub(r"[^\n]", " ", body)
    at = blanked.find(" ")
    if at == -1:
        return None
    close = "]" if work[opener] == "[" else "}"
    return work[: opener + 1] + blanked[:at] + close + blanked[at + 1 :] + work[end:]


# A top-level declaration's first word, at the start of a line.
_DECL_START = re.compile(r"^(?:app|scenario|flow|setup|teardown|use)(?![A-Za-z0-9_\-])", re.M)


def _open_braces(work: str, pos: int) -> list[int]:
    """The offsets of the `{`, `[` and `(` still open at `pos` (outside strings and comments), outermost first."""
    stack: list[int] = []
    offset = 0
    for line in work[:pos].splitlines(keepends=True):
        for i, ch in code_chars(line):
            if ch in "[({":
                stack.append(offset + i)
            elif ch in "])}" and stack:
                stack.pop()
        offset += len(line)
    return stack


def _opens_map(work: str, brace: int) -> bool:
    """Whether the `{` at `brace` opens a map (it stands where a value goes), not a block."""
    before = work[:brace].rstrip(" \t\r\n")
    return work[brace] == "{" and before[-1:] in ("=", ":", ",", "(", "[")


def _opens_declaration(work: str, brace: int) -> bool:
    """Whether the `{` at `brace` opens the block of a top-level declaration (an app, scenario, flow or hook)."""
    start = _line_bounds(work, brace)[0]
    return work[brace] == "{" and _DECL_START.match(work, start) is not None and work[start:brace].count("{") == 0


def _indent(work: str, pos: int) -> str:
    start = _line_bounds(work, pos)[0]
    line = work[start : _line_bounds(work, pos)[1]]
    return line[: len(line) - len(line.lstrip(" \t"))]


def _map_closed_by(work: str, block: int, end: int) -> tuple[int, int] | None:
    """A map inside the block opened at `block` whose `}` is alone on a line at the block's own indentation.

    That `}` was meant to close the block: the map is the one left open. Returns (the map's `{`, the line of that `}`).
    """
    indent = _indent(work, block)
    stack: list[int] = []
    offset = _line_bounds(work, block)[1]
    for line in work[offset:end].splitlines(keepends=True):
        for i, ch in code_chars(line):
            if ch in "[({":
                stack.append(offset + i)
            elif ch in "])}" and stack:
                opener = stack.pop()
                alone = line.strip() == "}" and _indent(work, offset + i) == indent
                if alone and _opens_map(work, opener) and work.count("\n", opener, offset + i) > 0:
                    return opener, offset
        offset += len(line)
    return None


def _open_block(
    source: Source, work: str, pos: int, at_end: bool, seen: set[int]
) -> tuple[Diagnostic, str | _Split | None] | None:
    """An unclosed map, or a top-level block whose `}` is missing before the next declaration, as one diagnostic.

    Without this the parser reads the lines that follow as the map's entries or the block's settings, and
    reports them too. A map left open is read as an empty one; a block left open ends before the declaration.
    """
    stack = _open_braces(work, len(work) if at_end else pos)
    if not stack or work[stack[-1]] != "{":
        return None
    line_start = _line_bounds(work, pos)[0]
    maps = [b for b in stack if _opens_map(work, b)]
    if maps and maps[-1] == stack[-1] and (at_end or work.count("\n", stack[-1], pos) > 0):
        outer = stack[-1]
        while len(maps) > 1 and stack[stack.index(outer) - 1] == maps[-2]:  # nested maps all left open: the outer
            maps.pop()
            outer = maps[-1]
        return _unclosed_map(source, work, outer, len(work) if at_end else line_start, seen)
    block = stack[-1]
    if not _opens_declaration(work, block):
        return None
    if at_end:
        found = _DECL_START.search(work, _line_bounds(work, block)[1])
        if found is None:
            return None
        split = found.start()
    elif _DECL_START.match(work, line_start) is not None and line_start > block:
        split = line_start
    else:
        return None
    if (stolen := _map_closed_by(work, block, split)) is not None:
        return _unclosed_map(source, work, stolen[0], stolen[1], seen)
    keyword = _DECL_START.match(work, split)
    assert keyword is not None
    diag = diagnostic(
        "PAN104",
        "this block is never closed",
        source.span(block, block + 1),
        help=f"add a matching `}}` before the next `{keyword.group(0)}`",  # no line number: the editor shifts spans
    )
    if block in seen:
        return diag, None
    seen.add(block)
    rest = re.sub(r"[^\n]", " ", work[:split]) + work[split:]
    return diag, _Split(work[:split] + "}\n", rest)


def _unclosed_map(source: Source, work: str, opener: int, end: int, seen: set[int]) -> tuple[Diagnostic, str | None]:
    """PAN101 for a map whose `}` is missing, and the text with it read as an empty map up to `end`."""
    where = source.span(opener, opener + 1)
    diag = diagnostic(
        "PAN101",
        f"`{{` opened at {where.line}:{where.col} is never closed",
        where,
        help="add the closing `}` of the map",
    )
    if opener in seen:
        return diag, None
    seen.add(opener)
    return diag, _close_list(work, opener, end) or _neutralise_span(work, opener, end)


def _neutralise_span(work: str, start: int, end: int) -> str | None:
    """The text with the lines from the one holding `start` up to `end` replaced by one error mark."""
    first = _line_bounds(work, start)[0]
    chunk = work[first:end]
    body = len(chunk) - len(chunk.lstrip(" \t"))
    if brace_balance(chunk) != 0 or body >= len(chunk):
        return None
    blanked = re.sub(r"[^\n]", " ", chunk[body:])
    new_work = work[: first + body] + ERROR_MARK + blanked[1:] + work[end:]
    return None if new_work == work else new_work
