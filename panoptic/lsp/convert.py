"""Between Panoptic's spans (1-based lines, columns in characters) and LSP (0-based, UTF-16 code units), and paths."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from lsprotocol import types as lsp

from panoptic.compiler.files import stdlib_dir
from panoptic.diagnostics import Diagnostic, Severity
from panoptic.source import Source, Span

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}


def uri_to_path(uri: str) -> str | None:
    """The absolute file path of a `file:` URI (None for other schemes, such as untitled buffers)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return os.path.abspath(unquote(parsed.path))


def path_to_uri(path: str) -> str:
    return "file://" + quote(os.path.abspath(path))


def span_file_path(file: str) -> str:
    """The absolute path behind a span's file: a display path, or `std.NAME` for the standard library."""
    if file.startswith("std.") and not file.endswith(".pan"):
        return str(stdlib_dir() / f"{file.split('.', 1)[1]}.pan")
    return os.path.abspath(file)


def utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def to_position(line_text: str, line: int, col: int) -> lsp.Position:
    """LSP position of a 1-based (line, column)."""
    return lsp.Position(line=max(0, line - 1), character=utf16_len(line_text[: max(0, col - 1)]))


def from_position(line_text: str, position: lsp.Position) -> tuple[int, int]:
    """1-based (line, column) of an LSP position on a line."""
    if line_text.isascii():
        return position.line + 1, min(position.character, len(line_text)) + 1
    units = 0
    for i, ch in enumerate(line_text):
        if units >= position.character:
            return position.line + 1, i + 1
        units += 2 if ord(ch) > 0xFFFF else 1
    return position.line + 1, len(line_text) + 1


def to_range(span: Span, source: Source | None) -> lsp.Range:
    if source is None:
        return lsp.Range(
            start=lsp.Position(line=max(0, span.line - 1), character=max(0, span.col - 1)),
            end=lsp.Position(line=max(0, span.end_line - 1), character=max(0, span.end_col - 1)),
        )
    return lsp.Range(
        start=to_position(source.line_text(span.line), span.line, span.col),
        end=to_position(source.line_text(span.end_line), span.end_line, span.end_col),
    )


def to_lsp_diagnostic(diag: Diagnostic, source: Source | None, lookup=None) -> lsp.Diagnostic:
    """An LSP diagnostic with the same code, span, message and help as `panoptic check` prints."""
    message = diag.message
    if diag.notes:
        message += "".join(f"\nnote: {n}" for n in diag.notes)
    if diag.help:
        message += f"\nhelp: {diag.help}"
    related = []
    for label in diag.labels:
        label_source = lookup(label.span.file) if lookup else None
        related.append(
            lsp.DiagnosticRelatedInformation(
                location=lsp.Location(
                    uri=path_to_uri(span_file_path(label.span.file)), range=to_range(label.span, label_source)
                ),
                message=label.message,
            )
        )
    span = diag.span
    rng = to_range(span, source) if span is not None else lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
    tags = [lsp.DiagnosticTag.Unnecessary] if diag.code in ("PAN213", "PAN214", "PAN212") else None
    return lsp.Diagnostic(
        range=rng,
        message=message,
        severity=_SEVERITY.get(diag.severity, lsp.DiagnosticSeverity.Error),
        code=diag.code,
        source="panoptic",
        related_information=related or None,
        tags=tags,
        data=_data(diag, lookup),
    )


def _data(diag: Diagnostic, lookup) -> dict[str, object] | None:
    """The help line and, when the diagnostic has a machine-applicable fix, the edit a quick fix applies."""
    data: dict[str, object] = {}
    if diag.help:
        data["help"] = diag.help
    if diag.fix is not None:
        fix = diag.fix
        rng = to_range(fix.span, lookup(fix.span.file) if lookup else None)
        data["fix"] = {
            "replacement": fix.replacement,
            "description": fix.description or f"replace with `{fix.replacement}`",
            "range": [rng.start.line, rng.start.character, rng.end.line, rng.end.character],
        }
    return data or None


def same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)
