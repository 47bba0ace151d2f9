"""report.html: self-contained, escaped, secret-free, with snippets and artifact links."""

from __future__ import annotations

import re

from panoptic.report import write_reports

from .helpers import embedded_payload, write_results


def render(run, output=None):
    results = write_results(run.events, run.folder / "out" / "results.jsonl")
    paths = write_reports(results, output or results.parent)
    return paths["html"].read_text(encoding="utf-8")


def test_one_self_contained_file(run):
    html = render(run)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "<style>" in html and "DecompressionStream" in html


def test_titles_are_escaped(run):
    html = render(run)
    assert "checkout <b>works</b>" not in html  # neither in the frame nor in clear text
    payload = embedded_payload(html)
    assert payload["sc"][0][0] == "checkout <b>works</b>"  # data, written with textContent by the page


def test_summary_and_environment_with_secrets_masked(run):
    html = render(run)
    assert re.search(r'data-count="failed">failed <b>1</b>', html)
    assert re.search(r'data-count="flaky">flaky <b>1</b>', html)
    assert "chromium 131.0" in html and "linux" in html
    assert "abc123" not in html and "hunter2" not in html
    assert "--password=••••••" in html


def test_failure_details_and_snippet(run):
    payload = embedded_payload(render(run))
    failure = payload["sc"][0][7]["x"]
    assert failure["c"] == "PAN901" and failure["e"] == "1" and failure["a"] == "0"
    assert failure["k"] == ["#cart-counter", "#cart"] and failure["h"] == "check the cart badge"
    assert failure["at"] == "shop.pan:14:5"
    assert failure["sn"] == [14, '    expect "#cart-count" has text "1" within 5s', 5, 43]


def test_no_snippet_without_the_source(run):
    run.pan.unlink()
    assert "sn" not in embedded_payload(render(run))["sc"][0][7]["x"]


def test_artifact_links_are_relative_to_the_report(run):
    payload = embedded_payload(render(run, run.folder / "elsewhere" / "deep"))
    arts = payload["sc"][0][7]["r"]
    assert ["screenshot", "../../out/artifacts/checkout/failure.png", "failure"] in arts
    assert ["trace", "../../out/artifacts/checkout/trace.zip", "trace"] in arts


def test_step_tree_is_compact_and_complete(run):
    payload = embedded_payload(render(run))
    failed = payload["sc"][0]
    call, expect = failed[6]
    assert call[0] == 'login("alice")' and call[1] == 0
    assert [c[0] for c in call[4]] == ['fill "#username" with name', 'click role button "Sign in"']
    assert call[4][0][5]["ch"] == ["login"]
    assert failed[2] + call[4][0][3] == 8  # lines are stored relative to the scenario's line
    assert expect[1] == 1 and expect[5]["x"]["c"] == "PAN901"
    assert payload["tags"] == ["smoke", "checkout", "search", "todo"]
    flaky = payload["sc"][2][7]["t"]
    assert [t[:2] for t in flaky] == [[1, "failed"], [2, "passed"]]


def test_the_compiled_template_is_kept_and_a_broken_cache_changes_nothing(run, tmp_path, monkeypatch):
    """The template is compiled once into the cache folder; a damaged or unwritable cache only costs a compile."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("PANOPTIC_CACHE_DIR", str(cache))
    monkeypatch.delenv("PANOPTIC_NO_CACHE", raising=False)
    first = render(run)
    kept = list((cache / "templates").glob("__jinja2_*.cache"))
    assert len(kept) == 1
    assert render(run) == first
    kept[0].write_bytes(b"not a compiled template")
    assert render(run) == first
    monkeypatch.setenv("PANOPTIC_CACHE_DIR", str(kept[0]))  # a file where the folder should be
    assert render(run) == first
