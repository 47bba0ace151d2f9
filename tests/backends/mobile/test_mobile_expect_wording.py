"""Failed visibility expectations on mobile say absent (0 matches) or not visible, through a real Appium server."""

from __future__ import annotations

import pytest

from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed, AssertionFailed
from panoptic.families.expect import checks

pytestmark = pytest.mark.mobile

# Added to the example site's page: one hidden element and three hidden matches of one selector.
ADD_HIDDEN_JS = """
const add = (cls, text) => { const p = document.createElement('p'); p.className = cls; p.textContent = text;
  p.style.display = 'none'; document.body.appendChild(p); };
add('lone-ghost', 'alone'); ['one', 'two', 'three'].forEach((t) => add('ghost', t));
"""


def _failed(phone: object, name: str, target: ResolvedTarget) -> AssertionFailed:
    with pytest.raises(AssertionFailed) as info:
        checks.check(phone, name, {"target": target}, 0.2, interval=0.05)
    return info.value


def test_absent_and_hidden_targets_are_told_apart(phone) -> None:
    phone.perform("navigate", {"url": "/index.html"}, 5.0)
    phone.driver.execute_script(ADD_HIDDEN_JS)
    assert phone.query("query.count", {"target": ResolvedTarget("css", ".ghost")}) == 3
    assert phone.query("query.count", {"target": ResolvedTarget("text", "no such words anywhere")}) == 0
    with pytest.raises(ActionFailed):
        phone.query("query.count", {"target": ResolvedTarget("point", None, point=(1, 2))})

    failed = _failed(phone, "visible", ResolvedTarget("css", "#no-such-thing"))
    assert (failed.expected, failed.actual) == ("visible", "absent (0 matches)")
    failed = _failed(phone, "visible", ResolvedTarget("css", ".lone-ghost"))
    assert failed.actual == "not visible" and failed.candidates == ()
    failed = _failed(phone, "visible", ResolvedTarget("css", ".ghost"))
    assert failed.actual == "not visible (none of 3 matches)"
