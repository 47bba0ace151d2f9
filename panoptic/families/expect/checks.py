"""`expect …` assertions: what each one asks the backend and when it holds.

`visible` holds when at least one element matching the target is visible,
`hidden` (`not visible`) when none is (or none exists), and `on screen` when at
least one is visible with its box overlapping the viewport; backends examine
every match, however many there are.

An assertion polls one backend query (`query.visible`, `query.text`, …) —
the first poll at once, then every `POLL_INTERVAL` seconds — until its
condition holds or its timeout passes. It then fails with the expected value,
the last observed value, and, when the target was never found, the similar
targets the backend suggests (did-you-mean).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import AssertionFailed, BackendCrashed, TargetNotFound
from panoptic.contract.family import POLL_INTERVAL
from panoptic.runtime.values import format_duration


def normalise(text: Any) -> str:
    """Whitespace-normalised text: runs of spaces, tabs and newlines become one space, ends trimmed."""
    return " ".join(str(text).split())


def _url_is(actual: Any, expected: str) -> bool:
    if not isinstance(actual, str):
        return False
    if actual == expected or actual.rstrip("/") == expected.rstrip("/"):
        return True
    if not urlsplit(expected).scheme:  # a path: compare with the path (+ query, fragment) of the page
        parts = urlsplit(actual)
        tail = (
            parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        )
        return tail == expected or (tail.rstrip("/") or "/") == (expected.rstrip("/") or "/")
    return False


def _url_matches(actual: Any, pattern: str) -> bool:
    if not isinstance(actual, str):
        return False
    try:
        return re.search(pattern, actual) is not None
    except re.error as exc:
        raise AssertionFailed(f"invalid regular expression {pattern!r}: {exc}") from None


@dataclass(frozen=True)
class Expectation:
    """One assertion form: the query it polls, its condition, and how to describe it."""

    query: str
    uses_target: bool
    holds: Callable[[Any, dict[str, Any]], bool]
    phrase: Callable[[dict[str, Any]], str]  # "to have text "1""
    expected: Callable[[dict[str, Any]], str]
    describe: Callable[[Any], str]  # the observed value, for `actual`
    missing: Callable[[Any], bool]  # does the observation mean the target is not there?
    options: tuple[tuple[str, Any], ...] = ()  # more arguments of the query (`on_screen`)
    passes: tuple[str, ...] = ()  # step arguments handed on to the query (`attribute`, `property`)


def _quote(value: Any) -> str:
    return '"' + str(value).replace('"', '\\"') + '"'


def _state(yes: str, no: str) -> Callable[[Any], str]:
    return lambda v: "not found" if v is None else (yes if v else no)


def _text_actual(value: Any) -> str:
    return "not found" if value is None else _quote(normalise(value))


def _is_none(value: Any) -> bool:
    return value is None


def _exact_actual(value: Any) -> str:
    return "not found" if value is None else _quote(value)


def _class_names(text: Any) -> list[str]:
    return str(text).split()


def _classes_actual(value: Any) -> str:
    if value is None:
        return "not found"
    return "classes " + _quote(" ".join(value)) if value else "no classes"


def _attribute_holds(value: Any, args: dict[str, Any]) -> bool:
    if value is None or value is False:  # no element, or the element lacks the attribute
        return False
    return args.get("text") is None or str(value) == str(args["text"])


def _attribute_phrase(args: dict[str, Any]) -> str:
    name = _quote(args["attribute"])
    return f"to have attribute {name}" + (f" = {_quote(args['text'])}" if args.get("text") is not None else "")


def _attribute_actual(value: Any) -> str:
    return "not found" if value is None else "no such attribute" if value is False else _quote(value)


EXPECTATIONS: dict[str, Expectation] = {
    "visible": Expectation(
        "query.visible",
        True,
        lambda v, a: v is True,
        lambda a: "to be visible",
        lambda a: "visible",
        _state("visible", "not visible"),
        lambda v: not v,
    ),
    "on_screen": Expectation(
        "query.visible",
        True,
        lambda v, a: v is True,
        lambda a: "to be visible on screen",
        lambda a: "visible inside the viewport",
        _state("visible inside the viewport", "not visible inside the viewport"),
        lambda v: not v,
        (("on_screen", True),),
    ),
    "hidden": Expectation(
        "query.visible",
        True,
        lambda v, a: not v,
        lambda a: "to be hidden",
        lambda a: "hidden",
        _state("visible", "hidden"),
        lambda v: False,
    ),
    "enabled": Expectation(
        "query.enabled",
        True,
        lambda v, a: v is True,
        lambda a: "to be enabled",
        lambda a: "enabled",
        _state("enabled", "disabled"),
        _is_none,
    ),
    "disabled": Expectation(
        "query.enabled",
        True,
        lambda v, a: v is False,
        lambda a: "to be disabled",
        lambda a: "disabled",
        _state("enabled", "disabled"),
        _is_none,
    ),
    "checked": Expectation(
        "query.checked",
        True,
        lambda v, a: v is True,
        lambda a: "to be checked",
        lambda a: "checked",
        _state("checked", "not checked"),
        _is_none,
    ),
    "unchecked": Expectation(
        "query.checked",
        True,
        lambda v, a: v is False,
        lambda a: "not to be checked",
        lambda a: "not checked",
        _state("checked", "not checked"),
        _is_none,
    ),
    "has_text": Expectation(
        "query.text",
        True,
        lambda v, a: v is not None and normalise(v) == normalise(a["text"]),
        lambda a: f"to have text {_quote(a['text'])}",
        lambda a: _quote(normalise(a["text"])),
        _text_actual,
        _is_none,
    ),
    "contains": Expectation(
        "query.text",
        True,
        lambda v, a: v is not None and normalise(a["text"]) in normalise(v),
        lambda a: f"to contain {_quote(a['text'])}",
        lambda a: f"text containing {_quote(normalise(a['text']))}",
        _text_actual,
        _is_none,
    ),
    "has_exact_text": Expectation(
        "query.text",
        True,
        lambda v, a: v is not None and str(v) == str(a["text"]),
        lambda a: f"to have exactly the text {_quote(a['text'])}",
        lambda a: _quote(a["text"]),
        _exact_actual,
        _is_none,
        (("raw", True),),
    ),
    "contains_exact": Expectation(
        "query.text",
        True,
        lambda v, a: v is not None and str(a["text"]) in str(v),
        lambda a: f"to contain exactly {_quote(a['text'])}",
        lambda a: f"text containing {_quote(a['text'])}",
        _exact_actual,
        _is_none,
        (("raw", True),),
    ),
    "has_exact_value": Expectation(
        "query.value",
        True,
        lambda v, a: v is not None and str(v) == str(a["text"]),
        lambda a: f"to have exactly the value {_quote(a['text'])}",
        lambda a: _quote(a["text"]),
        _exact_actual,
        _is_none,
    ),
    "has_class": Expectation(
        "query.classes",
        True,
        lambda v, a: v is not None and all(c in v for c in _class_names(a["text"])),
        lambda a: f"to have class {_quote(a['text'])}",
        lambda a: "classes including " + _quote(" ".join(_class_names(a["text"]))),
        _classes_actual,
        _is_none,
    ),
    "lacks_class": Expectation(
        "query.classes",
        True,
        lambda v, a: v is not None and not any(c in v for c in _class_names(a["text"])),
        lambda a: f"not to have class {_quote(a['text'])}",
        lambda a: "no class of " + _quote(" ".join(_class_names(a["text"]))),
        _classes_actual,
        _is_none,
    ),
    "has_attribute": Expectation(
        "query.attribute",
        True,
        _attribute_holds,
        _attribute_phrase,
        lambda a: _quote(a["text"]) if a.get("text") is not None else f"attribute {_quote(a['attribute'])} present",
        _attribute_actual,
        _is_none,
        passes=("attribute",),
    ),
    "lacks_attribute": Expectation(
        "query.attribute",
        True,
        lambda v, a: v is False,
        lambda a: f"not to have attribute {_quote(a['attribute'])}",
        lambda a: "no such attribute",
        _attribute_actual,
        _is_none,
        passes=("attribute",),
    ),
    "has_css": Expectation(
        "query.css",
        True,
        lambda v, a: v is not None and normalise(v) == normalise(a["text"]),
        lambda a: f"to have CSS {a['property']} {_quote(a['text'])}",
        lambda a: _quote(normalise(a["text"])),
        _text_actual,
        _is_none,
        passes=("property",),
    ),
    "has_value": Expectation(
        "query.value",
        True,
        lambda v, a: v is not None and normalise(v) == normalise(a["text"]),
        lambda a: f"to have value {_quote(a['text'])}",
        lambda a: _quote(normalise(a["text"])),
        _text_actual,
        _is_none,
    ),
    "count": Expectation(
        "query.count",
        True,
        lambda v, a: v is not None and int(v) == int(a["count"]),
        lambda a: f"to match {int(a['count'])} element(s)",
        lambda a: f"{int(a['count'])} element(s)",
        lambda v: "not found" if v is None else f"{int(v)} element(s)",
        lambda v: not v,
    ),
    "storage_is": Expectation(
        "query.storage",
        False,
        lambda v, a: v is not None and str(v) == str(a["text"]),
        lambda a: f"to be {_quote(a['text'])}",
        lambda a: _quote(a["text"]),
        lambda v: "no such item" if v is None else _quote(v),
        lambda v: False,
        passes=("area", "key"),
    ),
    "storage_missing": Expectation(
        "query.storage",
        False,
        lambda v, a: v is None,
        lambda a: "to be missing",
        lambda a: "no such item",
        lambda v: "no such item" if v is None else _quote(v),
        lambda v: False,
        passes=("area", "key"),
    ),
    "cookie_is": Expectation(
        "query.cookie",
        False,
        lambda v, a: v is not None and str(v) == str(a["text"]),
        lambda a: f"to be {_quote(a['text'])}",
        lambda a: _quote(a["text"]),
        lambda v: "no such cookie" if v is None else _quote(v),
        lambda v: False,
        passes=("name",),
    ),
    "cookie_missing": Expectation(
        "query.cookie",
        False,
        lambda v, a: v is None,
        lambda a: "to be missing",
        lambda a: "no such cookie",
        lambda v: "no such cookie" if v is None else _quote(v),
        lambda v: False,
        passes=("name",),
    ),
    "dialog": Expectation(
        "query.dialog",
        False,
        lambda v, a: bool(v) and any(normalise(a["text"]) in normalise(m) for m in v),
        lambda a: f"to show {_quote(a['text'])}",
        lambda a: f"a dialog showing {_quote(a['text'])}",
        lambda v: "dialogs: " + ", ".join(_quote(m) for m in v[-3:]) if v else "no dialog",
        lambda v: False,
    ),
    "download": Expectation(
        "query.downloads",
        False,
        lambda v, a: any(
            d["name"] == str(a["name"])
            and (a.get("text") is None or (d["content"] is not None and str(a["text"]) in d["content"]))
            for d in v or ()
        ),
        lambda a: f"of {_quote(a['name'])}" + (f" containing {_quote(a['text'])}" if a.get("text") is not None else ""),
        lambda a: _quote(a["name"]) + (f" containing {_quote(a['text'])}" if a.get("text") is not None else ""),
        lambda v: ("downloads: " + ", ".join(_quote(d["name"]) for d in v)) if v else "no download",
        lambda v: False,
    ),
    "tabs": Expectation(
        "query.tabs",
        False,
        lambda v, a: v is not None and int(v) == int(a["count"]),
        lambda a: f"to be {int(a['count'])}",
        lambda a: f"{int(a['count'])} tab(s)",
        lambda v: f"{v} tab(s)",
        lambda v: False,
    ),
    "response_status": Expectation(
        "query.response",
        False,
        lambda v, a: isinstance(v, dict) and int(v["status"]) == int(a["status"]),
        lambda a: f"to be {int(a['status'])}",
        lambda a: str(int(a["status"])),
        lambda v: str(v["status"]) if isinstance(v, dict) else "no request made",
        lambda v: False,
    ),
    "response_json": Expectation(
        "query.response",
        False,
        lambda v, a: _json_at(v, a["path"]) is not None and _same(_json_at(v, a["path"]), a["expected"]),
        lambda a: f"at {a['path']} to be {_json_text(a['expected'])}",
        lambda a: _json_text(a["expected"]),
        lambda v: "no request made" if not isinstance(v, dict) else "no JSON body" if v.get("json") is None else "",
        lambda v: False,
    ),
    "response_header": Expectation(
        "query.response",
        False,
        lambda v, a: isinstance(v, dict) and str(a["text"]) in str(v["headers"].get(str(a["header"]).lower(), "")),
        lambda a: f"header {a['header']} to contain {_quote(a['text'])}",
        lambda a: f"a header containing {_quote(a['text'])}",
        lambda v: "no request made" if not isinstance(v, dict) else "",
        lambda v: False,
    ),
    "url_is": Expectation(
        "query.url",
        False,
        lambda v, a: _url_is(v, str(a["text"])),
        lambda a: f"to be {_quote(a['text'])}",
        lambda a: _quote(a["text"]),
        lambda v: _quote(v),
        lambda v: False,
    ),
    "url_contains": Expectation(
        "query.url",
        False,
        lambda v, a: isinstance(v, str) and str(a["text"]) in v,
        lambda a: f"to contain {_quote(a['text'])}",
        lambda a: f"a URL containing {_quote(a['text'])}",
        lambda v: _quote(v),
        lambda v: False,
    ),
    "url_matches": Expectation(
        "query.url",
        False,
        lambda v, a: _url_matches(v, str(a["text"])),
        lambda a: f"to match /{a['text']}/",
        lambda a: f"a URL matching /{a['text']}/",
        lambda v: _quote(v),
        lambda v: False,
    ),
    "title_is": Expectation(
        "query.title",
        False,
        lambda v, a: v is not None and normalise(v) == normalise(a["text"]),
        lambda a: f"to be {_quote(a['text'])}",
        lambda a: _quote(normalise(a["text"])),
        _text_actual,
        lambda v: False,
    ),
    "title_contains": Expectation(
        "query.title",
        False,
        lambda v, a: v is not None and normalise(a["text"]) in normalise(v),
        lambda a: f"to contain {_quote(a['text'])}",
        lambda a: f"a title containing {_quote(normalise(a['text']))}",
        _text_actual,
        lambda v: False,
    ),
}


def _json_at(response: Any, path: str) -> Any:
    """The value at a JSON path of a response (a 1-tuple, so that JSON null is a value), or None."""
    from panoptic.families.expect import jsonpath

    if not isinstance(response, dict) or response.get("json") is None:
        return None
    value = jsonpath.read(response["json"], jsonpath.parse(path))
    return None if jsonpath.missing(value) else (value,)


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else _quote(value)


def _same(found: tuple[Any], expected: Any) -> bool:
    """JSON value and expected value: numbers as numbers (1 == 1.0, "3" == 3), else as text."""
    value = found[0]
    if isinstance(value, bool) or isinstance(expected, bool):
        return value is expected or str(value).lower() == str(expected).lower()
    try:
        return float(value) == float(expected)
    except (TypeError, ValueError):
        return _plain(value) == _plain(expected)


def _plain(value: Any) -> str:
    import json

    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def subject(name: str, args: dict[str, Any]) -> str:
    """What an assertion is about: the target, the page URL or the page title."""
    if name.startswith("url_"):
        return "the URL"
    if name.startswith("title_"):
        return "the title"
    if name.startswith("storage_"):
        return f"{args.get('area', 'local')} storage item {_quote(args.get('key', ''))}"
    if name.startswith("response_"):
        return "the response" + (f" JSON at {args['path']}" if name == "response_json" else "")
    if name == "dialog":
        return "a dialog"
    if name == "download":
        return "a download"
    if name == "tabs":
        return "the number of tabs"
    if name.startswith("cookie_"):
        return f"cookie {_quote(args.get('name', ''))}"
    target = args.get("target")
    return target.describe() if isinstance(target, ResolvedTarget) else "the target"


def poll(
    probe: Callable[[], Any],
    condition: Callable[[Any], bool],
    timeout: float,
    *,
    interval: float = POLL_INTERVAL,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[bool, Any, int]:
    """Call `probe` until `condition(value)` holds or `timeout` seconds pass: `(held, last value, polls)`.

    The first probe runs at once; a probe raising TargetNotFound counts as "not there" (None).
    """
    deadline = clock() + max(0.0, timeout)
    polls = 0
    while True:
        try:
            value = probe()
        except TargetNotFound:
            value = None
        polls += 1
        if condition(value):
            return True, value, polls
        now = clock()
        if now >= deadline:
            return False, value, polls
        if should_stop is not None and should_stop():
            raise KeyboardInterrupt
        sleep(min(interval, deadline - now))


def check(
    backend: Any,
    name: str,
    args: dict[str, Any],
    timeout: float,
    *,
    interval: float = POLL_INTERVAL,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Run assertion `name` (e.g. `has_text`) until it holds; raise AssertionFailed otherwise. Returns polls made."""
    spec = EXPECTATIONS[name]
    query_args = {"target": args["target"], **dict(spec.options)} if spec.uses_target else {}
    query_args.update({name: args[name] for name in spec.passes})
    held, last, polls = poll(
        lambda: backend.query(spec.query, query_args),
        lambda value: spec.holds(value, args),
        timeout,
        interval=interval,
        should_stop=should_stop,
    )
    if held:
        return polls
    candidates: tuple[str, ...] = ()
    target = args.get("target")
    actual, missing = spec.describe(last), spec.uses_target and spec.missing(last)
    count = None
    if spec.query == "query.visible" and isinstance(target, ResolvedTarget):
        actual, count = visibility_actual(backend, target, last, on_screen=bool(dict(spec.options).get("on_screen")))
        missing = missing and count in (None, 0)
    if missing and isinstance(target, ResolvedTarget):
        candidates = suggestions(backend, target)
    waited = format_duration(timeout)
    message = f"expected {subject(name, args)} {spec.phrase(args)} (waited {waited})"
    help_text = None
    if candidates:
        help_text = "did you mean " + " or ".join(candidates[:3]) + "?"
    elif missing:
        help_text = "check the target, or give it more time with `within`"
    elif count and not last:
        some, it = ("it is", "it") if count == 1 else (f"its {count} matches are all", "one")
        if name == "on_screen":
            help_text = f"{some} on the page but not visible in the viewport: `scroll to` {it}, or wait (`within`)"
        else:
            help_text = f"{some} on the page but hidden: wait for {it} to show (`within`), or target a visible element"
    raise AssertionFailed(message, expected=spec.expected(args), actual=actual, candidates=candidates, help=help_text)


