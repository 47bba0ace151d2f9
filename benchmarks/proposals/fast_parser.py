"""A proposal, measured by check_bench: a hand-written fast path for parsing valid `.pan` files.

`fast_parse(source)` builds exactly the `ast.Module` that
`panoptic.syntax.parser.parse_source` builds for a file without syntax
errors, from one regular-expression scan and a recursive descent over the
tokens, taking line and column from a running line counter instead of a
binary search per span. On anything unusual (a syntax error, an error mark, a
bad interpolation) it raises `Fallback`, and the caller parses with Lark,
which keeps the error recovery and the diagnostics:

    def parse_source(source):
        try:
            return fast_parse(source), []
        except Fallback:
            ...  # the Lark path as today

`python benchmarks/proposals/fast_parser.py FILE_OR_FOLDER…` checks that both
parsers agree on every file the fast path accepts and prints the timings.
The grammar (grammar/panoptic.lark) stays the specification; this module
must follow it, and the equivalence check over every .pan file of the
repository (and the fuzz corpus) is what keeps it honest.
"""

from __future__ import annotations

import re

from panoptic.source import Source, Span
from panoptic.syntax import ast
from panoptic.syntax.interpolation import parse_string

_new = object.__new__


def _span(file: str, start: int, end: int, line: int, col: int, end_line: int, end_col: int) -> Span:
    """`Span(...)` without the frozen dataclass's seven `object.__setattr__` calls (4x faster)."""
    span = _new(Span)
    d = span.__dict__
    d["file"] = file
    d["start"] = start
    d["end"] = end
    d["line"] = line
    d["col"] = col
    d["end_line"] = end_line
    d["end_col"] = end_col
    return span


class Fallback(Exception):
    """The fast path does not handle this text: parse it with Lark."""


_TOKEN = re.compile(
    r"""
    [\t ]*(?:
     (?P<NL>(?:\r?\n[\t ]*|\#[^\n]*)*\r?\n[\t ]*)
    |(?P<DURATION>\d+(?:\.\d+)?(?:ms|s|m|h|d)(?![A-Za-z0-9_]))
    |(?P<SIZE>\d+x\d+(?![A-Za-z0-9_]))
    |(?P<NUMBER>-?\d+(?:\.\d+)?(?![A-Za-z_]))
    |(?P<NAME>[A-Za-z_][A-Za-z0-9_\-]*)
    |(?P<STRING>"(?:[^"\\\n]|\\.)*")
    |(?P<P>[{}()\[\],:.=])
    )""",
    re.X,
)
_COMMENT = re.compile(r"#[^\r\n]*")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_ITEM_KINDS = {"NAME", "STRING", "NUMBER", "DURATION", "SIZE", "[", ","}


