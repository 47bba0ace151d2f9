"""results.jsonl: round trip, streaming durability, truncation and corrupt input."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from panoptic.report import JsonlWriter, ReportError, read_events, read_items
from panoptic.report.jsonl import read_text
from panoptic.runtime.events import ScenarioFinished, StepStarted

from .helpers import write_results


def test_round_trip_gives_back_the_same_events(run):
    path = write_results(run.events, run.folder / "out" / "results.jsonl")
    assert path.read_bytes()[:2] == b"\x1f\x8b"  # compressed
    assert read_events(path) == run.events


def test_plain_files_read_the_same(run):
    path = write_results(run.events, run.folder / "plain.jsonl", compress=False)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(run.events)
    assert json.loads(lines[0])["kind"] == "run_started"
    assert read_events(path) == run.events


def test_plain_to_json_lines_are_accepted(run):
    path = run.folder / "events.jsonl"
    path.write_text("\n".join(json.dumps(e.to_json()) for e in run.events) + "\n", encoding="utf-8")
    assert read_events(path) == run.events


def test_step_lines_are_compact_and_scenario_lines_carry_their_number(run):
    path = write_results(run.events, run.folder / "r.jsonl")
    items = read_items(path)
    started = [i for i in items if isinstance(i, dict) and i["kind"] == "scenario_started"]
    assert [s["n"] for s in started] == list(range(len(started)))
    steps = [i for i in items if isinstance(i, list)]
    assert {s[0] for s in steps} == {"s", "f"}
    assert sum(isinstance(e, StepStarted) for e in run.events) == sum(s[0] == "s" for s in steps)


def test_each_finished_scenario_is_on_disk_before_the_run_ends(run):
    path = run.folder / "live.jsonl"
    writer = JsonlWriter(path)
    first_finish = next(i for i, e in enumerate(run.events) if isinstance(e, ScenarioFinished))
    for event in run.events[: first_finish + 1]:
        writer(event)
    # not closed: what a crash leaves behind
    events = read_events(path)
    assert events == run.events[: first_finish + 1]
    writer.close()


def test_a_killed_writer_keeps_every_finished_scenario(run, tmp_path):
    """A real process writes results and is killed with SIGKILL mid-run."""
    script = tmp_path / "writer.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, signal, sys
            sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
            sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
            from report.helpers import synthetic_events
            from panoptic.report import JsonlWriter
            from panoptic.source import Source
            from report.helpers import PAN
            events = synthetic_events(Source("shop.pan", PAN))
            w = JsonlWriter({str(tmp_path / "killed.jsonl")!r})
            finished = 0
            for e in events:
                w(e)
                if e.kind == "scenario_finished":
                    finished += 1
                if finished == 2 and e.kind == "step_started":
                    os.kill(os.getpid(), signal.SIGKILL)
            """
        ),
        encoding="utf-8",
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr
    events = read_events(tmp_path / "killed.jsonl")
    finished = [e for e in events if isinstance(e, ScenarioFinished)]
    assert [e.scenario.split("::")[1] for e in finished] == ["checkout <b>works</b>", "search finds items"]


def test_a_truncated_last_line_is_dropped(run):
    path = write_results(run.events, run.folder / "plain.jsonl", compress=False)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 25])  # cut inside the last line
    events = read_events(path)
    assert events == run.events[:-1]


def test_a_truncated_compressed_file_keeps_its_readable_part(run):
    path = write_results(run.events, run.folder / "r.jsonl")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    events = read_events(path)
    assert 0 < len(events) < len(run.events)
    assert events == run.events[: len(events)]


def test_missing_file_is_a_pan001_diagnostic(tmp_path):
    with pytest.raises(ReportError) as info:
        read_events(tmp_path / "nope.jsonl")
    assert info.value.diagnostic.code == "PAN001"
    assert "nope.jsonl" in info.value.diagnostic.message


@pytest.mark.parametrize(
    "content",
    [b"this is not json\nnor this\n", b'{"kind": "run_started"}\n<html>\n{"kind": "run_finished"}\n', b"[1, 2, 3]\n"],
)
def test_corrupt_files_are_pan001_diagnostics(tmp_path, content):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(ReportError) as info:
        read_events(path)
    assert info.value.diagnostic.code == "PAN001"


def test_a_damaged_gzip_stream_reads_up_to_the_damage(run):
    path = write_results(run.events, run.folder / "r.jsonl")
    data = bytearray(path.read_bytes())
    data[len(data) * 3 // 4 :] = b"\xff" * (len(data) - len(data) * 3 // 4)
    path.write_bytes(bytes(data))
    text = read_text(path)
    assert text.startswith('{"kind":"run_started"')


def test_secret_free_output_is_readable_with_zcat(run):
    path = write_results(run.events, run.folder / "r.jsonl")
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    assert len(lines) == len(run.events)


def test_unwritable_output_is_pan003(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ReportError) as info:
        JsonlWriter(blocker / "results.jsonl")
    assert info.value.diagnostic.code == "PAN003"
