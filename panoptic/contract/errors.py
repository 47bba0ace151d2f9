"""Run-time errors raised by backends and families; the interpreter turns them into failures.

Each carries a registered PAN9xx code. Backends raise these (never bare
exceptions) for everything they can foresee; anything else becomes PAN900.
"""

from __future__ import annotations


class StepError(Exception):
    """Base class: a step could not do what it says."""

    code = "PAN909"

    def __init__(
        self,
        message: str,
        *,
        help: str | None = None,
        expected: str | None = None,
        actual: str | None = None,
        candidates: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.help = help
        self.expected = expected
        self.actual = actual
        self.candidates = candidates


class AssertionFailed(StepError):
    code = "PAN901"


class TargetNotFound(StepError):
    code = "PAN902"


class NavigationFailed(StepError):
    code = "PAN903"


class BackendCrashed(StepError):
    """The session is dead; the interpreter errors the scenario and starts a fresh session for the next."""

    code = "PAN904"


class ExplicitFail(StepError):
    code = "PAN905"


class InfrastructureError(StepError):
    """A component is missing (no browser, no Xvfb, no Appium): the run exits with code 3."""

    code = "PAN906"


class StepTimeout(StepError):
    code = "PAN908"


class ActionFailed(StepError):
    code = "PAN909"
