"""What failures say on the web, in real Chromium: absent vs hidden, several matches, covered, gone while waiting.

An expectation on a target that matches nothing says "absent (0 matches)", not "not visible"; one whose matches
are hidden says "not visible" (with how many when there are several). An action on a target that matches several
elements, or that is covered, never says "no element matches": only a target that matches nothing does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from webtest_support import make_app

from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed, AssertionFailed, TargetNotFound
from panoptic.families.expect import checks

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Wording</title>
<style>body { margin: 0; } #far { position: absolute; top: 5000px; }
#covered { position: absolute; left: 20px; top: 300px; }
#overlay { position: absolute; left: 0; top: 280px; width: 200px; height: 80px; background: #eee; }</style></head>
<body>
<div data-testid="hid" style="display:none">Hidden panel</div>
<p class="ghost" style="display:none">one</p><p class="ghost" style="display:none">two</p>
<p class="ghost" style="display:none">three</p>
<p class="mixed" style="display:none">hidden twin</p><p class="mixed">shown twin</p>
<p class="mixed" style="display:none">hidden triplet</p>
<p id="far">Far below</p>
<button class="buy">Buy</button><button class="buy">Buy</button><button class="buy">Buy</button>
<button id="covered">Covered</button>
<div id="overlay"></div>
<p id="vanish" style="display:none">about to go</p>
<p id="out"></p>
<script>
document.querySelectorAll('.buy').forEach((b, i) => b.addEventListener('click', () => {
  document.getElementById('out').textContent = 'bought ' + (i + 1);
}));
</script>
</body></html>
"""


