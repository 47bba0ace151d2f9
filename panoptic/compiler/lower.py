"""Resolve names, check the program and lower it to IR — one pass over each module.

Scopes: a module sees its own apps, flows and globals and those of the
modules it `use`s directly. Inside a flow: globals + parameters + local
`let`s; inside a scenario: globals + local `let`s; `for each` adds its
variable to its block. Global names are unique per module; in the IR a global,
flow or app keeps its plain name unless two modules define the same name, in
which case it becomes `<module>::<name>`.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from sys import intern
from typing import Any

from panoptic.compiler import datadriven, ir, phrases
from panoptic.compiler.files import resolved
from panoptic.compiler.functions import FUNCTIONS
from panoptic.compiler.loader import LoadedModule
from panoptic.compiler.match import Miss, TargetSyntax, match_statement
from panoptic.compiler.program_checks import call_cycles, duplicate_titles
from panoptic.compiler.registry import REGISTRY, StatementDef
from panoptic.compiler.settings import CONSTANT_WORDS, SettingsReader, static_value
from panoptic.compiler.symbols import SymbolTable
from panoptic.contract import PlatformSpec
from panoptic.contract.family import AppCheckRequest, Argument, CheckRequest, families
from panoptic.contract.platform import platforms
from panoptic.diagnostics import Diagnostic, Fix, Label, diagnostic, did_you_mean
from panoptic.frozen import FrozenMap, record
from panoptic.source import Span
from panoptic.syntax import ast
from panoptic.syntax.units import unit_mistake

_SNAKE = re.compile(r"[a-z_][a-z0-9_]*")
_REDEFINED = {"app": "PAN207", "flow": "PAN206", "var": "PAN208"}


# Statement words users bring from other tools, and the Panoptic statement that does the same.
_FOREIGN_WORDS = {
    "goto": "open",
    "visit": "open",
    "navigate": "open",
    "browse": "open",
    "sleep": "wait",
    "assert": "expect",
    "verify": "expect",
    "refresh": "reload",
    "print": "log",
    "echo": "log",
}
# ARIA roles that are written `role <name> "…"` as a target.
_ROLES = frozenset(
    {
        "alert",
        "button",
        "cell",
        "checkbox",
        "combobox",
        "dialog",
        "grid",
        "heading",
        "img",
        "link",
        "listbox",
        "listitem",
        "menu",
        "menuitem",
        "navigation",
        "option",
        "progressbar",
        "radio",
        "row",
        "searchbox",
        "slider",
        "spinbutton",
        "switch",
        "tab",
        "table",
        "tablist",
        "textbox",
        "tree",
    }
)
# Key names `press` takes, as users write them unquoted.
_KEY_NAMES = frozenset(
    {
        "Enter",
        "Tab",
        "Escape",
        "Esc",
        "Backspace",
        "Delete",
        "Space",
        "Home",
        "End",
        "PageUp",
        "PageDown",
        "Insert",
        "ArrowUp",
        "ArrowDown",
        "ArrowLeft",
        "ArrowRight",
        "Shift",
        "Control",
        "Alt",
        "Meta",
    }
) | {f"F{n}" for n in range(1, 13)}
_TARGET_SYNTAX = {"point": "point (`at x, y`)"}
# Declarations a file holds at its top level, never inside a block.
_TOP_LEVEL_WORDS = frozenset({"flow", "scenario", "app", "use", "setup", "teardown"})


def _source_words(items: Iterable[ast.Item]) -> str | None:
    """The items written back as source (words and strings only), or None."""
    out = []
    for item in items:
        if isinstance(item, ast.Word):
            out.append(item.text)
        elif isinstance(item, ast.Str):
            out.append(item.raw)
        else:
            return None
    return " ".join(out)


_CODE_NOISE = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*')  # strings (closed or not) and comments
_INTERPOLATED = re.compile(r"\$\{([^}\n]*)\}")
_NAME_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")


def _code_names(text: str) -> Counter[str]:
    """How often each name is written in a file's code: outside comments, and in strings only inside `${…}`."""

    def keep(m: re.Match[str]) -> str:
        return " ".join(_INTERPOLATED.findall(m.group())) if m.group().startswith('"') else " "

    return Counter(_NAME_WORD.findall(_CODE_NOISE.sub(keep, text)))


@record
class Var:
    id: str
    type: str  # string, number, duration, size, list, map, bool, any
    secret: bool
    span: Span
    owner: str  # module key, or "" for locals
    used: bool = False


@record
class Scope:
    names: dict[str, Var]
    parent: Scope | None = None

    def lookup(self, name: str) -> Var | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def all_names(self) -> list[str]:
        out: list[str] = []
        scope: Scope | None = self
        while scope is not None:
            out.extend(scope.names)
            scope = scope.parent
        return out


@record
class FlowInfo:
    id: str
    decl: ast.Flow
    owner: str
    called: bool = False


@record
class ModuleNames:
    apps: dict[str, tuple[str, ast.App]] = field(default_factory=dict)  # name -> (app id, decl)
    flows: dict[str, FlowInfo] = field(default_factory=dict)
    globals: dict[str, Var] = field(default_factory=dict)


@record
class _Context:
    """Where a block is being lowered."""

    module: LoadedModule
    names: ModuleNames
    platform: PlatformSpec | None  # None inside flows (checked per calling scenario later)
    app_settings: dict[str, Any]
    flow: str | None = None
    top_level: bool = False  # directly in a scenario body
    record_video: bool = False


@record
class _Pending:
    """A platform-dependent check of a statement inside a flow, done once the calling scenarios are known."""

    entry: StatementDef
    span: Span
    targets: list[TargetSyntax]


def dependency_order(uses: Mapping[str, Sequence[str]]) -> list[str]:
    """The modules of `uses` (module -> the modules it uses, in order), each after the modules it uses; modules
    not in `uses` are left out. Post-order from each module in turn, with an explicit stack: chains of any length."""
    order: list[str] = []
    seen: set[str] = set()
    for root in uses:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(uses[root]))]
        while stack:
            key, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                order.append(key)
                continue
            if child not in seen and child in uses:
                seen.add(child)
                stack.append((child, iter(uses[child])))
    return order


