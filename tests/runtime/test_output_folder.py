"""A run into a folder an earlier run used replaces that run's output, and refuses a folder holding other files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from panoptic.runtime.output import RUN_MANIFEST, OutputError, clear_previous_run, record_run_output


def _earlier_run(folder: Path) -> None:
    (folder / "artifacts" / "001-a").mkdir(parents=True)
    (folder / "artifacts" / "001-a" / "final-2.png").write_bytes(b"png")
    (folder / "results.jsonl.gz").write_bytes(b"gz")
    (folder / "report.html").write_text("<html>")
    (folder / "junit.xml").write_text("<x/>")
    (folder / "summary.txt").write_text("a custom reporter's file")
    record_run_output(folder)


def test_a_run_replaces_what_the_earlier_run_left(tmp_path: Path) -> None:
    _earlier_run(tmp_path)
    assert "summary.txt" in json.loads((tmp_path / RUN_MANIFEST).read_text())["entries"]
    clear_previous_run(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_holding_other_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    _earlier_run(tmp_path)
    (tmp_path / "notes.md").write_text("mine")
    with pytest.raises(OutputError) as err:
        clear_previous_run(tmp_path)
    assert err.value.code == "PAN003"
    assert "notes.md" in err.value.message
    assert (tmp_path / "notes.md").read_text() == "mine"
    assert (tmp_path / "artifacts" / "001-a" / "final-2.png").is_file()  # nothing was removed


def test_an_interrupted_run_without_manifest_is_replaced_by_its_standard_names(tmp_path: Path) -> None:
    (tmp_path / "artifacts").mkdir()
    (tmp_path / "results.jsonl.gz").write_bytes(b"gz")
    clear_previous_run(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_or_missing_folder_is_fine(tmp_path: Path) -> None:
    clear_previous_run(tmp_path)
    clear_previous_run(tmp_path / "missing")
