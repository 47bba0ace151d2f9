"""Web steps against raw Playwright: one 30-step scenario, whole processes, paired and alternating.

The same scenario is written twice, on a page served from 127.0.0.1:

  playwright   a Python script over Playwright's sync API: launch the Chromium Panoptic launches
               (`find_chromium`: the headless shell when installed), one context and page,
               `goto`, `fill`, `select_option`, `check`, `click`, and the same checks with Playwright's `expect`
  panoptic     `panoptic run scenario.pan` (the app serves the page with `serve:`), once per trace setting:
                 off          `trace: off`
                 on-failure   the app's default (a first attempt records every call, console and network,
                              kept when it fails)
                 full         `trace: full` (DOM snapshots and the filmstrip too, kept when it fails)
                 <variant>    `trace: full` with other `context.tracing.start` options, set through
                              `WebBackend.TRACE_OPTIONS` by a one-line wrapper (see TRACE_VARIANTS)

Each round runs every case once as a whole process (start-up, compile, browser, reports), in alternating
order (the second round reversed), and records its wall time, its CPU time (user + sys of the process and
the children it waited for, from wait4) and the load average when it started; the tables give medians and
the ratios against Playwright of the same rounds.

    .venv/bin/python benchmarks/web_step_bench.py [--rounds 6] [--cases playwright off on-failure ...]
        [--tree TREE] [--before TREE] [--json out.json] [--keep]

`--before TREE` adds the cases "off before" and "on-failure before": the same scenario run by the `panoptic`
package of another tree (`mkdir /tmp/old && git archive <commit> panoptic grammar stdlib | tar -x -C /tmp/old`).
`--tree TREE` runs the other Panoptic cases from such a tree too (a commit measured while the working tree changes).

Every Panoptic run must pass (exit code 0) and the Playwright script must finish: a broken scenario on
either side stops the benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import scenario_cost_bench  # this folder: the same whole-process timing

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "web-steps"
PYTHON = ROOT / ".venv" / "bin" / "python"

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Order form</title></head><body>
<h1>Order form</h1>
<form id="order" onsubmit="return false">
<label>Name <input id="name"></label>
<label>Email <input id="email" type="email"></label>
<label>Street <input id="street"></label>
<label>City <input id="city"></label>
<label>Zip <input id="zip"></label>
<label>Size <select id="size"><option value="s">Small</option><option value="m">Medium</option>
<option value="l">Large</option></select></label>
<label>Colour <select id="colour"><option>Red</option><option>Green</option><option>Blue</option></select></label>
<label>Quantity <select id="qty"><option>1</option><option>2</option><option>3</option></select></label>
<label>Shipping <select id="ship"><option value="std">Standard</option><option value="exp">Express</option>
</select></label>
<label><input type="checkbox" id="gift"> Gift wrap</label>
<label><input type="checkbox" id="news"> Newsletter</label>
<label><input type="checkbox" id="terms"> Terms</label>
<button type="button" id="add">Add</button>
<button type="button" id="review">Review</button>
</form>
<p id="count">0</p>
<p id="summary"></p>
<script>
const $ = (id) => document.getElementById(id);
let n = 0;
$("add").onclick = () => { n += 1; $("count").textContent = String(n); };
$("review").onclick = () => {
  const size = $("size");
  $("summary").textContent = [$("name").value, $("city").value, size.options[size.selectedIndex].text,
    $("colour").value, $("qty").value, $("ship").value, "gift " + ($("gift").checked ? "yes" : "no"),
    "news " + ($("news").checked ? "yes" : "no")].join(" | ");
};
</script>
</body></html>
"""

SUMMARY = "Ada | Lyon | Medium | Blue | 3 | exp | gift yes | news yes"

