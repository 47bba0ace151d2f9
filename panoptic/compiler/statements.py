"""The built-in statements: control flow, UI actions and expectations.

Each call registers one form in the registry; the capability names match the
platform specs in `panoptic.backends.specs`.
"""

from __future__ import annotations

from panoptic.compiler.registry import statement as s

WITHIN = "[within <within:duration>]"


def ui(signature: str, capability: str, summary: str, **kwargs) -> None:
    """An action the app's backend performs; its IR action is `ui.<capability>`."""
    s(signature, f"ui.{capability}", summary, capability=capability, family="ui", **kwargs)


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
    capability="query.visible",
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
    capability="query.visible",
)
s(
    "if not visible <target>",
    "control.if",
    "run the block when the target is not visible now",
    block="required",
    allows_else=True,
    fixed=(("condition", "hidden"),),
    family="control",
    capability="query.visible",
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

# ---- actions: the IR action is `ui.<capability>` ------------------------------
ui("open <url:text>", "navigate", "open a URL or a path relative to the app's `url`/`serve`", example='open "/login"')
ui("click <target>", "click", "click the target (waits for it to be actionable)", example='click role button "Sign in"')
ui("double click <target>", "double_click", "double-click the target")
ui("right click <target>", "right_click", "right-click the target")
ui("tap <target>", "tap", "tap the target (mobile)", example='tap id "login"')
ui("double tap <target>", "double_tap", "double-tap the target (mobile)")
ui("long press <target> [for <duration:duration>]", "long_press", "press and hold the target (mobile)")
ui(
    "fill <target> with <text>",
    "fill",
    "replace the content of an input with text",
    example='fill "#username" with user',
)
ui(
    "type <text> [into <target>]",
    "type",
    "type text key by key into the focused element or the target",
    example='type "hello" into "#search"',
)
ui("press <key:text> [on <target>]", "press", 'press a key or a combination such as "ctrl+s"', example='press "Enter"')
ui("submit <target>", "submit", "submit the form the target belongs to")
ui(
    "select <value:text> in <target>",
    "select",
    "choose an option of a select box by label or value",
    example='select "Large" in "#size"',
)
ui("check <target>", "check", "tick a checkbox or radio button")
ui("uncheck <target>", "uncheck", "untick a checkbox")
ui("hover <target>", "hover", "move the pointer over the target")
ui("move to <target>", "move_to", "move the pointer to the target (desktop)")
ui("drag <source:target> to <destination:target>", "drag", "drag from one target to another")
ui(
    "scroll <direction:up|down|left|right> [by <amount:number>]",
    "scroll",
    "scroll the page or screen (by a number of pixels, default one screen)",
    example="scroll down by 600",
)
ui("scroll to <target>", "scroll_to", "scroll until the target is in view")
ui("swipe <direction:up|down|left|right>", "swipe", "swipe across the screen (mobile)")
ui("swipe from <source:target> to <destination:target>", "swipe_between", "swipe from one target to another")
ui("go back", "go_back", "go back in the browser history")
ui("go forward", "go_forward", "go forward in the browser history")
ui("reload", "reload", "reload the page")
ui("back", "back", "press the device's back button (mobile)")
ui("home", "home", "press the device's home button (mobile)")
ui("hide keyboard", "hide_keyboard", "hide the on-screen keyboard (mobile)")
ui(
    "screenshot <name:text>",
    "screenshot",
    "save a screenshot named for the report (secrets are masked)",
    example='screenshot "cart"',
)
ui("record video", "record_video", "record a video of the whole scenario (must be a top-level statement)")

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
