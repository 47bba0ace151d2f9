"""`panoptic run config.yaml`: the YAML runs through the conversion; failures and the report point at YAML lines."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import panoptic

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><title>Tiny shop</title></head><body>
<input id="q"> <button id="go" onclick="document.getElementById('out').textContent = document.getElementById('q').value">Search</button>
<p id="out"></p></body></html>"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_run_a_config_writes_its_output_folder_and_points_failures_at_yaml(tmp_path: Path, site: str) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"""name: Tiny shop
output: results
settings:
  quality: 50
apps:
  - name: Shop
    type: web
    url: {site}
    timeout: 3
actions:
  - {{name: home, type: navigate, url: /}}
  - {{name: search, type: fill, selector: "#q", value: mug, screenshot: true}}
  - {{name: go, type: click, selector: "#go"}}
  - {{name: password, type: fill, selector: "#q", value: pw-not-shown}}
  - {{name: missing, type: click, selector: "#nowhere", wait_time: 1}}
""",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "run", str(config), "--timeout", "1s"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "config.yaml:4:12" in done.stderr  # the warning for `quality`, before the run
    assert "config.yaml:15:5" in done.stdout  # the failing click, at its action
    assert "pw-not-shown" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    results = tmp_path / "results"
    assert (results / "report.html").is_file()
    steps = [e for e in panoptic.events(results) if e.kind == "step_started"]
    assert [e.text for e in steps[:3]] == ['open "/"', 'fill "#q" with "mug"', 'screenshot "search"']
    assert all(e.span.file.endswith("config.yaml") for e in steps)
    assert [e.span.line for e in steps[:3]] == [11, 12, 12]
