"""From Panoptic targets and key names to Playwright locators and key strings.

Target kinds on the web:

=============  ===============================================================
css            `page.locator(value)`
text           `page.get_by_text(value, exact=…)` (substring, case-insensitive unless exact)
role           `page.get_by_role(role, name=value, exact=…)`
label          `page.get_by_label(value, exact=…)`
placeholder    `page.get_by_placeholder(value, exact=…)`
testid         `page.get_by_test_id(value)` (the `data-testid` attribute)
xpath          `page.locator("xpath=" + value)`
id             the element whose `id` attribute is `value`
focused        the element that has the keyboard focus (`*:focus`)
point, image   no locator: the backend acts at page coordinates
=============  ===============================================================
"""

from __future__ import annotations

import re
from typing import Any

from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed

ELEMENT_KINDS = frozenset({"css", "text", "role", "label", "placeholder", "testid", "xpath", "id", "focused"})
POSITION_KINDS = frozenset({"point", "image"})


def css_string(value: str) -> str:
    """`value` as a double-quoted CSS string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def build_locator(page: Any, target: ResolvedTarget) -> Any:
    """The Playwright locator for an element target; ActionFailed for kinds that have none."""
    kind, value = target.kind, target.value
    if kind not in ELEMENT_KINDS:
        raise ActionFailed(f"{target.describe()} does not name a page element")
    if kind == "role":
        if not target.role:
            raise ActionFailed('a role target needs a role, e.g. role button "Save"')
        if value is None:
            return page.get_by_role(target.role)
        return page.get_by_role(target.role, name=value, exact=target.exact)
    if kind == "focused":
        return page.locator("*:focus")
    if value is None or value == "":
        raise ActionFailed(f"the {kind} target is empty")
    if kind == "css":
        return page.locator(value)
    if kind == "text":
        return page.get_by_text(value, exact=target.exact)
    if kind == "label":
        return page.get_by_label(value, exact=target.exact)
    if kind == "placeholder":
        return page.get_by_placeholder(value, exact=target.exact)
    if kind == "testid":
        return page.get_by_test_id(value)
    if kind == "xpath":
        return page.locator("xpath=" + value)
    return page.locator(f"[id={css_string(value)}]")


# ---- keys -------------------------------------------------------------------

_KEY_ALIASES = {
    "ctrl": "Control",
    "control": "Control",
    "alt": "Alt",
    "option": "Alt",
    "opt": "Alt",
    "shift": "Shift",
    "meta": "Meta",
    "cmd": "Meta",
    "command": "Meta",
    "super": "Meta",
    "win": "Meta",
    "mod": "ControlOrMeta",
    "controlormeta": "ControlOrMeta",
    "enter": "Enter",
    "return": "Enter",
    "esc": "Escape",
    "escape": "Escape",
    "tab": "Tab",
    "space": "Space",
    "spacebar": "Space",
    "backspace": "Backspace",
    "delete": "Delete",
    "del": "Delete",
    "insert": "Insert",
    "ins": "Insert",
    "home": "Home",
    "end": "End",
    "pageup": "PageUp",
    "pgup": "PageUp",
    "pagedown": "PageDown",
    "pgdn": "PageDown",
    "up": "ArrowUp",
    "down": "ArrowDown",
    "left": "ArrowLeft",
    "right": "ArrowRight",
    "arrowup": "ArrowUp",
    "arrowdown": "ArrowDown",
    "arrowleft": "ArrowLeft",
    "arrowright": "ArrowRight",
    "plus": "+",
    "minus": "-",
}

KEY_HELP = (
    "use a key name such as Enter, Tab, Escape, Backspace, Delete, ArrowUp, PageDown, F5, a single character, "
    'or a combination such as "Control+A" or "ctrl+shift+k"'
)


def normalize_key(key: str) -> str:
    """A key or combination in Playwright's spelling: `"ctrl+a"` → `"Control+a"`, `"esc"` → `"Escape"`."""
    text = key.strip()
    if not text:
        raise ActionFailed("the key to press is empty", help=KEY_HELP)
    # Split on "+" signs that join keys; a trailing "+" (as in "ctrl++") is the key itself.
    parts = re.split(r"\+(?=.)", text) if len(text) > 1 else [text]
    out = []
    for part in parts:
        token = part.strip() or "+"
        alias = _KEY_ALIASES.get(token.lower())
        if alias:
            out.append(alias)
        elif re.fullmatch(r"[fF]([1-9]|1[0-9]|2[0-4])", token):
            out.append(token.upper())
        else:
            out.append(token)
    return "+".join(out)
