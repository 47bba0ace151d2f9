"""The web platform as the compiler sees it: settings, capabilities and target kinds (no driver imported)."""

from __future__ import annotations

from panoptic.contract.platform import BASE_QUERIES, COMMON_SETTINGS, PlatformSpec, SettingSpec

WEB = PlatformSpec(
    name="web",
    summary="a web app driven in Chromium through Playwright",
    backend="panoptic.backends.web.backend:WebBackend",
    driver_modules=("playwright.sync_api",),
    settings=COMMON_SETTINGS
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
            "heal",
            "choice",
            "self-healing targets: a target that names nothing is replaced by the best-matching element seen in an "
            "earlier passing run, and the step is marked healed (`panoptic run --heal` turns it on for every app "
            "without `heal: off`)",
            choices=("on", "off"),
        ),
        SettingSpec(
            "trace",
            "choice",
            "what Playwright trace to record and keep: `on-failure` records every step, console and network on a "
            "first attempt and also DOM snapshots and the filmstrip on a retry, kept when the attempt fails; "
            "`full` records all of it on every attempt, kept on failure; `always` records all and keeps every trace",
            default="on-failure",
            choices=("on-failure", "full", "always", "off"),
        ),
    ),
    required_one_of=(("url", "serve"),),
    environment="panoptic.environment:web_environment",
    capabilities=BASE_QUERIES
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
            "focus",
            "blur",
            "query.classes",
            "query.attribute",
            "query.css",
            "storage.set",
            "storage.remove",
            "storage.clear",
            "cookie.set",
            "cookie.clear",
            "state.save",
            "state.restore",
            "query.storage",
            "query.cookie",
            "dialogs",
            "mock",
            "block",
            "wait_response",
            "switch_tab",
            "close_tab",
            "query.dialog",
            "query.tabs",
            "api.request",
            "query.response",
            "upload",
            "query.downloads",
            "frame",
            "pause",
            "visual",
        }
    ),
    target_kinds=frozenset(
        {"css", "text", "role", "label", "placeholder", "testid", "xpath", "id", "point", "image", "focused"}
    ),
)
