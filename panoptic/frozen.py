"""Dataclasses that are quick to define and build: a check makes hundreds of thousands of AST and IR nodes.

`@frozen` and `@frozen_slots` for nodes and definitions, `@record` for the compiler's mutable working records;
all generate their methods as source, compiled once when the wheel is built.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import MISSING, FrozenInstanceError, dataclass, field, fields
from reprlib import recursive_repr
from typing import Any, TypeVar, dataclass_transform

METHODS_FILE = os.path.join(os.path.dirname(__file__), "_data", "frozen.methods")
"""The generated methods of the package's classes, compiled when the wheel was built (`setup.py`)."""

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


@dataclass_transform(frozen_default=True)
def frozen(cls: type[T]) -> type[T]:
    """`@dataclass(frozen=True)` that is quick to define and whose `__init__` writes the instance dict directly.

    The standard frozen `__init__` calls `object.__setattr__` once per field, which makes a node about
    twice as slow to build as this one. The other methods are the ones `dataclass` writes (equality,
    hashing, `repr`, and the `FrozenInstanceError` on any later assignment), with the same
    `__dataclass_fields__` and `__dataclass_params__`, but compiled in one piece: `dataclass` compiles
    each method apart, and compiling is most of what defining the AST and IR classes costs at start-up.
    """
    cls, every, params, namespace = _prepare(cls)
    names = "".join(f"{f.name!r}," for f in every)
    lines = [f"def __init__(self, {', '.join(params)}):", "    values = self.__dict__"]
    for f in every:  # a field outside `__init__` gets its default, or is left to `__post_init__`
        if f.init or f"_default_{f.name}" in namespace:
            lines.append(f"    values[{f.name!r}] = {f.name if f.init else f'_default_{f.name}'}")
    if hasattr(cls, "__post_init__"):
        lines.append("    self.__post_init__()")
    # The same bodies as `dataclass(frozen=True)` writes (CPython's dataclasses.py):
    lines += _compare_and_show(every)
    lines += [
        "def __setattr__(self, name, value):",
        f"    if type(self) is cls or name in ({names}):",
        '        raise FrozenInstanceError(f"cannot assign to field {name!r}")',
        "    super(cls, self).__setattr__(name, value)",
        "def __delattr__(self, name):",
        f"    if type(self) is cls or name in ({names}):",
        '        raise FrozenInstanceError(f"cannot delete field {name!r}")',
        "    super(cls, self).__delattr__(name)",
    ]
    namespace.update(cls=cls, FrozenInstanceError=FrozenInstanceError)
    _define("\n".join(lines), namespace)
    for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
        method = namespace[name]
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        if name in ("__init__", "__hash__", "__setattr__", "__delattr__") or name not in cls.__dict__:
            setattr(cls, name, method)
    return cls


