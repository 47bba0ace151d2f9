"""A recording: Chromium opened on a URL, the listener in every page, the `.pan` file written as it goes.

`Recorder` keeps the events and writes the file (`save`: only when something
was recorded since the last write, atomically through a temporary file).
`attach(page, recorder)` puts the listener into a page.
`record(...)` is what `panoptic record` runs: it opens the browser, writes the
file at most every `WRITE_EVERY` seconds while the user works, and once more
when the page or the browser is closed, or on Ctrl+C (SIGINT), SIGTERM or SIGHUP.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panoptic.backends.web.driver_start import driver_start
from panoptic.record.events import BadEvent, Event, parse_event
from panoptic.record.listener import BINDING, LISTENER_JS
from panoptic.record.steps import fold
from panoptic.record.writer import render

WRITE_EVERY = 0.5


class RecordError(Exception):
    """Recording cannot start or go on; `code` is the diagnostic code, `help` what to do."""

    def __init__(self, code: str, message: str, help: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.help = help


@dataclass(frozen=True)
class Options:
    """How to record: where to write, the scenario's title, the browser."""

    output: Path
    title: str = "recorded scenario"
    headless: bool = False
    browser_path: str | None = None
    debugging_port: int | None = None
    command: str = ""


class Recorder:
    """The events of one recording and the file they are written to."""

    def __init__(self, output: Path, *, title: str = "recorded scenario", command: str = "") -> None:
        self.output = output
        self.title = title
        self.command = command
        self.events: list[Event] = []
        self.rejected: list[BadEvent] = []
        self.page: Any = None
        self._lock = threading.Lock()
        self._dirty = False

    def receive(self, payload: str) -> None:
        """Keep the event of one report of the listener (its JSON text)."""
        try:
            raw = json.loads(payload)
        except ValueError:
            raw = None
        event = parse_event(raw, time.monotonic())
        with self._lock:
            if isinstance(event, BadEvent):
                self.rejected.append(event)
                return
            self.events.append(event)
            self._dirty = True

    def text(self) -> str:
        """The `.pan` text of what was recorded so far."""
        with self._lock:
            events = list(self.events)
        return render(fold(events), path=str(self.output), title=self.title, command=self.command)

    def save(self, *, force: bool = False) -> bool:
        """Write the file if something was recorded since the last write (or `force`); True when written.

        Nothing is written while the recording holds no step (a page that failed to load, an error page).
        """
        with self._lock:
            if not (self._dirty or force):
                return False
            self._dirty = False
            events = list(self.events)
        recording = fold(events)
        if not recording.steps:
            return False
        text = render(recording, path=str(self.output), title=self.title, command=self.command)
        folder = self.output.parent
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.output.name}.", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, self.output)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return True


def attach(page: Any, recorder: Recorder) -> None:
    """Report the actions in `page` to `recorder`, from its next document on (Chromium only).

    The listener goes into every document of the page's context; only `page` gets the binding, so actions in
    other tabs are not reported.
    """
    recorder.page = page
    page.context.add_init_script(LISTENER_JS)
    cdp = page.context.new_cdp_session(page)

    def on_binding(params: dict[str, Any]) -> None:
        if params.get("name") == BINDING:
            recorder.receive(str(params.get("payload", "")))

    cdp.on("Runtime.bindingCalled", on_binding)
    cdp.send("Runtime.enable")  # binding calls are reported to a session with the Runtime domain on
    cdp.send("Runtime.addBinding", {"name": BINDING})  # in every later document of the page, any site


def has_display() -> bool:
    """Whether a headed browser can open a window here."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _launch(playwright: Any, options: Options, profile: str) -> Any:
    from panoptic.environment import CHROMIUM_ARGS, find_chromium

    path = find_chromium(options.browser_path, headless=options.headless)
    if path is None:
        raise RecordError(
            "PAN906",
            "no Chromium found to record with",
            "install one (`panoptic doctor --fix`) or pass --browser-path / set PANOPTIC_BROWSER",
        )
    args = list(CHROMIUM_ARGS)
    if options.debugging_port:
        args.append(f"--remote-debugging-port={options.debugging_port}")
    try:
        return playwright.chromium.launch_persistent_context(
            profile, executable_path=path, headless=options.headless, args=args, no_viewport=not options.headless
        )
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RecordError("PAN906", f"could not start Chromium: {first}") from None


def record(url: str, options: Options, *, on_saved: Callable[[Path], None] | None = None) -> Recorder:
    """Record in Chromium until its page or window closes, or SIGINT/SIGTERM; returns the recorder."""
    if not options.headless and not has_display():
        raise RecordError(
            "PAN906",
            "recording needs a display to show the browser, and DISPLAY is not set",
            "run it where a desktop session is, under `xvfb-run`, or pass --headless to record from a script",
        )
    from playwright.sync_api import sync_playwright

    recorder = Recorder(options.output, title=options.title, command=options.command)
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    try:
        with contextlib.ExitStack() as stack:
            profile = stack.enter_context(tempfile.TemporaryDirectory(prefix="panoptic-record-"))
            with driver_start():  # apart from the terminal: a Ctrl-C stops the recording, not the driver
                playwright = stack.enter_context(sync_playwright())
            context = _launch(playwright, options, profile)
            try:
                page = context.pages[0] if context.pages else context.new_page()
                attach(page, recorder)
                try:
                    page.goto(url)
                except Exception as exc:
                    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    raise RecordError("PAN903", f"could not open {url}: {first}") from None
                _watch(page, recorder, stop)
            finally:
                with contextlib.suppress(Exception):
                    context.close()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if recorder.save(force=not options.output.exists()) and on_saved is not None:
            on_saved(options.output)
    return recorder


def _watch(page: Any, recorder: Recorder, stop: threading.Event) -> None:
    """Let Playwright deliver events until the page closes or a signal asks to stop; write as it goes."""
    last = time.monotonic()
    while not stop.is_set() and not page.is_closed():
        try:
            page.wait_for_timeout(100)
        except Exception:  # the page or the browser went away: the recording is over
            return
        now = time.monotonic()
        if now - last >= WRITE_EVERY:
            last = now
            recorder.save()
    with contextlib.suppress(Exception):  # stopped by a signal: typing the page still holds is reported
        page.evaluate("() => window.__panopticRecorder && window.__panopticRecorder.flush()")
        page.wait_for_timeout(100)
