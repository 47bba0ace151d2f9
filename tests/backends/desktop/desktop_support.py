"""Helpers shared by the desktop backend tests (kept out of conftest.py so tests can import them)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

from panoptic.contract import ResolvedTarget, ScenarioContext
from panoptic.contract.app import AppDef
from panoptic.source import Span

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "desktop"
SPAN = Span("desktop.pan", 0, 0, 1, 1, 1, 1)
SCREEN = (1024, 768)


def missing_components() -> list[str]:
    """Tools and modules the desktop tests need that are not installed."""
    missing = [tool for tool in ("Xvfb", "xdotool", "tesseract", "ffmpeg", "ffprobe") if shutil.which(tool) is None]
    for module in ("pyautogui", "Xlib", "cv2", "pytesseract", "tkinter"):
        if importlib.util.find_spec(module) is None:  # not imported: pyautogui connects to $DISPLAY on import
            missing.append(module)
    return missing


def app_def(command: str | None = None, **settings: Any) -> AppDef:
    """The example notes app (or `command`) on an Xvfb screen of SCREEN size."""
    values: dict[str, Any] = {
        "command": command or f"{sys.executable} app.py",
        "cwd": str(EXAMPLE),
        "screen": SCREEN,
        "window": "Panoptic Notes",
        "ready": 20.0,
    }
    values.update(settings)
    return AppDef(name="notes", platform="desktop", settings=values, span=SPAN)


def new_ctx(tmp_path: Path, name: str = "001-scenario", *, video: bool = False) -> ScenarioContext:
    folder = tmp_path / "out" / "scenarios" / name
    folder.mkdir(parents=True, exist_ok=True)
    return ScenarioContext(
        scenario_id=name, title=name, artifacts_dir=folder, secrets=(), default_timeout=10.0, record_video=video
    )


def text(value: str) -> ResolvedTarget:
    return ResolvedTarget(kind="text", value=value)


def image(path: Path) -> ResolvedTarget:
    return ResolvedTarget(kind="image", value=str(path))


def at(x: float, y: float) -> ResolvedTarget:
    return ResolvedTarget(kind="point", point=(x, y))
