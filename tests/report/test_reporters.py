"""The reporter seam: report formats chosen by name, third-party ones through `panoptic.reporters`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from panoptic.report import ReportError
from panoptic.report.reporters import DEFAULTS, resolve

from .helpers import write_results

ROOT = Path(__file__).resolve().parents[2]

PLUGIN = """
from panoptic.report.reporters import Reporter


def write(model, base_dir, output_dir):
    path = output_dir / "summary.txt"
    path.write_text(f"{model.total} scenarios, {model.counts['failed']} failed", encoding="utf-8")
    return path


REPORTER = Reporter("summary", "a one-line summary", write=write)
"""


def _site(root: Path, package: str, module: str, entry: str) -> Path:
    (root / package).mkdir(parents=True)
    (root / package / "__init__.py").write_text(module, encoding="utf-8")
    info = root / f"{package}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[panoptic.reporters]\n{entry}\n", encoding="utf-8")
    return root


def panoptic(*args: str, cwd: Path, site: Path | None = None) -> subprocess.CompletedProcess:
    path = os.pathsep.join([str(p) for p in (site, ROOT) if p])
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.run([sys.executable, "-m", "panoptic", *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_defaults_aliases_and_unknown_names() -> None:
    assert [r.name for r in resolve(None)] == list(DEFAULTS)
    assert [r.name for r in resolve(["JSON", "junit", "jsonl"])] == ["jsonl", "junit"]
    with pytest.raises(ReportError) as err:
        resolve(["pdf"])
    assert err.value.diagnostic.code == "PAN004" and "html" in (err.value.diagnostic.help or "")


def test_report_writes_only_the_chosen_reports(run):
    results = write_results(run.events, run.folder / "out" / "results.jsonl")
    proc = panoptic("report", str(results), "--reporter", "junit", cwd=run.folder)
    assert proc.returncode == 0, proc.stderr
    assert (results.parent / "junit.xml").is_file() and not (results.parent / "report.html").exists()
    assert proc.stdout.strip() == f"junit:  {results.parent / 'junit.xml'}"
    proc = panoptic("report", str(results), "--reporter", "pdf", cwd=run.folder)
    assert proc.returncode == 2 and "PAN004" in proc.stderr and "no reporter named `pdf`" in proc.stderr


def test_a_third_party_reporter_from_its_entry_point(run, tmp_path):
    site = _site(tmp_path / "site", "summary_reporter", PLUGIN, "summary = summary_reporter:REPORTER")
    results = write_results(run.events, run.folder / "out" / "results.jsonl")
    proc = panoptic("report", str(results), "--reporter", "summary", "--reporter", "html", cwd=run.folder, site=site)
    assert proc.returncode == 0, proc.stderr
    assert (results.parent / "summary.txt").read_text(encoding="utf-8").startswith("4 scenarios")
    assert (results.parent / "report.html").is_file() and not (results.parent / "junit.xml").exists()


def test_a_broken_reporter_is_an_error_naming_its_package(run, tmp_path):
    site = _site(
        tmp_path / "site", "broken_reporter", "raise ImportError('no pdf library')\n", "pdf = broken_reporter:X"
    )
    results = write_results(run.events, run.folder / "out" / "results.jsonl")
    proc = panoptic("report", str(results), "--reporter", "pdf", cwd=run.folder, site=site)
    assert proc.returncode == 2
    assert "PAN006" in proc.stderr and "broken_reporter" in proc.stderr and "no pdf library" in proc.stderr
    proc = panoptic("report", str(results), cwd=run.folder, site=site)  # not asked for: the defaults still work
    assert proc.returncode == 0, proc.stderr
