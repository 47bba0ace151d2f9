"""From recorded events to the steps of the scenario.

* The first page loaded gives the app's URL (its origin) and an `open` of its path.
* Typing into a field is one `fill` with the final value, however many keys
  were typed (consecutive fills of the same field become one; the same holds
  for a select box chosen twice and a checkbox ticked and unticked).
* A page load that a recorded action led to (a link, a submit) is no step of
  its own; one the user started (the address bar) is an `open`, a reload a
  `reload`, history moves `go back` / `go forward`.
* A double click replaces the two clicks before it.
* What is typed into a password field is a secret: the file declares it as
  `secret password = env("PASSWORD")` (the typed value is not written) and the fill uses the name.
* "Assert this" becomes the expectation that fits the element: `checked` /
  `not checked` for a checkbox or radio button, `has value` for a field,
  `has text` for an element with a short text, `visible` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from panoptic.contract import ResolvedTarget
from panoptic.record.events import Assert, Check, Click, Event, Fill, Load, Press, Select
from panoptic.record.targets import choose

CAUSE_WINDOW = 5.0
"""Seconds after an action within which a page load counts as its result (when the page could not tell)."""


@dataclass(frozen=True)
class Step:
    """One statement to write: an action word, its target, and the value it takes (text, option, key)."""

    action: str
    target: ResolvedTarget | None = None
    value: str | None = None
    secret: bool = False

    def shape(self) -> tuple[object, ...]:
        """What the step does and to what, without its value (equal shapes can share a flow); a secret's value
        is part of its shape, so it never becomes a flow's argument."""
        if self.secret:
            return (self.action, self.target, self.value)
        return (self.action, self.target)


@dataclass(frozen=True)
class Recording:
    """The folded steps and the app's URL (None before any page loaded)."""

    origin: str | None
    steps: tuple[Step, ...]


def origin_of(url: str) -> str:
    """`scheme://host:port/` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _path(url: str, origin: str) -> str:
    """The URL relative to the app's origin when it is on that origin, else the full URL."""
    if origin_of(url) != origin:
        return url
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if parts.fragment:
        path += "#" + parts.fragment
    return path


def expectation(event: Assert) -> Step:
    """The expectation "assert this" writes for an element."""
    e = event.element
    target = choose(e)
    if e.checked is not None:
        return Step("expect checked" if e.checked else "expect not checked", target)
    if e.value is not None and e.tag in ("input", "textarea", "select"):
        return Step("expect value", target, e.value)
    if e.shown_text:
        return Step("expect text", target, e.shown_text)
    return Step("expect visible", target)


class _Folder:
    def __init__(self) -> None:
        self.origin: str | None = None
        self.steps: list[Step] = []
        self.history: list[str] = []
        self.position = -1
        self.last_action_at: float | None = None

    def add(self, step: Step, at: float) -> None:
        self.steps.append(step)
        self.last_action_at = at

    def replace_last(self, step: Step, at: float, *actions: str) -> bool:
        """Replace the last step when it does `actions` on the same target (a value typed on, changed again)."""
        if self.steps and self.steps[-1].action in actions and self.steps[-1].target == step.target:
            self.steps[-1] = step
            self.last_action_at = at
            return True
        return False

    def load(self, event: Load) -> None:
        if not event.url.startswith(("http://", "https://", "file://")):
            return
        if self.origin is None:
            self.origin = origin_of(event.url)
            self.steps.append(Step("open", None, _path(event.url, self.origin)))
            self.history, self.position = [event.url], 0
            return
        if event.nav == "back_forward":
            if self.position > 0 and self.history[self.position - 1] == event.url:
                self.position -= 1
                self.steps.append(Step("go back"))
                return
            if self.position + 1 < len(self.history) and self.history[self.position + 1] == event.url:
                self.position += 1
                self.steps.append(Step("go forward"))
                return
        caused = event.caused
        if caused is None:
            caused = self.last_action_at is not None and event.at - self.last_action_at <= CAUSE_WINDOW
        if event.nav == "reload":
            if not caused:
                self.steps.append(Step("reload"))
            return
        del self.history[self.position + 1 :]
        self.history.append(event.url)
        self.position = len(self.history) - 1
        if not caused:
            self.steps.append(Step("open", None, _path(event.url, self.origin)))

    def event(self, event: Event) -> None:
        if isinstance(event, Load):
            self.load(event)
        elif isinstance(event, Click):
            target = choose(event.element)
            if event.kind == "dblclick":
                for _ in range(2):
                    if self.steps and self.steps[-1] == Step("click", target):
                        self.steps.pop()
                self.add(Step("double click", target), event.at)
            else:
                self.add(Step("right click" if event.kind == "rightclick" else "click", target), event.at)
        elif isinstance(event, Fill):
            step = Step("fill", choose(event.element), event.value, secret=event.element.type == "password")
            if not self.replace_last(step, event.at, "fill"):
                self.add(step, event.at)
        elif isinstance(event, Select):
            step = Step("select", choose(event.element), event.option)
            if not self.replace_last(step, event.at, "select"):
                self.add(step, event.at)
        elif isinstance(event, Check):
            radio = event.element.type == "radio"
            step = Step("check" if event.checked or radio else "uncheck", choose(event.element))
            if not self.replace_last(step, event.at, "check", "uncheck"):
                self.add(step, event.at)
        elif isinstance(event, Press):
            focused = choose(event.element) if event.element is not None else None
            self.add(Step("press", focused, event.key), event.at)
        elif isinstance(event, Assert):
            self.steps.append(expectation(event))


def fold(events: Iterable[Event]) -> Recording:
    """The steps of a recording, in order."""
    folder = _Folder()
    for event in events:
        folder.event(event)
    return Recording(folder.origin, tuple(folder.steps))
