"""Executing one attempt of one scenario: globals, setup, body, teardown, events.

`AttemptRunner.run()` evaluates the program's bindings, starts the app's
backend session, walks the scenario's IR steps and emits `StepStarted` /
`StepFinished` for each, then `ScenarioFinished`. It never raises for a
failing scenario — a failure is a result — only `KeyboardInterrupt` (after
closing the session and reporting the scenario as interrupted).

Step paths are dotted indices within a phase (`setup`, `body`, `teardown`):
the third statement is `2`; the first statement inside a flow called there,
or inside an `if` block there, is `2.0` (an `else` block continues the
numbering after the `then` block); loops (`repeat`, `for each`, `retry`) add
the iteration: the first statement of the second iteration is `2.1.0`.

Self-healing targets (`heal: on`, `--heal`; `panoptic.contract.healing`): the healer of a family
remembers the element of each literal target; a step whose target names nothing (TargetNotFound, an
expectation whose target was not found, or a `wait until` that timed out) is retried once with the healer's replacement and its
`StepFinished.healed` says so, or its failure says why there was none.

Status of a failing step: `failed` for failed expectations, missing targets,
actions that could not be done and `fail`; `error` for a crashed or missing
backend (PAN904, PAN906) and internal errors (PAN900).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from panoptic.compiler import ir
from panoptic.contract import ResolvedTarget, ScenarioContext
from panoptic.contract.errors import (
    ActionFailed,
    AssertionFailed,
    BackendCrashed,
    InfrastructureError,
    StepError,
    StepTimeout,
    TargetNotFound,
)
from panoptic.contract.family import POLL_INTERVAL, BlockFailed, FamilyRuntime, StepContext, StepResult
from panoptic.contract.healing import TargetHealer, heal_enabled
from panoptic.runtime.events import (
    ERROR,
    FAILED,
    FLAKY,
    PASSED,
    Artifact,
    Event,
    Failure,
    Frame,
    ScenarioFinished,
    ScenarioStarted,
    StepFinished,
    StepStarted,
)
from panoptic.runtime.masking import MASK, Masker
from panoptic.runtime.output import is_inside, scenario_folder
from panoptic.runtime.platforms import BackendPool
from panoptic.runtime.values import Evaluator, Scope, format_value

DEFAULT_TIMEOUT = 10.0
MAX_FLOW_DEPTH = 64
CALL_ACTION = "core.call"
LET_ACTION = "core.let"
_EXPRS = (ir.Const, ir.VarRef, ir.Template, ir.CallExpr, ir.ListExpr, ir.MapExpr)

Emit = Callable[[Event], None]


@dataclass(frozen=True)
class AttemptOutcome:
    """How one attempt ended; `infrastructure` means the app's platform is unusable in this worker."""

    status: str
    failure: Failure | None
    infrastructure: bool = False
    crashed: bool = False


class StepFailed(Exception):
    """A step failed; its failure has been reported on the failing step and travels up to the scenario."""

    def __init__(self, failure: Failure, status: str, kind: str, note: str | None = None) -> None:
        super().__init__(failure.message)
        self.failure = failure
        self.status = status
        self.kind = kind  # failed, error, crash, infra
        self.note = note


def status_of(exc: StepError) -> tuple[str, str]:
    """(step status, kind) for a StepError."""
    if isinstance(exc, BackendCrashed):
        return ERROR, "crash"
    if isinstance(exc, InfrastructureError):
        return ERROR, "infra"
    return FAILED, "failed"


def failure_from(exc: StepError, span: Any, chain: tuple[Frame, ...] = ()) -> Failure:
    return Failure(
        code=exc.code,
        message=exc.message,
        span=span,
        help=exc.help,
        expected=exc.expected,
        actual=exc.actual,
        candidates=tuple(exc.candidates or ()),
        chain=chain,
    )


def interrupted_failure(span: Any, chain: tuple[Frame, ...] = ()) -> Failure:
    return Failure(
        "PAN907", "the run was interrupted", span, help="run again to finish the remaining scenarios", chain=chain
    )


def internal_failure(exc: BaseException, span: Any, chain: tuple[Frame, ...] = ()) -> Failure:
    return Failure(
        "PAN900",
        f"internal error: {type(exc).__name__}: {exc}",
        span,
        help="this is a bug in Panoptic; please report it with the statement that shows it",
        chain=chain,
    )


