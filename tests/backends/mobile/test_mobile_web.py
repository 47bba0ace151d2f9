"""The mobile backend against a real Appium server driving Debian Chromium (the mobile-web path)."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed, NavigationFailed, TargetNotFound

pytestmark = pytest.mark.mobile

T = 5.0


def css(value: str) -> ResolvedTarget:
    return ResolvedTarget("css", value)


def text(value: str, exact: bool = False) -> ResolvedTarget:
    return ResolvedTarget("text", value, exact=exact)


def eventually(check, timeout: float = T) -> bool:
    """Poll like the interpreter does for an `expect … within`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return bool(check())


def status(phone) -> str | None:
    return phone.query("query.text", {"target": css("#status")})


def open_home(phone) -> None:
    phone.perform("navigate", {"url": "/index.html"}, T)
    assert phone.query("query.visible", {"target": text("Tasks", exact=True)})


def test_tap_fill_and_expect_text(phone) -> None:
    open_home(phone)
    phone.perform("fill", {"target": ResolvedTarget("id", "new-task"), "text": "Feed the cat"}, T)
    phone.perform("tap", {"target": text("Add", exact=True)}, T)
    assert eventually(lambda: status(phone) == "Added: Feed the cat")
    assert phone.query("query.text", {"target": css("#task-count")}) == "4"
    assert phone.query("query.visible", {"target": text("Feed the cat")})
    # fill replaces what the field held
    phone.perform("fill", {"target": css("#new-task"), "text": "first"}, T)
    phone.perform("fill", {"target": css("#new-task"), "text": "second"}, T)
    assert phone.driver.execute_script("return document.getElementById('new-task').value") == "second"


def test_type_into_focused_field_then_hide_keyboard(phone) -> None:
    open_home(phone)
    phone.perform("tap", {"target": css("#new-task")}, T)
    phone.perform("type", {"text": "abc"}, T)
    phone.perform("type", {"text": "def", "target": css("#new-task")}, T)
    assert phone.driver.execute_script("return document.getElementById('new-task').value") == "abcdef"
    assert phone.driver.execute_script("return document.activeElement.id") == "new-task"
    phone.perform("hide_keyboard", {}, T)
    assert phone.driver.execute_script("return document.activeElement === document.body")


def test_empty_add_shows_the_message(phone) -> None:
    open_home(phone)
    phone.perform("click", {"target": css("#add")}, T)
    assert eventually(lambda: status(phone) == "Type a task first")


def test_double_tap_and_long_press(phone) -> None:
    open_home(phone)
    phone.perform("double_tap", {"target": text("Buy milk")}, T)
    assert eventually(lambda: status(phone) == "Done: Buy milk")
    assert (
        phone.driver.execute_script("return document.querySelector('#tasks li').className").split().count("done") == 1
    )
    phone.perform("long_press", {"target": text("Call the bank")}, T)
    assert eventually(lambda: status(phone) == "Long pressed: Call the bank")


def test_swipe_scrolls_the_long_list_and_back(phone) -> None:
    open_home(phone)
    y0 = phone.driver.execute_script("return scrollY")
    phone.perform("swipe", {"direction": "up"}, T)
    y1 = phone.driver.execute_script("return scrollY")
    height = phone.driver.execute_script("return innerHeight")
    assert y1 - y0 > height * 0.3, (y0, y1, height)
    phone.perform("swipe", {"direction": "down"}, T)
    y2 = phone.driver.execute_script("return scrollY")
    assert y2 < y1


def test_scroll_to_reaches_the_end_of_the_list(phone) -> None:
    open_home(phone)
    end = text("End of the list", exact=True)
    in_view = "const r = document.getElementById('end-of-list').getBoundingClientRect(); return r.top < innerHeight;"
    assert not phone.driver.execute_script(in_view)
    phone.perform("scroll_to", {"target": end}, T)
    assert phone.driver.execute_script(in_view)
    assert phone.query("query.text", {"target": css("[data-index='60']")}) == "Item 60"


def test_scroll_to_a_missing_target_fails_at_the_end(phone) -> None:
    open_home(phone)
    with pytest.raises(TargetNotFound) as info:
        phone.perform("scroll_to", {"target": text("Item 61", exact=True)}, 20.0)
    assert "after scrolling to the end" in info.value.message
    assert phone.driver.execute_script("return scrollY") > 0


def test_missing_target_times_out_with_suggestions(phone) -> None:
    open_home(phone)
    started = time.monotonic()
    with pytest.raises(TargetNotFound) as info:
        phone.perform("tap", {"target": text("Buy mlk", exact=True)}, 0.5)
    assert time.monotonic() - started < 5
    assert "text 'Buy milk'" in info.value.candidates
    with pytest.raises(TargetNotFound) as info:
        phone.perform("tap", {"target": ResolvedTarget("id", "new-tsk")}, 0.3)
    assert "id 'new-task'" in info.value.candidates
    assert phone.query("query.visible", {"target": css("#nothing-here")}) is False
    assert phone.query("query.text", {"target": css("#nothing-here")}) is None


