"""report.html opened offline in headless Chromium: failures, screenshots and filters work."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from panoptic.report import write_reports
from panoptic.runtime.events import Artifact, ScenarioFinished

from .helpers import write_png, write_results

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    present = Path(CHROMIUM).exists() or shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if not present or sync_playwright is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium and Playwright are required in CI")
        pytest.skip("Chromium or Playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else None, headless=True, args=ARGS)
        yield b
        b.close()


def with_before_screenshot(events: list) -> list:
    """The events with the web backend's screenshot before the failure (taken from the trace) on the failed attempt."""
    out = []
    for event in events:
        if isinstance(event, ScenarioFinished) and event.status == "failed":
            before = Artifact("screenshot", "artifacts/checkout/before-failure.png", "before failure")
            event = dataclasses.replace(event, artifacts=(*event.artifacts, before))
        out.append(event)
    return out


@pytest.fixture
def page(browser, run):
    write_png(run.folder / "out" / "artifacts" / "checkout" / "before-failure.png", (48, 30))
    results = write_results(with_before_screenshot(run.events), run.folder / "out" / "results.jsonl")
    html = write_reports(results, results.parent)["html"]
    context = browser.new_context(offline=True)
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(html.as_uri())
    pg.wait_for_selector("body[data-ready=true]", timeout=10_000)
    yield pg
    assert not errors, errors
    assert all(u.startswith("file://") for u in requests), requests
    context.close()


def visible_titles(page) -> list[str]:
    return page.eval_on_selector_all(".scenario:not([hidden]) .title", "els => els.map(e => e.textContent)")


def test_failing_scenario_message_and_screenshot_are_visible(page, run):
    failed = page.locator(".scenario.failed")
    assert failed.count() == 1
    assert failed.locator(".title").inner_text() == "checkout <b>works</b>"  # shown as text, not markup
    assert failed.locator("b").count() == 0
    message = failed.locator(":scope > .fmsg")
    assert message.is_visible()
    assert 'expected "#cart-count" to have text "1"' in message.inner_text()
    # failed scenarios open by themselves: failure box, snippet, did-you-mean and screenshot
    body = failed.locator(".body")
    assert body.is_visible()
    assert "did you mean: #cart-counter, #cart" in body.inner_text()
    snippet = body.locator("pre.snippet").first.inner_text()
    assert 'expect "#cart-count" has text "1" within 5s' in snippet and "^^^" in snippet
    # beside the failed step: the screenshot before it (from the trace) and the one taken at the failure
    strip = body.locator("ul.steps .shots.step")
    assert strip.locator("figcaption").all_inner_texts() == ["before", "after (failure)"]
    for img, width in zip(strip.locator("img.shot").all(), (48, 64), strict=True):
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle(), timeout=5_000)
        assert img.evaluate("img => img.naturalWidth") == width
        assert img.is_visible()
    # ... and not a second time at the top
    assert body.locator(":scope > .shots img").count() == 0
    trace = run.folder / "out" / "artifacts" / "checkout" / "trace.zip"
    assert f"open with: panoptic show-trace {trace}" in body.inner_text()


def test_status_filter_hides_passed_scenarios(page):
    assert len(visible_titles(page)) == 4
    page.click("button.filter[data-status=failed]")
    assert visible_titles(page) == ["checkout <b>works</b>"]
    assert page.locator(".scenario.passed").first.is_hidden()
    assert page.inner_text("#shown") == "showing 1 of 4"
    page.click("button.filter[data-status=flaky]")
    assert visible_titles(page) == ["sometimes slow"]
    page.click("button.filter[data-status=all]")
    assert len(visible_titles(page)) == 4


def test_search_and_tag_filters(page):
    page.fill("#search", "SEARCH finds")
    assert visible_titles(page) == ["search finds items"]
    page.fill("#search", "cart-count")  # matches the failure message
    assert visible_titles(page) == ["checkout <b>works</b>"]
    page.fill("#search", "")
    page.click("button.tag[data-tag=smoke]")
    assert visible_titles(page) == ["checkout <b>works</b>", "sometimes slow"]
    page.click("button.tag[data-tag=smoke]")
    assert len(visible_titles(page)) == 4


def test_a_passed_scenario_opens_its_step_tree_on_click(page):
    row = page.locator(".scenario.passed")
    assert row.locator(".body").count() == 0  # built lazily
    row.locator(".head").click()
    tree = row.locator("ul.steps").first
    assert tree.is_visible()
    text = tree.inner_text()
    assert 'open "/search"' in text and "repeat 2 times" in text
    assert text.count('click "#more"') == 2
    row.locator(".head").click()
    assert row.locator(".body").count() == 0


def test_environment_is_shown(page):
    text = page.inner_text("body")
    assert "chromium 131.0" in text
    assert "abc123" not in text


def test_did_you_mean_is_printed_once(page):
    text = page.locator(".scenario.failed .failure").inner_text()
    assert text.count("did you mean") == 1


def test_step_rows_show_the_values_beside_the_source_text(page):
    row = page.locator(".scenario.failed ul.steps .row", has=page.get_by_text('fill "#username" with name', exact=True))
    assert row.locator(".t").inner_text() == 'fill "#username" with name'
    assert row.locator(".vals").inner_text() == 'text = "alice"'


def test_step_links_are_separate_elements(page):
    links = page.locator(".scenario.failed ul.steps .links a")
    assert links.count() == 0 or all(a.strip() for a in links.all_inner_texts())
    top = page.locator(".scenario.failed .body > .shots > div > a")
    assert top.all_inner_texts() == ["trace: trace"]


def test_retry_attempts_are_tabs(page):
    row = page.locator(".scenario.flaky")
    row.locator(".head").click()
    tabs = row.locator(".tabs button[role=tab]")
    assert [t.split(" · ")[:2] for t in tabs.all_inner_texts()] == [["attempt 1", "failed"], ["attempt 2", "passed"]]
    assert tabs.nth(1).get_attribute("aria-selected") == "true"  # the final attempt first
    assert "PAN902" not in row.locator(".pane").inner_text()
    tabs.nth(0).click()
    assert tabs.nth(0).get_attribute("aria-selected") == "true"
    pane = row.locator(".pane").inner_text()
    assert 'PAN902: no element matches "#slow" within 5s' in pane and 'click "#slow"' in pane
    assert row.locator(".body").count() == 1  # clicking a tab does not close the scenario


def test_search_placeholder_fits_the_box(page):
    fits = page.evaluate(
        """() => {
        const input = document.getElementById("search"), style = getComputedStyle(input);
        const ctx = document.createElement("canvas").getContext("2d");
        ctx.font = style.font;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return [ctx.measureText(input.placeholder).width, room];
    }"""
    )
    assert fits[0] <= fits[1], fits


def test_footer_names_the_results_file(page, run):
    footer = page.locator("#footer")
    results = str(run.folder / "out" / "results.jsonl")
    assert f"panoptic report {results}" in footer.inner_text()
    assert footer.locator("a").get_attribute("href") == "results.jsonl"
