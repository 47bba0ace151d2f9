"""Reaching the live page behind a step: the web backend's page services, when the app has them."""

from __future__ import annotations

from typing import Any

from panoptic.contract.family import StepContext


def page_services(step: StepContext) -> Any | None:
    """The web backend's page services (`WebBackend.services()`), or None on other platforms."""
    services = getattr(step.backend, "services", None)
    return services() if callable(services) else None