def test_swipe_between_drags_with_a_finger(phone) -> None:
    phone.perform("navigate", {"url": "/gestures.html"}, T)
    phone.perform("swipe_between", {"source": css("#knob"), "destination": css("#goal")}, T)
    assert eventually(lambda: phone.query("query.text", {"target": css("#out")}) == "dragged to goal")


def test_screenshot_is_a_real_png(phone) -> None:
    from PIL import Image

    phone.perform("navigate", {"url": "/index.html"}, T)
    art = phone.perform("screenshot", {"name": "home page"}, T)
    ctx = phone._ctx
    path = ctx.artifacts_dir.parent.parent / art.path
    assert art.kind == "screenshot" and art.name == "home page" and path.name == "home-page.png"
    with Image.open(path) as img:
        assert img.format == "PNG"
        width, height = img.size
        assert width > 200 and height > 200
        colours = img.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 10  # a rendered page, not a blank image


def _badge_template(phone, folder: Path) -> Path:
    """Cut the patterned badge out of a real screenshot of the gestures page."""
    from PIL import Image

    phone.perform("navigate", {"url": "/gestures.html?at=400,200"}, T)
    png = phone.driver.get_screenshot_as_png()
    ratio = phone.driver.execute_script("return devicePixelRatio")
    box = [v * ratio for v in (400, 200, 472, 272)]
    template = folder / "badge.png"
    with Image.open(io.BytesIO(png)) as img:
        img.crop(tuple(round(v) for v in box)).save(template)
    return template


def test_image_target_taps_the_centre_of_the_match(phone, tmp_path: Path) -> None:
    template = _badge_template(phone, tmp_path)
    phone.perform("navigate", {"url": "/gestures.html?at=150,260"}, T)  # the badge moved
    image = ResolvedTarget("image", str(template))
    assert phone.query("query.visible", {"target": image}) is True
    phone.perform("tap", {"target": image}, T)
    assert eventually(lambda: phone.query("query.text", {"target": css("#out")}) == "badge tapped")
    touch = phone.driver.execute_script("return window.touches[window.touches.length - 1]")
    assert abs(touch[0] - 186) <= 3 and abs(touch[1] - 296) <= 3, touch


def test_missing_image_reports_the_best_candidate(phone, tmp_path: Path) -> None:
    from PIL import Image

    template = _badge_template(phone, tmp_path)
    phone.perform("navigate", {"url": "/index.html"}, T)  # no badge on this page
    before = len(phone._ctx.written)
    with pytest.raises(TargetNotFound) as info:
        phone.perform("tap", {"target": ResolvedTarget("image", str(template))}, 0.3)
    assert "best match" in (info.value.actual or "")
    annotated = [a for a in phone._ctx.written[before:] if a.kind == "image"]
    assert annotated, "an annotated screenshot of the best candidate is written"
    with Image.open(phone._ctx.artifacts_dir.parent.parent / annotated[-1].path) as img:
        assert img.format == "PNG"


def test_point_tap_and_back(phone) -> None:
    phone.perform("navigate", {"url": "/index.html"}, T)
    phone.perform("navigate", {"url": "/gestures.html?at=100,300"}, T)
    phone.perform("tap", {"target": ResolvedTarget("point", point=(136, 336))}, T)
    assert eventually(lambda: phone.query("query.text", {"target": css("#out")}) == "badge tapped")
    phone.perform("back", {}, T)
    assert phone.driver.current_url.endswith("/index.html")


def test_home_and_record_video_fail_clearly_on_desktop_chromium(phone) -> None:
    with pytest.raises(ActionFailed) as info:
        phone.perform("home", {}, T)
    assert "android or ios" in info.value.message
    with pytest.raises(ActionFailed) as info:
        phone.perform("record_video", {}, T)
    assert "Chromium driver" in info.value.message and info.value.help
    assert not any(a.kind == "video" for a in phone._ctx.written)


def test_navigation_failure_is_reported(phone) -> None:
    from panoptic.backends.mobile.appium_server import free_port

    with pytest.raises(NavigationFailed):
        phone.perform("navigate", {"url": f"http://127.0.0.1:{free_port()}/"}, T)


def test_failure_capture_writes_screenshot_and_page(phone, make_ctx, tmp_path: Path) -> None:
    phone.perform("navigate", {"url": "/index.html"}, T)
    phone.perform("fill", {"target": css("#new-task"), "text": "hunter2-secret"}, T)
    phone.driver.execute_script("document.title = arguments[0]", "hunter2-secret")
    ctx = make_ctx(tmp_path, secrets=("hunter2-secret",))
    phone.capture_failure(ctx)
    kinds = {a.kind: ctx.artifacts_dir.parent.parent / a.path for a in ctx.written}
    assert kinds["screenshot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = kinds["html"].read_text(encoding="utf-8")
    assert "End of the list" in page and "hunter2-secret" not in page


def test_sideways_swipes_stay_on_the_page(phone) -> None:
    phone.perform("navigate", {"url": "/index.html"}, T)
    phone.perform("navigate", {"url": "/gestures.html?at=100,300"}, T)
    phone.perform("swipe", {"direction": "right"}, T)
    phone.perform("swipe", {"direction": "left"}, T)
    assert "/gestures.html" in phone.driver.current_url
    assert len(phone.driver.execute_script("return window.touches")) == 2
