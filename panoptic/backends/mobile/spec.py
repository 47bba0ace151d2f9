"""The mobile platform as the compiler sees it: settings, capabilities and target kinds (no driver imported)."""

from __future__ import annotations

from panoptic.contract.platform import BASE_QUERIES, COMMON_SETTINGS, PlatformSpec, SettingSpec

MOBILE = PlatformSpec(
    name="mobile",
    summary="a device, emulator or mobile browser driven through an Appium server",
    backend="panoptic.backends.mobile.backend:MobileBackend",
    settings=COMMON_SETTINGS
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
    capabilities=BASE_QUERIES
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
    validator="panoptic.backends.mobile.caps:settings_problems",
    limits="panoptic.backends.mobile.caps:capability_limits",
    environment="panoptic.environment:mobile_environment",
)
