"""`panoptic record` in real Chromium: a scripted person drives the recorded browser over CDP.

The recorder runs as the command a user runs (a subprocess), headed on an Xvfb
screen, with `--remote-debugging-port`; the test connects Playwright to that
port and clicks, types, selects and ticks in the page, so the listener sees
real input events. The recorded file must pass `panoptic check` and pass when
`panoptic run` replays it against the same pages.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.record.conftest import serve

pytestmark = [pytest.mark.browser, pytest.mark.desktop, pytest.mark.slow]

INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign up</title></head>
<body>
<h1>Sign up</h1>
<form id="signup">
  <label for="name">Full name</label> <input id="name">
  <input id="email" type="email" placeholder="you@example.com">
  <label for="size">Size</label>
  <select id="size"><option value="s">Small</option><option value="m">Medium</option><option value="l">Large</option></select>
  <label><input type="checkbox" id="terms"> I accept the terms</label>
  <button type="submit">Create account</button>
</form>
<p id="out"></p>
<input id="todo" placeholder="New item">
<button id="add">Add</button>
<ul id="list"></ul>
<button data-testid="counter">Count</button>
<button class="more">More</button> <button class="more">More</button>
<p id="more-out"></p>
<a href="two.html">Next page</a>
<script>
  document.getElementById('signup').addEventListener('submit', (e) => {
    e.preventDefault();
    document.getElementById('out').textContent = 'Thanks, ' + document.getElementById('name').value + '!';
  });
  document.getElementById('add').addEventListener('click', () => {
    const field = document.getElementById('todo');
    const li = document.createElement('li');
    li.textContent = field.value;
    document.getElementById('list').appendChild(li);
    field.value = '';
  });
  let n = 0;
  document.querySelector('[data-testid=counter]').addEventListener('click', (e) => {
    n += 1;
    e.target.textContent = 'Count ' + n;
  });
  document.querySelectorAll('.more').forEach((b, i) => b.addEventListener('click', () => {
    document.getElementById('more-out').textContent = 'more ' + (i + 1);
  }));
</script>
</body></html>
"""

TWO = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Two</title></head>
<body><h1>Page two</h1><p id="welcome">Welcome here</p><a href="index.html">Back home</a></body></html>
"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text(INDEX, encoding="utf-8")
    (folder / "two.html").write_text(TWO, encoding="utf-8")
    server, url = serve(folder)
    try:
        yield url
    finally:
        server.shutdown()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_recorder(url: str, output: Path, env: dict[str, str], *extra: str) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "panoptic",
            "record",
            url,
            "-o",
            str(output),
            "--remote-debugging-port",
            str(port),
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a command started from a terminal
    )
    return proc, port


