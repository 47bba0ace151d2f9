"""The one error type of the report package: a diagnostic the commands print without a traceback."""

from __future__ import annotations

from panoptic.diagnostics import Diagnostic, Severity


class ReportError(Exception):
    """Reading or writing results failed; `diagnostic` says why (a PAN0xx code)."""

    def __init__(self, code: str, message: str, *, help: str | None = None) -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(code=code, severity=Severity.ERROR, message=message, span=None, help=help)
