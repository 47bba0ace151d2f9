"""Running many scenarios: retries and flaky, fail-fast, crashes, missing infrastructure, Ctrl-C, workers."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from pathlib import Path

import pytest
import runtime_fakes

from panoptic.runtime.events import ERROR, FAILED, FLAKY, PASSED, SKIPPED

THREE = """
scenario "one" on shop {
    click "#add-now"
}

scenario "two" on shop {
    CLICK2
}

scenario "three" on shop {
    expect "#count" has text "0"
}
"""


def three(compile_pan, second: str):
    return compile_pan(THREE.replace("CLICK2", second))


def test_a_scenario_that_fails_then_passes_is_flaky(compile_pan, run_program) -> None:
    program = three(compile_pan, 'click "#flaky"')
    ran = run_program(program)
    assert ran.finished()["two"].status == FAILED and ran.outcome.exit_code == 1

    ran = run_program(program, retries=2, output_name="again")
    two = [e for e in ran.of("scenario_finished") if e.scenario.endswith("::two")]
    assert [(e.attempt, e.status) for e in two] == [(1, FAILED), (2, FLAKY)]
    assert ran.outcome.exit_code == 0
    assert ran.outcome.counts == {"passed": 2, "failed": 0, "error": 0, "flaky": 1, "skipped": 0, "total": 3}
    assert (ran.output / "artifacts" / "002-two" / "page.html").is_file()  # each attempt has its own folder
    assert not (ran.output / "artifacts" / "002-two-r2").exists()  # ...removed when nothing was written there


def test_fail_fast_skips_the_rest(compile_pan, run_program) -> None:
    program = three(compile_pan, 'fail "stop here"')
    ran = run_program(program, fail_fast=True)
    fins = ran.finished()
    assert [fins[t].status for t in ("one", "two", "three")] == [PASSED, FAILED, SKIPPED]
    assert "--fail-fast" in fins["three"].failure.message
    assert ran.outcome.exit_code == 1
    # a skipped scenario still has its header for reporters
    assert [e.title for e in ran.of("scenario_started")] == ["one", "two", "three"]


def test_a_crashed_backend_errors_one_scenario_and_restarts(compile_pan, run_program) -> None:
    program = three(compile_pan, 'click "#crash"')
    runtime_fakes.JOURNAL.clear()
    ran = run_program(program)
    fins = ran.finished()
    assert [fins[t].status for t in ("one", "two", "three")] == [PASSED, ERROR, PASSED]
    assert fins["two"].failure.code == "PAN904"
    lifecycle = [c[1] for c in runtime_fakes.JOURNAL if c[1] in ("start", "begin", "end", "stop")]
    assert lifecycle == ["start", "begin", "end", "begin", "end", "stop", "start", "begin", "end", "stop"]
    assert ran.outcome.exit_code == 1


def test_missing_infrastructure_errors_then_skips_that_app(compile_pan, run_program) -> None:
    program = compile_pan(
        """
app broken: web {
    url: "fake://nobrowser"
}

scenario "a" on broken {
    click "#add"
}

scenario "b" on shop {
    click "#add-now"
}

scenario "c" on broken {
    click "#add"
}
"""
    )
    ran = run_program(program)
    fins = ran.finished()
    assert fins["a"].status == ERROR and fins["a"].failure.code == "PAN906"
    assert fins["a"].failure.help == "install it: apt-get install chromium"
    assert fins["b"].status == PASSED
    assert fins["c"].status == SKIPPED and fins["c"].failure.code == "PAN906"
    assert "no Chromium found" in fins["c"].failure.message
    assert ran.outcome.exit_code == 3


def test_ctrl_c_reports_what_finished(compile_pan, run_program) -> None:
    program = three(compile_pan, 'click "#interrupt"')
    ran = run_program(program)
    assert ran.outcome.interrupted and ran.outcome.exit_code == 130
    fins = ran.finished()
    assert fins["one"].status == PASSED
    assert fins["two"].status == ERROR and fins["two"].failure.code == "PAN907"
    assert "three" not in fins
    last = ran.events[-1]
    assert last.kind == "run_finished" and last.interrupted and last.exit_code == 130
    # the interrupted step was closed too, so reporters see a complete tree
    two_steps = [e for e in ran.steps("two") if e.kind == "step_finished"]
    assert two_steps[-1].failure.code == "PAN907"


def test_workers_keep_reports_in_program_order(compile_pan, run_program) -> None:
    program = compile_pan(
        """
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
    )
    serial = run_program(program, output_name="serial")
    ran = run_program(program, workers=2, output_name="parallel")
    titles = ["slow first", "quick second", "quick third", "fails fourth"]
    # listeners see each scenario's events together, scenarios in program order
    order = []
    for e in ran.events:
        sid = getattr(e, "scenario", None)
        if sid and (not order or order[-1] != sid):
            order.append(sid)
    assert [s.split("::")[1] for s in order] == titles
    # ...although they finished in another order
    live_finish = [e.scenario.split("::")[1] for e in ran.live if e.kind == "scenario_finished"]
    assert live_finish[0] != "slow first"
    workers = {e.worker for e in ran.of("scenario_started")}
    assert workers == {1, 2}
    assert {k: v.status for k, v in ran.finished().items()} == {k: v.status for k, v in serial.finished().items()}
    assert ran.outcome.exit_code == serial.outcome.exit_code == 1
    kinds = [e.kind for e in ran.events]
    assert kinds[0] == "run_started" and kinds[-1] == "run_finished"


_WHERE = """
scenario "a" on shop {
    click "#whereami"
}

scenario "b" on shop {
    click "#whereami"
    wait 200ms
}

scenario "c" on shop {
    click "#whereami"
}
"""


