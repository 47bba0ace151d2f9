"""Run-time failures of the AI family (PAN920–PAN929)."""

from __future__ import annotations

from panoptic.contract.errors import StepError


class PageErrors(StepError):
    """`expect no errors` found errors the allow-list does not cover."""

    code = "PAN920"


class EndpointMissing(StepError):
    """An `ai` step ran without PANOPTIC_AI_URL."""

    code = "PAN921"


class EndpointFailed(StepError):
    """The language-model endpoint failed or its answer was not one usable action."""

    code = "PAN922"


class VisionFailed(StepError):
    """The screenshot could not be taken or analysed."""

    code = "PAN923"


class GenerateFailed(StepError):
    """`panoptic generate` could not load or describe the page."""

    code = "PAN924"


class ExplainFailed(StepError):
    """`panoptic explain` could not read the results."""

    code = "PAN925"
