"""The built-in statements: control flow, UI actions and expectations.

Each call registers one form in the registry; the capability names match the
platform specs in `panoptic.backends.specs`.
"""

from __future__ import annotations

from panoptic.compiler.registry import statement as s

WITHIN = "[within <within:duration>]"

# ---- control ---------------------------------------------------------------
s(
    "repeat <count:int> times",
    "control.repeat",
    "run the block a number of times",
    block="required",
    family="control",
    example='repeat 3 times {\n    click "#add"\n}',
)
s(
    "for each <name:name> in <items:list>",
    "control.for_each",
    "run the block once for each item of a list",
    block="required",
    family="control",
    example='for each size in ["S", "M"] {\n    select size in "#size"\n}',
)
s(
    "if visible <target>",
    "control.if",
    "run the block when the target is visible now (no waiting)",
    block="required",
    allows_else=True,
    fixed=(("condition", "visible"),),
    family="control",
    example='if visible "#cookie-banner" {\n    click "#accept"\n}',
)
s(
    "if hidden <target>",
    "control.if",
    "run the block when the target is not visible now",
    block="required",
    allows_else=True,
    fixed=(("condition", "hidden"),),
    family="control",
)
s(
    "if not visible <target>",
    "control.if",
    "run the block when the target is not visible now",
    block="required",
    allows_else=True,
    fixed=(("condition", "hidden"),),
    family="control",
)
s(
    "retry <count:int> times",
    "control.retry",
    "run the block again until it passes, at most a number of times",
    block="required",
    family="control",
    example='retry 3 times {\n    click "#flaky"\n}',
)
s(
    "fail <text>",
    "control.fail",
    "fail the scenario with a message",
    family="control",
    example='fail "not implemented yet"',
)
s(
    "log <text>",
    "control.log",
    "write a line to the run's log and report",
    family="control",
    example='log "signed in as ${user}"',
)
s(
    "wait <duration>",
    "control.wait",
    "pause for a fixed time (prefer `wait until` or `expect … within`)",
    family="control",
    example="wait 500ms",
)
s(
    "wait until <target> <state:visible|hidden> " + WITHIN,
    "control.wait_until",
    "wait until the target is visible or hidden",
    capability="query.visible",
    family="control",
    example='wait until "#spinner" hidden within 20s',
)

