"""Fixtures of the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from panoptic.source import Source

from .helpers import PAN, SyntheticRun, synthetic_events, write_png


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SyntheticRun:
    """A run folder with the .pan file, a real screenshot PNG and the run's events (not yet written)."""
    monkeypatch.chdir(tmp_path)
    pan = tmp_path / "shop.pan"
    pan.write_text(PAN, encoding="utf-8")
    src = Source("shop.pan", PAN)
    out = tmp_path / "out"
    shot = out / "artifacts" / "checkout" / "failure.png"
    write_png(shot)
    (out / "artifacts" / "checkout" / "trace.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    return SyntheticRun(tmp_path, pan, src, synthetic_events(src), shot)
