"""`panoptic report` and `panoptic merge` as a user runs them."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

from panoptic.report import read_events
from panoptic.runtime.events import ScenarioFinished

from .helpers import embedded_payload, synthetic_events, write_png, write_results


def panoptic(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "panoptic", *args], cwd=cwd, capture_output=True, text=True)


def test_report_re_renders_from_results(run):
    results = write_results(run.events, run.folder / "out" / "results.jsonl")
    proc = panoptic("report", str(results), cwd=run.folder)
    assert proc.returncode == 0, proc.stderr
    html = (results.parent / "report.html").read_text(encoding="utf-8")
    assert len(embedded_payload(html)["sc"]) == 4
    assert ET.parse(results.parent / "junit.xml").getroot().get("tests") == "4"


def test_report_accepts_a_folder_and_an_output(run):
    write_results(run.events, run.folder / "out" / "results.jsonl")
    proc = panoptic("report", "out", "--output", "rendered", cwd=run.folder)
    assert proc.returncode == 0, proc.stderr
    assert (run.folder / "rendered" / "report.html").is_file()


def test_report_errors_are_diagnostics_with_exit_code_2(tmp_path):
    proc = panoptic("report", "missing.jsonl", cwd=tmp_path)
    assert proc.returncode == 2
    assert "error[PAN001]" in proc.stderr and "Traceback" not in proc.stderr
    (tmp_path / "bad.jsonl").write_text("garbage\nmore garbage\n")
    proc = panoptic("report", "bad.jsonl", cwd=tmp_path)
    assert proc.returncode == 2 and "error[PAN001]" in proc.stderr and "Traceback" not in proc.stderr
    proc = panoptic("report", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 2 and "holds no results.jsonl.gz" in proc.stderr


def test_merge_two_shards(run):
    """Shard A and B both ran 'checkout'; B later and passing. Both wrote an artifact at the same path."""
    a_dir, b_dir = run.folder / "a", run.folder / "b"
    write_png(a_dir / "artifacts" / "checkout" / "failure.png", (10, 10))
    (a_dir / "artifacts" / "checkout" / "trace.zip").write_bytes(b"trace-a")
    write_results(run.events, a_dir / "results.jsonl")
    later = synthetic_events(run.src, run_id="run-b", t0=1_700_000_500.0)
    later = [e for e in later if "sometimes" not in getattr(e, "scenario", "")]
    write_png(b_dir / "artifacts" / "checkout" / "failure.png", (20, 20))
    (b_dir / "artifacts" / "checkout" / "trace.zip").write_bytes(b"trace-b")
    write_results(later, b_dir / "results.jsonl")

    proc = panoptic("merge", "a", str(b_dir / "results.jsonl"), "--output", "merged", cwd=run.folder)
    assert proc.returncode == 0, proc.stderr
    assert "4 scenarios" in proc.stdout and "note: scenario" in proc.stdout
    out = run.folder / "merged"
    events = read_events(out / "results.jsonl.gz")
    finished = {e.scenario.split("::")[1]: e for e in events if isinstance(e, ScenarioFinished)}
    assert set(finished) == {"checkout <b>works</b>", "search finds items", "sometimes slow", "not yet"}
    # the kept checkout came from shard B; its artifacts moved aside because A's sit at the same path
    kept = [a.path for a in finished["checkout <b>works</b>"].artifacts]
    assert kept == ["artifacts/checkout/trace.zip"] or kept == ["shard-2/artifacts/checkout/trace.zip"]
    for event in events:
        for art in getattr(event, "artifacts", ()):
            assert (out / art.path).is_file(), art.path
    # flaky came only from A; every scenario appears once
    starts = [e for e in events if e.kind == "scenario_started"]
    assert sorted({e.scenario for e in starts}) == sorted(e.scenario for e in starts if e.attempt == 1)
    html = (out / "report.html").read_text(encoding="utf-8")
    payload = embedded_payload(html)
    assert len(payload["sc"]) == 4
    assert "is kept" in html
    root = ET.parse(out / "junit.xml").getroot()
    assert root.get("tests") == "4"


def test_merge_of_the_same_shard_twice_and_missing_input(run):
    write_results(run.events, run.folder / "a" / "results.jsonl")
    proc = panoptic("merge", "a", "a", "--output", "a", cwd=run.folder)  # merging into an input folder
    assert proc.returncode == 0, proc.stderr
    assert len(read_events(run.folder / "a" / "results.jsonl")) == len(run.events)
    proc = panoptic("merge", "a", "nowhere", "--output", "m", cwd=run.folder)
    assert proc.returncode == 2 and "error[PAN001]" in proc.stderr and "Traceback" not in proc.stderr


def test_merge_keeps_later_results_by_time_not_by_argument_order(run):
    newer = synthetic_events(run.src, run_id="new", t0=1_700_009_000.0)
    newer = [dataclasses.replace(e, status="passed", failure=None) if isinstance(e, ScenarioFinished) and "checkout" in e.scenario else e for e in newer]  # fmt: skip
    write_results(newer, run.folder / "new" / "results.jsonl")
    write_results(run.events, run.folder / "old" / "results.jsonl")
    proc = panoptic("merge", "new", "old", "--output", "m", cwd=run.folder)
    assert proc.returncode == 0, proc.stderr
    events = read_events(run.folder / "m" / "results.jsonl.gz")
    checkout = [e for e in events if isinstance(e, ScenarioFinished) and "checkout" in e.scenario]
    assert [e.status for e in checkout] == ["passed"]


def test_report_of_json_that_is_not_events_is_an_error(tmp_path):
    for content in ("[1, 2, 3]\n[4, 5, 6]\n", '{"a": 1}\n', "42\n", '["s", 0]\n'):
        (tmp_path / "r.jsonl").write_text(content)
        proc = panoptic("report", "r.jsonl", cwd=tmp_path)
        assert proc.returncode == 2, (content, proc.stdout)
        assert "error[PAN001]" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_merge_joins_the_shards_healings(run):
    import json

    from panoptic.families.ai.heal_apply import read_healings

    def healing(line: int, new: str) -> dict:
        return {"path": str(run.src), "line": line, "col": 5, "start": line * 10, "end": line * 10 + 9,
                "source": 'id "old"', "old": 'id "old"', "new": new, "score": 0.97}  # fmt: skip

    shared, only_a, only_b = healing(3, 'id "new"'), healing(5, 'testid "a"'), healing(7, 'testid "b"')
    for name, entries in (("a", [shared, only_a]), ("b", [shared, only_b]), ("c", None)):
        write_results(run.events, run.folder / name / "results.jsonl")
        if entries is not None:
            (run.folder / name / "heal.json").write_text(json.dumps({"version": 1, "healings": entries}))
    proc = panoptic("merge", "a", "b", "c", "--output", "merged", cwd=run.folder)
    assert proc.returncode == 0, proc.stderr
    assert read_healings(run.folder / "merged") == [shared, only_a, only_b]
    proc = panoptic("merge", "c", "--output", "plain", cwd=run.folder)
    assert proc.returncode == 0 and not (run.folder / "plain" / "heal.json").exists()