def match_count(backend: Any, target: ResolvedTarget) -> int | None:
    """How many elements match `target` now (`query.count`), or None when the backend cannot count them."""
    try:
        found = backend.query("query.count", {"target": target})
    except BackendCrashed:
        raise
    except Exception:
        return None
    return found if isinstance(found, int) and not isinstance(found, bool) and found >= 0 else None


def visibility_actual(
    backend: Any, target: ResolvedTarget, seen: Any, *, on_screen: bool = False, hidden: str = "not visible"
) -> tuple[str, int | None]:
    """What a failed `visible` / `hidden` / `on screen` saw, and how many elements match (None: not countable).

    A target that matches nothing is "absent (0 matches)", not "not visible"; one whose matches are all hidden is
    `hidden` ("not visible"), with the number of matches when there are several. Backends that cannot count (the
    desktop, which finds things on the screen) keep "not visible".
    """
    shown = "visible inside the viewport" if on_screen else "visible"
    count = match_count(backend, target)
    if seen:
        return shown + (f" (at least one of {count} matches)" if count and count > 1 else ""), count
    if count == 0:
        return "absent (0 matches)", count
    if seen is None and count is None:
        return "not found", count
    no = f"not {shown}" if on_screen else hidden
    return no + (f" (none of {count} matches)" if count and count > 1 else ""), count


