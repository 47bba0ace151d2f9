"""Values from the page into variables, arithmetic, comparisons, the loop index, exact text, classes, attributes
and storage — on the in-memory backend (the real browser runs them in tests/backends/web and the examples)."""

from __future__ import annotations

from pathlib import Path

import pytest
import runtime_fakes

from panoptic.compiler import compile_paths
from panoptic.runtime.events import FAILED, PASSED
from panoptic.runtime.masking import MASK

HEADER = 'app shop: web {\n    url: "fake://shop"\n    timeout: 1s\n}\n'


def test_values_read_from_the_page_compute_and_compare(compile_pan, run_program) -> None:
    program = compile_pan(
        """
let route = {shown: 3}

scenario "values" on shop {
    let label = text of "#left"
    let left = number of "#left"
    let items = count of ".item"
    let big = attribute "data-n" of "#left"
    let next = left * 2 - 1
    let total = left + items + route.shown
    let title = page title
    expect label equals "3 items left"
    expect left equals 3
    expect items equals 1
    expect big equals left
    expect next equals 5
    expect total is at least 7
    expect total is at most 7
    expect next is greater than route.shown
    expect items is less than 2
    expect title does not equal "Other"
    expect "#left" has attribute "data-n" big
    log "next ${next}"
}
"""
    )
    ran = run_program(program)
    fin = ran.finished()["values"]
    assert fin.status == PASSED, fin.failure
    assert "next 5" in ran.messages()
    assert "read '3 items left'" in ran.messages()
    steps = [e for e in ran.of("step_started") if e.action == "expect.read"]
    assert [s.text for s in steps][:2] == ['let label = text of "#left"', 'let left = number of "#left"']


def test_a_failing_comparison_says_expected_and_actual(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "too many" on shop {
    let left = number of "#left"
    expect left is less than 2
}
"""
    )
    fin = run_program(program).finished()["too many"]
    assert fin.status == FAILED
    assert fin.failure.code == "PAN901"
    assert fin.failure.message == "expected 3 to be less than 2"
    assert (fin.failure.expected, fin.failure.actual) == ("to be less than 2", "3")
    assert fin.failure.span.line == 9  # header (4 lines and a blank), then the scenario


def test_arithmetic_on_text_that_is_no_number_fails_with_help(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "not a number" on shop {
    let label = text of "#left"
    let next = label + 2
    log "${next}"
}
"""
    )
    fin = run_program(program).finished()["not a number"]
    assert fin.status == FAILED
    assert "cannot compute '3 items left' + 2: '3 items left' is not a number" in fin.failure.message
    assert "number of <target>" in (fin.failure.help or "")


def test_a_missing_target_fails_the_read_with_suggestions(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "missing" on shop {
    let n = text of "#cuont" within 200ms
    log n
}
"""
    )
    fin = run_program(program).finished()["missing"]
    assert fin.status == FAILED
    assert fin.failure.message == "could not read the text of '#cuont': it was not found (waited 200ms)"
    assert "#count" in fin.failure.candidates


def test_a_value_read_into_a_secret_is_masked(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "secret read" on shop {
    fill "#user" with "tok-998877"
    secret token = value of "#user"
    fill "#pw" with token
    expect "#pw" has value token
}
"""
    )
    ran = run_program(program)
    assert ran.finished()["secret read"].status == PASSED
    shown = [e.message for e in ran.of("step_finished") if e.message and "read" in e.message]
    assert shown == [f"read '{MASK}'"]


def test_the_loop_index_counts_from_one(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "index" on shop {
    for each i, size in ["S", "M", "L"] {
        log "${i}: ${size}"
    }
}
"""
    )
    ran = run_program(program)
    assert ran.finished()["index"].status == PASSED
    assert [m for m in ran.messages() if ":" in m] == ["1: S", "2: M", "3: L"]


def test_exact_text_class_attribute_and_storage_expectations(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "exact" on shop {
    expect "#spaced" has text "buy some milk"
    expect "#spaced" has exact text "  buy    some   milk  "
    expect "#left" has class "count"
    expect "#left" has class "big count"
    expect "#left" has no class "selected"
    expect "#left" has attribute "data-n" "3"
    expect "#left" has no attribute "href"
    set local storage "todos" to "[]"
    expect local storage "todos" is "[]"
    expect session storage "todos" missing
    let saved = local storage "todos"
    expect saved equals "[]"
    set cookie "sid" to "abc"
    expect cookie "sid" is "abc"
}

scenario "untrimmed" on shop {
    expect "#spaced" has exact text "buy some milk" within 200ms
}
"""
    )
    ran = run_program(program)
    fins = ran.finished()
    assert fins["exact"].status == PASSED, fins["exact"].failure
    failure = fins["untrimmed"].failure
    assert failure.expected == '"buy some milk"'
    assert failure.actual == '"  buy    some   milk  "'


