"""What one scenario does: flows, scopes, interpolation, secrets, control statements, expectations, teardown."""

from __future__ import annotations

import json
from pathlib import Path

import runtime_fakes

from panoptic.compiler import ir
from panoptic.runtime.events import ERROR, FAILED, PASSED, Frame
from panoptic.runtime.masking import MASK
from panoptic.source import Span


def test_flow_steps_carry_the_call_chain(compile_pan, run_program) -> None:
    program = compile_pan(
        """
flow inner(v) {
    fill "#user" with v
}

flow outer(v) {
    inner("${v}!")
}

scenario "chain" on shop {
    outer("ann")
    expect "#user" has value "ann!"
}
"""
    )
    ran = run_program(program)
    assert ran.outcome.exit_code == 0
    started = [e for e in ran.of("step_started")]
    by_path = {e.path: e for e in started}
    assert by_path["0"].action == "core.call" and by_path["0"].chain == ()
    assert by_path["0.0"].action == "core.call"
    assert [f.flow for f in by_path["0.0"].chain] == ["outer"]
    fill = by_path["0.0.0"]
    assert fill.action == "ui.fill"
    assert [f.flow for f in fill.chain] == ["outer", "inner"]
    assert fill.chain[0].span.line == by_path["0"].span.line  # the outer call site in the scenario
    assert fill.chain[1].span.line == by_path["0.0"].span.line  # the inner call site in `outer`


def test_flow_failure_reports_the_innermost_step_and_chain(compile_pan, run_program) -> None:
    program = compile_pan(
        """
flow check_count(n) {
    expect "#count" has text n within 200ms
}

scenario "bad count" on shop {
    check_count("7")
}
"""
    )
    ran = run_program(program)
    fin = ran.finished()["bad count"]
    assert fin.status == FAILED
    assert fin.failure.code == "PAN901"
    assert fin.failure.expected == '"7"' and fin.failure.actual == '"0"'
    assert fin.failure.span.line == 8  # the expect inside the flow (header is 5 lines)
    assert [f.flow for f in fin.failure.chain] == ["check_count"]
    statuses = {e.path: e.status for e in ran.of("step_finished")}
    assert statuses == {"0.0": FAILED, "0": FAILED}


def _span(line: int = 1) -> Span:
    return Span("hand.pan", 0, 1, line, 1, line, 2)


def _program(body, flows=(), bindings=(), setup=(), teardown=()) -> ir.Program:
    app = ir.AppDef("shop", "web", {"url": "fake://shop", "timeout": 0.5}, _span())
    scenario = ir.Scenario(
        "hand.pan::s", "s", "shop", (), "hand.pan", _span(), tuple(body), tuple(setup), tuple(teardown)
    )
    return ir.Program((app,), tuple(bindings), tuple(flows), (scenario,))


def _log(expr, line: int = 2) -> ir.Step:
    return ir.Step("control.log", {"text": expr}, _span(line), "log …")


def test_flows_see_globals_and_params_but_not_the_callers_locals(run_program) -> None:
    flow = ir.FlowDef(
        "peek",
        ("p",),
        (_log(ir.Template(("g=", ir.VarRef("g"), " p=", ir.VarRef("p")))), _log(ir.VarRef("local"))),
        _span(),
        "hand",
    )
    body = (
        ir.Step("core.let", {"name": "local", "value": ir.Const("mine", "string"), "secret": False}, _span(), "let"),
        ir.CallFlow("peek", (ir.VarRef("local"),), _span(3), "peek(local)"),
    )
    program = _program(body, flows=(flow,), bindings=(ir.Binding("g", ir.Const("G", "string"), False, _span()),))
    ran = run_program(program)
    assert ran.messages() == ["g=G p=mine"]
    fin = ran.finished()["s"]
    assert fin.status == FAILED
    assert "`local` has no value here" in fin.failure.message
    assert fin.failure.chain == (Frame("peek", _span(3)),)


