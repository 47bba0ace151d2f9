"""`--reporter github`: workflow commands the Actions runner parses into annotations, and the job summary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .helpers import write_results

ROOT = Path(__file__).resolve().parents[2]


def _parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Split `::name k=v,k=v::message` as the Actions runner does, then unescape."""

    def unescape(text: str) -> str:
        return (
            text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
        )

    head, _, message = line[2:].partition("::")
    name, _, props = head.partition(" ")
    pairs = dict(p.split("=", 1) for p in props.split(",") if p)
    return name, {k: unescape(v) for k, v in pairs.items()}, unescape(message)


def test_panoptic_report_github_annotates_and_summarises(run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_results(run.events, out / "results.jsonl.gz")
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("earlier step\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "report", str(out), "--reporter", "github"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(step_summary), "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    commands = [_parse_command(line) for line in done.stdout.splitlines() if line.startswith("::")]
    assert [(name, props["file"], props["line"]) for name, props, _ in commands] == [
        ("error", "shop.pan", "14"),
        ("warning", "shop.pan", str(run.src.position(run.src.text.index('click "#slow"'))[0])),
    ], done.stdout + done.stderr
    error_title = commands[0][1]["title"]
    assert error_title == "checkout <b>works</b> (PAN901)"
    assert commands[0][2] == 'expected "#cart-count" to have text "1"\nhelp: check the cart badge'
    assert commands[1][2].startswith("flaky: passed on attempt 2")
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "4 scenarios" in summary and "❌ 1 failed" in summary and "⚠️ 1 flaky" in summary
    assert "| ❌ | checkout &lt;b>works&lt;/b> | `shop.pan:14` | `PAN901`" in summary
    assert step_summary.read_text(encoding="utf-8") == "earlier step\n" + summary + "\n"
