"""The VS Code extension's logic without VS Code: the esbuild bundle, node's test runner over the CodeLens,
run-argument, list and event-stream code, and the `panoptic run --list --format json` it reads."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.editors.conftest import ROOT, VSCODE, require_tool

NODE_BUILTINS = {"child_process", "crypto", "fs", "net", "os", "path", "util", "zlib", "events", "stream", "url"}


def node() -> str:
    return require_tool(shutil.which("node"), "node", "apt-get install -y nodejs")


def test_the_bundle_builds_and_needs_only_vscode_and_node(node_bin, tmp_path):
    require_tool(VSCODE / "node_modules" / "esbuild", "esbuild", "cd editors/vscode && npm ci")
    proc = subprocess.run(["npm", "run", "build"], cwd=VSCODE, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bundle = (VSCODE / "dist" / "extension.js").read_text(encoding="utf-8")
    required = set(re.findall(r'require\("([^"]+)"\)', bundle))
    assert "vscode" in required
    assert required - {"vscode"} <= NODE_BUILTINS, required  # vscode-languageclient and the rest are inside
    notices = (VSCODE / "dist" / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    assert "vscode-languageclient" in notices and "MIT" in notices
    manifest = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    assert manifest["main"] == "./dist/extension.js"
    assert not manifest.get("dependencies")  # everything the extension runs is in the bundle
    assert (VSCODE / "LICENSE").read_text(encoding="utf-8").lstrip().startswith("Apache License")
    assert manifest["license"] == "Apache-2.0"


def test_node_unit_tests_of_codelens_list_and_events():
    proc = subprocess.run([node(), "--test", "tests/unit/"], cwd=VSCODE, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^# pass [1-9]", proc.stdout, re.M) and re.search(r"^# fail 0", proc.stdout, re.M)


def _panoptic(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "panoptic", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_list_format_json_is_what_the_test_explorer_reads(tmp_path):
    (tmp_path / "a.pan").write_text(
        'app shop: web {\n    url: "http://127.0.0.1:9"\n}\n\n'
        'scenario "one" on shop tags smoke {\n    open "/"\n}\n\n'
        'scenario "say \\"hi\\" [twice]*" on shop {\n    open "/"\n}\n',
        encoding="utf-8",
    )
    proc = _panoptic("run", str(tmp_path), "--list", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["version"] == 1 and data["total"] == 2
    first, second = data["scenarios"]
    assert first["title"] == "one" and first["line"] == 5 and first["col"] == 1 and first["tags"] == ["smoke"]
    assert first["path"] == str((tmp_path / "a.pan").resolve()) and first["app"] == "shop"
    assert first["platform"] == "web" and first["id"].endswith("a.pan::one")
    assert second["title"] == 'say "hi" [twice]*'
    # the extension's -k for that title selects it alone
    script = "console.log(require('./src/scenarios').keywordFor(process.argv[1]))"
    keyword = subprocess.run(
        [node(), "-e", script, second["title"]], cwd=VSCODE, capture_output=True, text=True, check=True
    ).stdout.strip()
    picked = _panoptic("run", str(tmp_path), "--list", "--format", "json", "-k", keyword, cwd=tmp_path)
    assert [s["title"] for s in json.loads(picked.stdout)["scenarios"]] == ['say "hi" [twice]*'], picked.stderr
    bad = _panoptic("run", str(tmp_path), "--list", "--format", "yaml", cwd=tmp_path)
    assert bad.returncode == 2 and "--format must be text or json" in bad.stderr


SITE = """<!doctype html><html><head><title>Counter</title></head><body>
<button id="b" onclick="document.getElementById('c').textContent='1'">Add</button><span id="c">0</span>
</body></html>
"""

SUITE = """app site: web {
    serve: "site"
    timeout: 3s
}

scenario "adds one" on site tags smoke {
    open "/"
    click "#b"
    expect "#c" has text "1"
}

scenario "expects [two]" on site {
    open "/"
    click "#b"
    expect "#c" has text "2" within 1s
}
"""


@pytest.mark.browser
def test_the_bundled_extension_lists_runs_and_reports_scenarios(node_bin, tmp_path):
    """dist/extension.js activated in a mock VS Code host (tests/host) with a real panoptic and Chromium."""
    require_tool(VSCODE / "node_modules" / "esbuild", "esbuild", "cd editors/vscode && npm ci")
    build = subprocess.run(["npm", "run", "build"], cwd=VSCODE, capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stdout + build.stderr
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(SITE, encoding="utf-8")
    suite = tmp_path / "suite.pan"
    suite.write_text(SUITE, encoding="utf-8")
    wrapper = tmp_path / "panoptic.sh"  # the language server is refused: the mock host has no editor for it
    wrapper.write_text(
        f'#!/bin/sh\nif [ "$1" = lsp ]; then exit 3; fi\nexec {sys.executable} -m panoptic "$@"\n', encoding="utf-8"
    )
    wrapper.chmod(0o755)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [node(), "tests/host/explorer.js", str(wrapper), str(tmp_path), str(suite)],
        cwd=VSCODE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert out["commands"] == ["panoptic.refreshTests", "panoptic.restartServer", "panoptic.runScenario"]
    assert out["lensSelectors"] == [{"language": "panoptic"}]
    assert out["profiles"] == [{"label": "Run", "kind": 1, "isDefault": True}]
    assert any("could not start" in e for e in out["errors"])  # the refused server is reported, the rest works
    # the Test Explorer tree: the file, its scenarios at their lines (0-based), with tags and app
    [file] = out["tree"]
    assert file["label"] == "suite.pan"
    assert [(c["label"], c["line"], c["tags"], c["app"]) for c in file["children"]] == [
        ("adds one", 5, ["smoke"], "site"),
        ("expects [two]", 11, [], "site"),
    ]
    # a CodeLens above each scenario
    assert [(lens["line"], lens["command"], lens["args"]) for lens in out["lenses"]] == [
        (5, "panoptic.runScenario", [str(suite), "adds one"]),
        (11, "panoptic.runScenario", [str(suite), "expects [two]"]),
    ]
    # the run profile ran the first scenario alone; the CodeLens command the second
    first, second = out["runs"]
    assert [e["what"] for e in first["events"]] == ["enqueued", "started", "passed"] and first["ended"]
    assert "1 passed, 0 failed" in first["output"]
    assert [e["what"] for e in second["events"]] == ["enqueued", "started", "failed"] and second["ended"]
    failed = second["events"][-1]
    assert failed["message"].startswith("PAN901: expected '#c' to have text \"2\"")
    assert failed["expected"] == '"2"'
    assert failed["location"] == {"file": str(suite), "line": 14}
    assert "trace.zip" in second["output"] and "0 passed, 1 failed" in second["output"]
