"""A lean run-time loop for the LALR tables Lark builds from `grammar/panoptic.lark`.

Lark stays the source of truth. The parse table, each state's scanner
terminals in Lark's order, the lexer callbacks and the tree builder's
callbacks for named rules (and so the inline AST transformer) all come from
the loaded `Lark` object. This module replaces only the generic driver loop.
That loop spends most of its time on per-token bookkeeping that a
single-threaded batch parse does not need: building tokens through keyword
arguments, method calls per token, and `Rule` objects hashed in Python on
every reduction.

Two shortcuts keep Lark's results:
- a state's scanner tries only the terminals that can start with the next
  character, still in Lark's order (`first_chars`);
- `_rule`s are spliced into their parent, as Lark's tree builder does.

The module knows nothing about the grammar. Anything it does not expect
raises `Fallback`: a syntax error, or a character no terminal starts with.
The caller then parses the text again with Lark itself, so errors and
recovery are exactly Lark's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from lark import Lark, Token

from panoptic.syntax.first_chars import FirstChars, first_chars

_str_new = str.__new__
_intern = sys.intern
_SHARED_OFFSETS = 1 << 16  # offsets below this come from one table (a text's positions are small ints)


class Fallback(Exception):
    """The lean loop cannot decide this input; parse it with Lark instead."""


class _Inlined(list):
    """The children of a `_rule` (Lark inlines such rules into their parent); the parent's filter reads `.children`."""

    __slots__ = ()

    @property
    def children(self) -> list:
        return self


def _inliner(expand: tuple[bool, ...]) -> Callable[[list], _Inlined]:
    """A callback for a `_rule`: its children, with the `_rule` children among them spliced in.

    Lark's tree builder would make a `Tree` here for the parent to take apart; with every token kept
    (`keep_all_tokens`) and no placeholders, splicing the children is all that tree is used for.
    """
    if not any(expand):
        return _Inlined
    reuse_head = expand[0]  # left recursion (every `x*` and `x+`): grow the list, do not copy it
    rest = tuple(enumerate(expand))[1:] if reuse_head else tuple(enumerate(expand))

    def splice(children: list) -> _Inlined:
        out = children[0] if reuse_head else _Inlined()
        for index, spliced in rest:
            if spliced:
                out += children[index]
            else:
                out.append(children[index])
        return out

    return splice


class _Scanners(dict):
    """Parser state -> (next character -> compiled expression, lexer callbacks), built on first use.

    Lark's scanner for a state is one alternation of the state's terminals, tried in order. The
    expression for a character keeps, in the same order, only the terminals that can start with that
    character, so the first one to match is the one Lark's scanner picks, without trying the others.
    """

    def __init__(self, lexers: dict[int, Any]) -> None:
        super().__init__()
        self._lexers = lexers
        self._compiled: dict[tuple[str, ...], Any] = {}
        self._first: dict[str, FirstChars] = {}

    def __missing__(self, state: int) -> tuple[dict[str, Any], dict[str, Callable[[Token], Token]]]:
        lexer = self._lexers[state]
        terminals, callbacks = _scanner_parts(lexer)
        entry = (_ByCharacter(self, lexer, terminals), callbacks)
        self[state] = entry
        return entry

    def expression(self, lexer: Any, terminals: list[Any], char: str) -> Any:
        """The alternation of the state's terminals that can start with `char` (None: no terminal can)."""
        candidates = []
        for terminal in terminals:
            if terminal.name not in self._first:
                self._first[terminal.name] = first_chars(terminal.pattern.to_regexp(), lexer.g_regex_flags)
            first = self._first[terminal.name]
            if first is None or (char in first[0] if char.isascii() else first[1]):
                candidates.append(terminal)
        if not candidates:
            return None
        key = tuple(terminal.name for terminal in candidates)
        if key not in self._compiled:
            pattern = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in candidates)
            self._compiled[key] = lexer.re.compile(pattern, lexer.g_regex_flags)
        return self._compiled[key]


def _scanner_parts(lexer: Any) -> tuple[list[Any], dict[str, Callable[[Token], Token]]]:
    """A state lexer's terminals in its scanner's order and its token callbacks, as Lark's `_build_scanner`
    makes them, without the scanner itself: that compiles one expression of all the state's terminals, which
    the lean loop never runs (it compiles a narrower one per next character), about 7 ms per process."""
    try:
        from lark.lexer import CallChain, _create_unless
    except ImportError:  # another Lark: let it build its scanner, which also fills `lexer.callback`
        return lexer.scanner.terminals, lexer.callback
    terminals, callbacks = _create_unless(lexer.terminals, lexer.g_regex_flags, lexer.re, lexer.use_bytes)
    for kind, callback in lexer.user_callbacks.items():
        if kind in callbacks:
            callbacks[kind] = CallChain(callbacks[kind], callback, lambda t, kind=kind: t.type == kind)
        else:
            callbacks[kind] = callback
    return terminals, callbacks


