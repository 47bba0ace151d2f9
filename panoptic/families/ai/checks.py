"""The AI family's static check hook (imports only the contract and the diagnostics)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from panoptic.contract.family import CheckRequest
from panoptic.diagnostics.model import Diagnostic, Severity

if TYPE_CHECKING:
    from panoptic.contract.family import AppCheckRequest


def _error(code: str, message: str, request: CheckRequest, arg: str, help: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, request.span_of(arg), help=help)


def check_app(request: AppCheckRequest) -> Iterator[Diagnostic]:
    """`heal: on` only where targets can be queried: the platform declares the setting (web)."""
    written = request.written.get("heal")
    if written is None or "heal" in request.platform_settings:
        return
    value, span = written
    yield Diagnostic(
        "PAN405",
        Severity.ERROR,
        f"`heal` cannot be used on a {request.platform} app: its targets cannot be queried for healing",
        span,
        help="remove `heal: …`; self-healing reads the elements of a web page"
        + ("" if value in ("on", "off") else " (its values are on and off)"),
    )


def check(request: CheckRequest) -> Iterator[Diagnostic]:
    """Diagnostics for one AI statement: empty names and instructions, web-only statements, allow-lists."""
    action = request.statement.action
    if action == "ai.vision_report":
        name = request.literal("name")
        if isinstance(name, str) and not name.strip():
            yield _error("PAN400", "the vision report's name is empty", request, "name", 'write `vision report "home"`')
    elif action == "ai.no_errors":
        if request.platform not in (None, "web"):
            yield _error(
                "PAN401",
                f"`expect no errors` cannot run on a {request.platform} app",
                request,
                "allowed",
                "use it in a scenario on a web app",
            )
        allowed = request.literal("allowed")
        if allowed is not None:
            if not isinstance(allowed, (list, tuple)) or any(
                not isinstance(item, str) or not item.strip() for item in allowed
            ):
                yield _error(
                    "PAN402",
                    "every entry of the allow-list must be a non-empty text",
                    request,
                    "allowed",
                    'write `except ["favicon.ico", "ResizeObserver"]`',
                )
    elif action == "ai.instruct":
        if request.platform not in (None, "web"):
            yield _error("PAN404", f"`ai` steps cannot run on a {request.platform} app", request, "instruction")
        text = request.literal("instruction")
        if isinstance(text, str) and not text.strip():
            yield _error("PAN403", "the instruction is empty", request, "instruction", 'write `ai "click Sign in"`')
