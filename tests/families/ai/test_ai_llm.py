"""`ai "…"` against a local OpenAI-compatible server that picks its answer from the request it gets."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

KEY = "sk-test-Zq81kd"
PAGE = """<!doctype html><html><head><title>Pick</title></head><body>
<button data-testid="add-mug">Add mug</button> <button data-testid="add-lamp">Add lamp</button>
<label for="note">Note</label><input id="note"> <p id="out">nothing</p>
<script>for (const b of document.querySelectorAll('button'))
  b.addEventListener('click', () => { document.getElementById('out').textContent = b.textContent; });</script>
</body></html>"""


class WordOverlapModel(BaseHTTPRequestHandler):
    """A tiny chat-completions server: it chooses the element whose name shares most words with the instruction."""

    seen: list[dict] = []
    fail = False

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        WordOverlapModel.seen.append({"auth": self.headers.get("Authorization"), "path": self.path, "body": body})
        if WordOverlapModel.fail:
            self.send_response(500)
            self.end_headers()
            return
        request = json.loads(body["messages"][-1]["content"])
        words = set(re.findall(r"\w+", request["instruction"].lower()))
        best = max(
            request["elements"],
            key=lambda e: len(words & set(re.findall(r"\w+", (e.get("name", "") + " " + e.get("label", "")).lower()))),
        )
        quoted = re.search(r"'([^']*)'", request["instruction"])
        action = (
            {"action": "fill", "element": best["element"], "text": quoted.group(1)}
            if quoted
            else {
                "action": "click",
                "element": best["element"],
            }
        )
        answer = {
            "choices": [{"message": {"role": "assistant", "content": "```json\n" + json.dumps(action) + "\n```"}}]
        }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def model() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), WordOverlapModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    WordOverlapModel.seen = []
    WordOverlapModel.fail = False
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _suite(tmp_path: Path, body: str) -> None:
    (tmp_path / "site").mkdir(exist_ok=True)
    (tmp_path / "site" / "index.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "t.pan").write_text(
        'app site: web {\n    serve: "site"\n    timeout: 3s\n}\n\nscenario "s" on site {\n    open "/"\n'
        + body
        + "}\n",
        encoding="utf-8",
    )


def test_ai_steps_act_on_the_element_the_model_picks(cli, tmp_path: Path, model: str, chromium) -> None:
    _suite(
        tmp_path,
        '    ai "click the Add lamp button"\n    expect "#out" has text "Add lamp"\n'
        '    ai "write \'hello there\' into the Note field"\n    expect label "Note" has value "hello there"\n',
    )
    done = cli("run", "t.pan", "-o", "out", env={"PANOPTIC_AI_URL": model, "PANOPTIC_AI_KEY": KEY})
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(WordOverlapModel.seen) == 2
    first = WordOverlapModel.seen[0]
    assert first["auth"] == f"Bearer {KEY}" and first["path"] == "/v1/chat/completions"
    names = [e.get("name") for e in json.loads(first["body"]["messages"][-1]["content"])["elements"]]
    assert "Add mug" in names and "Add lamp" in names
    assert KEY not in (tmp_path / "out" / "report.html").read_text()


def test_missing_or_failing_endpoint_is_a_diagnostic(cli, tmp_path: Path, model: str, chromium) -> None:
    _suite(tmp_path, '    ai "click the Add lamp button"\n')
    done = cli("run", "t.pan", "-o", "out", env={"PANOPTIC_AI_URL": ""})
    assert done.returncode == 1 and "PAN921" in done.stdout and "Traceback" not in done.stdout + done.stderr
    WordOverlapModel.fail = True
    done = cli("run", "t.pan", "-o", "out2", env={"PANOPTIC_AI_URL": model})
    assert done.returncode == 1 and "PAN922" in done.stdout and "HTTP 500" in done.stdout