class Lowerer:
    """Builds the Program from loaded modules and collects diagnostics."""

    def __init__(
        self, modules: dict[str, LoadedModule], inputs: list[LoadedModule], *, keep_steps: bool = True
    ) -> None:
        self.modules = modules
        self.inputs = inputs
        self.keep_steps = keep_steps  # False: a check, which reads the diagnostics only; scenarios keep no steps
        self.diags: list[Diagnostic] = []
        self.platforms = platforms(plugins=False)
        self.names: dict[str, ModuleNames] = {}
        self.apps: dict[str, ir.AppDef] = {}
        self.flow_defs: dict[str, ir.FlowDef] = {}
        self.bindings: list[ir.Binding] = []
        self.calls: dict[str, list[tuple[str, Span]]] = {}  # flow id -> [(called flow id, span)]
        self.flow_pending: dict[str, list[_Pending]] = {}
        # (app, flows the scenario calls itself, platform, title span) of each scenario on a known platform
        self.scenario_flows: list[tuple[str, list[str], PlatformSpec, Span]] = []
        # Files and folders the checks looked at, with what they found (the check cache re-verifies them).
        self.fs_checks: list[tuple[str, str, bool]] = []
        self._limit_cache: dict[int, dict[str, str]] = {}
        self._families = {f.name: f for f in families(plugins=False)}
        family_settings = frozenset(k for f in self._families.values() for k in f.app_settings)
        self._settings_reader = SettingsReader(self.error, self.fs_checks, family_settings)
        self._terminating = {e.action: " ".join(e.head) for e in REGISTRY.entries if e.terminates}
        self._else_actions = {e.action for e in REGISTRY.entries if e.allows_else}
        self.symbols = SymbolTable(modules)
        self._base_dirs: dict[str, Path] = {}
        self._broken_names: dict[str, Counter[str]] = {}  # file -> names written in it, for files with syntax errors

    def error(self, code: str, message: str, span: Span | None, **kw) -> None:
        self.diags.append(diagnostic(code, message, span, **kw))

    # ---- entry ---------------------------------------------------------------------
    def run(self) -> ir.Program:
        order = self._module_order()
        for key in order:
            self._declare(self.modules[key])
        for key in order:
            self._import_names(self.modules[key])
        for key in order:
            self._lower_module_globals(self.modules[key])
        for key in order:
            self._lower_apps(self.modules[key])
        for key in order:
            self._lower_flows(self.modules[key])
        scenarios: list[ir.Scenario] = []
        for mod in self.inputs:
            lowered = self._lower_scenarios(mod)
            if not self.keep_steps:  # each file's steps are freed once checked: a large check's peak memory
                lowered = [dataclasses.replace(s, body=(), setup=(), teardown=()) for s in lowered]
            scenarios.extend(lowered)
        self._check_flow_platforms()
        self.diags.extend(call_cycles(self.calls))
        self._check_unused()
        self.diags.extend(duplicate_titles(scenarios))
        self._report_plugin_problems()
        return ir.Program(
            apps=tuple(self.apps.values()),
            bindings=tuple(self.bindings),
            flows=tuple(self.flow_defs.values()),
            scenarios=tuple(scenarios),
            files=tuple(m.path for m in self.inputs),
        )

    def _module_order(self) -> list[str]:
        """Modules after the modules they use (so globals are evaluated in dependency order)."""
        return dependency_order({key: [used for _, used in mod.uses] for key, mod in self.modules.items()})

    # ---- declarations -------------------------------------------------------------------
    def _declare(self, mod: LoadedModule) -> None:
        """A module's own names, as the symbol table found them; redefinitions and style are reported here."""
        names = ModuleNames()
        self.names[mod.key] = names
        for declared in self.symbols.own(mod.key).values():
            decl = declared.decl
            if isinstance(decl, ast.App):
                names.apps[decl.name] = (declared.id, decl)
            elif isinstance(decl, ast.Flow):
                names.flows[decl.name] = FlowInfo(declared.id, decl, mod.key)
            else:
                names.globals[decl.name] = Var(declared.id, "any", decl.secret, decl.name_span, mod.key)
        again = {id(r.again.decl): r for r in self.symbols.redefinitions if r.again.module == mod.key}
        for decl in mod.module.decls:
            if not isinstance(decl, (ast.App, ast.Flow, ast.Let)):
                continue
            redefinition = again.get(id(decl))
            if redefinition is not None:
                self.error(
                    _REDEFINED[redefinition.again.kind],
                    f"`{decl.name}` is defined twice",
                    decl.name_span,
                    labels=(Label(redefinition.first.decl.name_span, "first defined here"),),
                    help="rename one of them",
                )
            elif not _SNAKE.fullmatch(decl.name):
                self.error(
                    "PAN502",
                    f"`{decl.name}` is not snake_case",
                    decl.name_span,
                    help=f"rename it to `{_snake(decl.name)}`",
                )

    def _import_names(self, mod: LoadedModule) -> None:
        """Add the names of directly used modules to a module's scope (the same objects as in their module)."""
        own = self.names[mod.key]
        tables = {"app": "apps", "flow": "flows", "var": "globals"}
        clashes_before = len(self.symbols.clashes)
        for (kind, name), declared in self.symbols.visible(mod.key).items():
            if declared.module == mod.key:
                continue
            getattr(own, tables[kind])[name] = getattr(self.names[declared.module], tables[kind])[name]
        for clash in self.symbols.clashes[clashes_before:]:
            existing = clash.existing
            span = existing.decl.name_span if existing.module == mod.key else clash.use.span
            self.error(
                _REDEFINED[clash.incoming.kind],
                f"`{clash.incoming.name}` is also defined in {clash.incoming.module}",
                span,
                help="rename one of them",
            )

    def _indirect_hint(self, mod: LoadedModule, kind: str, name: str) -> str | None:
        """The help for a name that is not visible because `mod` reaches its module only through another `use`."""
        found = self.symbols.indirect(mod.key, kind, name)
        if found is None:
            return None
        where = self.modules[found.module]
        if found.module.startswith("std."):
            use = f"use {found.module}"
        else:
            relative = Path(os.path.relpath(where.path, Path(mod.path).parent)).as_posix()
            use = f'use "{relative if relative.startswith("../") else "./" + relative}"'
        return f"`{name}` is defined in {where.path}, which this file does not use directly: add `{use}`"

    @staticmethod
    def _name_span(value: Any) -> Span:
        if isinstance(value, tuple):
            return value[1].name_span
        if isinstance(value, FlowInfo):
            return value.decl.name_span
        return value.span

    # ---- globals -----------------------------------------------------------------------------
    def _lower_module_globals(self, mod: LoadedModule) -> None:
        names = self.names[mod.key]
        scope = Scope({})
        ctx = _Context(mod, names, None, {})
        for decl in mod.module.decls:
            if not isinstance(decl, ast.Let):
                continue
            var = names.globals.get(decl.name)
            if var is None or var.owner != mod.key or var.span != decl.name_span:
                continue
            global_scope = Scope({n: v for n, v in names.globals.items() if v.owner != mod.key or n in scope.names})
            value, typ = self.expr(decl.value, ctx, global_scope)
            var.type = typ
            var.secret = decl.secret or var.secret
            scope.names[decl.name] = var
            self.bindings.append(ir.Binding(var.id, value, decl.secret, decl.span))

    def _globals_scope(self, names: ModuleNames) -> Scope:
        return Scope(dict(names.globals))

    # ---- apps --------------------------------------------------------------------------------------
    def _lower_apps(self, mod: LoadedModule) -> None:
        for decl in mod.module.decls:
            if not isinstance(decl, ast.App):
                continue
            ident, registered = self.names[mod.key].apps.get(decl.name, (None, None))
            if registered is not decl or ident is None:
                continue
            spec = self.platforms.get(decl.platform)
            if spec is None:  # not built in: look through the installed plugins
                self.platforms = platforms()
                spec = self.platforms.get(decl.platform)
            if spec is None:
                hint = did_you_mean(decl.platform, self.platforms)
                self.error(
                    "PAN217",
                    f"unknown platform `{decl.platform}`",
                    decl.platform_span,
                    help=hint or "platforms: " + ", ".join(sorted(self.platforms)),
                )
                continue
            before = len(self.diags)
            settings = self._settings_reader.read(decl, spec, mod.path)
            validator = spec.hook("validator")
            if validator is not None and len(self.diags) == before:
                for problem in validator(settings):
                    self.error("PAN305", problem, decl.name_span)
            self._app_checks(decl, spec, settings)
            self.apps[ident] = ir.AppDef(ident, spec.name, settings, decl.span)

    def _app_checks(self, decl: ast.App, spec: PlatformSpec, settings: dict[str, Any]) -> None:
        """The families' `app_check` hooks: settings they read on any platform (`heal: on`)."""
        keys = {s.key for s in decl.settings}
        hooks = [
            f
            for f in self._families.values()
            if f.app_check is not None and (not f.app_settings or keys.intersection(f.app_settings))
        ]
        if not hooks:
            return
        written = {s.key: (static_value(s.value), s.key_span) for s in decl.settings}
        request = AppCheckRequest(
            decl.name, spec.name, settings, written, decl.name_span, frozenset(s.name for s in spec.settings)
        )
        for family in hooks:
            try:
                self.diags.extend(family.hook("app_check")(request))  # type: ignore[misc]
            except Exception as exc:  # a broken hook is a diagnostic, never a crash of `check`
                self.error(
                    "PAN006",
                    f"the app check of the `{family.name}` family failed: {type(exc).__name__}: {exc}",
                    decl.name_span,
                    help="this is a bug in the statement family's package; report it to its authors",
                )

    # ---- flows -------------------------------------------------------------------------------------------
    def _lower_flows(self, mod: LoadedModule) -> None:
        names = self.names[mod.key]
        for decl in mod.module.decls:
            if not isinstance(decl, ast.Flow):
                continue
            info = names.flows.get(decl.name)
            if info is None or info.decl is not decl:
                continue
            scope = Scope({}, self._globals_scope(names))
            seen: dict[str, Span] = {}
            for param in decl.params:
                if param.name in seen:
                    self.error(
                        "PAN208",
                        f"parameter `{param.name}` is listed twice",
                        param.span,
                        labels=(Label(seen[param.name], "first listed here"),),
                    )
                seen[param.name] = param.span
                scope.names[param.name] = Var(param.name, "any", False, param.span, "", used=True)
            ctx = _Context(mod, names, None, {}, flow=info.id)
            self.calls.setdefault(info.id, [])
            self.flow_pending.setdefault(info.id, [])
            body = self.block(decl.body, ctx, scope)
            if not decl.body.statements:
                self.error("PAN503", f"flow `{decl.name}` is empty", decl.name_span)
            self.flow_defs[info.id] = ir.FlowDef(info.id, tuple(p.name for p in decl.params), body, decl.span, mod.key)

    # ---- scenarios -----------------------------------------------------------------------------------------
    def _lower_scenarios(self, mod: LoadedModule) -> list[ir.Scenario]:
        names = self.names[mod.key]
        hooks: dict[str, ast.Hook] = {}
        for decl in mod.module.decls:
            if isinstance(decl, ast.Hook):
                if decl.kind in hooks:
                    self.error(
                        "PAN215",
                        f"a second `{decl.kind}` block in one file",
                        decl.span,
                        labels=(Label(hooks[decl.kind].span, "first one here"),),
                        help=f"merge the two `{decl.kind}` blocks",
                    )
                    continue
                hooks[decl.kind] = decl
        out: list[ir.Scenario] = []
        scenarios = [d for d in mod.module.decls if isinstance(d, ast.Scenario)]
        lowered_hooks: dict[tuple[str, str], tuple[ir.AnyStep, ...]] = {}
        for decl in scenarios:
            app_id, spec, settings = self._scenario_app(decl, names, mod)
            title = decl.title.text
            ctx = _Context(mod, names, spec, settings, top_level=True)
            items = datadriven.rows(self, decl.data, mod, names) if decl.data is not None else None
            row_names = (
                {p.name: Var(p.name, "any", False, p.span, "", used=True) for p in decl.data.names} if decl.data else {}
            )
            scope = Scope(row_names, self._globals_scope(names))
            body = self.block(decl.body, ctx, scope)
            if not decl.body.statements:
                self.error("PAN503", f'scenario "{title}" is empty', decl.title.span)
            hook_steps: dict[str, tuple[ir.AnyStep, ...]] = {}
            for kind, hook in hooks.items():
                cache_key = (kind, spec.name if spec else "")
                if cache_key not in lowered_hooks:
                    hook_ctx = _Context(mod, names, spec, settings)
                    lowered_hooks[cache_key] = self.block(hook.body, hook_ctx, Scope({}, self._globals_scope(names)))
                hook_steps[kind] = lowered_hooks[cache_key]
            scenario = ir.Scenario(
                id=f"{mod.path}::{title}",
                title=title,
                app=app_id or "",
                tags=tuple(t.name for t in decl.tags),
                file=mod.path,
                span=decl.span,
                body=body,
                setup=hook_steps.get("setup", ()),
                teardown=hook_steps.get("teardown", ()),
                record_video=ctx.record_video,
            )
            expanded = [scenario]
            if decl.data is not None:  # one scenario per item, its names bound first in its setup
                expanded = []
                for k, item in enumerate(items or (), 1):
                    bound = datadriven.bindings(decl.data, item, k)
                    row_title = datadriven.title_of(self, decl.title, bound, k)
                    lets = datadriven.let_steps(decl.data, bound)
                    expanded.append(
                        dataclasses.replace(
                            scenario, id=f"{mod.path}::{row_title}", title=row_title, setup=lets + scenario.setup
                        )
                    )
            for scenario in expanded:
                out.append(scenario)
                if spec is not None:
                    self.scenario_flows.append((scenario.app, _direct_flow_calls(scenario), spec, decl.title.span))
        return out

    def _scenario_app(self, decl: ast.Scenario, names: ModuleNames, mod: LoadedModule):
        if decl.app is None:
            if len(names.apps) == 1:
                ident, app_decl = next(iter(names.apps.values()))
            else:
                self.error(
                    "PAN216",
                    f'scenario "{decl.title.text}" does not say which app it runs on',
                    decl.title.span,
                    help="write `on APP` after the title"
                    + (
                        "; apps here: " + ", ".join(sorted(names.apps))
                        if names.apps
                        else "; no app is declared in this file or the modules it uses"
                    ),
                )
                return None, None, {}
        else:
            found = names.apps.get(decl.app)
            if found is None:
                self.error(
                    "PAN204",
                    f"no app named `{decl.app}`",
                    decl.app_span,
                    help=self._indirect_hint(mod, "app", decl.app)
                    or did_you_mean(decl.app, names.apps)
                    or "declare it with `app NAME: web { … }`",
                )
                return None, None, {}
            ident, app_decl = found
        app = self.apps.get(ident)
        spec = self.platforms.get(app_decl.platform)
        return ident, spec, (app.settings if app else {})

    # ---- blocks and statements ---------------------------------------------------------------------------------
    def block(self, block: ast.Block, ctx: _Context, parent: Scope) -> tuple[ir.AnyStep, ...]:
        scope = Scope({}, parent)
        steps: list[ir.AnyStep] = []
        failed_at: tuple[Span, str] | None = None
        reported_unreachable = False
        top = ctx.top_level
        for stmt in block.statements:
            if failed_at is not None and not reported_unreachable and not isinstance(stmt, ast.ErrorNode):
                self.error(
                    "PAN212",
                    "this statement never runs",
                    _stmt_span(stmt),
                    labels=(Label(failed_at[0], f"because this `{failed_at[1]}` ends the scenario"),),
                    help="remove it, or move it before the `fail`",
                )
                reported_unreachable = True
            if isinstance(stmt, ast.ErrorNode):
                continue
            if isinstance(stmt, ast.Let):
                step = self._local_let(stmt, ctx, scope)
            else:
                step = self.statement(stmt, ctx, scope)
                ctx.top_level = False
            ctx.top_level = top
            if step is None:
                continue
            steps.append(step)
            if isinstance(step, ir.Step) and step.action in self._terminating:
                failed_at = (step.span, self._terminating[step.action])
        self._report_unused_locals(scope)
        return tuple(steps)

    def _local_let(self, stmt: ast.Let, ctx: _Context, scope: Scope) -> ir.Step | None:
        if stmt.name in scope.names:
            self.error(
                "PAN208",
                f"`{stmt.name}` is defined twice in this block",
                stmt.name_span,
                labels=(Label(scope.names[stmt.name].span, "first defined here"),),
            )
        if isinstance(stmt.value, ast.Phrase) and not phrases.is_arithmetic(stmt.value):
            read, typ = phrases.lower_read(self, stmt, stmt.value, ctx, scope)  # `let n = text of "#x"`
            scope.names[stmt.name] = Var(stmt.name, typ, stmt.secret, stmt.name_span, "")
            return read
        value, typ = self.expr(stmt.value, ctx, scope)
        scope.names[stmt.name] = Var(stmt.name, typ, stmt.secret, stmt.name_span, "")
        return ir.Step(
            "core.let",
            FrozenMap({"name": stmt.name, "value": value, "secret": stmt.secret}),
            stmt.span,
            self._text(ctx, stmt.span),
        )

    def _report_unused_locals(self, scope: Scope) -> None:
        for name, var in scope.names.items():
            if not var.used and not self._maybe_used_where_broken(name, var.span):
                self.error("PAN213", f"`{name}` is never used", var.span, help="remove it, or use it")

    def _maybe_used_where_broken(self, name: str, defined: Span) -> bool:
        """Whether the file defining `name` has a syntax error and writes `name` somewhere besides its definition.

        A line that did not parse is not in the syntax tree, so what it uses is unknown; a name written anywhere
        else in such a file counts as used rather than be reported as never used (PAN213, PAN214).
        """
        names = self._broken_names.get(defined.file)
        if names is None:
            mod = next((m for m in self.modules.values() if m.path == defined.file), None)
            names = _code_names(mod.source.text) if mod is not None and mod.broken else Counter()
            self._broken_names[defined.file] = names
        return names[name] > 1

    def _text(self, ctx: _Context, span: Span) -> str:
        return intern(ctx.module.source.text[span.start : span.end])  # statement texts recur across a suite

    def statement(self, stmt: ast.Statement, ctx: _Context, scope: Scope, *, values: bool = False) -> ir.AnyStep | None:
        """Lower a statement; `values`: match the value forms (`text of <target>`) instead of the statements."""
        items = stmt.items
        first = items[0]
        if len(items) == 1 and isinstance(first, ast.Call) and stmt.block is None:
            return self._flow_call(first, stmt, ctx, scope)
        if not isinstance(first, ast.Word):
            self.error(
                "PAN201",
                "a statement starts with a word",
                first.span,
                help='for example `click "#id"`; flows are called as `name(args)`',
            )
            return None
        if values:
            candidates = REGISTRY.value_candidates(first.text)
        else:
            candidates = REGISTRY.candidates(first.text) or self._plugin_candidates(first.text)
        if not candidates:
            self._unknown_statement(stmt, ctx)
            return None
        miss = Miss()
        found = match_statement(items, candidates, miss)
        if found is None:
            self._bad_arguments(stmt, candidates, miss)
            return None
        entry = found.entry
        head = stmt.head_span
        if entry.block == "required" and stmt.block is None:
            self.error(
                "PAN215", f"`{' '.join(entry.head)}` needs a block", head, help=f"write `{entry.display} {{ … }}`"
            )
            return None
        if entry.block == "none" and stmt.block is not None:
            self.error(
                "PAN215", f"`{' '.join(entry.head)}` takes no block", stmt.block.span, help="remove the `{ … }` block"
            )
        if stmt.orelse is not None and not entry.allows_else:
            self.error(
                "PAN215",
                f"`else` cannot follow `{' '.join(entry.head)}`",
                stmt.orelse.span,
                help="`else` belongs to `if visible …` / `if hidden …`",
            )
        if entry.top_level_only:
            if not ctx.top_level or ctx.flow is not None:
                self.error(
                    "PAN215",
                    f"`{' '.join(entry.head)}` must be a statement of the scenario itself",
                    head,
                    help="put it at the top level of the scenario body (usually first)",
                )
            elif entry.capability == "record_video":  # the session records from the scenario's start
                ctx.record_video = True
        args: dict[str, Any] = dict(entry.fixed)
        targets: list[TargetSyntax] = []
        bound: dict[str, Var] = {}  # variables the statement binds for its block (`for each <name> in …`)
        for param in entry.params:
            raw = found.args.get(param.name)
            if raw is None:
                continue
            if param.type == "target":
                targets.append(raw)
                args[param.name] = self.target(raw, ctx, scope)
            elif param.type == "choice":
                args[param.name] = raw
            elif param.type == "name":
                assert isinstance(raw, ast.Word)
                args[param.name] = raw.text
                bound[raw.text] = Var(raw.text, "any", False, raw.span, "", used=True)
            else:
                args[param.name] = self.typed(raw, param.type, param.name, ctx, scope)
        self._check_platform(entry, head, targets, ctx)
        self._check_secret_output(entry, found.args, scope, head)
        self._family_check(entry, found.args, args, scope, ctx, head)
        body: tuple[ir.AnyStep, ...] = ()
        orelse: tuple[ir.AnyStep, ...] = ()
        if stmt.block is not None or stmt.orelse is not None:
            body, orelse = self._nested(stmt, entry, ctx, scope, bound)
        return ir.Step(entry.action, FrozenMap(args), head, self._text(ctx, head), body, orelse)

    def _nested(
        self, stmt: ast.Statement, entry: StatementDef, ctx: _Context, scope: Scope, bound: dict[str, Var]
    ) -> tuple[tuple[ir.AnyStep, ...], tuple[ir.AnyStep, ...]]:
        """The steps of a statement's block and of its `else` (`bound`: the variables the block sees)."""
        body: tuple[ir.AnyStep, ...] = ()
        orelse: tuple[ir.AnyStep, ...] = ()
        inner = _Context(ctx.module, ctx.names, ctx.platform, ctx.app_settings, ctx.flow)
        if stmt.block is not None and entry.block != "none":
            body = self.block(stmt.block, inner, Scope(bound, scope))
        if stmt.orelse is not None and entry.allows_else:
            if isinstance(stmt.orelse, ast.Block):
                orelse = self.block(stmt.orelse, inner, Scope({}, scope))
            else:
                nested = self.statement(stmt.orelse, inner, scope)
                if isinstance(nested, ir.Step) and nested.action not in self._else_actions:
                    self.error("PAN215", "`else` must be followed by a block or another `if`", stmt.orelse.span)
                orelse = (nested,) if nested is not None else ()
        if stmt.block is not None and not stmt.block.statements and entry.block == "required":
            self.error("PAN503", f"`{' '.join(entry.head)}` has an empty block", stmt.block.span)
        return body, orelse

    def _flow_call(self, call: ast.Call, stmt: ast.Statement, ctx: _Context, scope: Scope) -> ir.CallFlow | None:
        info = ctx.names.flows.get(call.name)
        if info is None:
            if call.name in FUNCTIONS:
                self.error(
                    "PAN201",
                    f"`{call.name}()` is a function, not a statement",
                    call.span,
                    help=f"use its value, e.g. `let x = {FUNCTIONS[call.name].signature}`",
                )
            else:
                self.error(
                    "PAN203",
                    f"no flow named `{call.name}`",
                    call.span,
                    help=self._indirect_hint(ctx.module, "flow", call.name)
                    or did_you_mean(call.name, ctx.names.flows)
                    or "define it with `flow NAME(params) { … }`",
                )
            for arg in call.args:
                self.expr(arg, ctx, scope)
            return None
        info.called = True
        params = info.decl.params
        if len(call.args) != len(params):
            self.error(
                "PAN302",
                f"`{call.name}` takes {len(params)} argument{'s' if len(params) != 1 else ''}, {len(call.args)} given",
                call.span,
                labels=(Label(info.decl.name_span, "defined here"),),
                help=f"call it as `{call.name}({', '.join(p.name for p in params)})`",
            )
        args = tuple(self.expr(a, ctx, scope)[0] for a in call.args)
        if ctx.flow is not None:
            self.calls.setdefault(ctx.flow, []).append((info.id, call.span))
        return ir.CallFlow(info.id, args, stmt.span, self._text(ctx, stmt.span))

    def _unknown_statement(self, stmt: ast.Statement, ctx: _Context) -> None:
        words = []
        for item in stmt.items:
            if not isinstance(item, ast.Word):
                break
            words.append(item.text)
        first = stmt.items[0]
        assert isinstance(first, ast.Word)
        if first.text in ctx.names.flows:
            self.error(
                "PAN201",
                f"`{first.text}` is a flow; call it with parentheses",
                first.span,
                help=f"write `{first.text}(…)`",
            )
            return
        if first.text == "else":
            self._else_on_own_line(first, ctx)
            return
        if first.text in _TOP_LEVEL_WORDS:
            self._declaration_in_block(stmt, first)
            return
        from difflib import get_close_matches

        heads = REGISTRY.heads()
        phrase = " ".join(words[:2])
        hint = None
        if first.text.lower() in _FOREIGN_WORDS:
            word = _FOREIGN_WORDS[first.text.lower()]
            rest = _source_words(stmt.items[1:])
            hint = f"did you mean `{word} {rest}`?" if rest and len(rest) < 60 else f"did you mean `{word}`?"
        for candidate in (phrase, words[0]) if hint is None else ():
            close = get_close_matches(candidate, heads, n=1, cutoff=0.6)
            if close:
                hint = f"did you mean `{close[0]}`?"
                break
        self.error(
            "PAN201",
            f"unknown statement `{first.text}`",
            first.span,
            help=hint or "see docs/statements.md for every statement",
        )

    def _else_on_own_line(self, word: ast.Word, ctx: _Context) -> None:
        """PAN201 for `else` on a line of its own: it continues an `if` only after that `if`'s `}`."""
        text = ctx.module.source.text
        before = len(text[: word.span.start].rstrip())
        fix = None
        if before > 0 and text[before - 1] == "}" and "#" not in text[before : word.span.start]:
            fix = Fix(ctx.module.source.span(before, word.span.start), " ", "join `else` to the `}` before it")
        self.error(
            "PAN201",
            "`else` must be on the same line as the `}` that closes the `if`",
            word.span,
            help="write `} else {` (or `} else if … {`)",
            fix=fix,
        )

    def _declaration_in_block(self, stmt: ast.Statement, word: ast.Word) -> None:
        """PAN201 for `flow`, `scenario`, `app`, … inside a block: they are written at the top level of a file."""
        help_text = "move it out of the block, to the top level of the file"
        if word.text == "flow":
            call = stmt.items[1] if len(stmt.items) > 1 else None
            if isinstance(call, ast.Call):
                params = ", ".join(a.path[0] if isinstance(a, ast.Var) else "…" for a in call.args)
                help_text = (
                    f"define `flow {call.name}({params}) {{ … }}` at the top level of the file and call it here"
                    f" as `{call.name}(…)`"
                )
            elif isinstance(call, ast.Word):
                help_text = (
                    f"define `flow {call.text}() {{ … }}` at the top level of the file and call it here"
                    f" as `{call.text}()`"
                )
        self.error("PAN201", f"`{word.text}` cannot be written inside a block", word.span, help=help_text)

    def _bad_arguments(self, stmt: ast.Statement, candidates: list[StatementDef], miss: Miss) -> None:
        items = stmt.items
        forms = sorted({c.display for c in candidates})
        if 0 <= miss.position < len(items):
            span = items[miss.position].span
            expected = sorted(miss.expected or ())
            what = "found extra words" if expected == ["end of statement"] else "expected " + " or ".join(expected)
            message = f"`{items[0].span and _word(items[0])}` does not fit here: {what}"
        else:
            last = items[-1].span
            span = Span(last.file, last.end, last.end, last.end_line, last.end_col, last.end_line, last.end_col)
            expected = sorted(miss.expected or ())
            message = f"`{_word(items[0])}` is incomplete: expected " + " or ".join(expected)
        if (unit := _spaced_unit(items, miss)) is not None:
            message, span, help_text, fix = unit
            self.error("PAN308", message, span, help=help_text, fix=fix)
            return
        help_text = _known_mistake(items, miss) or _closest_forms(items, forms)
        self.error("PAN308", message, span, help=help_text)

    # ---- checks that need the platform ------------------------------------------------------------
    def _check_platform(self, entry: StatementDef, span: Span, targets: list[TargetSyntax], ctx: _Context) -> None:
        if ctx.flow is not None and ctx.platform is None:
            self.flow_pending.setdefault(ctx.flow, []).append(_Pending(entry, span, targets))
            return
        if ctx.platform is not None:
            self._platform_diags(entry, span, targets, ctx.platform, ctx.app_settings, None)

    def _platform_diags(self, entry, span, targets, spec: PlatformSpec, settings, via: Span | None) -> bool:
        labels = (Label(via, "called from a scenario on this platform"),) if via else ()
        ok = True
        cap = entry.capability
        if cap is not None and cap not in spec.capabilities:
            others = sorted(n for n, p in self.platforms.items() if cap in p.capabilities)
            self.error(
                "PAN306",
                f"{spec.name} apps cannot `{' '.join(entry.head)}`",
                span,
                labels=labels,
                help=self._other_statement(entry, spec)
                or (("it works on " + ", ".join(others) + " apps") if others else None),
            )
            ok = False
        elif cap is not None and cap in self._limits(spec, settings):
            self.error(
                "PAN306",
                f"`{' '.join(entry.head)}` cannot run on this {spec.name} app",
                span,
                labels=labels,
                help=self._limits(spec, settings)[cap],
            )
            ok = False
        elif cap is not None:
            for conditional, setting in spec.conditional:
                if conditional == cap and setting not in settings:
                    self.error(
                        "PAN306",
                        f"`{' '.join(entry.head)}` needs a `{setting}` setting on {spec.name} apps",
                        span,
                        labels=labels,
                        help=f"add `{setting}: …` to the app",
                    )
                    ok = False
        for t in targets if ok else ():
            if t.kind not in spec.target_kinds:
                self.error(
                    "PAN312",
                    f"{spec.name} apps cannot find `{t.kind}` targets",
                    t.span,
                    labels=labels,
                    help="targets here: " + ", ".join(_TARGET_SYNTAX.get(k, k) for k in sorted(spec.target_kinds)),
                )
                ok = False
        return ok

    @staticmethod
    def _other_statement(entry: StatementDef, spec: PlatformSpec) -> str | None:
        """A statement ending in the same word that this platform can run (`back` on web: `go back`), as a hint."""
        head = " ".join(entry.head)
        for other in REGISTRY.entries:
            words = " ".join(other.head)
            if words != head and other.head[-1] == entry.head[-1] and other.capability in (None, *spec.capabilities):
                return f"on {spec.name} apps write `{words}`"
        return None

    def _limits(self, spec: PlatformSpec, settings: dict[str, Any]) -> dict[str, str]:
        key = id(settings)
        if key not in self._limit_cache:
            hook = spec.hook("limits")
            self._limit_cache[key] = hook(settings) if hook is not None else {}
        return self._limit_cache[key]

    def _check_flow_platforms(self) -> None:
        reported: set[tuple[int, str]] = set()
        for app, calls, spec, title_span in self.scenario_flows:
            settings = self.apps[app].settings if app in self.apps else {}
            for flow_id in self._reachable_flows(calls):
                for pending in self.flow_pending.get(flow_id, ()):
                    key = (pending.span.start, pending.span.file + spec.name)
                    if key in reported:
                        continue
                    reported.add(key)
                    self._platform_diags(pending.entry, pending.span, pending.targets, spec, settings, title_span)

    def _reachable_flows(self, calls: list[str]) -> list[str]:
        """The flows a scenario calls, from the ones it calls itself (`_direct_flow_calls`), through the call graph."""
        todo = list(calls)
        seen: list[str] = []
        while todo:
            flow = todo.pop()
            if flow in seen:
                continue
            seen.append(flow)
            todo.extend(callee for callee, _ in self.calls.get(flow, ()))
        return seen

    def _report_plugin_problems(self) -> None:
        """A plugin that failed to load is a diagnostic naming its package, never silently skipped."""
        from panoptic.contract.plugins import problems

        for problem in problems():
            self.error(
                "PAN006",
                problem.describe(),
                None,
                help=f"fix or uninstall the package `{problem.distribution}` (entry point group `{problem.group}`)",
            )

    def _plugin_candidates(self, word: str) -> list[StatementDef]:
        """Statements of installed plugin families (scanned only for a word no built-in statement starts with)."""
        from panoptic.compiler.registry import registry

        return registry(plugins=True).candidates(word)

    def _family_check(
        self, entry: StatementDef, found: dict[str, Any], args: dict[str, Any], scope: Scope, ctx: _Context, span: Span
    ) -> None:
        """Run the static check hook of the statement's family, if it has one."""
        family = self._families.get(entry.family)
        if family is None:
            from panoptic.compiler.registry import registry

            family = registry(plugins=True).families.get(entry.family)
        if (
            family is None
            or family.check is None
            or (family.checked is not None and entry.action not in family.checked)
        ):
            return
        arguments: dict[str, Argument] = {}
        for name, raw in found.items():
            folded = _constant(args.get(name))
            known = folded is not _UNKNOWN
            secret = any((var := scope.lookup(ref)) is not None and var.secret for ref in _referenced_names(raw))
            plain = isinstance(raw, ast.Str) and not any(isinstance(p, ast.Interp) for p in raw.parts)
            value = folded if known else raw.text if isinstance(raw, ast.Word) else None
            arguments[name] = Argument(
                span=getattr(raw, "span", span),
                value=value,
                known=known or isinstance(raw, ast.Word),
                secret=secret,
                plain_literal=plain,
            )
        request = CheckRequest(
            statement=entry,
            span=span,
            arguments=arguments,
            platform=ctx.platform.name if ctx.platform is not None else None,
            settings=ctx.app_settings,
            base_dir=self._base_dir(ctx.module.path),
        )
        try:
            self.diags.extend(family.hook("check")(request))  # type: ignore[misc]
        except Exception as exc:  # a broken check hook must not take away the other diagnostics
            self.error(
                "PAN006",
                f"the check of the `{family.name}` statements failed: {type(exc).__name__}: {exc}",
                span,
                help="this is a bug in the statement family's package; report it to its authors",
            )

    def _base_dir(self, path: str) -> Path:
        found = self._base_dirs.get(path)
        if found is None:
            found = self._base_dirs[path] = Path(path).resolve().parent
        return found

    def _check_secret_output(self, entry: StatementDef, args: dict, scope: Scope, span: Span) -> None:
        if not entry.prints:
            return
        for name, value in args.items():
            if name not in entry.prints:
                continue
            for name in _referenced_names(value):
                var = scope.lookup(name)
                if var is not None and var.secret:
                    self.error(
                        "PAN310",
                        f"secret `{name}` is written into a "
                        f"{'screenshot name' if entry.capability == 'screenshot' else 'log line'}",
                        span,
                        help="leave the secret out of logged text and artifact names",
                    )

    # ---- program-wide checks ----------------------------------------------------------------------
    def _check_unused(self) -> None:
        input_keys = {m.key for m in self.inputs}
        used_by_others = {k for m in self.modules.values() for _, k in m.uses}
        for key in input_keys - used_by_others:
            names = self.names.get(key)
            if names is None:
                continue
            for name, var in names.globals.items():
                if var.owner == key and not var.used and not self._maybe_used_where_broken(name, var.span):
                    self.error("PAN213", f"`{name}` is never used", var.span, help="remove it, or use it")
            for name, info in names.flows.items():
                if (
                    info.owner == key
                    and not info.called
                    and not self._maybe_used_where_broken(name, info.decl.name_span)
                ):
                    self.error(
                        "PAN214",
                        f"flow `{name}` is never called",
                        info.decl.name_span,
                        help="remove it, or move it into a module for `use`",
                    )

    # ---- expressions ---------------------------------------------------------------------------------
    def typed(self, raw: Any, typ: str, name: str, ctx: _Context, scope: Scope) -> ir.Expr:
        value, actual = self.expr(raw, ctx, scope)
        span = raw.span
        if typ == "any" or actual == "any":
            return value
        if typ == "text":
            if actual in ("string", "number", "bool"):
                return value if actual == "string" else ir.Const(_raw_text(raw), "string")
            self.error(
                "PAN301", f"<{name}> needs text, found {_a(actual)}", span, help="write it as a string in double quotes"
            )
        elif typ == "duration":
            if actual == "duration":
                return value
            if isinstance(raw, ast.Num):
                self.error(
                    "PAN301",
                    f"<{name}> needs a duration, found the number {raw.raw}",
                    span,
                    help=f"add a unit: `{raw.raw}s` or `{raw.raw}ms`",
                    fix=Fix(span, f"{raw.raw}s", "add seconds"),
                )
            else:
                self.error(
                    "PAN301",
                    f"<{name}> needs a duration like 5s, found {_a(actual)}",
                    span,
                    help="write a number with a unit: `500ms`, `5s`, `2m`",
                )
        elif typ in ("int", "number"):
            if actual == "number":
                if (
                    typ == "int"
                    and isinstance(raw, ast.Num)
                    and (not (isinstance(raw.value, int) or raw.value.is_integer()) or raw.value < 0)
                ):
                    self.error("PAN309", f"<{name}> needs a whole number of at least 0, found {raw.raw}", span)
                return value
            if isinstance(raw, ast.Duration):
                self.error(
                    "PAN301", f"<{name}> needs a number, found the duration {raw.raw}", span, help="remove the unit"
                )
            else:
                self.error(
                    "PAN301", f"<{name}> needs a number, found {_a(actual)}", span, help="write a number like `3`"
                )
        elif typ == "size":
            if actual == "size":
                return value
            self.error(
                "PAN301",
                f"<{name}> needs a size like 1280x720, found {_a(actual)}",
                span,
                help="write width x height, e.g. `1280x720`",
            )
        elif typ == "list":
            if actual == "list":
                return value
            self.error(
                "PAN301",
                f'<{name}> needs a list like ["a", "b"], found {_a(actual)}',
                span,
                help='write the items in brackets: `["a", "b"]`',
            )
        return value

    def target(self, t: TargetSyntax, ctx: _Context, scope: Scope) -> ir.Target:
        value = None
        if t.value is not None:
            value = self.typed(t.value, "text", "target", ctx, scope)
            if t.kind == "image":
                value = self._image_path(t, ctx)
        point = None
        if t.point is not None:
            point = (
                self.typed(t.point[0], "number", "x", ctx, scope),
                self.typed(t.point[1], "number", "y", ctx, scope),
            )
        if t.kind == "xpath" and isinstance(t.value, ast.Str) and t.value.is_plain and not t.value.text.strip():
            self.error("PAN309", "an empty XPath matches nothing", t.span)
        return ir.Target(t.kind, value, t.role, point, t.exact, t.span)

    def _image_path(self, t: TargetSyntax, ctx: _Context) -> ir.Expr:
        if not (isinstance(t.value, ast.Str) and t.value.is_plain):
            self.error(
                "PAN309",
                "an image target needs a literal file name",
                t.span,
                help="write the path in double quotes, relative to this file",
            )
            return ir.Const("", "string")
        base = Path(ctx.module.path).resolve().parent
        path = resolved(base / t.value.text)
        exists = path.is_file()
        self.fs_checks.append((str(path), "file", exists))
        if not exists:
            self.error(
                "PAN307",
                f"image file `{t.value.text}` does not exist",
                t.value.span,
                help=f"looked for {path}; paths are relative to this file",
            )
        elif path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".bmp"):
            self.error("PAN309", f"`{t.value.text}` is not a PNG, JPEG or BMP image", t.value.span)
        return ir.Const(str(path), "string")

    def expr(self, e: Any, ctx: _Context, scope: Scope) -> tuple[ir.Expr, str]:
        """Lower an expression and infer its type."""
        if isinstance(e, ast.Phrase):
            if phrases.is_arithmetic(e):
                return phrases.lower_arithmetic(self, e, ctx, scope)
            self.error(
                "PAN215",
                "a value read from the page belongs in a scenario, a flow or a setup/teardown block",
                e.span,
                help="move this `let` into the scenario or flow that reads it",
            )
            return ir.Const(None, "none"), "any"
        if isinstance(e, ast.Str):
            if e.is_plain:
                return ir.Const(e.text, "string"), "string"
            parts: list[Any] = []
            for part in e.parts:
                if isinstance(part, str):
                    parts.append(part)
                else:
                    parts.append(self._var(part.path, part.span, ctx, scope)[0])
            # `"${route.shown}"` alone is whatever the field holds (a count, a number): it passes where numbers go
            only_value = len(parts) == 1 and not isinstance(parts[0], str)
            return ir.Template(tuple(parts)), "any" if only_value else "string"
        if isinstance(e, ast.Num):
            return ir.Const(e.value, "number"), "number"
        if isinstance(e, ast.Duration):
            return ir.Const(e.seconds, "duration"), "duration"
        if isinstance(e, ast.Size):
            return ir.Const((e.width, e.height), "size"), "size"
        if isinstance(e, ast.Var):
            return self._var(e.path, e.span, ctx, scope)
        if isinstance(e, ast.Call):
            fn = FUNCTIONS.get(e.name)
            args = tuple(self.expr(a, ctx, scope)[0] for a in e.args)
            if fn is None:
                if e.name in ctx.names.flows:
                    self.error(
                        "PAN311",
                        f"flow `{e.name}` has no value",
                        e.span,
                        help="call flows as statements on their own line",
                    )
                else:
                    self.error(
                        "PAN311",
                        f"unknown function `{e.name}`",
                        e.span,
                        help=did_you_mean(e.name, FUNCTIONS) or "functions: " + ", ".join(FUNCTIONS),
                    )
                return ir.CallExpr(e.name, args, e.span), "any"
            if not fn.min_args <= len(e.args) <= fn.max_args:
                want = str(fn.min_args) if fn.min_args == fn.max_args else f"{fn.min_args} to {fn.max_args}"
                self.error(
                    "PAN302",
                    f"`{e.name}` takes {want} argument(s), {len(e.args)} given",
                    e.span,
                    help=f"write `{fn.signature}`",
                )
            return ir.CallExpr(e.name, args, e.span), fn.returns
        if isinstance(e, ast.ListLit):
            return ir.ListExpr(tuple(self.expr(i, ctx, scope)[0] for i in e.items)), "list"
        if isinstance(e, ast.MapLit):
            return ir.MapExpr(tuple((k, self.expr(v, ctx, scope)[0]) for k, v in e.entries)), "map"
        raise TypeError(f"not an expression: {e!r}")

    def _var(self, path: tuple[str, ...], span: Span, ctx: _Context, scope: Scope) -> tuple[ir.Expr, str]:
        name = path[0]
        var = scope.lookup(name)
        if var is None:
            if name in CONSTANT_WORDS and len(path) == 1:
                return ir.Const(CONSTANT_WORDS[name], "bool"), "bool"
            hint = self._indirect_hint(ctx.module, "var", name) or did_you_mean(name, scope.all_names())
            if name in ctx.names.flows:
                hint = f"`{name}` is a flow; call it on its own line as `{name}(…)`"
            elif name in _KEY_NAMES and len(path) == 1:
                hint = f'key names are quoted strings: write `"{name}"`'
            self.error(
                "PAN202",
                f"`{name}` is not defined",
                span,
                help=hint or "define it with `let` (or `secret`) before using it",
            )
            return ir.VarRef(name, span, path[1:]), "any"
        var.used = True
        typ = var.type if len(path) == 1 else "any"
        return ir.VarRef(var.id, span, path[1:]), typ


