"""The ui family's run handler: hands each action to the app's backend."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from panoptic.contract.artifacts import Artifact
from panoptic.contract.backend import ScenarioContext
from panoptic.contract.errors import InfrastructureError
from panoptic.contract.family import BaseRuntime, StepContext
from panoptic.runtime.output import safe_name
from panoptic.runtime.values import format_value


class UiRuntime(BaseRuntime):
    """Runs `ui.<capability>` steps; screenshot names are made unique per scenario attempt."""

    def __init__(self) -> None:
        self._screenshot_names: set[str] = set()

    def begin(self, scenario: ScenarioContext) -> None:
        self._screenshot_names = set()

    def perform(self, action: str, args: Mapping[str, Any], step: StepContext) -> Artifact | str | None:
        capability = action.partition(".")[2]
        if step.backend is None:
            raise InfrastructureError(f"`{action}` needs the app's backend, and it has none")
        call = dict(args)
        if capability == "screenshot":
            call["name"] = self._screenshot_name(call.get("name"), step)
        if call.get("file") is not None and step.span is not None:  # a file named relative to the statement's file
            call["file"] = str(Path(step.span.file).resolve().parent / str(call["file"]))
        if capability == "visual":  # baselines live next to the .pan file that names them
            folder = Path(step.span.file).resolve().parent / "__screenshots__"
            call["baseline"] = str(folder / (safe_name(step.mask(format_value(call["name"])), "screenshot") + ".png"))
        if capability == "frame":  # `in frame <target> { … }`: the block's targets are found inside the frame
            step.backend.perform("frame.enter", call, step.timeout)
            try:
                assert step.run_block is not None
                step.run_block()
            finally:
                step.backend.perform("frame.exit", {}, step.timeout)
            return f"ran the block in {call['target'].describe()}" if "target" in call else None
        result = step.backend.perform(capability, call, step.timeout)
        return result if isinstance(result, (Artifact, str)) else None

    def _screenshot_name(self, name: Any, step: StepContext) -> str:
        base = safe_name(step.mask(format_value(name)) if name is not None else "", "screenshot")
        candidate, n = base, 2
        while candidate in self._screenshot_names:
            candidate, n = f"{base}-{n}", n + 1
        self._screenshot_names.add(candidate)
        return candidate