def _where(note: Path) -> list[tuple[int, int]]:
    return [(int(pid), int(parent)) for pid, parent in (line.split() for line in note.read_text().splitlines())]


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here")
def test_workers_are_forked_from_a_warm_server_that_is_gone_afterwards(
    compile_pan, run_program, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from multiprocessing import forkserver

    if forkserver._forkserver._forkserver_pid is not None:  # type: ignore[attr-defined]
        pytest.skip("this test process already runs a fork server (it would be used and left running)")
    note = tmp_path / "where.txt"
    monkeypatch.setenv("PANOPTIC_FAKE_WHEREAMI", str(note))
    ran = run_program(compile_pan(_WHERE), workers=2)
    assert ran.outcome.exit_code == 0
    where = _where(note)
    assert len(where) == 3 and len({pid for pid, _ in where}) == 2  # two workers ran the three scenarios
    (server,) = {parent for _, parent in where}  # both forked by one process: the server, not this one
    assert server != os.getpid()
    assert not Path(f"/proc/{server}").exists()  # stopped and reaped with the run


def test_workers_are_fresh_interpreters_where_there_is_no_fork_server(
    compile_pan, run_program, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from panoptic.runtime import workers

    @contextlib.contextmanager
    def no_server(modules):
        yield False

    note = tmp_path / "where.txt"
    monkeypatch.setenv("PANOPTIC_FAKE_WHEREAMI", str(note))
    monkeypatch.setattr(workers, "warm_forkserver", no_server)
    ran = run_program(compile_pan(_WHERE), workers=2)
    assert ran.outcome.exit_code == 0
    assert {parent for _, parent in _where(note)} == {os.getpid()}


def test_a_worker_that_dies_errors_its_scenario_only(compile_pan, run_program) -> None:
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

scenario "d" on shop {
    click "#add-now"
}
"""
    )
    ran = run_program(program, workers=2)
    fins = ran.finished()
    assert {t: f.status for t, f in fins.items()} == {"a": PASSED, "dies": ERROR, "c": PASSED, "d": PASSED}
    assert fins["dies"].failure.code == "PAN904"
    assert "exit code 17" in fins["dies"].failure.message
    assert ran.outcome.exit_code == 1


def test_ctrl_c_inside_a_worker_stops_the_run(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "a" on shop {
    click "#add-now"
}

scenario "b" on shop {
    click "#interrupt"
}

scenario "c" on shop {
    wait 300ms
}
"""
    )
    ran = run_program(program, workers=2)
    assert ran.outcome.exit_code == 130
    fins = ran.finished()
    assert fins["b"].failure.code == "PAN907"
    assert ran.events[-1].interrupted


def test_fail_fast_with_workers_stops_dispatching(compile_pan, run_program) -> None:
    program = compile_pan(
        """
scenario "fails" on shop {
    fail "no"
}

scenario "slow" on shop {
    wait 500ms
}

scenario "later1" on shop {
    click "#add-now"
}

scenario "later2" on shop {
    click "#add-now"
}
"""
    )
    ran = run_program(program, workers=2, fail_fast=True)
    fins = ran.finished()
    assert fins["fails"].status == FAILED
    assert fins["later2"].status == SKIPPED
    assert ran.outcome.exit_code == 1


def test_a_failing_listener_is_dropped_and_the_run_goes_on(compile_pan, tmp_path) -> None:
    from panoptic.runtime.runner import RunOptions, execute

    program = three(compile_pan, 'click "#add-now"')
    seen: list = []

    def broken(event) -> None:
        if event.kind == "scenario_finished":
            raise OSError(28, "No space left on device")

    options = RunOptions(output_dir=tmp_path, run_id="r", backend_overrides=(("web", "runtime_fakes:FakeBackend"),))
    outcome = execute(program, [0, 1, 2], options, [broken, seen.append])
    assert outcome.exit_code == 0
    assert len([e for e in seen if e.kind == "scenario_finished"]) == 3
    assert len(outcome.listener_errors) == 1 and "No space left" in outcome.listener_errors[0]


def test_a_kept_pool_serves_later_runs_with_the_backends_of_apps_defined_the_same_way(compile_pan, tmp_path) -> None:
    from panoptic.runtime.execution import SerialExecutor
    from panoptic.runtime.runner import RunOptions, execute

    first = three(compile_pan, 'click "#add-now"')
    again = three(compile_pan, 'click "#add-now"')  # compiled again: another program, the same app definition
    site = 'app site: web {\n    url: "fake://shop"\n    timeout: 1s\n}\n'
    other = compile_pan(site + THREE.replace("CLICK2", 'click "#add-now"').replace("on shop", "on site"), header=False)
    options = RunOptions(output_dir=tmp_path, run_id="r", backend_overrides=(("web", "runtime_fakes:FakeBackend"),))
    pool = options.pool(first)
    runtime_fakes.JOURNAL.clear()
    for program, index in ((first, 0), (again, 2), (first, 1)):
        assert execute(program, [index], options, [], executor=SerialExecutor(pool)).exit_code == 0
    assert [e[1] for e in runtime_fakes.JOURNAL if e[1] in ("start", "stop")] == ["start"]  # one start, kept
    assert execute(other, [0], options, [], executor=SerialExecutor(pool)).exit_code == 0  # `shop` is stopped
    pool.close()
    assert [(e[0], e[1]) for e in runtime_fakes.JOURNAL if e[1] in ("start", "stop")] == [
        ("shop", "start"),
        ("shop", "stop"),
        ("site", "start"),
        ("site", "stop"),
    ]
