"""Language server latency on a 2,000-line file, measured by a real LSP client over stdio.

    .venv/bin/python benchmarks/lsp_bench.py [--lines 2000] [--rounds 20]

Figures (median and 95th percentile, milliseconds):
  completion       request -> response, at the start of a statement line
  hover            request -> response, on a statement word
  code action      request -> response, on the line of a diagnostic with a fix (PAN305), and on a clean line
  references       request -> response, on a flow's name (every call in the workspace) and on a parameter
  signature help   request -> response, mid-statement (`fill "#username" |`)
  semantic tokens  textDocument/semanticTokens/full of the whole file
  folding ranges   textDocument/foldingRange of the whole file
  definition       request -> response, on a flow call
  document symbols textDocument/documentSymbol of the whole file
  diagnostics      didChange (one character typed) -> publishDiagnostics of that version
Then, in twice as many edits again (0.5 s apart), semantic tokens asked right
after every other edit, as editors ask them: didChange -> the tokens, and ->
the diagnostics of that edit; the other edits' diagnostics are the baseline.

Targets: every request within 50 ms, diagnostics within 150 ms.
Each round asks every request once, then edits the file and pauses: each
request is the first one asked of that version of the document, while the
server may still be running the style check of the edit in the background.
The client declares semantic tokens as VS Code does, so the server computes
them on its analysis thread after each compile.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
        "    timeout: 10",  # PAN305, a warning with a fix (the code action's case)
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


def _line_of(lines: list[str], prefix: str, *, last: bool = False) -> int:
    found = [i for i, ln in enumerate(lines) if ln.startswith(prefix)]
    return found[-1] if last else found[0]


def _requests(uri: str, text: str, diags: list[dict]) -> list[tuple[str, str, dict, Callable[[Any], bool]]]:
    """(row name, method, params, a check of the answer) for every request timed in a round."""
    lines = text.split("\n")
    doc = {"uri": uri}
    fill = _line_of(lines, '    fill "#username"', last=True)
    fixable = [d for d in diags if (d.get("data") or {}).get("fix")]
    assert fixable, f"the generated file has no diagnostic with a fix: {diags}"
    fixed = fixable[0]
    clean = _line_of(lines, '    click role button "Sign in"', last=True)
    clean_range = {"start": {"line": clean, "character": 4}, "end": {"line": clean, "character": 4}}
    flow = _line_of(lines, "flow visit_")
    flow_name = lines[flow].split("(")[0].removeprefix("flow ")
    call = _line_of(lines, f"    {flow_name}(")

    return [
        (
            "completion",
            "textDocument/completion",
            {"textDocument": doc, "position": {"line": fill, "character": 4}},
            lambda a: bool(a["items"]),
        ),
        (
            "hover",
            "textDocument/hover",
            {"textDocument": doc, "position": {"line": fill, "character": 6}},
            lambda a: bool(a) and "fill" in a["contents"]["value"],
        ),
        (
            "code action, fixable diagnostic",
            "textDocument/codeAction",
            {"textDocument": doc, "range": fixed["range"], "context": {"diagnostics": [fixed]}},
            lambda a: len(a) == 1 and a[0]["kind"] == "quickfix",
        ),
        (
            "code action, clean line",
            "textDocument/codeAction",
            {"textDocument": doc, "range": clean_range, "context": {"diagnostics": []}},
            lambda a: a == [],
        ),
        (
            "references, flow (workspace)",
            "textDocument/references",
            {
                "textDocument": doc,
                "position": {"line": flow, "character": 6},
                "context": {"includeDeclaration": True},
            },
            lambda a: len(a) == 2,  # its definition and its one call
        ),
        (
            "references, parameter",
            "textDocument/references",
            {
                "textDocument": doc,
                "position": {"line": flow, "character": lines[flow].index("(name") + 2},
                "context": {"includeDeclaration": True},
            },
            lambda a: len(a) == 3,  # the parameter, `with name` and `${name}`
        ),
        (
            "signature help, mid-statement",
            "textDocument/signatureHelp",
            {"textDocument": doc, "position": {"line": fill, "character": len('    fill "#username" ')}},
            lambda a: bool(a) and a["signatures"][0]["label"].startswith("fill"),
        ),
        (
            "semantic tokens, full",
            "textDocument/semanticTokens/full",
            {"textDocument": doc},
            lambda a: len(a["data"]) > 5 * len(lines),
        ),
        (
            "folding ranges",
            "textDocument/foldingRange",
            {"textDocument": doc},
            lambda a: len(a) > len(lines) // 20,
        ),
        (
            "definition",
            "textDocument/definition",
            {"textDocument": doc, "position": {"line": call, "character": 6}},
            lambda a: bool(a) and a[0]["range"]["start"]["line"] == flow,
        ),
        (
            "document symbols",
            "textDocument/documentSymbol",
            {"textDocument": doc},
            lambda a: len(a) > len(lines) // 20,
        ),
    ]


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
            published = client.diagnostics(uri, version=1, timeout=120)
            first = (time.perf_counter() - start) * 1000
            time.sleep(1.0)  # let the style check and index warm-up finish

            requests = _requests(uri, text, published)
            times: dict[str, list[float]] = {name: [] for name, *_ in requests}
            diags: list[float] = []
            lines = text.split("\n")
            version = 1
            edit_line = len(lines) // 2
            while not lines[edit_line].startswith("    open "):
                edit_line += 1
            for n in range(args.rounds):
                for name, method, params, check in requests:
                    t = time.perf_counter()
                    answer = client.request(method, params, timeout=60)
                    times[name].append((time.perf_counter() - t) * 1000)
                    assert check(answer), f"{name}: unexpected answer {str(answer)[:400]}"

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

            # As editors do: semantic tokens asked right after an edit (the answer needs the new compile),
            # every other edit; the edits in between, without the request, are the baseline.
            eager_tokens: list[float] = []
            eager_diags: list[float] = []
            plain_diags: list[float] = []
            for n in range(2 * args.rounds):
                version += 1
                pos = {"line": edit_line, "character": 10}
                end = pos if version % 2 == 0 else {"line": edit_line, "character": 11}
                change = {"range": {"start": pos, "end": end}, "text": "x" if version % 2 == 0 else ""}
                sent = client.change(uri, version, [change])
                if n % 2 == 0:
                    client.request("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}}, timeout=60)
                    eager_tokens.append((time.perf_counter() - sent) * 1000)
                got = client.received_at(
                    "textDocument/publishDiagnostics",
                    lambda p, v=version: p["uri"] == uri and p.get("version") == v,
                    after=sent,
                    timeout=60,
                )
                (eager_diags if n % 2 == 0 else plain_diags).append((got - sent) * 1000)
                time.sleep(0.5)
        finally:
            client.shutdown()

    rows = [(name, values, 50) for name, values in times.items()]
    rows.append(("diagnostics after a change", diags, 150))
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    print(f"panoptic lsp on a {args.lines}-line file ({len(text):,} characters), {args.rounds} rounds")
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {' '.join(load)}")
    print(f"first diagnostics after didOpen: {first:.0f} ms")
    print(f"{'':32} {'median':>8} {'p95':>8} {'target':>8}")
    ok = True
    for name, values, target in rows:
        median, p95 = statistics.median(values), pct(values, 0.95)
        ok &= median <= target
        print(f"{name:32} {median:7.1f}  {p95:7.1f}  {target:6d}  {'ok' if median <= target else 'OVER'}")
    print("asked right after each edit (both wait for the compile of the edit; no target):")
    for name, values in (
        ("didChange -> semantic tokens", eager_tokens),
        ("didChange -> diagnostics", eager_diags),
        ("the same, tokens not asked", plain_diags),
    ):
        print(f"{name:32} {statistics.median(values):7.1f}  {pct(values, 0.95):7.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