@pytest.fixture(scope="module")
def web(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One browser for the module; each test opens the page in a context of its own."""
    from panoptic.backends.web.backend import WebBackend

    site = tmp_path_factory.mktemp("wording")
    (site / "index.html").write_text(PAGE, encoding="utf-8")
    backend = WebBackend(make_app(site))
    backend.start()
    yield backend
    backend.stop()


@pytest.fixture
def page(web: Any, make_ctx: Any) -> Iterator[Any]:
    ctx = make_ctx()
    web.begin(ctx)
    web.perform("navigate", {"url": "/index.html"}, 5.0)
    yield web
    web.end(ctx, False)


def _failed(web: Any, name: str, target: ResolvedTarget) -> AssertionFailed:
    with pytest.raises(AssertionFailed) as info:
        checks.check(web, name, {"target": target}, 0.2, interval=0.05)
    return info.value


def test_a_target_that_matches_nothing_is_absent_not_invisible(page: Any) -> None:
    failed = _failed(page, "visible", ResolvedTarget("testid", "missing"))
    assert (failed.expected, failed.actual) == ("visible", "absent (0 matches)")
    assert failed.help == "check the target, or give it more time with `within`"
    failed = _failed(page, "on_screen", ResolvedTarget("css", "#nothing"))
    assert failed.actual == "absent (0 matches)"


def test_a_hidden_target_is_not_visible_with_its_number_of_matches(page: Any) -> None:
    failed = _failed(page, "visible", ResolvedTarget("testid", "hid"))
    assert failed.actual == "not visible"
    assert failed.candidates == ()  # it was found: no did-you-mean
    assert failed.help is not None and failed.help.startswith("it is on the page but hidden")
    failed = _failed(page, "visible", ResolvedTarget("css", ".ghost"))
    assert failed.actual == "not visible (none of 3 matches)"
    assert failed.help is not None and failed.help.startswith("its 3 matches are all on the page but hidden")
    failed = _failed(page, "on_screen", ResolvedTarget("css", "#far"))
    assert failed.actual == "not visible inside the viewport"
    assert failed.help is not None and "`scroll to`" in failed.help


def test_hidden_that_fails_says_how_many_match(page: Any) -> None:
    failed = _failed(page, "hidden", ResolvedTarget("css", ".mixed"))
    assert (failed.expected, failed.actual) == ("hidden", "visible (at least one of 3 matches)")
    failed = _failed(page, "hidden", ResolvedTarget("css", "#far"))
    assert failed.actual == "visible"


def test_wait_until_uses_the_same_words(page: Any) -> None:
    """`wait until … visible` reports what `expect` reports, in its own word for not visible ("hidden")."""
    seen = page.query("query.visible", {"target": ResolvedTarget("css", "#nothing")})
    assert checks.visibility_actual(page, ResolvedTarget("css", "#nothing"), seen, hidden="hidden") == (
        "absent (0 matches)",
        0,
    )
    seen = page.query("query.visible", {"target": ResolvedTarget("css", ".ghost")})
    assert checks.visibility_actual(page, ResolvedTarget("css", ".ghost"), seen, hidden="hidden") == (
        "hidden (none of 3 matches)",
        3,
    )


def test_a_click_on_three_matches_says_so_and_how_to_pick_one(page: Any) -> None:
    with pytest.raises(ActionFailed) as info:
        page.perform("click", {"target": ResolvedTarget("css", ".buy")}, 1.0)
    err = info.value
    assert err.code == "PAN909"
    assert "no element matches" not in err.message
    assert err.message == (
        '3 elements match \'.buy\': role button "Buy", role button "Buy", role button "Buy"; make the target unique'
    )
    # Three identical buttons: no description picks one alone, so the n-th match forms are offered.
    assert err.candidates == ('":nth-match(.buy, 1)"', '":nth-match(.buy, 2)"', '":nth-match(.buy, 3)"')
    assert err.help is not None and '":nth-match(.buy, 2)" is the second' in err.help
    # The suggested target is a real one: it clicks the second button.
    page.perform("click", {"target": ResolvedTarget("css", ":nth-match(.buy, 2)")}, 2.0)
    assert page.query("query.text", {"target": ResolvedTarget("css", "#out")}) == "bought 2"


def test_several_matches_of_an_xpath_offer_its_nth_form(page: Any) -> None:
    with pytest.raises(ActionFailed) as info:
        page.perform("click", {"target": ResolvedTarget("xpath", "//button[@class='buy']")}, 1.0)
    assert info.value.message.startswith("3 elements match")
    assert "xpath \"(//button[@class='buy'])[3]\"" in info.value.candidates
    page.perform("click", {"target": ResolvedTarget("xpath", "(//button[@class='buy'])[3]")}, 2.0)
    assert page.query("query.text", {"target": ResolvedTarget("css", "#out")}) == "bought 3"


def test_a_covered_element_says_what_covers_it(page: Any) -> None:
    with pytest.raises(ActionFailed) as info:
        page.perform("click", {"target": ResolvedTarget("css", "#covered")}, 1.0)
    err = info.value
    assert err.message.startswith("could not click '#covered' within 1s: ")
    assert "intercepts pointer events" in err.message and "overlay" in err.message
    assert err.help is not None and err.help.startswith("another element covers it")


def test_only_a_target_that_matches_nothing_says_no_element_matches(page: Any) -> None:
    with pytest.raises(TargetNotFound) as info:
        page.perform("click", {"target": ResolvedTarget("css", "#no-such-button")}, 0.5)
    assert info.value.code == "PAN902"
    assert info.value.message == "no element matches '#no-such-button' within 0.5s"


def test_an_element_that_went_away_while_the_click_waited(page: Any) -> None:
    """Hidden, so the click waits; removed meanwhile: the message says it matched, then went away."""
    page.services()  # the page is open
    page._page.evaluate("() => setTimeout(() => document.getElementById('vanish').remove(), 1000)")
    with pytest.raises(TargetNotFound) as info:
        page.perform("click", {"target": ResolvedTarget("css", "#vanish")}, 3.0)
    message = info.value.message
    assert "no element matches" not in message
    assert message.startswith("'#vanish' matched <p id=\"vanish\"")
    assert "while waiting to click it, but matches nothing now" in message
