"""The backend protocol shared by the web, desktop and mobile platforms.

A backend is thin: it performs one action or answers one query against the
real thing (a Playwright page, an X display, an Appium session). The
interpreter owns everything around it: evaluating arguments, waiting and
retrying assertions, timeouts, events, secrets and artifact bookkeeping.
Backends live in `panoptic.backends.<platform>` and import only the contract
(and shared helpers such as `panoptic.perception`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from panoptic.contract.app import AppDef
from panoptic.contract.artifacts import Artifact
from panoptic.contract.platform import PlatformSpec


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
    attempt: int = 1  # 2 and up for `--retries` attempts
    written: list[Artifact] = field(default_factory=list)

    def artifact(self, kind: str, filename: str, name: str = "") -> tuple[Path, Artifact]:
        """A path inside the scenario's folder, recorded as an artifact of this scenario."""
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

    Optional: `health()`, called before every step whatever its family, raises
    BackendCrashed when the app under test has died (a desktop app's process
    that exited), so that no later step can pass on a dead app.

    Optional: `step_begin(text, span)` before each step (flow calls and blocks
    included, so calls nest) and `step_end()` after it, for a backend that
    groups what it records by step (the web backend's Playwright trace groups);
    `text` is the step's source text with secrets masked. When `step_begin`
    raises, no `step_end` follows.
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
