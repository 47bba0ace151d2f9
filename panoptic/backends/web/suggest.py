"""Did-you-mean for web targets: what is on the live page that looks like the target asked for.

`COLLECT_JS` gathers, in one round trip, the visible buttons and links (by
role and name), labels, placeholders, `id`s, `data-testid`s and short visible
texts. `rank` scores them against the target with difflib and returns them
written as Panoptic targets (`role button "Sign in"`, `label "Password"`,
`"#cart-count"` …), ready to paste into a `.pan` file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from panoptic.contract import ResolvedTarget

# Returns [{kind, value, role}] for what a user could target on the page (visible elements only).
COLLECT_JS = r"""
() => {
  const out = [];
  const seen = new Set();
  const limit = 400;
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const visible = (e) => {
    if (!(e instanceof Element)) return false;
    const r = e.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    const s = getComputedStyle(e);
    return s.visibility !== 'hidden' && s.display !== 'none';
  };
  const add = (kind, value, role) => {
    value = clean(value);
    if (!value || value.length > 80 || out.length >= limit) return;
    const key = kind + '\u0000' + (role || '') + '\u0000' + value;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({kind, value, role: role || null});
  };
  const roleOf = (e) => {
    const explicit = e.getAttribute('role');
    if (explicit) return explicit.split(' ')[0];
    const tag = e.tagName.toLowerCase();
    if (tag === 'a') return 'link';
    if (tag === 'button' || tag === 'summary') return 'button';
    if (tag === 'select') return 'combobox';
    if (tag === 'textarea') return 'textbox';
    if (tag === 'input') {
      const t = (e.getAttribute('type') || 'text').toLowerCase();
      if (['submit', 'button', 'reset', 'image'].includes(t)) return 'button';
      if (t === 'checkbox') return 'checkbox';
      if (t === 'radio') return 'radio';
      return 'textbox';
    }
    if (/^h[1-6]$/.test(tag)) return 'heading';
    return null;
  };
  const nameOf = (e) => {
    const aria = e.getAttribute('aria-label');
    if (aria) return aria;
    if (e.tagName === 'INPUT') {
      const t = (e.getAttribute('type') || '').toLowerCase();
      if (['submit', 'button', 'reset'].includes(t)) return e.value;
      if (e.labels && e.labels.length) return e.labels[0].innerText;
      return '';
    }
    return e.innerText || e.textContent || '';
  };
  const clickable = 'button, a[href], summary, input[type=submit], input[type=button], input[type=reset], ' +
    '[role=button], [role=link], [role=tab], [role=menuitem], [role=checkbox], [role=radio], [role=option], ' +
    'h1, h2, h3, h4, h5, h6';
  for (const e of document.querySelectorAll(clickable)) {
    if (!visible(e)) continue;
    const role = roleOf(e);
    const name = nameOf(e);
    if (role) add('role', name, role);
    add('text', name);
  }
  for (const e of document.querySelectorAll('label')) if (visible(e)) add('label', e.innerText);
  for (const e of document.querySelectorAll('[aria-label]')) if (visible(e)) add('label', e.getAttribute('aria-label'));
  for (const e of document.querySelectorAll('[placeholder]')) if (visible(e)) add('placeholder', e.getAttribute('placeholder'));
  for (const e of document.querySelectorAll('[data-testid]')) if (visible(e)) add('testid', e.getAttribute('data-testid'));
  for (const e of document.querySelectorAll('[id]')) if (visible(e)) add('id', e.id);
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode()) && out.length < limit) {
    const text = clean(node.textContent);
    if (text.length >= 2 && text.length <= 60 && visible(node.parentElement)) add('text', text);
  }
  return out;
}
"""

# Describes the elements a locator matched (for "N elements match …" messages).
DESCRIBE_JS = r"""
(els) => els.slice(0, 8).map((e) => {
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim().slice(0, 60);
  return {
    tag: e.tagName.toLowerCase(),
    type: (e.getAttribute('type') || '').toLowerCase(),
    role: e.getAttribute('role'),
    id: e.id || null,
    testid: e.getAttribute('data-testid'),
    text: clean(e.innerText || e.value || e.getAttribute('aria-label') || ''),
  };
})
"""


@dataclass(frozen=True)
class Candidate:
    """One thing on the page a user could target."""

    kind: str  # role, text, label, placeholder, testid, id
    value: str
    role: str | None = None

    def as_target(self) -> str:
        """The candidate written as a Panoptic target."""
        if self.kind == "role":
            return f"role {self.role} {quote(self.value)}"
        if self.kind == "id":
            css = f"#{self.value}" if re.fullmatch(r"[A-Za-z_][\w-]*", self.value) else f'[id="{self.value}"]'
            return quote(css)
        return f"{self.kind} {quote(self.value)}"


def quote(text: str) -> str:
    """A Panoptic string literal for `text`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("${", "\\${")
    return f'"{escaped}"'


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def _score(query: str, value: str) -> float:
    a, b = query.lower().strip(), value.lower().strip()
    plain = difflib.SequenceMatcher(None, a, b).ratio()
    sa, sb = _squash(a), _squash(b)
    squashed = difflib.SequenceMatcher(None, sa, sb).ratio() if sa and sb else 0.0
    return max(plain, squashed)


