"""Which target names a recorded element: the most robust one that matched it alone on the page.

The order is `panoptic generate`'s (`families.ai.generate.candidates`: test id,
role and accessible name, label, placeholder, id), then visible text, then the
same text matched exactly (`text exact`), then the CSS path the listener built
(which names the element alone by construction).
A kind is taken only when the listener counted exactly one match for it at the
moment of the action.
"""

from __future__ import annotations

from panoptic.contract import ResolvedTarget
from panoptic.families.ai.generate import candidates
from panoptic.record.events import Element


def ranked(element: Element) -> list[ResolvedTarget]:
    """Every target for the element, most robust first (whether or not it is unique)."""
    out = candidates(element)
    if element.text:
        out += [ResolvedTarget("text", element.text), ResolvedTarget("text", element.text, exact=True)]
    out.append(ResolvedTarget("css", element.css))
    return out


def choose(element: Element) -> ResolvedTarget:
    """The first target in `ranked` order that matched only this element; the CSS path otherwise."""
    for target in ranked(element):
        kind = "text_exact" if target.kind == "text" and target.exact else target.kind
        if target.kind == "css" or element.count(kind) == 1:
            return target
    return ResolvedTarget("css", element.css)
