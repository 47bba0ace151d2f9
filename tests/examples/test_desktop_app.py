"""The example Tk app behaves as examples/desktop/notes.pan expects: a real window on Xvfb, real input, real OCR."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.desktop

APP_DIR = Path(__file__).resolve().parents[2] / "examples" / "desktop"
IN_CI = bool(os.environ.get("CI"))


def require_tools(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        if IN_CI:
            pytest.fail(f"required in CI: {', '.join(missing)}")
        pytest.skip(f"not installed: {', '.join(missing)}")


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Start Xvfb on a display number it picks itself (-displayfd), so parallel tests never collide."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()  # written once the server accepts connections
    if not number.isdigit():
        xvfb.kill()
        xvfb.wait(timeout=10)
        raise AssertionError("Xvfb did not start")
    return xvfb, f":{number}"


class Screen:
    """One Xvfb display with the example app on it."""

    def __init__(self, display: str, env: dict[str, str]) -> None:
        self.display = display
        self.env = env

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=20)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def grab(self):
        from PIL import ImageGrab

        return ImageGrab.grab(xdisplay=self.display)

    def words(self) -> list[tuple[str, int, int]]:
        """Words Tesseract reads in the app's window, with their centres in screen pixels.

        The window is cropped out of the black screen first: Tesseract's page layout does not find text in a small
        window on a large black screen.
        """
        shot = self.grab().convert("L")
        box = shot.getbbox() or (0, 0, shot.width, shot.height)
        window = shot.crop(box)
        found = []
        with tempfile.NamedTemporaryFile(suffix=".png") as file:
            window.save(file.name)
            done = subprocess.run(
                ["tesseract", file.name, "-", "--psm", "11", "tsv"], capture_output=True, text=True, timeout=60
            )
        assert done.returncode == 0, done.stderr
        for row in csv.DictReader(io.StringIO(done.stdout), delimiter="\t", quoting=csv.QUOTE_NONE):
            text = (row.get("text") or "").strip()
            if text and float(row.get("conf") or -1) > 30:
                x = box[0] + int(row["left"]) + int(row["width"]) // 2
                y = box[1] + int(row["top"]) + int(row["height"]) // 2
                found.append((text, x, y))
        return found

    def text(self) -> str:
        return " ".join(word for word, _, _ in self.words())

    def wait_for_text(self, wanted: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        seen = ""
        while time.monotonic() < deadline:
            seen = self.text()
            if wanted in seen:
                return seen
            time.sleep(0.2)
        raise AssertionError(f"{wanted!r} not on screen; OCR read {seen!r}")

    def find_picture(self, path: Path) -> tuple[float, int, int]:
        """(mean difference 0-255, x, y of the centre) of the best place of a picture near the button's place."""
        from PIL import Image, ImageChops, ImageStat

        template = Image.open(path).convert("RGB")
        shot = self.grab().convert("RGB")
        best = (255.0, 0, 0)
        for top in range(150, 190):
            for left in range(55, 80):
                crop = shot.crop((left, top, left + template.width, top + template.height))
                diff = sum(ImageStat.Stat(ImageChops.difference(crop, template)).mean) / 3
                if diff < best[0]:
                    best = (diff, left + template.width // 2, top + template.height // 2)
        return best

    def click_word(self, word: str) -> None:
        spots = [(x, y) for text, x, y in self.words() if text == word]
        assert spots, f"{word!r} not on screen"
        x, y = spots[0]
        self.xdotool("mousemove", str(x), str(y), "click", "1")


@pytest.fixture
def screen():
    require_tools("Xvfb", "xdotool", "tesseract")
    pytest.importorskip("PIL") if not IN_CI else __import__("PIL")
    fd, auth = tempfile.mkstemp(prefix="panoptic-xauth-")
    os.close(fd)
    xvfb, display = start_xvfb()
    env = {**os.environ, "DISPLAY": display, "XAUTHORITY": auth, "XDG_SESSION_TYPE": "x11"}
    app = None
    try:
        app = subprocess.Popen([sys.executable, "app.py"], cwd=APP_DIR, env=env)
        shown = Screen(display, env)
        deadline = time.monotonic() + 15
        while True:
            done = subprocess.run(["xdotool", "search", "--name", "Panoptic Notes"], env=env, capture_output=True)
            if done.returncode == 0:
                break
            assert app.poll() is None, "the app exited"
            assert time.monotonic() < deadline, "the app's window did not appear"
            time.sleep(0.1)
        shown.wait_for_text("Ready")
        yield shown
    finally:
        if app is not None:
            app.terminate()
            app.wait(timeout=10)
        xvfb.terminate()
        xvfb.wait(timeout=10)
        os.unlink(auth)


def test_greet_button_says_hello(screen):
    screen.xdotool("mousemove", "290", "131", "click", "1")  # the entry, as in notes.pan
    screen.xdotool("type", "--delay", "30", "Ada")
    diff, x, y = screen.find_picture(APP_DIR / "greet.png")
    assert diff < 2.0
    screen.xdotool("mousemove", str(x), str(y), "click", "1")
    assert "Hello, Ada" in screen.wait_for_text("Hello, Ada")


def test_enter_and_the_menu_change_the_label(screen):
    screen.xdotool("type", "--delay", "30", "Grace")
    screen.xdotool("key", "Return")
    screen.wait_for_text("Hello, Grace")
    screen.click_word("Actions")
    screen.wait_for_text("goodbye")
    screen.click_word("goodbye")
    screen.wait_for_text("Goodbye!")
    screen.click_word("Actions")
    screen.wait_for_text("Reset")
    screen.click_word("Reset")
    screen.wait_for_text("Ready")


def test_committed_button_picture_matches_the_live_button(screen):
    """greet.png (the image target of notes.pan) is what the running app shows at the button's place."""
    diff, x, y = screen.find_picture(APP_DIR / "greet.png")
    assert diff < 2.0, (diff, x, y)
    assert 64 <= x <= 179 and 167 <= y <= 213, (x, y)  # inside the button, where Tk draws it
