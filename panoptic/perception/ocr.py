"""Read text on a screenshot with Tesseract and find where a phrase is.

The screenshot is turned to grayscale and upscaled 2× (small UI fonts are
read far better that way), Tesseract returns word boxes (`image_to_data`),
and the words are grouped into visual lines by their geometry. A phrase of
several words matches consecutive words of one line. Matching ignores case
and runs of white space; `exact=True` asks for whole words with the same case.

pytesseract and Pillow are imported inside the functions.
"""

from __future__ import annotations

import difflib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panoptic.contract.errors import ActionFailed, InfrastructureError

UPSCALE = 2
# psm 11: sparse text (UI screens are islands of words, not pages); polarity is already normalised by `prepare`.
TESSERACT_CONFIG = "--psm 11 -c tessedit_do_invert=0"
POLARITY_WINDOW = 41  # pixels: a region whose median is dark is inverted (light text on dark buttons, dark themes)
FRAME_LINE = 30  # pixels: vertical ink runs this long (horizontal ones twice as long) are frames, not letters
FRAME_THICKNESS = 4  # pixels: straight runs at least this wide are letter strokes, not frames


@dataclass(frozen=True)
class Word:
    """One word read by Tesseract, with its box in screenshot pixels and Tesseract's confidence (0..100)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


@dataclass(frozen=True)
class TextMatch:
    """Where a phrase was read on the screen.

    `x`, `y` are the centre of the matched words' box (`left`, `top`, `width`,
    `height`); `text` the words matched as read; `line` the whole visual line
    they are on; `seen` all text read on the
    screenshot (one line per visual line) for failure messages; `closest` the
    most similar words when nothing matched, with `similarity` in 0..1.
    """

    found: bool
    x: int = 0
    y: int = 0
    left: int = 0
    top: int = 0
    width: int = 0
    height: int = 0
    text: str = ""
    line: str = ""
    seen: str = ""
    closest: str = ""
    similarity: float = 0.0

    def describe(self) -> str:
        """One line for reports."""
        if self.found:
            return f"read {self.text!r} at {self.x}, {self.y}"
        seen = " | ".join(line for line in self.seen.splitlines() if line.strip())
        if len(seen) > 300:
            seen = seen[:297] + "..."
        near = f"; closest: {self.closest!r} ({self.similarity:.0%} similar)" if self.closest else ""
        return f"text seen on screen: {seen!r}{near}" if seen else "no text could be read on the screen"


def _tesseract() -> Any:
    try:
        import pytesseract
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise InfrastructureError(
            "text targets need pytesseract (not installed)",
            help="install it with: pip install 'panoptic-lang[desktop]' (and apt-get install tesseract-ocr)",
        ) from exc
    return pytesseract


def _to_pil(screenshot: Any) -> Any:
    from PIL import Image

    if isinstance(screenshot, (bytes, bytearray, memoryview)):
        try:
            img = Image.open(io.BytesIO(bytes(screenshot)))
            img.load()
        except OSError as exc:
            raise ActionFailed("the screenshot could not be decoded as an image") from exc
        return img
    if isinstance(screenshot, (str, Path)):
        try:
            img = Image.open(screenshot)
            img.load()
        except OSError as exc:
            raise ActionFailed(f"image file cannot be read: {screenshot}") from exc
        return img
    if hasattr(screenshot, "convert"):
        return screenshot
    return Image.fromarray(screenshot)


def prepare(screenshot: Any) -> Any:
    """The screenshot made easy for Tesseract: a PIL grayscale image, dark text on light, frames removed, upscaled.

    Tesseract reads dark text on a light page. Screens also have light text on
    dark buttons and bars, and text inside frames (buttons, entry fields),
    which its layout analysis drops. So: regions whose local median is dark are
    inverted, long thin straight horizontal or vertical ink runs (frames, rules)
    are painted over with white, and the result is upscaled 2×.
    """
    import cv2
    import numpy as np
    from PIL import Image

    gray = np.asarray(_to_pil(screenshot).convert("L"))
    # The local background is the median: ink covers less than half of a window even in bold headings.
    background = cv2.medianBlur(gray, POLARITY_WINDOW)
    gray = np.where(background < 128, 255 - gray, gray).astype(np.uint8)
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    horizontal = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * FRAME_LINE, 1)))
    vertical = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, FRAME_LINE)))
    # Frames are thin; the strokes of large bold letters (a heading's `l`, `b`, `k`) are as tall but wider.
    thick = cv2.getStructuringElement(cv2.MORPH_RECT, (FRAME_THICKNESS, 1))
    vertical = cv2.subtract(vertical, cv2.morphologyEx(vertical, cv2.MORPH_OPEN, thick))
    thick = cv2.getStructuringElement(cv2.MORPH_RECT, (1, FRAME_THICKNESS))
    horizontal = cv2.subtract(horizontal, cv2.morphologyEx(horizontal, cv2.MORPH_OPEN, thick))
    frames = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    gray = gray.copy()
    gray[frames > 0] = 255
    big = cv2.resize(gray, None, fx=UPSCALE, fy=UPSCALE, interpolation=cv2.INTER_CUBIC)
    return Image.fromarray(big)


def read_words(screenshot: Any) -> list[Word]:
    """All words Tesseract reads on `screenshot` (PNG bytes, PIL image, numpy array or path)."""
    pytesseract = _tesseract()
    big = prepare(screenshot)
    # One thread per Tesseract: its OpenMP threads only fight each other (and parallel workers) on small images.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(big, config=TESSERACT_CONFIG, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError as exc:
        raise InfrastructureError(
            "tesseract is not installed or not on PATH",
            help="install it (Debian/Ubuntu: apt-get install tesseract-ocr)",
        ) from exc
    except pytesseract.TesseractError as exc:
        raise ActionFailed(f"tesseract failed: {exc.message}") from exc
    words = []
    for i, raw in enumerate(data["text"]):
        text = (raw or "").strip()
        if not text:
            continue
        words.append(
            Word(
                text=text,
                left=int(data["left"][i]) // UPSCALE,
                top=int(data["top"][i]) // UPSCALE,
                width=max(1, int(data["width"][i]) // UPSCALE),
                height=max(1, int(data["height"][i]) // UPSCALE),
                conf=float(data["conf"][i]),
            )
        )
    return words


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into visual lines: vertically overlapping, left to right, split at wide gaps."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top + w.height / 2, w.left)):
        centre = w.top + w.height / 2
        for row in rows:
            top = min(r.top for r in row)
            bottom = max(r.bottom for r in row)
            if top <= centre <= bottom:
                row.append(w)
                break
        else:
            rows.append([w])
    lines: list[list[Word]] = []
    for row in rows:
        row.sort(key=lambda w: w.left)
        heights = sorted(w.height for w in row)
        gap_limit = 2.5 * heights[len(heights) // 2]
        current = [row[0]]
        for w in row[1:]:
            if w.left - current[-1].right > gap_limit:
                lines.append(current)
                current = [w]
            else:
                current.append(w)
        lines.append(current)
    lines.sort(key=lambda line: (min(w.top for w in line), line[0].left))
    return lines


def _box(words: list[Word]) -> tuple[int, int, int, int]:
    left = min(w.left for w in words)
    top = min(w.top for w in words)
    return left, top, max(w.right for w in words) - left, max(w.bottom for w in words) - top


def _norm(text: str, exact: bool) -> str:
    text = " ".join(text.split())
    return text if exact else text.casefold()


def match_lines(lines: list[list[Word]], text: str, *, exact: bool = False) -> TextMatch:
    """Find `text` in lines of words (see `find_text`)."""
    seen = "\n".join(" ".join(w.text for w in line) for line in lines)
    wanted = _norm(text, exact)
    if not wanted:
        raise ActionFailed("the text to find is empty")
    for line in lines:
        # The line as one string, remembering which word each character belongs to.
        parts: list[str] = []
        owner: list[int] = []
        for i, w in enumerate(line):
            if i:
                parts.append(" ")
                owner.append(-1)
            t = _norm(w.text, exact)
            parts.append(t)
            owner.extend([i] * len(t))
        joined = "".join(parts)
        start = joined.find(wanted)
        while start != -1:
            end = start + len(wanted)
            whole = (start == 0 or joined[start - 1] == " ") and (end == len(joined) or joined[end] == " ")
            if whole or not exact:
                idx = [o for o in owner[start:end] if o >= 0]
                hit = line[idx[0] : idx[-1] + 1]
                left, top, width, height = _box(hit)
                return TextMatch(
                    found=True,
                    x=left + width // 2,
                    y=top + height // 2,
                    left=left,
                    top=top,
                    width=width,
                    height=height,
                    text=" ".join(w.text for w in hit),
                    line=" ".join(w.text for w in line),
                    seen=seen,
                )
            start = joined.find(wanted, start + 1)
    return _closest(lines, wanted, exact, seen)


def _closest(lines: list[list[Word]], wanted: str, exact: bool, seen: str) -> TextMatch:
    n = max(1, len(wanted.split(" ")))
    best: tuple[float, list[Word]] = (0.0, [])
    for line in lines:
        for i in range(len(line)):
            for size in {max(1, n - 1), n, n + 1}:
                window = line[i : i + size]
                if len(window) < size:
                    continue
                ratio = difflib.SequenceMatcher(None, wanted, _norm(" ".join(w.text for w in window), exact)).ratio()
                if ratio > best[0]:
                    best = (ratio, window)
    ratio, window = best
    if ratio < 0.5 or not window:
        return TextMatch(found=False, seen=seen)
    left, top, width, height = _box(window)
    return TextMatch(
        found=False,
        x=left + width // 2,
        y=top + height // 2,
        left=left,
        top=top,
        width=width,
        height=height,
        seen=seen,
        closest=" ".join(w.text for w in window),
        similarity=round(ratio, 3),
    )


def find_text(screenshot: Any, text: str, *, exact: bool = False) -> TextMatch:
    """Find the phrase `text` on `screenshot` with OCR.

    Returns a TextMatch whose `x`, `y` is the centre of the matched words.
    Matching is case-insensitive and finds the phrase inside a line (e.g.
    "Save" matches "Save file"); `exact=True` needs whole words with the same
    case. When nothing matches, `found` is False, `seen` holds everything read
    and `closest`/the box point at the most similar words, if any.
    """
    return match_lines(group_lines(read_words(screenshot)), text, exact=exact)


def read_text(screenshot: Any) -> str:
    """All text read on `screenshot`, one visual line per line, top to bottom."""
    return "\n".join(" ".join(w.text for w in line) for line in group_lines(read_words(screenshot)))
