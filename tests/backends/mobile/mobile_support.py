"""Helpers shared by the mobile backend tests (imported by name: this folder is on sys.path under pytest)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from panoptic.contract import ScenarioContext
from panoptic.contract.app import AppDef
from panoptic.source import Span

SPAN = Span("test.pan", 0, 1, 1, 1, 1, 2)


def _in_ci() -> bool:
    return bool(os.environ.get("CI"))


def need(condition: bool, what: str) -> None:
    """Skip when a component is absent, unless running in CI where absence is a failure."""
    if condition:
        return
    if _in_ci():
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not installed")


def mobile_app(settings: dict) -> AppDef:
    """An app definition as the compiler lowers `app phone: mobile { … }`."""
    return AppDef(name="phone", platform="mobile", settings=settings, span=SPAN)


def scenario_ctx(folder: Path, secrets: tuple[str, ...] = ()) -> ScenarioContext:
    """A scenario context writing artifacts under `folder/run/scenario`."""
    artifacts = folder / "run" / "scenario"
    artifacts.mkdir(parents=True, exist_ok=True)
    return ScenarioContext(
        scenario_id="test.pan::s", title="s", artifacts_dir=artifacts, secrets=secrets, default_timeout=5.0
    )
