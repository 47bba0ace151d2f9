"""`-k` works like pytest's (substrings with and/or/not), globs are explicit, `-t` is a tag expression."""

from __future__ import annotations

import pytest

from panoptic.compiler.ir import Scenario
from panoptic.runtime.selection import SelectionError, parse_keyword_expression, parse_tag_expression
from panoptic.source import Span

TITLES = ("cart badge", "checkout with one item", "login ok", "cart checkout", "Cart*literal")


def _scenario(title: str) -> Scenario:
    return Scenario(
        id=f"shop/suite.pan::{title}",
        title=title,
        app="shop",
        tags=(),
        file="shop/suite.pan",
        span=Span("x", 0, 0, 1, 1, 1, 1),
        body=(),
    )


def _chosen(expression: str) -> list[str]:
    predicate = parse_keyword_expression(expression)
    return [t for t in TITLES if predicate(_scenario(t))]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cart", ["cart badge", "cart checkout", "Cart*literal"]),
        ("cart*", ["Cart*literal"]),  # a `*` is a character unless the glob is asked for
        ("glob:cart*", ["cart badge", "cart checkout", "Cart*literal"]),
        ("glob:*item", ["checkout with one item"]),
        ("cart and not checkout", ["cart badge", "Cart*literal"]),
        ("login or badge", ["cart badge", "login ok"]),
        ('"one item" or login', ["checkout with one item", "login ok"]),
        ("checkout with one item", ["checkout with one item"]),
        ("(cart or login) and not badge", ["login ok", "cart checkout", "Cart*literal"]),
        ("CHECKOUT and cart", ["cart checkout"]),
        ("suite.pan::login", ["login ok"]),  # the id is `file::title`
    ],
)
def test_keyword_expressions(expression: str, expected: list[str]) -> None:
    assert _chosen(expression) == expected


@pytest.mark.parametrize("expression", ["cart and", "(cart or login", "and cart", "cart or )"])
def test_broken_keyword_expressions_are_errors(expression: str) -> None:
    with pytest.raises(SelectionError):
        parse_keyword_expression(expression)


def test_tag_expressions() -> None:
    smoke_not_slow = parse_tag_expression("smoke and not slow")
    assert smoke_not_slow(frozenset({"smoke"})) and not smoke_not_slow(frozenset({"smoke", "slow"}))
    with pytest.raises(SelectionError):
        parse_tag_expression("")
