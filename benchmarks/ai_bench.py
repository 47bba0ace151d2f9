"""AI family figures: vision report precision/recall against the DOM, its cost, and `panoptic generate` speed.

    .venv/bin/python benchmarks/ai_bench.py [--repeat 5]

Pages: the example shop's three pages (examples/shop/site), a blank page, and a
generated page with 50 controls (25 labelled inputs, 25 buttons). For each page
the viewport (1280x720) is screenshotted in Chromium and `vision report`'s
analysis is run on it: control outlines are scored against the DOM's painted
boxes (precision) and its controls (recall) at IoU >= 0.5. Times are medians.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from panoptic.backends.serve import StaticServer
from panoptic.contract import ScenarioContext
from panoptic.contract.app import AppDef
from panoptic.contract.platform import load_backend_class, platforms
from panoptic.families.ai import generate as gen
from panoptic.families.ai import vision_report
from panoptic.perception import ocr, vision
from panoptic.source import Span

ROOT = Path(__file__).resolve().parents[1]
SPAN = Span("bench", 0, 0, 1, 1, 1, 1)


def fifty_controls() -> str:
    rows = []
    for i in range(25):
        rows.append(f'<p><label for="f{i}">Field {i}</label> <input id="f{i}" name="f{i}"></p>')
        rows.append(f'<p><button data-testid="b{i}">Button {i}</button></p>')
    return (
        "<!doctype html><html><head><title>Fifty</title><style>body{columns:3;font:14px sans-serif}"
        "p{margin:4px}</style></head><body><form id='big'>" + "".join(rows) + "</form></body></html>"
    )


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def thirty_steps(backend, base: str) -> None:
    """30 steps on the shop: 10 rounds of open, click, query."""
    from panoptic.contract import ResolvedTarget

    add = ResolvedTarget("testid", "add-mug")
    count = ResolvedTarget("css", "#cart-count")
    for _ in range(10):
        backend.perform("navigate", {"url": base + "index.html"}, 10.0)
        backend.perform("click", {"target": add}, 10.0)
        backend.query("query.text", {"target": count})


def error_collection(base: str, repeat: int) -> None:
    """The 30-step scenario with and without the error listeners, in pairs of alternating order: median seconds."""
    import panoptic.backends.web.backend as web_backend

    watch = web_backend.watch
    backend = load_backend_class(platforms()["web"])(
        AppDef("bench", "web", {"url": base, "timeout": 10.0, "viewport": (1280, 720), "trace": "off"}, SPAN)
    )
    backend.start()
    times: dict[bool, list[float]] = {True: [], False: []}
    order = [on for pair in range(repeat) for on in ((True, False) if pair % 2 == 0 else (False, True))]
    try:
        for on in order:  # pairs, each second pair in the other order
            web_backend.watch = watch if on else (lambda page: None)
            ctx = ScenarioContext("bench", "bench", Path(tempfile.mkdtemp()) / "a" / "b", (), 10.0)
            backend.begin(ctx)
            t = time.perf_counter()
            thirty_steps(backend, base)
            times[on].append(time.perf_counter() - t)
            backend.end(ctx, False)
    finally:
        web_backend.watch = watch
        backend.stop()
    with_, without = statistics.median(times[True]), statistics.median(times[False])
    print(
        f"30 web steps: {without:.3f} s without error collection, {with_:.3f} s with "
        f"({(with_ / without - 1) * 100:+.1f} %)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--errors-only", action="store_true", help="only the error collection pairs")
    opts = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ai-bench-"))
    site = tmp / "site"
    site.mkdir()
    for page in (ROOT / "examples" / "shop" / "site").iterdir():
        (site / page.name).write_bytes(page.read_bytes())
    (site / "blank.html").write_text("<!doctype html><title>Blank</title><body></body>")
    (site / "fifty.html").write_text(fifty_controls())
    server = StaticServer(site)
    base = server.start()
    if opts.errors_only:
        error_collection(base, opts.repeat)
        server.stop()
        return
    backend = load_backend_class(platforms()["web"])(
        AppDef("bench", "web", {"url": base, "timeout": 10.0, "viewport": (1280, 720), "trace": "off"}, SPAN)
    )
    backend.start()
    ctx = ScenarioContext("bench", "bench", tmp / "out" / "artifacts" / "bench", (), 10.0)
    backend.begin(ctx)
    print(
        f"{'page':<12} {'outlines':>8} {'truth':>5} {'precision':>9} {'recall':>6} {'words':>5} "
        f"{'controls ms':>11} {'OCR ms':>7}"
    )
    totals = [0, 0, 0, 0]  # detected, true positives, truth, found
    try:
        for page in ("index.html", "login.html", "cart.html", "fifty.html", "blank.html"):
            backend.perform("navigate", {"url": base + page}, 10.0)
            services = backend.services()
            png = services.screenshot()
            snapshot = services.snapshot()
            data = vision_report.analyse(png, snapshot)
            gray = vision.to_gray(png)
            controls_ms = median_ms(lambda g=gray: vision.detect_controls(g), opts.repeat)
            ocr_ms = median_ms(lambda p=png: ocr.read_words(p), max(1, opts.repeat // 2))
            s = data["score"]
            painted, dom_controls = vision_report.dom_boxes(
                snapshot.elements, snapshot.device_pixel_ratio, tuple(data["size"])
            )
            sc = vision_report.score([vision.Box(*b) for b in data["controls"]], painted, dom_controls)
            totals[0] += sc.detected
            totals[1] += sc.true_positives
            totals[2] += sc.truth
            totals[3] += sc.found
            print(
                f"{page:<12} {s['detected']:>8} {s['truth']:>5} {s['precision']:>9.2f} {s['recall']:>6.2f} "
                f"{len(data['words']):>5} {controls_ms:>11.1f} {ocr_ms:>7.0f}"
            )
    finally:
        backend.end(ctx, False)
        backend.stop()
    print(
        f"{'all pages':<12} {totals[0]:>8} {totals[2]:>5} {totals[1] / max(1, totals[0]):>9.2f} "
        f"{totals[3] / max(1, totals[2]):>6.2f}"
    )
    error_collection(base, opts.repeat)
    gen_times = []
    for _ in range(max(1, opts.repeat // 2)):
        t = time.perf_counter()
        text = gen.generate(base + "fifty.html")
        gen_times.append(time.perf_counter() - t)
    print(
        f"generate fifty.html: median {statistics.median(gen_times):.2f} s "
        f"(browser start included), {text.count('expect')} expectations"
    )
    server.stop()


if __name__ == "__main__":
    main()
