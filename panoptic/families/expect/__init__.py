"""The expect family: expectations retried until their timeout, like web-first assertions."""

from __future__ import annotations

from panoptic.contract.family import Family
from panoptic.contract.statements import statement_def

WITHIN = "[within <within:duration>]"

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
    ),
    runtime="panoptic.families.expect.runtime:ExpectRuntime",
)
