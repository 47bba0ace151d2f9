"""Run `panoptic check` with proposed speed-ups patched in, to measure each one as a whole process.

    python benchmarks/proposals/run_variant.py VARIANT [check arguments…]

VARIANT is `base` or a `+`-joined list of:
  fastparse   parse with fast_parser.fast_parse, Lark only for files it hands back
  gcoff       gc.disable() for the whole run (a check is short-lived and builds no cycles worth collecting)
  gcthreshold gc.set_threshold(100_000, 50, 100) instead
  noastcache  do not read or write the per-file AST cache (the whole-check cache stays)
  shapecache  remember which signature matched each statement shape (head word, words, item kinds)
  parallel    parse the input files with parallel.parse_many (forked workers) before loading them
  tokspans    Lark path: spans from the tokens' own line/column instead of a bisect per span
The check arguments default to `check .`; the CPU time (user + sys) is written to stderr.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def _tokspans() -> None:
    from lark import Token

    from panoptic.source import Span
    from panoptic.syntax import parser

    def tok_span(self, tok):
        return Span(
            self.state.source.path, tok.start_pos, tok.end_pos, tok.line, tok.column, tok.end_line, tok.end_column
        )

    def bounds(child):
        if isinstance(child, Token):
            if child.type == "_NL":
                return None
            return child.start_pos, child.line, child.column, child.end_pos, child.end_line, child.end_column
        sp = getattr(child, "span", None)
        return None if sp is None else (sp.start, sp.line, sp.col, sp.end, sp.end_line, sp.end_col)

    def span(self, children):
        first = next((b for b in map(bounds, children) if b is not None), None)
        if first is None:
            return self.state.source.span(0, 0)
        last = next(b for b in map(bounds, reversed(children)) if b is not None)
        return Span(self.state.source.path, first[0], last[3], first[1], first[2], last[4], last[5])

    parser._Builder._tok_span = tok_span
    parser._Builder._span = span


def _fastparse() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fast_parser import Fallback, fast_parse

    import panoptic.compiler.loader as loader
    from panoptic.syntax import parser

    slow = parser.parse_source

    def parse_source(source):
        try:
            return fast_parse(source), []
        except Fallback:
            return slow(source)

    parser.parse_source = parse_source
    loader.parse_source = parse_source


def _parallel() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from parallel import parse_many

    from panoptic.compiler import loader

    original_inputs, original_parse = loader.Loader.load_inputs, loader.Loader._parse
    parsed: dict[tuple[str, str], tuple] = {}

    def load_inputs(self, files):
        sources = [s for s in (self._read(f, loader.display_path(f)) for f in files) if s is not None]
        fresh = [s for s in sources if self.cache.get(s) is None]
        for source, result in zip(fresh, parse_many(fresh), strict=True):
            parsed[(source.path, source.text)] = result
        return original_inputs(self, files)

    def parse(self, source):
        result = parsed.pop((source.path, source.text), None)
        if result is None:
            return original_parse(self, source)
        self.cache.put(source, result)
        return result

    loader.Loader.load_inputs = load_inputs
    loader.Loader._parse = parse


def _noastcache() -> None:
    import panoptic.compiler.loader as loader

    loader.default_cache = lambda: loader.ParseCache(None)


def _shapecache() -> None:
    import panoptic.compiler.lower as lower
    import panoptic.compiler.match as match
    from panoptic.syntax import ast

    original = match.match_statement
    remembered: dict = {}
    word = ast.Word

    def match_statement(items, candidates, miss):
        key = tuple(item.text if type(item) is word else type(item) for item in items)
        entry = remembered.get(key)
        if entry is not None:
            for end, args, used in match._match(entry.parts, items, 0, 0, {}, 0, miss):
                if end == len(items):
                    return match.Match(entry, args, used)
        found = original(items, candidates, miss)
        if found is not None:
            remembered[key] = found.entry
        return found

    lower.match_statement = match_statement


def main() -> None:
    variant = set(sys.argv[1].split("+")) - {"base"}
    args = sys.argv[2:] or ["check", "."]
    if "gcoff" in variant:
        import gc

        gc.disable()
    if "gcthreshold" in variant:
        import gc

        gc.set_threshold(100_000, 50, 100)
    patches = {
        "parallel": _parallel,
        "tokspans": _tokspans,
        "fastparse": _fastparse,
        "noastcache": _noastcache,
        "shapecache": _shapecache,
    }
    unknown = variant - set(patches) - {"gcoff", "gcthreshold"}
    if unknown:
        raise SystemExit(f"unknown variant parts: {sorted(unknown)}")
    for name in sorted(variant & set(patches)):
        patches[name]()
    from panoptic.cli import main as cli_main

    code = 0
    try:
        cli_main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    sys.stdout.flush()
    sys.stderr.write(f"CPU {usage.ru_utime + usage.ru_stime:.3f}\n")
    raise SystemExit(code)


if __name__ == "__main__":
    main()
