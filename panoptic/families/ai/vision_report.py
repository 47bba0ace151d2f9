"""`vision report`: what is on a screen, read from pixels (OCR words, control outlines) and, on the web, the DOM.

The pixel findings are measured against the DOM's own boxes when the page is
known: a detected outline counts as right when it overlaps a painted element
(one with a border, a background, or a form control) by an IoU of at least
`MATCH_IOU`; a DOM control counts as found when an outline overlaps it so.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panoptic.perception.vision import Box

MATCH_IOU = 0.5
CONTROL_TAGS = frozenset({"button", "input", "select", "textarea"})


@dataclass(frozen=True)
class Score:
    """Precision and recall of detected boxes against truth boxes."""

    detected: int
    truth: int
    true_positives: int  # detected boxes that match some truth box
    found: int  # truth boxes matched by some detected box

    @property
    def precision(self) -> float:
        return self.true_positives / self.detected if self.detected else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "detected": self.detected,
            "truth": self.truth,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
        }


def score(detected: Sequence[Box], painted: Sequence[Box], controls: Sequence[Box], iou: float = MATCH_IOU) -> Score:
    """Precision against every painted DOM box, recall over the DOM's controls."""
    tp = sum(1 for d in detected if any(d.iou(t) >= iou for t in painted))
    found = sum(1 for t in controls if any(d.iou(t) >= iou for d in detected))
    return Score(len(detected), len(controls), tp, found)


def dom_boxes(elements: Iterable[Any], scale: float, size: tuple[int, int]) -> tuple[list[Box], list[Box]]:
    """(painted boxes, control boxes) of a page snapshot's elements in screenshot pixels, clipped to the screen."""
    width, height = size
    painted: list[Box] = []
    controls: list[Box] = []
    for e in elements:
        x, y, w, h = (v * scale for v in e.box)
        left, top = max(0, round(x)), max(0, round(y))
        right, bottom = min(width, round(x + w)), min(height, round(y + h))
        if right - left < 4 or bottom - top < 4:
            continue
        box = Box(left, top, right - left, bottom - top)
        if e.painted:
            painted.append(box)
            if e.tag in CONTROL_TAGS and e.type not in ("hidden", "checkbox", "radio"):
                controls.append(box)
    return painted, controls


def analyse(png: bytes, snapshot: Any | None = None) -> dict[str, Any]:
    """The report's data: OCR words, control outlines, DOM elements (web) and, with the DOM, their scores."""
    from panoptic.perception import ocr, vision

    gray = vision.to_gray(png)
    height, width = gray.shape[:2]
    words = ocr.read_words(png)
    controls = vision.detect_controls(gray)
    data: dict[str, Any] = {
        "size": [width, height],
        "words": [
            {"text": w.text, "box": [w.left, w.top, w.width, w.height], "confidence": round(w.conf, 1)} for w in words
        ],
        "controls": [[c.left, c.top, c.width, c.height] for c in controls],
    }
    if snapshot is not None:
        scale = float(snapshot.device_pixel_ratio or 1.0)
        data["url"] = snapshot.url
        data["device_pixel_ratio"] = scale
        data["dom"] = [e.to_json() for e in snapshot.elements if e.role or e.interactive]
        painted, dom_controls = dom_boxes(snapshot.elements, scale, (width, height))
        data["score"] = score(controls, painted, dom_controls).to_json()
    return data


def annotate(png: bytes, data: dict[str, Any], out: Path) -> None:
    """Draw the report on the screenshot: words blue, control outlines orange, DOM elements green."""
    from PIL import Image, ImageDraw

    img = Image.open(io.BytesIO(png)).convert("RGB")
    draw = ImageDraw.Draw(img)
    scale = float(data.get("device_pixel_ratio") or 1.0)
    for e in data.get("dom", ()):
        x, y, w, h = (v * scale for v in e["box"])
        if w > 0 and h > 0:
            draw.rectangle((x, y, x + w - 1, y + h - 1), outline=(0, 170, 0))
            label = f"{e.get('role') or e.get('tag')} {e.get('name', '')}".strip()[:40]
            draw.text((x + 2, max(0, y - 11)), label, fill=(0, 120, 0))
    for left, top, w, h in data.get("controls", ()):
        draw.rectangle((left - 1, top - 1, left + w, top + h), outline=(255, 140, 0), width=2)
    for word in data.get("words", ()):
        left, top, w, h = word["box"]
        draw.rectangle((left, top, left + w - 1, top + h - 1), outline=(30, 90, 255))
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out, format="PNG")


def summary(data: dict[str, Any]) -> str:
    """One line for the report."""
    parts = [f"{len(data['words'])} words", f"{len(data['controls'])} control outlines"]
    if "dom" in data:
        parts.append(f"{len(data['dom'])} DOM elements")
        s = data["score"]
        parts.append(f"outlines precision {s['precision']:.2f}, recall {s['recall']:.2f} of {s['truth']} DOM controls")
    return ", ".join(parts)
