"""OCR on images rendered with Pillow and a TrueType font."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from panoptic.contract.errors import ActionFailed
from panoptic.perception.ocr import TextMatch, Word, find_text, group_lines, match_lines, read_text

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
FONT = next((p for p in FONT_CANDIDATES if Path(p).is_file()), None)

needs_tesseract = pytest.mark.skipif(
    (shutil.which("tesseract") is None or FONT is None) and not os.environ.get("CI"),
    reason="tesseract or the DejaVu font is not installed",
)


@pytest.fixture(scope="module")
def screen() -> Image.Image:
    assert FONT is not None
    font = ImageFont.truetype(FONT, 13)
    big = ImageFont.truetype(FONT, 20)
    img = Image.new("RGB", (1280, 720), (217, 217, 217))
    d = ImageDraw.Draw(img)
    d.text((100, 100), "Hello World, please Submit order", font=font, fill=(0, 0, 0))
    d.text((900, 100), "Cancel", font=font, fill=(0, 0, 0))
    d.text((700, 500), "Status: ready", font=big, fill=(20, 20, 120))
    return img


@pytest.fixture(scope="module")
def png(screen: Image.Image) -> bytes:
    buf = io.BytesIO()
    screen.save(buf, format="PNG")
    return buf.getvalue()


def _inside(m: TextMatch, box: tuple[int, int, int, int]) -> bool:
    left, top, right, bottom = box
    return left <= m.x <= right and top <= m.y <= bottom


@needs_tesseract
def test_read_text_reads_lines_in_order(png: bytes) -> None:
    text = read_text(png)
    lines = text.splitlines()
    assert lines[0] == "Hello World, please Submit order"
    assert "Cancel" in lines[1]
    assert "Status: ready" in lines[-1]


@needs_tesseract
def test_phrase_over_several_words_returns_its_centre(png: bytes, screen: Image.Image) -> None:
    m = find_text(png, "submit ORDER")
    assert m.found, m.describe()
    assert m.text == "Submit order"
    # "Submit order" spans roughly x 230..315 on the line at y 100..115.
    assert _inside(m, (255, 100, 290, 115))
    assert m.left >= 225 and m.left + m.width <= 320
    assert "Cancel" in m.seen


@needs_tesseract
def test_single_word_and_partial_word(screen: Image.Image) -> None:
    cancel = find_text(screen, "cancel")
    assert cancel.found and _inside(cancel, (900, 100, 950, 116))
    part = find_text(screen, "Stat")
    assert part.found and part.text == "Status:"
    assert _inside(part, (700, 500, 780, 525))


@needs_tesseract
def test_exact_needs_whole_words_and_case(screen: Image.Image) -> None:
    assert find_text(screen, "Cancel", exact=True).found
    assert not find_text(screen, "cancel", exact=True).found
    assert not find_text(screen, "Canc", exact=True).found


@needs_tesseract
def test_missing_text_reports_what_was_seen(screen: Image.Image) -> None:
    m = find_text(screen, "Submt")
    assert not m.found
    assert m.closest == "Submit" and m.similarity > 0.8
    message = m.describe()
    assert "Hello World, please Submit order" in message and "closest: 'Submit'" in message
    nothing = find_text(screen, "Checkout complete")
    assert not nothing.found and "Status: ready" in nothing.seen


@needs_tesseract
def test_words_on_separate_islands_are_not_one_phrase(screen: Image.Image) -> None:
    assert not find_text(screen, "order Cancel").found


@needs_tesseract
def test_blank_screen_reads_nothing() -> None:
    m = find_text(Image.new("RGB", (400, 300), (255, 255, 255)), "anything")
    assert not m.found and m.seen == ""
    assert m.describe() == "no text could be read on the screen"


def test_empty_text_is_an_error() -> None:
    with pytest.raises(ActionFailed, match="empty"):
        match_lines([], "   ")


def test_undecodable_screenshot_is_an_error() -> None:
    with pytest.raises(ActionFailed, match="decoded"):
        find_text(b"not a png", "x")


def test_group_lines_by_geometry() -> None:
    words = [
        Word("b", 60, 11, 20, 10, 90),
        Word("a", 10, 10, 40, 12, 90),
        Word("far", 400, 10, 30, 10, 90),
        Word("below", 10, 40, 50, 10, 90),
    ]
    lines = group_lines(words)
    assert [[w.text for w in line] for line in lines] == [["a", "b"], ["far"], ["below"]]
    m = match_lines(lines, "A   B")
    assert m.found and (m.left, m.top, m.width, m.height) == (10, 10, 70, 12)
