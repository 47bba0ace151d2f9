"""The web backend: Chromium driven through Playwright's sync API.

One browser per worker (launched in `start`, relaunched after a crash), a
fresh browser context per scenario attempt, opened when a step first needs the
page (or at `begin` when the scenario records video). Playwright is imported
inside the methods only, so `panoptic check` never loads it.

Decisions worth knowing:

* **Strict targets.** An action on a target that matches several elements
  fails with "3 elements match 'button': …; make the target unique" and
  lists targets that pick each element alone (`:nth-match(…, n)` for a CSS
  selector whose matches look alike). Acting on "the first one" would
  silently click the wrong thing when a page changes. Queries follow the same
  rule, except `query.visible` (true when any match is visible, so `hidden`
  means none is) and `query.count`.
* **Queries never wait.** A missing element answers False / None / 0; the
  interpreter polls.
* **Secrets.** Inputs filled with a secret get `-webkit-text-security: disc`
  (they show dots in the video and the trace screencast) and are masked in
  screenshots with Playwright's `mask`. Traces are rewritten through
  `web_secrets.scrub_trace` before being stored (Playwright records fill
  values and input values in them), page HTML and every message through
  `scrub_text`.
* **Device.** `device:` sets the viewport, user agent, scale and touch of
  that device; it wins over `viewport:`.
* **Base URL.** `serve:` wins over `url:` when both are given; relative URLs
  resolve like links in a page (`urljoin`).
* **`scroll`** without an amount scrolls 80 % of the viewport in that
  direction, with the mouse wheel at the pointer's position.
* **`type`** without a target needs a focused element (typing into the page
  body is almost always a missing `into`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from panoptic.backends.serve import StaticServer
from panoptic.backends.web import extended, failures
from panoptic.backends.web.capture import ViewportCapture
from panoptic.backends.web.driver_start import driver_start
from panoptic.backends.web.locate import KEY_HELP, POSITION_KINDS, build_locator, normalize_key
from panoptic.backends.web.secrets import contains_secret, safe_filename, scrub_text, scrub_trace, unique_path
from panoptic.backends.web.services import PageServices, watch
from panoptic.backends.web.spec import WEB
from panoptic.backends.web.suggest import COLLECT_JS, DESCRIBE_JS, describe_elements, parse_candidates, rank
from panoptic.backends.web.traces import close_trace_group, frame_before_group, open_trace_group
from panoptic.contract import PlatformSpec, ResolvedTarget, ScenarioContext
from panoptic.contract.app import AppDef
from panoptic.contract.artifacts import Artifact
from panoptic.contract.errors import (
    ActionFailed,
    BackendCrashed,
    InfrastructureError,
    NavigationFailed,
    StepError,
    TargetNotFound,
)

NO_CHROMIUM_HELP = (
    "install one: `apt-get install -y chromium` (Debian/Ubuntu) or `python -m playwright install chromium`; "
    "or point `browser_path:` or the PANOPTIC_BROWSER environment variable at a Chromium executable"
)

HEADED_HELP = "run under `xvfb-run`, set DISPLAY to a running X server, or drop --headed / `headless: false`"

_CRASH_MARKERS = (
    "target page, context or browser has been closed",
    "target closed",
    "target crashed",
    "browser has been closed",
    "browser has disconnected",
    "connection closed",
    "page closed",
    "context closed",
)

_SECRET_STYLE_JS = "e => { if (e && e.style) e.style.setProperty('-webkit-text-security', 'disc'); }"

_SUBMIT_JS = r"""
(el) => {
  const form = el instanceof HTMLFormElement ? el : (el.form || el.closest('form'));
  if (!form) return {kind: 'noform'};
  if (!form.noValidate && !form.checkValidity()) {
    const bad = Array.from(form.elements).find((e) => e.willValidate && !e.checkValidity());
    return {kind: 'invalid', field: bad ? (bad.name || bad.id || bad.tagName.toLowerCase()) : '',
            message: bad ? bad.validationMessage : ''};
  }
  const submitter = (el.form === form && (el.type === 'submit' || el.type === 'image')) ? el : null;
  if (typeof form.requestSubmit === 'function') form.requestSubmit(submitter || undefined); else form.submit();
  return {kind: 'submitted'};
}
"""

# `_hide_input` in one call: the style is set when exactly one element matches and it is visible as Playwright's
# isVisible() means it (a box and no `visibility: hidden`); anything else answers false and takes the waiting path.
_HIDE_ONE_JS = r"""
(els) => {
  if (els.length !== 1) return false;
  const e = els[0], st = getComputedStyle(e), r = e.getBoundingClientRect();
  if (st.display === 'contents' || !(r.width > 0 && r.height > 0)) return false;
  if (st.visibility === 'hidden' || st.visibility === 'collapse' || !e.style) return false;
  e.style.setProperty('-webkit-text-security', 'disc');
  return true;
}
"""

_SUBMIT_ONE_JS = f"(els) => els.length === 1 ? ({_SUBMIT_JS})(els[0]) : {{kind: 'matches', count: els.length}}"

# Visible as Playwright's isVisible() means it: a non-empty box and no `visibility: hidden` (a `display: contents`
# element is visible when a child is). On screen: visible and its box overlaps the viewport. Every match is examined.
_ANY_VISIBLE_JS = r"""
(els, onScreen) => {
  const visible = (e) => {
    const st = getComputedStyle(e);
    if (st.display === 'contents') return Array.from(e.children).some(visible);
    const r = e.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0) || st.visibility === 'hidden' || st.visibility === 'collapse') return false;
    if (!onScreen) return true;
    return r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth;
  };
  return els.some(visible);
}
"""

# One evaluated poll for `query.text` / `query.value`: [how many elements match, what the first one reads],
# where the old poll made two round trips (count, then read the first).
_READ_FIRST_JS = r"""
(els, [what, raw]) => {
  const e = els[0];
  if (!e) return [0, null];
  if (what === 'text') return [els.length, raw ? e.textContent : (e.innerText ?? e.textContent)];
  const hasValue = 'value' in e && ['INPUT','TEXTAREA','SELECT','BUTTON','OPTION','OUTPUT'].includes(e.tagName);
  return [els.length, hasValue ? String(e.value) : null];
}
"""

# One evaluated poll for the element queries `query.enabled`, `query.checked`, `query.classes`, `query.attribute` and
# `query.css`: [how many elements match, what the first one answers]. Enabled and checked are answered here only where
# Playwright's own rules reduce to the DOM (a native input, textarea, select or button with no `aria-disabled` on it or
# an ancestor; a checkbox or radio input); any other element answers null and is asked through Playwright.
_READ_STATE_JS = r"""
(els, [what, arg]) => {
  const e = els[0];
  if (!e) return [0, null];
  const n = els.length;
  if (what === 'classes') return [n, Array.from(e.classList)];
  if (what === 'attribute') return [n, e.hasAttribute(arg) ? e.getAttribute(arg) : false];
  if (what === 'css') return [n, getComputedStyle(e).getPropertyValue(arg)];
  if (what === 'checked') {
    return [n, e.tagName === 'INPUT' && (e.type === 'checkbox' || e.type === 'radio') ? e.checked : null];
  }
  if (!['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(e.tagName)) return [n, null];
  for (let a = e; a; a = a.parentElement || (a.parentNode instanceof ShadowRoot ? a.parentNode.host : null)) {
    if (a.hasAttribute('aria-disabled')) return [n, null];
  }
  const fieldset = e.closest('FIELDSET[DISABLED]');
  const legend = fieldset ? fieldset.querySelector(':scope > LEGEND') : null;
  return [n, !(e.hasAttribute('disabled') || (!!fieldset && !(legend && legend.contains(e))))];
}
"""
_STATE_QUERIES = {
    "query.enabled": "enabled",
    "query.checked": "checked",
    "query.classes": "classes",
    "query.attribute": "attribute",
    "query.css": "css",
}

_OPTIONS_JS = "el => el.tagName === 'SELECT' ? Array.from(el.options).map(o => [o.label || o.text, o.value]) : null"
_ALL_OPTIONS_JS = f"els => els.map({_OPTIONS_JS})"

_FIELD_VALUES_JS = r"""
() => Array.from(document.querySelectorAll('input, textarea, [contenteditable]'))
  .map((e) => e.isContentEditable ? (e.innerText || '') : String(e.value ?? ''))
"""

_MARK_SECRET_FIELDS_JS = r"""
(indexes) => {
  const all = Array.from(document.querySelectorAll('input, textarea, [contenteditable]'));
  for (const e of document.querySelectorAll('[data-panoptic-secret]')) e.removeAttribute('data-panoptic-secret');
  for (const i of indexes) if (all[i]) all[i].setAttribute('data-panoptic-secret', '');
  return indexes.length;
}
"""

_FOCUSED_JS = r"""
() => {
  const a = document.activeElement;
  return !!a && a !== document.body && a !== document.documentElement;
}
"""

_SETTLE_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


# ---- one Playwright driver per thread -------------------------------------------

_local = threading.local()


class _Driver:
    """The thread's Playwright instance; Playwright's sync API allows only one per thread."""

    def __init__(self, playwright: Any) -> None:
        self.playwright = playwright
        self.users = 0


def _acquire_driver() -> _Driver:
    driver: _Driver | None = getattr(_local, "driver", None)
    if driver is None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise InfrastructureError(
                "the web backend needs Playwright, which is not installed",
                help="install it with: pip install playwright (a dependency of panoptic-lang)",
            ) from exc
        try:
            with driver_start():
                playwright = sync_playwright().start()
        except Exception as exc:
            raise InfrastructureError(
                f"could not start Playwright: {_first_line(str(exc))}",
                help="the web backend uses Playwright's sync API; run it outside an asyncio event loop",
            ) from exc
        driver = _Driver(playwright)
        _local.driver = driver
    driver.users += 1
    return driver


def _release_driver(driver: _Driver, *, broken: bool = False) -> None:
    driver.users -= 1
    if driver.users > 0 and not broken:
        return
    if getattr(_local, "driver", None) is driver:
        _local.driver = None
    with contextlib.suppress(Exception):
        driver.playwright.stop()


def _first_line(text: str) -> str:
    for line in text.strip().splitlines():
        line = line.strip()
        if line:
            return line
    return text.strip()


def _seconds(timeout: float) -> str:
    return f"{timeout:g}s"


class WebBackend:
    """A web app in Chromium: see the module docstring for the behaviour, `specs.WEB` for the settings."""

    spec: ClassVar[PlatformSpec] = WEB
    # What a full trace records (`context.tracing.start`): screencast frames, DOM snapshots of every action, sources.
    TRACE_OPTIONS: ClassVar[dict[str, bool]] = {"screenshots": True, "snapshots": True, "sources": True}
    # What a first attempt records under the default `trace: on-failure`: every call, console, network, sources.
    LIGHT_TRACE_OPTIONS: ClassVar[dict[str, bool]] = {"screenshots": False, "snapshots": False, "sources": True}

    def __init__(self, app: AppDef, *, headed: bool = False) -> None:
        self.app = app
        self.settings: dict[str, Any] = dict(app.settings)
        self.headed = bool(headed) or self.settings.get("headless", True) is False
        self.default_timeout = float(self.settings.get("timeout") or 10.0)
        self.base_url: str | None = None
        self.browser_executable: str | None = None
        self._server: StaticServer | None = None
        self._driver: _Driver | None = None
        self._browser: Any = None
        self._device: dict[str, Any] | None = None
        self._capture = ViewportCapture()
        self._context: Any = None
        self._page: Any = None
        self._pages: list[Any] = []
        self._ctx: ScenarioContext | None = None
        self._tracing = False
        self._groups: list[int] = []  # per open step: the number of its trace group (0: none was opened)
        self._open_steps: list[tuple[str, Any]] = []  # per open step: its text and span, for groups opened late
        self._attempt = False  # a scenario attempt has begun and not ended: a step may open its browser context
        self._group_count = 0  # trace groups opened in this scenario attempt
        self._failed_group = 0  # the number of the group open when the failure was captured (0: none)
        self._video_problem: str | None = None
        self._crash: str | None = None

    # ---- lifecycle ----------------------------------------------------------------

    def start(self) -> None:
        """Serve the app's folder (if `serve:`), start Playwright and launch the browser."""
        serve = self.settings.get("serve")
        if serve:
            self._server = StaticServer(Path(serve))
            self.base_url = self._server.start()
        elif self.settings.get("url"):
            self.base_url = str(self.settings["url"])
        try:
            self._launch()
        except BaseException:
            self.stop()
            raise

    def begin(self, ctx: ScenarioContext) -> None:
        """Begin one scenario attempt. Its fresh browser context and page open when a step first needs them
        (`_ensure_context`: a navigation, action, query or screenshot), so a scenario that never touches the page
        costs no context; a scenario that records video opens them here, as the recording starts with the context."""
        if self._context is not None:  # a previous scenario that was never ended
            with contextlib.suppress(Exception):
                self._context.close()
            self._context = self._page = None
        self._ctx = ctx
        self._crash = None
        self._video_problem = None
        self._tracing = False
        self._groups, self._group_count, self._failed_group = [], 0, 0
        self._open_steps = []
        self._pages = []
        self._attempt = True
        if ctx.record_video:
            self._ensure_context()

    def _ensure_context(self) -> None:
        """Open the attempt's browser context and page unless they are open (relaunching a dead browser first)."""
        ctx = self._ctx
        if self._context is not None or ctx is None or not self._attempt:
            return
        if self._crash or self._driver is None or self._browser is None or not self._browser_alive():
            self._relaunch()
            self._crash = None
        try:
            self._open_context(ctx)
        except StepError:
            raise
        except Exception as exc:
            if not self._is_crash(exc):
                raise InfrastructureError(
                    f"could not open a browser context: {self._scrub(_first_line(str(exc)))}"
                ) from exc
            # The browser (or Playwright's driver) died between scenarios: start over once.
            self._relaunch(driver_too=True)
            self._crash = None
            self._open_context(ctx)
        self._open_late_groups()

    def end(self, ctx: ScenarioContext, failed: bool) -> None:
        """Keep the trace (on failure, or always per `trace:`), close the context, store the video."""
        self._attempt = False
        context, self._context = self._context, None
        page, self._page = self._page, None
        pages, self._pages = self._pages or ([page] if page is not None else []), []
        if context is None:
            return
        if self._tracing:
            self._tracing = False
            keep = failed or self.settings.get("trace") == "always"
            self._finish_trace(ctx, context, keep)
        videos = []
        for p in pages:
            try:
                if p.video is not None:
                    videos.append(p.video)
            except Exception:
                pass
        with contextlib.suppress(Exception):
            context.close()
        for i, video in enumerate(videos):
            self._store_video(ctx, video, "video.webm" if i == 0 else f"video-{i + 1}.webm")

    def stop(self) -> None:
        """Close the browser, release Playwright and stop the static server; never raises."""
        if self._context is not None:
            with contextlib.suppress(Exception):
                self._context.close()
            self._context = self._page = None
        self._close_browser()
        if self._driver is not None:
            _release_driver(self._driver)
            self._driver = None
        if self._server is not None:
            self._server.stop()
            self._server = None

    # ---- launching ----------------------------------------------------------------

    def _launch(self) -> None:
        if self._driver is None:
            self._driver = _acquire_driver()
        playwright = self._driver.playwright
        device_name = self.settings.get("device")
        if device_name and self._device is None:
            self._device = self._device_descriptor(playwright, str(device_name))
        engine = str(self.settings.get("browser") or "chromium")
        options: dict[str, Any] = {"headless": not self.headed}
        with contextlib.suppress(ValueError):  # `panoptic run --slow-mo 500ms`
            options["slow_mo"] = max(0.0, float(os.environ.get("PANOPTIC_SLOW_MO") or 0)) or None
        if options.get("slow_mo") is None:
            options.pop("slow_mo", None)
        if engine == "chromium":
            explicit = self.settings.get("browser_path")
            from panoptic.environment import BROWSER_ENV, CHROMIUM_ARGS, find_chromium

            path = find_chromium(str(explicit) if explicit else None, headless=not self.headed)
            if path is None:
                if explicit:
                    raise InfrastructureError(
                        f"browser_path {explicit!r} is not an executable Chromium", help=NO_CHROMIUM_HELP
                    )
                if os.environ.get(BROWSER_ENV):
                    raise InfrastructureError(
                        f"{BROWSER_ENV}={os.environ[BROWSER_ENV]!r} is not an executable Chromium",
                        help=NO_CHROMIUM_HELP,
                    )
                raise InfrastructureError(
                    "no Chromium found (looked for Playwright's own browser and chromium, chromium-browser, "
                    "google-chrome on PATH)",
                    help=NO_CHROMIUM_HELP,
                )
            self.browser_executable = path
            options["executable_path"] = path
            options["args"] = list(CHROMIUM_ARGS)
        if self.headed and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            raise InfrastructureError(
                "a headed browser needs a display, and DISPLAY is not set",
                help=HEADED_HELP,
            )
        launcher = getattr(playwright, engine, None)
        if launcher is None:
            raise InfrastructureError(f"Playwright has no browser engine {engine!r}")
        try:
            browser = launcher.launch(**options)
        except Exception as exc:
            raise InfrastructureError(
                f"could not launch {engine}: {_first_line(str(exc))}", help=self._launch_help(engine, str(exc))
            ) from exc
        browser.on("disconnected", self._on_disconnected)
        self._browser = browser

    def _on_disconnected(self, browser: Any) -> None:
        if browser is self._browser:
            self._note_crash("the browser closed or was killed")

    def _launch_help(self, engine: str, message: str) -> str:
        low = message.lower()
        if self.headed and ("display" in low or "x server" in low or "ozone" in low):
            return HEADED_HELP
        if engine != "chromium":
            return f"install Playwright's build with: python -m playwright install --with-deps {engine}"
        return NO_CHROMIUM_HELP

    def _relaunch(self, *, driver_too: bool = False) -> None:
        self._close_browser()
        if driver_too and self._driver is not None:
            _release_driver(self._driver, broken=True)
            self._driver = None
        try:
            self._launch()
        except InfrastructureError:
            if driver_too or self._driver is None:
                raise
            # Playwright's driver itself may be gone: restart it once.
            _release_driver(self._driver, broken=True)
            self._driver = None
            self._launch()

    def _close_browser(self) -> None:
        browser, self._browser = self._browser, None
        if browser is not None:
            with contextlib.suppress(Exception):
                browser.close()

    def _browser_alive(self) -> bool:
        try:
            return bool(self._browser.is_connected())
        except Exception:
            return False

    def _device_descriptor(self, playwright: Any, name: str) -> dict[str, Any]:
        devices = playwright.devices
        if name in devices:
            return dict(devices[name])
        import difflib

        close = tuple(difflib.get_close_matches(name, list(devices), n=5, cutoff=0.5))
        raise ActionFailed(
            f"unknown device {name!r} for app {self.app.name}",
            help=("did you mean " + ", ".join(repr(c) for c in close) + "?")
            if close
            else 'use a name from Playwright\'s device list, e.g. "iPhone 13" or "Pixel 7"',
            candidates=close,
        )

    def _context_options(self, ctx: ScenarioContext, *, video: bool) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self._device:
            options.update({k: v for k, v in self._device.items() if k != "default_browser_type"})
        viewport = self.settings.get("viewport")
        if viewport and not self._device:
            options["viewport"] = {"width": int(viewport[0]), "height": int(viewport[1])}
        elif not self._device:
            options["viewport"] = {"width": 1280, "height": 720}
        if self.settings.get("locale"):
            options["locale"] = str(self.settings["locale"])
        if self.base_url and re.match(r"https?://", self.base_url):
            options["base_url"] = self.base_url
        if video:
            size = options.get("viewport") or {"width": 1280, "height": 720}
            options["record_video_dir"] = str(ctx.artifacts_dir)
            options["record_video_size"] = {"width": int(size["width"]), "height": int(size["height"])}
        return options

    def _open_context(self, ctx: ScenarioContext) -> None:
        ctx.artifacts_dir.mkdir(parents=True, exist_ok=True)
        video = bool(ctx.record_video)
        if video:
            from panoptic.environment import ensure_ffmpeg_link

            ok, message = ensure_ffmpeg_link()
            if not ok:
                self._video_problem = (
                    f"video recording needs ffmpeg where Playwright looks for it: {message}; "
                    "install it with: apt-get install -y ffmpeg (then `panoptic doctor --fix` links it)"
                )
                video = False
        context = self._browser.new_context(**self._context_options(ctx, video=video))
        try:
            page = context.new_page()
        except Exception as exc:
            if not video or self._is_crash(exc):
                context.close()
                raise
            # Playwright could not start its video recorder: run without it, and say why at `record video`.
            self._video_problem = f"video recording could not start: {self._scrub(_first_line(str(exc)))}"
            context.close()
            context = self._browser.new_context(**self._context_options(ctx, video=False))
            page = context.new_page()
        ms = float(ctx.default_timeout or self.default_timeout) * 1000
        context.set_default_timeout(ms)
        context.set_default_navigation_timeout(ms)
        context.on("page", self._track_page)
        self._track_page(page)
        self._context, self._page = context, page
        options = self.trace_options(str(self.settings.get("trace", "on-failure")), ctx.attempt)
        if options is not None:
            context.tracing.start(title=self._scrub(ctx.title), **options)
            self._tracing = True

    @classmethod
    def trace_options(cls, setting: str, attempt: int) -> dict[str, bool] | None:
        """What an attempt's trace records under the app's `trace:` setting; None for no trace.

        The default (`on-failure`) records every call, console and network on a
        first attempt, and DOM snapshots and the filmstrip too on a retry, the
        attempt a flaky failure is studied on; `full` and `always` record all of
        it on every attempt.
        """
        if setting == "off":
            return None
        if setting == "on-failure" and attempt == 1:
            return cls.LIGHT_TRACE_OPTIONS
        return cls.TRACE_OPTIONS

    def step_begin(self, text: str, span: Any) -> None:
        """Group what the step does in the trace under its source text, located at its `.pan` line."""
        context = self._context
        self._open_steps.append((text, span))
        if not self._tracing or context is None:
            self._groups.append(0)
            return
        self._groups.append(self._open_group(context, text, span))

    def _open_group(self, context: Any, text: str, span: Any) -> int:
        """Open a trace group for a step; its number, or 0 when none could be opened."""
        location = None
        with contextlib.suppress(Exception):
            location = {"file": str(Path(span.file).resolve()), "line": int(span.line), "column": int(span.col)}
        try:
            open_trace_group(context.tracing, self._scrub(text)[:300], location)
        except Exception:
            return 0
        self._group_count += 1
        return self._group_count

    def _open_late_groups(self) -> None:
        """The context opened inside a step: open the trace groups of the steps under way, outermost first."""
        if not self._tracing or self._context is None:
            return
        for i, (text, span) in enumerate(self._open_steps[: len(self._groups)]):
            if not self._groups[i]:
                self._groups[i] = self._open_group(self._context, text, span)

    def step_end(self) -> None:
        """Close the step's trace group; never raises."""
        if self._open_steps:
            self._open_steps.pop()
        if self._groups and self._groups.pop() and self._tracing and self._context is not None:
            with contextlib.suppress(Exception):
                close_trace_group(self._context.tracing)

    def _track_page(self, page: Any) -> None:
        if page in self._pages:
            return
        self._pages.append(page)
        page.on("crash", lambda _p: self._note_crash("the page crashed"))
        with contextlib.suppress(Exception):
            watch(page)  # console errors, page errors, failed requests, HTTP >= 400
        with contextlib.suppress(Exception):
            extended.track_page(self, page)  # dialogs (answered by the scenario's policy) and responses

    def _note_crash(self, reason: str) -> None:
        if self._crash is None:
            self._crash = reason

    # ---- artifacts ----------------------------------------------------------------

    def _finish_trace(self, ctx: ScenarioContext, context: Any, keep: bool) -> None:
        if not keep:
            with contextlib.suppress(Exception):
                context.tracing.stop()
            return
        tmp = Path(tempfile.mkdtemp(prefix="panoptic-trace-"))
        try:
            raw = tmp / "trace.zip"
            context.tracing.stop(path=str(raw))
            if raw.is_file():
                path, _art = ctx.artifact("trace", "trace.zip", "trace")
                scrub_trace(raw, path, ctx.secrets)
                if self._failed_group:
                    self._store_before(ctx, path, self._failed_group)
        except Exception:
            # Drop the registration if the file could not be written.
            ctx.written[:] = [a for a in ctx.written if not (a.kind == "trace" and a.path.endswith("/trace.zip"))]
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _store_video(self, ctx: ScenarioContext, video: Any, filename: str) -> None:
        try:
            source = Path(video.path())
        except Exception:
            return
        if not source.is_file() or source.stat().st_size == 0:
            return
        try:
            destination = ctx.artifacts_dir / filename
            if source != destination:
                source.replace(destination)
            ctx.artifact("video", filename, "video")
        except OSError:
            pass

    def _store_before(self, ctx: ScenarioContext, trace: Path, group: int) -> None:
        """Save the trace's last screencast frame before the failed step began as `before-failure.jpeg`."""
        with contextlib.suppress(Exception):
            frame = frame_before_group(trace, group)
            if frame is not None:
                path = unique_path(ctx.artifacts_dir, "before-failure", ".jpeg")
                path.write_bytes(frame)
                ctx.artifact("screenshot", path.name, "before failure")

    def capture_failure(self, ctx: ScenarioContext) -> None:
        """A masked screenshot and the page's HTML (secrets scrubbed); never raises."""
        if not self._failed_group:
            self._failed_group = next((g for g in reversed(self._groups) if g), 0)
        page = self._page
        if page is None or self._crash:
            return
        try:
            if page.is_closed():
                return
        except Exception:
            return
        try:
            path = unique_path(ctx.artifacts_dir, "failure", ".png")
            page.screenshot(path=str(path), mask=self._secret_masks(page), timeout=10_000)
            if path.is_file():
                ctx.artifact("screenshot", path.name, "failure")
        except Exception:
            pass
        try:
            html = scrub_text(page.content(), ctx.secrets)
            path = unique_path(ctx.artifacts_dir, "page", ".html")
            path.write_text(html, encoding="utf-8")
            ctx.artifact("html", path.name, "page")
        except Exception:
            pass
        if self.headed and os.environ.get("PANOPTIC_DEBUG") and not os.environ.get("CI"):
            try:  # `panoptic run --debug`: the failing page stays open in the inspector until it is resumed
                page.pause()
            except Exception:
                pass

    def _secret_masks(self, page: Any) -> list[Any]:
        """Locators of the page's fields whose value is (or contains) a secret, for `screenshot(mask=…)`."""
        secrets = self._secrets()
        if not secrets:
            return []
        values = page.evaluate(_FIELD_VALUES_JS)
        hits = [
            i
            for i, value in enumerate(values or [])
            if isinstance(value, str) and value and (value in secrets or contains_secret(value, secrets))
        ]
        page.evaluate(_MARK_SECRET_FIELDS_JS, hits)
        return [page.locator("[data-panoptic-secret]")] if hits else []

    # ---- helpers ------------------------------------------------------------------

    def _secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self._ctx.secrets if self._ctx else ()) if s)

    def _scrub(self, text: str) -> str:
        return scrub_text(text, self._secrets())

    def _require_page(self) -> Any:
        if self._page is None:
            self._ensure_context()
        if self._crash:
            raise self._crashed()
        page = self._page
        if page is None:
            raise ActionFailed("no page is open: the web session has not begun")
        try:
            closed = page.is_closed()
        except Exception:
            closed = True
        if closed:
            self._note_crash("the page was closed")
            raise self._crashed()
        return page

    def _crashed(self, detail: str = "") -> BackendCrashed:
        reason = self._crash or "the browser stopped answering"
        message = reason + (f" ({self._scrub(_first_line(detail))})" if detail else "")
        return BackendCrashed(
            message,
            help="the scenario could not go on; the next scenario starts a fresh browser. "
            "Run it again, or with --headed, to see whether the page itself crashes the browser",
        )

    def _is_crash(self, exc: BaseException) -> bool:
        if self._crash:
            return True
        message = str(exc).lower()
        if type(exc).__name__ == "TargetClosedError" or any(m in message for m in _CRASH_MARKERS):
            if not self._browser_alive():
                self._note_crash("the browser closed or was killed")
            else:
                self._note_crash("the page or its browser context closed")
            return True
        return False

    def _resolve_url(self, url: str) -> str:
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url):
            return url
        if not self.base_url:
            raise NavigationFailed(
                f"cannot open the relative URL {self._scrub(url)!r}: app {self.app.name} has no `url:` or `serve:`",
                help='give the app `url: "http://…"` or `serve: "folder"`, or open an absolute URL',
            )
        return urljoin(self.base_url, url)

    def _locator(self, target: ResolvedTarget) -> Any:
        return build_locator(self._require_page(), target)

    def _run(self, what: str, target: ResolvedTarget | None, timeout: float, fn: Callable[[], Any]) -> Any:
        """Call Playwright and turn its errors into StepErrors that say what happened."""
        try:
            return fn()
        except StepError:
            raise
        except Exception as exc:
            raise self._translate(exc, what, target, timeout) from None

    def _translate(self, exc: BaseException, what: str, target: ResolvedTarget | None, timeout: float) -> StepError:
        if self._is_crash(exc):
            return self._crashed(str(exc))
        message = str(exc)
        low = message.lower()
        desc = self._scrub(target.describe()) if target is not None else ""
        if "strict mode violation" in low and target is not None:
            return self._strict_error(target, message)
        if target is not None and ("selector" in low and ("unexpected token" in low or "not a valid" in low)):
            return ActionFailed(
                f"{desc} is not a valid {'XPath' if target.kind == 'xpath' else 'CSS'} selector",
                help=self._scrub(_first_line(message)),
            )
        if type(exc).__name__ == "TimeoutError":
            if target is not None and target.kind not in POSITION_KINDS:
                return self._why_not(target, what, timeout, message)
            return ActionFailed(f"could not {what} within {_seconds(timeout)}", help=self._call_log(message))
        if "unknown key" in low:
            return ActionFailed(self._scrub(_first_line(message)).split(": ", 1)[-1], help=KEY_HELP)
        detail = self._scrub(_first_line(message))
        detail = re.sub(r"^[A-Za-z]+\.[A-Za-z_]+: ", "", detail)
        return ActionFailed(f"could not {what}" + (f" {desc}" if desc else "") + f": {detail}")

    def _call_log(self, message: str) -> str | None:
        reason = failures.call_log_reason(message)  # what stopped the action, not its last "waiting 500ms"
        return self._scrub(reason) if reason else None

    def _strict_error(self, target: ResolvedTarget, message: str) -> StepError:
        found = re.search(r"resolved to (\d+) elements", message)
        count = found.group(1) if found else "several"
        described: tuple[str, ...] = ()
        try:
            raw = build_locator(self._page, target).evaluate_all(DESCRIBE_JS)
            described = tuple(c for c in describe_elements(raw) if not contains_secret(c, self._secrets()))
        except Exception:
            pass
        text, candidates = failures.several_matches(count, self._scrub(target.describe()), target, described)
        return ActionFailed(text, help=self._scrub(failures.pick_one_help(target)), candidates=candidates)

    def _why_not(self, target: ResolvedTarget, what: str, timeout: float, message: str) -> StepError:
        """After a timeout: the element is missing, hidden, disabled or blocked — say which."""
        desc = self._scrub(target.describe())
        reason = self._call_log(message)
        try:
            locator = build_locator(self._page, target)
            count = locator.count()
        except Exception:  # the page went away or navigated: how many match is not known, so none is claimed
            return ActionFailed(
                f"could not {what} {desc} within {_seconds(timeout)}" + (f": {reason}" if reason else ""),
                help="the page changed while the step waited; wait for it to settle (`expect …`) first",
            )
        if count == 0:
            seen = failures.resolved_element(message)
            if seen is not None:  # it matched while the action waited, then went away
                return TargetNotFound(
                    f"{desc} matched {self._scrub(seen)} while waiting to {what} it, but matches nothing now"
                    + (f" (last: {reason})" if reason else ""),
                    help="the page replaced or removed the element; wait for the page to settle (`expect …`) first",
                )
            candidates = self.suggest(target)
            return TargetNotFound(
                f"no element matches {desc} within {_seconds(timeout)}",
                help=("did you mean " + " or ".join(candidates[:3]) + "?") if candidates else None,
                candidates=candidates,
            )
        if count > 1:
            return self._strict_error(target, f"resolved to {count} elements")
        element = locator.first
        try:
            if not element.is_visible():
                return TargetNotFound(
                    f"{desc} is on the page but not visible within {_seconds(timeout)}",
                    help="wait for it to appear (`wait until … visible`) or target the visible element",
                )
            if not element.is_enabled(timeout=1000):
                return ActionFailed(f"cannot {what} {desc}: it is disabled", help="wait until it is enabled")
            if what in ("fill", "type into") and not element.is_editable(timeout=1000):
                return ActionFailed(
                    f"{desc} is not editable", help="target an input, a textarea or an editable element"
                )
        except Exception:
            pass
        covered = reason is not None and "intercepts pointer events" in reason
        return ActionFailed(
            f"could not {what} {desc} within {_seconds(timeout)}" + (f": {reason}" if reason else ""),
            help="another element covers it: close or wait for that element first (`expect … hidden`)"
            if covered
            else "another element may cover it, or it keeps moving",
        )

    # ---- positions (point and image targets) ------------------------------------------

    def _position(self, target: ResolvedTarget, timeout: float) -> tuple[float, float]:
        if target.kind == "point":
            if target.point is None:
                raise ActionFailed("a point target needs coordinates")
            return float(target.point[0]), float(target.point[1])
        match = self._find_image(target, timeout)
        return float(match.x), float(match.y)

    def _find_image(self, target: ResolvedTarget, timeout: float, *, once: bool = False) -> Any:
        from panoptic.perception.vision import DEFAULT_CONFIDENCE, find_image

        if not target.value:
            raise ActionFailed("an image target needs a file")
        page = self._require_page()
        confidence = float(self.settings.get("confidence") or DEFAULT_CONFIDENCE)
        deadline = time.monotonic() + max(timeout, 0.0)
        fast = self._device is None and str(self.settings.get("browser") or "chromium") == "chromium"
        while True:
            png = self._run(
                "take a screenshot", None, timeout, lambda: self._capture.png(page, chromium_at_css_scale=fast)
            )
            match = find_image(png, Path(target.value), confidence)
            if match.found or once or time.monotonic() >= deadline:
                break
            time.sleep(0.25)
        if not match.found and not once:
            raise TargetNotFound(
                f"{target.describe()} was not found on the page within {_seconds(timeout)}: {match.describe()}",
                help="check that the image shows what the page renders at this viewport, or lower `confidence`",
            )
        return match

    def _element_only(self, target: ResolvedTarget, what: str) -> None:
        if target.kind in POSITION_KINDS:
            raise ActionFailed(
                f"{what} needs an element target, not {target.describe()}",
                help="use a css, text, role, label, placeholder, testid, xpath or id target",
            )

    # ---- actions --------------------------------------------------------------------

    def perform(self, capability: str, args: dict[str, Any], timeout: float) -> Any:
        """Do one action; see `specs.WEB.capabilities` for the names and COMMON's argument list."""
        handler = self._ACTIONS.get(capability) or extended.ACTIONS.get(capability)
        if handler is None:
            raise ActionFailed(f"the web backend cannot {capability.replace('_', ' ')}")
        self._require_page()
        return handler(self, args, float(timeout))

    def _navigate(self, args: dict[str, Any], timeout: float) -> None:
        page = self._require_page()
        url = self._resolve_url(str(args["url"]))
        shown = self._scrub(url)
        response = None
        for attempt in (1, 2):
            try:
                response = page.goto(url, timeout=timeout * 1000)
                break
            except Exception as exc:
                if self._is_crash(exc):
                    raise self._crashed(str(exc)) from None
                # A previous failed navigation may still be committing Chromium's error page, or Chromium
                # commits its own error page for this very URL (an HTTP error with an empty body): once more.
                interrupted = re.search(r'interrupted by another navigation to "([^"]*)"', str(exc))
                if attempt == 1 and interrupted and interrupted.group(1).startswith(("chrome-error:", url)):
                    with contextlib.suppress(Exception):
                        page.wait_for_load_state("load", timeout=2000)
                    continue
                with contextlib.suppress(Exception):
                    page.wait_for_load_state("load", timeout=2000)  # let the error page settle
                if self._page_crashed(page):  # an aborted navigation can be the page crashing
                    raise self._crashed(str(exc)) from None
                raise self._navigation_error(shown, str(exc), timeout) from None
        self._check_status(shown, response)

    def _page_crashed(self, page: Any) -> bool:
        """Whether the page crashed: noted already, or found by one bounded call into it."""
        if not self._crash:
            try:
                page.wait_for_function("true", timeout=1000)  # bounded: a page busy in a script never answers
            except Exception as exc:
                return self._is_crash(exc)
        return bool(self._crash)

    def _navigation_error(self, url: str, message: str, timeout: float) -> NavigationFailed:
        code = re.search(r"net::(ERR_[A-Z_]+)", message)
        if "timeout" in message.lower() and not code:
            return NavigationFailed(
                f"{url} did not finish loading within {_seconds(timeout)}",
                help="the server answered slowly or the page kept loading; raise the app's `timeout:` or `within`",
            )
        reason = code.group(1) if code else self._scrub(_first_line(message))
        return NavigationFailed(f"could not open {url}: {reason}", help=self._navigation_help(url, reason))

    def _navigation_help(self, url: str, reason: str) -> str:
        host = urlsplit(url).netloc or url
        if reason in (
            "ERR_CONNECTION_REFUSED",
            "ERR_CONNECTION_RESET",
            "ERR_EMPTY_RESPONSE",
            "ERR_ADDRESS_UNREACHABLE",
        ):
            if self._server is not None and url.startswith(self.base_url or "\0"):
                return "the static server for `serve:` stopped answering; run again"
            return (
                f"nothing answers at {host}: start the site before the run, or fix `url:` of app {self.app.name}"
                if self.settings.get("url")
                else f"nothing answers at {host}: start that server or fix the URL"
            )
        if reason == "ERR_NAME_NOT_RESOLVED":
            return f"the host name in {url} does not resolve: check the spelling or the network"
        if reason.startswith("ERR_CERT"):
            return "the site's TLS certificate was rejected"
        return "check that the URL is right and the server answers"

    def _check_status(self, url: str, response: Any) -> None:
        if response is None:
            return
        status = int(response.status)
        if status >= 400:
            text = (response.status_text or "").strip()
            raise NavigationFailed(
                f"{url} answered HTTP {status}" + (f" {text}" if text else ""),
                help="check the path" + (f" (served from {self.settings.get('serve')})" if self._server else ""),
                expected="a status below 400",
                actual=str(status),
            )

    def _click(self, args: dict[str, Any], timeout: float, *, kind: str = "click") -> None:
        target: ResolvedTarget = args["target"]
        page = self._require_page()
        what = {"click": "click", "double_click": "double-click", "right_click": "right-click", "hover": "hover"}[kind]
        if target.kind in POSITION_KINDS:
            x, y = self._position(target, timeout)
            mouse = page.mouse
            calls = {
                "click": lambda: mouse.click(x, y),
                "double_click": lambda: mouse.dblclick(x, y),
                "right_click": lambda: mouse.click(x, y, button="right"),
                "hover": lambda: mouse.move(x, y),
            }
            self._run(what, target, timeout, calls[kind])
            return
        locator = build_locator(page, target)
        ms = timeout * 1000
        element_calls = {
            "click": lambda: locator.click(timeout=ms),
            "double_click": lambda: locator.dblclick(timeout=ms),
            "right_click": lambda: locator.click(button="right", timeout=ms),
            "hover": lambda: locator.hover(timeout=ms),
        }
        self._run(what, target, timeout, element_calls[kind])

    def _fill(self, args: dict[str, Any], timeout: float) -> None:
        target: ResolvedTarget = args["target"]
        text = str(args["text"])
        page = self._require_page()
        secret = contains_secret(text, self._secrets())
        if target.kind in POSITION_KINDS:
            x, y = self._position(target, timeout)

            def at_point() -> None:
                page.mouse.click(x, y)
                if secret:
                    page.evaluate(f"() => ({_SECRET_STYLE_JS})(document.activeElement)")
                page.keyboard.press("ControlOrMeta+A")
                if text:
                    page.keyboard.insert_text(text)
                else:
                    page.keyboard.press("Delete")

            self._run("fill", target, timeout, at_point)
            return
        locator = build_locator(page, target)
        ms = timeout * 1000

        def fill() -> None:
            if secret:
                _hide_input(locator, ms)
            locator.fill(text, timeout=ms)

        self._run("fill", target, timeout, fill)

    def _type(self, args: dict[str, Any], timeout: float) -> None:
        text = str(args["text"])
        target: ResolvedTarget | None = args.get("target")
        page = self._require_page()
        secret = contains_secret(text, self._secrets())
        if target is None:
            focused = self._run("type", None, timeout, lambda: page.evaluate(_FOCUSED_JS))
            if not focused:
                raise ActionFailed(
                    "nothing has the keyboard focus to type into",
                    help="write `type … into <target>`, or click the field first",
                )
            if secret:
                self._run(
                    "type", None, timeout, lambda: page.evaluate(f"() => ({_SECRET_STYLE_JS})(document.activeElement)")
                )
            self._run("type", None, timeout, lambda: page.keyboard.type(text))
            return
        if target.kind in POSITION_KINDS:
            x, y = self._position(target, timeout)
            self._run("type into", target, timeout, lambda: (page.mouse.click(x, y), page.keyboard.type(text)))
            return
        locator = build_locator(page, target)
        ms = timeout * 1000

        def type_into() -> None:
            if secret:
                _hide_input(locator, ms)
            locator.press_sequentially(text, timeout=ms)

        self._run("type into", target, timeout, type_into)

    def _press(self, args: dict[str, Any], timeout: float) -> None:
        key = normalize_key(str(args["key"]))
        target: ResolvedTarget | None = args.get("target")
        page = self._require_page()
        if target is None:
            self._run(f"press {key}", None, timeout, lambda: page.keyboard.press(key))
        elif target.kind in POSITION_KINDS:
            x, y = self._position(target, timeout)
            self._run(f"press {key} on", target, timeout, lambda: (page.mouse.click(x, y), page.keyboard.press(key)))
        else:
            locator = build_locator(page, target)
            self._run(f"press {key} on", target, timeout, lambda: locator.press(key, timeout=timeout * 1000))

    def _submit(self, args: dict[str, Any], timeout: float) -> None:
        target: ResolvedTarget = args["target"]
        self._element_only(target, "submit")
        locator = self._locator(target)
        ms = timeout * 1000

        def submit() -> dict[str, Any]:
            # One call when exactly one element matches; else wait for it, as Playwright would (or its strict error).
            now = locator.evaluate_all(_SUBMIT_ONE_JS)
            if now.get("kind") != "matches":
                return now
            locator.wait_for(state="attached", timeout=ms)
            return locator.evaluate(_SUBMIT_JS, timeout=ms)

        result = self._run("submit", target, timeout, submit) or {}
        kind = result.get("kind")
        if kind == "invalid":
            field = self._scrub(str(result.get("field") or "a field"))
            why = self._scrub(str(result.get("message") or "it is not valid"))
            raise ActionFailed(
                f"the form of {self._scrub(target.describe())} was not submitted: {field}: {why}",
                help="fill the required fields with valid values first",
            )
        if kind == "noform":
            raise ActionFailed(
                f"{self._scrub(target.describe())} is not in a form, so there is nothing to submit",
                help="target the form or one of its fields, or `press Enter` / `click` the button that sends it",
            )

    def _select(self, args: dict[str, Any], timeout: float) -> None:
        target: ResolvedTarget = args["target"]
        value = str(args["value"])
        self._element_only(target, "select")
        locator = self._locator(target)
        ms = timeout * 1000

        def options() -> Any:
            # One call when the element is there (as it almost always is); else wait for it, as Playwright would.
            now = locator.evaluate_all(_ALL_OPTIONS_JS)
            if len(now) == 1:
                return now[0]
            locator.wait_for(state="attached", timeout=ms)  # none yet: wait; several: Playwright's strict error
            return locator.evaluate(_OPTIONS_JS, timeout=ms)

        found = self._run("select in", target, timeout, options)
        desc = self._scrub(target.describe())
        if found is None:
            raise ActionFailed(f"{desc} is not a <select> element", help="target the <select> itself")
        labels = [str(label) for label, _ in found]
        values = [str(v) for _, v in found]
        if value in labels:
            self._run("select in", target, timeout, lambda: locator.select_option(label=value, timeout=ms))
        elif value in values:
            self._run("select in", target, timeout, lambda: locator.select_option(value=value, timeout=ms))
        else:
            import difflib

            close = tuple(difflib.get_close_matches(value, labels, n=3, cutoff=0.5))
            listing = ", ".join(repr(label) for label in labels[:20]) or "none"
            raise ActionFailed(
                f"{desc} has no option {self._scrub(value)!r}",
                help=f"its options are: {self._scrub(listing)}",
                expected=self._scrub(value),
                actual=self._scrub(listing),
                candidates=close,
            )

    def _check(self, args: dict[str, Any], timeout: float, *, on: bool = True) -> None:
        target: ResolvedTarget = args["target"]
        self._element_only(target, "check" if on else "uncheck")
        locator = self._locator(target)
        ms = timeout * 1000
        if on:
            self._run("check", target, timeout, lambda: locator.check(timeout=ms))
        else:
            self._run("uncheck", target, timeout, lambda: locator.uncheck(timeout=ms))

    def _scroll(self, args: dict[str, Any], timeout: float) -> None:
        page = self._require_page()
        direction = str(args.get("direction") or "down").lower()
        amount = args.get("amount")
        size = page.viewport_size or {"width": 1280, "height": 720}
        if amount is None:
            amount = 0.8 * (size["height"] if direction in ("up", "down") else size["width"])
        amount = float(amount)
        deltas = {"down": (0.0, amount), "up": (0.0, -amount), "right": (amount, 0.0), "left": (-amount, 0.0)}
        if direction not in deltas:
            raise ActionFailed(f"cannot scroll {direction!r}", help="scroll up, down, left or right")
        dx, dy = deltas[direction]

        def wheel() -> None:
            page.mouse.wheel(dx, dy)
            page.evaluate(_SETTLE_JS)

        self._run(f"scroll {direction}", None, timeout, wheel)

    def _scroll_to(self, args: dict[str, Any], timeout: float) -> None:
        target: ResolvedTarget = args["target"]
        self._element_only(target, "scroll to")
        locator = self._locator(target)
        page = self._require_page()

        def scroll_to() -> None:
            locator.scroll_into_view_if_needed(timeout=timeout * 1000)
            page.evaluate(_SETTLE_JS)  # as after `scroll`: the page's scroll handlers run before the next step

        self._run("scroll to", target, timeout, scroll_to)

    def _history(self, args: dict[str, Any], timeout: float, *, step: str) -> None:
        page = self._require_page()
        before = page.url
        ms = timeout * 1000
        if step == "reload":
            response = self._run("reload", None, timeout, lambda: page.reload(timeout=ms))
            self._check_status(self._scrub(page.url), response)
            return
        go = page.go_back if step == "back" else page.go_forward
        response = self._run(f"go {step}", None, timeout, lambda: go(timeout=ms))
        if response is None and page.url == before:
            raise ActionFailed(
                f"there is no {'previous' if step == 'back' else 'next'} page in this tab's history",
                help="open a page first" if step == "back" else "go back first",
            )
        self._check_status(self._scrub(page.url), response)

    def _screenshot(self, args: dict[str, Any], timeout: float) -> Artifact:
        ctx = self._require_ctx()
        page = self._require_page()
        name = str(args.get("name") or "screenshot")
        stem = safe_filename(name, self._secrets())
        folder = ctx.artifacts_dir
        candidate = unique_path(folder, stem, ".png")
        if candidate.resolve().parent != folder.resolve():
            raise ActionFailed(f"the screenshot name {self._scrub(name)!r} does not make a file name")

        def shoot() -> None:
            page.screenshot(path=str(candidate), mask=self._secret_masks(page), timeout=timeout * 1000)

        self._run("take a screenshot", None, timeout, shoot)
        _path, art = ctx.artifact("screenshot", candidate.name, self._scrub(name))
        return art

    def _record_video(self, args: dict[str, Any], timeout: float) -> None:
        ctx = self._require_ctx()
        page = self._require_page()
        if not ctx.record_video:
            raise ActionFailed(
                "video recording was not started with the scenario",
                help="put `record video` at the top level of the scenario so recording starts with the browser "
                "context (a web video cannot start in the middle of a scenario)",
            )
        if self._video_problem:
            raise InfrastructureError(self._video_problem)
        try:
            active = page.video is not None
        except Exception:
            active = False
        if not active:
            raise ActionFailed("the page is not being recorded", help="run again; if it persists run `panoptic doctor`")

    def _require_ctx(self) -> ScenarioContext:
        if self._ctx is None:
            raise ActionFailed("no scenario is running on the web backend")
        return self._ctx

    _ACTIONS: ClassVar[dict[str, Callable[..., Any]]] = {
        "navigate": _navigate,
        "click": _click,
        "double_click": lambda self, a, t: self._click(a, t, kind="double_click"),
        "right_click": lambda self, a, t: self._click(a, t, kind="right_click"),
        "hover": lambda self, a, t: self._click(a, t, kind="hover"),
        "fill": _fill,
        "type": _type,
        "press": _press,
        "submit": _submit,
        "select": _select,
        "check": _check,
        "uncheck": lambda self, a, t: self._check(a, t, on=False),
        "scroll": _scroll,
        "scroll_to": _scroll_to,
        "go_back": lambda self, a, t: self._history(a, t, step="back"),
        "go_forward": lambda self, a, t: self._history(a, t, step="forward"),
        "reload": lambda self, a, t: self._history(a, t, step="reload"),
        "screenshot": _screenshot,
        "record_video": _record_video,
    }

    # ---- queries --------------------------------------------------------------------

    def query(self, capability: str, args: dict[str, Any]) -> Any:
        """Answer a probe at once (no waiting): a missing element gives False / None / 0."""
        page = self._require_page()
        if capability == "query.url":
            return page.url
        if capability == "query.title":
            return self._run("read the title", None, 0, page.title)
        answered, value = extended.page_query(self, capability, args)
        if answered:
            return value
        target: ResolvedTarget | None = args.get("target")
        if target is None:
            raise ActionFailed(f"{capability} needs a target")
        if target.kind == "image":
            return self._query_image(capability, target)
        if target.kind == "point":
            raise ActionFailed(f"{capability.split('.')[-1]} cannot be asked of a point ({target.describe()})")
        locator = build_locator(page, target)
        what = f"read {capability.split('.')[-1]} of"
        # Expectations poll these: each answer is one evaluated call (every match examined in the page at once).
        if capability == "query.visible":
            on_screen = bool(args.get("on_screen"))
            return self._run(what, target, 0, lambda: self._any_visible(locator, on_screen))
        if capability in ("query.text", "query.value"):
            read = [capability[6:], bool(args.get("raw"))]
            found, value = self._run(what, target, 0, lambda: locator.evaluate_all(_READ_FIRST_JS, read))
            if found > 1:
                raise self._strict_error(target, f"resolved to {found} elements")
            return value if found else None
        if capability == "query.count":
            return int(self._run(what, target, 0, locator.count))
        state = _STATE_QUERIES.get(capability)
        if state is None:
            raise ActionFailed(f"the web backend cannot answer {capability}")
        read = [state, str(args.get("property" if state == "css" else "attribute") or "")]
        found, value = self._run(what, target, 0, lambda: locator.evaluate_all(_READ_STATE_JS, read))
        if found > 1:
            raise self._strict_error(target, f"resolved to {found} elements")
        if not found:
            return None
        if value is not None:
            return value
        # Playwright's own rules (ARIA roles, `aria-disabled`, labels): a second call, as every poll made before.
        element = locator.first
        answer = element.is_enabled if state == "enabled" else element.is_checked
        try:
            return answer(timeout=1000)
        except Exception as exc:
            if type(exc).__name__ == "TimeoutError":
                return None  # the element went away between the two calls
            if self._is_crash(exc):
                raise self._crashed(str(exc)) from None
            if "not a checkbox" in str(exc).lower():
                raise ActionFailed(
                    f"{self._scrub(target.describe())} is not a checkbox or radio button", help="target the checkbox"
                ) from None
            raise self._translate(exc, what, target, 0) from None

    @staticmethod
    def _any_visible(locator: Any, on_screen: bool = False) -> bool:
        """Whether at least one of all the matches is visible (and, `on_screen`, inside the viewport)."""
        return bool(locator.evaluate_all(_ANY_VISIBLE_JS, on_screen))

    def _query_image(self, capability: str, target: ResolvedTarget) -> Any:
        if capability not in ("query.visible", "query.count"):
            raise ActionFailed(f"{capability.split('.')[-1]} cannot be asked of an image target")
        found = bool(self._find_image(target, 0, once=True).found)
        return found if capability == "query.visible" else int(found)

    # ---- did you mean -------------------------------------------------------------------

    def services(self) -> PageServices:
        """The live page's elements, errors, HTML and screenshots, for statement families."""
        self._ensure_context()
        return PageServices(self._require_page, self._context)

    def suggest(self, target: ResolvedTarget) -> tuple[str, ...]:
        """Targets on the live page that look like `target` (best first, at most 5); never raises."""
        page = self._page
        if page is None or self._crash or target.kind in POSITION_KINDS:
            return ()
        try:
            raw = page.evaluate(COLLECT_JS)
        except Exception:
            return ()
        return rank(target, parse_candidates(raw), exclude=self._secrets())


def _hide_input(locator: Any, ms: float) -> None:
    """Show a secret input's characters as dots (in video and trace screencasts) before its value goes in."""
    if locator.evaluate_all(_HIDE_ONE_JS):  # one call when the single match is visible already
        return
    locator.wait_for(state="visible", timeout=ms)
    locator.evaluate(_SECRET_STYLE_JS, timeout=ms)
