"""What a family's runtime gets and gives at run time: the run and step contexts, results, the runtime protocol.

`panoptic check` never imports this module (it needs only the statements and check hooks of
`panoptic.contract.family`, which re-exports these names for `panoptic run`, families and plugins).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from panoptic.contract.app import AppDef
from panoptic.contract.artifacts import Artifact
from panoptic.source import Span

if TYPE_CHECKING:
    from panoptic.contract.backend import Backend, ScenarioContext

POLL_INTERVAL = 0.1  # seconds between two probes of an expectation or a wait


@dataclass(frozen=True)
class RunContext:
    """What a family runtime gets once per run (per worker process)."""

    output_dir: Path
    project_dir: Path  # where the project's `.panoptic/` folder lives
    options: Mapping[str, Any] = field(default_factory=dict)  # run options (`--heal`, `--cluster`, …)


@dataclass(frozen=True)
class StepResult:
    """What a step produced: a message for the report, the artifacts it wrote, and for a value form
    (`let n = text of "#count"`) the value the variable gets."""

    message: str | None = None
    artifacts: tuple[Artifact, ...] = ()
    value: Any = None


class BlockFailed(Exception):
    """A nested block failed; raised by `StepContext.run_block`, re-raised by runtimes that do not recover."""

    def __init__(self, cause: Exception, *, recoverable: bool, note: str | None = None) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.recoverable = recoverable  # False for a crashed or missing backend: retrying cannot help
        self.note = note


class BlockRunner(Protocol):
    """Runs one of the statement's nested blocks (`body` or `orelse`) in a child scope."""

    def __call__(
        self,
        block: str = "body",
        *,
        bind: Mapping[str, tuple[Any, bool]] | None = None,  # name -> (value, secret)
        iteration: int | None = None,
        quiet: bool = False,  # do not capture failure evidence (a later attempt may recover)
    ) -> None: ...


@dataclass(frozen=True)
class StepContext:
    """What a family runtime gets for one step besides its evaluated arguments."""

    scenario: ScenarioContext  # artifacts (`scenario.artifact(...)`), secrets, default timeout
    app: AppDef
    backend: Backend | None  # the app's live backend (screenshots, queries); None when the app has none yet
    timeout: float  # `within` if the statement gave one, else the default timeout
    span: Span
    mask: Callable[[str], str]  # replaces secret values in a string
    register_secret: Callable[[str], None]  # mask a value the step produced (a new API key) from now on
    should_stop: Callable[[], bool]  # True once the run is being interrupted
    poll_interval: float = POLL_INTERVAL
    run_block: BlockRunner | None = None  # for statements with blocks
    has_else: bool = False
    secret_args: frozenset[str] = frozenset()  # arguments whose value comes from a secret


class FamilyRuntime(Protocol):
    """The run handler of a family: one instance per worker process.

    Lifecycle: `start(run)` before the first step of the family in the process; `begin(scenario)` /
    `end(scenario, failed)` around each scenario attempt that uses the family; `perform` per step;
    `stop()` at the end of the run. `end` and `stop` must not raise. Failures are raised as
    `panoptic.contract.errors.StepError` subclasses (never bare exceptions).
    """

    def start(self, run: RunContext) -> None: ...

    def begin(self, scenario: ScenarioContext) -> None: ...

    def perform(self, action: str, args: Mapping[str, Any], step: StepContext) -> StepResult | Artifact | str | None:
        """Do one step; `action` is the full IR action (`cloud.sync`)."""
        ...

    def end(self, scenario: ScenarioContext, failed: bool) -> None: ...

    def stop(self) -> None: ...


class BaseRuntime:
    """A FamilyRuntime with empty lifecycle methods, to inherit from."""

    run: RunContext | None = None

    def start(self, run: RunContext) -> None:
        self.run = run

    def begin(self, scenario: ScenarioContext) -> None:
        pass

    def perform(self, action: str, args: Mapping[str, Any], step: StepContext) -> StepResult | Artifact | str | None:
        raise NotImplementedError(action)

    def end(self, scenario: ScenarioContext, failed: bool) -> None:
        pass

    def stop(self) -> None:
        pass
