"""`panoptic lsp` end to end: a real LSP client over stdio drives the server like an editor."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lsp.lsp_client import ROOT, LspClient, LspError, position

pytest.importorskip("pygls")

SHOP = ROOT / "examples" / "shop"

BROKEN = """app shop: web {
    url: "http://127.0.0.1:8000"
}

let greeting = "hi"

flow greet(who) {
    log "${greeting}, ${who}"
}

scenario "x" on shop {
    fil "#a" with "b"
    click text
    greet("bob")
}
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ws")
    shutil.copytree(SHOP, root / "shop", ignore=shutil.ignore_patterns("site"))
    (root / "shop" / "site").mkdir()
    (root / "broken").mkdir()
    (root / "broken" / "b.pan").write_text(BROKEN)
    return root


@pytest.fixture(scope="module")
def client(workspace):
    c = LspClient(cwd=workspace)
    c.init_result = c.initialize(workspace)
    yield c
    code = c.shutdown()
    assert code == 0, c.stderr
    assert "Traceback" not in c.stderr, c.stderr


def _check_json(workspace: Path, rel: str) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PANOPTIC_NO_CACHE="1")
    out = subprocess.run(
        [sys.executable, "-m", "panoptic", "check", "--format", "json", "--no-cache", str(Path(rel).parent)],
        cwd=workspace,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return [d for d in json.loads(out.stdout) if d["span"] and d["span"]["file"] == rel]


def _labels(items) -> list[str]:
    return [i["label"] for i in items["items"]]


def test_initialize_announces_the_features(client):
    caps = client.init_result["capabilities"]
    for key in (
        "completionProvider",
        "hoverProvider",
        "definitionProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
        "renameProvider",
    ):
        assert caps.get(key), key
    assert client.init_result["serverInfo"]["name"] == "panoptic"


def test_diagnostics_match_panoptic_check_and_clear_after_a_fix(client, workspace):
    path = workspace / "broken" / "b.pan"
    uri = client.open(path, BROKEN)
    got = client.diagnostics(uri, version=1)
    expected = _check_json(workspace, "broken/b.pan")
    assert expected, "panoptic check should find problems"
    as_lsp = sorted(
        (
            d["code"],
            d["span"]["line"] - 1,
            d["span"]["col"] - 1,
            d["span"]["end_line"] - 1,
            d["span"]["end_col"] - 1,
            d["message"] + (f"\nhelp: {d['help']}" if d.get("help") else ""),
        )
        for d in expected
    )
    wanted = {d["code"] for d in expected}
    if {d["code"] for d in got} != wanted:  # the style finding (PAN501) is published right after the others
        got = client.wait_notification(
            "textDocument/publishDiagnostics",
            lambda p: p["uri"] == uri and {d["code"] for d in p["diagnostics"]} == wanted,
            timeout=15,
        )["diagnostics"]
    mine = sorted(
        (
            d["code"],
            d["range"]["start"]["line"],
            d["range"]["start"]["character"],
            d["range"]["end"]["line"],
            d["range"]["end"]["character"],
            d["message"],
        )
        for d in got
    )
    assert mine == as_lsp
    unknown = next(d for d in got if d["code"] == "PAN201")
    assert "did you mean `fill`?" in unknown["message"]
    assert unknown["source"] == "panoptic" and unknown["severity"] == 1

    # Fix both lines: the errors go away in the diagnostics of version 2.
    fixed = BROKEN.replace('fil "#a"', 'fill "#a"').replace("click text\n", 'click text "go"\n')
    client.change(uri, 2, [{"text": fixed}])
    after = client.diagnostics(uri, version=2)
    assert not [d for d in after if d["severity"] == 1], after


def test_incremental_change_reports_the_new_error_at_its_place(client, workspace):
    path = workspace / "broken" / "b.pan"
    text = BROKEN.replace('fil "#a"', 'fill "#a"').replace("click text\n", 'click text "go"\n')
    uri = client.open(path, text, version=3)  # opened here too: xdist may run this test in another worker
    client.diagnostics(uri, version=3)
    # Type a stray character into `greet(` -> `greetx(`: an unknown flow at line 14.
    pos = position(text, 'greet("bob")', 5)
    client.change(uri, 4, [{"range": {"start": pos, "end": pos}, "text": "x"}])
    diags = client.diagnostics(uri, version=4)
    unknown = [d for d in diags if d["code"] == "PAN203"]
    assert unknown and unknown[0]["range"]["start"] == {"line": pos["line"], "character": 4}
    assert "did you mean `greet`?" in unknown[0]["message"]


def test_completion(client, workspace):
    text = (workspace / "shop" / "cart.pan").read_text()
    uri = client.open(workspace / "shop" / "cart.pan", text)
    client.diagnostics(uri)
    lines = text.split("\n")
    body_line = next(i for i, ln in enumerate(lines) if ln.startswith("    ") and "login(" in ln)
    # At the start of a statement: statement snippets, flows in scope (from `use "./shop.pan"`).
    items = client.request(
        "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": body_line, "character": 4}}
    )
    labels = _labels(items)
    assert "fill <target> with <text>" in labels
    assert any(lb.startswith("login(") for lb in labels)
    fill = next(i for i in items["items"] if i["label"] == "fill <target> with <text>")
    assert fill["insertTextFormat"] == 2 and "${1:target}" in fill["textEdit"]["newText"]

    # After `click `: typed-target words and variables.
    edited = text.replace(lines[body_line], "    click " + " " * 0, 1)
    client.change(uri, 2, [{"text": edited}])
    items = client.request(
        "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": body_line, "character": 10}}
    )
    labels = _labels(items)
    assert {"role", "text", "label", "testid"} <= set(labels)
    assert "user" in labels  # a variable of the used module

    # `use std.` offers the standard modules; an app block offers its platform's settings.
    head = "use std.\napp demo: web {\n    \n}\n"
    client.change(uri, 3, [{"text": head}])
    items = client.request(
        "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 8}}
    )
    assert "std.web" in _labels(items)
    items = client.request(
        "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 4}}
    )
    assert {"url", "serve", "viewport", "timeout"} <= set(_labels(items))
    client.change(uri, 4, [{"text": text}])


