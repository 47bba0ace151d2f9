"""The AST builder makes its most frequent nodes by calling their `__new__` directly (not the class).

That is the same node only while `@frozen_slots` builds everything in `__new__` and leaves `__init__` to
`object`; these tests fail if that changes.
"""

from __future__ import annotations

import pytest

from panoptic.source import Span
from panoptic.syntax import ast
from panoptic.syntax.parser import _new_span, _new_statement, _new_str, _new_word, parse_text

SPAN = Span("a.pan", 0, 4, 1, 1, 1, 5)
CASES = [
    (Span, _new_span, ("a.pan", 3, 9, 2, 1, 2, 7)),
    (ast.Word, _new_word, ("open", SPAN)),
    (ast.Str, _new_str, (("x",), '"x"', SPAN)),
    (ast.Statement, _new_statement, ((ast.Word("log", SPAN),), None, None, SPAN)),
]


@pytest.mark.parametrize(("cls", "new", "values"), CASES, ids=[c[0].__name__ for c in CASES])
def test_new_builds_what_the_class_builds(cls, new, values):
    assert cls.__init__ is object.__init__
    assert new is cls.__new__
    made, called = new(cls, *values), cls(*values)
    assert type(made) is type(called) is cls
    assert made == called and hash(made) == hash(called) and repr(made) == repr(called)


def test_parsed_nodes_are_the_classes_nodes():
    module, diags = parse_text('app shop: web {\n    url: "http://x"\n}\nscenario "s" {\n    log "x"\n}\n', "a.pan")
    assert diags == []
    statement = module.decls[1].body.statements[0]
    assert type(statement) is ast.Statement and type(statement.span) is Span
    assert type(statement.items[0]) is ast.Word and type(statement.items[1]) is ast.Str
