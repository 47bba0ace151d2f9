"""Secrets blacked out of finished screen videos (desktop and mobile recordings), with real ffmpeg."""

from __future__ import annotations

import base64
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from panoptic.backends.video_mask import VideoMask, blackout, fractions
from panoptic.contract import ScenarioContext
from panoptic.contract.app import AppDef
from panoptic.source import Span

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")


def _video(path: Path, seconds: float = 2.0) -> Path:
    """A white 320x240 H.264 video of `seconds`."""
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"color=white:size=320x240:rate=15:d={seconds}",
         "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return path


def _gray_at(video: Path, second: float, x: int, y: int) -> int:
    frame = video.with_name(f"frame-{second}.png")
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-ss", str(second), "-i", str(video), "-frames:v", "1", str(frame)],
        check=True,
    )
    with Image.open(frame) as image:
        return int(image.convert("L").getpixel((x, y)))


def test_a_box_is_black_from_its_second_on_and_nothing_else_is(tmp_path: Path) -> None:
    video = _video(tmp_path / "v.mp4")
    box = fractions((80, 60, 160, 40), 320, 240)  # pixels of the screen -> fractions of the frame
    assert blackout(video, [VideoMask(1.0, box)]) is None
    assert _gray_at(video, 0.5, 160, 80) > 230  # before: the field shows
    assert _gray_at(video, 1.5, 160, 80) < 24  # after: black
    assert _gray_at(video, 1.5, 10, 10) > 230  # the rest of the frame stays


def test_an_unknown_place_blacks_out_the_whole_frame(tmp_path: Path) -> None:
    video = _video(tmp_path / "v.mp4")
    assert blackout(video, [VideoMask(0.0, None)]) is None
    assert _gray_at(video, 0.5, 10, 10) < 24 and _gray_at(video, 1.5, 300, 200) < 24


def test_a_video_that_cannot_be_masked_is_deleted(tmp_path: Path) -> None:
    broken = tmp_path / "v.mp4"
    broken.write_bytes(b"not a video")
    problem = blackout(broken, [VideoMask(0.0, None)])
    assert problem is not None and problem.startswith("the screen video was deleted")
    assert not broken.exists() and list(tmp_path.iterdir()) == []
    untouched = _video(tmp_path / "plain.mp4")
    before = untouched.read_bytes()
    assert blackout(untouched, []) is None and untouched.read_bytes() == before  # nothing to mask: kept as is


class _Element:
    rect = {"x": 40, "y": 30, "width": 80, "height": 20}  # in a 160x120 window: half the video's pixels


class _Driver:
    def __init__(self, video: Path) -> None:
        self.video = video

    def start_recording_screen(self) -> None:
        pass

    def stop_recording_screen(self) -> str:
        return base64.b64encode(self.video.read_bytes()).decode()

    def get_window_size(self) -> dict[str, int]:
        return {"width": 160, "height": 120}

    def quit(self) -> None:
        pass


def test_mobile_recordings_are_masked_where_the_secret_was_typed(tmp_path: Path) -> None:
    from panoptic.backends.mobile.backend import MobileBackend

    span = Span("t.pan", 0, 0, 1, 1, 1, 1)
    phone: Any = MobileBackend(AppDef("phone", "mobile", {"platform": "android", "app": "x.apk"}, span))
    ctx = ScenarioContext("s", "s", tmp_path / "artifacts", ("Tr0ub4dor",), 5.0)
    phone._ctx, phone.driver = ctx, _Driver(_video(tmp_path / "recorded.mp4", 3.0))
    phone._start_recording()
    phone._record_started -= 1.5  # the secret goes in 1.5 s into the recording
    phone._note_secret_field(_Element(), "Tr0ub4dor")
    phone.end(ctx, failed=False)
    assert [a.kind for a in ctx.written] == ["video"]
    [saved] = (tmp_path / "artifacts").rglob("video.mp4")
    assert _gray_at(saved, 0.5, 160, 80) > 230
    assert _gray_at(saved, 2.5, 160, 80) < 24  # (80, 60, 160, 40) in video pixels
    assert _gray_at(saved, 2.5, 10, 10) > 230


def test_mobile_secrets_typed_before_the_recording_are_masked_from_its_start(tmp_path: Path) -> None:
    from panoptic.backends.mobile.backend import MobileBackend

    span = Span("t.pan", 0, 0, 1, 1, 1, 1)
    phone: Any = MobileBackend(AppDef("phone", "mobile", {"platform": "android", "app": "x.apk"}, span))
    ctx = ScenarioContext("s", "s", tmp_path / "artifacts", ("Tr0ub4dor",), 5.0)
    phone._ctx, phone.driver = ctx, _Driver(_video(tmp_path / "recorded.mp4"))
    phone._note_secret_field(_Element(), "Tr0ub4dor")
    time.sleep(0.01)
    phone._start_recording()
    phone.end(ctx, failed=False)
    [saved] = (tmp_path / "artifacts").rglob("video.mp4")
    assert _gray_at(saved, 0.2, 160, 80) < 24
