"""What the web backend offers beyond actions and queries: the page's elements, its errors, its HTML.

Families reach these through `WebBackend.services()` (they never import this
package): the AI family's `vision report`, `expect no errors` and
`panoptic generate` read the page through them.

* `watch(page)` subscribes to a page's console messages, uncaught errors,
  failed requests and responses; what goes wrong is kept per browser context,
  so each scenario attempt (a fresh context) starts with an empty log.
* `PageServices.elements()` lists the visible elements of the page that a
  person would name: controls, links, headings, images, labelled regions,
  with their ARIA role, accessible name, label, test id and box in CSS pixels.
* `PageServices.fingerprint(target)` / `fingerprints()` describe one targeted
  element / every visible element for self-healing targets: attributes,
  text, role and accessible name, classes, parent, neighbouring texts, tag
  path and box.
"""

from __future__ import annotations

import contextlib
import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from panoptic.contract.errors import ActionFailed


@dataclass(frozen=True)
class PageError:
    """One thing that went wrong on a page: kind is console, page, request or http."""

    kind: str
    message: str
    url: str = ""
    status: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The error as a JSON-ready dict."""
        data: dict[str, Any] = {"kind": self.kind, "message": self.message, "url": self.url}
        if self.status is not None:
            data["status"] = self.status
        return data


@dataclass
class ErrorLog:
    """The errors seen in one browser context, in the order they happened."""

    errors: list[PageError] = field(default_factory=list)

    def add(self, error: PageError) -> None:
        if len(self.errors) < 1000:  # a page that logs in a loop must not fill the memory
            self.errors.append(error)


_LOGS: weakref.WeakKeyDictionary[Any, ErrorLog] = weakref.WeakKeyDictionary()


def _log_for(page: Any) -> ErrorLog:
    context = page.context
    log = _LOGS.get(context)
    if log is None:
        log = _LOGS[context] = ErrorLog()
    return log


def deliver_events(page: Any) -> None:
    """Let Playwright hand over the events it has received for `page` (errors, responses, new tabs); never raises.

    The sync API delivers events only during a call into Playwright, so state
    that events fill is read after one: a zero wait, answered by the driver
    without running anything in the page (a page busy in a script answers too).
    """
    with contextlib.suppress(Exception):
        page.wait_for_timeout(0)


def watch(page: Any) -> None:
    """Record the console errors, page errors, failed requests and HTTP >= 400 responses of `page`."""
    log = _log_for(page)

    def console(message: Any) -> None:
        if message.type == "error":
            location = message.location or {}
            log.add(PageError("console", str(message.text), str(location.get("url") or "")))

    def page_error(error: Any) -> None:
        name = getattr(error, "name", "") or "Error"
        log.add(PageError("page", f"{name}: {getattr(error, 'message', error)}", page.url))

    def request_failed(request: Any) -> None:
        reason = request.failure or "failed"
        log.add(PageError("request", f"{request.method} {request.url} failed: {reason}", request.url))

    def response(resp: Any) -> None:
        if resp.status >= 400:
            log.add(
                PageError("http", f"{resp.request.method} {resp.url} answered {resp.status}", resp.url, resp.status)
            )

    page.on("console", console)
    page.on("pageerror", page_error)
    page.on("requestfailed", request_failed)
    page.on("response", response)


# Visible elements a person would name, with role, accessible name and box (CSS pixels of the viewport).
ELEMENTS_JS = r"""
() => {
  const IMPLICIT = {A: 'link', BUTTON: 'button', SELECT: 'combobox', TEXTAREA: 'textbox', IMG: 'img',
    H1: 'heading', H2: 'heading', H3: 'heading', H4: 'heading', H5: 'heading', H6: 'heading',
    NAV: 'navigation', MAIN: 'main', FORM: 'form', UL: 'list', OL: 'list', LI: 'listitem', TABLE: 'table',
    DIALOG: 'dialog', SUMMARY: 'button', HEADER: 'banner', FOOTER: 'contentinfo', P: 'paragraph'};
  const INPUT = {button: 'button', submit: 'button', reset: 'button', image: 'button', checkbox: 'checkbox',
    radio: 'radio', range: 'slider', number: 'spinbutton', search: 'searchbox'};
  const roleOf = (e) => {
    const explicit = (e.getAttribute('role') || '').trim().split(/\s+/)[0];
    if (explicit) return explicit;
    if (e.tagName === 'INPUT') return INPUT[(e.type || 'text').toLowerCase()] || 'textbox';
    if (e.tagName === 'A' && !e.hasAttribute('href')) return '';
    if (e.tagName === 'IMG' && e.getAttribute('alt') === '') return 'presentation';
    return IMPLICIT[e.tagName] || '';
  };
  const text = (e) => (e.innerText || e.textContent || '').replace(/\s+/g, ' ').trim();
  const labelOf = (e) => {
    if (e.labels && e.labels.length) {
      const l = e.labels[0].cloneNode(true);
      l.querySelectorAll('input,select,textarea,button').forEach((c) => {
        if (c.tagName === 'SELECT') c.remove(); else c.remove();
      });
      return (l.textContent || '').replace(/\s+/g, ' ').trim();
    }
    return '';
  };
  const nameOf = (e, role) => {
    const labelled = e.getAttribute('aria-labelledby');
    if (labelled) {
      const parts = labelled.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean).map(text);
      if (parts.length) return parts.join(' ');
    }
    const aria = (e.getAttribute('aria-label') || '').trim();
    if (aria) return aria;
    const label = labelOf(e);
    if (label) return label;
    if (e.tagName === 'IMG') return (e.getAttribute('alt') || '').trim();
    if (e.tagName === 'INPUT' && ['button', 'submit', 'reset'].includes(e.type)) return e.value || '';
    if (['button', 'link', 'heading', 'checkbox', 'radio', 'tab', 'menuitem', 'option', 'listitem'].includes(role))
      return text(e);
    const ph = (e.getAttribute('placeholder') || '').trim();
    if (ph) return ph;
    return (e.getAttribute('title') || '').trim();
  };
  const visible = (e) => {
    const s = getComputedStyle(e);
    if (s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) === 0) return false;
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const painted = (e) => {
    const s = getComputedStyle(e);
    const border = ['Top', 'Right', 'Bottom', 'Left'].some((k) => parseFloat(s['border' + k + 'Width']) > 0
      && s['border' + k + 'Style'] !== 'none');
    const bg = s.backgroundColor && s.backgroundColor !== 'rgba(0, 0, 0, 0)' && s.backgroundColor !== 'transparent';
    return border || bg || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'IMG'].includes(e.tagName);
  };
  const out = [];
  for (const e of document.body ? document.body.querySelectorAll('*') : []) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION', 'BR'].includes(e.tagName)) continue;
    if (!visible(e)) continue;
    const role = roleOf(e);
    const r = e.getBoundingClientRect();
    const interactive = ['A', 'BUTTON', 'INPUT', 'SELECT', 'TEXTAREA', 'SUMMARY'].includes(e.tagName)
      || ['button', 'link', 'checkbox', 'radio', 'textbox', 'combobox', 'tab', 'menuitem', 'switch'].includes(role);
    const item = {
      tag: e.tagName.toLowerCase(), role, name: role ? nameOf(e, role).slice(0, 120) : '',
      id: e.id || '', testid: e.getAttribute('data-testid') || '', type: (e.getAttribute('type') || '').toLowerCase(),
      label: labelOf(e).slice(0, 120), placeholder: e.getAttribute('placeholder') || '',
      href: e.tagName === 'A' ? (e.getAttribute('href') || '') : '',
      text: text(e).slice(0, 120), disabled: !!e.disabled, checked: !!e.checked,
      value: ('value' in e && typeof e.value === 'string') ? e.value.slice(0, 120) : '',
      form: e.form ? (e.form.id || e.form.getAttribute('name') || '') : '',
      interactive, painted: painted(e),
      box: [r.left, r.top, r.width, r.height],
    };
    out.push(item);
    if (out.length >= 5000) break;
  }
  return {elements: out, dpr: window.devicePixelRatio, scroll: [window.scrollX, window.scrollY],
          viewport: [window.innerWidth, window.innerHeight], url: location.href, title: document.title};
}
"""


# Fingerprints for self-healing targets: `(el) => [fp]` for one element (a locator's evaluate), `() => [fp…]`
# for every visible element of the page (at most 5000). Boxes are in CSS pixels of the document.
FINGERPRINT_JS = r"""
(one) => {
  const clean = (s, n) => (s || '').slice(0, 400).replace(/\s+/g, ' ').trim().slice(0, n || 80);
  const words = (e) => e.textContent || '';  // textContent needs no layout
  const INPUT = {button: 'button', submit: 'button', reset: 'button', image: 'button', checkbox: 'checkbox',
    radio: 'radio', range: 'slider', number: 'spinbutton', search: 'searchbox'};
  const IMPLICIT = {A: 'link', BUTTON: 'button', SELECT: 'combobox', TEXTAREA: 'textbox', IMG: 'img',
    H1: 'heading', H2: 'heading', H3: 'heading', H4: 'heading', H5: 'heading', H6: 'heading', LI: 'listitem',
    SUMMARY: 'button', NAV: 'navigation', FORM: 'form', DIALOG: 'dialog', TABLE: 'table'};
  const roleOf = (e) => {
    const explicit = (e.getAttribute('role') || '').trim().split(/\s+/)[0];
    if (explicit) return explicit;
    if (e.tagName === 'INPUT') return INPUT[(e.type || 'text').toLowerCase()] || 'textbox';
    if (e.tagName === 'A' && !e.hasAttribute('href')) return '';
    return IMPLICIT[e.tagName] || '';
  };
  const labelOf = (e) => (e.labels && e.labels.length) ? clean(e.labels[0].textContent) : '';
  const own = (e) => {
    let t = '';
    for (const c of e.childNodes) if (c.nodeType === 3) t += c.textContent;
    return clean(t) || clean(words(e));
  };
  const nameOf = (e, role) => {
    const aria = clean(e.getAttribute('aria-label'));
    if (aria) return aria;
    const label = labelOf(e);
    if (label) return label;
    if (e.tagName === 'IMG') return clean(e.getAttribute('alt'));
    if (e.tagName === 'INPUT' && ['button', 'submit', 'reset'].includes(e.type)) return clean(e.value);
    if (['button', 'link', 'heading', 'checkbox', 'radio', 'tab', 'menuitem', 'option', 'listitem'].includes(role))
      return clean(words(e));
    return clean(e.getAttribute('placeholder') || e.getAttribute('title'));
  };
  const sig = (e) => e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '') : '';
  const sibling = (e, dir) => {
    let s = dir < 0 ? e.previousElementSibling : e.nextElementSibling;
    while (s && !clean(words(s), 40)) s = dir < 0 ? s.previousElementSibling : s.nextElementSibling;
    return s ? clean(words(s), 40) : '';
  };
  const path = (e) => {
    const parts = [];
    for (let n = e; n && n.nodeType === 1 && n !== document.body && parts.length < 8; n = n.parentElement)
      parts.unshift(n.tagName.toLowerCase());
    return parts.join('>');
  };
  const sx = window.scrollX, sy = window.scrollY;
  const describe = (e, r) => {
    const role = roleOf(e);
    return {
      tag: e.tagName.toLowerCase(), id: e.id || '', testid: e.getAttribute('data-testid') || '',
      name: e.getAttribute('name') || '', type: (e.getAttribute('type') || '').toLowerCase(), role,
      label: clean(nameOf(e, role)), text: own(e), placeholder: e.getAttribute('placeholder') || '',
      href: e.tagName === 'A' ? (e.getAttribute('href') || '') : '',
      classes: (typeof e.className === 'string') ? e.className.trim().split(/\s+/).filter(Boolean).slice(0, 12) : [],
      parent: sig(e.parentElement), prev: sibling(e, -1), next: sibling(e, 1), path: path(e),
      box: [r.left + sx, r.top + sy, r.width, r.height],
    };
  };
  if (one) return [describe(one, one.getBoundingClientRect())];
  const out = [];
  for (const e of document.body ? document.body.querySelectorAll('*') : []) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION', 'BR', 'HEAD'].includes(e.tagName)) continue;
    const r = e.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) continue;
    const s = getComputedStyle(e);
    if (s.visibility === 'hidden' || s.display === 'none') continue;
    out.push(describe(e, r));
    if (out.length >= 5000) break;
  }
  return out;
}
"""


@dataclass(frozen=True)
class PageElement:
    """A visible element with its role, accessible name and box in CSS pixels of the viewport."""

    tag: str
    role: str
    name: str
    box: tuple[float, float, float, float]
    id: str = ""
    testid: str = ""
    type: str = ""
    label: str = ""
    placeholder: str = ""
    href: str = ""
    text: str = ""
    disabled: bool = False
    checked: bool = False
    value: str = ""
    form: str = ""
    interactive: bool = False
    painted: bool = False

    def to_json(self) -> dict[str, Any]:
        """The element as a JSON-ready dict (empty fields left out)."""
        data = {k: v for k, v in self.__dict__.items() if v not in ("", False)}
        data["box"] = [round(v, 1) for v in self.box]
        return data


@dataclass(frozen=True)
class PageSnapshot:
    """The page's visible elements and what is needed to map their boxes onto a screenshot."""

    url: str
    title: str
    elements: tuple[PageElement, ...]
    device_pixel_ratio: float
    viewport: tuple[int, int]


