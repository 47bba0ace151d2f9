"""Frozen dataclasses that are quick to build: a check makes hundreds of thousands of AST and IR nodes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import MISSING, dataclass, fields
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


@dataclass_transform(frozen_default=True)
def frozen(cls: type[T]) -> type[T]:
    """`@dataclass(frozen=True)` whose `__init__` writes the instance dict directly.

    The standard frozen `__init__` calls `object.__setattr__` once per field, which makes a node about
    twice as slow to build as this one. Everything else is the dataclass's own: fields, equality,
    hashing, `repr`, and the `FrozenInstanceError` on any later assignment.
    """
    documented = bool(cls.__dict__.get("__doc__"))
    if not documented:  # else dataclass writes one from `inspect.signature`, a third of its time here
        cls.__doc__ = cls.__name__
    cls = dataclass(frozen=True, init=False)(cls)  # type: ignore[assignment]
    if not documented:
        cls.__doc__ = f"{cls.__name__}({', '.join(f.name for f in fields(cls))})"  # type: ignore[arg-type]
    params: list[str] = []
    defaults: dict[str, object] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: default_factory is not supported by @frozen")
        if f.default is MISSING:
            params.append(f.name)
        else:
            defaults[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    lines = [f"def __init__(self, {', '.join(params)}):", "    values = self.__dict__"]
    lines += [f"    values[{f.name!r}] = {f.name}" for f in fields(cls)]  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__"):
        lines.append("    self.__post_init__()")
    namespace = dict(defaults)
    exec("\n".join(lines), namespace)  # one specialised function per class, as dataclasses do
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    cls.__init__ = init  # type: ignore[misc,assignment,method-assign]
    return cls


class FrozenMap(Mapping[K, V]):
    """A read-only, hashable mapping that pickles: the dict type of frozen AST, IR and app definitions."""

    __slots__ = ("_data", "_hash")
    _data: dict[K, V]
    _hash: int | None

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        object.__setattr__(self, "_data", dict(data))
        object.__setattr__(self, "_hash", None)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: K, default: Any = None) -> Any:  # type: ignore[override]
        return self._data.get(key, default)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("FrozenMap is read-only")

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(frozenset((k, _hashable(v)) for k, v in self._data.items())))
        return self._hash  # type: ignore[return-value]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))

    def thaw(self) -> dict[K, V]:
        """A mutable copy."""
        return dict(self._data)


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return frozenset((k, _hashable(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


def freeze(value: Any) -> Any:
    """A deep read-only copy of plain data: dicts become FrozenMaps, lists tuples."""
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap((k, freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value
