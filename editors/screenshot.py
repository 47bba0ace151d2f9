"""Render the highlighting sample with the TextMate grammar (shiki) and screenshot it in headless Chromium.

    .venv/bin/python editors/screenshot.py [--out docs/images/editor-highlighting.png]

Needs `npm ci` in editors/vscode (shiki) and Chromium (`/usr/bin/chromium`, or set PANOPTIC_CHROMIUM).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VSCODE = HERE / "vscode"


def render_html(sample: Path, html: Path, theme: str = "dark-plus") -> None:
    subprocess.run(
        ["node", str(VSCODE / "render" / "highlight.mjs"), str(sample), str(html), theme],
        cwd=VSCODE,
        check=True,
        capture_output=True,
        text=True,
    )


def screenshot(html: Path, png: Path, width: int = 900) -> None:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("PANOPTIC_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 400}, device_scale_factor=1)
            page.goto(html.as_uri())
            page.locator(".frame").screenshot(path=str(png))
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=Path, default=VSCODE / "render" / "sample.pan")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "editor-highlighting.png")
    parser.add_argument("--theme", default="dark-plus")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "sample.html"
        render_html(args.sample, html, args.theme)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        screenshot(html, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