def test_hover_statement_variable_and_flow(client, workspace):
    text = (workspace / "shop" / "shop.pan").read_text()
    uri = client.open(workspace / "shop" / "shop.pan", text)
    client.diagnostics(uri)
    hover = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": position(text, 'fill "#username"', 1)}
    )
    assert "fill <target> with <text>" in hover["contents"]["value"]
    assert "replace the content" in hover["contents"]["value"].lower()
    hover = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": position(text, "with name", 6)}
    )
    assert "parameter of flow login" in hover["contents"]["value"]
    hover = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": position(text, "role button", 1)}
    )
    assert "ARIA role" in hover["contents"]["value"]


def test_definition_of_flow_module_and_variable(client, workspace):
    text = (workspace / "shop" / "login.pan").read_text()
    uri = client.open(workspace / "shop" / "login.pan", text)
    client.diagnostics(uri)
    shop = (workspace / "shop" / "shop.pan").read_text()
    locs = client.request(
        "textDocument/definition", {"textDocument": {"uri": uri}, "position": position(text, "login(user", 2)}
    )
    assert locs[0]["uri"] == (workspace / "shop" / "shop.pan").resolve().as_uri()
    assert locs[0]["range"]["start"] == position(shop, "login(name")
    locs = client.request(
        "textDocument/definition", {"textDocument": {"uri": uri}, "position": position(text, "user, password", 1)}
    )
    assert locs[0]["range"]["start"] == position(shop, "user =")
    locs = client.request(
        "textDocument/definition", {"textDocument": {"uri": uri}, "position": position(text, "./shop.pan", 2)}
    )
    assert locs[0]["uri"].endswith("/shop/shop.pan")


def test_definition_into_the_standard_library(client, workspace):
    text = (
        'use std.web\napp a: web {\n    url: "http://127.0.0.1:1"\n}\nscenario "s" on a {\n    sign_in("u", "p")\n}\n'
    )
    path = workspace / "broken" / "std_user.pan"
    path.write_text(text)
    uri = client.open(path, text)
    client.diagnostics(uri)
    locs = client.request(
        "textDocument/definition", {"textDocument": {"uri": uri}, "position": position(text, "sign_in", 1)}
    )
    from panoptic.compiler.files import stdlib_dir

    assert locs[0]["uri"] == (stdlib_dir() / "web.pan").resolve().as_uri()
    locs = client.request(
        "textDocument/definition", {"textDocument": {"uri": uri}, "position": position(text, "std.web", 1)}
    )
    assert locs[0]["uri"] == (stdlib_dir() / "web.pan").resolve().as_uri()


