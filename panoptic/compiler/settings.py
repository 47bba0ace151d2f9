"""An app's settings read against its platform's spec: types, choices, ranges, files, defaults.

The compiler's `Lowerer` hands each `app` declaration to `SettingsReader.read`, which reports each
problem through the lowerer's `error` (PAN303-PAN305, PAN307) and returns the settings the IR keeps.
Setting values are literals or `env()` calls, known before the run (`static_value`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from panoptic.compiler.files import resolved
from panoptic.contract import PlatformSpec
from panoptic.diagnostics import Fix, Label, did_you_mean
from panoptic.source import Span
from panoptic.syntax import ast

CONSTANT_WORDS = {"true": True, "false": False}


class _Invalid:
    """The value of a setting expression that is not known before the run."""


INVALID: Any = _Invalid()

_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "dir": str,
    "path": str,
    "choice": str,
    "number": (int, float),
    "duration": float,
    "size": tuple,
    "bool": bool,
    "list": list,
    "map": dict,
}


def _out_of_range(key: str, typ: str, value: Any) -> tuple[str, str] | None:
    """(problem, help) when a well-typed setting value is out of its range, else None."""
    if typ == "size" and min(value) < 1:
        return "needs a width and a height of at least 1", "write a size like `1280x720`"
    if typ == "duration" and key == "timeout" and value <= 0:
        return "needs a duration above zero", "write a timeout like `10s`; every wait would fail at once"
    if key == "confidence" and typ == "number" and not 0 <= value <= 1:
        return "needs a number from 0 to 1", "0.8 is the default: the share of the image that must match"
    return None


def _too_wide_to_serve(path: Path) -> bool:
    """`/` or the home folder (after resolving links): serving it would publish every file on the machine."""
    real = path.resolve()
    try:
        home = Path.home().resolve()
    except (RuntimeError, KeyError):
        home = None
    return real == Path(real.anchor) or real == home


class SettingsReader:
    """Reads app settings, reporting problems through `error` and noting the files it looked at in `fs_checks`."""

    def __init__(
        self, error: Callable[..., None], fs_checks: list[tuple[str, str, bool]], family_settings: frozenset[str]
    ) -> None:
        self.error = error
        self.fs_checks = fs_checks
        self.family_settings = family_settings  # settings a family reads on any platform (`heal`)

    def read(self, decl: ast.App, spec: PlatformSpec, path: str) -> dict[str, Any]:
        """The app's settings with defaults filled in and `base_dir` added; each problem reported on the way."""
        values: dict[str, Any] = {}
        base = Path(path).resolve().parent
        seen: dict[str, Span] = {}
        for setting in decl.settings:
            known = spec.setting(setting.key)
            if known is None and setting.key in self.family_settings:
                continue  # a family's setting: its `app_check` says whether it applies to this platform
            if known is None:
                hint = did_you_mean(setting.key, [s.name for s in spec.settings])
                self.error(
                    "PAN303",
                    f"`{setting.key}` is not a setting of {spec.name} apps",
                    setting.key_span,
                    help=hint or "settings: " + ", ".join(s.name for s in spec.settings),
                )
                continue
            if setting.key in seen:
                self.error(
                    "PAN303",
                    f"`{setting.key}` is set twice",
                    setting.key_span,
                    labels=(Label(seen[setting.key], "first set here"),),
                )
                continue
            seen[setting.key] = setting.key_span
            value = self._value(setting, known.type, known.choices, base)
            if value is not INVALID:
                values[setting.key] = value
        for s in spec.settings:
            if s.required and s.name not in values and s.name not in seen:
                self.error(
                    "PAN304",
                    f"{spec.name} app `{decl.name}` needs a `{s.name}` setting",
                    decl.name_span,
                    help=f"add `{s.name}: …` ({s.summary})",
                )
        for group in spec.required_one_of:
            if not any(name in values or name in seen for name in group):
                self.error(
                    "PAN304",
                    f"{spec.name} app `{decl.name}` needs one of: " + ", ".join(group),
                    decl.name_span,
                    help=" or ".join(f"`{n}: …`" for n in group),
                )
        for s in spec.settings:
            if s.default is not None and s.name not in values:
                values[s.name] = s.default
        values["base_dir"] = str(base)
        return values

    def _value(self, setting: ast.Setting, typ: str, choices: tuple[str, ...], base: Path) -> Any:
        value = static_value(setting.value)
        span = setting.value.span
        if value is INVALID:
            self.error(
                "PAN305",
                f"`{setting.key}` must be a literal value or an env() call",
                span,
                help='settings are resolved before the run; use a literal or env("NAME", "default")',
            )
            return INVALID
        expected = _PYTHON_TYPES[typ]
        if typ == "duration" and isinstance(setting.value, ast.Num):
            self.error(
                "PAN305",
                f"`{setting.key}` needs a duration, found the number {setting.value.raw}",
                span,
                help=f"add a unit, e.g. `{setting.value.raw}s`",
                fix=Fix(span, f"{setting.value.raw}s", "add seconds"),
            )
            return INVALID
        if (isinstance(value, bool) and typ == "number") or not _is_a(value, expected):
            shown = {
                "size": "a size like 1280x720",
                "duration": "a duration like 10s",
                "bool": "true or false",
                "map": "a map like {key: value}",
                "list": "a list like [a, b]",
            }.get(typ, f"a {typ}")
            self.error("PAN305", f"`{setting.key}` needs {shown}", span)
            return INVALID
        if typ == "choice" and value not in choices:
            self.error(
                "PAN305",
                f"`{setting.key}` must be one of: " + ", ".join(choices),
                span,
                help=did_you_mean(value, choices),
            )
            return INVALID
        problem = _out_of_range(setting.key, typ, value)
        if problem is not None:
            self.error(
                "PAN305",
                f"`{setting.key}` {problem[0]}, found {getattr(setting.value, 'raw', value)}",
                span,
                help=problem[1],
            )
            return INVALID
        if typ in ("dir", "path"):
            path = resolved(base / value)
            if setting.key == "serve" and path.is_dir() and _too_wide_to_serve(path):
                self.error(
                    "PAN305",
                    f"`serve` would publish {'the whole file system' if path.resolve() == Path('/') else 'your home folder'}",
                    span,
                    help='serve the folder that holds the site, e.g. `serve: "./site"`',
                )
                return INVALID
            ok = path.is_dir() if typ == "dir" else path.exists()
            self.fs_checks.append((str(path), typ, ok))
            if not ok and not (typ == "path" and "://" in value):
                self.error(
                    "PAN307",
                    f"{'folder' if typ == 'dir' else 'file'} `{value}` does not exist",
                    span,
                    help=f"looked for {path}; paths are relative to this file",
                )
                return INVALID
            return str(path) if "://" not in value else value
        return value


