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
