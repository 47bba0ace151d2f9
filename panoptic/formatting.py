"""PAN501: the style finding that `panoptic check` and the language server report for unformatted files."""

from __future__ import annotations

from panoptic.diagnostics import Diagnostic, diagnostic
from panoptic.source import Source


def not_formatted(source: Source, formatted: str, display: str) -> Diagnostic | None:
    """PAN501 at the first line where `formatted` differs from the source, or None when they are equal."""
    if formatted == source.text:
        return None
    old, new = source.text.split("\n"), formatted.split("\n")
    line = next((i + 1 for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    start = sum(len(x) + 1 for x in old[: line - 1])
    span = source.span(start, start + len(source.line_text(line)))
    return diagnostic("PAN501", "this file is not formatted", span, help=f"run `panoptic fmt {display}`")


def style_diagnostics(result) -> list[Diagnostic]:
    """PAN501 for every input file that `panoptic fmt` would change (files with syntax errors are skipped)."""
    from panoptic.compiler import suppress
    from panoptic.fmt import format_module

    out: list[Diagnostic] = []
    broken = {
        d.span.file
        for d in result.diagnostics
        if d.span is not None and (d.code.startswith("PAN1") or d.code == "PAN218")
    }
    for path in result.files:
        mod = result.modules.get(path)
        if mod is None or path in broken:
            continue
        found = not_formatted(mod.source, format_module(mod.module, mod.source.text), path)
        if found is not None:
            out.append(found)
    return suppress(out, result.modules.values())