def suggestions(backend: Any, target: ResolvedTarget) -> tuple[str, ...]:
    """Did-you-mean candidates from the backend; a backend that cannot suggest gives none."""
    try:
        found = backend.suggest(target)
    except BackendCrashed:
        raise
    except Exception:
        return ()
    return tuple(str(c) for c in (found or ()))[:5]


# ---- value forms: `let n = text of "#count"` ------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")
_READ_WHAT = {
    "query.text": "text",
    "query.value": "value",
    "query.count": "count",
    "query.attribute": "attribute",
    "query.css": "CSS value",
    "query.url": "URL",
    "query.title": "title",
    "query.storage": "storage item",
    "query.cookie": "cookie",
}


def first_number(text: Any) -> int | float | None:
    """The first number in a text (`"3 items left"` → 3, `"1,234.5 €"` → 1234.5), or None."""
    found = _NUMBER.search(str(text))
    if found is None:
        return None
    raw = found.group(0)
    if "," in raw and "." not in raw and raw.count(",") == 1 and len(raw.rsplit(",", 1)[1]) != 3:
        raw = raw.replace(",", ".")  # a decimal comma: "2,5"
    else:
        raw = raw.replace(",", "")
    return float(raw) if "." in raw else int(raw)


def _read_value(query: str, reading: str, raw: Any, args: dict[str, Any] | None = None) -> Any:
    """The value a read gives from the backend's answer, or None while it is not there yet."""
    if raw is None or raw is False:
        return None
    if query == "query.response":
        if reading == "status":
            return int(raw["status"])
        if reading == "header":
            return raw["headers"].get(str((args or {}).get("header", "")).lower())
        if reading == "json":
            found = _json_at(raw, str((args or {}).get("path", "$")))
            return None if found is None else found[0]
        return str(raw.get("text", ""))
    if query == "query.count":
        return int(raw)
    if reading == "number":
        return first_number(raw)
    if query == "query.text" and reading != "exact":
        return normalise(raw)
    return str(raw)


