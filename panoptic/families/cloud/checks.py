"""The cloud family's static checks: storage URLs parsed, retention durations in range.

Only literal arguments are checked here; a URL or duration computed from a
variable is checked by the same parser when the step runs (PAN933, PAN938).
This module imports only the standard library and the diagnostics registry:
`panoptic check` never loads a cloud client library.
"""

from __future__ import annotations

from collections.abc import Iterator

from panoptic.contract.family import CheckRequest
from panoptic.diagnostics.model import Diagnostic
from panoptic.diagnostics.rules import diagnostic
from panoptic.families.cloud.urls import parse_url

URL_PARAMETERS = ("url", "location", "source")
SHORT_RETENTION = 3600.0  # seconds: a cleanup younger than this may delete runs still being written


def check(request: CheckRequest) -> Iterator[Diagnostic]:
    """Diagnostics for one `cloud …` statement."""
    for name in URL_PARAMETERS:
        if name not in request.arguments:
            continue
        value = request.literal(name)
        if not isinstance(value, str):
            continue
        _url, problems = parse_url(value, request.base_dir)
        for problem in problems:
            yield diagnostic(problem.code, problem.message, request.span_of(name), help=problem.help)
    age = request.literal("age")
    # a duration literal lowers to seconds as a float; an int is a number written without a unit, which
    # the compiler already reports (PAN301)
    if isinstance(age, float) and "age" in request.arguments:
        if age <= 0:
            yield diagnostic(
                "PAN426",
                "a cleanup retention must be longer than zero",
                request.span_of("age"),
                help="give how old a run must be to go, e.g. `older than 30d`",
            )
        elif age < SHORT_RETENTION:
            yield diagnostic(
                "PAN427",
                f"a retention of {_duration(age)} may delete runs that are still being written",
                request.span_of("age"),
                help="keep runs for at least an hour, e.g. `older than 7d`",
            )


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
