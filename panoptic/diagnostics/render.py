"""Render diagnostics for people (caret snippets) and machines (json, sarif, github)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from panoptic.diagnostics.model import Diagnostic, Severity
from panoptic.diagnostics.rules import RULES
from panoptic.source import Source, Span

SourceLookup = Callable[[str], Source | None]

_COLOURS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.INFO: "\x1b[1;36m"}
_BOLD, _BLUE, _RESET = "\x1b[1m", "\x1b[1;34m", "\x1b[0m"


def lookup_from(sources: Mapping[str, Source]) -> SourceLookup:
    """A lookup that falls back to reading the file from disk."""

    def lookup(path: str) -> Source | None:
        if path in sources:
            return sources[path]
        try:
            return Source.read(path)
        except (OSError, UnicodeDecodeError):
            return None

    return lookup


def snippet(span: Span, source: Source | None, *, marker: str = "^", colour: str = "") -> list[str]:
    """The source line(s) of a span with a caret line under it."""
    if source is None:
        return []
    reset = _RESET if colour else ""
    text = source.line_text(span.line)
    gutter = str(span.line)
    pad = " " * len(gutter)
    width = span.end_col - span.col if span.end_line == span.line else len(text) - span.col + 1
    width = max(1, width)
    lead = "".join(ch if ch == "\t" else " " for ch in text[: span.col - 1])
    return [
        f"{pad} |",
        f"{gutter} | {text}",
        f"{pad} | {lead}{colour}{marker * width}{reset}",
    ]


def render_text(diag: Diagnostic, lookup: SourceLookup, *, colour: bool = False) -> str:
    """`error[PAN201]: message` + location + caret snippet + help, like a compiler."""
    sev = diag.severity
    c = _COLOURS[sev] if colour else ""
    b, blue, r = (_BOLD, _BLUE, _RESET) if colour else ("", "", "")
    lines = [f"{c}{sev.value}[{diag.code}]{r}{b}: {diag.message}{r}"]
    if diag.span is not None:
        lines.append(f"  {blue}-->{r} {diag.span}")
        lines.extend("  " + ln for ln in snippet(diag.span, lookup(diag.span.file), colour=c))
    for label in diag.labels:
        lines.append(f"  {blue}-->{r} {label.span}: {label.message}")
        lines.extend("  " + ln for ln in snippet(label.span, lookup(label.span.file), marker="-", colour=blue))
    for note in diag.notes:
        lines.append(f"  {blue}={r} note: {note}")
    if diag.help:
        lines.append(f"  {blue}={r} {b}help{r}: {diag.help}")
    return "\n".join(lines)


def summary_line(diags: Iterable[Diagnostic], files: int) -> str:
    diags = list(diags)
    errors = sum(d.severity is Severity.ERROR for d in diags)
    warnings = sum(d.severity is Severity.WARNING for d in diags)
    noun = "file" if files == 1 else "files"
    if not diags:
        return f"checked {files} {noun}: no problems"
    return f"checked {files} {noun}: {errors} error(s), {warnings} warning(s)"


def render_json(diags: Iterable[Diagnostic]) -> str:
    import json  # here, not at the top: a plain-text check never loads it

    return json.dumps([d.to_json() for d in diags], indent=2)


def github_data(text: str) -> str:
    """Escape the message part of a GitHub Actions workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """Escape a property value (`file=…`, `title=…`) of a workflow command: `,` and `:` end it otherwise."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diag: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the line in a pull request."""
    kind = {"error": "error", "warning": "warning", "info": "notice"}[diag.severity.value]
    message = github_data(diag.message + (f" (help: {diag.help})" if diag.help else ""))
    if diag.span is None:
        return f"::{kind} title={diag.code}::{message}"
    s = diag.span
    return (
        f"::{kind} file={github_property(s.file)},line={s.line},col={s.col},endLine={s.end_line},"
        f"endColumn={s.end_col},title={diag.code}::{message}"
    )


def rules_uri(code: str) -> str:
    """An absolute URI of a rule's documentation.

    `PANOPTIC_DOCS_URL` names where a team hosts the docs folder (e.g. its repository's `docs/` on the web);
    otherwise the `file:` URI of the `docs/rules.md` that ships with this copy of Panoptic.
    """
    import os
    from pathlib import Path

    base = os.environ.get("PANOPTIC_DOCS_URL")
    if base:
        return f"{base.rstrip('/')}/rules.md#{code.lower()}"
    here = Path(__file__).resolve().parents[1]
    for candidate in (here.parent / "docs" / "rules.md", here / "_data" / "docs" / "rules.md"):
        if candidate.is_file():
            return f"{candidate.as_uri()}#{code.lower()}"
    return f"urn:panoptic:rule:{code.lower()}"  # no docs on this machine: still an absolute URI


def render_sarif(diags: Iterable[Diagnostic], *, version: str) -> str:
    """SARIF 2.1.0 with the rule metadata taken from the registry."""
    diags = list(diags)
    used = sorted({d.code for d in diags})
    rules = [
        {
            "id": code,
            "name": RULES[code].name,
            "shortDescription": {"text": RULES[code].summary},
            "fullDescription": {"text": RULES[code].explanation},
            "helpUri": rules_uri(code),
            "defaultConfiguration": {"level": _sarif_level(RULES[code].severity)},
        }
        for code in used
    ]
    results = []
    for d in diags:
        result: dict = {
            "ruleId": d.code,
            "ruleIndex": used.index(d.code),
            "level": _sarif_level(d.severity),
            "message": {"text": d.message + (f"\nhelp: {d.help}" if d.help else "")},
        }
        if d.fix is not None:
            result["fixes"] = [_sarif_fix(d)]
        if d.span is not None:
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": d.span.file},
                        "region": _sarif_region(d.span),
                    }
                }
            ]
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "panoptic", "version": version, "rules": rules}},
                "results": results,
            }
        ],
    }
    import json  # here, not at the top: a plain-text check never loads it

    return json.dumps(doc, indent=2)


def _sarif_region(span: Span) -> dict[str, int]:
    return {"startLine": span.line, "startColumn": span.col, "endLine": span.end_line, "endColumn": span.end_col}


def _sarif_fix(d: Diagnostic) -> dict[str, object]:
    """The diagnostic's machine-applicable fix as a SARIF `fix` (one replacement in one file)."""
    assert d.fix is not None
    fix = d.fix
    return {
        "description": {"text": fix.description or "apply the suggested fix"},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": fix.span.file},
                "replacements": [
                    {"deletedRegion": _sarif_region(fix.span), "insertedContent": {"text": fix.replacement}}
                ],
            }
        ],
    }


def _sarif_level(severity: Severity) -> str:
    return {"error": "error", "warning": "warning", "info": "note"}[severity.value]
