"""The sdist carries the data files, the wheel built from it installs into a clean virtual environment and works."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]


def test_wheel_builds_and_installs_into_a_clean_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # The sdist first (setuptools' own PEP 517 hook), then the wheel built from it, as an index user's pip would.
    build_sdist = f"import setuptools.build_meta as b; print(b.build_sdist({str(dist)!r}))"
    made = subprocess.run([sys.executable, "-c", build_sdist], check=True, capture_output=True, text=True, cwd=ROOT)
    sdist = dist / made.stdout.strip().splitlines()[-1]
    with tarfile.open(sdist) as tf:
        members = {m.name.split("/", 1)[1] for m in tf.getmembers() if "/" in m.name}
    assert {"grammar/panoptic.lark", "stdlib/web.pan", "docs/rules.md", "setup.py", "pyproject.toml"} <= members
    # The build backend (setuptools, Lark) comes through pip's build isolation; the dependencies are not downloaded.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(sdist)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("panoptic_lang-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(meta).decode()
        entry_points = zf.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "Name: panoptic-lang" in metadata
    assert "Requires-Dist: playwright" in metadata and "Requires-Dist: PyYAML" in metadata
    assert "[pytest11]\npanoptic = panoptic.pytest_plugin" in entry_points
    assert "panoptic = panoptic.cli:main" in entry_points
    assert "panoptic/_data/grammar/panoptic.lark" in names
    assert "panoptic/_data/stdlib/web.pan" in names
    assert "panoptic/_data/frozen.methods" in names  # the frozen classes' methods, compiled at build time
    assert "panoptic/_data/grammar/panoptic.lean" in names  # the lean loop's tables: parsing needs no Lark
    assert any(n.startswith("panoptic/report/templates/") for n in names)
    assert not any(n.startswith("tests/") for n in names)

    env_dir = tmp_path / "clean"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(purelib), str(wheel)],
        check=True,
        capture_output=True,
    )
    # The dependencies come from this environment (a path, not a site dir: its editable Panoptic is not loaded).
    (purelib / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    here = subprocess.run(
        [str(python), "-c", "import panoptic, sys; print(panoptic.__file__); print(panoptic.check)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert here.stdout.startswith(str(purelib)), here.stdout
    (tmp_path / "a.pan").write_text(
        'use std.web\n\napp site: web {\n    url: "http://127.0.0.1:9"\n}\n\nscenario "one" on site {\n    open "/"\n}\n',
        encoding="utf-8",
    )
    script = [str(python), "-c", "import sys; from panoptic.cli import main; sys.argv[0] = 'panoptic'; main()"]
    done = subprocess.run([*script, "check", "--no-cache", "a.pan"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no problems" in done.stdout
    compiled = (
        "import panoptic.frozen as f; f.compile = None; import panoptic.compiler.lower, panoptic.fmt; "
        "print(len(f._compiled_methods()))"
    )
    ahead = subprocess.run([str(python), "-c", compiled], capture_output=True, text=True, cwd=tmp_path)
    assert ahead.returncode == 0, ahead.stderr  # `compile` gone: every class of the check's modules came compiled
    assert int(ahead.stdout) > 40
    lark_free = (
        "import sys; from panoptic.syntax.parser import parse_text; "
        "module, diags = parse_text(open('a.pan').read(), 'a.pan'); assert module.decls and not diags; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'hashlib', 'logging', 'tempfile')))"
    )
    env = {**os.environ, "PANOPTIC_NO_CACHE": "1"}
    parsed = subprocess.run([str(python), "-c", lark_free], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert parsed.returncode == 0, parsed.stderr
    assert parsed.stdout.strip() == "[]"  # the packaged tables: no Lark (nor what it imports) to parse a file
    version = subprocess.run([*script, "--version"], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert version.stdout.strip() == "panoptic 0.1.0"
