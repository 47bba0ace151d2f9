"""Shared helpers of the web backend's tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from panoptic.contract import ResolvedTarget
from panoptic.contract.app import AppDef
from panoptic.source import Span

IN_CI = bool(os.environ.get("CI"))
SECRET = "Sup3r-s3cret!value"
SPAN = Span("shop.pan", 0, 1, 1, 1, 1, 2)


def require(condition: bool, what: str) -> None:
    """Skip when a component is absent, except in CI where its absence is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available")


def make_app(site: Path | None = None, **settings: object) -> AppDef:
    """A web app definition as the compiler would produce it (plain values, absolute `serve`)."""
    values: dict[str, object] = {"timeout": 5.0, "viewport": (1280, 720)}
    if site is not None:
        values["serve"] = str(site)
    values.update(settings)
    return AppDef("shop", "web", values, SPAN)


def css(value: str) -> ResolvedTarget:
    return ResolvedTarget("css", value)
