"""The mobile backend: native apps and mobile web through an Appium server (Appium-Python-Client).

One Appium session per scenario attempt (`begin` … `end`). The server is the
app's `server` URL, probed at `start()` (unreachable: InfrastructureError
with the fix), or, with `server: local`, the project's own Appium started on
a free port for the run and stopped in `stop()`.

Gestures are W3C touch pointer actions (`mobile_gestures`): taps on points
and images, double taps, long presses and swipes work alike in native apps
and in a browser, where a touch drag scrolls the page as a finger would. When
a web driver rejects touch actions, directional swipes scroll the page with
`window.scrollBy` by the same distance instead. Element taps use the
WebDriver element click (a tap on devices).

`scroll to` checks the target first; in a browser an element that is in the
page is scrolled to the centre of the viewport, otherwise (a native app, a
list that loads as it scrolls) the backend swipes up until the target shows,
and fails when two swipes in a row move nothing (the end) or time runs out.

Context rules: `back` is `driver.back()` everywhere (in a browser, with no
previous page it fails instead of leaving the scenario's page); `home` needs an android
or ios device; `hide keyboard` uses Appium's hideKeyboard on a device and, in
a desktop browser (no on-screen keyboard), ends text input by blurring the
focused field; `record video` uses Appium's screen recording and fails
clearly where the driver has none (the Chromium driver).

Appium and Selenium are imported only when a session starts.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin

from panoptic.backends.mobile import gestures as gestures
from panoptic.backends.mobile.appium_server import (
    DEFAULT_URL,
    LocalAppiumServer,
    free_port,
    require_server,
    server_help,
)
from panoptic.backends.mobile.caps import (
    CapabilityError,
    build_capabilities,
    is_chromium_automation,
    is_web_context,
    platform_kind,
)
from panoptic.backends.mobile.spec import MOBILE
from panoptic.backends.mobile.targets import (
    CANDIDATES_JS,
    FIND_TEXT_JS,
    TEXT_STRATEGY,
    Locator,
    locator_for,
    native_candidates,
    suggestions,
)
from panoptic.backends.serve import StaticServer
from panoptic.backends.video_mask import VideoMask, blackout, fractions
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

POLL = 0.1
_ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"

_VIEWPORT_JS = "return [window.innerWidth, window.innerHeight, window.devicePixelRatio || 1];"
_CENTRE_JS = "const r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];"
_SCROLL_INTO_VIEW_JS = (
    "arguments[0].scrollIntoView({block: 'center', inline: 'center'});"
    "const r = arguments[0].getBoundingClientRect();"
    "return [r.left + r.width / 2, r.top + r.height / 2];"
)
_IN_VIEWPORT_JS = (
    "const el = arguments[0]; const r = el.getBoundingClientRect();"
    "if (!el.getClientRects().length) return false;"
    "const st = getComputedStyle(el); if (st.visibility === 'hidden' || st.display === 'none') return false;"
    "return r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;"
)
# Whether any of arguments[0] is visible (a box, not `visibility: hidden`); with arguments[1], inside the viewport.
_ANY_VISIBLE_JS = (
    "const onScreen = arguments[1];"
    "const visible = (e) => { const st = getComputedStyle(e);"
    " if (st.display === 'contents') return Array.from(e.children).some(visible);"
    " const r = e.getBoundingClientRect();"
    " if (!(r.width > 0 && r.height > 0) || st.visibility === 'hidden' || st.visibility === 'collapse') return false;"
    " return !onScreen || (r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth); };"
    "return arguments[0].some(visible);"
)
# A field's rectangle in viewport coordinates (what a screenshot shows).
_RECT_JS = "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height];"
# Scroll offsets of the page and of every scrolled container: changes when a swipe moved anything.
_SCROLL_STATE_JS = (
    "let s = scrollX + ',' + scrollY + ',' + document.documentElement.scrollHeight;"
    "for (const el of document.querySelectorAll('*')) {"
    "  if (el.scrollTop || el.scrollLeft) s += ';' + el.scrollTop + ',' + el.scrollLeft + ',' + el.scrollHeight; }"
    "return s;"
)
_SCROLL_BY_JS = "window.scrollBy(arguments[0], arguments[1]);"
_BLUR_JS = (
    "const el = document.activeElement;"
    "if (el && el !== document.body && el.blur) { el.blur(); return true; } return false;"
)


class MobileBackend:
    """Drives an Appium session: see the module docstring for the rules per context."""

    spec: ClassVar[PlatformSpec] = MOBILE

    def __init__(self, app: AppDef, *, headed: bool = False) -> None:
        self.app = app
        self.settings: dict[str, Any] = dict(app.settings)
        self.headed = headed
        self.platform = platform_kind(self.settings)
        self.web = is_web_context(self.settings)
        self.server_url: str | None = None
        self.local_server: LocalAppiumServer | None = None
        self.driver: Any = None
        self._ctx: ScenarioContext | None = None
        self._recording = False
        self._record_error: StepError | None = None
        self._pixel_scale: float | None = None
        self._secret_fields: list[Any] = []  # elements a secret was typed into: masked in screenshots
        self._record_started = 0.0
        self._video_masks: list[VideoMask] = []  # the same fields, blacked out of the video when it is saved
        self._site: StaticServer | None = None

    # ---- lifecycle -------------------------------------------------------

    def start(self) -> None:
        """Check the client library, serve the app's folder (if `serve:`) and reach (or start) the Appium server."""
        _appium()
        if self.settings.get("serve") and self._site is None:
            self._site = StaticServer(Path(self.settings["serve"]))
            self.settings["url"] = self._site.start()
        server = str(self.settings.get("server") or DEFAULT_URL).strip()
        if server.lower() == "local":
            self.local_server = LocalAppiumServer()
            self.server_url = self.local_server.start()
        else:
            require_server(server)
            self.server_url = server.rstrip("/")

    def begin(self, ctx: ScenarioContext) -> None:
        """Open a fresh Appium session for the scenario (and start recording when it asks for video)."""
        if self.server_url is None:
            self.start()
        self._ctx = ctx
        self._recording = False
        self._record_error = None
        self._pixel_scale = None
        self._secret_fields = []
        self._video_masks = []
        try:
            caps = build_capabilities(self.settings, headed=self.headed or ctx.headed)
        except CapabilityError as exc:
            raise ActionFailed(
                f"app {self.app.name} cannot start an Appium session: {exc}",
                help="fix the app's settings (platform, app/package/bundle or browser)",
            ) from exc
        if is_chromium_automation(self.settings) and "appium:chromedriverPort" not in caps:
            # Its default (9515) is shared by every session on the machine: parallel workers would collide.
            caps["appium:chromedriverPort"] = free_port()
        self.driver = self._new_session(caps)
        if ctx.record_video:
            try:
                self._start_recording()
            except StepError as exc:
                self._record_error = exc

    def end(self, ctx: ScenarioContext, failed: bool) -> None:
        """Save the recording (if any) and close the session; never raises."""
        driver, self.driver = self.driver, None
        if driver is None:
            return
        if self._recording:
            self._recording = False
            try:
                data = driver.stop_recording_screen()
                if data:
                    path, art = ctx.artifact("video", "video.mp4", "video")
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(base64.b64decode(data))
                    if blackout(path, self._video_masks) is not None:  # deleted rather than kept with a secret
                        ctx.written.remove(art)
            except Exception:
                pass
        try:
            driver.quit()
        except Exception:
            pass

    def stop(self) -> None:
        """Stop the local Appium server if this backend started one; never raises."""
        if self.driver is not None and self._ctx is not None:
            self.end(self._ctx, failed=False)
        if self.local_server is not None:
            self.local_server.stop()
            self.local_server = None
        if self._site is not None:
            self._site.stop()
            self._site = None
        self.server_url = None

    # ---- dispatch --------------------------------------------------------

    def perform(self, capability: str, args: dict[str, Any], timeout: float) -> Any:
        """Do one action, waiting up to `timeout` seconds for its target; `_ACTIONS` maps capabilities to methods."""
        handler = self._ACTIONS.get(capability)
        if handler is None:
            raise ActionFailed(f"the mobile backend cannot {capability.replace('_', ' ')}")
        return self._guard(lambda: handler(self, args, timeout))

    def query(self, capability: str, args: dict[str, Any]) -> Any:
        """Answer `query.visible` / `query.text` at once (and `query.count`, which failed expectations ask)."""
        name = capability.removeprefix("query.")
        method = getattr(self, "_query_" + name, None)
        if method is None:
            raise ActionFailed(f"the mobile backend cannot answer {capability}")
        return self._guard(lambda: method(args))

    # ---- actions ---------------------------------------------------------

    def _do_navigate(self, args: dict[str, Any], timeout: float) -> None:
        if not self.web:
            raise ActionFailed("`open` needs a browser; this app is a native app", help="set `browser` for mobile web")
        raw = str(args["url"])
        base = self.settings.get("url")
        if not re.match(r"^[a-z][a-z0-9+.-]*:", raw, re.I):
            if not base:
                raise NavigationFailed(
                    f"cannot open {raw!r}: it is relative and the app has no `url` or `serve`",
                    help='set `url: "http://…"` or `serve: "folder"` in the app, or open a full URL',
                )
            raw = urljoin(str(base).rstrip("/") + "/", raw.lstrip("/"))
        from selenium.common.exceptions import WebDriverException

        try:
            self.driver.get(raw)
        except WebDriverException as exc:
            if "net::" not in str(exc):
                raise
            raise NavigationFailed(
                f"could not load {raw}: {_first_line(exc).removeprefix('unknown error: ')}",
                help="check that the site is up and the URL is right",
            ) from exc
        current = self.driver.current_url or ""
        if current.startswith("chrome-error://"):
            raise NavigationFailed(f"could not load {raw}", help="check that the site is up and the URL is right")

    def _do_tap(self, args: dict[str, Any], timeout: float) -> None:
        target: ResolvedTarget = args["target"]
        if target.kind in ("point", "image"):
            x, y = self._point_of(target, timeout)
            self._touch(gestures.tap(x, y))
            return
        self._with_element(target, timeout, lambda el: el.click())

    def _do_double_tap(self, args: dict[str, Any], timeout: float) -> None:
        self._gesture_on(args["target"], timeout, gestures.double_tap)

    def _do_long_press(self, args: dict[str, Any], timeout: float) -> None:
        hold = args.get("duration")
        hold_ms = round(float(hold) * 1000) if hold is not None else gestures.LONG_PRESS_MS
        if hold_ms <= 0:
            raise ActionFailed("a long press needs a positive duration")
        self._gesture_on(args["target"], timeout, lambda x, y: gestures.long_press(x, y, hold_ms))

    def _do_fill(self, args: dict[str, Any], timeout: float) -> None:
        text = str(args["text"])

        def fill(el: Any) -> None:
            el.clear()
            self._note_secret_field(el, text)
            el.send_keys(text)

        self._with_element(args["target"], timeout, fill)

    def _do_type(self, args: dict[str, Any], timeout: float) -> None:
        text = str(args["text"])
        target = args.get("target")
        if target is not None:

            def type_into(el: Any) -> None:
                self._note_secret_field(el, text)
                el.send_keys(text)

            self._with_element(target, timeout, type_into)
            return
        from selenium.common.exceptions import WebDriverException

        try:
            active = self.driver.switch_to.active_element
        except WebDriverException as exc:
            raise ActionFailed(
                "no field has the focus to type into", help="tap a field first, or write `type … into <target>`"
            ) from exc
        self._note_secret_field(active, text)
        active.send_keys(text)

    def _do_swipe(self, args: dict[str, Any], timeout: float) -> None:
        direction = str(args["direction"])
        if direction not in gestures.DIRECTIONS:
            raise ActionFailed(f"unknown swipe direction {direction!r}", help="use up, down, left or right")
        width, height = self._viewport()
        try:
            self._touch(gestures.swipe(direction, width, height))
        except _TouchUnsupported:
            if not self.web:
                raise
            (sx, sy), (ex, ey) = gestures.swipe_points(direction, width, height)
            self.driver.execute_script(_SCROLL_BY_JS, round(sx - ex), round(sy - ey))

    def _do_swipe_between(self, args: dict[str, Any], timeout: float) -> None:
        start = self._point_of(args["source"], timeout, scroll=True)
        end = self._point_of(args["destination"], timeout)
        self._touch(gestures.drag(start, end))

    def _do_scroll_to(self, args: dict[str, Any], timeout: float) -> None:
        target: ResolvedTarget = args["target"]
        if target.kind == "point":
            raise ActionFailed("`scroll to` needs an element or an image, not a point")
        deadline = time.monotonic() + timeout
        unchanged = 0
        while True:
            if self._scrolled_into_view(target):
                return
            before = self._scroll_state()
            self._do_swipe({"direction": "up"}, timeout)
            after = self._scroll_state()
            unchanged = unchanged + 1 if after == before else 0
            if unchanged >= 2 or time.monotonic() > deadline:
                reason = "after scrolling to the end" if unchanged >= 2 else f"within {timeout:g}s of scrolling"
                raise TargetNotFound(
                    f"{target.describe()} did not become visible {reason}",
                    candidates=self.suggest(target),
                    help="check the target, or scroll the other way first (swipe down)",
                )

    def _do_back(self, args: dict[str, Any], timeout: float) -> None:
        if not self.web:
            self.driver.back()
            return
        before = self.driver.current_url or ""
        if not _is_start_page(before):
            self.driver.back()
        after = self.driver.current_url or ""
        if _is_start_page(after) or after == before:
            if _is_start_page(after) and not _is_start_page(before):
                self.driver.forward()  # stay on the page the scenario opened
            raise ActionFailed(
                "there is no previous page in this tab's history", help="open a page first, then `back` returns to it"
            )

    def _do_home(self, args: dict[str, Any], timeout: float) -> None:
        if self.platform == "android":
            self.driver.press_keycode(3)  # KEYCODE_HOME
        elif self.platform == "ios":
            self.driver.execute_script("mobile: pressButton", {"name": "home"})
        else:
            raise ActionFailed(
                f"`home` needs an android or ios device; platform {self.settings.get('platform')!r} has no home button",
                help="use `back`, or `open` a page to leave the current one",
            )

    def _do_hide_keyboard(self, args: dict[str, Any], timeout: float) -> None:
        if self.platform == "desktop":
            self.driver.execute_script(_BLUR_JS)
            return
        from selenium.common.exceptions import WebDriverException

        try:
            if self.driver.is_keyboard_shown():
                self.driver.hide_keyboard()
        except WebDriverException as exc:
            raise ActionFailed(f"could not hide the keyboard: {_first_line(exc)}") from exc

    def _do_screenshot(self, args: dict[str, Any], timeout: float) -> Artifact:
        ctx = self._require_ctx()
        name = str(args.get("name") or "screenshot")
        png = self._screenshot_png()
        path, art = ctx.artifact("screenshot", f"{_slug(name)}.png", name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        return art

    def _do_record_video(self, args: dict[str, Any], timeout: float) -> None:
        if self._recording:
            return
        if self._record_error is not None:
            raise self._record_error
        self._start_recording()

    _ACTIONS: ClassVar[dict[str, Callable[..., Any]]] = {
        "navigate": _do_navigate,
        "tap": _do_tap,
        "click": _do_tap,
        "double_tap": _do_double_tap,
        "long_press": _do_long_press,
        "fill": _do_fill,
        "type": _do_type,
        "swipe": _do_swipe,
        "swipe_between": _do_swipe_between,
        "scroll_to": _do_scroll_to,
        "back": _do_back,
        "home": _do_home,
        "hide_keyboard": _do_hide_keyboard,
        "screenshot": _do_screenshot,
        "record_video": _do_record_video,
    }

    # ---- queries ---------------------------------------------------------

    def _query_visible(self, args: dict[str, Any]) -> bool:
        target: ResolvedTarget = args["target"]
        if target.kind == "image":
            return self._match_image(target).found
        if target.kind == "point":
            raise ActionFailed("a point is not something that can be visible; use an element or an image target")
        found = self._find_all(target)  # every match, however many: `hidden` must not miss the last one
        if not found:
            return False
        if self.web:
            return bool(self.driver.execute_script(_ANY_VISIBLE_JS, found, bool(args.get("on_screen"))))
        if not args.get("on_screen"):
            return any(self._displayed(el) for el in found)
        width, height = self._viewport()
        return any(self._displayed(el) and _overlaps(el.rect, width, height) for el in found)

    def _query_count(self, args: dict[str, Any]) -> int:
        """How many elements match (an image: 1 when it shows): a failed `visible` says "absent (0 matches)"."""
        target: ResolvedTarget = args["target"]
        if target.kind == "image":
            return int(self._match_image(target).found)
        if target.kind == "point":
            raise ActionFailed("a point is not something that can be counted; use an element or an image target")
        return len(self._find_all(target))

    def _query_text(self, args: dict[str, Any]) -> str | None:
        target: ResolvedTarget = args["target"]
        if target.kind in ("image", "point"):
            raise ActionFailed(f"{target.kind} targets have no text; use an element target")
        found = self._find_all(target)
        if not found:
            return None
        if len(found) == 1:
            return found[0].text
        el = next((e for e in found[:5] if self._displayed(e)), found[0])
        return el.text

    # ---- failures --------------------------------------------------------

    def suggest(self, target: ResolvedTarget) -> tuple[str, ...]:
        """Texts and ids on screen that look like `target`."""
        if self.driver is None or target.kind not in ("text", "id", "css"):
            return ()
        try:
            if self.web:
                found = self.driver.execute_script(CANDIDATES_JS) or {}
                texts, ids = list(found.get("texts") or []), list(found.get("ids") or [])
            else:
                texts, ids = native_candidates(self.driver.page_source, self.platform)
        except Exception:
            return ()
        return suggestions(target, texts=texts, ids=ids)

    def capture_failure(self, ctx: ScenarioContext) -> None:
        """Save a screenshot and the page source at the failure; never raises."""
        if self.driver is None:
            return
        try:
            png = self._screenshot_png()
            path, _ = ctx.artifact("screenshot", "failure.png", "failure")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)
        except Exception:
            pass
        try:
            source = self.driver.page_source
            kind, filename = ("html", "page.html") if self.web else ("log", "page-source.xml")
            path, _ = ctx.artifact(kind, filename, "page source")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_mask(source, ctx.secrets), encoding="utf-8")
        except Exception:
            pass

    # ---- internals: session ----------------------------------------------

    def _new_session(self, caps: dict[str, Any]) -> Any:
        webdriver, options_cls = _appium()
        from selenium.common.exceptions import WebDriverException

        try:
            return webdriver.Remote(self.server_url, options=options_cls().load_capabilities(caps))
        except WebDriverException as exc:
            raise InfrastructureError(
                f"the Appium server at {self.server_url} could not start a session: {_first_line(exc)}",
                help="check that the driver for automation "
                f"{caps.get('appium:automationName')!r} is installed (npm install --prefix .tools/appium) "
                "and that the device or browser is available",
            ) from exc
        except Exception as exc:  # urllib3 / socket errors: the server went away
            if not isinstance(exc, OSError) and not type(exc).__module__.startswith("urllib3"):
                raise
            raise InfrastructureError(
                f"no Appium server answers at {self.server_url} ({type(exc).__name__})",
                help=server_help(self.server_url or DEFAULT_URL),
            ) from exc

    def _start_recording(self) -> None:
        if is_chromium_automation(self.settings):
            raise ActionFailed(
                "`record video` is not available on Appium's Chromium driver: it has no screen recording",
                help="record video works on android (UiAutomator2) and ios (XCUITest) sessions; "
                "remove `record video` for this app",
            )
        from selenium.common.exceptions import WebDriverException

        try:
            self.driver.start_recording_screen()
        except WebDriverException as exc:
            raise ActionFailed(
                f"this Appium driver cannot record the screen: {_first_line(exc)}",
                help="remove `record video` for this app",
            ) from exc
        self._recording = True
        self._record_started = time.monotonic()
        self._video_masks = []
        for element in self._secret_fields:  # secrets typed before the recording began
            self._mask_in_video(element, since_start=True)

    def _require_ctx(self) -> ScenarioContext:
        if self._ctx is None or self.driver is None:
            raise BackendCrashed("no Appium session is open", help="the scenario's session was not started")
        return self._ctx

    def _guard(self, call: Any) -> Any:
        if self.driver is None:
            raise BackendCrashed("no Appium session is open", help="the session ended or was never started")
        from selenium.common.exceptions import (
            InvalidSessionIdException,
            NoSuchWindowException,
            WebDriverException,
        )

        secrets = self._ctx.secrets if self._ctx else ()
        try:
            return call()
        except StepError:
            raise
        except (InvalidSessionIdException, NoSuchWindowException) as exc:
            raise BackendCrashed(f"the Appium session ended: {_mask(_first_line(exc), secrets)}") from exc
        except WebDriverException as exc:
            raise ActionFailed(_mask(_first_line(exc), secrets)) from exc
        except Exception as exc:
            if not isinstance(exc, OSError) and not type(exc).__module__.startswith("urllib3"):
                raise
            raise BackendCrashed(
                f"lost the connection to the Appium server at {self.server_url}: {exc}",
                help=server_help(self.server_url or DEFAULT_URL),
            ) from exc

    # ---- internals: elements ---------------------------------------------

    def _find_all(self, target: ResolvedTarget) -> list[Any]:
        locator = locator_for(target, web=self.web, platform=self.platform)
        if locator.by == TEXT_STRATEGY:
            return list(self.driver.execute_script(FIND_TEXT_JS, locator.value, locator.exact, True) or [])
        return list(self.driver.find_elements(locator.by, locator.value))

    def _find_one(self, locator: Locator) -> Any:
        from selenium.common.exceptions import NoSuchElementException

        if locator.by == TEXT_STRATEGY:
            found = self.driver.execute_script(FIND_TEXT_JS, locator.value, locator.exact, False)
            if found is None:
                raise NoSuchElementException(f"no element shows the text {locator.value!r}")
            return found
        return self.driver.find_element(locator.by, locator.value)

    def _with_element(self, target: ResolvedTarget, timeout: float, action: Any) -> Any:
        """Find the target and run `action(element)`, retrying both until `timeout` while it is absent or busy."""
        from selenium.common.exceptions import (
            ElementClickInterceptedException,
            ElementNotInteractableException,
            InvalidElementStateException,
            NoSuchElementException,
            StaleElementReferenceException,
        )

        if target.kind in ("point", "image"):
            raise ActionFailed(f"this action needs an element, not {target.describe()}")
        locator = locator_for(target, web=self.web, platform=self.platform)
        deadline = time.monotonic() + timeout
        seen = False
        while True:
            try:
                element = self._find_one(locator)
                seen = True
                return action(element)
            except NoSuchElementException:
                last: Exception | None = None
            except (
                ElementNotInteractableException,
                ElementClickInterceptedException,
                InvalidElementStateException,
                StaleElementReferenceException,
            ) as exc:
                last = exc
            if time.monotonic() >= deadline:
                if not seen:
                    raise TargetNotFound(
                        f"{target.describe()} not found within {timeout:g}s", candidates=self.suggest(target)
                    )
                reason = _first_line(last) if last else "it did not respond"
                raise ActionFailed(f"{target.describe()} was found but could not be used: {reason}")
            time.sleep(POLL)

    def _displayed(self, element: Any) -> bool:
        from selenium.common.exceptions import StaleElementReferenceException

        try:
            return bool(element.is_displayed())
        except StaleElementReferenceException:
            return False

    def _scrolled_into_view(self, target: ResolvedTarget) -> bool:
        """True when the target is now on screen (web: scrolled to the centre when it is in the page)."""
        if target.kind == "image":
            return self._match_image(target).found
        for element in self._find_all(target)[:5]:
            if not self._displayed(element):
                continue
            if self.web:
                self.driver.execute_script(_SCROLL_INTO_VIEW_JS, element)
                if self.driver.execute_script(_IN_VIEWPORT_JS, element):
                    return True
            else:
                return True
        return False

    def _scroll_state(self) -> str:
        if self.web:
            return str(self.driver.execute_script(_SCROLL_STATE_JS))
        return str(hash(self.driver.page_source))

    # ---- internals: gestures and points ----------------------------------

    def _viewport(self) -> tuple[float, float]:
        if self.web:
            width, height, _ = self.driver.execute_script(_VIEWPORT_JS)
            return float(width), float(height)
        size = self.driver.get_window_size()
        return float(size["width"]), float(size["height"])

    def _touch(self, actions: list[dict[str, Any]]) -> None:
        from selenium.common.exceptions import (
            InvalidArgumentException,
            UnknownMethodException,
            WebDriverException,
        )
        from selenium.webdriver.remote.command import Command

        try:
            self.driver.execute(Command.W3C_ACTIONS, {"actions": actions})
        except (UnknownMethodException, InvalidArgumentException) as exc:
            raise _TouchUnsupported(f"this driver does not take touch actions: {_first_line(exc)}") from exc
        except WebDriverException as exc:
            if "unknown command" in str(exc).lower() or "not implemented" in str(exc).lower():
                raise _TouchUnsupported(f"this driver does not take touch actions: {_first_line(exc)}") from exc
            raise
        try:
            self.driver.execute(Command.W3C_CLEAR_ACTIONS)
        except WebDriverException:
            pass

    def _gesture_on(self, target: ResolvedTarget, timeout: float, gesture: Any) -> None:
        if target.kind in ("point", "image"):
            x, y = self._point_of(target, timeout)
        else:
            x, y = self._point_of(target, timeout, scroll=True)
        self._touch(gesture(x, y))

    def _point_of(self, target: ResolvedTarget, timeout: float, *, scroll: bool = False) -> tuple[float, float]:
        """Viewport coordinates of the centre of a target (element, image match or point)."""
        if target.kind == "point":
            assert target.point is not None
            return float(target.point[0]), float(target.point[1])
        if target.kind == "image":
            return self._wait_image(target, timeout)

        def centre(el: Any) -> tuple[float, float]:
            if self.web:
                x, y = self.driver.execute_script(_SCROLL_INTO_VIEW_JS if scroll else _CENTRE_JS, el)
                return float(x), float(y)
            rect = el.rect
            return rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2

        return self._with_element(target, timeout, centre)

    # ---- internals: images -----------------------------------------------

    def _match_image(self, target: ResolvedTarget) -> Any:
        from panoptic.perception import vision

        template = Path(str(target.value or ""))
        confidence = float(self.settings.get("confidence") or vision.DEFAULT_CONFIDENCE)
        png = self.driver.get_screenshot_as_png()
        match = vision.find_image(png, template, confidence)
        return _ImageResult(match, png)

    def _wait_image(self, target: ResolvedTarget, timeout: float) -> tuple[float, float]:
        """Poll screenshots until the image shows; return its centre in viewport coordinates."""
        deadline = time.monotonic() + timeout
        while True:
            result = self._match_image(target)
            if result.found:
                scale = self._scale(result.png)
                return result.match.x / scale, result.match.y / scale
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL)
        self._annotate_best(target, result)
        raise TargetNotFound(
            f"{target.describe()} not found on the screen within {timeout:g}s",
            expected=f"a match scoring at least {result.match.confidence:.2f}",
            actual=result.match.describe(),
            help="see the annotated screenshot for the best candidate; update the image or lower `confidence`",
        )

    def _note_secret_field(self, element: Any, text: str) -> None:
        """Remember a field a secret is typed into: its rectangle is blacked out of later screenshots and the video."""
        secrets = self._ctx.secrets if self._ctx else ()
        if any(s and s in text for s in secrets) and element not in self._secret_fields:
            self._secret_fields.append(element)
            if self._recording:
                self._mask_in_video(element)

    def _mask_in_video(self, element: Any, *, since_start: bool = False) -> None:
        """Black the field out of the recording from now on (the whole frame when its rectangle cannot be read).

        The rectangle is read once, as the secret goes in: a field that moves later (a scrolled form) is
        masked where it was.
        """
        since = 0.0 if since_start else max(0.0, time.monotonic() - self._record_started - 0.2)
        try:
            rect = element.rect
            width, height = self._viewport()
            box = fractions((rect["x"], rect["y"], rect["width"], rect["height"]), width, height, margin=2.0)
        except Exception:
            box = None
        self._video_masks.append(VideoMask(since, box))

    def _screenshot_png(self) -> bytes:
        return self._masked_png(self.driver.get_screenshot_as_png())

    def _masked_png(self, png: bytes) -> bytes:
        """`png` with the rectangles of fields that received a secret blacked out.

        ActionFailed (no screenshot) when such a field's rectangle cannot be read; a field that has
        left the page (a new page was opened) shows nothing any more and is skipped.
        """
        if not self._secret_fields:
            return png
        import io

        from PIL import Image, ImageDraw
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

        scale = self._scale(png)
        boxes = []
        for element in list(self._secret_fields):
            try:
                if self.web:
                    x, y, w, h = self.driver.execute_script(_RECT_JS, element)
                else:
                    rect = element.rect
                    x, y, w, h = rect["x"], rect["y"], rect["width"], rect["height"]
            except StaleElementReferenceException:
                self._secret_fields.remove(element)
                continue
            except WebDriverException as exc:
                raise ActionFailed(
                    "a secret was typed into a field whose rectangle cannot be read, so no screenshot is taken",
                    actual=_first_line(exc),
                ) from exc
            boxes.append((float(x) * scale, float(y) * scale, float(w) * scale, float(h) * scale))
        image = Image.open(io.BytesIO(png)).convert("RGB")
        draw = ImageDraw.Draw(image)
        for x, y, w, h in boxes:
            draw.rectangle((x - 1, y - 1, x + w + 1, y + h + 1), fill=(0, 0, 0))
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()

    def _scale(self, png: bytes) -> float:
        """Screenshot pixels per viewport coordinate (devicePixelRatio in a browser)."""
        if self._pixel_scale is None:
            if self.web:
                _, _, ratio = self.driver.execute_script(_VIEWPORT_JS)
                self._pixel_scale = float(ratio) or 1.0
            else:
                width = _png_width(png)
                window = float(self.driver.get_window_size()["width"]) or float(width)
                self._pixel_scale = width / window if width else 1.0
        return self._pixel_scale

    def _annotate_best(self, target: ResolvedTarget, result: _ImageResult) -> None:
        if self._ctx is None:
            return
        try:
            from panoptic.perception import vision

            path, _ = self._ctx.artifact("image", f"best-match-{_slug(Path(str(target.value)).stem)}.png", "best match")
            path.parent.mkdir(parents=True, exist_ok=True)
            png = self._masked_png(result.png)
            vision.annotate(png, result.match, path, label=f"best {result.match.score:.2f}")
        except Exception:
            pass


