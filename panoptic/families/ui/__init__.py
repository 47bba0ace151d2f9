"""The ui family: actions an app's backend performs; the IR action is `ui.<capability>`.

Each statement needs its capability from the app's platform (PAN306 otherwise);
the runtime hands the step to the backend (`Backend.perform`).
"""

from __future__ import annotations

from collections.abc import Iterator

from panoptic.contract.family import CheckRequest, Family
from panoptic.contract.statements import StatementDef, statement_def
from panoptic.diagnostics.model import Diagnostic, Severity

_STATEMENTS: list[StatementDef] = []


def ui(signature: str, capability: str, summary: str, **kwargs: object) -> None:
    """An action the app's backend performs; its IR action is `ui.<capability>`."""
    _STATEMENTS.append(
        statement_def(signature, f"ui.{capability}", summary, capability=capability, family="ui", **kwargs)  # type: ignore[arg-type]
    )


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
ui("focus <target>", "focus", "give the target the keyboard focus (its focus events run)", example='focus "#email"')
ui("blur <target>", "blur", "take the keyboard focus away from the target (its blur events run)")
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
    "set <area:local|session> storage <key:text> to <value:text>",
    "storage.set",
    "store an item in the page's local or session storage (open a page of the site first)",
    example='set local storage "todos" to "[]"',
)
ui("remove <area:local|session> storage <key:text>", "storage.remove", "remove an item from local or session storage")
ui("clear <area:local|session> storage", "storage.clear", "remove every item from local or session storage")
ui(
    "set cookie <name:text> to <value:text>",
    "cookie.set",
    "set a cookie for the open page's site (or the app's URL)",
    example='set cookie "consent" to "yes"',
)
ui("clear cookies", "cookie.clear", "remove every cookie of the scenario's browser")
ui(
    "save storage state <name:text>",
    "state.save",
    "save the cookies and local storage under a name, for later scenarios of the run",
    example='save storage state "alice"',
)
ui(
    "restore storage state <name:text>",
    "state.restore",
    "start from the cookies and local storage saved by `save storage state` earlier in the run",
    example='restore storage state "alice"',
)
ui(
    "accept dialogs [with <text>]",
    "dialogs",
    "accept the page's dialogs from now on (a prompt gets the text)",
    fixed=(("answer", "accept"),),
    example="accept dialogs",
)
ui("dismiss dialogs", "dialogs", "dismiss the page's dialogs from now on (the default)", fixed=(("answer", "dismiss"),))
ui(
    "mock <url:text> with json <file:text> [status <status:int>] [delay <delay:duration>]",
    "mock",
    "answer requests to matching URLs with a file's content (a `**` glob or a path of the site)",
    example='mock "**/api/products" with json "fixtures/products.json"',
)
ui(
    "mock <url:text> with status <status:int> [delay <delay:duration>]",
    "mock",
    "answer requests to matching URLs with an empty body and a status",
    example='mock "**/api/cart" with status 500',
)
ui("block <url:text>", "block", "make requests to matching URLs fail (images, trackers …)", example='block "**/*.png"')
ui(
    "wait for response <url:text> [status <status:int>] [within <within:duration>]",
    "wait_response",
    "wait for a response from a matching URL (one that came since the last such wait counts)",
    example='wait for response "**/api/cart"',
)
ui(
    "request <method:GET|POST|PUT|PATCH|DELETE> <url:text> [with json <body:any>] [with headers <headers:any>]",
    "api.request",
    "call an HTTP API with the browser's cookies; `expect response …` and `let x = response json …` read the answer",
    example='request GET "/api/cart"',
)
ui(
    "upload <file:text> to <target>",
    "upload",
    "put a file (relative to this .pan file) into a file input",
    example='upload "files/report.pdf" to "#attachment"',
)
ui(
    "expect screenshot matches <name:text> [of <target>] [masking <mask:target>] [within <within:duration>]",
    "visual",
    "compare the page (or a target) with its baseline image in __screenshots__/ next to this file",
    example='expect screenshot matches "cart" masking "#clock"',
)
ui(
    "pause",
    "pause",
    "stop here and open Playwright's inspector (with --headed and a display; ignored, with a note, otherwise)",
)
ui(
    "in frame <target>",
    "frame",
    "run the block with its targets found inside an iframe (frames nest)",
    block="required",
    example='in frame "#payment" {\n    fill label "Card number" with card\n}',
)
ui("switch to tab <number:int>", "switch_tab", "act on another tab or pop-up (counted from 1 in opening order)")
ui("switch to new tab", "switch_tab", "act on the tab or pop-up that opened last", example="switch to new tab")
ui("close tab", "close_tab", "close the current tab and go back to the one before")
ui(
    "screenshot <name:text>",
    "screenshot",
    "save a screenshot named for the report (secrets are masked)",
    prints=("name",),
    example='screenshot "cart"',
)
ui(
    "record video",
    "record_video",
    "record a video of the whole scenario (must be a top-level statement)",
    top_level_only=True,
)


def check(request: CheckRequest) -> Iterator[Diagnostic]:
    """`scroll … by N` needs a number of pixels above zero; `mock … with json FILE` needs a file that exists."""
    if request.statement.action in ("ui.mock", "ui.upload"):
        yield from _check_mock_file(request)
        return
    if request.statement.action != "ui.scroll":
        return
    amount = request.literal("amount")
    if isinstance(amount, (int, float)) and not isinstance(amount, bool) and amount <= 0:
        yield Diagnostic(
            "PAN309",
            Severity.ERROR,
            f"`scroll … by` needs a number of pixels above zero, found {amount:g}",
            request.span_of("amount"),
            help="the direction gives the sign: write `scroll up by 5` to go up; leave out `by …` for one screen",
        )


def _check_mock_file(request: CheckRequest) -> Iterator[Diagnostic]:
    name = request.literal("file")
    if not isinstance(name, str) or request.base_dir is None:
        return
    path = request.base_dir / name
    if not path.is_file():
        yield Diagnostic(
            "PAN307",
            Severity.ERROR,
            f"file `{name}` does not exist",
            request.span_of("file"),
            help=f"looked for {path}; paths are relative to this file",
        )
        return
    if path.suffix.lower() == ".json" and request.statement.action == "ui.mock":
        import json

        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            yield Diagnostic("PAN309", Severity.ERROR, f"`{name}` is not valid JSON: {exc}", request.span_of("file"))


FAMILY = Family(
    name="ui",
    title="Actions",
    summary="actions on the app: open, click, fill, type, press, select, scroll, swipe, screenshots, video",
    statements=tuple(_STATEMENTS),
    check=check,
    checked=frozenset({"ui.scroll", "ui.mock", "ui.upload"}),
    runtime="panoptic.families.ui.runtime:UiRuntime",
)