def _prepare(cls: type[T], *, frozen: bool = True) -> tuple[type[T], tuple[Any, ...], list[str], dict[str, Any]]:
    """The dataclass fields of a `@frozen` (or, `frozen=False`, `@record`) class (no method generated), its
    `__init__` parameters, and a namespace holding their defaults and what the generated methods use. A record's
    field with a default factory defaults to `_FACTORY`, which `__init__` replaces with the factory's value."""
    for name in ("__hash__", "__setattr__", "__delattr__"):
        if name in cls.__dict__:
            raise TypeError(f"{cls.__name__} defines {name}, which a frozen dataclass cannot have")
    documented = bool(cls.__dict__.get("__doc__"))
    if not documented:  # else dataclass writes one from `inspect.signature`, a third of its time here
        cls.__doc__ = cls.__name__
    # Fields, `__match_args__` and the checks of the field definitions, without generating any method:
    cls = dataclass(init=False, repr=False, eq=False)(cls)  # type: ignore[assignment]
    cls.__dataclass_params__ = _dataclass_params(frozen)  # type: ignore[attr-defined]
    every = fields(cls)  # type: ignore[arg-type]
    if not documented:
        cls.__doc__ = f"{cls.__name__}({', '.join(f.name for f in every)})"
    params: list[str] = []
    namespace: dict[str, Any] = {"_recursive_repr": recursive_repr, "_FACTORY": _FACTORY}
    for f in every:
        if f.default_factory is not MISSING:
            if frozen:
                raise TypeError(f"{cls.__name__}.{f.name}: default_factory is not supported by @frozen")
            namespace[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
        elif f.default is MISSING:
            if f.init:
                params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            if f.init:
                params.append(f"{f.name}=_default_{f.name}")
    return cls, every, params, namespace


def _compare_and_show(every: tuple[Any, ...], *, hashed: bool = True) -> list[str]:
    """`__repr__`, `__eq__` and (if `hashed`) `__hash__` with the bodies `dataclass(frozen=True)` writes."""
    compared = "".join(f"self.{f.name}," for f in every if f.compare)
    other = "".join(f"other.{f.name}," for f in every if f.compare)
    shown = ", ".join(f"{f.name}={{self.{f.name}!r}}" for f in every if f.repr)
    lines = [
        "@_recursive_repr()",
        "def __repr__(self):",
        f'    return self.__class__.__qualname__ + f"({shown})"',
        "def __eq__(self, other):",
        "    if other.__class__ is self.__class__:",
        f"        return ({compared})==({other})",
        "    return NotImplemented",
    ]
    if hashed:
        fields_hashed = "".join(f"self.{f.name}," for f in every if (f.compare if f.hash is None else f.hash))
        lines += ["def __hash__(self):", f"    return hash(({fields_hashed}))"]
    return lines


@dataclass_transform(field_specifiers=(field,))
def record(cls: type[T]) -> type[T]:
    """`@dataclass` for the compiler's mutable working records: fields, default factories, equality, `repr`, no hash.

    The methods are the ones `dataclass` writes, compiled in one piece and saved with the wheel like `@frozen`'s,
    so the classes a check defines before it reads a file cost no compiling. A field without `init` is refused.
    """
    cls, every, params, namespace = _prepare(cls, frozen=False)
    if not all(f.init for f in every):
        raise TypeError(f"{cls.__name__}: @record takes no `init=False` field")
    lines = [f"def __init__(self, {', '.join(params)}):"]
    for f in every:
        value = (
            f"_factory_{f.name}() if {f.name} is _FACTORY else {f.name}"
            if f"_factory_{f.name}" in namespace
            else f.name
        )
        lines.append(f"    self.{f.name} = {value}")
    if hasattr(cls, "__post_init__"):
        lines.append("    self.__post_init__()")
    lines += _compare_and_show(every, hashed=False)
    _define("\n".join(lines), namespace)
    for name in ("__init__", "__repr__", "__eq__"):
        method = namespace[name]
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        if name == "__init__" or name not in cls.__dict__:
            setattr(cls, name, method)
    cls.__hash__ = None  # type: ignore[assignment]  # as `dataclass(eq=True)` leaves a mutable class
    return cls


_METHODS: dict[str, Any] | None = None  # generated source -> its code, compiled ahead or in this process


def _define(source: str, namespace: dict[str, Any]) -> None:
    """Run the source of a class's generated methods in `namespace`.

    Compiling the source is most of what defining a class costs: a check defines some sixty of them
    before it reads a file. The wheel carries the code of every class of the package, compiled at build
    time, so an installed Panoptic compiles none (an editable install compiles each, once per process).
    """
    methods = _compiled_methods()
    code = methods.get(source)
    if code is None:
        code = methods[source] = compile(source, "<string>", "exec")
    exec(code, namespace)


def _compiled_methods() -> dict[str, Any]:
    global _METHODS
    if _METHODS is None:
        _METHODS = read_methods(METHODS_FILE)
    return _METHODS


def _methods_header() -> bytes:
    return f"panoptic frozen methods, Python {sys.version}\n".encode()


def read_methods(path: str) -> dict[str, Any]:
    """The code saved by `write_methods`; empty when the file is missing, damaged or from another Python."""
    try:
        with open(path, "rb") as saved:
            if saved.readline() != _methods_header():
                return {}
            methods = marshal.load(saved)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return methods if isinstance(methods, dict) else {}


def write_methods(path: str) -> int:
    """Save the code of every class defined in this process so far (the wheel build imports the package's modules
    first); returns how many sources were saved."""
    methods = _compiled_methods()
    with open(path, "wb") as out:
        out.write(_methods_header())
        marshal.dump(methods, out)
    return len(methods)


_FACTORY = object()  # a `@record` argument left to its field's default factory
_PARAMS: dict[bool, Any] = {}


def _dataclass_params(frozen: bool) -> Any:
    """The `__dataclass_params__` of `@dataclass(init=False, frozen=frozen)`: what `@frozen` and `@record` declare."""
    if frozen not in _PARAMS:

        class Reference:
            """The parameters every class of the kind has."""

        _PARAMS[frozen] = dataclass(frozen=frozen, init=False)(Reference).__dataclass_params__  # type: ignore[literal-required, attr-defined]
    return _PARAMS[frozen]


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


@dataclass_transform(frozen_default=True)
def frozen_slots(cls: type[T]) -> type[T]:
    """`@frozen` with the fields in `__slots__`: for the nodes a check makes by the million (spans, AST, IR).

    An `@frozen` node carries its object, a values array and the instance dict its `__init__` writes (about 160
    bytes and three allocations besides its fields' values); this one is one allocation of 32 bytes plus 8 per
    field. It is built by `__new__`: an instance of a plain twin class with the same slots is filled by ordinary
    attribute stores, then takes the node's class, which costs fewer instructions than writing a dict. Equality,
    hashing, `repr`, `fields()` and `FrozenInstanceError` are `@frozen`'s; nodes pickle by their field values.
    A class with a base, a `__post_init__` or an `init=False` field is refused.
    """
    cls, every, params, namespace = _prepare(cls)
    if cls.__bases__ != (object,) or hasattr(cls, "__post_init__") or not all(f.init for f in every):
        raise TypeError(f"{cls.__name__}: @frozen_slots takes no base, `__post_init__` or `init=False` field")
    names = tuple(f.name for f in every)
    twin = type(f"{cls.__name__}Slots", (), {"__slots__": names, "__module__": cls.__module__})
    lines = [f"def __new__(cls, {', '.join(params)}):", "    self = _new(_twin)"]
    lines += [f"    self.{name} = {name}" for name in names]
    lines += ["    self.__class__ = cls", "    return self"]
    lines += _compare_and_show(every)
    namespace.update(_new=object.__new__, _twin=twin)
    _define("\n".join(lines), namespace)
    generated: dict[str, Any] = {}
    for name in ("__new__", "__repr__", "__eq__", "__hash__"):
        method = namespace[name]
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        if name in ("__new__", "__hash__") or name not in cls.__dict__:  # as `frozen` does
            generated[name] = method
    skipped = {*names, "__dict__", "__weakref__", "__init__"}
    body = {key: value for key, value in cls.__dict__.items() if key not in skipped}
    body.update(generated)
    body.update(
        __slots__=(),
        __qualname__=cls.__qualname__,
        __setattr__=_slots_setattr,
        __delattr__=_slots_delattr,
        __reduce__=_slots_reduce,
    )
    return type(cls)(cls.__name__, (twin,), body)  # type: ignore[misc,return-value]


def _slots_setattr(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _slots_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _slots_reduce(self: Any) -> tuple[Any, ...]:
    """Pickle and copy a `frozen_slots` node as a call of its class with its field values (every field is in init)."""
    return (self.__class__, tuple([getattr(self, name) for name in self.__match_args__]))
