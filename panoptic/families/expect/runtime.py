"""The expect family's run handler: polls the backend until the expectation holds or its timeout passes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from panoptic.contract.errors import ActionFailed, InfrastructureError
from panoptic.contract.family import BaseRuntime, StepContext, StepResult
from panoptic.families.expect import checks
from panoptic.runtime.values import format_value


class ExpectRuntime(BaseRuntime):
    """Runs `expect.<name>` steps against the app's backend."""

    def perform(self, action: str, args: Mapping[str, Any], step: StepContext) -> str | StepResult | None:
        name = action.partition(".")[2]
        if name == "read":
            if step.backend is None:
                raise InfrastructureError(f"`{action}` needs the app's backend, and it has none")
            value, _polls = checks.read(
                step.backend, dict(args), step.timeout, interval=step.poll_interval, should_stop=step.should_stop
            )
            return StepResult(message=f"read {format_value(value)!r}", value=value)
        if name not in checks.EXPECTATIONS:
            raise ActionFailed(f"unknown expectation `{name}`")
        if step.backend is None:
            raise InfrastructureError(f"`{action}` needs the app's backend, and it has none")
        polls = checks.check(
            step.backend, name, dict(args), step.timeout, interval=step.poll_interval, should_stop=step.should_stop
        )
        return f"held after {polls} polls" if polls > 1 else None