class _Parser:
    def __init__(self, source: Source) -> None:
        text = source.text if source.text.endswith("\n") else source.text + "\n"
        self.path = path = source.path
        kinds: list[str] = []
        values: list[str] = []
        spans: list[Span] = []
        comments: list[ast.Comment] = []
        if "\\\n" in text or "\\\r" in text or "\\ " in text or "\\\t" in text:
            raise Fallback(0)  # line continuations: rare, left to Lark
        line, line_start, pos = 1, 0, 0
        for m in _TOKEN.finditer(text):
            if m.start() != pos:
                raise Fallback(pos)
            kind = m.lastgroup
            if kind is None:
                break  # trailing blanks without a newline (cannot happen: the text ends with one)
            start = m.start(kind)
            value = m.group(kind)
            pos = end = m.end()
            if kind == "NL":
                if "#" in value:
                    for c in _COMMENT.finditer(value):
                        cs = start + c.start()
                        ce = start + c.end()
                        cl = line + value.count("\n", 0, c.start())
                        ls = start + value.rfind("\n", 0, c.start()) + 1 if cl != line else line_start
                        comments.append(ast.Comment(c.group(), _span(path, cs, ce, cl, cs - ls + 1, cl, ce - ls + 1)))
                line += value.count("\n")
                line_start = start + value.rfind("\n") + 1
                kinds.append("NL")
                values.append(value)
                spans.append(None)  # type: ignore[arg-type]
                continue
            if kind == "P":
                kind = value
            kinds.append(kind)
            values.append(value)
            spans.append(_span(path, start, end, line, start - line_start + 1, line, end - line_start + 1))
        if pos != len(text):
            raise Fallback(pos)
        kinds.append("$END")
        values.append("")
        spans.append(None)  # type: ignore[arg-type]
        self.kinds, self.values, self.spans, self.comments = kinds, values, spans, comments
        self.i = 0

    # ---- helpers ----
    def _join(self, a: Span, b: Span) -> Span:
        return _span(self.path, a.start, b.end, a.line, a.col, b.end_line, b.end_col)

    def _expect(self, kind: str) -> Span:
        i = self.i
        if self.kinds[i] != kind:
            raise Fallback(i)
        self.i = i + 1
        return self.spans[i]

    def _keyword(self, word: str) -> Span:
        i = self.i
        if self.kinds[i] != "NAME" or self.values[i] != word:
            raise Fallback(i)
        self.i = i + 1
        return self.spans[i]

    def _skip_nl(self) -> None:
        if self.kinds[self.i] == "NL":
            self.i += 1

    def _string(self, i: int) -> ast.Str:
        raw = self.values[i]
        span = self.spans[i]
        if "$" not in raw and "\\" not in raw:
            return ast.Str((raw[1:-1],), raw, span)
        parts, problems = parse_string(raw, span.start)
        if problems:
            raise Fallback(i)  # PAN105 and friends come from the Lark path
        out = []
        for p in parts:
            if isinstance(p, str):
                out.append(p)
            else:
                # interpolations never cross lines: strings hold no newline
                s, e = p[1], p[2]
                out.append(
                    ast.Interp(
                        p[0],
                        _span(
                            self.path, s, e, span.line, span.col + s - span.start, span.line, span.col + e - span.start
                        ),
                    )
                )
        return ast.Str(tuple(out), raw, span)

    def _token_expr(self, i: int):
        kind = self.kinds[i]
        value = self.values[i]
        span = self.spans[i]
        if kind == "STRING":
            return self._string(i)
        if kind == "NUMBER":
            return ast.Num(float(value) if "." in value else int(value), value, span)
        if kind == "DURATION":
            m = _DURATION.fullmatch(value)
            assert m is not None
            return ast.Duration(float(m.group(1)) * _UNITS[m.group(2)], value, span)
        if kind == "SIZE":
            w, h = value.split("x")
            return ast.Size(int(w), int(h), value, span)
        raise Fallback(i)

    # ---- declarations ----
    def module(self) -> ast.Module:
        decls = []
        self._skip_nl()
        kinds, values = self.kinds, self.values
        while kinds[self.i] != "$END":
            if kinds[self.i] != "NAME":
                raise Fallback(self.i)
            word = values[self.i]
            if word == "use":
                decls.append(self.use())
            elif word == "app":
                decls.append(self.app())
            elif word in ("let", "secret"):
                decls.append(self.let())
            elif word == "flow":
                decls.append(self.flow())
            elif word == "scenario":
                decls.append(self.scenario())
            elif word in ("setup", "teardown"):
                start = self.spans[self.i]
                self.i += 1
                body = self.block()
                decls.append(ast.Hook(word, body, self._join(start, body.span)))
            else:
                raise Fallback(self.i)
            self._expect("NL")
        return ast.Module(self.path, tuple(decls), tuple(self.comments))

    def use(self) -> ast.Use:
        start = self._keyword("use")
        i = self.i
        if self.kinds[i] == "STRING":
            self.i += 1
            return ast.Use(self._string(i).text, True, self._join(start, self.spans[i]))
        names = [self.values[i]]
        end = self._expect("NAME")
        while self.kinds[self.i] == ".":
            self.i += 1
            names.append(self.values[self.i])
            end = self._expect("NAME")
        return ast.Use(".".join(names), False, self._join(start, end))

    def app(self) -> ast.App:
        start = self._keyword("app")
        name = self.values[self.i]
        name_span = self._expect("NAME")
        self._expect(":")
        platform = self.values[self.i]
        platform_span = self._expect("NAME")
        self._expect("{")
        self._skip_nl()
        settings = []
        while self.kinds[self.i] == "NAME":
            key = self.values[self.i]
            key_span = self._expect("NAME")
            self._expect(":")
            value = self.expr()
            settings.append(ast.Setting(key, key_span, value, self._join(key_span, value.span)))
            self._expect("NL")
        end = self._expect("}")
        return ast.App(name, name_span, platform, platform_span, tuple(settings), self._join(start, end))

    def let(self) -> ast.Let:
        secret = self.values[self.i] == "secret"
        start = self.spans[self.i]
        self.i += 1
        name = self.values[self.i]
        name_span = self._expect("NAME")
        self._expect("=")
        value = self.expr()
        return ast.Let(name, name_span, value, secret, self._join(start, value.span))

    def flow(self) -> ast.Flow:
        start = self._keyword("flow")
        name = self.values[self.i]
        name_span = self._expect("NAME")
        self._expect("(")
        params = []
        if self.kinds[self.i] == "NAME":
            params.append(ast.Param(self.values[self.i], self.spans[self.i]))
            self.i += 1
            while self.kinds[self.i] == ",":
                self.i += 1
                params.append(ast.Param(self.values[self.i], self._expect("NAME")))
        self._expect(")")
        body = self.block()
        return ast.Flow(name, name_span, tuple(params), body, self._join(start, body.span))

    def scenario(self) -> ast.Scenario:
        start = self._keyword("scenario")
        i = self.i
        self._expect("STRING")
        title = self._string(i)
        app = app_span = None
        tags: list[ast.Tag] = []
        if self.kinds[self.i] == "NAME" and self.values[self.i] == "on":
            self.i += 1
            app = self.values[self.i]
            app_span = self._expect("NAME")
        if self.kinds[self.i] == "NAME" and self.values[self.i] == "tags":
            self.i += 1
            while True:
                j = self.i
                kind = self.kinds[j]
                if kind == "NAME":
                    tags.append(ast.Tag(self.values[j], self.spans[j]))
                elif kind == "STRING":
                    tags.append(ast.Tag(self._string(j).text, self.spans[j]))
                else:
                    raise Fallback(j)
                self.i += 1
                if self.kinds[self.i] != ",":
                    break
                self.i += 1
        body = self.block()
        return ast.Scenario(title, app, app_span, tuple(tags), body, self._join(start, body.span))

    # ---- blocks and statements ----
    def block(self) -> ast.Block:
        start = self._expect("{")
        self._skip_nl()
        kinds = self.kinds
        stmts = []
        while kinds[self.i] != "}":
            stmts.append(self.stmt())
            if kinds[self.i] == "NL":
                self.i += 1
            elif kinds[self.i] != "}":
                raise Fallback(self.i)
        end = self._expect("}")
        return ast.Block(tuple(stmts), self._join(start, end))

    def stmt(self):
        if self.kinds[self.i] == "NAME" and self.values[self.i] in ("let", "secret"):
            return self.let()
        return self.statement()

    def statement(self) -> ast.Statement:
        kinds, values, spans = self.kinds, self.values, self.spans
        items: list = []
        while True:
            i = self.i
            kind = kinds[i]
            if kind == "NAME":
                if items and values[i] == "else":
                    break
                if kinds[i + 1] == "(":
                    items.append(self.call())
                    continue
                items.append(ast.Word(values[i], spans[i]))
                self.i = i + 1
            elif kind == "[":
                items.append(self.list_())
            elif kind == ",":
                items.append(ast.Comma(spans[i]))
                self.i = i + 1
            elif kind in ("STRING", "NUMBER", "DURATION", "SIZE"):
                items.append(self._token_expr(i))
                self.i = i + 1
            else:
                break
        if not items:
            raise Fallback(self.i)
        block = orelse = None
        if kinds[self.i] == "{":
            block = self.block()
        if kinds[self.i] == "NAME" and values[self.i] == "else":
            self.i += 1
            orelse = self.block() if kinds[self.i] == "{" else self.statement()
        last = orelse or block or items[-1]
        return ast.Statement(tuple(items), block, orelse, self._join(items[0].span, last.span))

    # ---- expressions ----
    def expr(self):
        i = self.i
        kind = self.kinds[i]
        if kind == "NAME":
            if self.kinds[i + 1] == "(":
                return self.call()
            names = [self.values[i]]
            end = start = self.spans[i]
            self.i = i + 1
            while self.kinds[self.i] == ".":
                self.i += 1
                names.append(self.values[self.i])
                end = self._expect("NAME")
            return ast.Var(tuple(names), start if end is start else self._join(start, end))
        if kind == "[":
            return self.list_()
        if kind == "{":
            return self.map_()
        self.i = i + 1
        return self._token_expr(i)

    def call(self) -> ast.Call:
        name = self.values[self.i]
        start = self._expect("NAME")
        self._expect("(")
        args = []
        if self.kinds[self.i] != ")":
            args.append(self.expr())
            while self.kinds[self.i] == ",":
                self.i += 1
                args.append(self.expr())
        end = self._expect(")")
        return ast.Call(name, tuple(args), self._join(start, end))

    def _sequence(self, close: str, entry) -> tuple[list, Span]:
        """`open _NL? [entry (_sep entry)* ","? _NL?] close`, _sep being `"," _NL?` or `_NL`."""
        kinds = self.kinds
        self._skip_nl()
        out = []
        if kinds[self.i] != close:
            out.append(entry())
            while True:
                kind = kinds[self.i]
                if kind == ",":
                    self.i += 1
                    self._skip_nl()
                elif kind == "NL":
                    self.i += 1
                else:
                    break
                if kinds[self.i] == close:
                    break
                out.append(entry())
        return out, self._expect(close)

    def list_(self) -> ast.ListLit:
        start = self._expect("[")
        items, end = self._sequence("]", self.expr)
        return ast.ListLit(tuple(items), self._join(start, end))

    def _map_entry(self):
        i = self.i
        kind = self.kinds[i]
        if kind == "NAME":
            key = self.values[i]
        elif kind == "STRING":
            key = self._string(i).text
        else:
            raise Fallback(i)
        self.i = i + 1
        self._expect(":")
        return (key, self.expr())

    def map_(self) -> ast.MapLit:
        start = self._expect("{")
        entries, end = self._sequence("}", self._map_entry)
        return ast.MapLit(tuple(entries), self._join(start, end))


