"""Platforms as the compiler knows them: settings, capabilities and target kinds, without a driver.

A platform declares, without importing its driver:
  * `settings`: the app settings it accepts (checked by the compiler),
  * `capabilities`: the registry capability names it can perform
    (`click`, `fill`, `navigate`, `query.text`, …). The compiler rejects a
    statement whose capability the app's platform lacks (PAN306),
  * `target_kinds`: the target kinds it can locate (PAN312 otherwise).

Platforms are found through the `panoptic.platforms` entry point group. The
built-in ones (web, desktop, mobile) are read straight from their spec modules
so that `panoptic check` needs no `importlib.metadata` scan; `platforms()` is
the one lookup every stage uses.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from panoptic.contract.errors import InfrastructureError
from panoptic.contract.plugins import load_entry_points
from panoptic.frozen import frozen

# "module:NAME" of the built-in platform specs; the modules import nothing heavy.
BUILTIN_PLATFORMS = (
    "panoptic.backends.web.spec:WEB",
    "panoptic.backends.desktop.spec:DESKTOP",
    "panoptic.backends.mobile.spec:MOBILE",
)

INSTALL_HINTS = {
    "web": "Playwright comes with Panoptic: pip install panoptic-lang (and Chromium: apt-get install chromium)",
    "desktop": "install the desktop extra: pip install 'panoptic-lang[desktop]' (and Xvfb: apt-get install xvfb)",
    "mobile": "install the mobile extra: pip install 'panoptic-lang[mobile]' and start an Appium server",
}


@frozen
class SettingSpec:
    """One app setting: its type (string, number, duration, size, bool, path, dir, list, map, choice)."""

    name: str
    type: str
    summary: str
    default: Any = None
    choices: tuple[str, ...] = ()
    required: bool = False


@frozen
class PlatformSpec:
    """What the compiler knows about a platform without loading its driver."""

    name: str
    summary: str
    backend: str  # "module:Class", imported only when a scenario runs
    settings: tuple[SettingSpec, ...]
    capabilities: frozenset[str]
    target_kinds: frozenset[str]
    # Groups of settings of which at least one is needed, e.g. (("url", "serve"),).
    required_one_of: tuple[tuple[str, ...], ...] = ()
    # Capabilities available only when an app sets a setting, e.g. (("navigate", "browser"),).
    conditional: tuple[tuple[str, str], ...] = ()
    # "module:function" checks run by the compiler on an app's settings (must import nothing heavy):
    #   validator(settings) -> list of one-line problems (PAN305)
    #   limits(settings) -> {capability: reason} ruled out by these settings (PAN306)
    validator: str | None = None
    limits: str | None = None
    #   environment([settings of each app]) -> {name: version} shown in the report's environment
    environment: str | None = None
    # Modules of the driver's client library the backend imports when it starts (e.g. Playwright's): the fork
    # server of `-w N` and `--cluster local:N` imports them once for all its workers. Importing them must start
    # nothing (no thread, no process).
    driver_modules: tuple[str, ...] = ()

    def hook(self, name: str):
        """The named settings hook as a function, or None."""
        path = getattr(self, name)
        if not path:
            return None
        import importlib

        module, _, attr = path.partition(":")
        return getattr(importlib.import_module(module), attr)

    def setting(self, name: str) -> SettingSpec | None:
        return next((s for s in self.settings if s.name == name), None)


COMMON_SETTINGS = (SettingSpec("timeout", "duration", "default timeout of actions and expectations", default=10.0),)
BASE_QUERIES = frozenset({"query.visible", "query.text"})


def load_object(path: str) -> Any:
    """Import "module:attribute" and return the attribute."""
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


@lru_cache(maxsize=2)
def platforms(*, plugins: bool = True) -> dict[str, PlatformSpec]:
    """Every known platform spec by name.

    `plugins=False` gives the built-in platforms only (no entry point scan: `check` stays fast);
    `plugins=True` also loads third-party platforms from the `panoptic.platforms` entry point group.
    """
    found = {spec.name: spec for spec in (load_object(path) for path in BUILTIN_PLATFORMS)}
    if plugins:
        for spec in load_entry_points("panoptic.platforms", PlatformSpec):
            found.setdefault(spec.name, spec)
    return found


def load_backend_class(spec: PlatformSpec) -> type:
    """Import the class that drives a platform (heavy: only `panoptic run` calls this).

    A missing module or driver is an InfrastructureError that says how to install it.
    """
    try:
        return load_object(spec.backend)
    except (ImportError, AttributeError) as exc:
        raise InfrastructureError(
            f"the {spec.name} backend ({spec.backend}) cannot be loaded: {exc}",
            help=INSTALL_HINTS.get(spec.name, f"install the package that provides {spec.backend}"),
        ) from None
