"""Small pieces of the runtime: values, masking, tag expressions, names, polling."""

from __future__ import annotations

from pathlib import Path

import pytest

from panoptic.compiler import ir
from panoptic.contract.errors import ActionFailed
from panoptic.families.expect.checks import normalise, poll
from panoptic.runtime.masking import MASK, Masker
from panoptic.runtime.output import OutputError, is_inside, prepare_output_dir, safe_name
from panoptic.runtime.selection import SelectionError, parse_tag_expression
from panoptic.runtime.values import Duration, Evaluator, Scope, format_duration, format_value


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(5, "5s"), (0.5, "500ms"), (120, "2m"), (1.5, "1.5s"), (3600, "1h"), (0.25, "250ms"), (90, "90s")],
)
def test_durations_print_as_written(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
    assert str(Duration(seconds)) == text


def test_values_interpolate_like_the_language() -> None:
    assert format_value(3.0) == "3"
    assert format_value(2.5) == "2.5"
    assert format_value(True) == "true"
    assert format_value((1280, 720)) == "1280x720"
    assert format_value(["a", 1]) == "a, 1"


def test_template_taints_and_registers_secrets() -> None:
    ev = Evaluator()
    scope = Scope()
    scope.define("pw", "hunter2", secret=True)
    scope.define("user", "bob")
    value, secret = ev.evaluate(ir.Template(("Bearer ", ir.VarRef("pw"))), scope)
    assert (value, secret) == ("Bearer hunter2", True)
    assert ev.secrets == {"Bearer hunter2"}
    value, secret = ev.evaluate(ir.Template(("hi ", ir.VarRef("user"))), scope)
    assert (value, secret) == ("hi bob", False)
    upper, secret = ev.evaluate(ir.CallExpr("upper", (ir.VarRef("pw"),)), scope)
    assert upper == "HUNTER2" and secret
    assert "HUNTER2" in ev.secrets


def test_map_fields_and_missing_names() -> None:
    ev = Evaluator()
    scope = Scope()
    scope.define("user", {"name": "ann", "age": 3})
    assert ev.value(ir.VarRef("user", None, ("name",)), scope) == "ann"
    with pytest.raises(ActionFailed, match="no field `nope`"):
        ev.value(ir.VarRef("user", None, ("nope",)), scope)
    with pytest.raises(ActionFailed, match="has no value"):
        ev.value(ir.VarRef("ghost"), scope)


def test_function_errors_become_step_errors() -> None:
    ev = Evaluator()
    with pytest.raises(ActionFailed, match="PANOPTIC_SURELY_UNSET is not set"):
        ev.value(ir.CallExpr("env", (ir.Const("PANOPTIC_SURELY_UNSET", "string"),)), Scope())


def test_masker_hides_longest_secret_first_in_nested_events() -> None:
    from panoptic.runtime.events import Failure, StepFinished

    masker = Masker(["abc", "abcdef"])
    event = StepFinished(
        scenario="s",
        path="0",
        status="failed",
        duration=0.0,
        failure=Failure("PAN901", "saw abcdef", None, expected="abc", candidates=("x abc",)),
        message="abcdef and abc",
    )
    masked = masker.apply(event)
    assert masked.message == f"{MASK} and {MASK}"
    assert masked.failure.message == f"saw {MASK}"
    assert masked.failure.expected == MASK
    assert masked.failure.candidates == (f"x {MASK}",)
    assert "abc" not in repr(masked)


@pytest.mark.parametrize(
    ("expr", "tags", "expected"),
    [
        ("smoke", {"smoke"}, True),
        ("smoke", {"slow"}, False),
        ("not slow", {"smoke"}, True),
        ("not slow", {"slow", "smoke"}, False),
        ("smoke and not slow", {"smoke"}, True),
        ("smoke and not slow", {"smoke", "slow"}, False),
        ("a or b", {"b"}, True),
        ("(a or b) and not c", {"a", "c"}, False),
        ("not (a or b)", set(), True),
    ],
)
def test_tag_expressions(expr: str, tags: set[str], expected: bool) -> None:
    assert parse_tag_expression(expr)(frozenset(tags)) is expected


@pytest.mark.parametrize("expr", ["", "and", "a and", "(a", "a b", "not", "a )"])
def test_bad_tag_expressions(expr: str) -> None:
    with pytest.raises(SelectionError):
        parse_tag_expression(expr)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("Cart: 1 item", "Cart-1-item"),
        ("..", "artifact"),
        ("", "artifact"),
        ("/abs/path", "abs-path"),
        ("a..b", "a.b"),
        ("C:\\win", "C-win"),
    ],
)
def test_safe_names_cannot_escape(name: str, safe: str, tmp_path: Path) -> None:
    assert safe_name(name) == safe
    assert is_inside(tmp_path / safe_name(name), tmp_path)


def test_output_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        prepare_output_dir(blocker)
    with pytest.raises(OutputError, match="cannot write"):
        prepare_output_dir(blocker / "sub")
    assert prepare_output_dir(tmp_path / "new" / "deep").is_dir()


def test_poll_checks_at_once_then_until_the_deadline() -> None:
    clock = [0.0]
    seen = []

    def probe():
        seen.append(clock[0])
        return len(seen)

    held, last, polls = poll(
        probe,
        lambda v: v >= 3,
        1.0,
        interval=0.1,
        clock=lambda: clock[0],
        sleep=lambda s: clock.__setitem__(0, clock[0] + s),
    )
    assert held and last == 3 and polls == 3
    assert seen[0] == 0.0  # the first poll does not wait
    seen.clear()
    clock[0] = 0.0
    held, last, polls = poll(
        probe,
        lambda v: False,
        0.35,
        interval=0.1,
        clock=lambda: clock[0],
        sleep=lambda s: clock.__setitem__(0, clock[0] + s),
    )
    assert not held
    assert polls == 5  # 0, 0.1, 0.2, 0.3, 0.35
    assert seen[-1] == pytest.approx(0.35)


def test_whitespace_normalisation() -> None:
    assert normalise("  Total:\n   3  items ") == "Total: 3 items"