def test_interpolation_of_every_value_kind(compile_pan, run_program) -> None:
    program = compile_pan(
        """
let n = 3
let d = 5s
let half = 500ms
let size = 1280x720
let names = ["a", "b"]
let user = {name: "ann"}

scenario "interpolate" on shop {
    log "n=${n} d=${d} half=${half} size=${size} names=${names} user=${user.name}"
}
"""
    )
    ran = run_program(program)
    assert ran.messages() == ["n=3 d=5s half=500ms size=1280x720 names=a, b user=ann"]


def test_secrets_are_masked_everywhere(compile_pan, run_program, monkeypatch) -> None:
    monkeypatch.setenv("SHOP_PW", "hunter2-xyz")
    program = compile_pan(
        """
secret password = env("SHOP_PW")
let auth = "Bearer ${password}"

scenario "leaks nothing" on shop {
    fill "#pw" with password
    fill "#user" with auth
    expect "#pw" has value "${password}!" within 200ms
}

scenario "leaks nothing either" on shop {
    fill "#user" with lower(password)
    expect "#user" has value "x" within 200ms
}
"""
    )
    ran = run_program(program)
    begin = [c for c in runtime_fakes.JOURNAL if c[1] == "begin" and c[2].endswith("::leaks nothing")][-1]
    assert "hunter2-xyz" in begin[4] and "Bearer hunter2-xyz" in begin[4]  # the backend is told what to mask
    fins = ran.finished()
    first = fins["leaks nothing"].failure
    assert first.expected == f'"{MASK}"' and first.actual == f'"{MASK}"'  # "${password}!" is a secret too
    second = fins["leaks nothing either"].failure
    assert second.actual == f'"{MASK}"'  # lower(password) is a derived secret
    everything = json.dumps([e.to_json() for e in ran.events]) + json.dumps([e.to_json() for e in ran.live])
    assert "hunter2" not in everything
    for path in ran.output.rglob("*"):
        if path.is_file():
            assert b"hunter2" not in path.read_bytes(), path


def test_repeat_for_each_and_paths(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "loops" on shop {
    repeat 3 times {
        click "#close"
    }
    for each item in ["a", "b"] {
        log "item ${item}"
    }
}
"""
    )
    ran = run_program(program)
    clicks = [c for c in runtime_fakes.JOURNAL if c[1] == "perform" and c[2] == "click"]
    assert len(clicks) >= 3
    paths = [e.path for e in ran.of("step_started")]
    assert paths == ["0", "0.0.0", "0.1.0", "0.2.0", "1", "1.0.0", "1.1.0"]
    assert ran.messages() == ["3 time(s)", "item a", "item b", "2 item(s)"]


def test_if_visible_takes_the_right_branch(compile_pan, run_program) -> None:
    text = """
scenario "branch" on shop {
    if visible "#banner" {
        log "then"
    } else {
        log "else"
        log "else again"
    }
}
"""
    ran = run_program(compile_pan(text))
    assert [m for m in ran.messages() if not m.startswith("'")] == ["else", "else again"]
    assert [e.path for e in ran.of("step_started")] == ["0", "0.1", "0.2"]  # else continues after the then block
    ran = run_program(_banner(compile_pan, text), output_name="o2")
    assert [m for m in ran.messages() if not m.startswith("'")] == ["then"]


def _banner(compile_pan, text):
    header = 'app shop: web {\n    url: "fake://banner"\n    timeout: 1s\n}\n'
    return compile_pan(header + text, header=False, name="banner.pan")


def test_retry_block_records_attempts(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "retry passes" on shop {
    retry 3 times {
        click "#flaky"
    }
}

scenario "retry gives up" on shop {
    retry 2 times {
        click "#flaky2"
    }
}
"""
    )
    ran = run_program(program)
    fins = ran.finished()
    assert fins["retry passes"].status == PASSED
    assert fins["retry gives up"].status == FAILED
    passes = ran.steps("retry passes")
    assert [(e.path, e.status) for e in passes if e.kind == "step_finished"] == [
        ("0.0.0", FAILED),
        ("0.1.0", PASSED),
        ("0", PASSED),
    ]
    assert passes[-1].message == "passed on attempt 2 of 3"
    gives_up = [e for e in ran.steps("retry gives up") if e.kind == "step_finished"]
    assert gives_up[-1].message == "failed 2 of 2 attempts"
    assert fins["retry gives up"].failure.code == "PAN902"
    # the recovered failure of "retry passes" captured nothing
    assert not list((ran.output / "artifacts" / "001-retry-passes").glob("page.html"))
    assert list((ran.output / "artifacts" / "002-retry-gives-up").glob("page.html"))


