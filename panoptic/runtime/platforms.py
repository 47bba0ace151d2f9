"""Finding platform specs and driving backend lifecycles for one worker.

Platform specs come from the `panoptic.platforms` entry point group (the
built-in web, desktop and mobile specs are registered there too); when the
package is used from a source tree without being installed, the built-in
specs are used directly. `spec.backend` ("module:Class") is imported only when
the first scenario on an app of that platform runs.

`BackendPool` keeps one backend instance per app, `start()`s it on first use,
restarts it after a crash, and remembers an infrastructure failure so the
remaining scenarios on that app are skipped with the same reason. A pool may
outlive one run (`reuse`): the pytest plugin keeps one per process, so its
scenarios share a browser the way the scenarios of one `panoptic run` do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from panoptic.compiler.ir import AppDef, Program
from panoptic.contract.errors import InfrastructureError, StepError
from panoptic.contract.family import RunContext
from panoptic.contract.platform import INSTALL_HINTS, load_backend_class, platforms
from panoptic.runtime.families import FamilyPool


class BackendPool:
    """One live backend per app for the current process."""

    def __init__(
        self,
        program: Program,
        *,
        headed: bool = False,
        overrides: Mapping[str, str] | None = None,
        run: RunContext | None = None,
    ) -> None:
        self.program = program
        self.families = FamilyPool(run or RunContext(output_dir=Path.cwd(), project_dir=Path.cwd()))
        self.headed = headed
        self.overrides = dict(overrides or {})
        self._backends: dict[str, Any] = {}
        self._started: set[str] = set()
        self._broken: dict[str, InfrastructureError] = {}

    def backend_class(self, app: AppDef) -> type:
        spec = platforms().get(app.platform)
        if spec is None:
            raise InfrastructureError(
                f"no platform named `{app.platform}` is installed",
                help="install the plugin that provides it (entry point group `panoptic.platforms`)",
            )
        if app.platform in self.overrides:
            spec = replace(spec, backend=self.overrides[app.platform])
        return load_backend_class(spec)

    def acquire(self, app_name: str) -> Any:
        """The started backend of an app; raises InfrastructureError (remembered for later calls)."""
        if app_name in self._broken:
            raise self._broken[app_name]
        app = self.program.app(app_name)
        try:
            backend = self._backends.get(app_name)
            if backend is None:
                cls = self.backend_class(app)
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
                help=INSTALL_HINTS.get(app.platform),
            )
            self._broken[app_name] = err
            raise err from None

    def reuse(self, program: Program, run: RunContext) -> None:
        """Serve another run with the backends still live: an app of `program` defined as before (same name,
        platform and settings) keeps its started backend; the other backends are stopped. Family runtimes belong
        to one run: they start afresh for `run`. Infrastructure failures are forgotten (a new run tries again)."""
        self.families.close()
        self.families = FamilyPool(run)
        new = {app.name: app for app in program.apps}
        for name in list(self._backends):
            old = next((a for a in self.program.apps if a.name == name), None)
            app = new.get(name)
            if old is None or app is None or (old.platform, old.settings) != (app.platform, app.settings):
                if name in self._started:
                    _quietly(self._backends[name].stop)
                    self._started.discard(name)
                del self._backends[name]
        self._broken.clear()
        self.program = program

    def broken(self, app_name: str) -> InfrastructureError | None:
        return self._broken.get(app_name)

    def crashed(self, app_name: str) -> None:
        """The app's session died: stop its backend so the next `acquire` starts it afresh."""
        backend = self._backends.get(app_name)
        if backend is not None and app_name in self._started:
            _quietly(backend.stop)
            self._started.discard(app_name)

    def close(self) -> None:
        """Stop every started family runtime and backend (errors are swallowed: stopping must not hide the run's result)."""
        self.families.close()
        for name in list(self._started):
            _quietly(self._backends[name].stop)
        self._started.clear()


def _quietly(fn: Any, *args: Any) -> None:
    try:
        fn(*args)
    except Exception:
        pass
