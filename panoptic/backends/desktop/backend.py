"""The desktop backend: an app in an X session, driven with pyautogui, seen through screenshots.

* **Display.** `display: auto` (the default) starts Xvfb on a free display
  number with a `screen`-sized screen and stops it at `stop()`; with
  `--headed` and a `$DISPLAY`, that display is used instead. `display: ":0"`
  uses an existing display.
* **App.** Each scenario starts `command` (in `cwd`, with `env`) in its own
  process group and waits for its window (`window` title, or any window of
  the process / any change of the screen) up to `ready` seconds. `end()`
  stops the whole group: SIGTERM, then SIGKILL after 2 s.
* **Targets.** `image "file.png"` (OpenCV template matching, threshold
  `confidence`), `text "…"` (Tesseract OCR), `at x, y`, and `focused` (the
  window with the keyboard focus). Actions wait for their target up to their
  timeout; a miss fails with the best candidate, and `capture_failure` saves
  the screen and an annotated copy showing that candidate.
* **Video.** `record video` (or a scenario recorded by the runner) grabs the
  screen with ffmpeg; the file is finalised at `end()`.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from panoptic.backends.desktop.spec import DESKTOP
from panoptic.backends.desktop.xvfb import XDisplay, existing_display, start_xvfb
from panoptic.contract import PlatformSpec, ResolvedTarget, ScenarioContext
from panoptic.contract.app import AppDef
from panoptic.contract.artifacts import Artifact
from panoptic.contract.errors import ActionFailed, BackendCrashed, InfrastructureError, TargetNotFound
from panoptic.contract.secrets import secret_regex

POLL = 0.1  # seconds between two looks for a target
SCROLL_STEP = 40  # pixels per wheel click, to turn `scroll down by 200` into clicks
DEFAULT_SCROLL_CLICKS = 5


@dataclass(frozen=True)
class _Miss:
    """The last lookup that did not find its target: for the failure report."""

    target: ResolvedTarget
    screenshot: Any  # PIL image
    match: Any  # vision.Match or ocr.TextMatch


class DesktopBackend:
    """Drives one desktop app (see the module docstring)."""

    spec: ClassVar[PlatformSpec] = DESKTOP

    def __init__(self, app: AppDef, *, headed: bool = False) -> None:
        self.app = app
        self.headed = headed
        self.display: XDisplay | None = None
        self.process: Any = None  # desktop_process.AppProcess
        self.recorder: Any = None  # desktop_video.ScreenRecorder
        self.input: Any = None  # desktop_input.PointerKeyboard
        self.ctx: ScenarioContext | None = None
        self._miss: _Miss | None = None
        # Boxes of fields a secret was typed into (blacked out of screenshots); None: one could not be located.
        self._secret_boxes: list[tuple[int, int, int, int]] | None = []

    # -- settings -------------------------------------------------------------

    def setting(self, name: str) -> Any:
        value = self.app.settings.get(name)
        if value is None:
            spec = self.spec.setting(name)
            value = spec.default if spec is not None else None
        return value

    @property
    def confidence(self) -> float:
        return float(self.setting("confidence"))

    def _mask(self, text: str) -> str:
        if self.ctx is None:
            return text
        pattern = secret_regex(self.ctx.secrets)  # encoded spellings too
        return text if pattern is None else pattern.sub("•••", text)

    # -- lifecycle --------------------------------------------------------------

    def start(self) -> None:
        from panoptic.backends.desktop.input import PointerKeyboard

        wanted = str(self.setting("display") or "auto").strip()
        if wanted == "auto":
            if self.headed and os.environ.get("DISPLAY"):
                self.display = existing_display(os.environ["DISPLAY"])
            else:
                size = self.setting("screen")
                self.display = start_xvfb((int(size[0]), int(size[1])))
        else:
            self.display = existing_display(wanted if wanted.startswith(":") or ":" in wanted else f":{wanted}")
        self.input = PointerKeyboard(self.display)

    def begin(self, ctx: ScenarioContext) -> None:
        from panoptic.backends.desktop.process import AppProcess, wait_for_window

        self.ctx = ctx
        self._miss = None
        self._secret_boxes = []
        display = self._display()
        if self.process is not None:  # a previous scenario's app that end() could not stop
            self.process.stop()
        baseline = self.grab()
        windows_before = self.input.toplevel_ids()
        if ctx.record_video:
            self._start_video()
        cwd = self.setting("cwd") or self.setting("base_dir")  # default: the .pan file's folder
        env = self.setting("env") or {}
        self.process = AppProcess(
            str(self.setting("command")), cwd=str(cwd) if cwd else None, env=dict(env), display=display
        )
        self.process.start()
        window = self.setting("window")
        try:
            wait_for_window(
                self.process,
                title=str(window) if window else None,
                ready=float(self.setting("ready")),
                grab=self.grab,
                baseline=baseline,
                mask=self._mask,
            )
        except BaseException:
            self.process.stop()
            raise
        # No window manager runs on Xvfb: give the app's new window the keyboard focus, as one would.
        self.input.focus_new_window(windows_before)

    def end(self, ctx: ScenarioContext, failed: bool) -> None:
        with contextlib.suppress(Exception):
            if self.recorder is not None:
                self.recorder.stop()
                if self.recorder.problem:  # deleted rather than kept with a secret in it
                    ctx.written[:] = [a for a in ctx.written if a.kind != "video"]
        self.recorder = None
        with contextlib.suppress(Exception):
            if self.process is not None and self.process.stop():
                self.process = None
        self._miss = None
        self.ctx = None

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            if self.recorder is not None:
                self.recorder.stop()
        self.recorder = None
        with contextlib.suppress(Exception):
            if self.process is not None:
                self.process.stop()
        self.process = None
        if self.display is not None:
            self.display.stop()
            self.display = None

    def _display(self) -> XDisplay:
        if self.display is None:
            raise InfrastructureError("the desktop backend was not started")
        if not self.display.alive():
            raise BackendCrashed(f"the X display {self.display.name} has stopped")
        return self.display

    # -- screen -----------------------------------------------------------------

    def grab(self) -> Any:
        """A screenshot of the whole display as a PIL image."""
        from PIL import ImageGrab

        display = self._display()
        try:
            return ImageGrab.grab(xdisplay=display.name)
        except OSError as exc:
            raise BackendCrashed(f"cannot take a screenshot of {display.name}: {exc}") from exc

    def _start_video(self) -> None:
        from panoptic.backends.desktop.video import ScreenRecorder

        if self.recorder is not None and self.recorder.recording:
            return
        assert self.ctx is not None
        path, _ = self.ctx.artifact("video", "video.mp4", "video")
        self.recorder = ScreenRecorder(self._display(), path)
        self.recorder.start()
        if self._secret_boxes is None:  # a secret went somewhere unknown before the video began
            self.recorder.mask(None, since_start=True)
        for box in self._secret_boxes or ():
            self.recorder.mask(box, since_start=True)

    # -- targets ------------------------------------------------------------------

    def _look(self, target: ResolvedTarget, shot: Any) -> Any:
        """One look for an image or text target on a screenshot: a vision.Match or ocr.TextMatch."""
        if target.kind == "image":
            from panoptic.perception import vision

            if not target.value:
                raise ActionFailed("the image target has no file")
            return vision.find_image(shot, Path(target.value), self.confidence)
        if target.kind == "text":
            from panoptic.perception import ocr

            return ocr.find_text(shot, target.value or "", exact=target.exact)
        raise ActionFailed(f"{target.kind} targets are not supported by desktop apps")

    def _point(self, target: ResolvedTarget, timeout: float) -> tuple[int, int]:
        """Where to act for a target, waiting up to `timeout` for image and text targets."""
        if target.kind == "point":
            assert target.point is not None
            x, y = round(target.point[0]), round(target.point[1])
            width, height = self._display().size
            if not (0 <= x < width and 0 <= y < height):
                raise ActionFailed(f"point {x}, {y} is outside the {width}x{height} screen")
            return x, y
        if target.kind == "focused":
            box = self._focused_box()
            return box[0] + box[2] // 2, box[1] + box[3] // 2
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            shot = self.grab()
            found = self._look(target, shot)
            if found.found:
                self._miss = None
                return found.x, found.y
            self._miss = _Miss(target, shot, found)
            if time.monotonic() >= deadline:
                raise self._not_found(target, found, timeout)
            time.sleep(min(POLL, max(0.0, deadline - time.monotonic())))

    def _not_found(self, target: ResolvedTarget, found: Any, timeout: float) -> TargetNotFound:
        waited = f"waited {timeout:g}s"
        if target.kind == "image":
            return TargetNotFound(
                f"image {Path(target.value or '').name!r} not found on screen ({waited})",
                expected=f"a match of at least {found.confidence:.2f}",
                actual=found.describe(),
                help="the annotated failure screenshot shows the best candidate; "
                "recapture the template or lower `confidence`",
            )
        closest = (f'text "{found.closest}"',) if getattr(found, "closest", "") else ()
        return TargetNotFound(
            f"text {self._mask(target.value or '')!r} not found on screen ({waited})",
            expected=f"text {self._mask(target.value or '')!r}",
            actual=self._mask(found.describe()),
            candidates=closest,
            help=("did you mean " + closest[0] + "?") if closest else None,
        )

    def _focused_box(self) -> tuple[int, int, int, int]:
        box = self.input.focused_window_box()
        if box is None:
            raise TargetNotFound("no window has the keyboard focus", help="click into the app's window first")
        return box

    # -- actions --------------------------------------------------------------------

    def perform(self, capability: str, args: dict[str, Any], timeout: float) -> Any:
        """Do one action; `_ACTIONS` maps each capability of `DESKTOP` to its method."""
        if self.ctx is None:
            raise ActionFailed("no scenario is running on this desktop app")
        handler = self._ACTIONS.get(capability)
        if handler is None:
            raise ActionFailed(f"desktop apps cannot `{capability}`")
        self._require_app()
        return handler(self, args, timeout)

    def _click(self, args: dict[str, Any], timeout: float, *, button: str = "left", clicks: int = 1) -> None:
        x, y = self._point(args["target"], timeout)
        self.input.click(x, y, button=button, clicks=clicks)

    def _move_to(self, args: dict[str, Any], timeout: float) -> None:
        self.input.move(*self._point(args["target"], timeout))

    def _drag(self, args: dict[str, Any], timeout: float) -> None:
        start = self._point(args["source"], timeout)
        end = self._point(args["destination"], timeout)
        self.input.drag(start, end)

    def _type(self, args: dict[str, Any], timeout: float) -> None:
        target = args.get("target")
        if target is not None:
            self.input.click(*self._point(target, timeout))
        text = str(args["text"])
        if self._holds_secret(text):
            self._note_secret_field(target, timeout)
        self.input.type(text)

    def _press(self, args: dict[str, Any], timeout: float) -> None:
        from panoptic.backends.desktop.input import parse_keys

        key = str(args["key"])
        self.input.check_keys(parse_keys(key))  # an unknown key fails before anything is clicked
        target = args.get("target")
        if target is not None:
            self.input.click(*self._point(target, timeout))
        self.input.press(key)

    def _scroll(self, args: dict[str, Any], timeout: float) -> None:
        amount = args.get("amount")
        clicks = DEFAULT_SCROLL_CLICKS if amount is None else max(1, round(float(amount) / SCROLL_STEP))
        self.input.scroll(str(args["direction"]), clicks)

    _ACTIONS: ClassVar[dict[str, Callable[..., Any]]] = {
        "click": _click,
        "double_click": lambda self, a, t: self._click(a, t, clicks=2),
        "right_click": lambda self, a, t: self._click(a, t, button="right"),
        "move_to": _move_to,
        "drag": _drag,
        "type": _type,
        "press": _press,
        "scroll": _scroll,
        "screenshot": lambda self, a, t: self._screenshot(str(a.get("name") or "screenshot")),
        "record_video": lambda self, a, t: self._start_video(),
    }

    def _holds_secret(self, text: str) -> bool:
        return self.ctx is not None and any(s and s in text for s in self.ctx.secrets)

    def _note_secret_field(self, target: ResolvedTarget | None, timeout: float) -> None:
        """Remember the box of the field a secret goes into, to black it out of later screenshots and the video.

        The widget under the pointer (where `type … into` clicked), else the window with the keyboard
        focus; when neither is known, later screenshots of the scenario are refused instead.
        """
        box = self.input.widget_box_under_pointer() if target is not None else None
        if box is None:
            box = self.input.focused_window_box()
        if box is None:
            self._secret_boxes = None
        elif self._secret_boxes is not None:
            self._secret_boxes.append(box)
        if self.recorder is not None and self.recorder.recording:
            self.recorder.mask(box)  # in the video from now on (the whole frame when the box is unknown)

    def _masked(self, shot: Any) -> Any:
        """`shot` with the fields that received a secret blacked out; ActionFailed when one cannot be located."""
        if self._secret_boxes is None:
            raise ActionFailed(
                "a secret was typed into a field whose place on screen is unknown, so no screenshot is taken",
                help="type the secret `into` a target so its field can be masked",
            )
        if not self._secret_boxes:
            return shot
        from PIL import ImageDraw

        shot = shot.copy()
        draw = ImageDraw.Draw(shot)
        for left, top, width, height in self._secret_boxes:
            draw.rectangle((left, top, left + width - 1, top + height - 1), fill=(0, 0, 0))
        return shot

    def _screenshot(self, name: str) -> Artifact:
        assert self.ctx is not None
        shot = self._masked(self.grab())
        path, art = self.ctx.artifact("screenshot", f"{name}.png", name)
        path.parent.mkdir(parents=True, exist_ok=True)
        shot.save(path, format="PNG")
        return art

    # -- queries -----------------------------------------------------------------------

    def health(self) -> None:
        """Called before every step: BackendCrashed when the display or the app has gone."""
        if self.ctx is not None:
            self._display()
            self._require_app()

    def _require_app(self) -> None:
        """BackendCrashed (PAN904) when the app's process has ended: no step may pass on a dead app."""
        if self.process is not None and self.process.exited() is not None:
            raise BackendCrashed(
                f"the app has exited (code {self.process.exited()})",
                actual=self.process.output_tail(mask=self._mask) or "(no output)",
            )

    def query(self, capability: str, args: dict[str, Any]) -> Any:
        self._require_app()  # a dead app shows no window: `hidden` would hold for the wrong reason
        target: ResolvedTarget | None = args.get("target")
        if capability == "query.visible":
            if target is None:
                raise ActionFailed("`visible` needs a target")
            if target.kind == "point":
                assert target.point is not None
                width, height = self._display().size
                return 0 <= target.point[0] < width and 0 <= target.point[1] < height
            if target.kind == "focused":
                return self.input.focused_window_box() is not None
            shot = self.grab()
            found = self._look(target, shot)
            self._miss = None if found.found else _Miss(target, shot, found)
            return bool(found.found)
        if capability == "query.text":
            return self._text_of(target)
        raise ActionFailed(f"desktop apps cannot answer `{capability}`")

    def _text_of(self, target: ResolvedTarget | None) -> str | None:
        """Text read by OCR: the whole screen, the focused window, the line of a text target, an image's box."""
        from panoptic.perception import ocr

        shot = self.grab()
        if target is None:
            return ocr.read_text(shot)
        if target.kind == "focused":
            box = self._focused_box()
            return ocr.read_text(shot.crop((box[0], box[1], box[0] + box[2], box[1] + box[3])))
        if target.kind == "text":
            found = self._look(target, shot)
            self._miss = None if found.found else _Miss(target, shot, found)
            return found.line if found.found else None
        if target.kind == "image":
            found = self._look(target, shot)
            if not found.found:
                self._miss = _Miss(target, shot, found)
                return None
            return ocr.read_text(shot.crop((found.left, found.top, found.left + found.width, found.top + found.height)))
        return None

    def suggest(self, target: ResolvedTarget) -> tuple[str, ...]:
        if target.kind != "text":
            return ()
        found = self._miss.match if self._miss is not None and self._miss.target == target else None
        if found is None:
            found = self._look(target, self.grab())
        closest = getattr(found, "closest", "")
        return (f'text "{self._mask(closest)}"',) if closest and not found.found else ()

    # -- failures ------------------------------------------------------------------------

    def capture_failure(self, ctx: ScenarioContext) -> None:
        with contextlib.suppress(Exception):
            shot = self._masked(self.grab())
            path, _ = ctx.artifact("screenshot", "failure.png", "screen at failure")
            path.parent.mkdir(parents=True, exist_ok=True)
            shot.save(path, format="PNG")
        with contextlib.suppress(Exception):
            self._annotate_miss(ctx)

    def _annotate_miss(self, ctx: ScenarioContext) -> None:
        miss = self._miss
        if miss is None:
            return
        from panoptic.perception import vision

        m = miss.match
        if miss.target.kind == "image":
            label = f"best {m.score:.2f} < {m.confidence:.2f}"
            box = m
        else:
            if not m.closest:
                return
            label = self._mask(f"closest: {m.closest!r} ({m.similarity:.0%})")
            box = vision.Match(False, m.x, m.y, m.left, m.top, m.width, m.height, m.similarity, 1.0, 1.0)
        path, _ = ctx.artifact("image", "failure-candidate.png", f"best candidate for {miss.target.kind} target")
        vision.annotate(self._masked(miss.screenshot), box, path, label=label)
