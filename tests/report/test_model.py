"""The results model built from a synthetic event stream."""

from __future__ import annotations

import dataclasses

from panoptic.report import build_model, build_model_from_records, merge_models, read_items
from panoptic.report.model import UNFINISHED
from panoptic.runtime.events import RunFinished, ScenarioFinished

from .helpers import synthetic_events, write_results


def test_statuses_counts_and_order(run):
    model = build_model(run.events)
    assert [(s.title, s.status) for s in model.scenarios] == [
        ("checkout <b>works</b>", "failed"),
        ("search finds items", "passed"),
        ("sometimes slow", "flaky"),
        ("not yet", "skipped"),
    ]
    assert model.counts == {"passed": 1, "failed": 1, "error": 0, "flaky": 1, "skipped": 1}
    assert not model.ok
    assert model.tags == ("checkout", "search", "smoke", "todo")
    assert model.notes == ()
    (info,) = model.runs
    assert info.run_id == "run-1" and info.finished and info.exit_code == 1
    assert info.environment["browser"] == "chromium 131.0"
    assert model.duration == info.duration


def test_step_tree_nests_by_path(run):
    failed, passed, _, _ = build_model(run.events).scenarios
    assert [s.path for s in failed.steps] == ["0", "1"]
    assert [c.path for c in failed.steps[0].children] == ["0.0", "0.1"]
    assert failed.steps[0].children[0].chain[0].flow == "login"
    loop = passed.steps[1]
    assert loop.action == "control.repeat"
    assert [c.path for c in loop.children] == ["1.0", "1.1"]
    assert all(c.status == "passed" for c in loop.children)
    assert passed.steps[0].span.line == 19


def test_failure_artifacts_and_failed_step(run):
    failed = build_model(run.events).scenarios[0]
    assert failed.failure.code == "PAN901"
    assert failed.failure.candidates == ("#cart-counter", "#cart")
    step = failed.failed_step
    assert step.path == "1" and step.text.startswith("expect")
    assert [a.kind for a in failed.artifacts] == ["screenshot", "trace"]
    assert failed.duration == 5.2


def test_flaky_keeps_both_attempts_and_the_first_failure(run):
    flaky = build_model(run.events).scenarios[2]
    assert flaky.flaky
    assert [(a.number, a.status) for a in flaky.attempts] == [(1, "failed"), (2, "passed")]
    assert flaky.failure.code == "PAN902"
    assert flaky.duration == 1.2
    assert flaky.final.steps[0].status == "passed"


def test_records_from_the_file_give_the_same_model(run):
    path = write_results(run.events, run.folder / "r.jsonl")
    assert build_model_from_records(read_items(path)) == build_model(run.events)


def test_a_run_stopped_mid_scenario(run):
    cut = next(i for i, e in enumerate(run.events) if e.kind == "step_started" and "search" in e.scenario)
    model = build_model(run.events[: cut + 1])
    assert [s.status for s in model.scenarios] == ["failed", "error"]
    stopped = model.scenarios[1]
    assert stopped.failure.code == "PAN907"
    assert stopped.steps[0].status == UNFINISHED
    assert any("stopped before it finished" in n for n in model.notes)
    assert any("did not run" in n for n in model.notes)


def test_a_scenario_declared_flaky_by_the_interpreter_stays_flaky(run):
    events = [
        dataclasses.replace(e, status="flaky") if isinstance(e, ScenarioFinished) and e.status == "passed" and "slow" in e.scenario else e
        for e in run.events
    ]  # fmt: skip
    assert build_model(events).scenarios[2].status == "flaky"


def test_interrupted_run_is_noted(run):
    events = [dataclasses.replace(e, interrupted=True) if isinstance(e, RunFinished) else e for e in run.events]
    assert any("interrupted" in n for n in build_model(events).notes)


def test_merge_keeps_the_later_duplicate(run):
    a = build_model(run.events)
    later = synthetic_events(run.src, run_id="run-2", t0=1_700_000_100.0)
    # in the second shard the failing scenario passes
    later = [dataclasses.replace(e, status="passed", failure=None) if isinstance(e, ScenarioFinished) and "checkout" in e.scenario else e for e in later]  # fmt: skip
    b = build_model(later)
    merged = merge_models([a, b])
    assert len(merged.scenarios) == 4
    assert merged.scenarios[0].status == "passed" and merged.scenarios[0].run_id == "run-2"
    assert len(merged.runs) == 2
    assert len(merged.notes) == 4 and "run-2" in merged.notes[0]
    assert merged.counts["failed"] == 0


def test_concatenated_streams_are_several_runs(run):
    second = synthetic_events(run.src, run_id="run-2", t0=1_700_000_100.0)
    model = build_model(run.events + second)
    assert [r.run_id for r in model.runs] == ["run-1", "run-2"]
    assert {s.run_id for s in model.scenarios} == {"run-2"}
    assert any("the result of run run-2 is kept" in n for n in model.notes)
