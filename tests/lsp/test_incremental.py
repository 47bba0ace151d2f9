"""The language server's incremental parse gives what a whole-file parse gives, at the same lines and columns."""

from __future__ import annotations

import dataclasses
import random

from panoptic.lsp.incremental import MemoryParseCache, split_chunks
from panoptic.source import Source, Span
from panoptic.syntax.parser import parse_source
from tests.lsp.lsp_client import ROOT

BASE = "\n\n".join(p.read_text() for p in sorted((ROOT / "examples" / "shop").glob("*.pan")))
BIG = BASE + "\n"  # large enough to be parsed in chunks (over 4,000 characters)
SNIPPETS = [
    '"',
    "{",
    "}",
    "flow ",
    "\n",
    "scenario ",
    "x",
    " ",
    "(",
    "${",
    "#",
    "\\\n",
    "]",
    "[",
    "let = ",
    "app a: web {\n",
]


def _plain(obj):
    """The AST with every span reduced to its lines and columns."""
    if isinstance(obj, Span):
        return (obj.file, obj.line, obj.col, obj.end_line, obj.end_col)
    if isinstance(obj, (tuple, list)):
        return tuple(_plain(x) for x in obj)
    if dataclasses.is_dataclass(obj):
        return (type(obj).__name__, *(_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)))
    return obj


def _same(cache: MemoryParseCache, text: str) -> None:
    source = Source("big.pan", text)
    got_module, got_diags = cache.parse(source)
    want_module, want_diags = parse_source(source)
    assert _plain(got_module) == _plain(want_module)
    assert _plain(got_diags) == _plain(want_diags)


def test_chunks_start_at_top_level_declarations():
    text = 'app a: web {\n    url: "x"\n}\nflow f() {\n    log "{"\n}\n# note\nscenario "s" on a {\n}\n'
    starts = [text[s:].split("\n", 1)[0] for s, _ in split_chunks(text)]
    assert starts == ["app a: web {", "flow f() {", 'scenario "s" on a {']


def test_only_the_edited_chunk_is_parsed_again():
    cache = MemoryParseCache()
    _same(cache, BIG)
    parsed = cache.chunks_parsed
    at = BIG.index('click testid "add-')
    _same(cache, BIG[:at] + "x" + BIG[at:])
    assert cache.chunks_parsed == parsed + 1
    _same(cache, BIG[:at] + "\n\n" + BIG[at:])  # lines move: later chunks are shifted, not parsed
    assert cache.chunks_parsed == parsed + 2


def test_random_edits_match_the_whole_file_parse():
    rng = random.Random(20240611)
    cache = MemoryParseCache()
    text = BIG
    for _ in range(25):
        at = rng.randrange(len(text))
        if rng.random() < 0.3:
            text = text[:at] + text[at + rng.randrange(1, 40) :]
        else:
            text = text[:at] + rng.choice(SNIPPETS) + text[at:]
        _same(cache, text)