def test_assertion_polls_until_the_value_appears(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "eventually" on shop {
    click "#add"
    expect "#count" has text "1" within 2s
}
"""
    )
    ran = run_program(program)
    assert ran.outcome.exit_code == 0
    expect = next(e for e in ran.of("step_finished") if e.path == "1")
    assert expect.message == "held after 4 polls"  # the fake changes the text after 3 queries
    assert 0.25 < expect.duration < 5.0


def test_assertion_that_never_holds_fails_with_expected_actual_and_candidates(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "never" on shop {
    expect "#count" has text "9" within 300ms
}

scenario "typo" on shop {
    expect "#cuont" visible within 200ms
}

scenario "title and url" on shop {
    click "#go"
    expect url contains "/cart"
    expect url matches "cart\\\\?x=\\\\d"
    expect url is "/cart?x=1"
    expect title is "Fake   Shop"
    expect title contains "Nope" within 100ms
}
"""
    )
    ran = run_program(program)
    fins = ran.finished()
    never = fins["never"]
    assert never.failure.code == "PAN901"
    assert never.failure.message == "expected '#count' to have text \"9\" (waited 300ms)"
    assert (never.failure.expected, never.failure.actual) == ('"9"', '"0"')
    never_step = next(e for e in ran.steps("never") if e.kind == "step_finished")
    assert 0.28 < never_step.duration < 5.0
    typo = fins["typo"].failure
    assert typo.code == "PAN901" and "#count" in typo.candidates
    assert "did you mean" in typo.help
    title = fins["title and url"].failure
    assert title.span.line == 21 and title.actual == '"Fake Shop"'  # only the last expectation fails


def test_teardown_runs_after_a_failure_and_setup_failure_skips_the_body(compile_pan, run_program) -> None:
    program = compile_pan(
        """
setup {
    log "setting up"
}

teardown {
    log "tearing down"
}

scenario "body fails" on shop {
    fail "on purpose"
    log "never"
}
"""
    )
    ran = run_program(program)
    fin = ran.finished()["body fails"]
    assert fin.status == FAILED and fin.failure.code == "PAN905" and fin.failure.message == "on purpose"
    assert ran.messages() == ["setting up", "tearing down"]
    phases = [(e.phase, e.path) for e in ran.of("step_started")]
    assert phases == [("setup", "0"), ("body", "0"), ("teardown", "0")]


def test_setup_failure_skips_body_and_teardown_failure_fails_a_passing_scenario(run_program) -> None:
    fail = ir.Step("control.fail", {"text": ir.Const("setup broke", "string")}, _span(1), "fail")
    program = _program((_log(ir.Const("body", "string")),), setup=(fail,), teardown=(_log(ir.Const("td", "string")),))
    ran = run_program(program)
    assert ran.messages() == ["td"]
    assert ran.finished()["s"].failure.message == "setup broke"

    bad_td = ir.Step(
        "expect.visible",
        {"target": ir.Target("css", ir.Const("#nope", "string")), "within": ir.Const(0.1, "duration")},
        _span(4),
        "expect",
    )
    program = _program((_log(ir.Const("body", "string")),), teardown=(bad_td,))
    ran = run_program(program, output_name="out2")
    fin = ran.finished()["s"]
    assert fin.status == FAILED and fin.failure.span.line == 4