def _known_mistake(items: tuple[ast.Item, ...], miss: Miss) -> str | None:
    """A did-you-mean for forms other tools use: `click button "Add"`, `expect title "About"`."""
    at = miss.position
    if not (0 < at < len(items)) or not isinstance(items[at], ast.Str):
        return None
    before = items[at - 1]
    if isinstance(before, ast.Word) and before.text in _ROLES and not (at >= 2 and _word_is(items[at - 2], "role")):
        fixed = _source_words((*items[: at - 1], ast.Word("role", before.span), *items[at - 1 :]))
        return f'did you mean `{fixed}`? roles are targets written `role {before.text} "…"`' if fixed else None
    if at == 2 and _word_is(items[0], "expect") and isinstance(before, ast.Word) and before.text in ("title", "url"):
        fixed = _source_words((*items[:2], ast.Word("is", before.span), *items[2:]))
        return f"did you mean `{fixed}`? (or `expect {before.text} contains …`)" if fixed else None
    return None


MAX_FORMS_SHOWN = 6


def _closest_forms(items: tuple[ast.Item, ...], forms: list[str]) -> str:
    """The forms a PAN308 help lists: the closest to what was written first, and how many more exist."""
    from difflib import SequenceMatcher  # only for messages

    written = [item.text for item in items if isinstance(item, ast.Word)]
    text = " ".join(written)

    def closeness(form: str) -> tuple[int, float, str]:
        words = {w for part in form.split() if not part.startswith("<") for w in part.strip("[]").split("|")}
        shared = sum(1 for w in written if w in words)
        literal = " ".join(p.strip("[]") for p in form.split() if not p.startswith(("<", "[")))
        return -shared, -SequenceMatcher(None, text, literal).ratio(), form

    ranked = sorted(forms, key=closeness)
    shown = "; ".join(f"`{f}`" for f in ranked[:MAX_FORMS_SHOWN])
    if len(ranked) <= MAX_FORMS_SHOWN:
        return ("the form is: " if len(ranked) == 1 else "the forms are: ") + shown
    more = len(ranked) - MAX_FORMS_SHOWN
    return f"the closest forms: {shown}; and {more} more in docs/statements.md"


