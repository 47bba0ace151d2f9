"""Black out of a finished screen video the fields secrets were typed into.

Desktop (ffmpeg x11grab) and mobile (Appium's screen recording) videos are
recorded by a process that knows nothing of secrets. The backend notes, as a
secret is about to be typed, where its field is on the screen (as fractions
of the frame, so the video's own resolution does not matter) and how far
into the recording that happens. When the recording has stopped, `blackout`
encodes the file once more with those boxes filled black from that second
on (the whole frame when the field's place is unknown). If that cannot be
done the video is deleted: a missing video is better than a leaked secret.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

Fractions = tuple[float, float, float, float]  # left, top, width, height, each a fraction of the frame


@dataclass(frozen=True)
class VideoMask:
    """Fill `box` (None: the whole frame) black from `since` seconds into the video on."""

    since: float
    box: Fractions | None


def fractions(box: tuple[float, float, float, float], width: float, height: float, margin: float = 1.0) -> Fractions:
    """A box in pixels of a `width` x `height` screen as fractions, grown by `margin` pixels on each side."""
    left, top, w, h = box
    return (
        max(0.0, (left - margin) / width),
        max(0.0, (top - margin) / height),
        (w + 2 * margin) / width,
        (h + 2 * margin) / height,
    )


def _filter(mask: VideoMask) -> str:
    if mask.box is None:
        where = "x=0:y=0:w=iw:h=ih"
    else:
        fx, fy, fw, fh = mask.box
        where = f"x=iw*{fx:.6f}:y=ih*{fy:.6f}:w=iw*{fw:.6f}:h=ih*{fh:.6f}"
    return f"drawbox={where}:color=black:t=fill:enable='gte(t,{max(0.0, mask.since):.3f})'"


def blackout(path: Path, masks: Sequence[VideoMask], *, timeout: float = 300.0) -> str | None:
    """Encode `path` again with `masks` applied, in place. Returns None when done, else why the file was deleted."""
    if not masks or not path.exists():
        return None
    masked = path.with_name(path.stem + ".masking" + path.suffix)
    cmd = [
        shutil.which("ffmpeg") or "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-i", str(path), "-vf", ",".join(_filter(m) for m in masks),
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
        str(masked),
    ]  # fmt: skip
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        if done.returncode != 0 or not masked.exists():
            lines = done.stderr.decode(errors="replace").strip().splitlines()
            raise OSError(lines[-1] if lines else f"ffmpeg exited with {done.returncode}")
        os.replace(masked, path)
        return None
    except (OSError, subprocess.SubprocessError) as exc:
        for leftover in (masked, path):
            with contextlib.suppress(OSError):
                leftover.unlink()
        return f"the screen video was deleted: the field a secret was typed into could not be masked ({exc})"
