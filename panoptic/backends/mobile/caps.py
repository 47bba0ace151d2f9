"""Appium capabilities built from a mobile app's settings.

`build_capabilities(settings)` is a pure function of the app's settings (and
of the local executables passed in `tools`), so the capability names for
Android (UiAutomator2), iOS (XCUITest) and mobile web in a desktop Chromium
(Appium's Chromium driver) are unit-tested without a device.

Rules:
* `platform` is `android`, `ios`, or a desktop platform (`linux`, `windows`,
  `mac`) for mobile web in a desktop browser.
* `automation` defaults to UiAutomator2 (android), XCUITest (ios) and, on a
  desktop platform, to the driver of the `browser` (Chromium for chrome,
  chromium and edge; Safari; Gecko for firefox).
* On the Chromium driver the chromedriver and browser executables found on
  this machine are named explicitly (`appium:executable`,
  `goog:chromeOptions.binary`) and the browser runs headless unless headed.
* The `capabilities` map is merged last: a key without a vendor prefix that
  is not a W3C capability gets `appium:`; map values are merged into the
  built ones key by key (so extra `goog:chromeOptions` keep the binary);
  anything else replaces the built value.

No driver is imported here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from panoptic.environment import BROWSER_ENV, SYSTEM_CHROMIUM_NAMES
from panoptic.environment import CHROMIUM_ARGS as BASE_CHROMIUM_ARGS

NATIVE_PLATFORMS = ("android", "ios")
DESKTOP_PLATFORMS = {"linux": "linux", "windows": "windows", "mac": "mac", "macos": "mac", "osx": "mac"}

W3C_CAPABILITIES = frozenset(
    {
        "acceptInsecureCerts",
        "browserName",
        "browserVersion",
        "platformName",
        "pageLoadStrategy",
        "proxy",
        "setWindowRect",
        "timeouts",
        "unhandledPromptBehavior",
        "strictFileInteractability",
        "userAgent",
        "webSocketUrl",
    }
)

CHROMIUM_ARGS = (*BASE_CHROMIUM_ARGS, "--disable-features=OverscrollHistoryNavigation")
"""Browser arguments for the Chromium driver; `--headless=new` is added unless the run is headed.

Sideways swipes must not turn into history navigation: `back` is the statement for that."""

_BROWSER_NAMES = {
    # (platform kind, browser setting) -> browserName capability
    ("android", "chrome"): "Chrome",
    ("android", "chromium"): "Chromium",
    ("ios", "safari"): "Safari",
    ("desktop", "chrome"): "chrome",
    ("desktop", "chromium"): "chrome",  # the Chromium driver rejects "chromium"
    ("desktop", "edge"): "MicrosoftEdge",
    ("desktop", "safari"): "Safari",
    ("desktop", "firefox"): "firefox",
}

_DESKTOP_AUTOMATION = {
    "chrome": "Chromium",
    "chromium": "Chromium",
    "edge": "Chromium",
    "safari": "Safari",
    "firefox": "Gecko",
}


class CapabilityError(ValueError):
    """The app's settings cannot make a valid Appium session request; `problems` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LocalTools:
    """Executables on this machine that the Chromium driver is pointed at (None when absent)."""

    chromedriver: str | None = None
    chromium: str | None = None

    @classmethod
    def discover(cls, browser_path: str | None = None) -> LocalTools:
        """Find chromedriver on PATH and a matching system Chromium.

        Order for the browser: `browser_path`, `$PANOPTIC_BROWSER`, then the
        system names. A downloaded Playwright Chromium is not used: its version
        would not match the system chromedriver.
        """
        chromium = None
        for candidate in (browser_path, os.environ.get(BROWSER_ENV)):
            if candidate:
                chromium = shutil.which(candidate) or (candidate if os.access(candidate, os.X_OK) else None)
                break
        else:
            chromium = next((p for p in map(shutil.which, SYSTEM_CHROMIUM_NAMES) if p), None)
        return cls(chromedriver=shutil.which("chromedriver"), chromium=chromium)


def platform_kind(settings: Mapping[str, Any]) -> str:
    """`android`, `ios` or `desktop` (a desktop browser platform)."""
    platform = str(settings.get("platform") or "").strip().lower()
    return platform if platform in NATIVE_PLATFORMS else "desktop"


def is_web_context(settings: Mapping[str, Any]) -> bool:
    """True when the session drives a browser (mobile web) rather than a native app."""
    return platform_kind(settings) == "desktop" or bool(settings.get("browser"))


def automation_name(settings: Mapping[str, Any]) -> str | None:
    """The Appium automation name the session asks for (explicit `automation` or the platform's default)."""
    explicit = settings.get("automation")
    if explicit:
        return str(explicit)
    kind = platform_kind(settings)
    if kind == "android":
        return "UiAutomator2"
    if kind == "ios":
        return "XCUITest"
    browser = str(settings.get("browser") or "").strip().lower()
    return _DESKTOP_AUTOMATION.get(browser)


def is_chromium_automation(settings: Mapping[str, Any]) -> bool:
    """True when the session runs on Appium's Chromium driver (no touch-only commands, no screen recording)."""
    return (automation_name(settings) or "").lower() == "chromium"


def capability_limits(settings: Mapping[str, Any]) -> dict[str, str]:
    """Capabilities of the mobile platform that these settings rule out, with the reason (checked statically)."""
    limits: dict[str, str] = {}
    if is_chromium_automation(settings):
        limits["record_video"] = "Appium's Chromium driver cannot record the screen"
    if platform_kind(settings) not in ("android", "ios"):
        limits["home"] = "only android and ios devices have a home button"
    return limits