def fast_parse(source: Source) -> ast.Module:
    """The module of a valid source; raises Fallback where the Lark path must parse it."""
    parser = _Parser(source)
    try:
        return parser.module()
    except IndexError as exc:  # ran past the end of the tokens: not a valid file
        raise Fallback(-1) from exc


def _main() -> None:
    import sys
    import time
    from pathlib import Path

    from panoptic.syntax.parser import lark_parser, parse_source

    lark_parser()
    files: list[Path] = []
    for arg in sys.argv[1:]:
        p = Path(arg)
        files.extend(sorted(p.rglob("*.pan")) if p.is_dir() else [p])
    sources = [Source(str(f), f.read_bytes().decode("utf-8-sig")) for f in files]
    same = fell_back = 0
    for src in sources:
        module, diags = parse_source(src)
        try:
            fast = fast_parse(src)
        except Fallback:
            fell_back += 1
            continue
        if diags:
            print(f"{src.path}: fast path accepted a file with diagnostics {[d.code for d in diags]}")
            continue
        if fast != module:
            print(f"{src.path}: ASTs differ")
            for a, b in zip(fast.decls, module.decls, strict=False):
                if a != b:
                    print("  fast:", a)
                    print("  lark:", b)
                    break
            if fast.comments != module.comments:
                print("  comments differ")
            continue
        same += 1
    print(f"{same} files equal, {fell_back} fell back to Lark, of {len(sources)}")
    for name, fn in (("lark", lambda s: parse_source(s)), ("fast", fast_parse)):
        c = time.process_time()
        for s in sources:
            try:
                fn(s)
            except Fallback:
                pass
        print(f"{name}: {time.process_time() - c:.3f} s CPU for {sum(len(s.text) for s in sources):,} chars")


if __name__ == "__main__":
    _main()
