"""Regenerate greet.png, the image target of notes.pan, from the real app on an X display.

Starts Xvfb on a free display number, lays out the app's window there, grabs
the screen and crops the "Greet" button at the geometry Tk reports.

Run: .venv/bin/python examples/desktop/capture_button.py   (needs Xvfb and Pillow)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import tkinter as tk
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import app  # noqa: E402  (the example app next to this script)


def free_display() -> str:
    for number in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return f":{number}"
    raise SystemExit("no free X display number between :90 and :139")


def main() -> None:
    from PIL import ImageGrab

    display = free_display()
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1024x768x24", "-nolisten", "tcp"])
    fd, auth = tempfile.mkstemp(prefix="panoptic-xauth-")
    os.close(fd)
    try:
        os.environ["DISPLAY"] = display
        os.environ["XAUTHORITY"] = auth
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{display[1:]}").exists():
                break
            time.sleep(0.05)
        root = tk.Tk()
        root.title("Panoptic Notes")
        root.geometry("560x300+40+40")
        button = app.build(root)["button"]
        for _ in range(20):
            root.update()
            time.sleep(0.05)
        x, y = button.winfo_rootx(), button.winfo_rooty()
        width, height = button.winfo_width(), button.winfo_height()
        shot = ImageGrab.grab(xdisplay=display)
        # Keep the button's face and label; leave out the border, whose shade changes with focus.
        image = shot.crop((x + 2, y + 2, x + width - 2, y + height - 2))
        out = HERE / "greet.png"
        image.save(out)
        print(f"wrote {out} ({image.width}x{image.height}) from {display} at {x},{y}")
        root.destroy()
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=5)
        os.unlink(auth)


if __name__ == "__main__":
    main()
