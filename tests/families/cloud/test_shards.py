"""Shards: every scenario in exactly one shard, stable across machines, balanced by past durations when known."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from panoptic.families.cloud.cli import register
from panoptic.families.cloud.errors import BadArgument
from panoptic.families.cloud.shard import Shard, durations_from, parse_shard, plan, select_shard
from tests.families.cloud.runs import PAN_FILE, Sc, write_run


def test_shard_notation() -> None:
    assert parse_shard("2/4") == Shard(2, 4) and str(parse_shard(" 1 / 3 ")) == "1/3"
    for bad in ("0/4", "5/4", "2", "a/b", "1/0"):
        with pytest.raises(BadArgument) as info:
            parse_shard(bad)
        assert info.value.code == "PAN938" and info.value.help


@pytest.mark.parametrize(("count", "total"), [(0, 3), (1, 3), (7, 3), (10, 4), (10, 10), (3, 5)])
def test_without_history_shards_are_contiguous_slices_of_nearly_equal_size(count: int, total: int) -> None:
    ids = [f"a.pan::s{i}" for i in range(count)]
    split = plan(ids, total)
    assert not split.balanced
    assert [i for shard in split.shards for i in shard] == list(range(count))  # each once, in order
    sizes = [len(s) for s in split.shards]
    assert max(sizes) - min(sizes) <= 1 and len(sizes) == total


def test_with_history_the_longest_go_first_to_the_least_loaded_shard() -> None:
    ids = [f"suite/a.pan::s{i}" for i in range(8)]
    times = [8, 4, 4, 1, 1, 1, 1, 1]
    durations = {f"/ci/checkout/suite/a.pan::s{i}": float(d) for i, d in enumerate(times)}
    split = plan(ids, 2, durations)  # ids from another checkout folder match by file name and title
    assert split.balanced
    assert split.shards == ((0, 3, 5, 7), (1, 2, 4, 6))
    assert split.estimates == (11.0, 10.0)
    contiguous = plan(ids, 2)
    assert max(sum(times[i] for i in s) for s in contiguous.shards) == 17  # program order alone: 17 s vs 11 s


def test_the_same_inputs_give_the_same_plan_and_unknown_scenarios_cost_the_median() -> None:
    ids = [f"a.pan::s{i}" for i in range(6)]
    durations = {"a.pan::s0": 10.0, "a.pan::s1": 2.0, "a.pan::s2": 4.0}
    first = plan(ids, 3, durations)
    assert first == plan(list(ids), 3, dict(reversed(list(durations.items()))))
    assert sum(first.estimates) == 10 + 2 + 4 + 3 * 4.0


def test_durations_come_from_earlier_results(tmp_path: Path) -> None:
    now = time.time()
    write_run(tmp_path / "r1", "r1", now - 7200, [Sc("slow", steps=(3.0, 1.0)), Sc("quick", steps=(0.5,))])
    write_run(tmp_path / "r2", "r2", now - 3600, [Sc("slow", steps=(5.0, 1.0)), Sc("quick", ("skipped",))])
    found = durations_from([tmp_path])
    assert found == {f"{PAN_FILE}::slow": 5.0, f"{PAN_FILE}::quick": 0.5}
    (tmp_path / "empty").mkdir()
    assert durations_from([tmp_path / "empty"]) == {}


def test_select_shard_keeps_program_indices() -> None:
    class Program:
        scenarios = [type("S", (), {"id": f"a.pan::s{i}"})() for i in range(5)]

    selected = [0, 2, 3, 4]
    parts = [select_shard(Program, selected, Shard(k, 2)) for k in (1, 2)]
    assert parts == [[0, 2], [3, 4]]


def test_the_shards_command_prints_the_plan(tmp_path: Path) -> None:
    suite = tmp_path / "suite.pan"
    suite.write_text(
        'app shop: web {\n    url: "http://127.0.0.1:9"\n}\n\n'
        + "".join(f'scenario "s{i}" on shop {{\n    log "x"\n}}\n\n' for i in range(5)),
        encoding="utf-8",
    )
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["shards", "2", str(suite)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "shard 1/2: 3 scenario(s)" and lines[4] == "shard 2/2: 2 scenario(s)"
    broken = tmp_path / "broken.pan"
    broken.write_text('scenario "x" on nowhere {\n    click "#a"\n}\n', encoding="utf-8")
    failed = CliRunner().invoke(app, ["shards", "2", str(broken)])
    assert failed.exit_code == 2 and "error[PAN938]: the suite does not compile" in failed.output
