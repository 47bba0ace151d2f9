"""Semantic tokens: UTF-16 columns, and one computation per index (a new compile gives new tokens)."""

from __future__ import annotations

from pathlib import Path

from panoptic.lsp import features
from panoptic.lsp.engine import Engine

SUITE = """app shop: web {
    url: "http://127.0.0.1:8000"
}

let smile = "😀"

scenario "é 😀" on shop {
    log "😀 ${smile}" click
    click "#ok"
    wait 2s
}
"""


def _decode(data: list[int], text: str, legend: list[str]) -> list[tuple[int, str, str]]:
    """(line, token type, the text it covers) for every token, columns read as UTF-16 code units."""
    lines = text.split("\n")
    out = []
    line = char = 0
    for i in range(0, len(data), 5):
        dl, dc, length, kind, _ = data[i : i + 5]
        line, char = line + dl, (char + dc if dl == 0 else dc)
        units = lines[line].encode("utf-16-le")
        out.append((line, legend[kind], units[2 * char : 2 * (char + length)].decode("utf-16-le")))
    return out


def _index(engine: Engine, path: Path, text: str, version: int):
    uri = path.as_uri()
    engine.update(uri, text, version)
    snap = engine.snapshot_for(uri)
    return engine.build_index(snap, str(path))


def test_columns_are_utf16_code_units(tmp_path: Path) -> None:
    path = tmp_path / "suite.pan"
    path.write_text(SUITE)
    index = _index(Engine(), path, SUITE, 1)
    tokens = _decode(features.semantic_tokens(index).data, SUITE, features.TOKEN_TYPES)
    assert (4, "variable", "smile") in tokens
    assert (6, "type", "shop") in tokens  # after `"é 😀"`: é is one UTF-16 unit, 😀 two
    assert [t for t in tokens if t[0] == 7] == [
        (7, "keyword", "log"),
        (7, "string", '"😀 ${smile}"'),  # the interpolated name lies inside the string's token
        (7, "keyword", "click"),
    ]
    assert (8, "string", '"#ok"') in tokens and (9, "number", "2s") in tokens


def test_tokens_are_computed_once_per_index_and_again_for_a_new_compile(tmp_path: Path) -> None:
    path = tmp_path / "suite.pan"
    path.write_text(SUITE)
    engine = Engine()
    first = _index(engine, path, SUITE, 1)
    tokens = features.semantic_tokens(first)
    assert features.semantic_tokens(first) is tokens
    edited = SUITE.replace('    click "#ok"\n', '    click "#ok"\n    click "#more"\n')
    second = _index(engine, path, edited, 2)
    assert second is not first
    again = features.semantic_tokens(second)
    assert again is not tokens
    assert (9, "string", '"#more"') in _decode(again.data, edited, features.TOKEN_TYPES)
    assert all(t[2] != '"#more"' for t in _decode(tokens.data, SUITE, features.TOKEN_TYPES))


def test_tokens_are_computed_after_a_compile_only_for_an_editor_that_uses_them(tmp_path: Path) -> None:
    from lsprotocol import types as lsp

    from panoptic.lsp.server import build_server

    path = tmp_path / "suite.pan"
    path.write_text(SUITE)
    uri = path.as_uri()
    for uses_them in (False, True):
        server = build_server()
        try:
            caps = lsp.TextDocumentClientCapabilities()
            if uses_them:
                caps.semantic_tokens = lsp.SemanticTokensClientCapabilities(
                    requests=lsp.ClientSemanticTokensRequestOptions(full=True),
                    token_types=[],
                    token_modifiers=[],
                    formats=[lsp.TokenFormat.Relative],
                )
            server.protocol.client_capabilities = lsp.ClientCapabilities(text_document=caps)
            server.engine.open(uri, SUITE, 1)
            snap = server.engine.compile(uri)
            server._prewarm(snap, uri)
            index = snap.indexes[str(path)]
            kept = features._computed.get(index.module.source.path)
            assert (kept is not None and kept[0] is index) is uses_them
        finally:
            server.pool.shutdown()


def test_two_threads_asking_at_once_compute_the_tokens_once(tmp_path: Path, monkeypatch) -> None:
    import threading
    import time

    path = tmp_path / "suite.pan"
    path.write_text(SUITE)
    index = _index(Engine(), path, SUITE, 1)
    calls: list[int] = []
    real = features._compute

    def slow(ix):
        calls.append(1)
        time.sleep(0.3)
        return real(ix)

    monkeypatch.setattr(features, "_compute", slow)
    answers: list[object] = []
    threads = [threading.Thread(target=lambda: answers.append(features.semantic_tokens(index))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(answers) == 3 and all(a is answers[0] for a in answers)
