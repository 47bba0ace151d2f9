"""Style findings that come from the formatter (PAN501), computed only when a formatter is present."""

from __future__ import annotations

from panoptic.diagnostics import Diagnostic, diagnostic


def style_diagnostics(result) -> list[Diagnostic]:
    """PAN501 for every input file that `panoptic fmt` would change (files with syntax errors are skipped)."""
    try:
        from panoptic.fmt import format_module
    except ImportError:
        return []
    from panoptic.compiler import suppress

    out: list[Diagnostic] = []
    broken = {d.span.file for d in result.diagnostics if d.span is not None and d.code.startswith("PAN1")}
    for path in result.files:
        mod = result.modules.get(path)
        if mod is None or path in broken:
            continue
        formatted = format_module(mod.module, mod.source.text)
        if formatted != mod.source.text:
            line = _first_difference(mod.source.text, formatted)
            start = sum(len(x) + 1 for x in mod.source.text.split("\n")[: line - 1])
            span = mod.source.span(start, start + len(mod.source.line_text(line)))
            out.append(diagnostic("PAN501", "this file is not formatted", span, help=f"run `panoptic fmt {path}`"))
    return suppress(out, result.modules.values())


def _first_difference(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a.split("\n"), b.split("\n"), strict=False)):
        if x != y:
            return i + 1
    return min(a.count("\n"), b.count("\n")) + 1
