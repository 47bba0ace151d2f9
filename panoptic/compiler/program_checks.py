"""Checks of the whole program, once every file is lowered: flow call cycles and depth, titles in a file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from panoptic.compiler import ir
from panoptic.diagnostics import Diagnostic, Label, diagnostic
from panoptic.source import Span

MAX_CALL_DEPTH = 100  # nested flow calls (each is expanded at run time, on the stack)


def call_cycles(calls: Mapping[str, Sequence[tuple[str, Span]]]) -> list[Diagnostic]:
    """PAN211 for a flow that calls itself (directly or through others), PAN218 for a chain of nested calls
    deeper than MAX_CALL_DEPTH; `calls` maps each flow id to the flows it calls, with the call's span."""
    found: list[Diagnostic] = []
    state: dict[str, int] = {}
    reported: set[str] = set()
    depth: dict[str, int] = {}  # the longest chain of nested calls from each flow
    last: dict[str, Span] = {}  # a call in each flow, where a too deep chain is reported
    too_deep = False
    for root in list(calls):
        if root in state:
            continue
        state[root] = 1
        stack = [root]
        edges = [iter(calls.get(root, ()))]
        while edges:  # depth first with an explicit stack: call chains of any length are checked
            step = next(edges[-1], None)
            if step is None:
                edges.pop()
                done = stack.pop()
                state[done] = 2
                depth[done] = 1 + max((depth.get(c, 0) for c, _ in calls.get(done, ())), default=0)
                if depth[done] > MAX_CALL_DEPTH and not too_deep and done in last:
                    too_deep = True
                    found.append(
                        diagnostic(
                            "PAN218",
                            f"flow `{done}` starts a chain of more than {MAX_CALL_DEPTH} nested flow calls",
                            last[done],
                            help="call the flows one after another instead of each from the one before",
                        )
                    )
                continue
            callee, span = step
            last[stack[-1]] = span
            if state.get(callee) == 1:
                if callee not in reported:
                    reported.add(callee)
                    chain = " -> ".join([*stack[stack.index(callee) :], callee])
                    found.append(
                        diagnostic(
                            "PAN211",
                            f"flow `{callee}` calls itself: {chain}",
                            span,
                            help="flows are expanded at run time; use `repeat` or `retry` for loops",
                        )
                    )
            elif callee not in state:
                state[callee] = 1
                stack.append(callee)
                edges.append(iter(calls.get(callee, ())))
    return found


def duplicate_titles(scenarios: Iterable[ir.Scenario]) -> list[Diagnostic]:
    """PAN205 for a title used twice in one file (a scenario's id is `<file>::<title>`, so files may share one)."""
    found: list[Diagnostic] = []
    first: dict[tuple[str, str], ir.Scenario] = {}
    for s in scenarios:
        key = (s.file, s.title)
        if key in first:
            found.append(
                diagnostic(
                    "PAN205",
                    f'a scenario named "{s.title}" already exists in this file',
                    _head(s.span),
                    labels=(Label(_head(first[key].span), "first one here"),),
                    help="give it a unique title",
                )
            )
        else:
            first[key] = s
    return found


def _head(span: Span) -> Span:
    """The first line of a multi-line span."""
    if span.end_line == span.line:
        return span
    return Span(span.file, span.start, span.start, span.line, span.col, span.line, span.col)
