"""The action IR: plain, typed, serialisable data produced by the compiler.

Flows are *referenced*, not inlined: a `CallFlow` step names a flow of
`Program.flows` and passes argument expressions. The interpreter keeps the
call chain at run time and puts it on every event, so a step inside a flow is
reported with the chain of calls that led to it (scenario → flow → flow).
Referencing keeps the IR as small as the source, whatever the call depth.

Every step keeps the span it came from. Argument values stay expressions
(`Const`, `VarRef`, `Template`, …) because their values are known only at run
time (`env()`, flow parameters, `for each` variables).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import field
from typing import Any, Union

from panoptic.contract.app import AppDef
from panoptic.frozen import FrozenMap, frozen_slots
from panoptic.source import Span

IR_VERSION = 1


# ---- expressions ----------------------------------------------------------


@frozen_slots
class Const:
    """A literal. `type` is one of: string, number, duration (seconds), size ((w, h)), bool, none."""

    value: Any
    type: str


@frozen_slots
class VarRef:
    """A variable. `name` is a local name or a global's id; `path` reads fields of a map (`user.name`)."""

    name: str
    span: Span | None = None
    path: tuple[str, ...] = ()


@frozen_slots
class Template:
    """An interpolated string: literal parts and expressions, joined at run time."""

    parts: tuple[str | Expr, ...]


@frozen_slots
class CallExpr:
    function: str
    args: tuple[Expr, ...]
    span: Span | None = None


@frozen_slots
class ListExpr:
    items: tuple[Expr, ...]


@frozen_slots
class MapExpr:
    entries: tuple[tuple[str, Expr], ...]


Expr = Union[Const, VarRef, Template, CallExpr, ListExpr, MapExpr]


@frozen_slots
class Target:
    """Where an action points.

    kind: css, text, role, label, placeholder, testid, xpath, id, image, point.
    `value` is the selector / text / name (None for a bare `role button`);
    `role` is the ARIA role for kind `role`; `point` the (x, y) for kind `point`;
    `exact` asks for an exact text match. For `image`, `value` is the resolved path.
    """

    kind: str
    value: Expr | None = None
    role: str | None = None
    point: tuple[Expr, Expr] | None = None
    exact: bool = False
    span: Span | None = None


# ---- steps ------------------------------------------------------------------


@frozen_slots
class Step:
    """One statement. `action` is a registry key such as `web.click` or `control.repeat`.

    `args` (a read-only `FrozenMap`) maps the signature's parameter names to
    expressions, targets or plain values (choice words, variable names to bind). `body`/`orelse` hold nested
    steps for statements with blocks. `text` is the statement's source text.
    """

    action: str
    args: Mapping[str, Any]  # a FrozenMap: the IR is read-only and `hash(program)` works
    span: Span
    text: str
    body: tuple[Step, ...] = ()
    orelse: tuple[Step, ...] = ()


@frozen_slots
class CallFlow:
    """A call of a flow by name with positional argument expressions."""

    flow: str
    args: tuple[Expr, ...]
    span: Span
    text: str


AnyStep = Union[Step, CallFlow]


@frozen_slots
class Binding:
    """A `let` or `secret` at file level."""

    name: str
    value: Expr
    secret: bool
    span: Span


@frozen_slots
class FlowDef:
    name: str
    params: tuple[str, ...]
    body: tuple[AnyStep, ...]
    span: Span
    module: str


@frozen_slots
class Scenario:
    """A scenario with its file's setup and teardown attached.

    `id` is stable across runs: `<file>::<title>`.
    """

    id: str
    title: str
    app: str
    tags: tuple[str, ...]
    file: str
    span: Span
    body: tuple[AnyStep, ...]
    setup: tuple[AnyStep, ...] = ()
    teardown: tuple[AnyStep, ...] = ()
    record_video: bool = False  # a top-level `record video` statement: the session records from its start


@frozen_slots
class Program:
    """Everything `panoptic run` needs, with no reference back to the syntax tree."""

    apps: tuple[AppDef, ...]
    bindings: tuple[Binding, ...]
    flows: tuple[FlowDef, ...]
    scenarios: tuple[Scenario, ...]
    files: tuple[str, ...] = ()
    version: int = field(default=IR_VERSION)

    def app(self, name: str) -> AppDef:
        return next(a for a in self.apps if a.name == name)

    def flow(self, name: str) -> FlowDef:
        return next(f for f in self.flows if f.name == name)

    @property
    def secret_names(self) -> frozenset[str]:
        return frozenset(b.name for b in self.bindings if b.secret)


def to_json(value: Any) -> Any:
    """Turn IR (or AST) dataclasses into JSON-ready data, tagging each node with its type.

    The tag is `"type"`; a node's own field named `type` (`Const.type`) is written as `"type_"`.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if isinstance(value, Span):
            return value.to_json()
        data: dict[str, Any] = {"type": type(value).__name__}
        for f in dataclasses.fields(value):
            if f.name.startswith("_"):
                continue
            key = "type_" if f.name == "type" else f.name  # a field named like the tag (`Const.type`) keeps both
            data[key] = to_json(getattr(value, f.name))
        return data
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if hasattr(value, "value") and hasattr(value, "name") and not isinstance(value, (str, int, float)):
        return value.value  # enums
    return value


_SPAN_KEYS = frozenset(("file", "start", "end", "line", "col", "end_line", "end_col"))


def _node_types() -> dict[str, type]:
    return {
        cls.__name__: cls
        for cls in (Const, VarRef, Template, CallExpr, ListExpr, MapExpr, Target, Step, CallFlow, Binding, FlowDef)
        + (Scenario, Program, AppDef)
    }


_NODE_TYPES = _node_types()


def from_json(data: Any) -> Any:
    """The inverse of `to_json` for IR: `from_json(to_json(program)) == program` (and hashes the same).

    Objects tagged with an IR node's `type` become that node, span objects become `Span`s, other
    objects read-only `FrozenMap`s and arrays tuples.
    """
    if isinstance(data, list):
        return tuple([from_json(v) for v in data])
    if not isinstance(data, dict):
        return data
    cls = _NODE_TYPES.get(data.get("type"))  # type: ignore[arg-type]
    if cls is not None:
        return cls(**{("type" if k == "type_" else k): from_json(v) for k, v in data.items() if k != "type"})
    if data.keys() == _SPAN_KEYS:
        return Span.from_json(data)
    return FrozenMap({k: from_json(v) for k, v in data.items()})