def connect(playwright: Any, port: int, proc: subprocess.Popen[str]) -> Any:
    """The recorded browser's page, once its debugging port answers."""
    deadline = time.monotonic() + 60
    while True:
        try:
            browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}", timeout=5000)
            break
        except Exception:
            if proc.poll() is not None:
                pytest.fail(f"the recorder exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    context = browser.contexts[0]
    while not context.pages:
        time.sleep(0.05)
    page = context.pages[0]
    page.wait_for_function("() => document.querySelector('panoptic-recorder') !== null", timeout=30000)
    return page


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(extra)
    return env


def test_record_check_and_replay(tmp_path: Path, site: str, display: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    output = tmp_path / "recorded.pan"
    proc, port = start_recorder(site + "index.html", output, base_env(**display), "--title", "sign up and more")
    try:
        with sync_playwright() as p:
            page = connect(p, port, proc)
            page.get_by_label("Full name").click()
            page.keyboard.type("Ada")  # three input events: one fill
            page.get_by_placeholder("you@example.com").press_sequentially("ada@example.com")
            page.get_by_label("Size").select_option("Medium")
            page.get_by_label("I accept the terms").check()
            page.get_by_role("button", name="Create account").click()
            page.get_by_text("Thanks, Ada!").hover()
            page.keyboard.press("Control+Shift+E")  # "assert this" on the hovered element
            for item in ("milk", "bread"):  # the same two steps twice: a flow
                page.get_by_placeholder("New item").press_sequentially(item)
                page.get_by_role("button", name="Add", exact=True).click()
            page.get_by_test_id("counter").click()
            page.locator(".more").nth(1).click()  # two buttons with the same name: a CSS path
            box = page.locator("panoptic-recorder").bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the overlay's Assert
            page.locator("#more-out").click()  # in pick mode: an expectation, not a click
            page.get_by_role("link", name="Next page").click()
            page.wait_for_url("**/two.html")
            page.locator("#welcome").hover()
            page.keyboard.press("Control+Shift+E")
            page.wait_for_timeout(300)
            page.close()  # closing the recorded page ends the recording
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and f"wrote {output}" in err
    text = output.read_text(encoding="utf-8")
    assert text.count("fill ") == 3, text  # the two fields, once each, and the flow's fill
    expected = [
        '    url: "' + site + '"',
        "flow fill_new_item(new_item) {",
        '    fill role textbox "New item" with new_item',
        '    click role button "Add"',
        'scenario "sign up and more" on site {',
        '    open "/index.html"',
        '    fill role textbox "Full name" with "Ada"',
        '    fill role textbox "you@example.com" with "ada@example.com"',
        '    select "Medium" in role combobox "Size"',
        '    check role checkbox "I accept the terms"',
        '    click role button "Create account"',
        '    expect id "out" has text "Thanks, Ada!"',
        '    fill_new_item("milk")',
        '    fill_new_item("bread")',
        '    click testid "counter"',
        '    click "body > button:nth-of-type(4)"',
        '    expect id "more-out" has text "more 2"',
        '    click role link "Next page"',
        '    expect id "welcome" has text "Welcome here"',
    ]
    lines = text.splitlines()
    positions = [lines.index(line) if line in lines else -1 for line in expected]
    assert -1 not in positions and positions == sorted(positions), f"expected, in this order, {expected} in\n{text}"
    assert "two.html" not in text  # the link's navigation is the click, not an `open`

    check = subprocess.run([sys.executable, "-m", "panoptic", "check", str(output)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    run = subprocess.run(
        [sys.executable, "-m", "panoptic", "run", str(output), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
        env=base_env(),
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def test_ctrl_c_ends_a_headless_recording_and_the_file_was_written_as_it_went(tmp_path: Path, site: str) -> None:
    from playwright.sync_api import sync_playwright

    output = tmp_path / "partial.pan"
    proc, port = start_recorder(site + "index.html", output, base_env(), "--headless")
    try:
        with sync_playwright() as p:
            page = connect(p, port, proc)
            page.get_by_label("Full name").fill("Grace")
            deadline = time.monotonic() + 30
            while not (output.exists() and "Grace" in output.read_text(encoding="utf-8")):
                assert time.monotonic() < deadline, "the file was not written while recording"
                time.sleep(0.1)
            assert proc.poll() is None  # still recording
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl+C in a terminal: the whole group (the driver is apart)
            _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "exception" not in err.lower(), err
    text = output.read_text(encoding="utf-8")
    assert 'fill role textbox "Full name" with "Grace"' in text and 'open "/index.html"' in text


def test_without_a_display_it_says_a_display_is_needed(tmp_path: Path) -> None:
    output = tmp_path / "x.pan"
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "record", "http://127.0.0.1:9/", "-o", str(output)],
        capture_output=True,
        text=True,
        env=base_env(),
        timeout=60,
    )
    assert done.returncode == 2
    assert "PAN906" in done.stderr and "display" in done.stderr and "--headless" in done.stderr
    assert "Traceback" not in done.stderr and not output.exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["ftp://x", "-o", "x.pan"], "must start with http"),
        (["http://127.0.0.1:9/", "-o", "x.txt"], "must be a .pan file"),
        (["http://127.0.0.1:9/", "-o", "/proc/x.pan", "--headless"], "PAN003"),
    ],
)
def test_bad_options_and_an_unwritable_output_are_diagnostics(tmp_path: Path, args: list[str], needle: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "record", *args], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert done.returncode == 2 and needle in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert ("PAN003" if needle == "PAN003" else "PAN004") in done.stderr
    assert not any(tmp_path.iterdir())


def test_a_page_that_does_not_answer_is_pan903(tmp_path: Path) -> None:
    output = tmp_path / "x.pan"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "panoptic",
            "record",
            f"http://127.0.0.1:{free_port()}/",
            "-o",
            str(output),
            "--headless",
        ],
        capture_output=True,
        text=True,
        env=base_env(),
        timeout=120,
    )
    assert done.returncode == 2 and "PAN903" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not output.exists()  # nothing was recorded: no file