def read(
    backend: Any,
    args: dict[str, Any],
    timeout: float,
    *,
    interval: float = POLL_INTERVAL,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[Any, int]:
    """Read a value form's value, polling until it is there: `(value, polls)`; AssertionFailed at the timeout."""
    query = str(args["query"])
    reading = str(args.get("reading") or "")
    query_args = {k: v for k, v in args.items() if k not in ("query", "reading", "into", "into_secret")}
    if query in ("query.text", "query.value") and reading != "number":
        query_args["raw"] = reading == "exact"
    last_raw: list[Any] = [None]

    def probe() -> Any:
        last_raw[0] = backend.query(query, query_args)
        return _read_value(query, reading, last_raw[0], args)

    held, value, polls = poll(
        probe,
        lambda v: v is not None or query == "query.count",
        0.0 if query == "query.count" else timeout,
        interval=interval,
        should_stop=should_stop,
    )
    if held:
        return (0 if value is None else value), polls
    what = _READ_WHAT.get(query, query)
    target = args.get("target")
    if isinstance(target, ResolvedTarget):
        about = target.describe()
    elif query == "query.storage":
        about = f"{args.get('area', 'local')} storage item {_quote(args.get('key', ''))}"
    elif query == "query.cookie":
        about = f"cookie {_quote(args.get('name', ''))}"
    elif query == "query.response":
        about = "the last response" if last_raw[0] is not None else "no `request` was made, so the response"
    else:
        about = "the page"
    raw = last_raw[0]
    if query == "query.response" and raw is not None and reading == "json":
        message, actual = f"the last response has no value at {args.get('path')}", "missing"
    elif query == "query.response" and raw is not None and reading == "header":
        message, actual = f"the last response has no header {_quote(args.get('header', ''))}", "missing"
    elif reading == "number" and raw is not None:
        message, actual = f"{about} has no number in its text", _quote(normalise(raw))
    elif raw is False:
        message, actual = f"{about} has no attribute {_quote(args.get('attribute', ''))}", "no such attribute"
    elif isinstance(target, ResolvedTarget):
        message, actual = f"could not read the {what} of {about}: it was not found", "not found"
    else:
        message, actual = f"{about} is not there", "missing"
    candidates = suggestions(backend, target) if isinstance(target, ResolvedTarget) and raw is None else ()
    raise AssertionFailed(
        f"{message} (waited {format_duration(timeout)})",
        expected="a number" if reading == "number" else f"a {what}",
        actual=actual,
        candidates=candidates,
        help=("did you mean " + " or ".join(candidates[:3]) + "?") if candidates else None,
    )
