"""Loading plugins from entry point groups, with every failure kept as a problem to report.

A plugin that fails to load is never skipped silently: `problems()` lists it
(with the distribution, the entry point and the error), `panoptic check`
turns each into a PAN006 diagnostic and `panoptic doctor` prints them.
"""

from __future__ import annotations

from typing import TypeVar

from panoptic.frozen import frozen

T = TypeVar("T")


@frozen
class PluginProblem:
    """An entry point that could not be loaded, or loaded something of the wrong type."""

    group: str
    name: str
    value: str
    distribution: str
    error: str

    def describe(self) -> str:
        return f"the plugin `{self.name}` ({self.value}) from the package `{self.distribution}` cannot be loaded: {self.error}"


_PROBLEMS: dict[tuple[str, str, str], PluginProblem] = {}


def load_entry_points(group: str, kind: type[T]) -> list[T]:
    """Every object of type `kind` registered in an entry point group; failures are recorded, not raised."""
    from importlib import metadata

    found: list[T] = []
    for ep in metadata.entry_points(group=group):
        dist = ep.dist.name if ep.dist is not None else "?"
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must not break the others; it is reported instead
            _record(PluginProblem(group, ep.name, ep.value, dist, f"{type(exc).__name__}: {exc}"))
            continue
        if not isinstance(obj, kind):
            _record(
                PluginProblem(group, ep.name, ep.value, dist, f"it is a {type(obj).__name__}, not a {kind.__name__}")
            )
            continue
        found.append(obj)
    return found


def _record(problem: PluginProblem) -> None:
    _PROBLEMS[(problem.group, problem.name, problem.value)] = problem


def problems() -> tuple[PluginProblem, ...]:
    """Every plugin that failed to load in this process so far."""
    return tuple(_PROBLEMS.values())
