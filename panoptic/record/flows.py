"""Repeated sequences of steps become a flow called once per repetition.

A run of the same steps on the same targets done two or more times in a row
(at least `MIN_STEPS` steps, at most `MAX_STEPS`) is written as a flow and as
calls to it. Values that differ between the repetitions (the text filled, the
option chosen) become the flow's parameters and the calls' arguments; values
that are the same in every repetition stay in the flow's body. A sequence that
is itself a repetition of a shorter one (`click, click`) is not a flow. When
the same sequence repeats again later, the calls reuse the flow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from panoptic.convert.build import snake_name
from panoptic.families.ai.generate import RESERVED_NAMES
from panoptic.record.steps import Step

MIN_STEPS = 2
MAX_STEPS = 20


@dataclass(frozen=True)
class Flow:
    """A flow to write: its name, parameters, and steps; `slots[i]` is the parameter of step i's value (or None)."""

    name: str
    params: tuple[str, ...]
    steps: tuple[Step, ...]
    slots: tuple[int | None, ...]


@dataclass(frozen=True)
class FlowCall:
    """A call of a flow with the values of one repetition."""

    flow: str
    args: tuple[str, ...]


Item = Step | FlowCall


def _periodic(shapes: Sequence[object]) -> bool:
    """Whether the sequence is a shorter sequence repeated."""
    k = len(shapes)
    return any(k % p == 0 and list(shapes[p:]) == list(shapes[:-p]) for p in range(1, k // 2 + 1))


def _best_run(steps: Sequence[Step], i: int) -> tuple[int, int] | None:
    """(block length, repetitions) of the longest repeated run starting at `i`, if any."""
    n = len(steps)
    best: tuple[int, int] | None = None
    for k in range(min(MAX_STEPS, (n - i) // 2), MIN_STEPS - 1, -1):
        shapes = [s.shape() for s in steps[i : i + k]]
        if _periodic(shapes):
            continue
        r = 1
        while i + (r + 1) * k <= n and [s.shape() for s in steps[i + r * k : i + (r + 1) * k]] == shapes:
            r += 1
        if r >= 2 and (best is None or k * r > best[0] * best[1]):
            best = (k, r)
    return best


def _name(step: Step, taken: set[str], fallback: str) -> str:
    words = step.action.replace("expect ", "")
    about = step.target.value if step.target is not None and step.target.value else ""
    base = snake_name(f"{words} {about}"[:40], fallback) if (words or about) else fallback
    name, n = base, 2
    while name in taken or name in RESERVED_NAMES:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def _param_name(step: Step, taken: set[str]) -> str:
    if step.action == "press":
        base = "key"
    elif step.action == "open":
        base = "path"
    elif step.target is not None and step.target.value and step.target.kind != "css":
        base = snake_name(step.target.value[:30], "value")
    else:
        base = "value"
    name, n = base, 2
    while name in taken or name in RESERVED_NAMES:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def group(steps: Sequence[Step]) -> tuple[list[Item], list[Flow]]:
    """The scenario's items (steps and flow calls) and the flows they call, in first-use order."""
    items: list[Item] = []
    flows: list[Flow] = []
    known: dict[tuple[object, ...], Flow] = {}
    flow_names: set[str] = set()
    i = 0
    while i < len(steps):
        run = _best_run(steps, i)
        if run is None:
            items.append(steps[i])
            i += 1
            continue
        k, r = run
        copies = [steps[i + c * k : i + (c + 1) * k] for c in range(r)]
        varying = tuple(j for j in range(k) if copies[0][j].value is not None and len({c[j].value for c in copies}) > 1)
        key = (tuple(s.shape() for s in copies[0]), varying)
        flow = known.get(key)
        if flow is None:
            taken: set[str] = set()
            params = tuple(_param_name(copies[0][j], taken) for j in varying)
            slots = tuple(varying.index(j) if j in varying else None for j in range(k))
            flow = Flow(_name(copies[0][0], flow_names, "steps"), params, tuple(copies[0]), slots)
            known[key] = flow
            flows.append(flow)
        # A value the flow fixed must be the same in this run (it is, for a run found here; a reused
        # flow with another fixed value is a new flow).
        if any(flow.slots[j] is None and any(c[j].value != flow.steps[j].value for c in copies) for j in range(k)):
            taken = set()
            params = tuple(_param_name(copies[0][j], taken) for j in varying)
            slots = tuple(varying.index(j) if j in varying else None for j in range(k))
            flow = Flow(_name(copies[0][0], flow_names, "steps"), params, tuple(copies[0]), slots)
            flows.append(flow)
        for c in copies:
            items.append(FlowCall(flow.name, tuple(str(c[j].value) for j in varying)))
        i += k * r
    return items, flows
