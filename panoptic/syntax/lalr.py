"""A lean run-time loop for the LALR tables Lark builds from `grammar/panoptic.lark`, run without Lark.

Lark stays the source of truth: `panoptic.syntax.lean_tables` exports, once
(when the wheel is built, else on the first run into the cache folder), the
parse table, each parser state's scanner terminals in Lark's order and the
shape of each rule's callback from a loaded `Lark` object. This module runs
those tables with the AST builder's methods, without importing Lark at all
(Lark and what it imports are a tenth of a cold `panoptic check`). Lark's
own driver loop spends most of its time on per-token bookkeeping that a
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

import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

from panoptic.syntax.first_chars import FirstChars, first_chars

_str_new = str.__new__
_intern = sys.intern
_SHARED_OFFSETS = 1 << 16  # offsets below this come from one table (a text's positions are small ints)


class Fallback(Exception):
    """The lean loop cannot decide this input; parse it with Lark instead."""


class Token(str):
    """A scanned token: its text, plus the attributes of Lark's `Token` the AST builder reads on both paths."""

    __slots__ = ("column", "end_column", "end_line", "end_pos", "line", "start_pos", "type", "value")

    type: str
    value: str
    start_pos: int
    line: int
    column: int
    end_line: int
    end_column: int
    end_pos: int


def _children(children: list) -> list:
    return children


def _inliner(expand: tuple[bool, ...]) -> Callable[[list], list]:
    """A callback for a `_rule`: its children, with the `_rule` children among them spliced in.

    Lark's tree builder would make a `Tree` here for the parent to take apart; with every token kept
    (`keep_all_tokens`) and no placeholders, splicing the children is all that tree is used for.
    """
    if not any(expand):
        return _children  # a fresh list already: the loop slices it off its stack
    reuse_head = expand[0]  # left recursion (every `x*` and `x+`): grow the list, do not copy it
    rest = tuple(enumerate(expand))[1:] if reuse_head else tuple(enumerate(expand))

    def splice(children: list) -> list:
        out = children[0] if reuse_head else []
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

    def __init__(self, tables: Mapping[str, Any], callbacks: dict[str, Callable[[Token], Token]]) -> None:
        super().__init__()
        self._lexer_of_state: list[int] = tables["lexer_of_state"]
        self._lexers: list[tuple[str, ...]] = tables["lexers"]
        self._patterns: dict[str, str] = tables["patterns"]
        self._flags: int = tables["flags"]
        self._callbacks = callbacks
        self._by_lexer: dict[int, _ByCharacter] = {}
        self._compiled: dict[tuple[str, ...], Any] = {}
        self._first: dict[str, FirstChars] = {}

    def __missing__(self, state: int) -> tuple[_ByCharacter, dict[str, Callable[[Token], Token]]]:
        lexer = self._lexer_of_state[state]
        if lexer not in self._by_lexer:
            self._by_lexer[lexer] = _ByCharacter(self, self._lexers[lexer])
        entry = self[state] = (self._by_lexer[lexer], self._callbacks)
        return entry

    def expression(self, terminals: tuple[str, ...], char: str) -> Any:
        """The alternation of the state's terminals that can start with `char` (None: no terminal can)."""
        candidates = []
        for name in terminals:
            if name not in self._first:
                self._first[name] = first_chars(self._patterns[name], self._flags)
            first = self._first[name]
            if first is None or (char in first[0] if char.isascii() else first[1]):
                candidates.append(name)
        if not candidates:
            return None
        key = tuple(candidates)
        if key not in self._compiled:
            pattern = "|".join(f"(?P<{name}>{self._patterns[name]})" for name in candidates)
            self._compiled[key] = re.compile(pattern, self._flags)
        return self._compiled[key]


class _ByCharacter(dict):
    """Next character -> expression, for one state's scanner (states that scan the same terminals share one)."""

    def __init__(self, scanners: _Scanners, terminals: tuple[str, ...]) -> None:
        super().__init__()
        self._scanners = scanners
        self._terminals = terminals

    def __missing__(self, char: str) -> Any:
        expression = self[char] = self._scanners.expression(self._terminals, char)
        return expression


def _filtered(expand: tuple[bool, ...], method: Callable[[list], Any]) -> Callable[[list], Any]:
    """A named rule's callback when some children are `_rule`s: their children spliced in, as Lark's child filter."""
    splice = _inliner(expand)

    def call(children: list) -> Any:
        return method(splice(children))

    return call


def _only_child(children: list) -> Any:
    return children[0]


def _single_or(method: Callable[[list], Any]) -> Callable[[list], Any]:
    """A `?rule`'s callback: a lone child stands for the rule, as Lark's `ExpandSingleChild` does."""

    def call(children: list) -> Any:
        return children[0] if len(children) == 1 else method(children)

    return call


def rule_callback(builder: object, rule: tuple) -> Callable[[list], Any]:
    """The callback Lark's tree builder makes for one exported rule, from the builder's method for it."""
    size, origin, name, expand_single, expand = rule
    if origin.startswith("_"):
        return _inliner(expand)
    if expand_single and size == 1 and not expand[0]:
        return _only_child  # the builder needs no method for this alternative of a `?rule`
    method = getattr(builder, name)  # no method: Lark would build a `Tree`, which this loop does not
    if expand_single:
        method = _single_or(method)
    return _filtered(expand, method) if any(expand) else method


class LeanParser:
    """Parses with tables exported by `panoptic.syntax.lean_tables`, building nodes with `builder`'s methods."""

    def __init__(
        self, tables: Mapping[str, Any], builder: object, lexer_callbacks: Mapping[str, Callable[[Token], Token]]
    ) -> None:
        self._rules = [(rule[0], rule[1], rule_callback(builder, rule)) for rule in tables["rules"]]
        # Per state: terminal -> state to shift to (>= 0) or ~rule to reduce by; nonterminal -> state.
        self._action_of: list[Callable[[str], int | None]] = [actions.get for actions in tables["actions"]]
        self._gotos: list[dict[str, int]] = tables["gotos"]
        self._start: int = tables["start"]
        self._end: int = tables["end"]
        self._scanners = _Scanners(tables, dict(lexer_callbacks))
        self._ignore = frozenset(tables["ignore"])
        self._newlines = frozenset(tables["newlines"])
        if self._ignore & set(lexer_callbacks):
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
