"""The desktop backend against a real Xvfb display and the example Tk app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from desktop_support import ROOT, SCREEN, app_def, at, image, new_ctx, text
from PIL import Image

from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed, TargetNotFound
from panoptic.perception import ocr


def wait_visible(backend: Any, target: ResolvedTarget, timeout: float = 15.0) -> bool:
    """What the interpreter does for `expect … visible`: poll query.visible."""
    deadline = time.monotonic() + timeout
    while True:
        if backend.query("query.visible", {"target": target}):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


def entry_point(backend: Any) -> tuple[int, int]:
    """The name entry: right of the "Name" label."""
    name = ocr.find_text(backend.grab(), "Name", exact=True)
    assert name.found, name.describe()
    return name.left + name.width + 120, name.y


def group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie is gone for practical purposes; it still answers kill(0).
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ")[1].startswith("Z")


def test_type_click_by_image_and_text_press_keys_and_read_the_label(backend: Any, tmp_path: Path) -> None:
    ctx = new_ctx(tmp_path)
    backend.begin(ctx)
    try:
        assert backend.display.size == SCREEN
        assert wait_visible(backend, text("Ready"))

        backend.perform("click", {"target": at(*entry_point(backend))}, 5.0)
        backend.perform("type", {"text": "Ada"}, 5.0)

        # The button's template: a crop of the real screen around its OCR'd caption.
        shot = backend.grab()
        caption = ocr.find_text(shot, "Greet")
        assert caption.found, caption.describe()
        template = tmp_path / "greet.png"
        shot.crop(
            (caption.left - 8, caption.top - 6, caption.left + caption.width + 8, caption.top + caption.height + 6)
        ).save(template)

        backend.perform("click", {"target": image(template)}, 5.0)
        assert wait_visible(backend, text("Hello, Ada")), backend.query("query.text", {})

        for _ in range(3):
            backend.perform("press", {"key": "BackSpace"}, 5.0)
        backend.perform("type", {"text": "Bob"}, 5.0)
        backend.perform("click", {"target": text("Greet")}, 10.0)
        assert wait_visible(backend, text("Hello, Bob"))

        backend.perform("type", {"text": "by"}, 5.0)
        backend.perform("press", {"key": "Enter"}, 5.0)
        assert wait_visible(backend, text("Hello, Bobby"))
        assert "Hello, Bobby" in backend.query("query.text", {})

        art = backend.perform("screenshot", {"name": "greeted"}, 5.0)
        assert art.kind == "screenshot" and art.path == "scenarios/001-scenario/greeted.png"
        saved = Image.open(tmp_path / "out" / art.path)
        assert saved.size == SCREEN
    finally:
        backend.end(ctx, failed=False)


def test_video_is_playable(backend: Any, tmp_path: Path) -> None:
    ctx = new_ctx(tmp_path, video=True)
    backend.begin(ctx)
    try:
        backend.perform("record_video", {}, 5.0)  # already recording: no second recorder
        backend.perform("move_to", {"target": at(300, 300)}, 5.0)
        backend.perform("click", {"target": at(*entry_point(backend))}, 5.0)
        backend.perform("type", {"text": "Video"}, 5.0)
        time.sleep(1.0)
    finally:
        backend.end(ctx, failed=False)
    videos = [a for a in ctx.written if a.kind == "video"]
    assert len(videos) == 1
    path = tmp_path / "out" / videos[0].path
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=width,height,codec_name", "-of", "json",
         str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    info = json.loads(probe.stdout)
    assert float(info["format"]["duration"]) > 0.5
    assert (info["streams"][0]["width"], info["streams"][0]["height"]) == SCREEN
    assert info["streams"][0]["codec_name"] == "h264"


def test_app_group_and_xvfb_are_gone_after_end_and_stop(tmp_path: Path) -> None:
    from panoptic.backends.desktop.backend import DesktopBackend

    # The app starts a child that ignores SIGTERM: end() must still leave nothing behind.
    script = tmp_path / "stubborn.py"
    script.write_text(
        "import subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', "
        "'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)'])\n"
        f"sys.argv = ['app.py']\nsys.path.insert(0, {str(ROOT / 'examples' / 'desktop')!r})\n"
        "import app\napp.main()\n"
    )
    b = DesktopBackend(app_def(f"{sys.executable} {script}"))
    b.start()
    xvfb_pid = b.display.process.pid
    socket = Path(f"/tmp/.X11-unix/X{b.display.number}")
    ctx = new_ctx(tmp_path)
    try:
        b.begin(ctx)
        pgid = b.process.pid
        members = [
            int(p) for p in subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True).stdout.split()
        ]
        assert len(members) >= 2  # the app and its stubborn child
        b.end(ctx, failed=True)
        assert group_gone(pgid)
        assert all(pid_gone(p) for p in members)
        assert socket.exists() and not pid_gone(xvfb_pid)
    finally:
        b.stop()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not pid_gone(xvfb_pid):
        time.sleep(0.05)
    assert pid_gone(xvfb_pid)
    assert not socket.exists()


def test_interrupted_run_leaves_no_processes(tmp_path: Path) -> None:
    """Ctrl-C in the middle of a scenario, with no end()/stop() called: nothing may be left running."""
    code = f"""
