"""Analytics from stored results: what counts as flaky, slow and failing, and the offline page."""

from __future__ import annotations

import gzip
from pathlib import Path

from panoptic.families.cloud.analytics import analyse, bar_chart, line_chart, load_runs, render_html
from tests.families.cloud.runs import Sc, write_run

T0 = 1_790_000_000.0
HOUR = 3600.0


def _history(
    tmp_path: Path, outcomes: dict[str, list[tuple[str, ...]]], steps: dict[str, tuple[float, ...]] | None = None
):
    root = tmp_path / "runs"
    n = len(next(iter(outcomes.values())))
    for i in range(n):
        scenarios = [
            Sc(title, seq[i], steps=(steps or {}).get(title, (0.1, 0.2)), code="PAN902")
            for title, seq in outcomes.items()
        ]
        write_run(root / f"run-{i:02d}", f"run-{i:02d}", T0 + i * HOUR, scenarios)
    return root


def test_flaky_means_passed_on_retry_or_flipping_between_runs(tmp_path: Path) -> None:
    root = _history(
        tmp_path,
        {
            "steady": [("passed",)] * 4,
            "always broken": [("failed",)] * 4,
            "flipper": [("passed",), ("failed",), ("passed",), ("passed",)],
            "retried": [("passed",), ("failed", "passed"), ("passed",), ("passed",)],
        },
    )
    data = analyse(load_runs([root]))
    flaky = {f["title"]: f for f in data["flaky"]}
    assert set(flaky) == {"flipper", "retried"}
    assert (flaky["flipper"]["flips"], flaky["flipper"]["passed_on_retry"], flaky["flipper"]["history"]) == (
        2,
        0,
        "PFPP",
    )
    assert (flaky["retried"]["flips"], flaky["retried"]["passed_on_retry"], flaky["retried"]["history"]) == (
        0,
        1,
        "PRPP",
    )
    assert [r["pass_rate"] for r in data["runs"]] == [0.75, 0.5, 0.75, 0.75]
    assert data["summary"]["mean_pass_rate"] == 0.6875
    (category,) = data["failure_categories"]
    assert (category["code"], category["name"], category["count"], category["scenarios"]) == (
        "PAN902", "target-not-found", 4 + 1 + 1, 3,
    )  # fmt: skip


def test_slowest_scenarios_and_steps_by_mean_time(tmp_path: Path) -> None:
    root = _history(
        tmp_path,
        {"quick": [("passed",)] * 3, "slow": [("passed",)] * 3},
        steps={"quick": (0.05, 0.05), "slow": (0.3, 2.5)},
    )
    data = analyse(load_runs([root]))
    assert [s["title"] for s in data["slowest_scenarios"]] == ["slow", "quick"]
    assert data["slowest_scenarios"][0]["mean"] == 2.8 and data["slowest_scenarios"][0]["runs"] == 3
    top = data["slowest_steps"][0]
    assert (top["text"], top["mean"], top["count"]) == ('click "#b1"', 2.5, 3)
    assert top["line"] == 13  # the second step of the second scenario


def test_a_damaged_results_file_is_skipped_with_a_note(tmp_path: Path) -> None:
    root = _history(tmp_path, {"steady": [("passed",)] * 2})
    bad = root / "run-99"
    bad.mkdir()
    (bad / "results.jsonl.gz").write_bytes(gzip.compress(b'{"kind": "run_started"}\nthis is not json\n{"kind": "x"}\n'))
    notes: list[str] = []
    runs = load_runs([root], notes=notes)
    assert len(runs) == 2
    assert len(notes) == 1 and "run-99" in notes[0]


def test_the_page_escapes_titles_and_draws_its_own_plots(tmp_path: Path) -> None:
    root = _history(tmp_path, {"<script>alert(1)</script>": [("passed",), ("failed",)]})
    page = render_html(analyse(load_runs([root])))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<svg") == 4  # pass rate, failure categories, slowest scenarios, slowest steps


def test_charts_draw_points_gaps_and_bars() -> None:
    chart = line_chart([("a", 1.0), ("b", None), ("c", 0.5)])
    assert chart.count("<circle") == 2
    assert chart.count(" L") == 0 and chart.count("M") == 2  # the gap lifts the pen
    bars = bar_chart([("long", 4.0, "4s"), ("short", 1.0, "1s")])
    widths = [float(w) for w in __import__("re").findall(r'<rect [^>]*width="([\d.]+)"', bars)]
    assert widths[0] == 4 * widths[1]


def test_a_run_read_from_two_places_counts_once(tmp_path: Path) -> None:
    import shutil

    root = _history(tmp_path, {"steady": [("passed",), ("failed",)]})
    copy = tmp_path / "synced-copy"
    shutil.copytree(root, copy)
    data = analyse(load_runs([root, copy]))
    assert data["summary"]["runs"] == 2 and data["summary"]["duplicate_runs_skipped"] == 2
    assert [r["pass_rate"] for r in data["runs"]] == [1.0, 0.0]
