"""The formatter: one canonical layout for `.pan` files, comments kept.

`format_module` walks a parsed module in source order and writes it out
again: 4-space indentation, single spaces between statement items, `a, b`
commas, lists and maps on one line, strings, numbers, durations and sizes
exactly as written. Comments are taken from `Module.comments` in order:
a comment on a line of its own is written before the next thing that follows
it (at that block's indentation); a comment after code stays at the end of
that line, two spaces after it. Lists and maps that hold comments are written
one item per line so that no comment is lost. Blank lines: exactly one around
block declarations (app, flow, scenario, setup, teardown), and elsewhere at
most one where the source had one or more.

Formatting never changes meaning: the module parsed from the output equals
the input module with spans aside. Files with syntax errors are refused
(`FormatError`), never half-formatted.

`format_tree` prints a module built in code rather than parsed (`panoptic
convert`, `panoptic init`): the same layout, with no source text to read. Its
spans are read only to order comments, which are written on lines of their
own before the first node that starts after them.
"""

from __future__ import annotations

import re

from panoptic.syntax import ast

__all__ = ["FormatError", "format_module", "format_text", "format_tree"]

INDENT = "    "

_STRING = re.compile(r'"([^"\\\n]|\\.)*"')
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_BLOCK_DECLS = (ast.App, ast.Flow, ast.Scenario, ast.Hook)


class FormatError(Exception):
    """The text has syntax errors and was not formatted; `diagnostics` says where."""

    def __init__(self, diagnostics: list) -> None:
        self.diagnostics = list(diagnostics)
        if self.diagnostics:
            first = self.diagnostics[0]
            where = f"{first.span}: " if first.span is not None else ""
            more = f" (and {len(self.diagnostics) - 1} more)" if len(self.diagnostics) > 1 else ""
            message = f"cannot format a file with syntax errors: {where}{first.code} {first.message}{more}"
        else:
            message = "cannot format a file with syntax errors"
        super().__init__(message)


def format_text(text: str, path: str = "<memory>") -> str:
    """Parse `text` and return it in canonical format; raise `FormatError` if it does not parse cleanly."""
    from panoptic.diagnostics import Severity
    from panoptic.syntax.parser import parse_text

    module, diagnostics = parse_text(text, path)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors:
        raise FormatError(errors)
    return format_module(module, text)


def format_module(module: ast.Module, text: str) -> str:
    """Return the canonical text of a parsed module; `text` is the source it was parsed from."""
    writer = _Writer(text, module.comments)
    writer.module(module)
    return writer.result()


def format_tree(module: ast.Module) -> str:
    """Return the canonical text of a module built in code (no source text); see the module docstring."""
    writer = _Writer("", module.comments, synthetic=True)
    writer.module(module)
    return writer.result()