import sys, json, signal, os
signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C works even if started with SIGINT ignored
sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(Path(__file__).parent)!r})
from desktop_support import app_def, new_ctx
from pathlib import Path
from panoptic.backends.desktop.backend import DesktopBackend
b = DesktopBackend(app_def())
b.start()
ctx = new_ctx(Path({str(tmp_path)!r}), video=True)
b.begin(ctx)
print(json.dumps([b.display.process.pid, b.process.pid, b.recorder.proc.pid]), flush=True)
os.kill(os.getpid(), signal.SIGINT)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert "KeyboardInterrupt" in done.stderr
    xvfb, app_group, ffmpeg = json.loads(done.stdout.strip().splitlines()[-1])
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not (pid_gone(xvfb) and group_gone(app_group) and pid_gone(ffmpeg)):
        time.sleep(0.05)
    assert pid_gone(xvfb) and group_gone(app_group) and pid_gone(ffmpeg)


def test_missing_template_is_a_clear_error(backend: Any, tmp_path: Path) -> None:
    ctx = new_ctx(tmp_path)
    backend.begin(ctx)
    try:
        missing = tmp_path / "images" / "save-button.png"
        with pytest.raises(ActionFailed) as err:
            backend.perform("click", {"target": image(missing)}, 1.0)
        assert str(missing) in err.value.message
    finally:
        backend.end(ctx, failed=True)


def test_template_not_on_screen_fails_with_best_candidate(backend: Any, tmp_path: Path) -> None:
    ctx = new_ctx(tmp_path)
    backend.begin(ctx)
    try:
        absent = tmp_path / "absent.png"
        img = Image.new("RGB", (90, 40), (255, 0, 255))
        for x in range(0, 90, 6):
            for y in range(0, 40, 4):
                img.putpixel((x, y), (0, 255, 0))
        img.save(absent)
        assert backend.query("query.visible", {"target": image(absent)}) is False
        started = time.monotonic()
        with pytest.raises(TargetNotFound) as err:
            backend.perform("double_click", {"target": image(absent)}, 0.8)
        assert time.monotonic() - started >= 0.8
        assert "absent.png" in err.value.message and "not found on screen" in err.value.message
        assert err.value.actual is not None and err.value.actual.startswith("best match ")
        assert "needs 0.80" in err.value.actual

        backend.capture_failure(ctx)
        kinds = {a.name: a for a in ctx.written}
        failure = tmp_path / "out" / kinds["screen at failure"].path
        candidate = tmp_path / "out" / kinds["best candidate for image target"].path
        assert Image.open(failure).size == SCREEN
        assert Image.open(candidate).size == SCREEN
        assert Image.open(candidate).convert("RGB").tobytes() != Image.open(failure).convert("RGB").tobytes()
    finally:
        backend.end(ctx, failed=True)


def test_text_not_on_screen_says_what_was_seen(backend: Any, tmp_path: Path) -> None:
    ctx = new_ctx(tmp_path)
    backend.begin(ctx)
    try:
        with pytest.raises(TargetNotFound) as err:
            backend.perform("click", {"target": text("Gret")}, 0.0)
        assert "Ready" in (err.value.actual or "")
        assert err.value.candidates and "Greet" in err.value.candidates[0]
        assert backend.suggest(text("Gret")) == err.value.candidates
    finally:
        backend.end(ctx, failed=True)