class _TouchUnsupported(ActionFailed):
    """The driver rejected W3C touch pointer actions."""


class _ImageResult:
    """A vision match together with the screenshot it was made on."""

    def __init__(self, match: Any, png: bytes) -> None:
        self.match = match
        self.png = png
        self.found = bool(match.found)


def _appium() -> tuple[Any, Any]:
    try:
        from appium import webdriver
        from appium.options.common.base import AppiumOptions
    except ImportError as exc:
        raise InfrastructureError(
            "the mobile backend needs Appium-Python-Client, which is not installed",
            help="install it with: pip install 'panoptic-lang[mobile]' (or pip install Appium-Python-Client)",
        ) from exc
    return webdriver, AppiumOptions


def _is_start_page(url: str) -> bool:
    """The blank page a browser session starts on (before the scenario opened anything)."""
    return url in ("", "data:,", "about:blank")


def _overlaps(rect: dict[str, Any], width: float, height: float) -> bool:
    x, y, w, h = (float(rect.get(k, 0)) for k in ("x", "y", "width", "height"))
    return w > 0 and h > 0 and x + w > 0 and y + h > 0 and x < width and y < height


def _first_line(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    text = getattr(exc, "msg", None) or str(exc)
    text = str(text).strip().removeprefix("Message: ").strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _mask(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "•••")
    return text


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "screenshot"


def _png_width(png: bytes) -> int:
    # PNG IHDR: width is the big-endian 32-bit integer at byte offset 16.
    if len(png) >= 24 and png[:8] == b"\x89PNG\r\n\x1a\n":
        return int.from_bytes(png[16:20], "big")
    return 0
