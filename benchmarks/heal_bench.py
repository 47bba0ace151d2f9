"""Self-healing figures: ranking candidates in a 2,000-node DOM, reading them from Chromium, remembering a target.

    .venv/bin/python benchmarks/heal_bench.py [--repeat 21]

The page has 2,000 visible elements: a form (a label, an input, two buttons) and a list of 995 rows (an item
and a div, span or link in it) with texts, classes and neighbours. The button `#save-btn` is fingerprinted,
then renamed to `#save-button` in the live page; the figures are medians of:

* rank: `panoptic.families.ai.heal.rank` of the stored fingerprint against every element (pure Python);
* collect: `PageServices.fingerprints()`, reading every visible element's fingerprint from Chromium;
* heal: the healer's whole `heal()` (count of the old target, collect, rank, and checking the replacement);
* remember: one `remember()` of a target not yet remembered (what a step with healing on adds, once per target).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from panoptic.backends.serve import StaticServer
from panoptic.contract import ResolvedTarget, ScenarioContext
from panoptic.contract.app import AppDef
from panoptic.contract.family import RunContext
from panoptic.contract.platform import load_backend_class, platforms
from panoptic.families.ai.heal import THRESHOLD, WebHealer, rank, target_text
from panoptic.source import Span

SPAN = Span("bench", 0, 0, 1, 1, 1, 1)
NODES = 2000


def page(nodes: int = NODES) -> str:
    rows = []
    kinds = ("div", "span", "a")
    for i in range((nodes - 10) // 2):  # a row is two elements: the item and its cell
        tag = kinds[i % 3]
        href = f' href="#r{i}"' if tag == "a" else ""
        rows.append(f'<li class="row r{i % 7}"><{tag} id="row-{i}" class="cell"{href}>item {i}</{tag}></li>')
    return (
        "<!doctype html><html><head><title>Big</title><style>li{display:block;font:12px sans-serif}"
        "span,a{display:inline-block}</style></head><body><main><h1>Profile</h1>"
        "<form><label for='name'>Name</label> <input id='name' name='name'>"
        "<button type='button' id='cancel-btn' class='btn'>Cancel</button>"
        "<button type='button' id='save-btn' class='btn primary'>Save</button></form>"
        "<ul class='list'>" + "".join(rows) + "</ul></main></body></html>"
    )


def median_ms(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=21)
    opts = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="heal-bench-"))
    site = tmp / "site"
    site.mkdir()
    (site / "big.html").write_text(page(), encoding="utf-8")
    server = StaticServer(site)
    base = server.start()
    app = AppDef("bench", "web", {"url": base, "timeout": 5.0, "viewport": (1280, 720), "trace": "off"}, SPAN)
    backend = load_backend_class(platforms()["web"])(app)
    backend.start()
    ctx = ScenarioContext("bench", "bench", tmp / "out" / "artifacts" / "bench", (), 5.0)
    backend.begin(ctx)
    healer = WebHealer()
    healer.start(RunContext(output_dir=tmp / "out", project_dir=tmp))
    try:
        backend.perform("navigate", {"url": base + "big.html"}, 10.0)
        services = backend.services()
        old = ResolvedTarget("css", "#save-btn")
        stored = services.fingerprint(old)
        assert stored is not None
        remember_ms, _ = median_ms(
            lambda: (healer._seen.clear(), healer.remember(app, old, backend, SPAN)), max(3, opts.repeat // 3)
        )
        backend._require_page().evaluate("document.getElementById('save-btn').id = 'save-button'")
        collect_ms, candidates = median_ms(services.fingerprints, max(3, opts.repeat // 3))
        assert isinstance(candidates, list)
        rank_ms, ranked = median_ms(lambda: rank(stored, candidates), opts.repeat)
        assert isinstance(ranked, list)
        heal_ms, healed = median_ms(lambda: healer.heal(app, old, backend, SPAN), max(3, opts.repeat // 3))
    finally:
        backend.end(ctx, False)
        backend.stop()
        server.stop()
    score, best = ranked[0]
    print(f"page: {len(candidates)} visible elements; stored `{target_text(old)}`, renamed to #save-button")
    print(f"rank ({len(candidates)} candidates): median {rank_ms:.2f} ms; best {best.get('id')!r} score {score:.2f}")
    print(f"second best: {ranked[1][1].get('id')!r} score {ranked[1][0]:.2f} (threshold {THRESHOLD})")
    print(f"collect fingerprints from Chromium: median {collect_ms:.1f} ms")
    print(f"heal() end to end: median {heal_ms:.1f} ms -> {healed.new if healed else None}")  # type: ignore[union-attr]
    print(f"remember() one target: median {remember_ms:.1f} ms")


if __name__ == "__main__":
    main()
