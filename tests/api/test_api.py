"""The Python API: check, compile, run and events without the command line; `import panoptic` stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import panoptic
from panoptic.commands.init import scaffold

GOOD = 'app site: web {\n    url: "http://127.0.0.1:9"\n}\n\nscenario "one" on site tags smoke {\n    open "/"\n}\n'


def test_import_panoptic_loads_neither_the_compiler_nor_the_runtime() -> None:
    code = "import sys, panoptic; print(sorted(m for m in sys.modules if m.startswith('panoptic')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['panoptic']"
    code = "import sys, panoptic; panoptic.check; print('panoptic.compiler.lower' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"  # the API module itself imports nothing heavy either


def test_check_and_compile(tmp_path: Path) -> None:
    (tmp_path / "a.pan").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.pan").write_text('scenario "x" {\n    clik "#a"\n}\n', encoding="utf-8")
    good = panoptic.check(tmp_path / "a.pan", cache=False)
    assert good.ok and good.files == 1 and good.errors == []
    both = panoptic.check([tmp_path], cache=False)
    assert not both.ok and {d.code for d in both.errors} >= {"PAN201"}
    compiled = panoptic.compile([str(tmp_path / "a.pan")])
    assert compiled.program is not None and compiled.program.scenarios[0].tags == ("smoke",)
    assert panoptic.compile([tmp_path]).program is None


def test_check_and_compile_take_yaml_configs(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("apps: [{name: a, type: web, url: 'http://x'}]\nactions: [{name: o, type: navigate, url: /}]\n")
    assert panoptic.check([config]).ok
    program = panoptic.compile(config).program
    assert program is not None and program.scenarios[0].body[0].action == "ui.navigate"


def test_run_raises_on_compile_errors_and_bad_filters(tmp_path: Path) -> None:
    (tmp_path / "bad.pan").write_text('scenario "x" {\n    clik "#a"\n}\n', encoding="utf-8")
    with pytest.raises(panoptic.PanopticError) as caught:
        panoptic.run([tmp_path / "bad.pan"])
    assert "PAN201" in {d.code for d in caught.value.diagnostics}
    (tmp_path / "a.pan").write_text(GOOD, encoding="utf-8")
    with pytest.raises(panoptic.PanopticError, match="no scenario matches"):
        panoptic.run(tmp_path / "a.pan", panoptic.Options(tags=["nothing"]))
    with pytest.raises(panoptic.PanopticError):
        panoptic.run(tmp_path / "a.pan", panoptic.Options(workers=0))


@pytest.mark.browser
def test_run_writes_the_results_folder_and_streams_events(tmp_path: Path) -> None:
    scaffold(tmp_path / "project")
    seen: list[str] = []
    results = panoptic.run(
        [tmp_path / "project"],
        panoptic.Options(output=tmp_path / "out", on_event=lambda e: seen.append(e.kind)),
    )
    assert results.ok and results.exit_code == 0
    assert results.counts["passed"] == 1 and list(results.statuses.values()) == ["passed"]
    assert seen[0] == "run_started" and seen[-1] == "run_finished" and "step_finished" in seen
    assert (tmp_path / "out" / "report.html").is_file() and (tmp_path / "out" / "junit.xml").is_file()
    assert [e.kind for e in results.events()] == seen
    assert [e.kind for e in panoptic.events(tmp_path / "out")] == seen


@pytest.mark.browser
def test_run_finishes_the_families_like_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `cloud sync to` inside a suite uploads the run so far; the finished folder, reports included, follows at the end.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.pan").write_text(
        'app site: web {\n    url: "http://127.0.0.1:9"\n}\n\n'
        'scenario "syncs" on site {\n    log "hello"\n    cloud sync to "./store"\n}\n'
    )
    results = panoptic.run([tmp_path / "s.pan"], panoptic.Options(output=tmp_path / "out"))
    assert results.ok
    assert len(results.notes) == 1 and results.notes[0].startswith("synced ") and "store" in results.notes[0]
    assert (tmp_path / "store" / "out" / "report.html").is_file()
    assert (tmp_path / "store" / "out" / "junit.xml").is_file()


@pytest.mark.browser
def test_run_with_heal_remembers_the_targets_of_a_passing_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        '<!doctype html><title>T</title><button id="save" onclick="this.textContent=\'Saved\'">Save</button>'
    )
    (tmp_path / "s.pan").write_text(
        'app site: web {\n    serve: "./site"\n}\n\n'
        'scenario "saves" on site {\n    open "/"\n    click id "save"\n    expect id "save" has text "Saved"\n}\n'
    )
    options = panoptic.Options(output=tmp_path / "out", reports=False)
    assert panoptic.run([tmp_path / "s.pan"], options).ok
    assert not (tmp_path / ".panoptic" / "heal").exists()  # healing is off by default
    options.heal = True
    assert panoptic.run([tmp_path / "s.pan"], options).ok
    stored = list((tmp_path / ".panoptic" / "heal").rglob("*"))
    assert any(p.is_file() and "save" in p.read_text(errors="replace") for p in stored)