# The 30 steps, as (pan statement, Playwright call); `L("#x")` is `page.locator("#x")`.
STEPS: list[tuple[str, str]] = [
    ('open "/"', "page.goto(URL)"),
    ('expect "h1" has text "Order form"', 'expect(L("h1")).to_have_text("Order form")'),
    ('fill "#name" with "Ada"', 'L("#name").fill("Ada")'),
    ('fill "#email" with "ada@example.org"', 'L("#email").fill("ada@example.org")'),
    ('fill "#street" with "1 Rue de la Paix"', 'L("#street").fill("1 Rue de la Paix")'),
    ('fill "#city" with "Lyon"', 'L("#city").fill("Lyon")'),
    ('fill "#zip" with "69001"', 'L("#zip").fill("69001")'),
    ('select "Medium" in "#size"', 'L("#size").select_option(label="Medium")'),
    ('select "Blue" in "#colour"', 'L("#colour").select_option(label="Blue")'),
    ('select "3" in "#qty"', 'L("#qty").select_option(label="3")'),
    ('select "Express" in "#ship"', 'L("#ship").select_option(label="Express")'),
    ('check "#gift"', 'L("#gift").check()'),
    ('check "#news"', 'L("#news").check()'),
    ('check "#terms"', 'L("#terms").check()'),
    ('click "#add"', 'L("#add").click()'),
    ('click "#add"', 'L("#add").click()'),
    ('click "#add"', 'L("#add").click()'),
    ('expect "#count" has text "3"', 'expect(L("#count")).to_have_text("3")'),
    ('click "#review"', 'L("#review").click()'),
    (f'expect "#summary" has text "{SUMMARY}"', f'expect(L("#summary")).to_have_text("{SUMMARY}")'),
    ('expect "#name" has value "Ada"', 'expect(L("#name")).to_have_value("Ada")'),
    ('expect "#terms" checked', 'expect(L("#terms")).to_be_checked()'),
    ('fill "#city" with "Paris"', 'L("#city").fill("Paris")'),
    ('select "Small" in "#size"', 'L("#size").select_option(label="Small")'),
    ('uncheck "#news"', 'L("#news").uncheck()'),
    ('click "#review"', 'L("#review").click()'),
    ('expect "#summary" contains "Paris"', 'expect(L("#summary")).to_contain_text("Paris")'),
    ('expect "#summary" contains "news no"', 'expect(L("#summary")).to_contain_text("news no")'),
    ('click "#add"', 'L("#add").click()'),
    ('expect "#count" has text "4"', 'expect(L("#count")).to_have_text("4")'),
]

RAW_HEAD = r"""
import functools, http.server, sys, threading
from playwright.sync_api import expect, sync_playwright

folder, chromium, args = sys.argv[1], sys.argv[2], sys.argv[3:]
http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
URL = f"http://127.0.0.1:{server.server_address[1]}/"
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=args)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    page = context.new_page()
    L = page.locator
"""

RAW_TAIL = """
    context.close()
    browser.close()
server.shutdown()
"""

# Other `context.tracing.start` options for `trace: full`, measured without changing the product.
TRACE_VARIANTS: dict[str, dict[str, bool]] = {
    "snapshots only": {"screenshots": False, "snapshots": True, "sources": True},
    "screencast only": {"screenshots": True, "snapshots": False, "sources": True},
    "screencast + snapshots": {"screenshots": True, "snapshots": True, "sources": True},
    "full trace, no step groups": {"screenshots": True, "snapshots": True, "sources": True, "groups": False},
    "snapshots + action screenshots": {
        "screenshots": False,
        "snapshots": True,
        "screen_snapshots": True,
        "sources": True,
    },
}

# Every Panoptic case runs `panoptic run` through this wrapper: `TREE` (or "" for the installed package) is the tree
# whose `panoptic` package runs (the editable install's finder is dropped so that the tree's package is imported);
# `OPTIONS` ({} for none) replaces `WebBackend.TRACE_OPTIONS`, and "groups": false also opens no trace group per step
# (to measure what the groups cost; a kept trace would lose them).
WRAPPER = """
import json, sys
tree, options = sys.argv.pop(1), json.loads(sys.argv.pop(1))
if tree:
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "")]
    sys.path.insert(0, tree)
if options:
    from panoptic.backends.web.backend import WebBackend
    if not options.pop("groups", True):
        WebBackend._open_group = lambda self, *a: 0
    WebBackend.TRACE_OPTIONS = options
sys.argv[0] = "panoptic"
from panoptic.cli import main
main()
"""


def write_files(folder: Path) -> None:
    """The served page, the .pan files (one per trace setting) and the Playwright script."""
    (folder / "site").mkdir(parents=True, exist_ok=True)
    (folder / "site" / "index.html").write_text(PAGE, encoding="utf-8")
    body = "".join(f"    {pan}\n" for pan, _ in STEPS)
    for name, setting in (("off", "\n    trace: off"), ("default", ""), ("full", "\n    trace: full")):
        app = f'app shop: web {{\n    serve: "site"{setting}\n}}\n\n'
        (folder / f"scenario-{name}.pan").write_text(app + f'scenario "order form" {{\n{body}}}\n', encoding="utf-8")
    raw = RAW_HEAD + "".join(f"    {call}\n" for _, call in STEPS) + RAW_TAIL
    (folder / "raw_playwright.py").write_text(raw, encoding="utf-8")


