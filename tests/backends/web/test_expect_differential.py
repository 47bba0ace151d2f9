"""Old vs new expectation semantics on the web: one evaluated poll per attempt answers as the two round trips did.

The web backend used to answer `query.visible`, `query.text`, `query.value`, `query.enabled`, `query.checked`,
`query.classes`, `query.attribute` and `query.css` with two Playwright calls per poll (`locator.count()`, then a
read of the matches). It now makes one `evaluate_all` (enabled and checked ask Playwright a second time only for
elements whose state follows ARIA rules: roles, `aria-disabled`, labels). `OldQueries` below keeps the old code;
every query and every expectation form built on them runs through both on pages this test writes (hidden,
display:contents, visibility, zero size, off screen, several matches, fields, whitespace, disabled fields and
fieldsets, ARIA states, checkboxes, classes, attributes, styles, missing targets), and the answers, the failure
messages, their help (did-you-mean) and the poll counts must agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from webtest_support import make_app

from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import StepError
from panoptic.families.expect import checks

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Differential</title>
<style>body { margin: 0; } .zero { width: 0; height: 0; overflow: hidden; display: block; }
#below { position: absolute; top: 5000px; } #left { position: absolute; left: -500px; width: 100px; }</style></head>
<body>
<h1 id="title">  Differential
   page  </h1>
<p id="plain">Plain text</p>
<div id="none" style="display:none">Not displayed</div>
<div id="vh" style="visibility:hidden">Invisible</div>
<div id="vc" style="visibility:collapse">Collapsed</div>
<div id="contents" style="display:contents"><span>Inside contents</span></div>
<div id="empty-contents" style="display:contents"></div>
<div class="zero" id="zero">zero sized</div>
<p id="below">Far below</p>
<p id="left">Off to the left</p>
<p class="many">First of many</p><p class="many">Second of many</p>
<p class="mixed" style="display:none">Hidden twin</p><p class="mixed">Shown twin</p>
<p id="nested">Outer <b>bold</b> <i style="display:none">gone</i> tail</p>
<input id="name" value="  Ada  Lovelace ">
<textarea id="notes">line one
line two</textarea>
<select id="size"><option value="s">Small</option><option value="m" selected>Medium</option></select>
<button id="btn" value="b-value">Press</button>
<output id="out">42</output>
<div id="div-value">no value here</div>
<span id="blank"></span>
<button>Save</button><a href="#">Save draft</a>
<button id="off" disabled class="btn primary" data-state="off">Off</button>
<fieldset disabled><legend><input id="in-legend"></legend><input id="in-fieldset"><select id="sel-fieldset"></select>
</fieldset>
<fieldset><legend>Open</legend><textarea id="ta-open" readonly></textarea></fieldset>
<div role="button" id="aria-off" aria-disabled="true" class="fake">Fake</div>
<div aria-disabled="true"><button id="under-aria">Under</button><span id="plain-under-aria">plain</span></div>
<div aria-disabled="false"><input id="aria-false"></div>
<button id="btn-span"><span id="span-in-btn">Inner</span></button>
<input type="checkbox" id="cb-on" checked><input type="checkbox" id="cb-off">
<input type="radio" id="radio-on" name="r" checked><input type="radio" id="radio-off" name="r">
<input type="checkbox" id="cb-mixed">
<div role="checkbox" id="aria-cb" aria-checked="true">Aria box</div>
<div role="switch" id="aria-switch" aria-checked="mixed">Switch</div>
<label id="lbl">Agree <input type="checkbox" id="cb-in-label" checked></label>
<label id="lbl-for" for="cb-off">For</label>
<div id="host"></div>
<script>
document.getElementById("cb-mixed").indeterminate = true;
const root = document.getElementById("host").attachShadow({mode: "open"});
root.innerHTML = '<div aria-disabled="true"><button id="shadow-btn">Shadow</button></div>';
</script>
</body></html>
"""


