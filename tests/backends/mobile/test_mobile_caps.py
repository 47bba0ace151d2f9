"""Capability building for Android (UiAutomator2), iOS (XCUITest) and mobile web on the Chromium driver."""

from __future__ import annotations

import pytest

from panoptic.backends.mobile.caps import (
    CapabilityError,
    LocalTools,
    automation_name,
    build_capabilities,
    capability_name,
    is_chromium_automation,
    is_web_context,
    settings_problems,
)

TOOLS = LocalTools(chromedriver="/usr/bin/chromedriver", chromium="/usr/bin/chromium")


def test_android_app_file() -> None:
    caps = build_capabilities(
        {"platform": "android", "device": "Pixel 7", "udid": "emulator-5554", "app": "/apps/shop.apk"}, tools=TOOLS
    )
    assert caps == {
        "platformName": "Android",
        "appium:automationName": "UiAutomator2",
        "appium:deviceName": "Pixel 7",
        "appium:udid": "emulator-5554",
        "appium:app": "/apps/shop.apk",
    }


def test_android_installed_package_and_activity() -> None:
    caps = build_capabilities(
        {"platform": "Android", "device": "emulator", "package": "com.example.shop", "activity": ".MainActivity"}
    )
    assert caps["platformName"] == "Android"
    assert caps["appium:automationName"] == "UiAutomator2"
    assert caps["appium:appPackage"] == "com.example.shop"
    assert caps["appium:appActivity"] == ".MainActivity"
    assert "appium:app" not in caps and "browserName" not in caps
    assert not is_web_context({"platform": "android", "package": "x"})


def test_android_chrome_is_mobile_web() -> None:
    settings = {"platform": "android", "browser": "chrome", "device": "Pixel"}
    caps = build_capabilities(settings)
    assert caps["browserName"] == "Chrome"
    assert caps["appium:automationName"] == "UiAutomator2"
    assert "goog:chromeOptions" not in caps  # the device's Chrome, not a desktop binary
    assert is_web_context(settings)


def test_ios_bundle_and_app() -> None:
    caps = build_capabilities(
        {"platform": "ios", "device": "iPhone 15", "udid": "0000-1111", "bundle": "com.example.Shop"}, tools=TOOLS
    )
    assert caps == {
        "platformName": "iOS",
        "appium:automationName": "XCUITest",
        "appium:deviceName": "iPhone 15",
        "appium:udid": "0000-1111",
        "appium:bundleId": "com.example.Shop",
    }
    caps = build_capabilities({"platform": "ios", "device": "iPhone 15", "app": "/apps/Shop.app"})
    assert caps["appium:app"] == "/apps/Shop.app"


def test_ios_safari() -> None:
    caps = build_capabilities({"platform": "ios", "device": "iPhone 15", "browser": "safari"})
    assert caps["browserName"] == "Safari" and caps["appium:automationName"] == "XCUITest"


def test_mobile_web_on_desktop_chromium_matches_the_working_recipe() -> None:
    caps = build_capabilities({"platform": "linux", "browser": "chrome"}, tools=TOOLS)
    assert caps["platformName"] == "linux"
    assert caps["browserName"] == "chrome"
    assert caps["appium:automationName"] == "Chromium"
    assert caps["appium:executable"] == "/usr/bin/chromedriver"
    assert caps["appium:autodownloadEnabled"] is False
    options = caps["goog:chromeOptions"]
    assert options["binary"] == "/usr/bin/chromium"
    assert "--headless=new" in options["args"] and "--no-sandbox" in options["args"]
    assert is_chromium_automation({"platform": "linux", "browser": "chrome"})


def test_chromium_browser_name_is_sent_as_chrome_and_headed_drops_headless() -> None:
    caps = build_capabilities({"platform": "linux", "browser": "chromium"}, headed=True, tools=TOOLS)
    assert caps["browserName"] == "chrome"  # the Chromium driver rejects "chromium"
    assert "--headless=new" not in caps["goog:chromeOptions"]["args"]


