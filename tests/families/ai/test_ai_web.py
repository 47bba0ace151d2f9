"""The AI family on real Chromium, Tesseract and OpenCV: vision reports, page errors, generate, explain."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from panoptic.backends.serve import StaticServer

ROOT = Path(__file__).resolve().parents[3]

FORM_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title>
<style>body { font: 20px sans-serif; margin: 40px; background: #fff; color: #111; }
input { font: 20px sans-serif; border: 1px solid #555; padding: 6px; width: 260px; }
button { font: 20px sans-serif; background: #1d5fd1; color: #fff; border: 0; padding: 10px 24px; }
label { display: block; margin-top: 16px; }</style></head>
<body><h1>Welcome back</h1>
<form id="login"><label for="user">User name</label><input id="user" name="user">
<label for="pw">Password</label><input id="pw" type="password" name="pw">
<p><button type="button" id="go">Sign in</button></p></form></body></html>
"""
BLANK_HTML = "<!doctype html><html><head><title>Blank</title></head><body></body></html>"
ERRORS_HTML = """<!doctype html><html><head><title>Errors</title></head><body><h1>Noisy</h1>
<img src="missing.png" alt="missing">
<script>console.error("boom from console"); setTimeout(() => { throw new Error("late failure"); }, 10);</script>
</body></html>"""
CLEAN_HTML = "<!doctype html><html><head><title>Clean</title></head><body><h1>Quiet</h1></body></html>"
FAILS_HTML = """<!doctype html><html><head><title>Fails</title></head><body>
<h1>Fails</h1><button id="off" disabled>Off</button><p id="greeting">Hello</p>
<button data-testid="save-button">Save</button></body></html>"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    for name, html in {
        "form.html": FORM_HTML,
        "blank.html": BLANK_HTML,
        "errors.html": ERRORS_HTML,
        "clean.html": CLEAN_HTML,
        "fails.html": FAILS_HTML,
    }.items():
        (folder / name).write_text(html, encoding="utf-8")
    return folder


APP = 'app site: web {\n    serve: "site"\n    viewport: 1000x600\n}\n\n'


def _run(cli, tmp_path: Path, body: str, *extra: str, app: str = APP):
    (tmp_path / "t.pan").write_text(app + body, encoding="utf-8")
    return cli("run", "t.pan", "-o", "out", *extra)


def _artifact(tmp_path: Path, name: str) -> Path:
    found = sorted((tmp_path / "out" / "artifacts").rglob(name))
    assert found, f"no {name} under out/artifacts"
    return found[0]


def test_vision_report_reads_words_controls_and_dom(cli, tmp_path: Path, site: Path, chromium, tesseract) -> None:
    done = _run(
        cli,
        tmp_path,
        'scenario "look" on site {\n    open "/form.html"\n    vision report "form"\n'
        '    open "/blank.html"\n    vision report "blank"\n}\n',
    )
    assert done.returncode == 0, done.stdout + done.stderr
    form = json.loads(_artifact(tmp_path, "vision-form.json").read_text())
    words = " ".join(w["text"] for w in form["words"])
    assert "Welcome" in words and "Sign" in words and "Password" in words
    roles = {(d.get("role"), d.get("name")) for d in form["dom"]}
    assert ("button", "Sign in") in roles and ("textbox", "User name") in roles and ("heading", "Welcome back") in roles
    # Two entry fields and a button: the outlines find them and little else.
    assert form["score"]["truth"] == 3
    assert form["score"]["recall"] == 1.0
    assert form["score"]["precision"] >= 0.75
    picture = _artifact(tmp_path, "vision-form.png")
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    blank = json.loads(_artifact(tmp_path, "vision-blank.json").read_text())
    assert blank["words"] == [] and blank["controls"] == [] and blank["dom"] == []
    results = (tmp_path / "out" / "results.jsonl.gz").read_bytes()
    assert results  # the step messages and artifacts are in the results file
    from panoptic.report.jsonl import read_records

    messages = [r.get("message") or "" for r in read_records(tmp_path / "out" / "results.jsonl.gz")]
    assert any("control outlines" in m and "recall 1.00" in m for m in messages)


def test_expect_no_errors(cli, tmp_path: Path, site: Path, chromium) -> None:
    done = _run(
        cli,
        tmp_path,
        'scenario "noisy" on site {\n    open "/errors.html"\n    wait 300ms\n    expect no errors\n}\n\n'
        'scenario "allowed" on site {\n    open "/errors.html"\n    wait 300ms\n'
        '    expect no errors except ["missing.png", "boom", "late failure", "Failed to load resource"]\n}\n\n'
        'scenario "clean" on site {\n    open "/clean.html"\n    expect no errors\n}\n',
    )
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert "PAN920" in out
    assert "boom from console" in out and "late failure" in out and "missing.png answered 404" in out
    assert "✓ allowed" in out and "✓ clean" in out and "✗ noisy" in out


@pytest.fixture
def shop() -> Iterator[str]:
    server = StaticServer(ROOT / "examples" / "shop" / "site")
    base = server.start()
    try:
        yield base
    finally:
        server.stop()


@pytest.mark.parametrize("page", ["index.html", "login.html", "cart.html"])
def test_generate_shop_pages_check_and_pass(cli, tmp_path: Path, shop: str, page: str, chromium) -> None:
    done = cli("generate", shop + page, "-o", "gen.pan")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "gen.pan").read_text()
    assert cli("fmt", "--check", "gen.pan").returncode == 0
    checked = cli("check", "gen.pan")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    if page == "index.html":
        assert 'expect testid "add-mug" enabled' in text and 'expect testid "add-lamp" disabled' in text
        assert 'expect role heading "Products" visible' in text
    if page == "login.html":
        assert "flow fill_" in text and 'role button "Sign in"' in text
    ran = cli("run", "gen.pan", "-o", "out")
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_generate_bad_input_is_a_diagnostic(cli, tmp_path: Path, chromium) -> None:
    done = cli("generate", "not a url")
    assert done.returncode == 2 and "error[PAN924]" in done.stderr and "Traceback" not in done.stderr
    server = StaticServer(tmp_path)
    base = server.start()
    server.stop()  # nothing answers there any more
    done = cli("generate", base + "gone.html")
    assert done.returncode == 2 and "error[PAN924]" in done.stderr and "Traceback" not in done.stderr


def test_explain_classifies_failures(cli, tmp_path: Path, site: Path, chromium) -> None:
    done = _run(
        cli,
        tmp_path,
        'scenario "renamed" on site {\n    open "/fails.html"\n    click testid "save-btn"\n}\n\n'
        'scenario "disabled" on site {\n    open "/fails.html"\n    click "#off"\n}\n\n'
        'scenario "wrong text" on site {\n    open "/fails.html"\n    expect "#greeting" has text "Bye" within 1s\n}\n\n'
        'scenario "missing page" on site {\n    open "/nowhere.html"\n}\n\n'
        'scenario "noisy" on site {\n    open "/errors.html"\n    wait 300ms\n    expect no errors\n}\n',
        app=APP.replace("viewport: 1000x600", "timeout: 2s"),
    )
    assert done.returncode == 1, done.stdout + done.stderr
    explained = cli("explain", "out", "--json")
    assert explained.returncode == 0, explained.stderr
    items = {i["scenario"]: i for i in json.loads(explained.stdout)}
    assert items["renamed"]["category"] == "not-found"
    assert any("save-button" in s for s in items["renamed"]["suggestions"])
    assert items["disabled"]["category"] == "not-actionable"
    assert items["wrong text"]["category"] == "assertion"
    assert items["missing page"]["category"] == "network"
    assert items["noisy"]["category"] == "script-error"
    text = cli("explain", "out")
    assert "5 failed scenario(s)" in text.stdout and "class:    not-found" in text.stdout


def test_explain_without_results_is_a_diagnostic(cli, tmp_path: Path) -> None:
    done = cli("explain", str(tmp_path / "nothing"))
    assert done.returncode == 2 and "error[PAN925]" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "results.jsonl.gz").write_bytes(b"not gzip at all")
    done = cli("explain", str(tmp_path / "bad"))
    assert done.returncode == 2 and "error[PAN925]" in done.stderr and "Traceback" not in done.stderr
