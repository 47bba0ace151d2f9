"""Template matching on synthetic screens drawn with Pillow."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from panoptic.contract.errors import ActionFailed

try:
    import cv2
    import numpy as np
except ImportError:  # pragma: no cover
    if os.environ.get("CI"):
        raise
    pytest.skip("OpenCV/NumPy not installed", allow_module_level=True)

from panoptic.perception import vision
from panoptic.perception.vision import Match, annotate, find_image


def _screen(size: tuple[int, int] = (1920, 1080)) -> Image.Image:
    """A busy screen: a grid of coloured tiles and one distinctive widget at (800, 500)."""
    img = Image.new("RGB", size, (236, 236, 236))
    d = ImageDraw.Draw(img)
    for i in range(28):
        for j in range(3):
            d.rectangle((40 + i * 65, 60 + j * 70, 80 + i * 65, 100 + j * 70), fill=(i * 9, 80 + j * 40, 220 - i * 6))
    d.rounded_rectangle((800, 500, 1010, 570), 10, fill=(25, 110, 215), outline=(0, 0, 0), width=2)
    d.ellipse((815, 515, 855, 555), fill=(250, 200, 0))
    d.polygon([(880, 520), (990, 535), (880, 550)], fill=(255, 255, 255))
    d.line((820, 560, 1000, 510), fill=(200, 0, 0), width=3)
    return img


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def screen() -> Image.Image:
    return _screen()


@pytest.fixture
def widget(tmp_path: Path, screen: Image.Image) -> Path:
    path = tmp_path / "widget.png"
    screen.crop((795, 495, 1015, 575)).save(path)
    return path


def test_exact_template_found_with_centre_and_box(screen: Image.Image, widget: Path) -> None:
    m = find_image(_png(screen), widget)
    assert isinstance(m, Match)
    assert m.found and m.score > 0.99 and m.scale == 1.0
    assert (m.left, m.top, m.width, m.height) == (795, 495, 220, 80)
    assert (m.x, m.y) == (905, 535)


@pytest.mark.parametrize("form", ["png", "pil", "rgb", "rgba", "gray", "path"])
def test_accepts_every_screenshot_form(form: str, screen: Image.Image, widget: Path, tmp_path: Path) -> None:
    sources = {
        "png": lambda: _png(screen),
        "pil": lambda: screen,
        "rgb": lambda: np.asarray(screen),
        "rgba": lambda: np.asarray(screen.convert("RGBA")),
        "gray": lambda: np.asarray(screen.convert("L")),
        "path": lambda: (screen.save(tmp_path / "s.png"), tmp_path / "s.png")[1],
    }
    m = find_image(sources[form](), str(widget))
    assert m.found and (m.left, m.top) == (795, 495)


@pytest.mark.parametrize("factor", [0.85, 1.2])
def test_scaled_template_found_by_multiscale(factor: float, screen: Image.Image, tmp_path: Path) -> None:
    crop = screen.crop((795, 495, 1015, 575))
    path = tmp_path / "scaled.png"
    crop.resize((round(crop.width * factor), round(crop.height * factor)), Image.Resampling.LANCZOS).save(path)
    # At its own size the scaled template does not reach the threshold ...
    screen_gray = vision.to_gray(screen)
    templ = vision.load_template(path)
    raw = vision._best(cv2, np, screen_gray, templ)[0]
    assert raw < 0.8
    # ... the multi-scale search does, at the right place.
    m = find_image(screen, path)
    assert m.found, m.describe()
    assert m.scale != 1.0
    assert abs(m.x - 905) <= 4 and abs(m.y - 535) <= 4
    assert abs(m.width - 220) <= 15


def test_template_not_on_screen_reports_best_candidate(screen: Image.Image, tmp_path: Path) -> None:
    other = Image.new("RGB", (120, 60), (255, 255, 255))
    d = ImageDraw.Draw(other)
    d.line((0, 0, 120, 60), fill=(0, 0, 0), width=5)
    d.text((10, 20), "XYZ", fill=(255, 0, 255))
    path = tmp_path / "absent.png"
    other.save(path)
    m = find_image(screen, path)
    assert not m.found
    assert -1.0 <= m.score < 0.8
    assert 0 <= m.left <= 1920 - m.width and 0 <= m.top <= 1080 - m.height
    text = m.describe()
    assert f"{m.score:.2f}" in text and "needs 0.80" in text and f"{m.x}, {m.y}" in text


def test_confidence_threshold_is_respected(screen: Image.Image, widget: Path) -> None:
    noisy = np.asarray(screen).astype(np.int16)
    rng = np.random.default_rng(1)
    noisy = np.clip(noisy + rng.integers(-60, 60, noisy.shape), 0, 255).astype(np.uint8)
    loose = find_image(noisy, widget, confidence=0.5)
    strict = find_image(noisy, widget, confidence=0.99)
    assert loose.found
    assert not strict.found
    assert (strict.x, strict.y) == (loose.x, loose.y) or strict.score < 0.99


def test_small_template_uses_full_resolution(screen: Image.Image, tmp_path: Path) -> None:
    path = tmp_path / "tile.png"
    screen.crop((874, 514, 888, 528)).save(path)  # 14x14 around a corner of the white triangle
    m = find_image(screen, path)
    assert m.found and (m.left, m.top) == (874, 514)


def test_random_crops_are_found_where_they_were_cut(tmp_path: Path) -> None:
    """Whatever resolution the search starts at, a hit is the crop's own place."""
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 256, (270, 480), dtype=np.uint8)
    screen = cv2.resize(noise, (1920, 1080), interpolation=cv2.INTER_LINEAR)  # smooth, nowhere repeating
    for i in range(12):
        w, h = (int(v) for v in rng.integers(20, 160, 2))
        x, y = int(rng.integers(0, 1920 - w)), int(rng.integers(0, 1080 - h))
        path = tmp_path / f"crop{i}.png"
        cv2.imwrite(str(path), screen[y : y + h, x : x + w])
        m = find_image(screen, path)
        assert m.found and (m.left, m.top, m.width, m.height) == (x, y, w, h), (i, m)