def _spaced_unit(items: tuple[ast.Item, ...], miss: Miss) -> tuple[str, Span, str, Fix] | None:
    """Message, span, help and fix for a number followed by a unit word (`within 5 sec`, `by 200 px`), or None."""
    at = miss.position
    if not (0 < at < len(items)) or not isinstance(items[at], ast.Word) or not isinstance(items[at - 1], ast.Num):
        return None
    number, unit = items[at - 1], items[at]
    found = unit_mistake(f"{number.raw} {unit.text}", number.raw, unit.text)
    if found is None:
        return None
    message, replacement = found
    span = Span(
        number.span.file,
        number.span.start,
        unit.span.end,
        number.span.line,
        number.span.col,
        unit.span.end_line,
        unit.span.end_col,
    )
    before = items[at - 2] if at >= 2 and isinstance(items[at - 2], ast.Word) else None
    shown = f"{before.text} {replacement}" if before is not None else replacement
    return message, span, f"write `{shown}`", Fix(span, replacement, f"write {replacement}")


def _word_is(item: ast.Item, text: str) -> bool:
    return isinstance(item, ast.Word) and item.text == text


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).replace("-", "_").lower()


def _a(typ: str) -> str:
    return {
        "string": "text",
        "number": "a number",
        "duration": "a duration",
        "size": "a size",
        "list": "a list",
        "map": "a map",
        "bool": "true/false",
    }.get(typ, typ)


