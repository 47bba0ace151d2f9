"""Differential check of the fast parser against the Lark parser on mutated `.pan` files.

    .venv/bin/python benchmarks/proposals/check_equivalence.py [--cases 5000]

Seeds: every .pan file of the repository (and the generated benchmark suite
when present). Each case is a seed with random token deletions,
duplications, swaps and truncations. Whenever the fast path accepts a text,
Lark must accept it too, without diagnostics, and build the same module;
a text Lark accepts but the fast path hands back is only counted (it costs
speed, not correctness).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from fast_parser import Fallback, fast_parse  # noqa: E402

from panoptic.source import Source  # noqa: E402
from panoptic.syntax.parser import parse_source  # noqa: E402

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*|\n|[ \t]+|[A-Za-z_][A-Za-z0-9_\-]*|\d+(?:\.\d+)?[a-z]*|.', re.S)


def mutate(text: str, rng: random.Random) -> str:
    tokens = _TOKEN.findall(text)
    for _ in range(rng.randint(0, 4)):
        if not tokens:
            break
        i = rng.randrange(len(tokens))
        op = rng.choice(["delete", "duplicate", "swap", "truncate", "blank"])
        if op == "delete":
            del tokens[i]
        elif op == "duplicate":
            tokens.insert(i, tokens[i])
        elif op == "swap" and i + 1 < len(tokens):
            tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
        elif op == "truncate":
            tokens = tokens[:i]
        elif op == "blank":
            tokens[i] = rng.choice([" ", "\n", "\r\n", "\t", "# note\n", "\\\n"])
    return "".join(tokens)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    files = [p for folder in ("examples", "stdlib", "tests") for p in sorted((ROOT / folder).rglob("*.pan"))]
    files += sorted((ROOT / "benchmarks" / "work" / "check" / "suite" / "pan").glob("common.pan"))
    seeds = [p.read_bytes().decode("utf-8-sig", errors="replace") for p in files]
    rng = random.Random(args.seed)
    agree = handed_back = lark_only = 0
    problems = 0
    for n in range(args.cases):
        text = mutate(rng.choice(seeds), rng) if n >= len(seeds) else seeds[n]
        source = Source("case.pan", text)
        module, diags = parse_source(source)
        try:
            fast = fast_parse(source)
        except Fallback:
            handed_back += 1
            lark_only += not diags
            continue
        if diags or fast != module:
            problems += 1
            print(f"MISMATCH ({'Lark reports ' + diags[0].code if diags else 'different AST'}): {text!r}")
            continue
        agree += 1
    print(
        f"{args.cases} cases: {agree} equal, {handed_back} handed back to Lark "
        f"({lark_only} of them valid), {problems} mismatches"
    )
    raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
