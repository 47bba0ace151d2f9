"""The control family's run handler: loops, conditions, retries, waits, logs and `fail`.

Nested blocks run through `StepContext.run_block`; the interpreter numbers
their steps, emits their events and scopes their variables.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from panoptic.contract.backend import ResolvedTarget
from panoptic.contract.errors import ActionFailed, AssertionFailed, ExplicitFail, StepTimeout, TargetNotFound
from panoptic.contract.family import BaseRuntime, BlockFailed, StepContext
from panoptic.families.expect.checks import poll, suggestions, visibility_actual
from panoptic.runtime.values import format_duration, format_value


class ControlRuntime(BaseRuntime):
    """Runs `control.<name>` steps."""

    def perform(self, action: str, args: Mapping[str, Any], step: StepContext) -> str | None:
        name = action.partition(".")[2]
        handler = getattr(self, f"_{name}", None)
        if handler is None:
            raise ActionFailed(f"unknown control statement `{name}`")
        return handler(args, step)

    def _repeat(self, args: Mapping[str, Any], step: StepContext) -> str:
        count = int(args["count"])
        assert step.run_block is not None
        for k in range(count):
            step.run_block(iteration=k)
        return f"{count} time(s)"

    def _for_each(self, args: Mapping[str, Any], step: StepContext) -> str:
        var = str(args["name"])
        items = args["items"]
        if isinstance(items, Mapping):
            items = list(items)
        elif not isinstance(items, (list, tuple)):
            raise ActionFailed(f"`for each` needs a list, got {format_value(items)!r}")
        secret = "items" in step.secret_args
        index = args.get("index")
        assert step.run_block is not None
        for k, item in enumerate(items):
            bind = {var: (item, secret)}
            if index is not None:
                bind[str(index)] = (k + 1, False)  # counted from 1, like CSS :nth-child
            step.run_block(bind=bind, iteration=k)
        return f"{len(items)} item(s)"

    def _compare(self, args: Mapping[str, Any], step: StepContext) -> str:
        op = str(args["op"])
        value = args["value"]
        other = args["expected"] if "expected" in args else args["limit"]
        holds, shown_value, shown_other = _compare(op, value, other)
        if holds:
            return f"{shown_value} {_OP_WORDS[op]} {shown_other}"
        raise AssertionFailed(
            f"expected {shown_value} {_OP_WORDS[op]} {shown_other}",
            expected=f"{_OP_WORDS[op]} {shown_other}",
            actual=shown_value,
        )

    def _if(self, args: Mapping[str, Any], step: StepContext) -> str:
        target: ResolvedTarget = args["target"]
        visible = _visible(step, target)
        wanted = str(args.get("condition", "visible"))
        taken = visible if wanted == "visible" else not visible
        state = "visible" if visible else "hidden"
        assert step.run_block is not None
        if taken:
            step.run_block()
            return f"{target.describe()} is {state}: ran the block"
        if step.has_else:
            step.run_block("orelse")
            return f"{target.describe()} is {state}: ran the else block"
        return f"{target.describe()} is {state}: skipped the block"

    def _retry(self, args: Mapping[str, Any], step: StepContext) -> str:
        count = max(1, int(args["count"]))
        assert step.run_block is not None
        last: BlockFailed | None = None
        for k in range(count):
            try:
                step.run_block(iteration=k, quiet=k < count - 1)  # a later attempt may recover: no evidence yet
            except BlockFailed as exc:
                if not exc.recoverable:
                    raise
                last = exc
                continue
            return f"passed on attempt {k + 1} of {count}"
        assert last is not None
        raise BlockFailed(last.cause, recoverable=True, note=f"failed {count} of {count} attempts")

    def _fail(self, args: Mapping[str, Any], step: StepContext) -> None:
        raise ExplicitFail(format_value(args["text"]))

    def _log(self, args: Mapping[str, Any], step: StepContext) -> str:
        return format_value(args["text"])

    def _wait(self, args: Mapping[str, Any], step: StepContext) -> None:
        deadline = time.monotonic() + max(0.0, float(args["duration"]))
        while True:
            if step.should_stop():
                raise KeyboardInterrupt
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.1))

    def _wait_until(self, args: Mapping[str, Any], step: StepContext) -> None:
        target: ResolvedTarget = args["target"]
        state = str(args.get("state", "visible"))
        want_visible = state == "visible"
        held, last, _ = poll(
            lambda: _query_visible(step, target),
            lambda v: bool(v) == want_visible,
            step.timeout,
            interval=step.poll_interval,
            should_stop=step.should_stop,
        )
        if held:
            return
        actual, count = visibility_actual(step.backend, target, last, hidden="hidden")
        candidates = suggestions(step.backend, target) if want_visible and count in (None, 0) else ()
        raise StepTimeout(
            f"{target.describe()} did not become {state} within {format_duration(step.timeout)}",
            expected=state,
            actual=actual,
            candidates=candidates,
            help=("did you mean " + " or ".join(candidates[:3]) + "?") if candidates else None,
        )


_OP_WORDS = {
    "equals": "to equal",
    "differs": "not to equal",
    "greater": "to be greater than",
    "less": "to be less than",
    "at_least": "to be at least",
    "at_most": "to be at most",
}


def _as_number(value: Any) -> int | float | None:
    from panoptic.compiler.functions import as_number

    try:
        return as_number(value)
    except ValueError:
        return None


def _compare(op: str, value: Any, other: Any) -> tuple[bool, str, str]:
    """(holds, the value shown, the other shown): numbers compare as numbers, anything else as text."""
    a, b = _as_number(value), _as_number(other)
    numeric = a is not None and b is not None
    shown_a = format_value(a) if numeric else '"' + format_value(value) + '"'
    shown_b = format_value(b) if numeric else '"' + format_value(other) + '"'
    if op in ("equals", "differs"):
        same = a == b if numeric else format_value(value) == format_value(other)
        return (same if op == "equals" else not same), shown_a, shown_b
    if not numeric:
        bad = value if a is None else other
        raise ActionFailed(
            f"{format_value(bad)!r} is not a number, so it cannot be compared by size",
            help="read numbers with `number of <target>` or `count of <target>`",
        )
    assert a is not None and b is not None
    holds = {"greater": a > b, "less": a < b, "at_least": a >= b, "at_most": a <= b}[op]
    return holds, shown_a, shown_b


def _query_visible(step: StepContext, target: ResolvedTarget) -> Any:
    if step.backend is None:
        raise ActionFailed("this statement needs the app's backend, and it has none")
    return step.backend.query("query.visible", {"target": target})


def _visible(step: StepContext, target: ResolvedTarget) -> bool:
    try:
        return bool(_query_visible(step, target))
    except TargetNotFound:
        return False
