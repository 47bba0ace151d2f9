"""`vision report` on a desktop app (the example Tk app on Xvfb): words and control outlines from pixels alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import require

ROOT = Path(__file__).resolve().parents[3]


def test_vision_report_on_the_desktop_example(cli, tmp_path: Path, tesseract) -> None:
    for tool in ("Xvfb", "xdotool"):
        require(shutil.which(tool) is not None, tool)
    app = ROOT / "examples" / "desktop" / "app.py"
    (tmp_path / "app.py").write_bytes(app.read_bytes())
    (tmp_path / "t.pan").write_text(
        'app notes: desktop {\n    command: "python3 app.py"\n    window: "Panoptic Notes"\n    timeout: 10s\n}\n\n'
        'scenario "look" on notes {\n    expect text "Greet" visible within 8s\n    vision report "notes"\n}\n',
        encoding="utf-8",
    )
    done = cli("run", "t.pan", "-o", "out")
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(next((tmp_path / "out" / "artifacts").rglob("vision-notes.json")).read_text())
    words = " ".join(w["text"] for w in data["words"])
    assert "Greet" in words and "Actions" in words  # the button and the menu, read from pixels
    assert len(data["controls"]) >= 2  # at least the entry field and the Greet button
    assert "dom" not in data and data["platform"] == "desktop"
    assert next((tmp_path / "out" / "artifacts").rglob("vision-notes.png")).stat().st_size > 1000
