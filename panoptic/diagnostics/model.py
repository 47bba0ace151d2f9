"""The Diagnostic record shared by the compiler, the runtime and every renderer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from enum import Enum

from panoptic.frozen import frozen
from panoptic.source import Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@frozen
class Label:
    """A secondary span with a short note ("first defined here")."""

    span: Span
    message: str


@frozen
class Fix:
    """A machine-applicable edit: replace the span's text with `replacement`."""

    span: Span
    replacement: str
    description: str = ""


@frozen
class Diagnostic:
    """One finding: a registered code, a one-line lower-case message and where it is."""

    code: str
    severity: Severity
    message: str
    span: Span | None
    labels: tuple[Label, ...] = ()
    help: str | None = None
    fix: Fix | None = None
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "span": self.span.to_json() if self.span else None,
        }
        if self.labels:
            data["labels"] = [{"span": lb.span.to_json(), "message": lb.message} for lb in self.labels]
        if self.help:
            data["help"] = self.help
        if self.notes:
            data["notes"] = list(self.notes)
        if self.fix:
            data["fix"] = {
                "span": self.fix.span.to_json(),
                "replacement": self.fix.replacement,
                "description": self.fix.description,
            }
        return data

    @classmethod
    def from_json(cls, data: dict) -> Diagnostic:
        span = Span.from_json(data["span"]) if data.get("span") else None
        labels = tuple(Label(Span.from_json(lb["span"]), lb["message"]) for lb in data.get("labels", ()))
        return cls(
            code=data["code"],
            severity=Severity(data["severity"]),
            message=data["message"],
            span=span,
            labels=labels,
            help=data.get("help"),
            notes=tuple(data.get("notes", ())),
        )

    def sort_key(self) -> tuple:
        if self.span is None:
            return ("", 0, 0, self.code)
        return (self.span.file, self.span.start, self.span.end, self.code)


def did_you_mean(name: str, options: Iterable[str]) -> str | None:
    """A help line naming the option closest to `name` ("did you mean `x`?"), or None when none is close."""
    from difflib import get_close_matches  # only for messages

    close = get_close_matches(name, sorted(set(options)), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None