def test_screenshots_are_named_safely_and_kept_inside_the_output(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "shots" on shop {
    record video
    screenshot "../../escape"
    screenshot "../../escape"
    screenshot "cart: 1 item"
}
"""
    )
    ran = run_program(program)
    arts = [a for e in ran.of("step_finished") for a in e.artifacts]
    assert [a.path for a in arts] == [
        "artifacts/001-shots/escape.png",
        "artifacts/001-shots/escape-2.png",
        "artifacts/001-shots/cart-1-item.png",
    ]
    for art in arts:
        assert (ran.output / art.path).is_file()
    assert ran.finished()["shots"].artifacts == tuple(arts)
    begin = [c for c in runtime_fakes.JOURNAL if c[1] == "begin" and c[2].endswith("::shots")][-1]
    assert begin[3] is True  # record_video reached the backend at begin()


def test_wait_and_wait_until(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "waits" on shop {
    wait 200ms
    wait until "#count" visible
    wait until "#banner" hidden
    wait until "#banner" visible within 200ms
}
"""
    )
    ran = run_program(program)
    fin = ran.finished()["waits"]
    assert fin.failure.code == "PAN908"
    assert fin.failure.expected == "visible" and fin.failure.actual == "hidden"
    durations = {e.path: e.duration for e in ran.of("step_finished")}
    assert durations["0"] >= 0.19


def test_state_expectations(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "states" on shop {
    expect "#add" enabled
    expect "#disabled" disabled
    expect "#terms" not checked
    check "#terms"
    expect "#terms" checked
    expect "#banner" hidden
    expect ".item" count 1
    expect "#add" contains "to cart"
    expect "#count" has text "  0 "
}
"""
    )
    ran = run_program(program)
    assert ran.finished()["states"].status == PASSED, ran.finished()["states"].failure


def test_unexpected_python_error_in_a_backend_is_pan900(run_program, monkeypatch) -> None:
    def boom(self, capability, args, timeout):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(runtime_fakes.FakeBackend, "perform", boom)
    step = ir.Step("ui.click", {"target": ir.Target("css", ir.Const("#add", "string"))}, _span(2), 'click "#add"')
    ran = run_program(_program((step,)))
    fin = ran.finished()["s"]
    assert fin.status == ERROR and fin.failure.code == "PAN900"
    assert "ZeroDivisionError" in fin.failure.message


def test_default_timeout_comes_from_the_app_or_the_option(run_program) -> None:
    step = ir.Step("ui.click", {"target": ir.Target("css", ir.Const("#add", "string"))}, _span(2), 'click "#add"')
    within = ir.Step(
        "ui.click",
        {"target": ir.Target("css", ir.Const("#add", "string")), "within": ir.Const(2.0, "duration")},
        _span(3),
        "click within",
    )
    runtime_fakes.JOURNAL.clear()
    run_program(_program((step, within)))
    run_program(_program((step,)), output_name="o2", timeout=7.0)
    timeouts = [c[-1] for c in runtime_fakes.JOURNAL if c[1] == "perform"]
    assert timeouts == [0.5, 2.0, 7.0]


def test_hand_built_ir_with_paths_inside_tmp(tmp_path: Path) -> None:
    # the artifact folders sit two levels below the output folder, as ScenarioContext.artifact expects
    from panoptic.runtime.output import scenario_folder

    folder = scenario_folder(tmp_path, 0, "A / B", 2)
    assert folder.parent.parent == tmp_path and folder.name == "001-A-B-r2"


def test_interpolation_of_names_with_dashes(compile_pan, run_program) -> None:
    program = compile_pan(
        """
let first-name = "Ann"
let user = {last-name: "Lee"}

scenario "dashes" on shop {
    log "${first-name} ${user.last-name}"
}
"""
    )
    ran = run_program(program)
    assert ran.messages() == ["Ann Lee"]