class _Writer:
    """Builds the output line by line, placing comments as it passes their source positions."""

    def __init__(self, text: str, comments: tuple[ast.Comment, ...], *, synthetic: bool = False) -> None:
        self.text = text
        self.synthetic = synthetic  # a module built in code: names, keys and tags come from the nodes
        self.comments = sorted(comments, key=lambda c: c.span.start)
        self.ci = 0  # the next comment not yet written
        self.lines: list[str] = []
        self.cur: list[str] = []
        self.indent = 0
        self.src_pos = 0  # source end of the last token written
        self.last_end = 0  # source end of the last line written (its trailing comment included)
        self.allow_blank = False  # may the next line keep a blank line of the source before it?
        self.force_blank = False  # must the next line have a blank line before it?

    # ---- lines ---------------------------------------------------------------

    def result(self) -> str:
        if not self.lines:
            return ""
        return "\n".join(self.lines) + "\n"

    def _open(self, start: int) -> None:
        blank = self.force_blank or (self.allow_blank and self.text.count("\n", self.last_end, start) >= 2)
        if blank and self.lines:
            self.lines.append("")
        self.force_blank = False
        self.allow_blank = True
        self.cur = [INDENT * self.indent]

    def _close(self) -> None:
        """End the current line, taking a comment that follows its last token on the same source line."""
        pos = self.src_pos
        comments = self.comments
        if self.ci < len(comments) and not self.synthetic:
            comment = comments[self.ci]
            start = comment.span.start
            text = self.text
            if start >= pos and text.find("\n", pos, start) == -1 and not text[pos:start].strip(" \t,"):
                self.cur.append("  " + comment.text.rstrip())
                pos = comment.span.end
                self.ci += 1
        self.lines.append("".join(self.cur).rstrip())
        self.cur = []
        self.last_end = max(pos, self.last_end)

    def _comments_before(self, offset: int) -> None:
        """Write every comment that starts before `offset` on a line of its own, at the current indentation."""
        comments = self.comments
        while self.ci < len(comments) and comments[self.ci].span.start < offset:
            comment = comments[self.ci]
            self.ci += 1
            self._open(comment.span.start)
            self.cur.append(comment.text.rstrip())
            self.lines.append("".join(self.cur).rstrip())
            self.cur = []
            self.last_end = comment.span.end

    def begin(self, start: int) -> None:
        """Start the line of a node that begins at source offset `start` (comments before it come first)."""
        self._comments_before(start)
        self._open(start)

    def write(self, piece: str, src_end: int | None = None) -> None:
        self.cur.append(piece)
        if src_end is not None:
            self.src_pos = src_end

    def _has_comment_before(self, offset: int) -> bool:
        return self.ci < len(self.comments) and self.comments[self.ci].span.start < offset

    # ---- declarations ----------------------------------------------------------

    def module(self, module: ast.Module) -> None:
        previous = None
        if self.synthetic and module.decls and self._has_comment_before(module.decls[0].span.start):
            self._comments_before(module.decls[0].span.start)  # a built module's header, then a blank line
            self.force_blank = True
        for decl in module.decls:
            if previous is not None and (isinstance(decl, _BLOCK_DECLS) or isinstance(previous, _BLOCK_DECLS)):
                self.force_blank = True
            self.decl(decl)
            previous = decl
        self._comments_before(len(self.text) + 1 if not self.synthetic else self._after_all())

    def _after_all(self) -> int:
        return max((c.span.end for c in self.comments), default=0) + 1

    def decl(self, decl) -> None:
        kind = type(decl)
        if kind is ast.Statement or kind is ast.Let:
            self.stmt(decl)
        elif kind is ast.Use:
            self.use(decl)
        elif kind is ast.App:
            self.app(decl)
        elif kind is ast.Flow:
            self.flow(decl)
        elif kind is ast.Scenario:
            self.scenario(decl)
        elif kind is ast.Hook:
            self.begin(decl.span.start)
            self.write(decl.kind + " ")
            self.block(decl.body)
            self._close()
        else:
            raise FormatError([])

    def use(self, decl: ast.Use) -> None:
        self.begin(decl.span.start)
        if decl.is_path and self.synthetic:
            self.write("use " + quote(decl.module), decl.span.end)
        elif decl.is_path:
            raw = self.text[decl.span.start : decl.span.end]
            self.write("use " + raw[raw.index('"') :], decl.span.end)
        else:
            self.write("use " + decl.module, decl.span.end)
        self._close()

    def app(self, decl: ast.App) -> None:
        self.begin(decl.span.start)
        brace = decl.platform_span.end if self.synthetic else self.text.index("{", decl.platform_span.end)
        close = decl.span.end - 1
        self.write(f"app {decl.name}: {decl.platform} ")
        if not decl.settings and not self._has_comment_before(close):
            self.write("{}", decl.span.end)
            self._close()
            return
        self.write("{", brace + 1)
        self._close()
        self.allow_blank = False
        self.indent += 1
        for setting in decl.settings:
            self.begin(setting.span.start)
            self.write(setting.key + ": ")
            self.expr(setting.value)
            self._close()
        self._comments_before(close)
        self.indent -= 1
        self.allow_blank = False
        self._open(close)
        self.write("}", close + 1)
        self._close()

    def flow(self, decl: ast.Flow) -> None:
        self.begin(decl.span.start)
        params = ", ".join(p.name for p in decl.params)
        self.write(f"flow {decl.name}({params}) ")
        self.block(decl.body)
        self._close()

    def scenario(self, decl: ast.Scenario) -> None:
        self.begin(decl.span.start)
        self.write("scenario " + decl.title.raw)
        if decl.data is not None:
            self.write(" for each " + ", ".join(p.name for p in decl.data.names) + " in ")
            self.expr(decl.data.items)
        if decl.app is not None:
            self.write(" on " + decl.app)
        if decl.tags:
            text = self.text
            if self.synthetic:
                tags = [t.name if _is_name(t.name) else quote(t.name) for t in decl.tags]
            else:
                tags = [text[t.span.start : t.span.end] for t in decl.tags]
            self.write(" tags " + ", ".join(tags))
        self.write(" ")
        self.block(decl.body)
        self._close()

    # ---- blocks and statements ---------------------------------------------------

    def block(self, block: ast.Block) -> None:
        """Write `{`, the statements and `}`; the line of the `}` stays open for the caller."""
        open_, close = block.span.start, block.span.end - 1
        if not block.statements and not self._has_comment_before(close):
            self.write("{}", close + 1)
            return
        self.write("{", open_ + 1)
        self._close()
        self.allow_blank = False
        self.indent += 1
        for stmt in block.statements:
            self.stmt(stmt)
        self._comments_before(close)
        self.indent -= 1
        self.allow_blank = False
        self._open(close)
        self.write("}", close + 1)

    def stmt(self, stmt) -> None:
        kind = type(stmt)
        if kind is ast.Statement:
            self.begin(stmt.items[0].span.start)
            self.statement(stmt)
            self._close()
        elif kind is ast.Let:
            self.begin(stmt.span.start)
            self.write(("secret " if stmt.secret else "let ") + stmt.name + " = ")
            self.expr(stmt.value)
            self._close()
        else:
            raise FormatError([])

    def statement(self, stmt: ast.Statement) -> None:
        # The hottest loop of `check`'s style pass: words, commas and literals are appended without `write`.
        first = True
        for item in stmt.items:
            kind = type(item)
            if kind is ast.Comma:
                self.cur.append(",")
            else:
                if not first:
                    self.cur.append(" ")
                first = False
                if kind is ast.Word:
                    self.cur.append(item.text)
                elif kind is ast.Str or kind is ast.Num or kind is ast.Duration or kind is ast.Size:
                    self.cur.append(item.raw)
                else:
                    self.expr(item)
                    continue
            self.src_pos = item.span.end
        if stmt.block is not None:
            self.write(" ")
            self.block(stmt.block)
        orelse = stmt.orelse
        if orelse is not None:
            self.write(" else ")
            if type(orelse) is ast.Block:
                self.block(orelse)
            else:
                self.statement(orelse)

    # ---- expressions -------------------------------------------------------------

    def expr(self, expr) -> None:
        kind = type(expr)
        if kind is ast.Str or kind is ast.Num or kind is ast.Duration or kind is ast.Size:
            self.write(expr.raw, expr.span.end)
        elif kind is ast.Var:
            self.write(".".join(expr.path), expr.span.end)
        elif kind is ast.Call:
            self.write(expr.name + "(")
            for i, arg in enumerate(expr.args):
                if i:
                    self.write(", ")
                self.expr(arg)
            self.write(")", expr.span.end)
        elif kind is ast.ListLit:
            self.sequence(expr, "[", "]", [(item.span.start, None, item) for item in expr.items])
        elif kind is ast.MapLit:
            self.sequence(expr, "{", "}", self._map_entries(expr))
        elif kind is ast.Phrase:
            for i, item in enumerate(expr.items):
                if i:
                    self.write(" ")
                if type(item) is ast.Word:
                    self.write(item.text, item.span.end)
                else:
                    self.expr(item)
        else:
            raise FormatError([])

    def sequence(self, node, open_: str, close_: str, items: list[tuple[int, str | None, ast.Expr]]) -> None:
        """A list or map: on one line, or one item per line (with trailing commas) when comments sit inside it."""
        end = node.span.end
        if not self._has_comment_before(end):
            self.write(open_)
            for i, (_, key, value) in enumerate(items):
                if i:
                    self.write(", ")
                if key is not None:
                    self.write(key + ": ")
                self.expr(value)
            self.write(close_, end)
            return
        self.write(open_, node.span.start + 1)
        self._close()
        self.allow_blank = False
        self.indent += 1
        for start, key, value in items:
            self.begin(start)
            if key is not None:
                self.write(key + ": ")
            self.expr(value)
            self.write(",")
            self._close()
        self._comments_before(end - 1)
        self.indent -= 1
        self.allow_blank = False
        self._open(end - 1)
        self.write(close_, end)

    def _map_entries(self, node: ast.MapLit) -> list[tuple[int, str | None, ast.Expr]]:
        """(start, key as written, value) for each entry; the key (a name or a quoted string) is read from the source."""
        text = self.text
        entries: list[tuple[int, str | None, ast.Expr]] = []
        if self.synthetic:
            return [(v.span.start, k if _is_name(k) else quote(k), v) for k, v in node.entries]
        pos = node.span.start + 1
        for _, value in node.entries:
            pos = _skip_separators(text, pos, value.span.start)
            match = (_STRING if text.startswith('"', pos) else _NAME).match(text, pos)
            if match is None or match.end() > value.span.start:
                raise FormatError([])
            entries.append((pos, match.group(0), value))
            pos = value.span.end
        return entries


def quote(text: str) -> str:
    """`text` as a string literal: quotes, backslashes, line breaks, tabs and `${` escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + escaped.replace("${", "\\${") + '"'


_KEYWORDS = frozenset(("use", "app", "let", "secret", "flow", "scenario", "on", "tags", "setup", "teardown", "else"))


def _is_name(text: str) -> bool:
    """Whether `text` may be written bare as a map key or tag (a name that is not a keyword)."""
    return _NAME.fullmatch(text) is not None and text not in _KEYWORDS


def _skip_separators(text: str, pos: int, limit: int) -> int:
    """Skip blanks, commas, line breaks, line continuations and comments between map entries."""
    while pos < limit:
        ch = text[pos]
        if ch in " \t\r\n,\\":
            pos += 1
        elif ch == "#":
            end = text.find("\n", pos, limit)
            pos = limit if end == -1 else end
        else:
            break
    return pos
