"""Quick fixes, references, signature help, semantic tokens and folding ranges, through a real LSP client."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lsp.lsp_client import LspClient, position

pytest.importorskip("pygls")

SUITE = """# the shop suite
# two comment lines fold together
app shop: web {
    url: "http://127.0.0.1:8000"
    timeout: 5
}

let greeting = "hi"

flow greet(who) {
    log "${greeting}, ${who}"
}

scenario "first" on shop {
    greet("bob")
    if visible "#banner" {
        click "#close"
    } else {
        log greeting
    }
}

scenario "second" on shop {
    greet("ann")
}
"""

OTHER = """use "./suite.pan"

scenario "third" on shop {
    greet("eve")
}
"""


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    root: Path = tmp_path_factory.mktemp("features")
    (root / "suite.pan").write_text(SUITE)
    (root / "other.pan").write_text(OTHER)
    client = LspClient(cwd=root)
    client.init_result = client.initialize(root)
    uri = client.open(root / "suite.pan", SUITE)
    diags = client.diagnostics(uri)
    yield client, root, uri, diags
    assert client.shutdown() == 0, client.stderr
    assert "Traceback" not in client.stderr, client.stderr


def test_capabilities_are_announced(session) -> None:
    caps = session[0].init_result["capabilities"]
    for key in ("codeActionProvider", "referencesProvider", "signatureHelpProvider", "foldingRangeProvider"):
        assert caps.get(key), key
    assert "keyword" in caps["semanticTokensProvider"]["legend"]["tokenTypes"]


def test_a_quick_fix_applies_the_diagnostics_fix(session) -> None:
    client, _, uri, diags = session
    bare = [d for d in diags if d["code"] == "PAN305"]
    assert bare, diags
    actions = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": bare[0]["range"], "context": {"diagnostics": bare}},
    )
    assert len(actions) == 1 and actions[0]["kind"] == "quickfix"
    (edit,) = actions[0]["edit"]["changes"][uri]
    assert edit["newText"] == "5s"
    assert edit["range"]["start"] == position(SUITE, "5\n}")


def test_references_across_the_workspace(session) -> None:
    client, _, uri, _ = session
    found = client.request(
        "textDocument/references",
        {
            "textDocument": {"uri": uri},
            "position": position(SUITE, "greet(who)"),
            "context": {"includeDeclaration": True},
        },
    )
    where = sorted((Path(loc["uri"][7:]).name, loc["range"]["start"]["line"]) for loc in found)
    assert where == [("other.pan", 3), ("suite.pan", 9), ("suite.pan", 14), ("suite.pan", 23)]
    without = client.request(
        "textDocument/references",
        {
            "textDocument": {"uri": uri},
            "position": position(SUITE, "greeting ="),
            "context": {"includeDeclaration": False},
        },
    )
    assert sorted(loc["range"]["start"]["line"] for loc in without) == [10, 18]


def test_signature_help_while_typing_a_statement(session) -> None:
    client, root, _, _ = session
    text = 'scenario "s" on shop {\n    fill "#a" \n}\n'
    uri = client.open(root / "typing.pan", text)
    help_ = client.request(
        "textDocument/signatureHelp",
        {"textDocument": {"uri": uri}, "position": {"line": 1, "character": len('    fill "#a" ')}},
    )
    assert help_["signatures"][0]["label"] == "fill <target> with <text>"
    assert help_["activeParameter"] == 1


def test_semantic_tokens_classify_names_words_and_literals(session) -> None:
    client, _, uri, _ = session
    legend = client.init_result["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"]
    data = client.request("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})["data"]
    lines = SUITE.split("\n")
    line = char = 0
    seen: dict[str, set[str]] = {}
    for i in range(0, len(data), 5):
        dl, dc, length, kind, _ = data[i : i + 5]
        line, char = line + dl, (char + dc if dl == 0 else dc)
        seen.setdefault(legend[kind], set()).add(lines[line][char : char + length])
    assert {"greet"} <= seen["function"]
    assert {"greeting"} <= seen["variable"]
    assert {"who"} <= seen["parameter"]
    assert {"click", "log", "visible"} <= seen["keyword"]
    assert '"#close"' in seen["string"]
    assert "# the shop suite" in seen["comment"]


def test_folding_ranges_cover_blocks_and_comment_runs(session) -> None:
    client, _, uri, _ = session
    folds = client.request("textDocument/foldingRange", {"textDocument": {"uri": uri}})
    ranges = {(f["startLine"], f["endLine"], f.get("kind")) for f in folds}
    assert (0, 1, "comment") in ranges
    assert (2, 4, None) in ranges  # the app's settings
    assert (13, 19, None) in ranges  # the first scenario's body
    assert (15, 16, None) in ranges  # the `if` block
