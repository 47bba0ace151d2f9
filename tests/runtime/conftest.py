"""Fixtures for interpreter tests: compile a .pan snippet, run it on the in-memory backend, read the events."""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
if str(HERE) not in sys.path:  # spawned workers import `runtime_fakes` by name
    sys.path.insert(0, str(HERE))

FAKE = (("web", "runtime_fakes:FakeBackend"),)

HEADER = """\
app shop: web {
    url: "fake://shop"
    timeout: 1s
}
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    try:
        parser.addoption("--update-golden", action="store_true", default=False, help="rewrite golden files")
    except ValueError:  # another conftest registered it already
        pass


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return (
        bool(request.config.getoption("--update-golden", default=False))
        or os.environ.get("PANOPTIC_UPDATE_GOLDEN") == "1"
    )


@dataclass
class Ran:
    """The outcome of a run plus its events (as the listeners saw them) and output folder."""

    outcome: Any
    events: list[Any]
    output: Path
    live: list[Any] = field(default_factory=list)

    def of(self, kind: str) -> list[Any]:
        return [e for e in self.events if e.kind == kind]

    def finished(self) -> dict[str, Any]:
        """Last ScenarioFinished per scenario title-suffix of the id."""
        return {e.scenario.split("::", 1)[1]: e for e in self.of("scenario_finished")}

    def steps(self, title: str) -> list[Any]:
        return [
            e for e in self.events if getattr(e, "scenario", "").endswith("::" + title) and e.kind.startswith("step")
        ]

    def messages(self) -> list[str]:
        return [e.message for e in self.of("step_finished") if e.message]


@pytest.fixture
def compile_pan(tmp_path: Path):
    """Write a snippet (the fake app header is prepended unless `header=False`) and compile it."""

    def make(text: str, *, header: bool = True, name: str = "suite.pan"):
        from panoptic.compiler import compile_paths

        path = tmp_path / name
        path.write_text((HEADER + "\n" if header else "") + text, encoding="utf-8")
        result = compile_paths([str(path)])
        assert not result.has_errors, "\n".join(f"{d.code} {d.message} {d.span}" for d in result.diagnostics)
        return result.program

    return make


@pytest.fixture
def run_program(tmp_path: Path):
    """Execute a program on the fake backend with RunOptions overrides; returns Ran."""

    def run(program, selected=None, **options):
        from panoptic.runtime.runner import RunOptions, execute

        out = tmp_path / options.pop("output_name", "out")
        out.mkdir(parents=True, exist_ok=True)
        events: list[Any] = []
        live: list[Any] = []
        opts = RunOptions(output_dir=out, run_id="test-run", backend_overrides=FAKE, **options)
        chosen = list(range(len(program.scenarios))) if selected is None else selected
        outcome = execute(program, chosen, opts, [events.append], live=[live.append])
        return Ran(outcome, events, out, live)

    return run


def normalise_events(lines: list[dict[str, Any]], tmp: Path) -> list[dict[str, Any]]:
    """Drop what changes from run to run: times, durations, ids, machine facts, temporary paths."""
    timing = {"at", "started_at", "finished_at", "duration"}
    tmp_pattern = re.compile(r"(?:\.\./)*/?" + re.escape(str(tmp).lstrip("/")))

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ("<t>" if k in timing else walk(v)) for k, v in value.items() if k != "environment"}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            return tmp_pattern.sub("<tmp>", value)
        return value

    out = []
    for line in lines:
        data = walk(line)
        if "run_id" in data:
            data["run_id"] = "<run>"
        if data.get("kind") == "scenario_started":
            data["worker"] = "<w>"
        out.append(data)
    return out


def check_golden(name: str, records: list[dict[str, Any]], update: bool) -> None:
    path = HERE / "golden" / f"{name}.jsonl"
    text = "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in records)
    if update or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not update:
            pytest.fail(f"golden file {path.name} was missing and has been written; run again")
        return
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"event stream differs from {path.name}; rerun with --update-golden if intended"
