"""Find references and rename reuse the document's compile only when it is the workspace's compile as it is now."""

from __future__ import annotations

from pathlib import Path

from panoptic.lsp import features, navigation
from panoptic.lsp.engine import Engine

SUITE = """app shop: web {
    url: "http://127.0.0.1:8000"
}

flow greet(who) {
    log "hi ${who}"
}

scenario "first" on shop {
    greet("bob")
}
"""

OTHER = """use "./suite.pan"

scenario "second" on shop {
    greet("ann")
}
"""


def _refs(engine: Engine, root: Path, uri: str) -> tuple[list[tuple[str, int]], bool]:
    """Where `greet` is named in the workspace, and whether the document's compile was reused."""
    snap = engine.snapshot_for(uri)
    index = engine.build_index(snap, str(root / "suite.pan"))
    target = navigation.rename_target(index, 5, 7)[0]
    assert target.name == "greet"
    indexes, sources = engine.workspace_indexes([str(root)], snap)
    reused = all(any(idx is built for built in snap.indexes.values()) for idx in indexes)
    spans = features.references(target, indexes, include_declaration=True)
    assert all(any(Path(file).resolve() == Path(s.file).resolve() for file in sources) for s in spans)
    return [(Path(s.file).name, s.line) for s in spans], reused


def _engine(root: Path) -> tuple[Engine, str]:
    engine = Engine()
    uri = (root / "suite.pan").as_uri()
    engine.open(uri, SUITE, 1)
    return engine, uri


def test_the_documents_compile_is_reused_when_it_covers_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "suite.pan").write_text(SUITE)
    (tmp_path / "other.pan").write_text(OTHER)
    engine, uri = _engine(tmp_path)
    found, reused = _refs(engine, tmp_path, uri)
    assert reused
    assert found == [("other.pan", 4), ("suite.pan", 5), ("suite.pan", 10)]


def test_an_unsaved_edit_is_seen_through_the_reused_compile(tmp_path: Path) -> None:
    (tmp_path / "suite.pan").write_text(SUITE)
    (tmp_path / "other.pan").write_text(OTHER)
    engine, uri = _engine(tmp_path)
    engine.update(uri, SUITE.replace('greet("bob")', 'greet("bob")\n    greet("cy")'), 2)
    found, reused = _refs(engine, tmp_path, uri)
    assert reused
    assert found == [("other.pan", 4), ("suite.pan", 5), ("suite.pan", 10), ("suite.pan", 11)]


def test_a_file_changed_on_disk_since_the_compile_is_compiled_again(tmp_path: Path) -> None:
    (tmp_path / "suite.pan").write_text(SUITE)
    (tmp_path / "other.pan").write_text(OTHER)
    engine, uri = _engine(tmp_path)
    engine.snapshot_for(uri)
    (tmp_path / "other.pan").write_text(OTHER.replace('greet("ann")', 'greet("ann")\n    greet("eve")'))
    found, reused = _refs(engine, tmp_path, uri)
    assert not reused
    assert found == [("other.pan", 4), ("other.pan", 5), ("suite.pan", 5), ("suite.pan", 10)]


def test_files_in_subfolders_are_compiled_with_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "suite.pan").write_text(SUITE)
    (tmp_path / "other.pan").write_text(OTHER)
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "third.pan").write_text(OTHER.replace("./suite.pan", "../suite.pan"))
    engine, uri = _engine(tmp_path)
    found, reused = _refs(engine, tmp_path, uri)
    assert not reused
    assert found == [("third.pan", 4), ("other.pan", 4), ("suite.pan", 5), ("suite.pan", 10)]