def _word(item: Any) -> str:
    return item.text if isinstance(item, ast.Word) else "statement"


def _raw_text(raw: Any) -> str:
    if isinstance(raw, ast.Num):
        return raw.raw
    if isinstance(raw, ast.Var):
        return raw.name
    return str(raw)


def _stmt_span(stmt: Any) -> Span:
    return stmt.head_span if isinstance(stmt, ast.Statement) else stmt.span


def _direct_flow_calls(scenario: ir.Scenario) -> list[str]:
    """The flows called in a scenario's own steps (setup, body, teardown), in the order found."""
    out: list[str] = []
    for steps in (scenario.setup, scenario.body, scenario.teardown):
        _collect_flow_calls(steps, out)
    return out


def _collect_flow_calls(steps: Iterable[ir.AnyStep], out: list[str]) -> None:
    """Append the flows that the steps call, nested steps included, in source order."""
    for step in steps:
        if isinstance(step, ir.CallFlow):
            out.append(step.flow)
        elif step.body or step.orelse:
            _collect_flow_calls(step.body, out)
            _collect_flow_calls(step.orelse, out)


_UNKNOWN = object()


def _constant(expr: Any) -> Any:
    """The value of a literal, or of a list or map made only of literals (for family checks); else _UNKNOWN."""
    if isinstance(expr, ir.Const):
        return expr.value
    if isinstance(expr, ir.ListExpr):
        items = [_constant(item) for item in expr.items]
        return _UNKNOWN if any(item is _UNKNOWN for item in items) else tuple(items)
    if isinstance(expr, ir.MapExpr):
        entries = {key: _constant(value) for key, value in expr.entries}
        return _UNKNOWN if any(value is _UNKNOWN for value in entries.values()) else entries
    return _UNKNOWN


def _referenced_names(value: Any) -> list[str]:
    if isinstance(value, ast.Var):
        return [value.name]
    if isinstance(value, ast.Str):
        return [p.path[0] for p in value.parts if isinstance(p, ast.Interp)]
    if isinstance(value, ast.Call):
        return [n for a in value.args for n in _referenced_names(a)]
    return []
