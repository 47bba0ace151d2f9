"""`panoptic init`: a project that checks clean and passes `panoptic run` at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from panoptic.commands.init import scaffold
from panoptic.fmt import format_text

ROOT = Path(__file__).parents[2]


def test_files_and_a_formatted_suite(tmp_path: Path) -> None:
    written = scaffold(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    assert names == {
        ".gitignore",
        ".vscode/settings.json",
        ".vscode/extensions.json",
        ".github/workflows/panoptic.yml",
        "site/index.html",
        "site.pan",
    }
    suite = (tmp_path / "site.pan").read_text(encoding="utf-8")
    assert format_text(suite) == suite
    assert "tags smoke" in suite
    settings = json.loads((tmp_path / ".vscode" / "settings.json").read_text())
    assert settings["files.associations"] == {"*.pan": "panoptic"}
    package = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text())
    assert set(settings) - {"files.associations"} <= set(package["contributes"]["configuration"]["properties"])
    extension = f"{package['publisher']}.{package['name']}"
    assert json.loads((tmp_path / ".vscode" / "extensions.json").read_text())["recommendations"] == [extension]
    assert "panoptic-results/" in (tmp_path / ".gitignore").read_text()
    assert "pip install panoptic-lang" in (tmp_path / ".github" / "workflows" / "panoptic.yml").read_text()
    with pytest.raises(FileExistsError):
        scaffold(tmp_path)


def test_with_a_url_the_app_points_there(tmp_path: Path) -> None:
    scaffold(tmp_path, "https://www.example.com/shop")
    suite = (tmp_path / "example.pan").read_text(encoding="utf-8")
    assert 'url: "https://www.example.com/shop"' in suite and not (tmp_path / "site").exists()
    done = subprocess.run([sys.executable, "-m", "panoptic", "check", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_refuses_a_url_that_is_not_http(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "init", "ftp://x", "--dir", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 2 and "PAN004" in done.stderr and not any(tmp_path.iterdir())


@pytest.mark.browser
def test_the_new_project_passes_panoptic_run(tmp_path: Path) -> None:
    project = tmp_path / "p"
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "init", "--dir", str(project)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "run", str(project), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
