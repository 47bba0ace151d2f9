"""A third-party statement family, installed through the `panoptic.families` entry point, is seen everywhere.

The family lives in a throwaway distribution (a package plus its `.dist-info` with `entry_points.txt`) on
`PYTHONPATH` of the processes the test starts, exactly as `pip install` would leave it. Check, the
statement reference, the editor completion and a run all see it; a broken plugin is PAN006 naming its package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAMILY = """
from panoptic.contract.family import Family
from panoptic.contract.statements import statement_def
from panoptic.diagnostics.model import Severity
from panoptic.diagnostics.rules import Rule, diagnostic


def check(request):
    name = request.literal("name")
    if name == "":
        yield diagnostic("PAN490", "`greet` needs a name", request.span_of("name"), help='write `greet "world"`')


FAMILY = Family(
    name="greetings",
    summary="say hello",
    statements=(statement_def("greet <name:text>", "greetings.greet", "write a greeting into the results", family="greetings"),),
    rules=(Rule("PAN490", "empty-greeting", Severity.ERROR, "a greeting without a name", "Give `greet` a name."),),
    check=check,
    runtime="greetings_family.runtime:GreetRuntime",
)
"""

RUNTIME = """
from panoptic.contract.family import BaseRuntime, StepResult


class GreetRuntime(BaseRuntime):
    def perform(self, action, args, step):
        path, artifact = step.scenario.artifact("log", "greeting.txt", "greeting")
        path.write_text("hello " + args["name"], encoding="utf-8")
        return StepResult(message="greeted " + args["name"], artifacts=(artifact,))
"""


def _distribution(root: Path, package: str, body: dict[str, str], entry: str) -> None:
    pkg = root / package
    pkg.mkdir(parents=True)
    for name, text in body.items():
        (pkg / name).write_text(textwrap.dedent(text), encoding="utf-8")
    info = root / f"{package}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[panoptic.families]\n{entry}\n", encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    _distribution(
        root,
        "greetings_family",
        {"__init__.py": FAMILY, "runtime.py": RUNTIME},
        "greetings = greetings_family:FAMILY",
    )
    return root


def _run(args: list[str], site: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{ROOT}", "PANOPTIC_NO_CACHE": "1"}
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def _suite(tmp_path: Path, name: str) -> Path:
    (tmp_path / "site-root").mkdir(exist_ok=True)
    (tmp_path / "site-root" / "index.html").write_text("<title>t</title><p>hi</p>", encoding="utf-8")
    pan = tmp_path / "suite.pan"
    pan.write_text(
        f'app local: web {{\n    serve: "site-root"\n}}\n\nscenario "greets" on local {{\n    greet "{name}"\n}}\n',
        encoding="utf-8",
    )
    return pan


def test_check_sees_the_family_and_runs_its_check_hook(site: Path, tmp_path: Path) -> None:
    good = _run([sys.executable, "-m", "panoptic", "check", str(_suite(tmp_path, "world"))], site, tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr
    bad = _run(
        [sys.executable, "-m", "panoptic", "check", "--format", "json", str(_suite(tmp_path, ""))], site, tmp_path
    )
    assert bad.returncode == 1
    codes = [d["code"] for d in json.loads(bad.stdout)]
    assert codes == ["PAN490"]


def test_docs_and_completion_see_the_family(site: Path, tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        from panoptic.docgen import statements_page
        from panoptic.lsp.completion import complete
        page = statements_page()
        labels = [item.label for item in complete('scenario "x" on a {\\n    gre\\n}\\n', 2, 8, None)]
        print(("greet <name>" in page), any(label.startswith("greet") for label in labels))
        """
    )
    done = _run([sys.executable, "-c", code], site, tmp_path)
    assert done.stdout.split() == ["True", "True"], done.stderr


@pytest.mark.browser
def test_run_dispatches_to_the_family_runtime(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _run(
        [sys.executable, "-m", "panoptic", "run", str(_suite(tmp_path, "world")), "-o", str(out)], site, tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    greetings = list(out.rglob("greeting.txt"))
    assert [p.read_text(encoding="utf-8") for p in greetings] == ["hello world"]


def test_a_broken_family_is_reported_with_its_package(tmp_path: Path) -> None:
    root = tmp_path / "site"
    _distribution(
        root,
        "broken_family",
        {"__init__.py": "raise ImportError('no module named shiny')\n"},
        "broken = broken_family:FAMILY",
    )
    pan = tmp_path / "suite.pan"
    pan.write_text('app a: web {\n    url: "http://127.0.0.1:9"\n}\n\nscenario "s" on a {\n    shine "x"\n}\n')
    done = _run([sys.executable, "-m", "panoptic", "check", "--format", "json", str(pan)], root, tmp_path)
    found = {d["code"]: d["message"] for d in json.loads(done.stdout)}
    assert "PAN006" in found, done.stdout
    assert "broken_family" in found["PAN006"] and "no module named shiny" in found["PAN006"]
