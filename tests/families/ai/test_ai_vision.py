"""Control detection and scoring on pictures drawn with OpenCV (no browser)."""

from __future__ import annotations

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from panoptic.families.ai.vision_report import score  # noqa: E402
from panoptic.perception.vision import Box, detect_controls  # noqa: E402


def _canvas(colour: int = 255) -> np.ndarray:
    return np.full((480, 640, 3), colour, np.uint8)


def test_blank_screens_have_no_controls() -> None:
    assert detect_controls(_canvas(255)) == []
    assert detect_controls(_canvas(30)) == []


def test_bordered_and_filled_rectangles_are_found() -> None:
    img = _canvas()
    cv2.rectangle(img, (40, 40), (200, 76), (90, 90, 90), 1)  # an entry field: a thin border
    cv2.rectangle(img, (300, 40), (420, 80), (200, 90, 30), -1)  # a button: a fill
    cv2.putText(img, "OK", (340, 70), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)
    cv2.putText(img, "Some words of text", (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 1, (0, 0, 0), 2)
    found = detect_controls(img)
    truth = [Box(40, 40, 161, 37), Box(300, 40, 121, 41)]
    assert len(found) == 2, found
    s = score(found, truth, truth)
    assert (s.precision, s.recall) == (1.0, 1.0)


def test_dark_theme_controls_are_found() -> None:
    img = _canvas(25)
    cv2.rectangle(img, (100, 100), (260, 140), (70, 70, 80), -1)
    found = detect_controls(img)
    assert len(found) == 1 and found[0].iou(Box(100, 100, 161, 41)) > 0.8


def test_score_counts_misses_and_false_alarms() -> None:
    truth = [Box(0, 0, 100, 40), Box(0, 100, 100, 40)]
    detected = [Box(2, 2, 98, 38), Box(300, 300, 50, 50)]
    s = score(detected, truth, truth)
    assert s.precision == 0.5 and s.recall == 0.5
    assert score([], [], []).to_json() == {"detected": 0, "truth": 0, "precision": 1.0, "recall": 1.0}


def test_image_scaled_beyond_the_template_scales_is_found_by_keypoints() -> None:
    from panoptic.perception.vision import match_gray

    icon = np.full((80, 200), 250, np.uint8)
    cv2.putText(icon, "Checkout", (8, 52), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 0, 2)
    cv2.rectangle(icon, (2, 2), (197, 77), 60, 2)
    cv2.circle(icon, (180, 20), 8, 30, -1)
    screen = np.full((720, 1280), 235, np.uint8)
    cv2.putText(screen, "Other things here", (100, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    missing = match_gray(screen.copy(), icon, 0.8)
    assert not missing.found  # the keypoints of other text never pass the correlation check
    big = cv2.resize(icon, None, fx=1.7, fy=1.7)  # a 1.7x device pixel ratio: beyond SCALES (0.8-1.25)
    screen[400 : 400 + big.shape[0], 700 : 700 + big.shape[1]] = big
    found = match_gray(screen, icon, 0.8)
    assert found.found and abs(found.left - 700) <= 3 and abs(found.top - 400) <= 3
    assert abs(found.scale - 1.7) < 0.05
