"""Language server latency on a 2,000-line file, measured by a real LSP client over stdio.

    .venv/bin/python benchmarks/lsp_bench.py [--lines 2000] [--rounds 20]

Figures (median and 95th percentile, milliseconds):
  completion  request -> response, at the start of a statement line
  hover       request -> response, on a statement word
  diagnostics didChange (one character typed) -> publishDiagnostics of that version

Targets: completion and hover within 50 ms, diagnostics within 150 ms.
Each diagnostics round types one character after a pause (as a person does
between edits), so the quick path of the debounce applies; bursts of typing
are coalesced and checked 100 ms after the last keystroke.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _client_module():
    spec = importlib.util.spec_from_file_location("lsp_client", ROOT / "tests" / "lsp" / "lsp_client.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def make_file(lines: int) -> str:
    """A realistic suite: an app, bindings, flows and scenarios calling them, about `lines` lines."""
    out = [
        "use std.web",
        "",
        "app shop: web {",
        '    url: "http://127.0.0.1:8000"',
        "    viewport: 1280x720",
        "    timeout: 10s",
        "}",
        "",
        'let user = env("SHOP_USER", "alice")',
        'secret password = env("SHOP_PASSWORD", "s3cret!")',
        "",
    ]
    i = 0
    while len(out) < lines - 20:
        out += [
            f"# Sign in and open product {i}.",
            f"flow visit_{i}(name, pw) {{",
            '    open "/login"',
            '    fill "#username" with name',
            '    fill label "Password" with pw',
            '    click role button "Sign in"',
            '    expect text "Welcome, ${name}" visible within 5s',
            f'    open "/product/{i}"',
            "}",
            "",
            f'scenario "product {i} can be added" on shop tags smoke, p{i} {{',
            f"    visit_{i}(user, password)",
            "    repeat 2 times {",
            '        click testid "add"',
            "    }",
            '    expect "#cart-count" has text "2"',
            '    if visible "#banner" {',
            '        click "#close"',
            "    }",
            f'    screenshot "product-{i}"',
            "}",
            "",
        ]
        i += 1
    return "\n".join(out) + "\n"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    lsp_client = _client_module()

    with tempfile.TemporaryDirectory(prefix="panoptic-lsp-bench-") as tmp:
        path = Path(tmp) / "suite.pan"
        text = make_file(args.lines)
        path.write_text(text)
        client = lsp_client.LspClient(cwd=tmp)
        try:
            client.initialize(tmp)
            uri = client.open(path, text)
            start = time.perf_counter()
            client.diagnostics(uri, version=1, timeout=120)
            first = (time.perf_counter() - start) * 1000
            time.sleep(1.0)  # let the style check and index warm-up finish

            lines = text.split("\n")
            target_line = max(i for i, ln in enumerate(lines) if ln.startswith('    fill "#username"'))
            hover_pos = {"line": target_line, "character": 6}
            completion_pos = {"line": target_line, "character": 4}

            completion, hover, diags = [], [], []
            version = 1
            edit_line = len(lines) // 2
            while not lines[edit_line].startswith("    open "):
                edit_line += 1
            for n in range(args.rounds):
                t = time.perf_counter()
                items = client.request(
                    "textDocument/completion", {"textDocument": {"uri": uri}, "position": completion_pos}
                )
                completion.append((time.perf_counter() - t) * 1000)
                assert items["items"], "no completion items"

                t = time.perf_counter()
                answer = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": hover_pos})
                hover.append((time.perf_counter() - t) * 1000)
                assert answer and "fill" in answer["contents"]["value"], answer

                version += 1
                pos = {"line": edit_line, "character": 10}
                end = pos if n % 2 == 0 else {"line": edit_line, "character": 11}  # type a character, then delete it
                change = {"range": {"start": pos, "end": end}, "text": "x" if n % 2 == 0 else ""}
                sent = client.change(uri, version, [change])
                got = client.received_at(
                    "textDocument/publishDiagnostics",
                    lambda p, v=version: p["uri"] == uri and p.get("version") == v,
                    after=sent,
                    timeout=60,
                )
                diags.append((got - sent) * 1000)
                time.sleep(0.3)  # a pause between edits
        finally:
            client.shutdown()

    rows = [("completion", completion, 50), ("hover", hover, 50), ("diagnostics after a change", diags, 150)]
    print(f"panoptic lsp on a {args.lines}-line file ({len(text):,} characters), {args.rounds} rounds")
    print(f"first diagnostics after didOpen: {first:.0f} ms")
    print(f"{'':28} {'median':>8} {'p95':>8} {'target':>8}")
    ok = True
    for name, values, target in rows:
        median, p95 = statistics.median(values), pct(values, 0.95)
        ok &= median <= target
        print(f"{name:28} {median:7.1f}  {p95:7.1f}  {target:6d}  {'ok' if median <= target else 'OVER'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