def settings_problems(settings: Mapping[str, Any]) -> list[str]:
    """Why these settings cannot start a session (empty when they can); one lower-case line each."""
    problems: list[str] = []
    raw_platform = str(settings.get("platform") or "").strip().lower()
    kind = platform_kind(settings)
    has = {key: bool(settings.get(key)) for key in ("app", "package", "activity", "bundle", "browser")}
    if not raw_platform:
        problems.append("`platform` is required: android, ios, or a desktop platform such as linux for mobile web")
    elif kind == "desktop" and raw_platform not in DESKTOP_PLATFORMS:
        problems.append(f"unknown platform {raw_platform!r}: use android, ios, linux, windows or mac")
    if kind == "android":
        if not (has["app"] or has["package"] or has["browser"]):
            problems.append("an android app needs `app`, `package` (+ `activity`) or `browser`")
        if has["activity"] and not has["package"]:
            problems.append("`activity` needs `package`")
        if has["bundle"]:
            problems.append("`bundle` is for ios; on android use `package` and `activity`")
    elif kind == "ios":
        if not (has["app"] or has["bundle"] or has["browser"]):
            problems.append("an ios app needs `app`, `bundle` or `browser`")
        if has["package"] or has["activity"]:
            problems.append("`package` and `activity` are for android; on ios use `bundle`")
    elif raw_platform:
        if not has["browser"]:
            problems.append(f'platform {raw_platform!r} is for mobile web: set `browser` (e.g. "chrome")')
        for key in ("app", "package", "activity", "bundle"):
            if has[key]:
                problems.append(f"`{key}` is for android or ios apps, not for platform {raw_platform!r}")
    browser = str(settings.get("browser") or "").strip().lower()
    if browser and (kind if kind != "desktop" else "desktop", browser) not in _BROWSER_NAMES:
        known = sorted({b for (k, b) in _BROWSER_NAMES if k == kind})
        problems.append(f"browser {browser!r} is not available on {raw_platform or kind}: use {', '.join(known)}")
    extra = settings.get("capabilities")
    if extra is not None and not isinstance(extra, Mapping):
        problems.append("`capabilities` must be a map of capability names to values")
    return problems


def build_capabilities(
    settings: Mapping[str, Any], *, headed: bool = False, tools: LocalTools | None = None
) -> dict[str, Any]:
    """The W3C capabilities (with `appium:` names) for a session of this app.

    `tools` names local executables for the Chromium driver; when omitted
    they are discovered (`LocalTools.discover`). Raises CapabilityError when
    the settings cannot make a session (see `settings_problems`).
    """
    problems = settings_problems(settings)
    if problems:
        raise CapabilityError(problems)
    kind = platform_kind(settings)
    raw_platform = str(settings["platform"]).strip().lower()
    caps: dict[str, Any] = {}
    if kind == "android":
        caps["platformName"] = "Android"
    elif kind == "ios":
        caps["platformName"] = "iOS"
    else:
        caps["platformName"] = DESKTOP_PLATFORMS[raw_platform]
    automation = automation_name(settings)
    if automation:
        caps["appium:automationName"] = automation
    browser = str(settings.get("browser") or "").strip().lower()
    if browser:
        caps["browserName"] = _BROWSER_NAMES[(kind, browser)]
    _put(caps, "appium:deviceName", settings.get("device"))
    _put(caps, "appium:udid", settings.get("udid"))
    if settings.get("app"):
        caps["appium:app"] = str(settings["app"])
    _put(caps, "appium:appPackage", settings.get("package"))
    _put(caps, "appium:appActivity", settings.get("activity"))
    _put(caps, "appium:bundleId", settings.get("bundle"))
    if kind == "desktop" and (automation or "").lower() == "chromium":
        local = tools if tools is not None else LocalTools.discover(_str_or_none(settings.get("browser_path")))
        if local.chromedriver:
            caps["appium:executable"] = local.chromedriver
            caps["appium:autodownloadEnabled"] = False
        options: dict[str, Any] = {"args": ([] if headed else ["--headless=new"]) + list(CHROMIUM_ARGS)}
        binary = _str_or_none(settings.get("browser_path")) or local.chromium
        if binary:
            options["binary"] = binary
        caps["goog:chromeOptions"] = options
    elif settings.get("browser_path"):
        # Other drivers take the browser binary through their own options; pass it where it is standard.
        if browser == "firefox":
            caps["moz:firefoxOptions"] = {"binary": str(settings["browser_path"])}
    extra = settings.get("capabilities") or {}
    for key, value in extra.items():
        name = capability_name(str(key))
        caps[name] = _merge(caps.get(name), value)
    return caps


def capability_name(key: str) -> str:
    """A capability key as sent: W3C names and vendor-prefixed names as they are, others with `appium:`."""
    if ":" in key or key in W3C_CAPABILITIES:
        return key
    return f"appium:{key}"


def _merge(current: Any, extra: Any) -> Any:
    if isinstance(current, Mapping) and isinstance(extra, Mapping):
        merged = dict(current)
        for key, value in extra.items():
            merged[key] = _merge(merged.get(key), value)
        return merged
    return extra


def _put(caps: dict[str, Any], name: str, value: Any) -> None:
    if value is not None and value != "":
        caps[name] = str(value)


def _str_or_none(value: Any) -> str | None:
    return str(value) if value else None