_RELATED = {
    "text": ("text", "role", "label"),
    "role": ("role", "text", "label"),
    "label": ("label", "placeholder", "role"),
    "placeholder": ("placeholder", "label"),
    "testid": ("testid", "id"),
    "id": ("id", "testid"),
    "css": ("id", "testid"),
    "xpath": ("id", "testid", "text"),
}


def _query_text(target: ResolvedTarget) -> str:
    value = target.value or ""
    if target.kind == "css":
        # "#sign-in" / "[data-testid=cart]" / "button.primary": compare on the names inside the selector.
        found = re.findall(r"[#.]([\w-]+)|=\s*[\"']?([^\"'\]]+)", value)
        names = [a or b for a, b in found]
        return " ".join(names) or value
    if target.kind == "xpath":
        found = re.findall(r"['\"]([^'\"]+)['\"]", value)
        return " ".join(found) or value
    return value


def rank(
    target: ResolvedTarget,
    candidates: Iterable[Candidate],
    *,
    limit: int = 5,
    cutoff: float = 0.5,
    exclude: Iterable[str] = (),
) -> tuple[str, ...]:
    """The candidates most like `target`, best first, written as Panoptic targets.

    Candidates whose value contains a string of `exclude` (secrets) are dropped.
    A bare `role button` (no name) lists the page's elements of that role.
    """
    hidden = [s for s in exclude if s]
    pool = [c for c in candidates if not any(s in c.value for s in hidden)]
    related = _RELATED.get(target.kind, ("role", "text", "label", "id", "testid"))
    scored: list[tuple[float, int, str]] = []
    if target.kind == "role" and not target.value:
        for i, c in enumerate(pool):
            if c.kind == "role" and c.role == target.role:
                scored.append((1.0, i, c.as_target()))
    else:
        query = _query_text(target)
        if not query.strip():
            return ()
        for i, c in enumerate(pool):
            if c.kind not in related:
                continue
            score = _score(query, c.value)
            if c.kind == related[0]:
                score += 0.05
            if target.kind == "role" and c.kind == "role" and c.role == target.role:
                score += 0.05
            if score >= cutoff:
                scored.append((score, i, c.as_target()))
    scored.sort(key=lambda t: (-t[0], t[1]))
    out: list[str] = []
    mine = _self_text(target)
    for _, _, text in scored:
        if text not in out and text != mine:
            out.append(text)
        if len(out) >= limit:
            break
    return tuple(out)


def _self_text(target: ResolvedTarget) -> str:
    """The target itself written as a Panoptic target (so it is never suggested to itself)."""
    if target.kind == "role":
        return f"role {target.role} {quote(target.value or '')}"
    if target.kind == "css":
        return quote(target.value or "")
    return f"{target.kind} {quote(target.value or '')}"


def parse_candidates(raw: object) -> list[Candidate]:
    """`COLLECT_JS`'s result as candidates (ignoring anything malformed)."""
    out: list[Candidate] = []
    if not isinstance(raw, list):
        return out
    for item in raw:
        if isinstance(item, dict) and isinstance(item.get("kind"), str) and isinstance(item.get("value"), str):
            role = item.get("role")
            out.append(Candidate(item["kind"], item["value"], role if isinstance(role, str) else None))
    return out


def describe_elements(raw: object) -> tuple[str, ...]:
    """`DESCRIBE_JS`'s result as short Panoptic targets that would pick each element alone, where possible."""
    out: list[str] = []
    if not isinstance(raw, list):
        return ()
    for item in raw:
        if not isinstance(item, dict):
            continue
        if item.get("testid"):
            out.append(f"testid {quote(str(item['testid']))}")
        elif item.get("id"):
            out.append(Candidate("id", str(item["id"])).as_target())
        elif item.get("text"):
            role = _implicit_role(item)
            text = quote(str(item["text"]))
            out.append(f"role {role} {text}" if role else f"text {text}")
        else:
            out.append(f"<{item.get('tag')}>")
    return tuple(out)


def _implicit_role(item: dict) -> str | None:
    if isinstance(item.get("role"), str) and item["role"]:
        return str(item["role"]).split()[0]
    tag = str(item.get("tag") or "")
    if tag in ("button", "summary") or (tag == "input" and item.get("type") in ("submit", "button", "reset")):
        return "button"
    if tag == "a":
        return "link"
    if re.fullmatch(r"h[1-6]", tag):
        return "heading"
    return None
