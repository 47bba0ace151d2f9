"""The backend protocol shared by the web, desktop and mobile platforms.

A backend is thin: it performs one action or answers one query against the
real thing (a Playwright page, an X display, an Appium session). The
interpreter owns everything around it: evaluating arguments, waiting and
retrying assertions, timeouts, events, secrets and artifact bookkeeping.

A platform declares, without importing its driver:
  * `settings`: the app settings it accepts (checked by the compiler),
  * `capabilities`: the registry capability names it can perform
    (`click`, `fill`, `navigate`, `query.text`, …). The compiler rejects a
    statement whose capability the app's platform lacks (PAN306),
  * `target_kinds`: the target kinds it can locate (PAN312 otherwise).

Backends are registered through the `panoptic.backends` entry point group,
the built-in ones included, so third-party platforms plug in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:  # `panoptic check` reads the platform specs and needs neither
    from panoptic.compiler.ir import AppDef
    from panoptic.runtime.events import Artifact


@dataclass(frozen=True)
class SettingSpec:
    """One app setting: its type (string, number, duration, size, bool, path, dir, list, map, choice)."""

    name: str
    type: str
    summary: str
    default: Any = None
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class ResolvedTarget:
    """A target with its expressions evaluated: what a backend actually looks for."""

    kind: str
    value: str | None = None
    role: str | None = None
    point: tuple[float, float] | None = None
    exact: bool = False

    def describe(self) -> str:
        if self.kind == "css":
            return repr(self.value)
        if self.kind == "point":
            assert self.point is not None
            return f"at {self.point[0]:g}, {self.point[1]:g}"
        if self.kind == "role":
            return f"role {self.role}" + (f" {self.value!r}" if self.value is not None else "")
        return f"{self.kind} {self.value!r}"


@dataclass
class ScenarioContext:
    """What a backend gets for one scenario attempt."""

    scenario_id: str
    title: str
    artifacts_dir: Path  # created by the interpreter; backends write only here
    secrets: tuple[str, ...]  # values to mask (never log or store these)
    default_timeout: float  # seconds
    record_video: bool = False
    headed: bool = False
    written: list[Artifact] = field(default_factory=list)

    def artifact(self, kind: str, filename: str, name: str = "") -> tuple[Path, Artifact]:
        """A path inside the scenario's folder, recorded as an artifact of this scenario."""
        from panoptic.runtime.events import Artifact

        path = self.artifacts_dir / filename
        rel = path.relative_to(self.artifacts_dir.parent.parent).as_posix()
        art = Artifact(kind=kind, path=rel, name=name or filename)
        self.written.append(art)
        return path, art


class Backend(Protocol):
    """A live platform session for one worker.

    Lifecycle: `start()` once per worker; per scenario attempt
    `begin(ctx)` … `perform`/`query` … `end(ctx, failed)`; `stop()` at the end.
    After `BackendCrashed`, the interpreter calls `end` (which must not raise)
    and `begin` again for the next scenario.
    """

    spec: ClassVar[PlatformSpec]

    def __init__(self, app: AppDef, *, headed: bool = False) -> None: ...

    def start(self) -> None:
        """Acquire process-level resources (browser, display, server connection)."""

    def begin(self, ctx: ScenarioContext) -> None:
        """Start a fresh, isolated session for a scenario (context/page, app process, driver session)."""

    def perform(self, capability: str, args: dict[str, Any], timeout: float) -> Any:
        """Do one action (`click`, `fill`, `navigate`, …), auto-waiting up to `timeout` seconds for its target.

        Raises TargetNotFound (with did-you-mean candidates), ActionFailed,
        NavigationFailed, BackendCrashed. Returns an Artifact for capabilities that write one.
        """

    def query(self, capability: str, args: dict[str, Any]) -> Any:
        """Answer one probe at once, without waiting (`query.visible`, `query.text`, …).

        The interpreter polls queries until an assertion holds or its timeout passes.
        """

    def suggest(self, target: ResolvedTarget) -> tuple[str, ...]:
        """Targets on screen that look like `target`, for did-you-mean in failures."""

    def capture_failure(self, ctx: ScenarioContext) -> None:
        """Save what helps explain a failure (screenshot, page HTML, …) via `ctx.artifact`; must not raise."""

    def end(self, ctx: ScenarioContext, failed: bool) -> None:
        """Close the scenario's session and finalise its artifacts (video, trace); must not raise."""

    def stop(self) -> None:
        """Release everything `start` acquired; must not raise."""
