"""report.html opened offline in headless Chromium: failures, screenshots and filters work."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from panoptic.report import write_reports

from .helpers import write_results

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


@pytest.fixture
def page(browser, run):
    results = write_results(run.events, run.folder / "out" / "results.jsonl")
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


def test_failing_scenario_message_and_screenshot_are_visible(page):
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
    img = body.locator("img.shot").first
    img.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle(), timeout=5_000)
    assert img.evaluate("img => img.naturalWidth") == 64
    assert img.is_visible()
    assert "playwright show-trace artifacts/checkout/trace.zip" in body.inner_text()


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
