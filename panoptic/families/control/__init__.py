"""The control family: loops, conditions, retries, waits, logging and explicit failures.

Its runtime (`runtime.ControlRuntime`) runs nested blocks through the step
context's `run_block`, so the interpreter knows nothing about `repeat` or `if`.
"""

from __future__ import annotations

from panoptic.contract.family import Family
from panoptic.contract.statements import StatementList

WITHIN = "[within <within:duration>]"
_STATEMENTS = StatementList("control")
_s = _STATEMENTS.add


_s(
    "repeat <count:int> times",
    "control.repeat",
    "run the block a number of times",
    block="required",
    example='repeat 3 times {\n    click "#add"\n}',
)
_s(
    "for each <name:name> in <items:list>",
    "control.for_each",
    "run the block once for each item of a list",
    block="required",
    example='for each size in ["S", "M"] {\n    select size in "#size"\n}',
)
_s(
    "for each <index:name> , <name:name> in <items:list>",
    "control.for_each",
    "run the block once for each item of a list, with its position counted from 1",
    block="required",
    example='for each i, todo in ["milk", "bread"] {\n    expect "li:nth-child(${i})" has text todo\n}',
)
_s(
    "if visible <target>",
    "control.if",
    "run the block when the target is visible now (no waiting)",
    block="required",
    allows_else=True,
    fixed=(("condition", "visible"),),
    capability="query.visible",
    example='if visible "#cookie-banner" {\n    click "#accept"\n}',
)
_s(
    "if hidden <target>",
    "control.if",
    "run the block when the target is not visible now",
    block="required",
    allows_else=True,
    fixed=(("condition", "hidden"),),
    capability="query.visible",
)
_s(
    "if not visible <target>",
    "control.if",
    "run the block when the target is not visible now",
    block="required",
    allows_else=True,
    fixed=(("condition", "hidden"),),
    capability="query.visible",
)
_s(
    "retry <count:int> times",
    "control.retry",
    "run the block again until it passes, at most a number of times",
    block="required",
    example='retry 3 times {\n    click "#flaky"\n}',
)
_s(
    "fail <text>",
    "control.fail",
    "fail the scenario with a message",
    prints=("text",),
    terminates=True,
    example='fail "not implemented yet"',
)
_s(
    "log <text>",
    "control.log",
    "write a line to the run's log and report",
    prints=("text",),
    example='log "signed in as ${user}"',
)
for _sig, _op, _summary in (
    ("expect <value:any> equals <expected:any>", "equals", "a value equals another (numbers as numbers)"),
    ("expect <value:any> does not equal <expected:any>", "differs", "a value differs from another"),
    ("expect <value:any> is greater than <limit:any>", "greater", "a number is greater than another"),
    ("expect <value:any> is less than <limit:any>", "less", "a number is less than another"),
    ("expect <value:any> is at least <limit:any>", "at_least", "a number is at least another"),
    ("expect <value:any> is at most <limit:any>", "at_most", "a number is at most another"),
):
    _s(
        _sig,
        "control.compare",
        f"expect that {_summary}; checked once, on values already read",
        fixed=(("op", _op),),
        example="expect left equals 2" if _op == "equals" else "",
    )
_s(
    "wait <duration>",
    "control.wait",
    "pause for a fixed time (prefer `wait until` or `expect … within`)",
    example="wait 500ms",
)
_s(
    "wait until <target> <state:visible|hidden> " + WITHIN,
    "control.wait_until",
    "wait until the target is visible or hidden",
    capability="query.visible",
    example='wait until "#spinner" hidden within 20s',
)

FAMILY = Family(
    name="control",
    title="Control",
    summary="loops, conditions, retries, waits, logs and explicit failures",
    statements=tuple(_STATEMENTS),
    runtime="panoptic.families.control.runtime:ControlRuntime",
)
