"""Why a web action failed, in words: Playwright's call log and "several elements match" turned into messages.

Pure functions over text (no Playwright import): the backend hands them the error message Playwright raised and
the descriptions of the matched elements.
"""

from __future__ import annotations

import re

from panoptic.backends.web.suggest import quote
from panoptic.contract import ResolvedTarget

# Call-log lines that only say what Playwright was doing, not what stopped it.
_PROGRESS = re.compile(
    r"(?:\d+ × )?(?:waiting|retrying|attempting|scrolling|done scrolling|performing|navigations have finished"
    r"|element is visible, enabled and stable|element is visible and stable|click action done|fill action done"
    r"|locator resolved to|selector resolved to|\[.*\] ?waiting)",
    re.I,
)

SHOWN_MATCHES = 3


def call_log_lines(message: str) -> list[str]:
    """The entries of the call log Playwright appends to a timeout (`  - waiting for …`), in order."""
    return [line.strip()[1:].strip() for line in message.splitlines() if line.strip().startswith("-")]


def call_log_reason(message: str) -> str | None:
    """The last call-log entry that says why the action could not go on ("<div> intercepts pointer events")."""
    lines = call_log_lines(message)
    for line in reversed(lines):
        if not _PROGRESS.match(line):
            return line
    return None


def resolved_element(message: str) -> str | None:
    """The element the locator last matched while the action waited (`<button id="go">Go</button>`), if any."""
    found = re.findall(r"locator resolved to (.+)$", message, re.M)
    return found[-1].strip() if found else None


def pick_one_help(target: ResolvedTarget) -> str:
    """How to make a target that matches several elements pick one, in the language's own terms."""
    specific = "pick one with a more specific target (an id, a testid, a role and name, or exact text)"
    if target.kind == "css" and target.value:
        return f"{specific}, or the n-th match: {quote(f':nth-match({target.value}, 2)')} is the second"
    if target.kind == "xpath" and target.value:
        return f"{specific}, or the n-th match: xpath {quote(f'({target.value})[2]')} is the second"
    return specific


def several_matches(
    count: str, shown: str, target: ResolvedTarget, described: tuple[str, ...]
) -> tuple[str, tuple[str, ...]]:
    """The message for a target that matches `count` elements, and the targets that pick one of them alone.

    `shown` is the target as the message writes it, `described` what each match looks like as a target
    (`role button "One"`); descriptions shared by several matches pick none alone, so for CSS and XPath targets
    the n-th match forms stand in for them.
    """
    listing = ", ".join(described[:SHOWN_MATCHES])
    if listing and (len(described) > SHOWN_MATCHES or (count.isdigit() and int(count) > len(described))):
        listing += ", …"
    message = f"{count} elements match {shown}" + (f": {listing}" if listing else "") + "; make the target unique"
    unique = tuple(d for d in described if described.count(d) == 1 and not d.startswith("<"))
    if len(unique) < len(described) and target.value:
        total = min(len(described), SHOWN_MATCHES)
        if target.kind == "css":
            unique += tuple(quote(f":nth-match({target.value}, {n})") for n in range(1, total + 1))
        elif target.kind == "xpath":
            unique += tuple("xpath " + quote(f"({target.value})[{n}]") for n in range(1, total + 1))
    return message, unique
