"""From places in the converted `.pan` text back to the YAML they came from.

The converted text is parsed again and walked beside the built tree (the
formatter keeps the tree's shape), so every parsed node's span is paired with
the YAML place its built twin carries. A diagnostic, an IR step or a target
found at a `.pan` span is then reported at the YAML line and column of the
smallest node that holds it. The walk waits for the first question (`pair`
records what to walk): `panoptic convert` of a config whose converted text
checks clean never asks one.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from panoptic.diagnostics import Diagnostic
from panoptic.frozen import FrozenMap
from panoptic.source import Source, Span
from panoptic.syntax import ast


class SpanMap:
    """Maps spans of one converted text (file `file`) to spans of its YAML source."""

    def __init__(self, file: str, pan_source: Source, yaml_source: Source) -> None:
        self.file = file
        self.pan = pan_source
        self.yaml = yaml_source
        self._by_line: dict[int, list[tuple[int, int, Span]]] = defaultdict(list)
        self._exact: dict[tuple[int, int], Span] = {}
        self._pending: tuple[ast.Module, ast.Module, dict[int, Span]] | None = None  # trees to walk (`pair`)

    def add(self, real: Span, origin: Span) -> None:
        self._exact.setdefault((real.start, real.end), origin)
        for line in range(real.line, real.end_line + 1):
            self._by_line[line].append((real.start, real.end, origin))

    def finish(self) -> None:
        for entries in self._by_line.values():
            entries.sort(key=lambda e: e[1] - e[0])  # smallest first

    def origin(self, span: Span) -> Span:
        """The YAML span behind a span of the converted text (the whole first line when nothing holds it)."""
        if self._pending is not None:
            built, parsed, origins = self._pending
            self._pending = None
            _walk(built, parsed, origins, self)
        exact = self._exact.get((span.start, span.end))
        if exact is not None:
            return exact
        entries = self._by_line.get(span.line, ())
        for start, end, origin in entries:
            if start <= span.start and span.end <= end:
                return origin
        for start, end, origin in entries:
            if start <= span.start <= end:
                return origin
        for line in range(span.line - 1, 0, -1):  # a closing brace or a blank: the nearest node above
            above = self._by_line.get(line)
            if above:
                return above[-1][2]
        return self.yaml.span(0, len(self.yaml.line_text(1)))

    def span(self, span: Span) -> Span:
        return self.origin(span) if span.file == self.file else span

    def diagnostic(self, d: Diagnostic) -> Diagnostic:
        """The diagnostic at its YAML place, with the converted line as a note."""
        if d.span is None or d.span.file != self.file:
            return d
        line = self.pan.line_text(d.span.line).strip()
        notes = (*d.notes, f"converted to: {line}") if line else d.notes
        labels = tuple(dataclasses.replace(lb, span=self.span(lb.span)) for lb in d.labels)
        return dataclasses.replace(d, span=self.origin(d.span), labels=labels, fix=None, notes=notes)

    def value(self, value: Any) -> Any:
        """Any IR value with every span of the converted text replaced by its YAML span."""
        if isinstance(value, Span):
            return self.span(value)
        if isinstance(value, FrozenMap):
            return FrozenMap((k, self.value(v)) for k, v in value.items())
        if isinstance(value, tuple):
            return tuple(self.value(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {}
            for f in dataclasses.fields(value):
                old = getattr(value, f.name)
                new = self.value(old)
                if new is not old:
                    changes[f.name] = new
            if not changes:
                return value
            return type(value)(
                **{f.name: changes.get(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)}
            )
        return value


def pair(built: ast.Module, parsed: ast.Module, origins: dict[int, Span], spans: SpanMap) -> None:
    """Pair the parsed module's spans with the built module's YAML places, when `spans` is first asked."""
    spans._pending = (built, parsed, origins)


def _walk(built: ast.Module, parsed: ast.Module, origins: dict[int, Span], spans: SpanMap) -> None:
    """Walk the built and the parsed module side by side, recording each parsed span's YAML place."""

    def note(b: Any, p: Any) -> None:
        origin = origins.get(b.span.start)
        if origin is not None:
            spans.add(p.span, origin)

    def expr(b: Any, p: Any) -> None:
        note(b, p)
        if isinstance(b, ast.Call) and isinstance(p, ast.Call):
            for x, y in zip(b.args, p.args, strict=False):
                expr(x, y)
        elif isinstance(b, ast.ListLit) and isinstance(p, ast.ListLit):
            for x, y in zip(b.items, p.items, strict=False):
                expr(x, y)
        elif isinstance(b, ast.MapLit) and isinstance(p, ast.MapLit):
            for (_, x), (_, y) in zip(b.entries, p.entries, strict=False):
                expr(x, y)

    def stmt(b: Any, p: Any) -> None:
        if isinstance(b, ast.Statement) and isinstance(p, ast.Statement):
            note(b, p)
            for x, y in zip(b.items, p.items, strict=False):
                expr(x, y)
            if b.block is not None and p.block is not None:
                block(b.block, p.block)
        elif isinstance(b, ast.Let) and isinstance(p, ast.Let):
            note(b, p)
            expr(b.value, p.value)

    def block(b: ast.Block, p: ast.Block) -> None:
        for x, y in zip(b.statements, p.statements, strict=False):
            stmt(x, y)

    for b, p in zip(built.decls, parsed.decls, strict=False):
        if isinstance(b, ast.App) and isinstance(p, ast.App):
            note(b, p)
            for x, y in zip(b.settings, p.settings, strict=False):
                note(x, y)
                expr(x.value, y.value)
        elif isinstance(b, ast.Scenario) and isinstance(p, ast.Scenario):
            note(b, p)
            block(b.body, p.body)
        else:
            stmt(b, p)
    spans.finish()
