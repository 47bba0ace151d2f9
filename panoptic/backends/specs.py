"""The built-in platforms' specs: settings, capabilities and target kinds.

These are registered through the `panoptic.platforms` entry point group like a
third-party platform would be; the compiler reads them without importing any
driver. `backend` names the class that drives the platform (imported only by
`panoptic run`).
"""

from __future__ import annotations

from panoptic.backends.base import PlatformSpec, SettingSpec

_COMMON = (SettingSpec("timeout", "duration", "default timeout of actions and expectations", default=10.0),)

_QUERIES = frozenset({"query.visible", "query.text"})

WEB = PlatformSpec(
    name="web",
    summary="a web app driven in Chromium through Playwright",
    backend="panoptic.backends.web:WebBackend",
    settings=_COMMON
    + (
        SettingSpec("url", "string", 'base URL of a running site; `open "/path"` resolves against it'),
        SettingSpec("serve", "dir", "a folder served over HTTP on 127.0.0.1 on a free port for the run"),
        SettingSpec("viewport", "size", "page size in CSS pixels", default=(1280, 720)),
        SettingSpec(
            "browser", "choice", "browser engine", default="chromium", choices=("chromium", "firefox", "webkit")
        ),
        SettingSpec("browser_path", "string", "path of the browser executable (also env PANOPTIC_BROWSER)"),
        SettingSpec("headless", "bool", "run without a window (`--headed` overrides)", default=True),
        SettingSpec("device", "string", 'emulate a device from Playwright\'s list, e.g. "iPhone 13"'),
        SettingSpec("locale", "string", 'browser locale, e.g. "en-GB"'),
        SettingSpec("confidence", "number", "image target match threshold between 0 and 1", default=0.8),
        SettingSpec(
            "trace",
            "choice",
            "when to keep a Playwright trace",
            default="on-failure",
            choices=("on-failure", "always", "off"),
        ),
    ),
    required_one_of=(("url", "serve"),),
    environment="panoptic.environment:web_environment",
    capabilities=_QUERIES
    | frozenset(
        {
            "navigate",
            "click",
            "double_click",
            "right_click",
            "fill",
            "type",
            "press",
            "submit",
            "select",
            "check",
            "uncheck",
            "hover",
            "scroll",
            "scroll_to",
            "go_back",
            "go_forward",
            "reload",
            "screenshot",
            "record_video",
            "query.value",
            "query.count",
            "query.url",
            "query.title",
            "query.enabled",
            "query.checked",
        }
    ),
    target_kinds=frozenset({"css", "text", "role", "label", "placeholder", "testid", "xpath", "id", "point", "image"}),
)

DESKTOP = PlatformSpec(
    name="desktop",
    summary="a desktop app in an X session (Xvfb started on demand) driven with pyautogui",
    backend="panoptic.backends.desktop:DesktopBackend",
    settings=_COMMON
    + (
        SettingSpec("command", "string", "command line that starts the app", required=True),
        SettingSpec("cwd", "dir", "working folder of the app (default: the .pan file's folder)"),
        SettingSpec("env", "map", "extra environment variables for the app"),
        SettingSpec("display", "string", 'X display to use, or "auto" to start Xvfb', default="auto"),
        SettingSpec("screen", "size", "screen size of the Xvfb display", default=(1920, 1080)),
        SettingSpec("window", "string", "title of the app's window to wait for at start"),
        SettingSpec("ready", "duration", "longest wait for the app's window at start", default=15.0),
        SettingSpec("confidence", "number", "image match threshold between 0 and 1", default=0.8),
    ),
    capabilities=_QUERIES
    | frozenset(
        {
            "click",
            "double_click",
            "right_click",
            "move_to",
            "drag",
            "type",
            "press",
            "scroll",
            "screenshot",
            "record_video",
        }
    ),
    target_kinds=frozenset({"text", "image", "point", "focused"}),
)

MOBILE = PlatformSpec(
    name="mobile",
    summary="a device, emulator or mobile browser driven through an Appium server",
    backend="panoptic.backends.mobile:MobileBackend",
    settings=_COMMON
    + (
        SettingSpec("server", "string", 'Appium server URL, or "local" to start one', default="http://127.0.0.1:4723"),
        SettingSpec("platform", "string", "android, ios, or a desktop platform for mobile web", required=True),
        SettingSpec("device", "string", "device name"),
        SettingSpec("udid", "string", "device identifier"),
        SettingSpec("app", "path", "app package file (.apk / .app / .ipa)"),
        SettingSpec("package", "string", "Android app package"),
        SettingSpec("activity", "string", "Android activity to launch"),
        SettingSpec("bundle", "string", "iOS bundle identifier"),
        SettingSpec("browser", "string", "browser for mobile web (e.g. chrome)"),
        SettingSpec("browser_path", "string", "browser binary for desktop-browser platforms"),
        SettingSpec("automation", "string", "Appium automation name (UiAutomator2, XCUITest, Chromium …)"),
        SettingSpec("capabilities", "map", "extra capabilities, passed as they are"),
        SettingSpec("url", "string", "base URL for `open` in mobile web"),
        SettingSpec("serve", "dir", "a folder served over HTTP on 127.0.0.1 for mobile web (overrides `url`)"),
        SettingSpec("confidence", "number", "image target match threshold between 0 and 1", default=0.8),
    ),
    capabilities=_QUERIES
    | frozenset(
        {
            "navigate",
            "click",
            "tap",
            "double_tap",
            "long_press",
            "fill",
            "type",
            "swipe",
            "swipe_between",
            "scroll_to",
            "back",
            "home",
            "hide_keyboard",
            "screenshot",
            "record_video",
        }
    ),
    target_kinds=frozenset({"css", "id", "xpath", "text", "image", "point"}),
    conditional=(("navigate", "browser"),),
    validator="panoptic.backends.mobile_caps:settings_problems",
    limits="panoptic.backends.mobile_caps:capability_limits",
    environment="panoptic.environment:mobile_environment",
)
