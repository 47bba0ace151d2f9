"""What the page reports, as frozen events (read from the listener's JSON with `parse_event`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("testid", "role", "label", "placeholder", "id", "text", "text_exact")


@dataclass(frozen=True)
class Element:
    """An element as the listener saw it: what names it, and how many elements each way of naming matches."""

    tag: str
    css: str
    role: str = ""
    name: str = ""
    label: str = ""
    placeholder: str = ""
    testid: str = ""
    id: str = ""
    text: str = ""
    type: str = ""
    shown_text: str = ""
    value: str | None = None
    checked: bool | None = None
    counts: tuple[tuple[str, int], ...] = ()

    def count(self, kind: str) -> int:
        """How many elements of the page a target of this kind for this element matched (0 when unknown)."""
        return dict(self.counts).get(kind, 0)


@dataclass(frozen=True)
class Load:
    """A document of the top frame loaded; `caused` is True when a recorded action just led there."""

    url: str
    nav: str = "navigate"
    caused: bool | None = None
    at: float = 0.0


@dataclass(frozen=True)
class Click:
    """A mouse click; `kind` is `click`, `dblclick` or `rightclick`."""

    element: Element
    kind: str = "click"
    at: float = 0.0


@dataclass(frozen=True)
class Fill:
    """A text field's value after the user typed."""

    element: Element
    value: str
    at: float = 0.0


@dataclass(frozen=True)
class Select:
    """An option chosen in a select box (its label)."""

    element: Element
    option: str
    at: float = 0.0


@dataclass(frozen=True)
class Check:
    """A checkbox or radio button changed."""

    element: Element
    checked: bool
    at: float = 0.0


@dataclass(frozen=True)
class Press:
    """A key or chord, with the focused element when there is one."""

    key: str
    element: Element | None = None
    at: float = 0.0


@dataclass(frozen=True)
class Assert:
    """The user asked to expect the element as it is now."""

    element: Element
    at: float = 0.0


Event = Load | Click | Fill | Select | Check | Press | Assert


@dataclass(frozen=True)
class BadEvent:
    """A payload the listener should never send; kept to be reported, not recorded."""

    reason: str
    payload: Any = field(default=None, compare=False)


def _text(raw: Any, key: str) -> str:
    value = raw.get(key)
    return value if isinstance(value, str) else ""


def parse_element(raw: Any) -> Element | None:
    """The element of a payload, or None when it has no tag or CSS path."""
    if not isinstance(raw, dict) or not _text(raw, "tag") or not _text(raw, "css"):
        return None
    found = raw.get("counts")
    counts: dict[str, Any] = found if isinstance(found, dict) else {}
    value = raw.get("value")
    checked = raw.get("checked")
    return Element(
        tag=_text(raw, "tag"),
        css=_text(raw, "css"),
        role=_text(raw, "role"),
        name=_text(raw, "name"),
        label=_text(raw, "label"),
        placeholder=_text(raw, "placeholder"),
        testid=_text(raw, "testid"),
        id=_text(raw, "id"),
        text=_text(raw, "text"),
        type=_text(raw, "type"),
        shown_text=_text(raw, "shown_text"),
        value=value if isinstance(value, str) else None,
        checked=checked if isinstance(checked, bool) else None,
        counts=tuple((k, int(v)) for k, v in counts.items() if k in KINDS and isinstance(v, int | float)),
    )


def parse_event(raw: Any, at: float = 0.0) -> Event | BadEvent:
    """The event of one listener payload (`at` is when it arrived, in seconds)."""
    if not isinstance(raw, dict):
        return BadEvent("not an object", raw)
    kind = raw.get("type")
    if kind == "load":
        url = _text(raw, "url")
        if not url:
            return BadEvent("a load without a URL", raw)
        caused = raw.get("caused")
        return Load(url, _text(raw, "nav") or "navigate", caused if isinstance(caused, bool) else None, at)
    if kind == "press":
        key = _text(raw, "key")
        if not key:
            return BadEvent("a key press without a key", raw)
        return Press(key, parse_element(raw.get("el")), at)
    element = parse_element(raw.get("el"))
    if element is None:
        return BadEvent(f"a {kind!r} event without an element", raw)
    if kind in ("click", "dblclick", "rightclick"):
        return Click(element, kind, at)
    if kind == "fill":
        return Fill(element, _text(raw, "value"), at)
    if kind == "select":
        return Select(element, _text(raw, "value"), at)
    if kind == "check":
        return Check(element, bool(raw.get("checked")), at)
    if kind == "assert":
        return Assert(element, at)
    return BadEvent(f"an unknown event type {kind!r}", raw)