def test_keys_and_points_are_checked(backend: Any, tmp_path: Path) -> None:
    ctx = new_ctx(tmp_path)
    backend.begin(ctx)
    try:
        with pytest.raises(ActionFailed, match="unknown key 'entr'") as err:
            backend.perform("press", {"key": "ctrl+entr"}, 1.0)
        assert "'enter'" in (err.value.help or "")
        with pytest.raises(ActionFailed, match="outside the 1024x768 screen"):
            backend.perform("click", {"target": at(5000, 10)}, 1.0)
        assert backend.query("query.visible", {"target": at(10, 10)}) is True
    finally:
        backend.end(ctx, failed=True)


def test_focused_window(backend: Any, tmp_path: Path) -> None:
    ctx = new_ctx(tmp_path)
    backend.begin(ctx)
    try:
        backend.perform("click", {"target": at(*entry_point(backend))}, 5.0)
        focused = ResolvedTarget(kind="focused")
        assert backend.query("query.visible", {"target": focused}) is True
        backend.perform("type", {"text": "Zed"}, 5.0)
        assert "Zed" in (backend.query("query.text", {"target": focused}) or "")
    finally:
        backend.end(ctx, failed=False)


def test_app_that_exits_at_start_fails_with_its_output(tmp_path: Path) -> None:
    from panoptic.backends.desktop.backend import DesktopBackend

    command = f"{sys.executable} -c \"import sys; print('cannot open database', file=sys.stderr); sys.exit(3)\""
    b = DesktopBackend(app_def(command))
    b.start()
    ctx = new_ctx(tmp_path)
    try:
        with pytest.raises(ActionFailed, match="exited during start-up with code 3") as err:
            b.begin(ctx)
        assert "cannot open database" in (err.value.actual or "")
    finally:
        b.end(ctx, failed=True)
        b.stop()


def test_window_that_never_appears_times_out(tmp_path: Path) -> None:
    from panoptic.backends.desktop.backend import DesktopBackend

    b = DesktopBackend(app_def(window="No Such Window", ready=8.0))
    b.start()
    ctx = new_ctx(tmp_path)
    try:
        with pytest.raises(ActionFailed, match=r"no window titled 'No Such Window' appeared within 8s") as err:
            b.begin(ctx)
        assert "Panoptic Notes" in (err.value.actual or "")
        assert (b.process is not None and b.process.exited() is not None) or group_gone(b.process.pid)
    finally:
        b.end(ctx, failed=True)
        b.stop()


def test_unknown_program_is_a_clear_error(tmp_path: Path) -> None:
    from panoptic.backends.desktop.backend import DesktopBackend

    b = DesktopBackend(app_def("no-such-program-xyz --flag"))
    b.start()
    ctx = new_ctx(tmp_path)
    try:
        with pytest.raises(ActionFailed, match="program was not found: no-such-program-xyz"):
            b.begin(ctx)
    finally:
        b.end(ctx, failed=True)
        b.stop()


def test_two_displays_in_one_process(tmp_path: Path) -> None:
    """Input goes to the display of the backend that acts, even after another backend used pyautogui."""
    from panoptic.backends.desktop.backend import DesktopBackend

    first, second = DesktopBackend(app_def()), DesktopBackend(app_def())
    first.start()
    second.start()
    c1, c2 = new_ctx(tmp_path, "a"), new_ctx(tmp_path, "b")
    try:
        assert first.display.name != second.display.name
        first.begin(c1)
        second.begin(c2)
        first.perform("click", {"target": at(*entry_point(first))}, 5.0)
        second.perform("click", {"target": at(*entry_point(second))}, 5.0)
        first.perform("type", {"text": "One"}, 5.0)
        first.perform("press", {"key": "Return"}, 5.0)
        assert wait_visible(first, text("Hello, One"))
        assert not second.query("query.visible", {"target": text("Hello")})
    finally:
        for b, c in ((first, c1), (second, c2)):
            b.end(c, failed=False)
            b.stop()
