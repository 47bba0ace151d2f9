"""The recorded `.pan` file: a syntax tree built with `convert.build.Builder`, printed by the formatter.

It holds one web app (`url:` the origin of the first page), a `secret` for
each password typed (read from the environment; the typed value is not written),
a flow for each repeated sequence, and one scenario that opens the first page's path and does
the recorded steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from panoptic.convert.build import Builder, snake_name
from panoptic.families.ai.generate import RESERVED_NAMES, target_items
from panoptic.fmt import format_tree
from panoptic.record.flows import Flow, FlowCall, Item, group
from panoptic.record.steps import Recording, Step
from panoptic.syntax import ast

EXPECT_WORDS = {
    "expect visible": "visible",
    "expect checked": "checked",
    "expect not checked": "not checked",
    "expect text": "has text",
    "expect value": "has value",
}


def app_name(origin: str) -> str:
    """The app's name from the site's host: `http://www.shop.example/` → `shop`, `127.0.0.1` → `site`."""
    host = urlsplit(origin).hostname or ""
    if not host or host.replace(".", "").isdigit() or host == "localhost":
        return "site"
    parts = [p for p in host.split(".") if p != "www"]
    return snake_name(parts[0] if parts else host, "site")


def statement(
    b: Builder, step: Step, value: ast.Expr | None = None, secrets: dict[str, str] | None = None
) -> ast.Statement:
    """The statement of one step; `value` replaces the step's own value (a flow parameter); a secret step's
    value is the name `secrets` gives it."""
    val: Any = value
    if val is None and step.value is not None:
        val = b.var(secrets[step.value]) if step.secret and secrets else b.string(step.value)
    target = target_items(step.target, b.string) if step.target is not None else []
    action = step.action
    if action == "open":
        return b.statement(["open", val])
    if action in ("go back", "go forward", "reload"):
        return b.statement([action])
    if action in ("click", "double click", "right click", "check", "uncheck"):
        return b.statement([action, *target])
    if action == "fill":
        return b.statement(["fill", *target, "with", val])
    if action == "select":
        return b.statement(["select", val, "in", *target])
    if action == "press":
        return b.statement(["press", val, *(["on", *target] if target else [])])
    if action in EXPECT_WORDS:
        tail = [val] if action in ("expect text", "expect value") else []
        return b.statement(["expect", *target, EXPECT_WORDS[action], *tail])
    raise ValueError(f"no statement for the step {action!r}")


def secret_names(steps: Sequence[Step]) -> dict[str, str]:
    """A variable name for each secret value typed (`password`, `password_2`, … after the field's name)."""
    names: dict[str, str] = {}
    for step in steps:
        if step.secret and step.value is not None and step.value not in names:
            about = step.target.value if step.target is not None and step.target.kind != "css" else ""
            base = snake_name(about or "password", "password")
            name, n = base, 2
            while name in names.values() or name in RESERVED_NAMES:
                name, n = f"{base}_{n}", n + 1
            names[step.value] = name
    return names


def _flow(b: Builder, flow: Flow, secrets: dict[str, str]) -> ast.Flow:
    start = b.scenario_start()
    body = [
        statement(b, step, b.var(flow.params[slot]) if slot is not None else None, secrets)
        for step, slot in zip(flow.steps, flow.slots, strict=True)
    ]
    params = tuple(ast.Param(p, start) for p in flow.params)
    return ast.Flow(flow.name, start, params, b.block(body), start)


def _item(b: Builder, item: Item, secrets: dict[str, str]) -> ast.Statement:
    if isinstance(item, FlowCall):
        return b.statement([b.call(item.flow, [b.string(a) for a in item.args])])
    return statement(b, item, None, secrets)


def build(recording: Recording, *, path: str, title: str, command: str = "") -> ast.Module:
    """The syntax tree of the recorded file."""
    b = Builder(path)
    origin = recording.origin or "http://127.0.0.1/"
    app = app_name(origin)
    if command:
        b.comment(f"Recorded by `{command}`: review the targets and the expectations.")
    decls: list[ast.Decl] = [b.app(app, "web", [b.setting("url", b.string(origin))])]
    secrets = secret_names(recording.steps)
    for name in secrets.values():
        # The typed value never goes into the file: replaying reads it from the environment.
        decls.append(b.let(name, b.call("env", [b.string(name.upper())]), secret=True))
    items, flows = group(list(recording.steps))
    decls.extend(_flow(b, f, secrets) for f in flows)
    start = b.scenario_start()
    body: Sequence[ast.Stmt] = [_item(b, i, secrets) for i in items]
    decls.append(b.scenario(start, title, app, (), body))
    return b.module(decls)


def render(recording: Recording, *, path: str, title: str, command: str = "") -> str:
    """The recorded file's text, in the canonical style."""
    return format_tree(build(recording, path=path, title=title, command=command))