class _ByCharacter(dict):
    """Next character -> expression, for one state's scanner."""

    def __init__(self, scanners: _Scanners, lexer: Any, terminals: list[Any]) -> None:
        super().__init__()
        self._scanners = scanners
        self._lexer = lexer
        self._terminals = terminals

    def __missing__(self, char: str) -> Any:
        expression = self[char] = self._scanners.expression(self._lexer, self._terminals, char)
        return expression


class LeanParser:
    """Parses with a `Lark(parser="lalr", lexer="contextual")` instance's tables and callbacks."""

    def __init__(self, lark: Lark) -> None:
        frontend = lark.parser
        lalr = frontend.parser.parser
        table = lalr.parse_table
        terminals = {terminal.name for terminal in lark.terminals} | {"$END"}
        options = lark.options
        inline = options.keep_all_tokens and not options.maybe_placeholders
        rule_index: dict[int, int] = {}
        self._rules: list[tuple[int, str, Callable[[list], Any]]] = []
        # Per state: terminal -> state to shift to (>= 0) or ~rule to reduce by; nonterminal -> state.
        self._action_of: list[Callable[[str], int | None]] = []
        self._gotos: list[dict[str, int]] = []
        for state in range(len(table.states)):
            actions: dict[str, int] = {}
            gotos: dict[str, int] = {}
            for symbol, (action, arg) in table.states[state].items():
                if action.name == "Shift":
                    (actions if symbol in terminals else gotos)[symbol] = arg
                    continue
                index = rule_index.get(id(arg))
                if index is None:
                    index = rule_index[id(arg)] = len(self._rules)
                    origin = arg.origin.name
                    if inline and origin.startswith("_"):
                        callback = _inliner(tuple(not s.is_term and s.name.startswith("_") for s in arg.expansion))
                    else:
                        callback = lalr.callbacks[arg]
                    self._rules.append((len(arg.expansion), origin, callback))
                actions[symbol] = ~index
            self._action_of.append(actions.get)
            self._gotos.append(gotos)
        self._start = table.start_states["start"]
        self._end = table.end_states["start"]
        lexers = frontend.lexer.lexers
        self._scanners = _Scanners(lexers)
        self._ignore = frozenset().union(*(lexer.ignore_types for lexer in lexers.values()))
        self._newlines = frozenset().union(*(lexer.newline_types for lexer in lexers.values()))
        if self._ignore & set(lark.options.lexer_callbacks):
            raise ValueError("callbacks on ignored terminals need Lark's own lexer")
        self._offsets: list[int] = []

    def _shared_offsets(self, length: int) -> list[int]:
        """One int object per offset up to `length` (capped), shared by every text parsed.

        Offsets above 256 are new objects each time they are computed, and each token's start and end end up
        in the AST's spans: without the table, a 100,000-line suite keeps some 700,000 of them (21 MiB).
        """
        wanted = min(length, _SHARED_OFFSETS) + 1
        if len(self._offsets) < wanted:  # a new list, never a longer one: a parse in another thread may hold it
            self._offsets = list(range(wanted))
        return self._offsets

    def parse(self, text: str) -> Any:
        """The transformed tree for `text`, or `Fallback` when Lark has to decide."""
        action_of, gotos, rules, scanners = self._action_of, self._gotos, self._rules, self._scanners
        ignore, newlines, end_state = self._ignore, self._newlines, self._end
        states = [self._start]
        values: list[Any] = []
        push_state, push_value = states.append, values.append
        pos, line, line_start, length = 0, 1, 0, len(text)
        offsets = self._shared_offsets(length)
        shared = len(offsets)
        state = self._start
        while True:
            # Next token, scanned with the expression of the state the parser is in (as Lark's contextual lexer).
            while True:
                if pos >= length:
                    kind, token = "$END", None
                    break
                by_character, callbacks = scanners[state]
                expression = by_character[text[pos]]
                match = expression.match(text, pos) if expression is not None else None
                if match is None:
                    raise Fallback
                kind = match.lastgroup
                value = match.group()
                start, start_line, start_col = pos, line, pos - line_start + 1
                pos += len(value)
                if pos < shared:
                    pos = offsets[pos]
                if kind in newlines:
                    count = value.count("\n")
                    if count:
                        line += count
                        line_start = start + value.rindex("\n") + 1
                if kind in ignore:
                    continue
                value = _intern(value)  # names and strings repeat: the AST keeps one copy of each
                token = _str_new(Token, value)
                token.type = kind
                token.value = value
                token.start_pos = start
                token.line = start_line
                token.column = start_col
                token.end_line = line
                token.end_column = pos - line_start + 1
                token.end_pos = pos
                if kind in callbacks:
                    token = callbacks[kind](token)
                break
            # Reduce as the table says, then shift the token.
            while True:
                action = action_of[state](kind)
                if action is None:
                    raise Fallback
                if action >= 0:
                    push_state(action)
                    push_value(token)
                    state = action
                    break
                size, origin, callback = rules[~action]
                if size:
                    children = values[-size:]
                    del values[-size:]
                    del states[-size:]
                else:
                    children = []
                value = callback(children)
                state = gotos[states[-1]][origin]
                push_state(state)
                push_value(value)
                if token is None and state == end_state:
                    return value
