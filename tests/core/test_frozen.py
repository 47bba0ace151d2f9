"""`@frozen` nodes behave as frozen dataclasses; only their construction is different."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from panoptic.frozen import frozen, record
from panoptic.source import Span


@frozen
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


def test_fields_defaults_equality_and_hash():
    assert Point(1) == Point(1, 0, ()) and Point(1, 2) != Point(2, 1)
    assert hash(Point(1, tags=("a",))) == hash(Point(1, 0, ("a",)))
    assert repr(Point(3, 4)) == "Point(x=3, y=4, tags=())"
    assert [f.name for f in dataclasses.fields(Point)] == ["x", "y", "tags"]
    assert dataclasses.replace(Point(1, 2), y=5) == Point(1, 5)


def test_assignment_after_construction_is_refused():
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.y  # type: ignore[misc]


def test_arguments_are_checked_like_any_call():
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, z=2)  # type: ignore[call-arg]


def test_post_init_runs_and_pickle_round_trips():
    @frozen
    class Checked:
        n: int

        def __post_init__(self) -> None:
            if self.n < 0:
                raise ValueError("negative")

    with pytest.raises(ValueError):
        Checked(-1)
    span = Span("a.pan", 0, 3, 1, 1, 1, 4)
    assert pickle.loads(pickle.dumps(span)) == span


def test_default_factories_are_refused():
    with pytest.raises(TypeError, match="default_factory"):

        @frozen
        class Bad:
            items: list = dataclasses.field(default_factory=list)


def test_methods_match_those_of_a_frozen_dataclass():
    """The methods compiled in one piece behave as `dataclass(frozen=True)`'s: field flags, params, recursion."""

    def define(decorate):
        class Node:
            name: str
            children: list = dataclasses.field(default=None, compare=False, repr=False)  # type: ignore[assignment]
            weight: int = dataclasses.field(default=1, hash=False)

        return decorate(Node)

    ours, theirs = define(frozen), define(dataclasses.dataclass(frozen=True))
    a, b = ours("n", [], 2), theirs("n", [], 2)
    assert (
        repr(a)
        == repr(b)
        == "test_methods_match_those_of_a_frozen_dataclass.<locals>.define.<locals>.Node(name='n', weight=2)"
    )
    assert hash(a) == hash(b) and a == ours("n", [1], 2) and a != ours("n", [], 3) and (a == b) is False
    assert (
        ours.__dataclass_params__.frozen
        and ours.__dataclass_params__.eq
        and ours.__match_args__ == theirs.__match_args__
    )
    loop = ours([], None)
    loop.name.append(loop)
    assert repr(loop).endswith("Node(name=[...], weight=1)")


def test_record_matches_a_plain_dataclass():
    """`@record` writes the methods `@dataclass` writes for a mutable class: init, factories, eq, repr, no hash."""

    def define(decorate):
        class Entry:
            name: str
            items: list = dataclasses.field(default_factory=list)
            weight: int = dataclasses.field(default=1, compare=False)
            note: str = dataclasses.field(default="", repr=False)

        return decorate(Entry)

    ours, theirs = define(record), define(dataclasses.dataclass)
    a, b = ours("n"), theirs("n")
    assert repr(a).replace("define.<locals>.", "") == repr(b).replace("define.<locals>.", "")
    assert repr(a).endswith("Entry(name='n', items=[], weight=1)")
    assert a == ours("n", [], 2) and a != ours("n", [1]) and (a == b) is False
    assert a.items is not ours("n").items  # a fresh list from the factory for every instance
    a.items.append(1)
    a.name = "m"  # mutable
    assert (a.name, a.items) == ("m", [1])
    assert ours.__hash__ is None and theirs.__hash__ is None
    params, reference = ours.__dataclass_params__, theirs.__dataclass_params__
    assert (params.eq, params.frozen, params.order) == (reference.eq, reference.frozen, reference.order)
    assert ours.__match_args__ == theirs.__match_args__
    assert [f.name for f in dataclasses.fields(ours)] == ["name", "items", "weight", "note"]
    copy = dataclasses.replace(a, weight=5)
    assert copy == a and copy.weight == 5
    with pytest.raises(TypeError):
        ours()  # `name` is required
    loop = ours("x")
    loop.items.append(loop)
    assert repr(loop).endswith("Entry(name='x', items=[...], weight=1)")


def test_record_pickles_and_runs_post_init():
    restored = pickle.loads(pickle.dumps(Tally("a", [1, 2])))
    assert restored == Tally("a", [1, 2]) and restored.total == 3


def test_record_refuses_fields_outside_init():
    with pytest.raises(TypeError, match="init=False"):

        @record
        class Bad:
            items: list = dataclasses.field(default_factory=list, init=False)


@record
class Tally:
    name: str
    values: list = dataclasses.field(default_factory=list)
    total: int = dataclasses.field(default=0, compare=False)

    def __post_init__(self) -> None:
        self.total = sum(self.values)


def test_fields_outside_init_take_their_default_or_come_from_post_init():
    def define(decorate):
        class Entry:
            words: tuple[str, ...]
            count: int = dataclasses.field(init=False, default=0)
            first: str = dataclasses.field(init=False, repr=False, compare=False)

            def __post_init__(self) -> None:
                object.__setattr__(self, "first", self.words[0] if self.words else "")

        return decorate(Entry)

    ours, theirs = define(frozen), define(dataclasses.dataclass(frozen=True))
    a, b = ours(("x", "y")), theirs(("x", "y"))
    assert (a.words, a.count, a.first) == (b.words, b.count, b.first) == (("x", "y"), 0, "x")
    assert repr(a).replace("define.<locals>.", "") == repr(b).replace("define.<locals>.", "")
    assert a == ours(("x", "y")) and hash(a) == hash(ours(("x", "y")))
    assert dataclasses.replace(a, words=("z",)).first == "z"
    with pytest.raises(TypeError):
        ours(("x",), 1)  # `count` is not an argument
