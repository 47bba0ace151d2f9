"""`panoptic run --reporter NAME`: only the chosen reports are written; results.jsonl.gz always is."""

from __future__ import annotations

from pathlib import Path

from conftest import FAKE, HEADER

from panoptic.commands.run import run_command

SUITE = HEADER + '\nscenario "passes" on shop {\n    click "#add-now"\n}\n'


def test_run_writes_the_chosen_reports_only(tmp_path: Path, capsys) -> None:
    suite = tmp_path / "suite.pan"
    suite.write_text(SUITE, encoding="utf-8")
    out = tmp_path / "out"
    assert run_command([str(suite)], output=out, backend_overrides=FAKE, reporters=["junit"]) == 0
    assert (out / "junit.xml").is_file() and (out / "results.jsonl.gz").is_file()
    assert not (out / "report.html").exists()
    assert capsys.readouterr().out == ""  # the console reporter was not chosen


def test_run_defaults_and_an_unknown_reporter(tmp_path: Path, capsys) -> None:
    suite = tmp_path / "suite.pan"
    suite.write_text(SUITE, encoding="utf-8")
    assert run_command([str(suite)], output=tmp_path / "a", backend_overrides=FAKE) == 0
    assert (tmp_path / "a" / "report.html").is_file() and (tmp_path / "a" / "junit.xml").is_file()
    assert "passes" in capsys.readouterr().out
    assert run_command([str(suite)], output=tmp_path / "b", backend_overrides=FAKE, reporters=["pdf"]) == 2
    assert "no reporter named `pdf`" in capsys.readouterr().err and not (tmp_path / "b").exists()
