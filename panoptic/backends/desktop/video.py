"""Screen video of an X display with ffmpeg (x11grab), stopped cleanly so the file is playable.

ffmpeg finalises an MP4 only when it ends on its own terms: the recorder
sends `q` on its standard input and waits; only if ffmpeg does not finish
does it fall back to SIGINT and then SIGKILL.

Secrets: the backend tells the recorder, as a secret is about to be typed,
the box of the field it goes into (or that the box is unknown); when the
recording stops, `panoptic.backends.video_mask` blacks those boxes out.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

from panoptic.backends.desktop.lifeline import die_with_parent
from panoptic.backends.desktop.xvfb import XDisplay
from panoptic.backends.video_mask import VideoMask, blackout, fractions
from panoptic.contract.errors import ActionFailed, InfrastructureError

FRAMERATE = 15
Box = tuple[int, int, int, int]  # left, top, width, height


class ScreenRecorder:
    """One ffmpeg x11grab recording of a display into an MP4 (H.264) file."""

    def __init__(self, display: XDisplay, out_path: Path, *, framerate: int = FRAMERATE) -> None:
        self.display = display
        self.out_path = out_path
        self.framerate = framerate
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._started = 0.0
        self.masks: list[VideoMask] = []
        self.problem: str | None = None  # why the video was deleted, when masking it failed

    def mask(self, box: Box | None, *, since_start: bool = False) -> None:
        """Black out `box` (pixels; None: the whole frame) from now on, or from the first frame with `since_start`."""
        at = 0.0 if since_start else max(0.0, time.monotonic() - self._started - 1.0 / self.framerate)
        width, height = self.display.size
        self.masks.append(VideoMask(at, None if box is None else fractions(box, width, height)))

    @property
    def recording(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        exe = shutil.which("ffmpeg")
        if exe is None:
            raise InfrastructureError(
                "screen video needs ffmpeg, which is not installed",
                help="install it (Debian/Ubuntu: apt-get install ffmpeg)",
            )
        width, height = self.display.size
        self.out_path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [
            exe, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "x11grab", "-draw_mouse", "1", "-framerate", str(self.framerate),
            "-video_size", f"{width}x{height}", "-i", self.display.name,
            "-vf", "crop=trunc(iw/2)*2:trunc(ih/2)*2",  # H.264 with yuv420p needs even sizes
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
            str(self.out_path),
        ]  # fmt: skip
        self._log = tempfile.TemporaryFile(prefix="panoptic-ffmpeg-")  # noqa: SIM115 - open while ffmpeg runs
        self._started = time.monotonic()
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=self._log,
            stderr=self._log,
            env={**os.environ, **self.display.env()},
            start_new_session=True,
            preexec_fn=die_with_parent(),  # dies with the run, even on SIGKILL
        )
        # ffmpeg fails at once when it cannot open the display or the encoder: catch that now.
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self._read_log()
                self.proc = None
                raise ActionFailed(f"screen recording could not start: {err or 'ffmpeg exited'}")
            time.sleep(0.05)

    def _read_log(self) -> str:
        if self._log is None:
            return ""
        try:
            self._log.seek(0)
            text = self._log.read().decode(errors="replace").strip()
        except (OSError, ValueError):
            return ""
        return text.splitlines()[-1] if text else ""

    def stop(self, timeout: float = 10.0) -> bool:
        """Finish the file; True if ffmpeg ended by itself after `q`. Never raises."""
        proc, self.proc = self.proc, None
        if proc is None:
            return False
        clean = False
        if proc.poll() is None:
            try:
                assert proc.stdin is not None
                proc.stdin.write(b"q")
                proc.stdin.flush()
                proc.stdin.close()
            except (OSError, ValueError):
                pass
            try:
                proc.wait(timeout)
                clean = True
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGINT)
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(2)
        if self._log is not None:
            with contextlib.suppress(OSError):
                self._log.close()
            self._log = None
        self.problem = blackout(self.out_path, self.masks)
        return clean and self.out_path.exists()
