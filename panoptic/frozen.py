"""Frozen dataclasses that are quick to build: a check makes hundreds of thousands of AST and IR nodes."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import TypeVar

T = TypeVar("T")


def frozen(cls: type[T]) -> type[T]:
    """`@dataclass(frozen=True)` whose `__init__` writes the instance dict directly.

    The standard frozen `__init__` calls `object.__setattr__` once per field, which makes a node about
    twice as slow to build as this one. Everything else is the dataclass's own: fields, equality,
    hashing, `repr`, and the `FrozenInstanceError` on any later assignment.
    """
    documented = bool(cls.__dict__.get("__doc__"))
    if not documented:  # else dataclass writes one from `inspect.signature`, a third of its time here
        cls.__doc__ = cls.__name__
    cls = dataclass(frozen=True, init=False)(cls)
    if not documented:
        cls.__doc__ = f"{cls.__name__}({', '.join(f.name for f in fields(cls))})"
    params: list[str] = []
    defaults: dict[str, object] = {}
    for f in fields(cls):
        if f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: default_factory is not supported by @frozen")
        if f.default is MISSING:
            params.append(f.name)
        else:
            defaults[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    lines = [f"def __init__(self, {', '.join(params)}):", "    values = self.__dict__"]
    lines += [f"    values[{f.name!r}] = {f.name}" for f in fields(cls)]
    if hasattr(cls, "__post_init__"):
        lines.append("    self.__post_init__()")
    namespace = dict(defaults)
    exec("\n".join(lines), namespace)  # one specialised function per class, as dataclasses do
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]
    return cls