# ---- actions ---------------------------------------------------------------
s(
    "open <url:text>",
    "ui.navigate",
    "open a URL or a path relative to the app's `url`/`serve`",
    capability="navigate",
    family="ui",
    example='open "/login"',
)
s(
    "click <target>",
    "ui.click",
    "click the target (waits for it to be actionable)",
    capability="click",
    family="ui",
    example='click role button "Sign in"',
)
s("double click <target>", "ui.double_click", "double-click the target", capability="double_click", family="ui")
s("right click <target>", "ui.right_click", "right-click the target", capability="right_click", family="ui")
s("tap <target>", "ui.tap", "tap the target (mobile)", capability="tap", family="ui", example='tap id "login"')
s("double tap <target>", "ui.double_tap", "double-tap the target (mobile)", capability="double_tap", family="ui")
s(
    "long press <target> [for <duration:duration>]",
    "ui.long_press",
    "press and hold the target (mobile)",
    capability="long_press",
    family="ui",
)
s(
    "fill <target> with <text>",
    "ui.fill",
    "replace the content of an input with text",
    capability="fill",
    family="ui",
    example='fill "#username" with user',
)
s(
    "type <text> [into <target>]",
    "ui.type",
    "type text key by key into the focused element or the target",
    capability="type",
    family="ui",
    example='type "hello" into "#search"',
)
s(
    "press <key:text> [on <target>]",
    "ui.press",
    'press a key or a combination such as "ctrl+s"',
    capability="press",
    family="ui",
    example='press "Enter"',
)
s("submit <target>", "ui.submit", "submit the form the target belongs to", capability="submit", family="ui")
s(
    "select <value:text> in <target>",
    "ui.select",
    "choose an option of a select box by label or value",
    capability="select",
    family="ui",
    example='select "Large" in "#size"',
)
s("check <target>", "ui.check", "tick a checkbox or radio button", capability="check", family="ui")
s("uncheck <target>", "ui.uncheck", "untick a checkbox", capability="uncheck", family="ui")
s("hover <target>", "ui.hover", "move the pointer over the target", capability="hover", family="ui")
s("move to <target>", "ui.move_to", "move the pointer to the target (desktop)", capability="move_to", family="ui")
s(
    "drag <source:target> to <destination:target>",
    "ui.drag",
    "drag from one target to another",
    capability="drag",
    family="ui",
)
s(
    "scroll <direction:up|down|left|right> [by <amount:number>]",
    "ui.scroll",
    "scroll the page or screen (by a number of pixels, default one screen)",
    capability="scroll",
    family="ui",
    example="scroll down by 600",
)
s("scroll to <target>", "ui.scroll_to", "scroll until the target is in view", capability="scroll_to", family="ui")
s(
    "swipe <direction:up|down|left|right>",
    "ui.swipe",
    "swipe across the screen (mobile)",
    capability="swipe",
    family="ui",
)
s(
    "swipe from <source:target> to <destination:target>",
    "ui.swipe_between",
    "swipe from one target to another",
    capability="swipe_between",
    family="ui",
)
s("go back", "ui.go_back", "go back in the browser history", capability="go_back", family="ui")
s("go forward", "ui.go_forward", "go forward in the browser history", capability="go_forward", family="ui")
s("reload", "ui.reload", "reload the page", capability="reload", family="ui")
s("back", "ui.back", "press the device's back button (mobile)", capability="back", family="ui")
s("home", "ui.home", "press the device's home button (mobile)", capability="home", family="ui")
s("hide keyboard", "ui.hide_keyboard", "hide the on-screen keyboard (mobile)", capability="hide_keyboard", family="ui")
s(
    "screenshot <name:text>",
    "ui.screenshot",
    "save a screenshot named for the report (secrets are masked)",
    capability="screenshot",
    family="ui",
    example='screenshot "cart"',
)
s(
    "record video",
    "ui.record_video",
    "record a video of the whole scenario (must be a top-level statement)",
    capability="record_video",
    family="ui",
)

# ---- expectations (retried until their timeout) -------------------------------
_EXPECT = [
    ("expect <target> visible", "expect.visible", "query.visible", "the target is visible"),
    ("expect <target> on screen", "expect.visible", "query.visible", "the target is visible on screen"),
    ("expect <target> hidden", "expect.hidden", "query.visible", "the target is hidden or absent"),
    ("expect <target> not visible", "expect.hidden", "query.visible", "the target is hidden or absent"),
    ("expect <target> enabled", "expect.enabled", "query.enabled", "the target is enabled"),
    ("expect <target> disabled", "expect.disabled", "query.enabled", "the target is disabled"),
    ("expect <target> checked", "expect.checked", "query.checked", "the checkbox is ticked"),
    ("expect <target> not checked", "expect.unchecked", "query.checked", "the checkbox is not ticked"),
    ("expect <target> has text <text>", "expect.has_text", "query.text", "the target's text equals the text"),
    ("expect <target> contains <text>", "expect.contains", "query.text", "the target's text contains the text"),
    ("expect <target> has value <text>", "expect.has_value", "query.value", "an input's value equals the text"),
    ("expect <target> count <count:int>", "expect.count", "query.count", "the number of matching elements"),
    ("expect <target> has count <count:int>", "expect.count", "query.count", "the number of matching elements"),
    ("expect url is <text>", "expect.url_is", "query.url", "the page URL equals the text"),
    ("expect url contains <text>", "expect.url_contains", "query.url", "the page URL contains the text"),
    ("expect url matches <text>", "expect.url_matches", "query.url", "the page URL matches a regular expression"),
    ("expect title is <text>", "expect.title_is", "query.title", "the page title equals the text"),
    ("expect title contains <text>", "expect.title_contains", "query.title", "the page title contains the text"),
]
for _sig, _action, _cap, _summary in _EXPECT:
    s(
        f"{_sig} {WITHIN}",
        _action,
        f"expect that {_summary} (retried until the timeout)",
        capability=_cap,
        family="expect",
        example="",
    )
