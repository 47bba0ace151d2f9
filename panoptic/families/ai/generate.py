"""`panoptic generate URL`: a `.pan` file written from what a page shows.

The page is loaded in Chromium through the web backend (the same locators a
run uses), its visible elements are read with their roles, accessible names,
labels and test ids, and for each control the first target kind that names
exactly one element on the page is chosen, in this order: test id, role and
name, label, placeholder, id. The file has one app (`url:` the page's origin),
a scenario that opens the page and expects its title, headings and controls
(visible, enabled or disabled, checked or not), and for each form a flow that
fills its text fields plus a scenario that calls the flow and expects the
values. Nothing is clicked or submitted, so running the file does not change
the site. The file is built as a syntax tree and printed by the formatter.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from panoptic.contract import ResolvedTarget, ScenarioContext
from panoptic.contract.app import AppDef
from panoptic.families.ai.errors import GenerateFailed
from panoptic.families.ai.pansource import NOWHERE, block, literal, render, statement
from panoptic.syntax import ast

MAX_CONTROLS = 60
ROLE_KINDS = (
    "button",
    "link",
    "checkbox",
    "radio",
    "textbox",
    "searchbox",
    "combobox",
    "heading",
    "slider",
    "spinbutton",
    "tab",
    "switch",
    "menuitem",
)
TEXT_TYPES = ("", "text", "search", "email", "tel", "url", "number", "password")
SAMPLES = {
    "email": "user@example.com",
    "tel": "+441234567890",
    "url": "https://example.com",
    "number": "3",
    "password": "pa55word",
    "search": "mug",
}


@dataclass(frozen=True)
class Chosen:
    """A control with the target that names it alone on the page."""

    element: Any
    target: ResolvedTarget


def target_items(target: ResolvedTarget, string: Callable[[str], ast.Str] = literal) -> list[Any]:
    """The statement items of a target (`role button "Go"`, `testid "x"`, a CSS selector, …).

    `string` makes the string literals (the recorder passes its tree builder's).
    """
    if target.kind == "role":
        items: list[Any] = ["role", target.role or ""]
        if target.value is not None:
            items.append(string(target.value))
        return items
    if target.kind == "css":
        return [string(target.value or "")]
    if target.kind == "text" and target.exact:
        return ["text", "exact", string(target.value or "")]
    return [target.kind, string(target.value or "")]


def candidates(e: Any) -> list[ResolvedTarget]:
    """Targets for an element, best first: test id, role and name, label, placeholder, id."""
    out: list[ResolvedTarget] = []
    if e.testid:
        out.append(ResolvedTarget("testid", e.testid))
    if e.role in ROLE_KINDS and e.name:
        out.append(ResolvedTarget("role", e.name, role=e.role))
    if e.label and e.tag in ("input", "select", "textarea"):
        out.append(ResolvedTarget("label", e.label))
    if e.placeholder:
        out.append(ResolvedTarget("placeholder", e.placeholder))
    if e.id and re.fullmatch(r"[A-Za-z][\w-]*", e.id):
        out.append(ResolvedTarget("id", e.id))
    return out


def choose(backend: Any, elements: list[Any]) -> list[Chosen]:
    """The controls and headings that some target names alone (checked on the live page)."""
    chosen: list[Chosen] = []
    used: set[ResolvedTarget] = set()
    for e in elements:
        if len(chosen) >= MAX_CONTROLS:
            break
        if not (e.interactive or e.role == "heading"):
            continue
        for target in candidates(e):
            if target in used:
                continue
            # The element itself is visible (the snapshot lists only visible ones): one match is enough.
            if backend.query("query.count", {"target": target}) == 1:
                chosen.append(Chosen(e, target))
                used.add(target)
                break
    return chosen


def _flow_name(form: str, n: int) -> str:
    base = re.sub(r"[^A-Za-z0-9]+", "_", form).strip("_").lower()
    if not base or not base[0].isalpha():
        base = f"form{n}"
    return f"fill_{base}"


def _param(e: Any, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9]+", "_", e.label or e.placeholder or e.name or e.id or "value").strip("_").lower()
    if not base or not base[0].isalpha():
        base = "value"
    name, n = base[:30], 2
    while name in taken or name in RESERVED_NAMES:
        name, n = f"{base[:28]}_{n}", n + 1
    taken.add(name)
    return name


# Words a generated parameter name must not be: keywords and words that statements read.
RESERVED_NAMES = {
    "app",
    "flow",
    "scenario",
    "let",
    "secret",
    "use",
    "on",
    "tags",
    "if",
    "else",
    "repeat",
    "for",
    "in",
    "with",
    "expect",
    "true",
    "false",
    "env",
    "setup",
    "teardown",
    "wait",
    "log",
    "fail",
    "value",
    "text",
}


def build_module(url: str, title: str, chosen: list[Chosen], path: str) -> ast.Module:
    """The generated file's syntax tree."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}/"
    page_path = parts.path or "/"
    if parts.query:
        page_path += "?" + parts.query
    app = ast.App("page", NOWHERE, "web", NOWHERE, (ast.Setting("url", NOWHERE, literal(origin), NOWHERE),), NOWHERE)
    body = [statement("open", literal(page_path))]
    if title:
        body.append(statement("expect", "title", "is", literal(title)))
    for c in chosen:
        e, items = c.element, target_items(c.target)
        body.append(statement("expect", *items, "visible"))
        if e.tag in ("button", "input", "select", "textarea") and e.role != "heading":
            body.append(statement("expect", *items, "disabled" if e.disabled else "enabled"))
        if e.role in ("checkbox", "radio"):
            body.append(
                statement("expect", *items, "checked") if e.checked else statement("expect", *items, "not", "checked")
            )
    label = title or page_path
    decls: list[Any] = [
        app,
        ast.Scenario(literal(f"{label} shows its controls"), "page", NOWHERE, (), block(body), NOWHERE),
    ]
    forms: dict[str, list[Chosen]] = {}
    for c in chosen:
        e = c.element
        if e.form and e.tag in ("input", "textarea") and e.type in TEXT_TYPES and not e.disabled:
            forms.setdefault(e.form, []).append(c)
    for n, (form, fields) in enumerate(forms.items(), start=1):
        taken: set[str] = set()
        params = [_param(c.element, taken) for c in fields]
        name = _flow_name(form, n)
        flow_body = [statement("fill", *target_items(c.target), "with", p) for c, p in zip(fields, params, strict=True)]
        decls.append(ast.Flow(name, NOWHERE, tuple(ast.Param(p, NOWHERE) for p in params), block(flow_body), NOWHERE))
        samples = [
            SAMPLES.get(c.element.type, f"sample {p.replace('_', ' ')}") for c, p in zip(fields, params, strict=True)
        ]
        call = ast.Call(name, tuple(literal(s) for s in samples), NOWHERE)
        scenario_body = [statement("open", literal(page_path)), ast.Statement((call,), None, None, NOWHERE)]
        scenario_body += [
            statement("expect", *target_items(c.target), "has", "value", literal(s))
            for c, s in zip(fields, samples, strict=True)
        ]
        decls.append(
            ast.Scenario(literal(f"{label}: fill the {form} form"), "page", NOWHERE, (), block(scenario_body), NOWHERE)
        )
    return ast.Module(path, tuple(decls), ())


def generate(url: str, *, path: str = "generated.pan", timeout: float = 15.0) -> str:
    """Load `url` in Chromium and return the `.pan` text for it (GenerateFailed when the page cannot be used)."""
    from panoptic.contract.platform import load_backend_class, platforms

    if not re.match(r"^https?://", url):
        raise GenerateFailed(
            f"{url!r} is not an http(s) URL", help="give the page's full URL, e.g. http://127.0.0.1:8000/"
        )
    backend_class = load_backend_class(platforms()["web"])
    app = AppDef("page", "web", {"url": url, "timeout": timeout, "viewport": (1280, 720), "trace": "off"}, NOWHERE)
    backend = backend_class(app)
    with tempfile.TemporaryDirectory(prefix="panoptic-generate-") as tmp:
        ctx = ScenarioContext("generate", "generate", Path(tmp) / "artifacts" / "generate", (), timeout)
        backend.start()
        try:
            backend.begin(ctx)
            try:
                backend.perform("navigate", {"url": url}, timeout)
                snapshot = backend.services().snapshot()
                chosen = choose(backend, list(snapshot.elements))
            finally:
                backend.end(ctx, False)
        finally:
            backend.stop()
    if not chosen and not snapshot.title:
        raise GenerateFailed(f"{url} shows nothing to test (no title, no named controls or headings)")
    module = build_module(snapshot.url or url, snapshot.title, chosen, path)
    return render(
        module, (f"Generated by `panoptic generate {url}`: review the targets and add the steps that matter.",)
    )
