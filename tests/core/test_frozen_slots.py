"""`@frozen_slots`: the behaviour of `@frozen`, with the fields in slots and no instance dict."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from panoptic.frozen import frozen, frozen_slots
from panoptic.source import Span
from panoptic.syntax import ast


def _pair():
    def define(decorate):
        class Node:
            """A node."""

            name: str
            children: tuple = dataclasses.field(default=(), compare=False, repr=False)
            weight: int = 1

            @property
            def heavy(self) -> bool:
                return self.weight > 1

        return decorate(Node)

    return define(frozen), define(frozen_slots)


def test_behaves_as_frozen():
    plain, slotted = _pair()
    a, b = plain("n", (1,), 2), slotted("n", (1,), 2)
    assert repr(a) == repr(b) and hash(a) == hash(b)
    assert b == slotted("n", (), 2) and b != slotted("n", (), 3) and b != a
    assert b.heavy and slotted.__doc__ == "A node." and slotted.__name__ == "Node"
    assert slotted.__match_args__ == plain.__match_args__
    assert [f.name for f in dataclasses.fields(slotted)] == ["name", "children", "weight"]
    assert dataclasses.replace(b, weight=5) == slotted("n", (), 5)
    assert slotted(name="k") == slotted("k", (), 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.name = "m"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.other = 1  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del b.name  # type: ignore[misc]
    assert not hasattr(b, "__dict__")


def test_pickles_and_copies():
    span = Span("a.pan", 300, 305, 12, 4, 12, 9)
    word = ast.Word("click", span)
    for copied in (pickle.loads(pickle.dumps(word)), copy.copy(word), copy.deepcopy(word)):
        assert copied == word and type(copied) is ast.Word and type(copied.span) is Span


def test_refuses_what_slots_cannot_hold():
    with pytest.raises(TypeError):

        @frozen_slots
        class Late:
            value: int

            def __post_init__(self) -> None:
                pass

    with pytest.raises(TypeError):

        @frozen_slots
        class Hidden:
            value: int = dataclasses.field(default=0, init=False)
