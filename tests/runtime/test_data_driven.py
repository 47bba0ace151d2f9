"""Data-driven scenarios: one scenario per item of a list, a file-level list, a CSV or a JSON file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from panoptic.compiler import compile_paths
from panoptic.runtime.events import FAILED, PASSED

HEADER = 'app shop: web {\n    url: "fake://shop"\n    timeout: 1s\n}\n'


def test_each_item_is_its_own_scenario_with_its_title(tmp_path: Path, compile_pan, run_program) -> None:
    (tmp_path / "users.csv").write_text("name,password\nalice,pw-a\nbob,pw-b\n", encoding="utf-8")
    (tmp_path / "counts.json").write_text(json.dumps([{"n": "0"}, {"n": "1"}]), encoding="utf-8")
    program = compile_pan(
        """
let fields = ["#user", "#pw"]

scenario "fill ${field}" for each field in fields tags data {
    fill field with "x"
    expect field has value "x"
}

scenario "sign in as ${row.name}" for each row in csv("users.csv") {
    fill "#user" with row.name
    expect "#user" has value row.name
}

scenario "count ${i} is ${case.n}" for each i, case in json("counts.json") {
    expect "#count" has text case.n
}
"""
    )
    titles = [s.title for s in program.scenarios]
    assert titles == [
        "fill #user",
        "fill #pw",
        "sign in as alice",
        "sign in as bob",
        "count 1 is 0",
        "count 2 is 1",
    ]
    assert all(s.tags == ("data",) for s in program.scenarios[:2])
    ran = run_program(program)
    statuses = {title: fin.status for title, fin in ran.finished().items()}
    assert statuses["count 2 is 1"] == FAILED  # the count stays 0: that item fails on its own
    assert [t for t, s in statuses.items() if s != PASSED] == ["count 2 is 1"]
    setup = [e.text for e in ran.of("step_started") if e.phase == "setup"]
    assert setup[:2] == ['let field = "#user"', 'let field = "#pw"']


def _diagnostics(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "suite.pan"
    path.write_text(HEADER + text, encoding="utf-8")
    return [(d.code, d.message) for d in compile_paths([str(path)]).diagnostics]


@pytest.mark.parametrize(
    ("clause", "title", "code", "words"),
    [
        ('for each row in csv("missing.csv")', "t", "PAN307", "does not exist"),
        ("for each x in []", "t", "PAN503", "empty"),
        ("for each x in uuid()", "t", "PAN305", "must be known when the file is checked"),
        ('for each x in "abc"', "t", "PAN301", "needs a list"),
        ("for each x in [1, 2]", "t ${y}", "PAN202", "not one of the names"),
        ("for each x in [1, 1]", "t ${x}", "PAN205", "already exists"),
    ],
)
def test_bad_data_is_a_diagnostic(tmp_path: Path, clause: str, title: str, code: str, words: str) -> None:
    found = _diagnostics(tmp_path, f'scenario "{title}" {clause} {{\n    log "${{x}}"\n}}\n')
    assert any(c == code and words in m for c, m in found), found


def test_a_title_without_the_item_is_numbered(compile_pan) -> None:
    program = compile_pan('scenario "same" for each x in ["a", "b"] {\n    log x\n}\n')
    assert [s.title for s in program.scenarios] == ["same [1]", "same [2]"]
