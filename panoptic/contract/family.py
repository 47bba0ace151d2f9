"""Statement families: the one seam through which statements reach the compiler, the runtime, docs and editors.

A family is one package that bundles, for a group of statements:

* `statements`: their signatures (`statement_def(...)`), with IR actions named `<family>.<operation>`;
* `rules`: the diagnostic codes its check hook and runtime emit (registered when the family loads);
* `check`: a static hook the compiler calls once per matched statement with the statement's arguments
  and their spans (`CheckRequest`); it returns diagnostics and must import nothing heavy;
* `runtime`: "module:Class" of its run handler (a `FamilyRuntime`), imported only by `panoptic run`;
* `commands`: optional "module:function" adding commands to the `panoptic` command line;
* `healer`: optional "module:Class" of a `TargetHealer` (`panoptic.contract.healing`) for self-healing targets;
* `app_settings` / `app_check`: app settings the family reads on any platform and the static hook that
  judges them per app declaration.

The built-in families are listed in `BUILTIN_FAMILIES`; third-party families register a `Family`
object in the `panoptic.families` entry point group and are found by the compiler, the runtime, the
docs generator, the editor grammar generator and the language server alike. A family that fails to
load is reported (PAN006), never skipped silently.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panoptic.contract.statements import StatementDef
from panoptic.frozen import frozen
from panoptic.source import Span

if TYPE_CHECKING:
    from panoptic.contract.steps import (
        POLL_INTERVAL,
        BaseRuntime,
        BlockFailed,
        BlockRunner,
        FamilyRuntime,
        RunContext,
        StepContext,
        StepResult,
    )
    from panoptic.diagnostics.model import Diagnostic
    from panoptic.diagnostics.rules import Rule

__all__ = [
    "BUILTIN_FAMILIES",
    "POLL_INTERVAL",
    "AppCheckHook",
    "AppCheckRequest",
    "Argument",
    "BaseRuntime",
    "BlockFailed",
    "BlockRunner",
    "CheckHook",
    "CheckRequest",
    "Family",
    "FamilyRuntime",
    "RunContext",
    "StepContext",
    "StepResult",
    "families",
]

# What a runtime gets and gives lives in `panoptic.contract.steps` (`panoptic check` never loads it);
# these names are re-exported from here on first use.
_RUN_TIME_NAMES = frozenset(
    {
        "POLL_INTERVAL",
        "BaseRuntime",
        "BlockFailed",
        "BlockRunner",
        "FamilyRuntime",
        "RunContext",
        "StepContext",
        "StepResult",
    }
)


def __getattr__(name: str) -> Any:
    if name not in _RUN_TIME_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from panoptic.contract import steps

    value = getattr(steps, name)
    globals()[name] = value
    return value


BUILTIN_FAMILIES = (
    "panoptic.families.control:FAMILY",
    "panoptic.families.ui:FAMILY",
    "panoptic.families.expect:FAMILY",
    "panoptic.families.ai:FAMILY",
    "panoptic.families.enterprise:FAMILY",
    "panoptic.families.cloud:FAMILY",
)


@frozen
class Argument:
    """One argument of a statement as the static check sees it."""

    span: Span
    value: Any = None  # the value when it is known before the run (a literal), else None
    known: bool = False
    secret: bool = False  # the value comes from a `secret`
    plain_literal: bool = False  # a string literal written in the file (not a variable or a call)


@frozen
class CheckRequest:
    """What a family's `check` hook gets for one statement."""

    statement: StatementDef
    span: Span
    arguments: Mapping[str, Argument]
    platform: str | None  # the app's platform; None inside a flow (checked per calling scenario)
    settings: Mapping[str, Any]  # the app's settings (empty inside a flow)
    base_dir: Path  # the folder of the file the statement is in

    def literal(self, name: str, default: Any = None) -> Any:
        """The argument's value when known at check time, else `default`."""
        arg = self.arguments.get(name)
        return arg.value if arg is not None and arg.known else default

    def span_of(self, name: str) -> Span:
        """The span of an argument (the statement's span when the argument is absent)."""
        arg = self.arguments.get(name)
        return arg.span if arg is not None else self.span


CheckHook = Callable[[CheckRequest], Iterable["Diagnostic"]]


@frozen
class AppCheckRequest:
    """What a family's `app_check` hook gets for one app declaration."""

    app: str
    platform: str
    settings: Mapping[str, Any]  # the values of the settings the platform accepts (defaults included)
    written: Mapping[str, tuple[Any, Span]]  # every setting written, with its value and the span of its key
    span: Span  # the app's name
    platform_settings: frozenset[str] = frozenset()  # the names of the settings the platform accepts


AppCheckHook = Callable[[AppCheckRequest], Iterable["Diagnostic"]]


@frozen
class Family:
    """A statement family (see the module docstring)."""

    name: str
    summary: str
    statements: tuple[StatementDef, ...]
    rules: tuple[Rule, ...] = ()
    check: CheckHook | str | None = None  # a function, or "module:function" imported when first needed
    checked: frozenset[str] | None = None  # the IR actions `check` looks at (None: every statement of the family)
    runtime: str | None = None  # "module:Class" of a FamilyRuntime
    commands: str | None = None  # "module:function(typer_app)"
    # "module:function(output_dir, *, project_dir) -> lines": once a run's reports are written (a final upload)
    finish: str | None = None
    healer: str | None = None  # "module:Class" of a TargetHealer (panoptic.contract.healing), for `heal: on`
    # App settings this family judges on every platform (no PAN303 for them), and its hook that does:
    # app_check(AppCheckRequest) -> diagnostics, e.g. `heal: on` on a platform that cannot query targets.
    app_settings: tuple[str, ...] = ()
    app_check: AppCheckHook | str | None = None
    title: str = ""  # the section title in the statement reference (default: the name)
    docs: str = ""  # a paragraph for the statement reference

    def hook(self, name: str) -> Callable[..., Any] | None:
        """The `check`, `app_check` or `finish` hook as a function: one named "module:function" is imported on first use,
        so that `panoptic check` loads a family's checking code only when a file uses the family."""
        value = getattr(self, name)
        return _load_hook(value) if isinstance(value, str) else value


@functools.cache
def _load_hook(path: str) -> Callable[..., Any]:
    from panoptic.contract.platform import load_object

    return load_object(path)


_LOADED: dict[bool, tuple[Family, ...]] = {}


def families(*, plugins: bool = True) -> tuple[Family, ...]:
    """The built-in families, plus those of installed plugins unless `plugins=False`.

    Loading a family registers its diagnostic rules. Plugins that fail to load are recorded in
    `panoptic.contract.plugins.problems()`.
    """
    cached = _LOADED.get(plugins)
    if cached is not None:
        return cached
    from panoptic.contract.platform import load_object
    from panoptic.contract.plugins import load_entry_points

    found: dict[str, Family] = {}
    for path in BUILTIN_FAMILIES:
        family = load_object(path)
        found[family.name] = family
    if plugins:
        for family in load_entry_points("panoptic.families", Family):
            found.setdefault(family.name, family)
    result = tuple(found.values())
    for family in result:
        _register_rules(family)
    _LOADED[plugins] = result
    return result


def _register_rules(family: Family) -> None:
    from panoptic.diagnostics.rules import RULES

    for rule in family.rules:
        known = RULES.get(rule.code)
        if known is None:
            RULES[rule.code] = rule
        elif known != rule:
            raise ValueError(f"rule {rule.code} of the `{family.name}` family is already registered differently")
