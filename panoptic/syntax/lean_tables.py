"""The grammar's LALR tables as plain data, so that parsing needs no Lark at run time.

`export_tables` reads a loaded `Lark` object (built from `grammar/panoptic.lark`
with the parser's options) once: the parse table, each parser state's scanner
terminals in the order Lark's scanner tries them, the terminals' expressions
and what each rule's callback does with its children. `save_tables` writes
that with `marshal` beside the grammar when the wheel is built (or into the
cache folder on a first run), headed by the grammar it came from and the
Python that wrote it; `load_tables` returns None for any file that does not
match, and the parser then exports again from Lark.

Exporting raises for whatever the lean loop (`panoptic.syntax.lalr`) cannot
run: options it does not implement, or terminals with lexer callbacks of
Lark's own (keywords that a wider terminal also matches). The parser then
parses every file with Lark's own loop.
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path
from typing import Any

FORMAT = 1  # raise it whenever what `export_tables` returns changes shape: older files are then ignored
_HEADER = f"panoptic lean tables {FORMAT}, Python {sys.version_info[0]}.{sys.version_info[1]}\n".encode()


def export_tables(lark: Any) -> dict[str, Any]:
    """The tables of `lark` (a `Lark(parser="lalr", lexer="contextual", keep_all_tokens=True)`) as plain data."""
    options = lark.options
    if not options.keep_all_tokens or options.maybe_placeholders or options.propagate_positions:
        raise ValueError("the lean loop needs keep_all_tokens, no placeholders and no propagated positions")
    frontend = lark.parser
    table = frontend.parser.parser.parse_table
    terminal_names = {str(terminal.name) for terminal in lark.terminals} | {"$END"}
    rule_index: dict[int, int] = {}
    rules: list[tuple[int, str, str, bool, tuple[bool, ...]]] = []
    actions: list[dict[str, int]] = []
    gotos: list[dict[str, int]] = []
    for state in range(len(table.states)):
        shifts: dict[str, int] = {}
        state_gotos: dict[str, int] = {}
        for symbol, (action, arg) in table.states[state].items():
            symbol = str(symbol)  # names may be Lark's `Token`s, which marshal does not save
            if action.name == "Shift":
                (shifts if symbol in terminal_names else state_gotos)[symbol] = arg
                continue
            index = rule_index.get(id(arg))
            if index is None:
                index = rule_index[id(arg)] = len(rules)
                rules.append(_rule(arg))
            shifts[symbol] = ~index
        actions.append(shifts)
        gotos.append(state_gotos)
    lexers: list[tuple[str, ...]] = []
    lexer_index: dict[int, int] = {}
    lexer_of_state = []
    patterns: dict[str, str] = {}
    ignore: set[str] = set()
    newlines: set[str] = set()
    flags = None
    for state in range(len(table.states)):
        lexer = frontend.lexer.lexers[state]
        if id(lexer) not in lexer_index:
            lexer_index[id(lexer)] = len(lexers)
            terminals = _scanner_order(lexer)
            lexers.append(tuple(str(terminal.name) for terminal in terminals))
            patterns.update((str(terminal.name), str(terminal.pattern.to_regexp())) for terminal in terminals)
            ignore |= {str(name) for name in lexer.ignore_types}
            newlines |= {str(name) for name in lexer.newline_types}
            if flags not in (None, lexer.g_regex_flags):
                raise ValueError("the state lexers use different expression flags")
            flags = lexer.g_regex_flags
        lexer_of_state.append(lexer_index[id(lexer)])
    return {
        "actions": actions,
        "gotos": gotos,
        "rules": rules,
        "start": table.start_states["start"],
        "end": table.end_states["start"],
        "lexer_of_state": lexer_of_state,
        "lexers": lexers,
        "patterns": patterns,
        "flags": flags or 0,
        "ignore": tuple(sorted(ignore)),
        "newlines": tuple(sorted(newlines)),
    }


def _rule(rule: Any) -> tuple[int, str, str, bool, tuple[bool, ...]]:
    """(children, origin, builder method, `?rule` without an alias, which children are `_rule`s to splice)."""
    if rule.options.template_source is not None:
        raise ValueError("grammar templates are not supported by the lean loop")
    expand = tuple(not symbol.is_term and symbol.name.startswith("_") for symbol in rule.expansion)
    name = str(rule.alias or rule.origin.name)
    return (len(rule.expansion), str(rule.origin.name), name, bool(rule.options.expand1 and not rule.alias), expand)


def _scanner_order(lexer: Any) -> list[Any]:
    """A state lexer's terminals in its scanner's order, as Lark's `_build_scanner` makes them, without building
    the scanner (that compiles one expression of all the state's terminals, which the lean loop never runs)."""
    try:
        from lark.lexer import _create_unless
    except ImportError:  # another Lark: its scanner has the same terminals (built here once, not at run time)
        terminals, callbacks = lexer.scanner.terminals, lexer.callback
    else:
        terminals, callbacks = _create_unless(lexer.terminals, lexer.g_regex_flags, lexer.re, lexer.use_bytes)
    own = sorted(kind for kind, callback in callbacks.items() if callback is not lexer.user_callbacks.get(kind))
    if own:
        raise ValueError(f"terminals with Lark's own lexer callbacks: {own}")
    return terminals


def save_tables(path: Path, tables: dict[str, Any], grammar: str) -> None:
    """Write `tables` (exported from `grammar`) to `path`, atomically (processes saving at once each write their own
    partial file)."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as out:
            out.write(_HEADER)
            marshal.dump((grammar, tables), out)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
        raise


def load_tables(path: Path, grammar: str) -> dict[str, Any] | None:
    """The tables saved at `path` for exactly `grammar` by this Python's major.minor version; None otherwise."""
    try:
        with path.open("rb") as saved:
            if saved.readline() != _HEADER:
                return None
            built_from, tables = marshal.load(saved)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return tables if built_from == grammar and isinstance(tables, dict) else None