def test_browser_path_wins_and_missing_tools_are_left_to_the_driver() -> None:
    caps = build_capabilities(
        {"platform": "linux", "browser": "chrome", "browser_path": "/opt/chrome/chrome"}, tools=LocalTools()
    )
    assert caps["goog:chromeOptions"]["binary"] == "/opt/chrome/chrome"
    assert "appium:executable" not in caps and "appium:autodownloadEnabled" not in caps


def test_extra_capabilities_are_merged_last() -> None:
    caps = build_capabilities(
        {
            "platform": "linux",
            "browser": "chrome",
            "capabilities": {
                "newCommandTimeout": 120,
                "appium:automationName": "chromium",
                "acceptInsecureCerts": True,
                "goog:chromeOptions": {"mobileEmulation": {"deviceName": "Pixel 7"}},
            },
        },
        tools=TOOLS,
    )
    assert caps["appium:newCommandTimeout"] == 120
    assert caps["appium:automationName"] == "chromium"
    assert caps["acceptInsecureCerts"] is True
    options = caps["goog:chromeOptions"]
    assert options["mobileEmulation"] == {"deviceName": "Pixel 7"}
    assert options["binary"] == "/usr/bin/chromium"  # kept: maps merge key by key
    android = build_capabilities(
        {"platform": "android", "app": "/a.apk", "capabilities": {"appium:app": "/b.apk", "platformVersion": "14"}}
    )
    assert android["appium:app"] == "/b.apk" and android["appium:platformVersion"] == "14"


def test_capability_names() -> None:
    assert capability_name("platformName") == "platformName"
    assert capability_name("deviceName") == "appium:deviceName"
    assert capability_name("goog:chromeOptions") == "goog:chromeOptions"


def test_explicit_automation_wins() -> None:
    assert automation_name({"platform": "android", "automation": "Espresso"}) == "Espresso"
    assert automation_name({"platform": "linux", "browser": "firefox"}) == "Gecko"
    caps = build_capabilities({"platform": "android", "package": "p", "automation": "Espresso"})
    assert caps["appium:automationName"] == "Espresso"


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ({}, "`platform` is required"),
        ({"platform": "android"}, "needs `app`, `package`"),
        ({"platform": "android", "activity": ".Main", "app": "/a.apk"}, "`activity` needs `package`"),
        ({"platform": "android", "bundle": "com.x", "app": "/a.apk"}, "`bundle` is for ios"),
        ({"platform": "ios", "device": "iPhone"}, "needs `app`, `bundle`"),
        ({"platform": "ios", "bundle": "b", "package": "p"}, "are for android"),
        ({"platform": "linux"}, "set `browser`"),
        ({"platform": "linux", "browser": "chrome", "app": "/a.apk"}, "`app` is for android or ios"),
        ({"platform": "beos", "browser": "chrome"}, "unknown platform 'beos'"),
        ({"platform": "ios", "browser": "chrome"}, "browser 'chrome' is not available on ios"),
        ({"platform": "linux", "browser": "chrome", "capabilities": ["x"]}, "`capabilities` must be a map"),
    ],
)
def test_bad_settings_are_explained(settings: dict, fragment: str) -> None:
    problems = settings_problems(settings)
    assert any(fragment in p for p in problems), problems
    with pytest.raises(CapabilityError) as info:
        build_capabilities(settings, tools=TOOLS)
    assert fragment in str(info.value)


def test_good_settings_have_no_problems() -> None:
    for settings in (
        {"platform": "android", "app": "/a.apk"},
        {"platform": "android", "package": "p", "activity": "a"},
        {"platform": "ios", "bundle": "b"},
        {"platform": "linux", "browser": "chrome"},
        {"platform": "mac", "browser": "safari"},
    ):
        assert settings_problems(settings) == [], settings
