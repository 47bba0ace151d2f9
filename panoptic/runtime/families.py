"""Family runtimes for one worker process: loaded on first use, started once, stopped at the end.

The interpreter asks `FamilyPool.runtime(name)` for the run handler of a step's
family (the part of its IR action before the dot). The handler class is named
by the family's `runtime` ("module:Class") and imported only then, so a run
that never uses the cloud family never imports boto3.

`FamilyPool.healer()` is the started `TargetHealer` of the first family that names one
(`Family.healer`), for apps with self-healing targets on; it is stopped with the runtimes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from panoptic.contract.errors import ActionFailed, InfrastructureError, StepError
from panoptic.contract.family import Family, FamilyRuntime, RunContext
from panoptic.contract.healing import TargetHealer
from panoptic.contract.platform import load_object


class FamilyPool:
    """The started family runtimes of this process."""

    def __init__(self, run: RunContext, families: dict[str, Family] | None = None) -> None:
        self._families = families
        self.run = run
        self._runtimes: dict[str, FamilyRuntime] = {}
        self._broken: dict[str, StepError] = {}
        self._healer: TargetHealer | None = None
        self._healer_found = False  # looked up already

    def runtime(self, name: str) -> FamilyRuntime:
        """The started runtime of a family; a missing or broken one is an error naming the package."""
        found = self._runtimes.get(name)
        if found is not None:
            return found
        if name in self._broken:
            raise self._broken[name]
        family = self._find(name)
        if family is None or family.runtime is None:
            raise ActionFailed(
                f"no run handler for the `{name}` statements",
                help=f"install the package that provides the `{name}` statement family",
            )
        try:
            runtime: Any = load_object(family.runtime)()
            runtime.start(self.run)
        except StepError as exc:
            self._broken[name] = exc
            raise
        except Exception as exc:
            err = InfrastructureError(
                f"the `{name}` statement family ({family.runtime}) could not start: {type(exc).__name__}: {exc}",
                help="check that its package and optional dependencies are installed (`panoptic doctor`)",
            )
            self._broken[name] = err
            raise err from None
        self._runtimes[name] = runtime
        return runtime

    def healer(self) -> TargetHealer | None:
        """The started healer of the first family that offers one (`Family.healer`), or None.

        A healer that cannot be loaded or started is None: healing is an aid, never a reason to fail a run.
        """
        if self._healer_found:
            return self._healer
        self._healer_found = True
        for family in self._all():
            if family.healer is None:
                continue
            try:
                healer: Any = load_object(family.healer)()
                healer.start(self.run)
            except Exception:
                continue
            self._healer = healer
            break
        return self._healer

    def _all(self) -> tuple[Family, ...]:
        if self._families is not None:
            return tuple(self._families.values())
        from panoptic.contract.family import families

        return families(plugins=False) + tuple(
            f for f in families(plugins=True) if f.name not in {b.name for b in families(plugins=False)}
        )

    def _find(self, name: str) -> Family | None:
        if self._families is not None:
            return self._families.get(name)
        from panoptic.contract.family import families

        for plugins in (False, True):  # the built-in families first: no entry point scan unless needed
            for family in families(plugins=plugins):
                if family.name == name:
                    return family
        return None

    def close(self) -> None:
        """Stop every started runtime; stopping must not hide the run's result."""
        for runtime in self._runtimes.values():
            try:
                runtime.stop()
            except Exception:
                pass
        self._runtimes.clear()
        if self._healer is not None:
            try:
                self._healer.stop()
            except Exception:
                pass
        self._healer, self._healer_found = None, False


def finish_families(out_dir: Path, project_dir: Path) -> list[str]:
    """Run each statement family's `finish` hook once the reports are written (e.g. the final `cloud sync`).

    Returns the lines the hooks want shown; a hook that fails becomes a PAN006 warning line, because the
    run's result stands whatever a finishing hook does.
    """
    from panoptic.contract.family import families

    lines: list[str] = []
    for family in families():
        hook = family.hook("finish")
        if hook is None:
            continue
        try:
            lines.extend(hook(out_dir, project_dir=project_dir))
        except Exception as exc:
            lines.append(f"warning[PAN006]: the `{family.name}` family could not finish: {type(exc).__name__}: {exc}")
    return lines
