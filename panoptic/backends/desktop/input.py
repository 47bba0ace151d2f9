"""Mouse and keyboard on an X display through pyautogui (XTEST), plus key-name parsing.

pyautogui opens its X connection when it is imported, for `$DISPLAY`. The
desktop backend may drive a display it started itself, so `pyautogui_for()`
imports pyautogui with that display in the environment (and an empty
XAUTHORITY file), and reloads its X11 module when a later app uses another
display. Characters pyautogui cannot type on X (non-ASCII text) are typed
with `xdotool type`, never dropped.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import io
import os
import shutil
import subprocess
import sys
import threading
import time
from typing import Any

from panoptic.backends.desktop.xvfb import XDisplay
from panoptic.contract.errors import ActionFailed, InfrastructureError

_LOCK = threading.Lock()
_BOUND: list[XDisplay] = []  # the display pyautogui's X connection currently belongs to

KEY_ALIASES = {
    "control": "ctrl",
    "ctl": "ctrl",
    "return": "enter",
    "escape": "esc",
    "del": "delete",
    "ins": "insert",
    "pgup": "pageup",
    "pgdn": "pagedown",
    "page_up": "pageup",
    "page_down": "pagedown",
    "arrowup": "up",
    "arrowdown": "down",
    "arrowleft": "left",
    "arrowright": "right",
    "cmd": "win",
    "command": "win",
    "super": "win",
    "meta": "win",
    "windows": "win",
    "option": "alt",
    "spacebar": "space",
    "bksp": "backspace",
    "plus": "+",
    "minus": "-",
}
MODIFIERS = frozenset({"ctrl", "alt", "shift", "win", "altleft", "altright", "ctrlleft", "ctrlright"})


def parse_keys(spec: str) -> list[str]:
    """Split a key or key combination ("ctrl+s", "Enter", "ctrl+shift+Tab", "ctrl++") into pyautogui key names.

    Names are case-insensitive and common aliases are accepted (Return, Escape,
    Control, Cmd, PgUp, ArrowUp …). A lone character keeps its case ("A" types
    a capital A); inside a combination letters are lower-cased ("ctrl+S").
    """
    text = spec.strip()
    if not text:
        raise ActionFailed("the key to press is empty", help='name a key such as "Enter" or "ctrl+s"')
    if len(text) == 1:
        return [text]
    parts: list[str] = []
    raw = text.split("+")
    i = 0
    while i < len(raw):
        token = raw[i].strip()
        if token == "":
            # "ctrl++" splits into ["ctrl", "", ""]: an empty token pair stands for the plus key.
            parts.append("+")
            i += 2
            continue
        parts.append(token)
        i += 1
    keys = []
    for token in parts:
        name = token if len(token) == 1 else token.lower().replace(" ", "")
        name = KEY_ALIASES.get(name.lower(), name) if len(name) > 1 else name
        keys.append(name.lower() if len(parts) > 1 and len(name) == 1 else name)
    return keys


class PointerKeyboard:
    """Mouse and keyboard actions on one X display."""

    def __init__(self, display: XDisplay) -> None:
        self.display = display
        self._gui: Any = None

    @property
    def gui(self) -> Any:
        if self._gui is None:
            self._gui = pyautogui_for(self.display)
        return self._gui

    def _ready(self) -> Any:
        gui = self.gui
        if not _BOUND or _BOUND[0] is not self.display:  # another display was used meanwhile in this process
            self._gui = gui = pyautogui_for(self.display)
        return gui

    def check_keys(self, keys: list[str]) -> None:
        """ActionFailed (with a did-you-mean) for a key name that this display cannot press."""
        gui = self._ready()
        mapping = gui.platformModule.keyboardMapping
        for key in keys:
            if key in mapping and mapping[key] is not None:
                continue
            if key not in gui.KEY_NAMES:
                names = sorted({k for k in gui.KEY_NAMES if len(k) > 1} | set(KEY_ALIASES))
                close = difflib.get_close_matches(key.lower(), names, n=3)
                raise ActionFailed(
                    f"unknown key {key!r}",
                    help=("did you mean " + " or ".join(repr(c) for c in close) + "?")
                    if close
                    else 'use names such as "Enter", "Tab", "Escape", "ctrl+s", "F5"',
                )
            raise ActionFailed(f"the key {key!r} has no key code on display {self.display.name}")

    def focused_window_box(self) -> tuple[int, int, int, int] | None:
        """(left, top, width, height) of the top-level window with the keyboard focus, or None.

        Without a window manager X keeps the focus at "PointerRoot": keys go to
        the window under the pointer, so that window counts as focused.
        """
        from Xlib import X
        from Xlib.error import XError

        gui = self._ready()
        conn = gui.platformModule._display
        root = conn.screen().root
        try:
            focus = conn.get_input_focus().focus
            if isinstance(focus, int) or focus == root:  # PointerRoot or None
                window = root.query_pointer().child
                if isinstance(window, int) or window == X.NONE:
                    return None
            else:
                window = focus
                while True:  # up to the top-level window (a child of the root)
                    parent = window.query_tree().parent
                    if isinstance(parent, int) or parent == root:
                        break
                    window = parent
            if window.get_attributes().map_state != X.IsViewable:
                return None
            geometry = window.get_geometry()
            origin = root.translate_coords(window, 0, 0)
        except XError:
            return None
        box = (int(origin.x), int(origin.y), int(geometry.width), int(geometry.height))
        return box if box[2] > 1 and box[3] > 1 else None

    def widget_box_under_pointer(self) -> tuple[int, int, int, int] | None:
        """(left, top, width, height) of the innermost window under the pointer, or None.

        Toolkits that give each widget its own X window (Tk, Motif) yield the
        widget's box; others yield their top-level window's box.
        """
        from Xlib import X
        from Xlib.error import XError

        conn = self._ready().platformModule._display
        root = conn.screen().root
        try:
            window = root
            while True:
                child = window.query_pointer().child
                if isinstance(child, int) or child == X.NONE:
                    break
                window = child
            if window == root:
                return None
            geometry = window.get_geometry()
            origin = root.translate_coords(window, 0, 0)
        except XError:
            return None
        box = (int(origin.x), int(origin.y), int(geometry.width), int(geometry.height))
        return box if box[2] > 1 and box[3] > 1 else None

    def toplevel_ids(self) -> set[int]:
        """Ids of the top-level windows now on screen (mapped, not menus or tooltips)."""
        return {w.id for w in self._toplevels()}

    def _toplevels(self) -> list[Any]:
        from Xlib import X
        from Xlib.error import XError

        conn = self._ready().platformModule._display
        found = []
        try:
            for window in conn.screen().root.query_tree().children:  # bottom to top
                attrs = window.get_attributes()
                if attrs.map_state == X.IsViewable and not attrs.override_redirect:
                    found.append(window)
        except XError:
            return found
        return found

    def focus_new_window(self, before: set[int]) -> bool:
        """Give the keyboard focus to the topmost window that appeared since `before`, as a window manager would."""
        fresh = [w for w in self._toplevels() if w.id not in before]
        if not fresh:
            return False
        self._focus(fresh[-1])
        return True

    def _focus(self, window: Any) -> None:
        from Xlib import X
        from Xlib.error import XError

        conn = self._ready().platformModule._display
        with contextlib.suppress(XError):
            window.set_input_focus(X.RevertToPointerRoot, X.CurrentTime)
            conn.sync()

    def _focus_under_pointer(self) -> None:
        """Click-to-focus: the top-level window under the pointer gets the keyboard focus."""
        from Xlib import X
        from Xlib.error import XError

        conn = self._ready().platformModule._display
        try:
            child = conn.screen().root.query_pointer().child
            if isinstance(child, int) or child == X.NONE:
                return
            attrs = child.get_attributes()
        except XError:
            return
        if attrs.map_state == X.IsViewable and not attrs.override_redirect:
            self._focus(child)

    def click(self, x: int, y: int, *, button: str = "left", clicks: int = 1) -> None:
        gui = self._ready()
        gui.moveTo(x, y, _pause=False)
        self._focus_under_pointer()
        gui.click(x=x, y=y, clicks=clicks, interval=0.05, button=button)

    def move(self, x: int, y: int) -> None:
        self._ready().moveTo(x, y)

    def drag(self, start: tuple[int, int], end: tuple[int, int], duration: float = 0.4) -> None:
        gui = self._ready()
        gui.moveTo(*start)
        gui.mouseDown(button="left")
        try:
            # Move in steps so the app sees motion events while the button is held.
            steps = 12
            for i in range(1, steps + 1):
                gui.moveTo(
                    round(start[0] + (end[0] - start[0]) * i / steps),
                    round(start[1] + (end[1] - start[1]) * i / steps),
                    _pause=False,
                )
                time.sleep(duration / steps)
        finally:
            gui.mouseUp(button="left")

    def scroll(self, direction: str, clicks: int) -> None:
        gui = self._ready()
        if direction in ("up", "down"):
            gui.scroll(clicks if direction == "up" else -clicks)
        elif direction in ("left", "right"):
            gui.hscroll(clicks if direction == "right" else -clicks)
        else:
            raise ActionFailed(f"unknown scroll direction {direction!r}", help="use up, down, left or right")

    def press(self, spec: str) -> None:
        """Press a key or a combination such as "ctrl+s" (modifiers held while the last key is pressed)."""
        keys = parse_keys(spec)
        self.check_keys(keys)
        gui = self._ready()
        if len(keys) == 1:
            gui.press(keys[0])
        else:
            gui.hotkey(*keys, interval=0.02)

    def type(self, text: str) -> None:
        """Type `text` key by key; characters without a key code go through `xdotool type`."""
        gui = self._ready()
        mapping = gui.platformModule.keyboardMapping
        run: list[str] = []
        for ch in text:
            if mapping.get(ch) is not None:
                if run:
                    self._xdotool_type("".join(run))
                    run = []
                gui.press(ch, _pause=False)
            else:
                run.append(ch)
        if run:
            self._xdotool_type("".join(run))
        time.sleep(gui.PAUSE)

    def _xdotool_type(self, text: str) -> None:
        exe = shutil.which("xdotool")
        if exe is None:
            raise ActionFailed(
                "typing characters outside ASCII needs xdotool, which is not installed",
                help="install it (Debian/Ubuntu: apt-get install xdotool)",
            )
        env = {**os.environ, **self.display.env()}
        done = subprocess.run(
            [exe, "type", "--delay", "12", "--", text], env=env, capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            raise ActionFailed(f"xdotool could not type the text: {done.stderr.strip() or done.returncode}")


def pyautogui_for(display: XDisplay) -> Any:
    """pyautogui, connected to `display` (imported or re-pointed under a lock)."""
    with _LOCK:
        saved = {k: os.environ.get(k) for k in ("DISPLAY", "XAUTHORITY", "XDG_SESSION_TYPE")}
        os.environ.update(display.env())
        quiet = io.StringIO()  # python-xlib prints a warning about the (deliberately) empty XAUTHORITY file
        try:
            with contextlib.redirect_stdout(quiet):
                imported_before = "pyautogui" in sys.modules
                import pyautogui

                module = pyautogui.platformModule
                if not _BOUND and not imported_before:
                    _BOUND.append(display)  # the import itself connected to it
                elif not _BOUND or _BOUND[0] is not display:
                    # The same name may be a newer server (display numbers are reused): compare objects, not names.
                    with contextlib.suppress(Exception):
                        module._display.close()
                    importlib.reload(module)
                    _BOUND[:] = [display]
        except ImportError as exc:
            raise InfrastructureError(
                f"desktop automation needs pyautogui and python-xlib ({exc.name} is not installed)",
                help="install them with: pip install 'panoptic-lang[desktop]'",
            ) from exc
        except Exception as exc:
            raise InfrastructureError(f"cannot connect to X display {display.name}: {exc}") from exc
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        pyautogui.FAILSAFE = False  # moving to a corner must not abort a test
        pyautogui.PAUSE = 0.02
        return pyautogui
