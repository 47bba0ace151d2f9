"""The AI family's run handler: `vision report`, `expect no errors` and `ai "…"` steps."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from panoptic.contract.errors import ActionFailed, InfrastructureError, StepError
from panoptic.contract.family import BaseRuntime, StepContext, StepResult
from panoptic.families.ai.errors import PageErrors, VisionFailed
from panoptic.families.ai.services import page_services
from panoptic.runtime.output import safe_name
from panoptic.runtime.values import format_value


class AiRuntime(BaseRuntime):
    """Runs `ai.<operation>` steps against the app's live backend."""

    def __init__(self) -> None:
        self._names: set[str] = set()

    def begin(self, scenario: Any) -> None:
        self._names = set()

    def perform(self, action: str, args: Mapping[str, Any], step: StepContext) -> StepResult | None:
        if step.backend is None:
            raise InfrastructureError(f"`{action}` needs the app's backend, and it has none")
        operation = action.partition(".")[2]
        if operation == "vision_report":
            return self._vision_report(args, step)
        if operation == "no_errors":
            return self._no_errors(args, step)
        if operation == "instruct":
            from panoptic.families.ai.llm import instruct

            return instruct(str(args.get("instruction") or ""), step)
        raise ActionFailed(f"unknown AI operation `{operation}`")

    def _unique(self, name: str) -> str:
        candidate, n = name, 2
        while candidate in self._names:
            candidate, n = f"{name}-{n}", n + 1
        self._names.add(candidate)
        return candidate

    def _vision_report(self, args: Mapping[str, Any], step: StepContext) -> StepResult:
        from panoptic.families.ai import vision_report

        title = step.mask(format_value(args.get("name") or "vision"))
        stem = self._unique("vision-" + safe_name(title, "vision"))
        services = page_services(step)
        snapshot = None
        try:
            if services is not None:
                png = services.screenshot()
                snapshot = services.snapshot()
            else:
                shot = step.backend.perform("screenshot", {"name": stem + "-screen"}, step.timeout)  # type: ignore[union-attr]
                png = (step.scenario.artifacts_dir.parent.parent / shot.path).read_bytes()
            data = vision_report.analyse(png, snapshot)
        except StepError:
            raise
        except Exception as exc:
            raise VisionFailed(
                f"the screen could not be analysed: {type(exc).__name__}: {step.mask(str(exc))}",
                help="run `panoptic doctor` to check Tesseract and OpenCV",
            ) from None
        data["name"] = title
        data["platform"] = step.app.platform
        json_path, json_art = step.scenario.artifact("json", stem + ".json", f"{title} (vision report)")
        png_path, png_art = step.scenario.artifact("screenshot", stem + ".png", f"{title} (vision report)")
        json_path.write_text(step.mask(json.dumps(data, indent=1, ensure_ascii=False)), encoding="utf-8")
        vision_report.annotate(png, data, Path(png_path))
        return StepResult(message=vision_report.summary(data), artifacts=(png_art, json_art))

    def _no_errors(self, args: Mapping[str, Any], step: StepContext) -> StepResult | None:
        services = page_services(step)
        if services is None:
            raise ActionFailed(f"`expect no errors` cannot run on a {step.app.platform} app")
        raw_allowed = args.get("allowed") or ()
        if isinstance(raw_allowed, str) or any(not isinstance(a, str) or not a.strip() for a in raw_allowed):
            raise ActionFailed(
                "every entry of the allow-list of `expect no errors except` must be a non-empty text",
                help='write `except ["favicon.ico", "ResizeObserver"]`',
            )
        allowed = list(raw_allowed)
        errors = services.errors()
        bad = [e for e in errors if not any(a in e.message or a in e.url for a in allowed)]
        if not bad:
            return StepResult(message=f"{len(errors)} allowed error(s)") if errors else None
        lines = [step.mask(f"{e.kind}: {e.message}") for e in bad[:10]]
        more = f" (and {len(bad) - 10} more)" if len(bad) > 10 else ""
        raise PageErrors(
            f"the page logged {len(bad)} error(s){more}: " + "; ".join(lines),
            expected="no errors",
            actual=f"{len(bad)} error(s)",
            help='fix the page, or allow a known error with `expect no errors except ["part of its message"]`',
        )