def static_value(expr: ast.Expr) -> Any:
    """The value of a setting expression, known at compile time (INVALID when it is not)."""
    if isinstance(expr, ast.Str):
        return expr.text if expr.is_plain else INVALID
    if isinstance(expr, ast.Num):
        return expr.value
    if isinstance(expr, ast.Duration):
        return expr.seconds
    if isinstance(expr, ast.Size):
        return (expr.width, expr.height)
    if isinstance(expr, ast.Var) and len(expr.path) == 1 and expr.name in CONSTANT_WORDS:
        return CONSTANT_WORDS[expr.name]
    if isinstance(expr, ast.Var) and len(expr.path) == 1:
        return expr.name  # a bare word: `browser: chromium`
    if isinstance(expr, ast.ListLit):
        items = [static_value(i) for i in expr.items]
        return INVALID if any(i is INVALID for i in items) else items
    if isinstance(expr, ast.MapLit):
        entries = {k: static_value(v) for k, v in expr.entries}
        return INVALID if any(v is INVALID for v in entries.values()) else entries
    if isinstance(expr, ast.Call) and expr.name == "env" and 1 <= len(expr.args) <= 2:
        args = [static_value(a) for a in expr.args]
        if any(a is INVALID for a in args):
            return INVALID
        value = os.environ.get(str(args[0]))
        if value is None:
            return args[1] if len(args) == 2 else ""
        return value
    return INVALID


def _is_a(value: Any, expected: type | tuple[type, ...]) -> bool:
    """isinstance without narrowing `value` for the type checker (the expected type is looked up at run time)."""
    return isinstance(value, expected)