class OldQueries:
    """The web backend as it answered visible/text/value before: count first, then read (two round trips)."""

    def __init__(self, web: Any) -> None:
        self.web = web

    def query(self, capability: str, args: dict[str, Any]) -> Any:
        from panoptic.backends.web.locate import build_locator

        web = self.web
        if capability not in OLD_CAPABILITIES:
            return web.query(capability, args)
        page = web._require_page()
        target: ResolvedTarget = args["target"]
        locator = build_locator(page, target)
        what = f"read {capability.split('.')[-1]} of"
        count = web._run(what, target, 0, locator.count)
        if capability == "query.visible":
            on_screen = bool(args.get("on_screen"))
            return bool(count) and web._run(what, target, 0, lambda: web._any_visible(locator, on_screen))
        if count == 0:
            return None
        if count > 1:
            raise web._strict_error(target, f"resolved to {count} elements")
        element = locator.first
        if capability in STATE_READERS:
            return _old_state(web, target, what, STATE_READERS[capability](element, args))
        if capability == "query.text":
            return element.evaluate(
                "(e, raw) => raw ? e.textContent : (e.innerText ?? e.textContent)", bool(args.get("raw")), timeout=1000
            )
        return element.evaluate(
            "e => ('value' in e && ['INPUT','TEXTAREA','SELECT','BUTTON','OPTION','OUTPUT'].includes(e.tagName))"
            " ? String(e.value) : null",
            timeout=1000,
        )

    def suggest(self, target: ResolvedTarget) -> tuple[str, ...]:
        return self.web.suggest(target)


STATE_READERS: dict[str, Any] = {
    "query.enabled": lambda el, a: lambda: el.is_enabled(timeout=1000),
    "query.checked": lambda el, a: lambda: el.is_checked(timeout=1000),
    "query.classes": lambda el, a: lambda: el.evaluate("e => Array.from(e.classList)", timeout=1000),
    "query.attribute": lambda el, a: (
        lambda: el.evaluate(
            "(e, name) => e.hasAttribute(name) ? e.getAttribute(name) : false",
            str(a.get("attribute") or ""),
            timeout=1000,
        )
    ),
    "query.css": lambda el, a: (
        lambda: el.evaluate(
            "(e, prop) => getComputedStyle(e).getPropertyValue(prop)", str(a.get("property") or ""), timeout=1000
        )
    ),
}
OLD_CAPABILITIES = ("query.visible", "query.text", "query.value", *STATE_READERS)


def _old_state(web: Any, target: ResolvedTarget, what: str, answer: Any) -> Any:
    """The old second call of the element queries, with its error handling."""
    from panoptic.contract.errors import ActionFailed

    try:
        return answer()
    except Exception as exc:
        if type(exc).__name__ == "TimeoutError":
            return None
        if web._is_crash(exc):
            raise web._crashed(str(exc)) from None
        if "not a checkbox" in str(exc).lower():
            raise ActionFailed(
                f"{web._scrub(target.describe())} is not a checkbox or radio button", help="target the checkbox"
            ) from None
        raise web._translate(exc, what, target, 0) from None


TARGETS = [
    ResolvedTarget("css", "#title"),
    ResolvedTarget("css", "#plain"),
    ResolvedTarget("css", "#none"),
    ResolvedTarget("css", "#vh"),
    ResolvedTarget("css", "#vc"),
    ResolvedTarget("css", "#contents"),
    ResolvedTarget("css", "#empty-contents"),
    ResolvedTarget("css", "#zero"),
    ResolvedTarget("css", "#below"),
    ResolvedTarget("css", "#left"),
    ResolvedTarget("css", ".many"),
    ResolvedTarget("css", ".mixed"),
    ResolvedTarget("css", "#nested"),
    ResolvedTarget("css", "#name"),
    ResolvedTarget("css", "#notes"),
    ResolvedTarget("css", "#size"),
    ResolvedTarget("css", "#btn"),
    ResolvedTarget("css", "#out"),
    ResolvedTarget("css", "#div-value"),
    ResolvedTarget("css", "#blank"),
    ResolvedTarget("css", "#missing"),
    ResolvedTarget("css", "#plian"),
    ResolvedTarget("css", "p >>> bad"),
    ResolvedTarget("text", "Plain"),
    ResolvedTarget("text", "Save"),
    ResolvedTarget("text", "Save", exact=True),
    ResolvedTarget("role", "Save", role="button"),
    ResolvedTarget("role", "Svae", role="button"),
    ResolvedTarget("testid", "nothing"),
    ResolvedTarget("xpath", "//p[@id='plain']"),
    ResolvedTarget("id", "name"),
    *(
        ResolvedTarget("css", f"#{name}")
        for name in [
            "off",
            "in-legend",
            "in-fieldset",
            "sel-fieldset",
            "ta-open",
            "aria-off",
            "under-aria",
            "plain-under-aria",
            "aria-false",
            "btn-span",
            "span-in-btn",
            "cb-on",
            "cb-off",
            "radio-on",
            "radio-off",
            "cb-mixed",
            "aria-cb",
            "aria-switch",
            "lbl",
            "cb-in-label",
            "lbl-for",
            "host",
        ]
    ),
    ResolvedTarget("css", "#host >> #shadow-btn"),
    ResolvedTarget("css", "input[type=checkbox]"),
    ResolvedTarget("role", "Fake", role="button"),
    ResolvedTarget("role", "Aria box", role="checkbox"),
    ResolvedTarget("label", "Agree"),
    ResolvedTarget("label", "For"),
    ResolvedTarget("text", "Under"),
]