def _diagnostics(tmp_path: Path, text: str) -> list[tuple[str, int, str]]:
    path = tmp_path / "suite.pan"
    path.write_text(HEADER + text, encoding="utf-8")
    result = compile_paths([str(path)])
    return [(d.code, d.span.line if d.span else 0, d.message) for d in result.diagnostics]


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ('let x = frobnicate of "#x"', "PAN201", "is not a value"),
        ('let x = text off "#x"', "PAN308", "does not fit"),
        ("let x = 2 +", "PAN308", "needs a value after it"),
        ("let x = 2 3", "PAN308", "expected an operator"),
        ("let x = 5s * 2", "PAN301", "arithmetic needs numbers, found a duration"),
        ("let x = 2 * [1]", "PAN301", "arithmetic needs numbers, found a list"),
        ("let x = * 2", "PAN101", "unexpected"),
        ('let x = "a" * 2', "PAN301", "arithmetic needs numbers, found text"),
        ('let label = text of "#x"\n    let x = label * 2', "PAN301", "arithmetic needs numbers, found text"),
        ('let x = attribute of "#x"', "PAN308", "does not fit"),
    ],
)
def test_bad_values_are_diagnostics(tmp_path: Path, body: str, code: str, words: str) -> None:
    found = _diagnostics(tmp_path, f'scenario "s" on shop {{\n    {body}\n    log "${{x}}"\n}}\n')
    assert any(c == code and words in m for c, _line, m in found), found


def test_page_values_need_a_scenario_but_arithmetic_works_at_file_level(tmp_path: Path) -> None:
    found = _diagnostics(
        tmp_path,
        'let title = page title\nlet width = 2 * 640\nscenario "s" on shop {\n    log "${title} ${width}"\n}\n',
    )
    assert [(c, line) for c, line, _m in found] == [("PAN215", 5)]


def test_value_forms_are_not_statements(tmp_path: Path) -> None:
    found = _diagnostics(tmp_path, 'scenario "s" on shop {\n    text of "#x"\n}\n')
    assert [c for c, _line, _m in found] == ["PAN201"]


def test_fields_of_maps_are_arguments(compile_pan, run_program) -> None:
    program = compile_pan(
        """
let route = {count: 1, name: "Item"}

scenario "fields" on shop {
    expect ".item" count route.count
    expect ".item" has text route.name
    expect ".item" count "${route.count}"
}
"""
    )
    assert run_program(program).finished()["fields"].status == PASSED


def test_json_paths_parse_and_read() -> None:
    from panoptic.families.expect import jsonpath

    body = {"items": [{"name": "Mug", "odd key": 1}], "count": 0}
    assert jsonpath.parse("$.items[0].name") == ("items", 0, "name")
    assert jsonpath.parse('items[0]["odd key"]') == ("items", 0, "odd key")
    assert jsonpath.read(body, jsonpath.parse("$.items[-1].name")) == "Mug"
    assert jsonpath.read(body, jsonpath.parse("$.count")) == 0
    assert jsonpath.missing(jsonpath.read(body, jsonpath.parse("$.items[3]")))
    for bad in ("$..name", "$.items[x]", "$.a b"):
        with pytest.raises(ValueError, match="at position"):
            jsonpath.parse(bad)


@pytest.mark.parametrize(
    ("line", "code", "words"),
    [
        ('mock "**/a" with json "missing.json"', "PAN307", "does not exist"),
        ('mock "**/a" with json "bad.json"', "PAN309", "is not valid JSON"),
        ('expect response json "$.a[x" is 1', "PAN309", "is not a JSON path"),
        ('let x = response json "a..b"\n    log x', "PAN309", "is not a JSON path"),
        ('request FETCH "/api"', "PAN308", "does not fit"),
    ],
)
def test_network_and_api_statements_are_checked(tmp_path: Path, line: str, code: str, words: str) -> None:
    (tmp_path / "bad.json").write_text("{bad", encoding="utf-8")
    found = _diagnostics(tmp_path, f'scenario "s" on shop {{\n    {line}\n}}\n')
    assert any(c == code and words in m for c, _line, m in found), found


def test_a_frame_block_runs_inside_and_always_leaves_the_frame(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "frame" on shop {
    in frame "#payment" {
        click "#add-now"
        expect "#count" has text "2" within 100ms
    }
}
"""
    )
    ran = run_program(program)
    assert ran.finished()["frame"].status == FAILED
    calls = [c for c in runtime_fakes.JOURNAL if c[1] == "perform" and c[2].startswith("frame.")]
    assert [c[2] for c in calls[-2:]] == ["frame.enter", "frame.exit"]
