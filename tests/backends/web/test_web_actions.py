"""Every web capability and query, driven through WebBackend against a served folder in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from webtest_support import SECRET, css, require

from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed, NavigationFailed, TargetNotFound

pytestmark = pytest.mark.browser

T = 5.0


def text_of(web, selector: str) -> str | None:
    return web.query("query.text", {"target": css(selector)})


def test_navigate_and_page_queries(session):
    web, _ctx = session
    assert web.query("query.url", {}).endswith("/index.html")
    assert web.query("query.url", {}).startswith("http://127.0.0.1:")
    assert web.query("query.title", {}) == "Panoptic test shop"
    web.perform("navigate", {"url": "second.html"}, T)
    assert web.query("query.title", {}) == "Second"
    assert web.query("query.text", {"target": ResolvedTarget("role", "Second page", role="heading")}) == "Second page"


def test_element_queries_answer_at_once(session):
    web, _ctx = session
    q = web.query
    assert q("query.visible", {"target": ResolvedTarget("text", "Shop", exact=True)}) is True
    assert q("query.visible", {"target": css("#hidden")}) is False
    assert q("query.visible", {"target": css("#no-such-thing")}) is False
    assert q("query.visible", {"target": css(".dup")}) is True  # any match visible
    assert q("query.count", {"target": css(".dup")}) == 2
    assert q("query.count", {"target": css("#no-such-thing")}) == 0
    assert q("query.text", {"target": css("#cart-count")}) == "0"
    assert q("query.text", {"target": css("#no-such-thing")}) is None
    assert q("query.value", {"target": css("#size")}) == "s"
    assert q("query.value", {"target": css("#no-such-thing")}) is None
    assert q("query.enabled", {"target": css("#disabled-btn")}) is False
    assert q("query.enabled", {"target": ResolvedTarget("testid", "increment")}) is True
    assert q("query.enabled", {"target": css("#no-such-thing")}) is None
    assert q("query.checked", {"target": ResolvedTarget("label", "I agree")}) is False
    assert q("query.checked", {"target": css("#no-such-thing")}) is None
    with pytest.raises(ActionFailed, match="2 elements match"):
        q("query.text", {"target": css(".dup")})
    with pytest.raises(ActionFailed, match="not a checkbox"):
        q("query.checked", {"target": css("#cart-count")})


def test_every_target_kind_finds_its_element(session):
    web, _ctx = session
    targets = [
        css("#sign-in"),
        ResolvedTarget("text", "Add to cart"),
        ResolvedTarget("role", "Sign in", role="button"),
        ResolvedTarget("label", "User name"),
        ResolvedTarget("placeholder", "Your name"),
        ResolvedTarget("testid", "increment"),
        ResolvedTarget("xpath", "//button[@id='dbl']"),
        ResolvedTarget("id", "cart-count"),
    ]
    for target in targets:
        assert web.query("query.count", {"target": target}) == 1, target


def test_clicks_and_hover(session):
    web, _ctx = session
    web.perform("click", {"target": ResolvedTarget("testid", "increment")}, T)
    web.perform("click", {"target": ResolvedTarget("role", "Add to cart", role="button")}, T)
    assert text_of(web, "#cart-count") == "2"
    web.perform("double_click", {"target": ResolvedTarget("text", "Double me")}, T)
    assert text_of(web, "#dbl-out") == "double"
    web.perform("right_click", {"target": css("#ctx-area")}, T)
    assert text_of(web, "#ctx-out") == "context"
    web.perform("hover", {"target": ResolvedTarget("text", "Hover me")}, T)
    assert text_of(web, "#hover-out") == "hovered"


def test_point_target_clicks_at_page_coordinates(session):
    web, _ctx = session
    web.perform("click", {"target": ResolvedTarget("point", point=(960, 30))}, T)
    assert text_of(web, "#pt-out") == "point clicked"


def test_image_target_is_found_on_the_page_and_clicked(session, site: Path):
    try:
        import cv2  # noqa: F401
    except ImportError:
        require(False, "OpenCV (pip install opencv-python-headless)")
    web, _ctx = session
    badge = ResolvedTarget("image", str(site / "badge.png"))
    assert web.query("query.visible", {"target": badge}) is True
    web.perform("click", {"target": badge}, T)
    assert text_of(web, "#badge-out") == "badge clicked"


def test_fill_type_and_press(session):
    web, _ctx = session
    web.perform("fill", {"target": ResolvedTarget("label", "User name"), "text": "alice"}, T)
    assert web.query("query.value", {"target": css("#user")}) == "alice"
    web.perform("fill", {"target": ResolvedTarget("label", "User name"), "text": "bob"}, T)
    assert web.query("query.value", {"target": css("#user")}) == "bob"
    web.perform("type", {"text": " smith", "target": css("#user")}, T)
    assert web.query("query.value", {"target": css("#user")}) == "bob smith"
    web.perform("type", {"text": "!"}, T)  # into the focused field
    assert web.query("query.value", {"target": css("#user")}) == "bob smith!"
    web.perform("press", {"key": "ctrl+a", "target": css("#keys")}, T)
    assert text_of(web, "#keys-out") == "Control+a"
    web.perform("press", {"key": "Control+Shift+K", "target": css("#keys")}, T)
    assert text_of(web, "#keys-out") == "Control+Shift+K"
    web.perform("press", {"key": "esc"}, T)  # the focused #keys field gets it
    assert text_of(web, "#keys-out") == "Escape"
    with pytest.raises(ActionFailed, match="Unknown key"):
        web.perform("press", {"key": "NoSuchKey"}, T)


def test_type_without_focus_fails_clearly(session):
    web, _ctx = session
    with pytest.raises(ActionFailed, match="nothing has the keyboard focus"):
        web.perform("type", {"text": "lost"}, T)


def test_select_by_label_then_value_and_unknown_option(session):
    web, _ctx = session
    web.perform("select", {"target": css("#size"), "value": "Large"}, T)
    assert web.query("query.value", {"target": css("#size")}) == "l"
    web.perform("select", {"target": css("#size"), "value": "m"}, T)
    assert web.query("query.value", {"target": css("#size")}) == "m"
    with pytest.raises(ActionFailed) as err:
        web.perform("select", {"target": css("#size"), "value": "Huge"}, T)
    assert "has no option 'Huge'" in err.value.message
    assert "'Small', 'Medium', 'Large'" in (err.value.help or "")
    with pytest.raises(ActionFailed, match="not a <select>"):
        web.perform("select", {"target": css("#user"), "value": "x"}, T)


def test_select_waits_for_a_late_select_and_keeps_strict_and_missing_errors(session):
    """The options are read in one call when the select is there; a late one is still waited for."""
    web, _ctx = session
    web._page.evaluate(
        "() => setTimeout(() => { const s = document.createElement('select'); s.id = 'late';"
        ' s.innerHTML = \'<option value="a">Alpha</option><option value="b">Beta</option>\';'
        " document.body.appendChild(s); }, 700)"
    )
    web.perform("select", {"target": css("#late"), "value": "Beta"}, T)
    assert web.query("query.value", {"target": css("#late")}) == "b"
    web._page.evaluate("() => document.body.insertAdjacentHTML('beforeend', '<select class=twin></select>' .repeat(2))")
    with pytest.raises(ActionFailed, match="2 elements match"):
        web.perform("select", {"target": css(".twin"), "value": "x"}, T)
    with pytest.raises(TargetNotFound, match="no element matches"):
        web.perform("select", {"target": css("#never"), "value": "x"}, 0.5)


def test_check_and_uncheck(session):
    web, _ctx = session
    agree = ResolvedTarget("label", "I agree")
    web.perform("check", {"target": agree}, T)
    assert web.query("query.checked", {"target": agree}) is True
    web.perform("uncheck", {"target": agree}, T)
    assert web.query("query.checked", {"target": agree}) is False


def test_submit_sends_the_form_and_reports_invalid_forms(session):
    web, _ctx = session
    web.perform("fill", {"target": css("#user"), "text": "carol"}, T)
    web.perform("submit", {"target": css("#user")}, T)
    greeting = ResolvedTarget("text", "Welcome, carol")
    web.perform("hover", {"target": greeting}, T)  # auto-waits for the new page
    assert web.query("query.url", {}).split("?")[0].endswith("/welcome.html")
    web.perform("go_back", {}, T)
    with pytest.raises(ActionFailed, match="was not submitted: email"):
        web.perform("submit", {"target": css("#req")}, T)
    with pytest.raises(ActionFailed, match="elements match 'input'"):  # several: Playwright's strict error
        web.perform("submit", {"target": css("input")}, T)
    with pytest.raises(TargetNotFound, match="no element matches"):
        web.perform("submit", {"target": css("#no-form-here")}, 0.5)


def test_scroll_and_scroll_to(session):
    web, _ctx = session
    web.perform("scroll", {"direction": "down", "amount": 400}, T)
    web.perform("hover", {"target": css("#scroll-y")}, T)
    assert int(text_of(web, "#scroll-y") or 0) >= 300
    web.perform("scroll", {"direction": "up"}, T)  # 80 % of the viewport
    assert int(text_of(web, "#scroll-y") or 0) == 0
    web.perform("scroll_to", {"target": css("#bottom")}, T)
    assert int(text_of(web, "#scroll-y") or 0) > 2000


def test_history(session):
    web, _ctx = session
    web.perform("click", {"target": ResolvedTarget("role", "Second page", role="link")}, T)
    web.perform("hover", {"target": css("#width")}, T)
    assert web.query("query.title", {}) == "Second"
    web.perform("go_back", {}, T)
    assert web.query("query.title", {}) == "Panoptic test shop"
    web.perform("go_forward", {}, T)
    assert web.query("query.title", {}) == "Second"
    web.perform("reload", {}, T)
    assert web.query("query.title", {}) == "Second"


def test_go_back_without_history_fails(backend, make_ctx):
    ctx = make_ctx()
    backend.begin(ctx)
    try:
        with pytest.raises(ActionFailed, match="no previous page"):
            backend.perform("go_back", {}, 2.0)
    finally:
        backend.end(ctx, False)


def test_screenshot_names_stay_inside_the_folder(session):
    web, ctx = session
    art = web.perform("screenshot", {"name": "../../x"}, T)
    path = ctx.artifacts_dir / "x.png"
    assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert art.kind == "screenshot" and art.path.endswith("/x.png") and art.name == "../../x"
    assert (ctx.artifacts_dir.parent.parent / art.path) == path
    second = web.perform("screenshot", {"name": "../../x"}, T)
    assert second.path.endswith("/x-2.png")
    odd = web.perform("screenshot", {"name": "cart / step 1"}, T)
    assert odd.path.endswith("/cart-step-1.png")
    assert sorted(p.name for p in ctx.artifacts_dir.iterdir()) == ["cart-step-1.png", "x-2.png", "x.png"]


def test_screenshot_masks_inputs_holding_a_secret(session):
    from PIL import Image

    web, ctx = session
    web.perform("fill", {"target": css("#token"), "text": SECRET}, T)
    web.perform("fill", {"target": css("#user"), "text": "visible name"}, T)
    art = web.perform("screenshot", {"name": "masked"}, T)
    image = Image.open(ctx.artifacts_dir.parent.parent / art.path).convert("RGB")
    box = web._page.locator("#token").bounding_box()
    centre = (int(box["x"] + box["width"] / 2), int(box["y"] + box["height"] / 2))
    assert image.getpixel(centre) == (255, 0, 255)  # Playwright's mask colour
    user = web._page.locator("#user").bounding_box()
    assert image.getpixel((int(user["x"] + user["width"] / 2), int(user["y"] + user["height"] / 2))) != (255, 0, 255)


def test_a_secret_shows_as_dots_in_a_visible_field_and_in_one_that_appears_late(session):
    web, _ctx = session
    security = "(e) => getComputedStyle(e).webkitTextSecurity"
    web.perform("fill", {"target": css("#token"), "text": SECRET}, T)
    assert web._page.locator("#token").evaluate(security) == "disc"
    assert web._page.locator("#user").evaluate(security) == "none"
    web._page.evaluate(
        "() => { const i = document.createElement('input'); i.id = 'late-secret'; i.style.display = 'none';"
        " document.body.prepend(i); setTimeout(() => { i.style.display = 'inline-block'; }, 600); }"
    )
    web.perform("fill", {"target": css("#late-secret"), "text": SECRET}, T)  # waits until it is visible
    assert web._page.locator("#late-secret").evaluate(security) == "disc"
    assert web._page.locator("#late-secret").input_value() == SECRET


def test_missing_target_gives_did_you_mean_from_the_live_page(session):
    web, _ctx = session
    with pytest.raises(TargetNotFound) as err:
        web.perform("click", {"target": ResolvedTarget("role", "Sing in", role="button")}, 1.0)
    assert err.value.code == "PAN902"
    assert "within 1s" in err.value.message
    assert err.value.candidates[0] == 'role button "Sign in"'
    with pytest.raises(TargetNotFound) as err:
        web.perform("click", {"target": css("#sign-inn")}, 1.0)
    assert '"#sign-in"' in err.value.candidates
    with pytest.raises(TargetNotFound) as err:
        web.perform("fill", {"target": ResolvedTarget("label", "Pasword"), "text": "x"}, 1.0)
    assert 'label "Password"' in err.value.candidates


def test_hidden_disabled_and_ambiguous_targets_say_why(session):
    web, _ctx = session
    with pytest.raises(TargetNotFound, match="not visible"):
        web.perform("click", {"target": css("#hidden")}, 1.0)
    with pytest.raises(ActionFailed, match="cannot click '#disabled-btn': it is disabled"):
        web.perform("click", {"target": css("#disabled-btn")}, 1.0)
    with pytest.raises(ActionFailed) as err:
        web.perform("click", {"target": css(".dup")}, 1.0)
    assert err.value.message == (
        '2 elements match \'.dup\': role button "One", role button "Two"; make the target unique'
    )
    assert err.value.candidates == ('role button "One"', 'role button "Two"')
    with pytest.raises(ActionFailed, match="not a valid CSS selector"):
        web.perform("click", {"target": css("button[")}, 1.0)


def test_navigation_failures(session):
    import socket

    web, _ctx = session
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    url = f"http://127.0.0.1:{dead}/login"
    with pytest.raises(NavigationFailed) as err:
        web.perform("navigate", {"url": url}, T)
    assert err.value.code == "PAN903"
    assert url in err.value.message and "ERR_CONNECTION_REFUSED" in err.value.message
    assert "start that server" in (err.value.help or "")
    with pytest.raises(NavigationFailed) as err:
        web.perform("navigate", {"url": "/missing.html"}, T)
    assert "answered HTTP 404" in err.value.message and err.value.actual == "404"


def test_relative_url_without_a_base(chromium, make_ctx):
    from webtest_support import make_app

    from panoptic.backends.web.backend import WebBackend

    web = WebBackend(make_app(None))
    web.start()
    ctx = make_ctx()
    try:
        web.begin(ctx)
        with pytest.raises(NavigationFailed, match="has no `url:` or `serve:`"):
            web.perform("navigate", {"url": "/index.html"}, T)
    finally:
        web.end(ctx, False)
        web.stop()


def test_record_video_needs_the_scenario_flag(session):
    web, _ctx = session
    with pytest.raises(ActionFailed, match="was not started with the scenario"):
        web.perform("record_video", {}, T)


def test_unknown_capability_is_refused(session):
    web, _ctx = session
    with pytest.raises(ActionFailed, match="cannot swipe"):
        web.perform("swipe", {"direction": "up"}, T)