QUERIES = [
    ("query.visible", {}),
    ("query.visible", {"on_screen": True}),
    ("query.text", {}),
    ("query.text", {"raw": True}),
    ("query.value", {}),
    ("query.enabled", {}),
    ("query.checked", {}),
    ("query.classes", {}),
    ("query.attribute", {"attribute": "data-state"}),
    ("query.attribute", {"attribute": "disabled"}),
    ("query.attribute", {"attribute": "id"}),
    ("query.css", {"property": "display"}),
    ("query.css", {"property": "no-such-property"}),
]

EXPECTATIONS = [
    ("visible", {}),
    ("hidden", {}),
    ("on_screen", {}),
    ("has_text", {"text": "Differential page"}),
    ("has_text", {"text": "Plain text"}),
    ("contains", {"text": "of many"}),
    ("contains", {"text": "bold tail"}),
    ("has_exact_text", {"text": "Plain text"}),
    ("contains_exact", {"text": "line"}),
    ("has_value", {"text": "Ada Lovelace"}),
    ("has_exact_value", {"text": "m"}),
    ("has_exact_value", {"text": "42"}),
    ("enabled", {}),
    ("disabled", {}),
    ("checked", {}),
    ("unchecked", {}),
    ("has_class", {"text": "btn primary"}),
    ("lacks_class", {"text": "fake"}),
    ("has_attribute", {"attribute": "data-state", "text": "off"}),
    ("has_attribute", {"attribute": "disabled"}),
    ("lacks_attribute", {"attribute": "aria-disabled"}),
    ("has_css", {"property": "display", "text": "block"}),
]


def _outcome(fn: Any, *args: Any) -> tuple[str, Any]:
    try:
        return "value", fn(*args)
    except StepError as exc:
        return type(exc).__name__, (exc.code, exc.message, exc.help, exc.expected, exc.actual, exc.candidates)


def _check(backend: Any, name: str, args: dict[str, Any]) -> int:
    return checks.check(backend, name, args, 0.0, interval=0.01)


@pytest.fixture
def page(chromium: str, tmp_path: Path, make_ctx: Any) -> Any:
    from panoptic.backends.web.backend import WebBackend

    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(PAGE, encoding="utf-8")
    web = WebBackend(make_app(tmp_path / "site"))
    web.start()
    ctx = make_ctx()
    web.begin(ctx)
    web.perform("navigate", {"url": "/index.html"}, 5.0)
    yield web
    web.end(ctx, False)
    web.stop()


def test_every_query_answers_as_the_two_call_poll_did(page: Any) -> None:
    old = OldQueries(page)
    compared = 0
    for target in TARGETS:
        for capability, extra in QUERIES:
            args = {"target": target, **extra}
            before = _outcome(old.query, capability, dict(args))
            after = _outcome(page.query, capability, dict(args))
            assert after == before, (target.describe(), capability, extra)
            compared += 1
    assert compared == len(TARGETS) * len(QUERIES)


def test_every_expectation_fails_and_passes_with_the_same_message(page: Any) -> None:
    old = OldQueries(page)
    for target in TARGETS:
        for name, extra in EXPECTATIONS:
            args = {"target": target, **extra}
            before = _outcome(_check, old, name, dict(args))
            after = _outcome(_check, page, name, dict(args))
            assert after == before, (target.describe(), name, extra)


def test_retrying_still_waits_for_a_late_element(page: Any) -> None:
    """The poll still retries: text that appears after 1.5 s passes within 10 s, after more than one poll."""
    page.services()  # the page is open
    page._page.evaluate(
        "() => setTimeout(() => { const p = document.createElement('p'); p.id = 'late'; p.textContent = 'Late';"
        " document.body.appendChild(p); }, 1500)"
    )
    polls = checks.check(page, "has_text", {"target": ResolvedTarget("css", "#late"), "text": "Late"}, 10.0)
    assert polls > 1
