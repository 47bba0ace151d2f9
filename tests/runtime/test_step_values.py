"""The values a step row shows beside its source text: only what variables, interpolations and calls gave."""

from __future__ import annotations

from panoptic.compiler import ir
from panoptic.contract import ResolvedTarget
from panoptic.runtime.interpreter import describe_values
from panoptic.runtime.masking import MASK


def const(value):
    return ir.Const(value, "string")


def test_literals_are_not_repeated():
    raw = {"target": ir.Target("testid", const("add-mug")), "text": const("1"), "within": const(5.0)}
    args = {"target": ResolvedTarget("testid", "add-mug"), "text": "1"}
    assert describe_values(raw, args, frozenset()) is None


def test_variables_interpolations_and_targets_show_their_values():
    raw = {
        "target": ir.Target("testid", ir.VarRef("product")),
        "text": ir.Template(("Hello ", ir.VarRef("name"))),
        "count": ir.VarRef("n"),
    }
    args = {"target": ResolvedTarget("testid", "add-mug"), "text": "Hello Ada", "count": 3}
    assert describe_values(raw, args, frozenset()) == 'target testid "add-mug", text = "Hello Ada", count = 3'


def test_roles_css_and_points():
    raw = {
        "a": ir.Target("role", ir.VarRef("label"), role="button"),
        "b": ir.Target("css", ir.VarRef("sel")),
        "c": ir.Target("point", point=(ir.VarRef("x"), const(20))),
    }
    args = {
        "a": ResolvedTarget("role", "Sign in", role="button"),
        "b": ResolvedTarget("css", "#cart"),
        "c": ResolvedTarget("point", point=(10.0, 20.0)),
    }
    assert describe_values(raw, args, frozenset()) == 'a role button "Sign in", b "#cart", c at 10, 20'


def test_secret_arguments_are_masked():
    raw = {"target": ir.Target("label", const("Password")), "text": ir.VarRef("password")}
    args = {"target": ResolvedTarget("label", "Password"), "text": "hunter2"}
    assert describe_values(raw, args, frozenset({"text"})) == f"text = {MASK}"