def commands(cases: list[str], tree: Path | None = None, before: Path | None = None) -> dict[str, list[str]]:
    from panoptic.environment import CHROMIUM_ARGS, find_chromium

    chromium = find_chromium(None)
    if chromium is None:
        raise SystemExit("no Chromium found")

    def panoptic(source: Path | None, pan: str, options: dict[str, bool] | None = None) -> list[str]:
        where = str(source.resolve()) if source is not None else ""
        return [str(PYTHON), "-c", WRAPPER, where, json.dumps(options or {}), "run", pan, "-o", "out"]

    out: dict[str, list[str]] = {}
    for case in cases:
        if case == "playwright":
            out[case] = [str(PYTHON), "raw_playwright.py", "site", chromium, *CHROMIUM_ARGS]
        elif case == "off":
            out[case] = panoptic(tree, "scenario-off.pan")
        elif case == "on-failure":
            out[case] = panoptic(tree, "scenario-default.pan")
        elif case == "full":
            out[case] = panoptic(tree, "scenario-full.pan")
        elif case in TRACE_VARIANTS:
            out[case] = panoptic(tree, "scenario-full.pan", dict(TRACE_VARIANTS[case]))
        elif case == "off before" and before is not None:
            out[case] = panoptic(before, "scenario-off.pan")
        elif case == "on-failure before" and before is not None:
            out[case] = panoptic(before, "scenario-default.pan")
        else:
            raise SystemExit(f"unknown case {case!r}: playwright, off, on-failure, full, {', '.join(TRACE_VARIANTS)}")
    return out


def timed(cmd: list[str], cwd: Path) -> dict[str, float]:
    """Wall and CPU seconds (user + sys, children included) of one process, and the load average at its start;
    with `.pyc` files written and used (PYTHONDONTWRITEBYTECODE dropped)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return scenario_cost_bench.timed(cmd, cwd, env)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--cases", nargs="+", default=["playwright", "off", "on-failure", "full"])
    ap.add_argument("--tree", type=Path, help="run Panoptic from this tree (default: the installed package)")
    ap.add_argument("--before", type=Path, help="a tree holding an earlier `panoptic` package")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    WORK.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="run-", dir=WORK))
    write_files(folder)
    names = args.cases + (["off before", "on-failure before"] if args.before else [])
    cases = commands(names, args.tree, args.before)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
    timed(cases[next(iter(cases))], folder)  # warm the page cache and the bytecode, not counted
    for r in range(args.rounds):
        order = list(cases) if r % 2 == 0 else list(reversed(cases))
        for name in order:
            shutil.rmtree(folder / "out", ignore_errors=True)
            row = timed(cases[name], folder)
            runs[name].append(row)
            print(f"round {r + 1} {name:24} wall {row['wall']:6.2f} s  cpu {row['cpu']:6.2f} s  load {row['load']:.1f}")
    base = "playwright" if "playwright" in runs else next(iter(runs))
    print(f"\n{len(STEPS)} steps, {args.rounds} rounds, {os.cpu_count()} CPUs\n")
    print("| case | wall (median) | CPU (median) | wall / playwright | CPU / playwright | load |")
    print("|---|---:|---:|---:|---:|---:|")
    table = {}
    for name, rows in runs.items():
        wall = statistics.median(r["wall"] for r in rows)
        cpu = statistics.median(r["cpu"] for r in rows)
        # Ratios per round (each Panoptic run against the Playwright run of the same round), then the median.
        wr = statistics.median(a["wall"] / b["wall"] for a, b in zip(rows, runs[base], strict=True))
        cr = statistics.median(a["cpu"] / b["cpu"] for a, b in zip(rows, runs[base], strict=True))
        load = statistics.median(r["load"] for r in rows)
        table[name] = {"wall": wall, "cpu": cpu, "wall_ratio": wr, "cpu_ratio": cr, "load": load}
        print(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {wr:.2f}× | {cr:.2f}× | {load:.1f} |")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "medians": table}, indent=2), encoding="utf-8")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"\nkept {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