def test_detail_only_visible_at_full_resolution_is_still_found(tmp_path: Path) -> None:
    """Decoys that look the same on reduced copies send the search on to full resolution."""
    screen = np.full((1080, 1920), 200, dtype=np.uint8)
    checker = (np.indices((40, 64)).sum(axis=0) % 2 * 255).astype(np.uint8)  # averages to grey when reduced

    def block(left: int, top: int, inside: np.ndarray) -> None:
        screen[top : top + 48, left : left + 72] = 30
        screen[top + 4 : top + 44, left + 4 : left + 68] = inside

    for i in range(6):
        block(100 + i * 200, 300, np.full((40, 64), 127, dtype=np.uint8))
    block(1500, 700, checker)
    path = tmp_path / "checker.png"
    cv2.imwrite(str(path), screen[700:748, 1500:1572])
    m = find_image(screen, path)
    assert m.found and (m.left, m.top) == (1500, 700)


def test_missing_template_is_a_clear_error(screen: Image.Image, tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "button.png"
    with pytest.raises(ActionFailed) as err:
        find_image(screen, missing)
    assert str(missing) in err.value.message and "not found" in err.value.message


def test_unreadable_template_is_a_clear_error(screen: Image.Image, tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"this is not an image")
    with pytest.raises(ActionFailed) as err:
        find_image(screen, bad)
    assert str(bad) in err.value.message and "not a readable image" in err.value.message


def test_template_larger_than_screen(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    _screen((400, 300)).save(big)
    with pytest.raises(ActionFailed, match="larger than the screen"):
        find_image(_screen((300, 200)), big)


def test_flat_template_is_refused(screen: Image.Image, tmp_path: Path) -> None:
    flat = tmp_path / "flat.png"
    Image.new("RGB", (80, 40), (255, 0, 255)).save(flat)
    with pytest.raises(ActionFailed, match="single flat colour"):
        find_image(screen, flat)


def test_bad_confidence(screen: Image.Image, widget: Path) -> None:
    with pytest.raises(ActionFailed, match="confidence"):
        find_image(screen, widget, confidence=1.5)


def test_annotate_draws_the_candidate_box(screen: Image.Image, widget: Path, tmp_path: Path) -> None:
    m = find_image(screen, widget)
    out = annotate(_png(screen), m, tmp_path / "out" / "annotated.png")
    img = Image.open(out).convert("RGB")
    assert img.size == screen.size
    assert img.getpixel((m.left, m.top + m.height // 2)) == (0, 200, 0)  # box edge, green when found
    assert img.getpixel((100, 900)) == screen.getpixel((100, 900))  # elsewhere unchanged
    miss = Match(False, 150, 150, 100, 100, 100, 100, 0.42, 1.0)
    annotate(screen, miss, tmp_path / "miss.png")
    assert Image.open(tmp_path / "miss.png").convert("RGB").getpixel((100, 150)) == (230, 0, 0)


def test_module_does_not_import_opencv_at_import_time() -> None:
    import subprocess

    code = "import sys, panoptic.perception.vision, panoptic.perception.ocr; print('cv2' in sys.modules, 'pytesseract' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