_FIELDS = set(PageElement.__dataclass_fields__)


def parse_snapshot(raw: Any) -> PageSnapshot:
    """A `PageSnapshot` from what ELEMENTS_JS returned."""
    if not isinstance(raw, dict):
        raise ActionFailed("the page did not describe its elements")
    elements = []
    for item in raw.get("elements") or ():
        if not isinstance(item, dict):
            continue
        values = {k: v for k, v in item.items() if k in _FIELDS}
        values["box"] = tuple(float(v) for v in item.get("box", (0, 0, 0, 0)))
        elements.append(PageElement(**values))
    viewport = raw.get("viewport") or (0, 0)
    return PageSnapshot(
        url=str(raw.get("url") or ""),
        title=str(raw.get("title") or ""),
        elements=tuple(elements),
        device_pixel_ratio=float(raw.get("dpr") or 1.0),
        viewport=(int(viewport[0]), int(viewport[1])),
    )


class PageServices:
    """The live page of a web backend, for families (see the module docstring)."""

    def __init__(self, page: Callable[[], Any], context: Any) -> None:
        self._page = page  # raises BackendCrashed / ActionFailed when there is no live page
        self._context = context

    def snapshot(self) -> PageSnapshot:
        """The visible elements of the current page."""
        return parse_snapshot(self._page().evaluate(ELEMENTS_JS))

    def screenshot(self) -> bytes:
        """A PNG of the viewport (device pixels)."""
        return bytes(self._page().screenshot(type="png"))

    def html(self) -> str:
        """The page's current HTML."""
        return str(self._page().content())

    def url(self) -> str:
        """The page's URL."""
        return str(self._page().url)

    def fingerprint(self, target: Any) -> dict[str, Any] | None:
        """The fingerprint of the one element `target` (a ResolvedTarget) names now, without waiting; None when
        it names none or several (see FINGERPRINT_JS)."""
        from panoptic.backends.web.locate import build_locator

        locator = build_locator(self._page(), target)  # the locator the backend's actions use
        if locator.count() != 1:
            return None
        found = locator.evaluate_all(f"(els) => ({FINGERPRINT_JS})(els[0])")
        return found[0] if found else None

    def fingerprints(self) -> list[dict[str, Any]]:
        """Fingerprints of every visible element of the page (at most 5000), for self-healing targets."""
        # One JSON string: Playwright's own serialisation of 2,000 objects takes seconds, a string milliseconds.
        raw = self._page().evaluate(f"() => JSON.stringify(({FINGERPRINT_JS})(null))")
        found = json.loads(raw) if isinstance(raw, str) else []
        return found if isinstance(found, list) else []

    def errors(self) -> list[PageError]:
        """The errors seen in this scenario so far (every page of its browser context)."""
        pages = self._context.pages if self._context is not None else []
        if pages:  # any page will do: Playwright delivers the events of the whole connection
            deliver_events(pages[0])
        log = _LOGS.get(self._context) if self._context is not None else None
        return list(log.errors) if log is not None else []
