"""The expect family: expectations retried until their timeout, like web-first assertions."""

from __future__ import annotations

from collections.abc import Iterator

from panoptic.contract.family import CheckRequest, Family
from panoptic.contract.statements import statement_def
from panoptic.diagnostics.model import Diagnostic, Severity

WITHIN = "[within <within:duration>]"

_EXPECT = [
    ("expect <target> visible", "expect.visible", "query.visible", "at least one match of the target is visible"),
    ("expect <target> on screen", "expect.on_screen", "query.visible", "the target is visible inside the viewport"),
    ("expect <target> hidden", "expect.hidden", "query.visible", "no match of the target is visible"),
    ("expect <target> not visible", "expect.hidden", "query.visible", "no match of the target is visible"),
    ("expect <target> enabled", "expect.enabled", "query.enabled", "the target is enabled"),
    ("expect <target> disabled", "expect.disabled", "query.enabled", "the target is disabled"),
    ("expect <target> checked", "expect.checked", "query.checked", "the checkbox is ticked"),
    ("expect <target> not checked", "expect.unchecked", "query.checked", "the checkbox is not ticked"),
    (
        "expect <target> has text <text>",
        "expect.has_text",
        "query.text",
        "the target's text equals the text, both whitespace-normalised",
    ),
    (
        "expect <target> contains <text>",
        "expect.contains",
        "query.text",
        "the target's text contains the text, both whitespace-normalised",
    ),
    (
        "expect <target> has exact text <text>",
        "expect.has_exact_text",
        "query.text",
        "the target's text equals the text exactly, spaces and line breaks included",
    ),
    (
        "expect <target> contains exact <text>",
        "expect.contains_exact",
        "query.text",
        "the target's text contains the text exactly, spaces included",
    ),
    (
        "expect <target> has value <text>",
        "expect.has_value",
        "query.value",
        "an input's value equals the text, both whitespace-normalised",
    ),
    (
        "expect <target> has exact value <text>",
        "expect.has_exact_value",
        "query.value",
        "an input's value equals the text exactly, spaces included",
    ),
    (
        "expect <target> has class <text>",
        "expect.has_class",
        "query.classes",
        "the target has every class named in the text (space-separated)",
    ),
    (
        "expect <target> has no class <text>",
        "expect.lacks_class",
        "query.classes",
        "the target has none of the classes named in the text",
    ),
    (
        "expect <target> has attribute <attribute:text> [<text>]",
        "expect.has_attribute",
        "query.attribute",
        "the target has the attribute (with that value, when one is given)",
    ),
    (
        "expect <target> has no attribute <attribute:text>",
        "expect.lacks_attribute",
        "query.attribute",
        "the target does not have the attribute",
    ),
    (
        "expect <target> has css <property:text> <text>",
        "expect.has_css",
        "query.css",
        "the computed value of a CSS property, such as `color` or `display`, equals the text",
    ),
    ("expect <target> count <count:int>", "expect.count", "query.count", "the number of matching elements"),
    ("expect <target> has count <count:int>", "expect.count", "query.count", "the number of matching elements"),
    (
        "expect <area:local|session> storage <key:text> is <text>",
        "expect.storage_is",
        "query.storage",
        "an item of the page's local or session storage equals the text",
    ),
    (
        "expect <area:local|session> storage <key:text> missing",
        "expect.storage_missing",
        "query.storage",
        "local or session storage has no item with that key",
    ),
    ("expect cookie <name:text> is <text>", "expect.cookie_is", "query.cookie", "a cookie's value equals the text"),
    ("expect cookie <name:text> missing", "expect.cookie_missing", "query.cookie", "there is no cookie of that name"),
    ("expect dialog <text>", "expect.dialog", "query.dialog", "a dialog (alert, confirm, prompt) showed the text"),
    (
        "expect download <name:text> [containing <text>]",
        "expect.download",
        "query.downloads",
        "a file of that name was downloaded (with the text in it, when given); it is kept with the artifacts",
    ),
    ("expect tabs count <count:int>", "expect.tabs", "query.tabs", "the number of open tabs and pop-ups"),
    (
        "expect response status <status:int>",
        "expect.response_status",
        "query.response",
        "the last `request` answered with the status",
    ),
    (
        "expect response json <path:text> is <expected:any>",
        "expect.response_json",
        "query.response",
        'a value in the last response\'s JSON body (`"$.items[0].name"`) equals the expected one',
    ),
    (
        "expect response header <header:text> contains <text>",
        "expect.response_header",
        "query.response",
        "a header of the last response contains the text",
    ),
    ("expect url is <text>", "expect.url_is", "query.url", "the page URL equals the text"),
    ("expect url contains <text>", "expect.url_contains", "query.url", "the page URL contains the text"),
    ("expect url matches <text>", "expect.url_matches", "query.url", "the page URL matches a regular expression"),
    ("expect title is <text>", "expect.title_is", "query.title", "the page title equals the text"),
    ("expect title contains <text>", "expect.title_contains", "query.title", "the page title contains the text"),
]


