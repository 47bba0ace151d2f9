"""Web expectations: one evaluated poll per attempt against the old two-call poll (count, then read).

One process, one headless Chromium (Debian's), one served page. Each round runs the same expectations K times
through `checks.check` (the expect family's code) on the backend as it is now, and on `OldQueries` (the old
count-then-read code, kept by tests/backends/web/test_expect_differential.py), alternating which goes first;
the table gives the median time per expectation. Every expectation holds at its first poll, so the time is
the cost of one attempt.

    .venv/bin/python benchmarks/expect_poll_bench.py [--rounds 7] [--per-round 50] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "backends" / "web"))

from test_expect_differential import OldQueries  # noqa: E402
from webtest_support import make_app  # noqa: E402

from panoptic.contract import ResolvedTarget, ScenarioContext  # noqa: E402
from panoptic.families.expect import checks  # noqa: E402

PAGE = """<!doctype html><title>Poll</title><h1 id="h">Hello</h1><p id="n">3 items</p>
<input id="name" value="Ada"><div id="hidden" style="display:none">x</div>
<button id="go" class="btn primary" data-state="ready">Go</button><input type="checkbox" id="agree" checked>"""

CASES = [
    ("has_text", {"target": ResolvedTarget("css", "#n"), "text": "3 items"}),
    ("contains", {"target": ResolvedTarget("role", "Hello", role="heading"), "text": "Hell"}),
    ("has_value", {"target": ResolvedTarget("css", "#name"), "text": "Ada"}),
    ("visible", {"target": ResolvedTarget("text", "Hello")}),
    ("hidden", {"target": ResolvedTarget("css", "#hidden")}),
    ("enabled", {"target": ResolvedTarget("css", "#go")}),
    ("checked", {"target": ResolvedTarget("css", "#agree")}),
    ("has_class", {"target": ResolvedTarget("css", "#go"), "text": "primary"}),
    ("has_attribute", {"target": ResolvedTarget("css", "#go"), "attribute": "data-state", "text": "ready"}),
    ("has_css", {"target": ResolvedTarget("css", "#go"), "property": "display", "text": "inline-block"}),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--per-round", type=int, default=50)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from panoptic.backends.web.backend import WebBackend

    folder = Path(tempfile.mkdtemp(prefix="expect-poll-"))
    (folder / "site").mkdir()
    (folder / "site" / "index.html").write_text(PAGE, encoding="utf-8")
    web = WebBackend(make_app(folder / "site", trace="off"))
    web.start()
    ctx = ScenarioContext(
        scenario_id="poll.pan::poll", title="poll", artifacts_dir=folder / "a", secrets=(), default_timeout=5.0
    )
    web.begin(ctx)
    web.perform("navigate", {"url": "/index.html"}, 5.0)
    sides: dict[str, Any] = {"one evaluated poll (now)": web, "count, then read (before)": OldQueries(web)}
    times: dict[str, dict[str, list[float]]] = {name: {side: [] for side in sides} for name, _ in CASES}
    for r in range(args.rounds):
        order = list(sides) if r % 2 == 0 else list(reversed(sides))
        for name, case in CASES:
            for side in order:
                backend = sides[side]
                start = time.perf_counter()
                for _ in range(args.per_round):
                    assert checks.check(backend, name, dict(case), 5.0) == 1
                times[name][side].append((time.perf_counter() - start) / args.per_round * 1000)
    web.end(ctx, False)
    web.stop()
    now, before = list(sides)
    print(f"| expectation | {now} | {before} | ratio |")
    print("|---|---:|---:|---:|")
    table = {}
    for name, _ in CASES:
        a, b = statistics.median(times[name][now]), statistics.median(times[name][before])
        table[name] = {"now_ms": a, "before_ms": b}
        print(f"| `{name}` | {a:.2f} ms | {b:.2f} ms | {a / b:.2f}× |")
    if args.json:
        args.json.write_text(json.dumps({"medians": table, "runs": times}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
