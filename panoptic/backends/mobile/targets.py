"""How a mobile target is located: WebDriver locator strategies and the page scripts for web contexts.

Target kinds (see `specs.MOBILE.target_kinds`):

| kind    | web context (mobile browser)                 | native app (UiAutomator2 / XCUITest)            |
|---------|----------------------------------------------|-------------------------------------------------|
| `css`   | CSS selector                                 | not available (ActionFailed)                    |
| `id`    | element id, as CSS `[id="…"]`                | accessibility id                                |
| `xpath` | XPath                                        | XPath over the page source                      |
| `text`  | visible text (script below; exact or substring, case-insensitive) | `@text`/`@content-desc` (android), `@label`/`@name`/`@value` (ios) |

`image` and `point` targets are resolved on screenshots and coordinates by
the backend, not here. Appium's Chromium driver rejects the `id` and
`accessibility id` strategies, hence the CSS form in web contexts.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed

TEXT_STRATEGY = "panoptic text"
"""Pseudo-strategy: the element is found by `FIND_TEXT_JS` in the page."""


@dataclass(frozen=True)
class Locator:
    """A WebDriver locator (`by`, `value`) or the text pseudo-strategy with its options."""

    by: str
    value: str
    exact: bool = False


def css_string(value: str) -> str:
    """A CSS string literal (double-quoted, escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def xpath_string(value: str) -> str:
    """An XPath 1.0 string literal for any text (quotes handled with concat())."""
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    parts = value.split('"')
    return "concat(" + ", '\"', ".join(f'"{p}"' for p in parts) + ")"


def native_text_xpath(value: str, platform: str, exact: bool) -> str:
    """XPath for elements of a native app showing `value` (exact, or containing it)."""
    lit = xpath_string(value)
    attrs = ("@text", "@content-desc") if platform == "android" else ("@label", "@name", "@value")
    if exact:
        cond = " or ".join(f"{a}={lit}" for a in attrs)
    else:
        cond = " or ".join(f"contains({a}, {lit})" for a in attrs)
    return f"//*[{cond}]"


def locator_for(target: ResolvedTarget, *, web: bool, platform: str) -> Locator:
    """The locator for a css / id / xpath / text target in a web context or a native app."""
    value = target.value or ""
    kind = target.kind
    if kind == "xpath":
        return Locator("xpath", value)
    if kind == "css":
        if not web:
            raise ActionFailed(
                f"css selector {value!r} works only in mobile web; a native app has no DOM",
                help='use id "…" (accessibility id), xpath "…" or text "…"',
            )
        return Locator("css selector", value)
    if kind == "id":
        if web:
            return Locator("css selector", f"[id={css_string(value)}]")
        return Locator("accessibility id", value)
    if kind == "text":
        if web:
            return Locator(TEXT_STRATEGY, value, exact=target.exact)
        return Locator("xpath", native_text_xpath(value, platform, target.exact))
    raise ActionFailed(f"target kind {kind!r} cannot be located on a mobile app", help="use id, xpath, text or css")


# Finds the innermost elements whose rendered text matches; exact matches first, visible first.
# arguments: wanted text, exact (bool), all (bool: every match instead of the best one)
FIND_TEXT_JS = r"""
const want = arguments[0].replace(/\s+/g, ' ').trim();
const exact = arguments[1], every = arguments[2];
const lower = want.toLowerCase();
const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'TITLE', 'META']);
const norm = s => (s || '').replace(/\s+/g, ' ').trim();
const textOf = el => {
  if (el.tagName === 'INPUT' && ['button', 'submit', 'reset'].includes(el.type)) return norm(el.value);
  return norm(el.innerText !== undefined ? el.innerText : el.textContent);
};
const matches = t => exact ? t === want : t.toLowerCase().includes(lower);
const visible = el => {
  if (!el.getClientRects().length) return false;
  const st = getComputedStyle(el);
  return st.visibility !== 'hidden' && st.display !== 'none' && parseFloat(st.opacity || '1') > 0;
};
const root = document.body || document.documentElement;
if (!root) return every ? [] : null;
const found = [];
for (const el of root.querySelectorAll('*')) {
  if (skip.has(el.tagName)) continue;
  if (!matches(norm(el.textContent)) && el.tagName !== 'INPUT') continue;
  const t = textOf(el);
  if (!matches(t)) continue;
  let inner = false;
  for (const child of el.children) { if (!skip.has(child.tagName) && matches(textOf(child))) { inner = true; break; } }
  if (!inner) found.push(el);
}
const score = el => (textOf(el) === want ? 0 : 2) + (visible(el) ? 0 : 1);
found.sort((a, b) => score(a) - score(b));
return every ? found : (found[0] || null);
"""

# Texts and ids on the page, for did-you-mean. arguments: none.
CANDIDATES_JS = r"""
const out = {texts: [], ids: []};
const norm = s => (s || '').replace(/\s+/g, ' ').trim();
const root = document.body || document.documentElement;
if (!root) return out;
for (const el of root.querySelectorAll('*')) {
  if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
  if (el.id) out.ids.push(el.id);
  if (!el.getClientRects().length) continue;
  let own = '';
  for (const node of el.childNodes) if (node.nodeType === 3) own += node.textContent;
  own = norm(own);
  if (own && own.length <= 80) out.texts.push(own);
  if (out.texts.length > 400) break;
}
return out;
"""


def close_matches(wanted: str, pool: list[str], limit: int = 3) -> tuple[str, ...]:
    """Up to `limit` entries of `pool` that look like `wanted` (case-insensitive), best first."""
    unique = list(dict.fromkeys(p for p in pool if p))
    lowered = {p.lower(): p for p in unique}
    picked = difflib.get_close_matches(wanted.lower(), list(lowered), n=limit, cutoff=0.55)
    result = [lowered[p] for p in picked]
    if len(result) < limit:
        for p in unique:
            if wanted.lower() in p.lower() and p not in result:
                result.append(p)
            if len(result) >= limit:
                break
    return tuple(result)


def suggestions(target: ResolvedTarget, *, texts: list[str], ids: list[str]) -> tuple[str, ...]:
    """Did-you-mean targets (as they would be written) for a target that was not found."""
    wanted = target.value or ""
    if target.kind == "text":
        return tuple(f"text {t!r}" for t in close_matches(wanted, texts))
    if target.kind == "id":
        return tuple(f"id {i!r}" for i in close_matches(wanted, ids))
    if target.kind == "css" and wanted.startswith("#"):
        return tuple(repr("#" + i) for i in close_matches(wanted[1:], ids))
    if target.kind == "css":
        return tuple(f"text {t!r}" for t in close_matches(wanted, texts))
    return ()


def native_candidates(page_source: str, platform: str) -> tuple[list[str], list[str]]:
    """(texts, accessibility ids) present in a native page source (UiAutomator2 / XCUITest XML)."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(page_source)
    except ET.ParseError:
        return [], []
    texts: list[str] = []
    ids: list[str] = []
    text_attrs = ("text",) if platform == "android" else ("label", "value")
    id_attrs = ("content-desc",) if platform == "android" else ("name",)
    for node in root.iter():
        texts.extend(v for a in text_attrs if (v := node.attrib.get(a)))
        ids.extend(v for a in id_attrs if (v := node.attrib.get(a)))
    return texts, ids
