"""`--cluster`: scenarios on a real Dask LocalCluster of worker processes (the in-memory backend inside them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from panoptic.runtime.events import ERROR, FAILED, PASSED, SKIPPED

pytest.importorskip("distributed")

SUITE = """
scenario "slow first" on shop {
    wait 1500ms
    click "#add-now"
}

scenario "quick second" on shop {
    click "#add-now"
}

scenario "quick third" on shop {
    expect "#count" has text "0"
}

scenario "fails fourth" on shop {
    fail "no"
}
"""


@pytest.fixture(autouse=True)
def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # durations go to ./.panoptic/durations.json


def test_a_cluster_run_reports_like_a_local_run(compile_pan, run_program, tmp_path: Path) -> None:
    program = compile_pan(SUITE)
    local = run_program(program, output_name="local")
    ran = run_program(program, cluster="local:2", output_name="cluster")
    assert {k: v.status for k, v in ran.finished().items()} == {k: v.status for k, v in local.finished().items()}
    assert ran.outcome.exit_code == local.outcome.exit_code == 1
    # the listeners see each scenario's events together, in program order, whatever order they finished in
    order = []
    for e in ran.events:
        sid = getattr(e, "scenario", None)
        if sid and (not order or order[-1] != sid):
            order.append(sid)
    assert [s.split("::")[1] for s in order] == ["slow first", "quick second", "quick third", "fails fourth"]
    assert ran.events[0].kind == "run_started" and ran.events[-1].kind == "run_finished"
    assert {e.worker for e in ran.of("scenario_started")} == {1, 2}
    steps = [e for e in ran.events if e.kind == "step_finished"]
    assert len(steps) == len([e for e in local.events if e.kind == "step_finished"])
    durations = json.loads((tmp_path / ".panoptic" / "durations.json").read_text())
    assert set(durations) == {s.id for s in program.scenarios}
    assert durations[program.scenarios[0].id] > 1.4


def test_known_durations_send_the_longest_first(compile_pan, run_program, tmp_path: Path) -> None:
    from panoptic.families.cloud.cluster import order_by_duration

    program = compile_pan(SUITE)
    ids = [s.id for s in program.scenarios]
    order = order_by_duration(program, [0, 1, 2, 3], {ids[2]: 5.0, ids[0]: 1.0})
    assert order == [2, 0, 1, 3]


def test_a_worker_that_dies_is_retried_then_an_infrastructure_error(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "a" on shop {
    click "#add-now"
}

scenario "dies" on shop {
    click "#die"
}

scenario "c" on shop {
    click "#add-now"
}
"""
    )
    ran = run_program(program, cluster="local:2")
    fins = ran.finished()
    assert {t: f.status for t, f in fins.items()} == {"a": PASSED, "dies": ERROR, "c": PASSED}
    assert fins["dies"].failure.code == "PAN906"
    assert ran.outcome.exit_code == 1


def test_an_unreachable_scheduler_skips_everything_as_infrastructure(compile_pan, run_program) -> None:
    program = compile_pan(SUITE)
    ran = run_program(program, cluster="tcp://127.0.0.1:9")
    fins = ran.finished()
    assert {f.status for f in fins.values()} == {SKIPPED}
    reason = next(iter(fins.values())).failure
    assert reason.code == "PAN906" and "127.0.0.1:9" in reason.message
    assert ran.outcome.exit_code == 3


def test_a_bad_address_is_named(compile_pan, run_program) -> None:
    ran = run_program(compile_pan(SUITE), cluster="somewhere")
    reason = next(iter(ran.finished().values())).failure
    assert "`somewhere` is not a cluster address" in reason.message and ran.outcome.exit_code == 3


def test_fail_fast_cancels_what_has_not_started(compile_pan, run_program) -> None:
    many = "".join(f'\nscenario "s{i}" on shop {{\n    wait 300ms\n    fail "no"\n}}\n' for i in range(8))
    ran = run_program(compile_pan(many), cluster="local:2", fail_fast=True)
    statuses = [f.status for f in ran.finished().values()]
    assert statuses.count(FAILED) >= 1 and statuses.count(SKIPPED) >= 4


LOCKED = """
scenario "first" on shop {
    lock "account-a" {
        wait 700ms
    }
}

scenario "second" on shop {
    lock "account-a" {
        wait 700ms
    }
}

scenario "other account" on shop {
    lock "account-b" {
        wait 700ms
    }
}
"""


def _held_intervals(ran) -> dict[str, tuple[float, float]]:
    """Scenario title -> (start, end) of the `wait` inside its lock, from the step events' times."""
    out = {}
    for e in ran.events:
        if e.kind == "step_started" and e.path == "0.0":
            out[e.scenario.split("::")[1]] = (e.at, 0.0)
        if e.kind == "step_finished" and e.path == "0.0":
            title = e.scenario.split("::")[1]
            out[title] = (out[title][0], out[title][0] + e.duration)
    return out


@pytest.mark.parametrize("where", [{"workers": 2}, {"cluster": "local:2"}], ids=["processes", "cluster"])
def test_a_lock_keeps_two_scenarios_from_one_account(compile_pan, run_program, where) -> None:
    ran = run_program(compile_pan(LOCKED), **where)
    assert {f.status for f in ran.finished().values()} == {PASSED}
    held = _held_intervals(ran)
    (a0, a1), (b0, b1) = held["first"], held["second"]
    assert a1 <= b0 + 0.02 or b1 <= a0 + 0.02, held  # never both inside `account-a` at once
    kind = "cluster" if "cluster" in where else "machine"
    notes = {e.message for e in ran.events if e.kind == "step_finished" and e.path == "0" and e.message}
    assert all(f"({kind} lock" in n for n in notes), notes


def test_a_lock_not_freed_in_time_fails_the_step(compile_pan, run_program, tmp_path: Path) -> None:
    from panoptic.families.cloud.locks import held

    program = compile_pan(
        'scenario "waits" on shop {\n    lock "busy" waiting up to 300ms {\n        log "in"\n    }\n}\n'
    )
    with held("busy", 1.0, tmp_path, lambda: False):  # this test holds it
        ran = run_program(program)
    failure = ran.finished()["waits"].failure
    assert failure.code == "PAN908" and "`busy` was not free within 0.3s" in failure.message