def test_document_symbols(client, workspace):
    text = (workspace / "shop" / "shop.pan").read_text()
    uri = (workspace / "shop" / "shop.pan").resolve().as_uri()
    client.open(workspace / "shop" / "shop.pan", text)
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    names = {s["name"]: s["kind"] for s in symbols}
    assert names["shop"] == 5 and names["login"] == 12 and names["user"] == 13  # class, function, variable
    app = next(s for s in symbols if s["name"] == "shop")
    assert "viewport" in [c["name"] for c in app["children"]]


def test_formatting_through_panoptic_fmt(client, workspace):
    fmt = pytest.importorskip("panoptic.fmt") if not os.environ.get("CI") else __import__("panoptic.fmt").fmt
    messy = 'app a: web {\n  url:   "http://127.0.0.1:1"\n}\nscenario "s" on a {\n      click   "#x"\n}\n'
    path = workspace / "broken" / "messy.pan"
    path.write_text(messy)
    uri = client.open(path, messy)
    edits = client.request(
        "textDocument/formatting", {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}}
    )
    assert edits and edits[0]["newText"] == fmt.format_text(messy, str(path))
    assert edits[0]["newText"] != messy
    # A file with a syntax error is left alone.
    client.change(uri, 2, [{"text": messy + "flow (\n"}])
    assert client.request(
        "textDocument/formatting", {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}}
    ) in (None, [])


def test_rename_flow_across_the_workspace(client, workspace):
    text = (workspace / "shop" / "login.pan").read_text()
    uri = client.open(workspace / "shop" / "login.pan", text, version=10)  # independent of the tests before it
    prep = client.request(
        "textDocument/prepareRename", {"textDocument": {"uri": uri}, "position": position(text, "login(user", 1)}
    )
    assert prep["placeholder"] == "login"
    edit = client.request(
        "textDocument/rename",
        {"textDocument": {"uri": uri}, "position": position(text, "login(user", 1), "newName": "sign_in_as"},
    )
    changes = edit["changes"]
    shop_uri = (workspace / "shop" / "shop.pan").resolve().as_uri()
    assert shop_uri in changes and uri in changes
    assert all(e["newText"] == "sign_in_as" for edits in changes.values() for e in edits)
    assert len(changes[uri]) == text.count("login(")
    with pytest.raises(LspError):
        client.request(
            "textDocument/rename",
            {"textDocument": {"uri": uri}, "position": position(text, "login(user", 1), "newName": "not a name"},
        )


def test_rename_local_variable_stays_in_its_file(client, workspace):
    text = 'app a: web {\n    url: "http://127.0.0.1:1"\n}\nscenario "s" on a {\n    let who = "x"\n    log "hi ${who}"\n    fill "#n" with who\n}\n'
    path = workspace / "broken" / "local.pan"
    path.write_text(text)
    uri = client.open(path, text)
    client.diagnostics(uri)
    edit = client.request(
        "textDocument/rename",
        {"textDocument": {"uri": uri}, "position": position(text, "with who", 6), "newName": "person"},
    )
    assert list(edit["changes"]) == [uri]
    assert len(edit["changes"][uri]) == 3


def test_broken_input_mid_typing_never_crashes(client, workspace):
    path = workspace / "broken" / "typing.pan"
    target = (workspace / "shop" / "shop.pan").read_text() + '\nscenario "s ${x" on shop tags a, {\n    click role\n'
    path.write_text("")
    uri = client.open(path, "")
    version = 1
    for cut in range(0, len(target), 7):
        version += 1
        client.change(uri, version, [{"text": target[:cut] + "\ue000\x00{[(" * (cut % 3 == 0)}])
        if cut % 35 == 0:
            pos = {"line": target[:cut].count("\n"), "character": 0}
            for method in ("textDocument/completion", "textDocument/hover", "textDocument/definition"):
                client.request(method, {"textDocument": {"uri": uri}, "position": pos})
    client.diagnostics(uri, version=version)
    assert client.proc.poll() is None
    items = client.request(
        "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}
    )
    assert items is not None


def test_completion_item_resolve_adds_documentation(client, workspace):
    text = (workspace / "shop" / "shop.pan").read_text()
    uri = client.open(workspace / "shop" / "shop.pan", text)
    pos = position(text, '    open "/login.html"', 4)
    items = client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": pos})
    fill = next(i for i in items["items"] if i["label"] == "fill <target> with <text>")
    resolved = client.request("completionItem/resolve", fill)
    assert "replace the content of an input" in resolved["documentation"]["value"].lower()