def check(request: CheckRequest) -> Iterator[Diagnostic]:
    """`expect url matches` needs a regular expression that compiles (it is checked with Python's `re`); JSON paths
    of `response json` must parse."""
    if "path" in request.arguments:
        path = request.literal("path")
        if isinstance(path, str):
            from panoptic.families.expect import jsonpath

            try:
                jsonpath.parse(path)
            except ValueError as exc:
                yield Diagnostic(
                    "PAN309",
                    Severity.ERROR,
                    f"`{path[:40]}` is not a JSON path: {exc}",
                    request.span_of("path"),
                    help='write a path like `"$.items[0].name"` (`.field`, `[index]`, `["odd key"]`)',
                )
        return
    if request.statement.action != "expect.url_matches":
        return
    pattern = request.literal("text")
    if not isinstance(pattern, str):
        return
    import re

    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        reason = exc.msg if isinstance(exc, re.error) else "it nests too deeply"
        yield Diagnostic(
            "PAN309",
            Severity.ERROR,
            f"`{pattern[:40]}` is not a valid regular expression: {reason}",
            request.span_of("text"),
            help=r"write a Python regular expression, e.g. `/cart/\d+$`; use `url contains` for plain text",
        )


# Value forms, written after `let NAME =`: read from the page once the target is there (within the timeout).
_VALUES = [
    ("text of <target>", "query.text", "string", (), "the target's text, whitespace-normalised"),
    ("exact text of <target>", "query.text", "string", (("reading", "exact"),), "the target's text as it is stored"),
    ("value of <target>", "query.value", "string", (), "an input's value"),
    (
        "number of <target>",
        "query.text",
        "number",
        (("reading", "number"),),
        'the first number in the target\'s text ("3 items left" gives 3)',
    ),
    ("count of <target>", "query.count", "number", (), "how many elements match the target now (no waiting)"),
    ("attribute <attribute:text> of <target>", "query.attribute", "string", (), "the value of an attribute"),
    ("css <property:text> of <target>", "query.css", "string", (), "the computed value of a CSS property"),
    ("page url", "query.url", "string", (), "the page's URL"),
    ("page title", "query.title", "string", (), "the page's title"),
    ("local storage <key:text>", "query.storage", "string", (("area", "local"),), "an item of local storage"),
    ("session storage <key:text>", "query.storage", "string", (("area", "session"),), "an item of session storage"),
    ("cookie <name:text>", "query.cookie", "string", (), "a cookie's value"),
    ("response status", "query.response", "number", (("reading", "status"),), "the last `request`'s status"),
    ("response text", "query.response", "string", (("reading", "text"),), "the last `request`'s body"),
    (
        "response json <path:text>",
        "query.response",
        "any",
        (("reading", "json"),),
        'a value in the last `request`\'s JSON body: `"$.id"`, `"$.items[0].name"`',
    ),
    ("response header <header:text>", "query.response", "string", (("reading", "header"),), "a response header"),
]
_VALUE_EXAMPLES = {
    "text of <target>": 'let left = text of "#todo-count"',
    "number of <target>": 'let left = number of "#todo-count"',
    "count of <target>": 'let items = count of "#list li"',
    "attribute <attribute:text> of <target>": 'let link = attribute "href" of "#all"',
}

FAMILY = Family(
    name="expect",
    title="Expectations",
    summary="expectations on the app, retried until their timeout",
    statements=tuple(
        statement_def(
            f"{sig} {WITHIN}",
            action,
            f"expect that {summary} (retried until the timeout)",
            capability=capability,
            family="expect",
        )
        for sig, action, capability, summary in _EXPECT
    )
    + tuple(
        statement_def(
            f"{sig} {WITHIN}",
            "expect.read",
            f"read {summary}",
            capability=capability,
            family="expect",
            produces=produces,
            fixed=(("query", capability), *fixed),
            example=_VALUE_EXAMPLES.get(sig, ""),
        )
        for sig, capability, produces, fixed, summary in _VALUES
    ),
    check=check,
    checked=frozenset({"expect.url_matches", "expect.response_json", "expect.read"}),
    runtime="panoptic.families.expect.runtime:ExpectRuntime",
)