@dataclass(frozen=True)
class AttemptSettings:
    """Run-wide settings an attempt needs."""

    output_dir: Path
    timeout: float | None = None  # --timeout: overrides the app's `timeout`
    headed: bool = False
    poll_interval: float = POLL_INTERVAL


class AttemptRunner:
    """Runs one attempt of one scenario and emits its events."""

    def __init__(
        self,
        program: ir.Program,
        index: int,
        *,
        pool: BackendPool,
        emit: Emit,
        settings: AttemptSettings,
        attempt: int = 1,
        worker: int = 0,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.program = program
        self.index = index
        self.scenario = program.scenarios[index]
        self.app = program.app(self.scenario.app)
        self.pool = pool
        self._emit_raw = emit
        self.settings = settings
        self.attempt = attempt
        self.worker = worker
        self.should_stop = should_stop
        self.masker = Masker()
        self.evaluator = Evaluator(on_secret=self._on_secret)
        self.globals = Scope()
        self.backend: Any = None
        self.ctx: ScenarioContext | None = None
        self._captured = False
        self._quiet = 0
        self._claimed = 0
        self._begun: dict[str, FamilyRuntime] = {}  # family runtimes that began this attempt
        self._groups: list[bool] = []  # per open step: whether the backend opened a trace group for it
        self._values: dict[str, str] = {}  # per step path: the values its arguments had (secrets masked)
        self._healed: dict[str, str] = {}  # per step path: the healing of its target (`"#a"` → `"#b"` (score 0.9))
        self._healer: TargetHealer | None = None
        self._healer_found = False  # looked up already
        setting = self.app.settings.get("timeout")
        self.default_timeout = float(
            settings.timeout if settings.timeout is not None else setting if setting is not None else DEFAULT_TIMEOUT
        )

    # -- events -----------------------------------------------------------

    def _on_secret(self, value: str) -> None:
        self.masker.add(value)
        if self.ctx is not None:
            self.ctx.secrets = self.masker.secrets

    def emit(self, event: Event) -> None:
        self._emit_raw(self.masker.apply(event))

    def _check_stop(self) -> None:
        if self._stopping():
            raise KeyboardInterrupt

    # -- the attempt ------------------------------------------------------

    def run(self) -> AttemptOutcome:
        sc = self.scenario
        started = time.perf_counter()
        self.emit(
            ScenarioStarted(
                scenario=sc.id,
                title=sc.title,
                file=sc.file,
                app=sc.app,
                platform=self.app.platform,
                tags=tuple(sc.tags),
                attempt=self.attempt,
                worker=self.worker,
                span=sc.span,
                at=time.time(),
            )
        )
        outcome = self._prepare()
        if outcome is not None:
            return self._finish(outcome, started)
        assert self.ctx is not None
        try:
            outcome = self._phases()
        except KeyboardInterrupt:
            self._end(failed=True)
            self._finish(AttemptOutcome(ERROR, interrupted_failure(sc.span)), started)
            raise
        self._end(failed=outcome.status != PASSED)
        if outcome.crashed:
            self.pool.crashed(sc.app)
        return self._finish(outcome, started)

    def _finish(self, outcome: AttemptOutcome, started: float) -> AttemptOutcome:
        status = outcome.status
        if status == PASSED and self.attempt > 1:
            status = FLAKY
        artifacts = tuple(self.ctx.written) if self.ctx is not None else ()
        if self.ctx is not None and not artifacts:
            with contextlib.suppress(OSError):
                self.ctx.artifacts_dir.rmdir()  # only succeeds when nothing was written there
        self.emit(
            ScenarioFinished(
                scenario=self.scenario.id,
                status=status,
                duration=time.perf_counter() - started,
                attempt=self.attempt,
                failure=outcome.failure,
                artifacts=artifacts,
            )
        )
        return AttemptOutcome(status, outcome.failure, outcome.infrastructure, outcome.crashed)

    def _prepare(self) -> AttemptOutcome | None:
        """Evaluate globals, open the backend session. An outcome means the attempt ends here."""
        for binding in self.program.bindings:
            try:
                value, tainted = self.evaluator.evaluate(binding.value, self.globals)
            except StepError as exc:
                status, kind = status_of(exc)
                return AttemptOutcome(status, failure_from(exc, binding.span), infrastructure=kind == "infra")
            secret = binding.secret or tainted
            if secret:
                self.evaluator.register_secret(value)
            self.globals.define(binding.name, value, secret=secret)
        try:
            self.backend = self.pool.acquire(self.scenario.app)
        except InfrastructureError as exc:
            return AttemptOutcome(ERROR, failure_from(exc, self.app.span), infrastructure=True)
        folder = scenario_folder(self.settings.output_dir, self.index, self.scenario.title, self.attempt)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return AttemptOutcome(
                ERROR, Failure("PAN003", f"cannot create {folder}: {exc.strerror or exc}", self.scenario.span)
            )
        self.ctx = ScenarioContext(
            scenario_id=self.scenario.id,
            title=self.scenario.title,
            artifacts_dir=folder,
            secrets=self.masker.secrets,
            default_timeout=self.default_timeout,
            record_video=self.scenario.record_video,
            headed=self.settings.headed,
            attempt=self.attempt,
        )
        try:
            self.backend.begin(self.ctx)
        except KeyboardInterrupt:
            raise
        except InfrastructureError as exc:
            return AttemptOutcome(ERROR, failure_from(exc, self.app.span), infrastructure=True)
        except StepError as exc:
            self._end(failed=True)
            self.pool.crashed(self.scenario.app)
            return AttemptOutcome(ERROR, failure_from(exc, self.scenario.span), crashed=True)
        except Exception as exc:
            self._end(failed=True)
            self.pool.crashed(self.scenario.app)
            return AttemptOutcome(ERROR, internal_failure(exc, self.scenario.span), crashed=True)
        return None

    def _phases(self) -> AttemptOutcome:
        sc = self.scenario
        scope = self.globals.child()
        first: StepFailed | None = None
        try:
            self._run_steps(sc.setup, scope, "", (), "setup")
            self._run_steps(sc.body, scope, "", (), "body")
        except StepFailed as exc:
            first = exc
        if first is None or first.kind not in ("crash", "infra"):
            try:
                self._run_steps(sc.teardown, scope, "", (), "teardown")
            except StepFailed as exc:
                first = first or exc
        if first is None:
            return AttemptOutcome(PASSED, None)
        return AttemptOutcome(
            first.status, first.failure, infrastructure=first.kind == "infra", crashed=first.kind == "crash"
        )

    def _end(self, failed: bool) -> None:
        if self.ctx is None:
            return
        for runtime in self._begun.values():
            try:
                runtime.end(self.ctx, failed)
            except Exception:
                pass
        self._begun.clear()
        if self.backend is None:
            return
        try:
            self.backend.end(self.ctx, failed)
        except Exception:
            pass

    # -- steps ------------------------------------------------------------

    def _run_steps(
        self, steps: tuple[ir.AnyStep, ...], scope: Scope, prefix: str, chain: tuple[Frame, ...], phase: str
    ) -> None:
        for i, step in enumerate(steps):
            self._run_step(step, scope, f"{prefix}.{i}" if prefix else str(i), chain, phase)

    def _run_step(self, step: ir.AnyStep, scope: Scope, path: str, chain: tuple[Frame, ...], phase: str) -> None:
        self._check_stop()
        action = CALL_ACTION if isinstance(step, ir.CallFlow) else step.action
        sid = self.scenario.id
        self.emit(
            StepStarted(
                scenario=sid,
                path=path,
                action=action,
                text=step.text,
                span=step.span,
                chain=chain,
                phase=phase,
                at=time.time(),
            )
        )
        self._group_begin(step)
        started = time.perf_counter()
        try:
            message, returned = self._dispatch(step, scope, path, chain, phase)
        except StepFailed as nested:
            self._step_finished(path, nested.status, started, nested.failure, message=nested.note)
            nested.note = None
            raise
        except BlockFailed as block:  # a nested block failed: its step already reported the failure
            cause = block.cause
            assert isinstance(cause, StepFailed)
            self._step_finished(path, cause.status, started, cause.failure, message=block.note)
            raise cause from None
        except StepError as exc:
            status, kind = status_of(exc)
            failure = failure_from(exc, step.span, chain)
            if kind != "crash":
                self._capture()
            self._step_finished(path, status, started, failure)
            raise StepFailed(failure, status, kind) from None
        except KeyboardInterrupt:
            self._step_finished(path, ERROR, started, interrupted_failure(step.span, chain))
            raise
        except RecursionError as exc:
            failure = internal_failure(exc, step.span, chain)
            self._step_finished(path, ERROR, started, failure)
            raise StepFailed(failure, ERROR, "error") from None
        except Exception as exc:
            failure = internal_failure(exc, step.span, chain)
            self._capture()
            self._step_finished(path, ERROR, started, failure)
            raise StepFailed(failure, ERROR, "error") from None
        self._step_finished(path, PASSED, started, None, returned, message)

    def _step_finished(
        self,
        path: str,
        status: str,
        started: float,
        failure: Failure | None,
        returned: tuple[Artifact, ...] = (),
        message: str | None = None,
    ) -> None:
        self._group_end()
        artifacts: list[Artifact] = []
        if self.ctx is not None:
            artifacts.extend(self.ctx.written[self._claimed :])
            self._claimed = len(self.ctx.written)
        artifacts.extend(a for a in returned if a not in artifacts)
        self.emit(
            StepFinished(
                scenario=self.scenario.id,
                path=path,
                status=status,
                duration=time.perf_counter() - started,
                failure=failure,
                artifacts=tuple(artifacts),
                message=message,
                values=self._values.pop(path, None),
                healed=self._healed.pop(path, None),
            )
        )

    def _group_begin(self, step: ir.AnyStep) -> None:
        """Ask the backend to group what it does for this step (a Playwright trace group); optional, never fails."""
        hook = getattr(self.backend, "step_begin", None)
        opened = False
        if callable(hook):
            try:
                hook(self.masker.text(step.text), step.span)
                opened = True
            except Exception:
                pass
        self._groups.append(opened)

    def _group_end(self) -> None:
        if self._groups and self._groups.pop():
            with contextlib.suppress(Exception):
                self.backend.step_end()

    def _capture(self) -> None:
        if self._captured or self._quiet or self.backend is None or self.ctx is None:
            return
        self._captured = True
        try:
            self.backend.capture_failure(self.ctx)
        except Exception:
            pass

    def _dispatch(
        self, step: ir.AnyStep, scope: Scope, path: str, chain: tuple[Frame, ...], phase: str
    ) -> tuple[str | None, tuple[Artifact, ...]]:
        if isinstance(step, ir.CallFlow):
            self._call_flow(step, scope, path, chain, phase)
            return None, ()
        health = getattr(self.backend, "health", None)  # optional: raises BackendCrashed when the app has died
        if callable(health):
            health()
        if step.action == LET_ACTION:
            return self._let(step, scope)
        family = step.action.partition(".")[0]
        runtime = self.pool.families.runtime(family)
        assert self.ctx is not None
        if family not in self._begun:
            runtime.begin(self.ctx)
            self._begun[family] = runtime
        args, timeout, secret_args = self._args(step, scope)
        values = describe_values(step.args, args, secret_args)
        if values:
            self._values[path] = self.masker.text(values)
        context = StepContext(
            scenario=self.ctx,
            app=self.app,
            backend=self.backend,
            timeout=timeout,
            span=step.span,
            mask=self.masker.text,
            register_secret=self.evaluator.register_secret,
            should_stop=self._stopping,
            poll_interval=self.settings.poll_interval,
            run_block=partial(self._run_block, step, scope, path, chain, phase) if step.body or step.orelse else None,
            has_else=bool(step.orelse),
            secret_args=secret_args,
        )
        result = self._perform(runtime, step, args, context, path)
        into = step.args.get("into")
        if isinstance(into, str):  # a value form: `let n = text of "#x"` puts the step's value into `n`
            value = result.value if isinstance(result, StepResult) else None
            secret = bool(step.args.get("into_secret")) or bool(secret_args)
            if secret:
                self.evaluator.register_secret(value)
            scope.define(into, value, secret=secret)
        if isinstance(result, StepResult):
            message, artifacts = result.message, result.artifacts
        elif isinstance(result, Artifact):
            message, artifacts = None, (result,)
        else:
            message, artifacts = (result if isinstance(result, str) else None), ()
        for art in artifacts:
            if not is_inside(self.settings.output_dir / art.path, self.settings.output_dir):
                raise ActionFailed(f"the `{family}` statements wrote {art.path!r} outside the run's output folder")
        return message, artifacts

    # -- self-healing targets (panoptic.contract.healing) --------------------------------------------

    def _healing(self) -> TargetHealer | None:
        """The healer when healing is on for the scenario's app (`heal: on`, or `--heal`), else None."""
        if not self._healer_found:
            self._healer_found = True
            if heal_enabled(self.app.settings, self.pool.families.run.options):
                self._healer = self.pool.families.healer()
        return self._healer

    def _perform(
        self, runtime: FamilyRuntime, step: ir.Step, args: dict[str, Any], context: StepContext, path: str
    ) -> Any:
        """Perform a step; with healing on, remember its targets' elements and heal a target that names nothing.

        Only targets written as literals are healed (a target built from variables cannot be rewritten). A
        healed step is retried once with the replacement; its failure then says what was tried.
        """
        healer = self._healing()
        keys = [] if healer is None else [k for k, raw in step.args.items() if _healable(raw, args.get(k))]
        if healer is None or not keys:
            return runtime.perform(step.action, args, context)
        pending = [k for k in keys if not self._remember(healer, args[k], step.args[k].span)]
        try:
            result = runtime.perform(step.action, args, context)
        except (TargetNotFound, AssertionFailed, StepTimeout) as exc:  # StepTimeout: `wait until` found nothing
            return self._heal(healer, runtime, step, args, context, path, keys, exc)
        for key in pending:  # not found before the step acted (the page was still loading): try again
            self._remember(healer, args[key], step.args[key].span)
        return result

    def _remember(self, healer: TargetHealer, target: ResolvedTarget, span: Any) -> bool:
        try:
            return bool(healer.remember(self.app, target, self.backend, span, mask=self.masker.text))
        except Exception:
            return False

    def _heal(
        self,
        healer: TargetHealer,
        runtime: FamilyRuntime,
        step: ir.Step,
        args: dict[str, Any],
        context: StepContext,
        path: str,
        keys: list[str],
        exc: StepError,
    ) -> Any:
        for key in keys:
            span = step.args[key].span
            try:
                found = healer.heal(self.app, args[key], self.backend, span)
            except BackendCrashed:
                raise
            except Exception:
                found = None
            if found is None:
                continue  # this target names an element: the failure had another cause
            if found.target is None:
                exc.message = f"{exc.message}; not healed: {found.note}"
                raise exc
            try:
                result = runtime.perform(step.action, {**args, key: found.target}, context)
            except StepError as again:
                again.message = f"{again.message} (after healing {found.describe()})"
                raise again from None
            with contextlib.suppress(Exception):
                healer.record(self.app, found, span, self.scenario.id)
            self._healed[path] = found.describe()
            self._remember(healer, found.target, span)
            return result
        raise exc

    def _stopping(self) -> bool:
        return self.should_stop is not None and self.should_stop()

    def _run_block(
        self,
        step: ir.Step,
        scope: Scope,
        path: str,
        chain: tuple[Frame, ...],
        phase: str,
        block: str = "body",
        *,
        bind: Mapping[str, tuple[Any, bool]] | None = None,
        iteration: int | None = None,
        quiet: bool = False,
    ) -> None:
        """Run a nested block of `step` (see `BlockRunner`); a failure comes back as BlockFailed."""
        steps = step.orelse if block == "orelse" else step.body
        offset = len(step.body) if block == "orelse" else 0
        prefix = f"{path}.{iteration}" if iteration is not None else path
        inner = scope.child()
        for name, (value, secret) in (bind or {}).items():
            inner.define(name, value, secret=secret)
        if quiet:
            self._quiet += 1
        try:
            for j, inner_step in enumerate(steps):
                self._run_step(inner_step, inner, f"{prefix}.{offset + j}", chain, phase)
        except StepFailed as exc:
            raise BlockFailed(exc, recoverable=exc.kind not in ("crash", "infra")) from None
        finally:
            if quiet:
                self._quiet -= 1

    # -- flows --------------------------------------------------------------

    def _call_flow(self, step: ir.CallFlow, scope: Scope, path: str, chain: tuple[Frame, ...], phase: str) -> None:
        try:
            flow = self.program.flow(step.flow)
        except StopIteration:
            raise ActionFailed(f"no flow named `{step.flow}`") from None
        if len(step.args) != len(flow.params):
            raise ActionFailed(f"flow `{flow.name}` takes {len(flow.params)} argument(s), got {len(step.args)}")
        if len(chain) >= MAX_FLOW_DEPTH:
            raise ActionFailed(
                f"flow calls nest more than {MAX_FLOW_DEPTH} deep", help="a flow probably calls itself without end"
            )
        inner = self.globals.child()  # flows see the globals and their parameters, not the caller's locals
        shown = []
        for param, expr in zip(flow.params, step.args, strict=True):
            value, secret = self.evaluator.evaluate(expr, scope)
            inner.define(param, value, secret=secret)
            shown.append(f"{param} = {MASK if secret else _show(value)}")
        if shown:
            self._values[path] = self.masker.text(", ".join(shown))
        self._run_steps(flow.body, inner, path, (*chain, Frame(flow.name, step.span)), phase)

    # -- arguments ------------------------------------------------------------

    def _resolve(self, raw: Any, scope: Scope) -> Any:
        if isinstance(raw, ir.Target):
            return self._target(raw, scope)
        if isinstance(raw, _EXPRS):
            return self.evaluator.value(raw, scope)
        return raw

    def _target(self, target: ir.Target, scope: Scope) -> ResolvedTarget:
        value = None if target.value is None else format_value(self.evaluator.value(target.value, scope))
        point = None
        if target.point is not None:
            x, y = (float(self.evaluator.value(p, scope)) for p in target.point)
            point = (x, y)
        return ResolvedTarget(kind=target.kind, value=value, role=target.role, point=point, exact=target.exact)

    def _args(self, step: ir.Step, scope: Scope) -> tuple[dict[str, Any], float, frozenset[str]]:
        """The step's evaluated arguments, its timeout, and the arguments whose value is secret."""
        args: dict[str, Any] = {}
        secret: set[str] = set()
        within: float | None = None
        for key, raw in step.args.items():
            if key == "within":
                if raw is not None:
                    within = float(self._resolve(raw, scope))
                continue
            if isinstance(raw, _EXPRS):
                args[key], tainted = self.evaluator.evaluate(raw, scope)
                if tainted:
                    secret.add(key)
            else:
                args[key] = self._resolve(raw, scope)
        return args, within if within is not None else self.default_timeout, frozenset(secret)

    # -- let ------------------------------------------------------------------------------

    def _let(self, step: ir.Step, scope: Scope) -> tuple[str | None, tuple[Artifact, ...]]:
        name = step.args["name"]
        name = name.value if isinstance(name, ir.Const) else str(name)
        value, tainted = self.evaluator.evaluate(step.args["value"], scope)
        secret = bool(step.args.get("secret")) or tainted
        if secret:
            self.evaluator.register_secret(value)
        scope.define(name, value, secret=secret)
        return None, ()


def _healable(raw: Any, value: Any) -> bool:
    """Whether a step argument is a target that healing may replace: an element target written as a literal."""
    return (
        isinstance(raw, ir.Target)
        and isinstance(value, ResolvedTarget)
        and raw.point is None
        and raw.span is not None
        and (raw.value is None or isinstance(raw.value, ir.Const))
    )


def _show(value: Any) -> str:
    """A value as a step row shows it: strings in double quotes, the rest as the language prints it."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return format_value(value)


def _show_target(target: ResolvedTarget) -> str:
    if target.kind == "point" and target.point is not None:
        return f"at {target.point[0]:g}, {target.point[1]:g}"
    value = "" if target.value is None else " " + _show(target.value)
    if target.kind == "role":
        return f"role {target.role}{value}"
    return f"{target.kind}{value}" if target.kind != "css" else value.strip()


def describe_values(raw: Mapping[str, Any], args: Mapping[str, Any], secret: frozenset[str]) -> str | None:
    """The values a step used, for its row in the report: `target testid "add-mug", text = "1"`.

    Only arguments written with a variable, an interpolation or a call are shown (a literal is in the
    source text already); a secret argument is shown as the mask.
    """
    parts = []
    for key, expr in raw.items():
        if key == "within" or key not in args:
            continue
        if isinstance(expr, ir.Target):
            if isinstance(expr.value, ir.Const) or (expr.value is None and expr.point is None):
                if expr.point is None or all(isinstance(p, ir.Const) for p in expr.point):
                    continue
            target = args[key]
            if isinstance(target, ResolvedTarget):
                shown = MASK if key in secret else _show_target(target)
                parts.append(f"{key} {shown}")
        elif isinstance(expr, _EXPRS) and not isinstance(expr, ir.Const):
            parts.append(f"{key} = {MASK if key in secret else _show(args[key])}")
    return ", ".join(parts) or None
