"""Finding platform specs and driving backend lifecycles for one worker.

Platform specs come from the `panoptic.platforms` entry point group (the
built-in web, desktop and mobile specs are registered there too); when the
package is used from a source tree without being installed, the built-in
specs are used directly. `spec.backend` ("module:Class") is imported only when
the first scenario on an app of that platform runs.

`BackendPool` keeps one backend instance per app, `start()`s it on first use,
restarts it after a crash, and remembers an infrastructure failure so the
remaining scenarios on that app are skipped with the same reason.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from panoptic.backends.base import PlatformSpec
from panoptic.compiler.ir import AppDef, Program
from panoptic.runtime.errors import InfrastructureError, StepError

_INSTALL_HINTS = {
    "web": "install the web extra: pip install 'panoptic[web]' (and Chromium: apt-get install chromium)",
    "desktop": "install the desktop extra: pip install 'panoptic[desktop]' (and Xvfb: apt-get install xvfb)",
    "mobile": "install the mobile extra: pip install 'panoptic[mobile]' and start an Appium server",
}


def platform_specs() -> dict[str, PlatformSpec]:
    """Every known platform spec by name: entry points first, then the built-in specs."""
    from panoptic.backends import specs as builtin

    found: dict[str, PlatformSpec] = {s.name: s for s in (builtin.WEB, builtin.DESKTOP, builtin.MOBILE)}
    try:
        from importlib.metadata import entry_points

        for ep in entry_points(group="panoptic.platforms"):
            try:
                spec = ep.load()
            except Exception:  # a broken plugin must not stop the built-in platforms
                continue
            if isinstance(spec, PlatformSpec):
                found[spec.name] = spec
    except Exception:
        pass
    return found


def load_backend_class(path: str, platform: str) -> type:
    """Import "module:Class"; a missing module or driver is an infrastructure error with the fix."""
    module_name, _, class_name = path.partition(":")
    try:
        module = importlib.import_module(module_name)
        return getattr(module, class_name)
    except (ImportError, AttributeError) as exc:
        raise InfrastructureError(
            f"the {platform} backend ({path}) cannot be loaded: {exc}",
            help=_INSTALL_HINTS.get(platform, f"install the package that provides {path}"),
        ) from None


class BackendPool:
    """One live backend per app for the current process."""

    def __init__(
        self,
        program: Program,
        *,
        headed: bool = False,
        overrides: Mapping[str, str] | None = None,
    ) -> None:
        self.program = program
        self.headed = headed
        self.overrides = dict(overrides or {})
        self._specs: dict[str, PlatformSpec] | None = None
        self._backends: dict[str, Any] = {}
        self._started: set[str] = set()
        self._broken: dict[str, InfrastructureError] = {}

    def spec_backend_path(self, app: AppDef) -> str:
        if app.platform in self.overrides:
            return self.overrides[app.platform]
        if self._specs is None:
            self._specs = platform_specs()
        spec = self._specs.get(app.platform)
        if spec is None:
            raise InfrastructureError(
                f"no platform named `{app.platform}` is installed",
                help="install the plugin that provides it (entry point group `panoptic.platforms`)",
            )
        return spec.backend

    def acquire(self, app_name: str) -> Any:
        """The started backend of an app; raises InfrastructureError (remembered for later calls)."""
        if app_name in self._broken:
            raise self._broken[app_name]
        app = self.program.app(app_name)
        try:
            backend = self._backends.get(app_name)
            if backend is None:
                cls = load_backend_class(self.spec_backend_path(app), app.platform)
                backend = cls(app, headed=self.headed)
                self._backends[app_name] = backend
            if app_name not in self._started:
                backend.start()
                self._started.add(app_name)
            return backend
        except InfrastructureError as exc:
            self._broken[app_name] = exc
            raise
        except StepError as exc:
            err = InfrastructureError(exc.message, help=exc.help)
            self._broken[app_name] = err
            raise err from None
        except Exception as exc:
            err = InfrastructureError(
                f"the {app.platform} backend could not start: {type(exc).__name__}: {exc}",
                help=_INSTALL_HINTS.get(app.platform),
            )
            self._broken[app_name] = err
            raise err from None

    def broken(self, app_name: str) -> InfrastructureError | None:
        return self._broken.get(app_name)

    def crashed(self, app_name: str) -> None:
        """The app's session died: stop its backend so the next `acquire` starts it afresh."""
        backend = self._backends.get(app_name)
        if backend is not None and app_name in self._started:
            _quietly(backend.stop)
            self._started.discard(app_name)

    def close(self) -> None:
        """Stop every started backend (errors are swallowed: stopping must not hide the run's result)."""
        for name in list(self._started):
            _quietly(self._backends[name].stop)
        self._started.clear()


def _quietly(fn: Any, *args: Any) -> None:
    try:
        fn(*args)
    except Exception:
        pass
