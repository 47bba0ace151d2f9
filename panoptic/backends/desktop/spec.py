"""The desktop platform as the compiler sees it: settings, capabilities and target kinds (no driver imported)."""

from __future__ import annotations

from panoptic.contract.platform import BASE_QUERIES, COMMON_SETTINGS, PlatformSpec, SettingSpec

DESKTOP = PlatformSpec(
    name="desktop",
    summary="a desktop app in an X session (Xvfb started on demand) driven with pyautogui",
    backend="panoptic.backends.desktop.backend:DesktopBackend",
    settings=COMMON_SETTINGS
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
    capabilities=BASE_QUERIES
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
