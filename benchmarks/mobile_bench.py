"""Mobile benchmark: a Panoptic mobile-web scenario against the same steps written with Appium-Python-Client.

Both sides drive the same real Appium server (the project's install, Chromium
driver, Debian Chromium) against examples/mobile/site, in one run, rounds
interleaved so machine load hits both alike:

* end to end: `panoptic run scenario.pan` against `python mobile_bench.py --direct …`
  (each a fresh process: interpreter start, imports, session, steps, quit;
  Panoptic also compiles the file and writes its reports);
* in process: Panoptic's MobileBackend (session + steps + quit) against the
  direct client code, without process start-up.

The ratio is Panoptic / direct on the median of the rounds; the target is
at most 1.2. Usage:

    .venv/bin/python benchmarks/mobile_bench.py [--rounds 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "examples" / "mobile" / "site"
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 1.2

SCENARIO = """app phone: mobile {{
    server: "{server}"
    platform: "linux"
    browser: "chrome"
    url: "{site}"
    timeout: 10s
}}

scenario "tasks on a phone" on phone {{
    open "/"
    tap "#new-task"
    fill "#new-task" with "Feed the cat"
    tap "#add"
    expect "#status" has text "Added: Feed the cat"
    expect "#task-count" has text "4"
    double tap xpath "//li[text()='Buy milk']"
    expect "#status" has text "Done: Buy milk"
    swipe up
    scroll to "#end-of-list"
    expect "#end-of-list" visible
    screenshot "end"
}}
"""


# ---- the same steps, written directly with Appium-Python-Client -------------------------------


def direct_scenario(server: str, site: str, out_dir: Path) -> None:
    """The scenario above as a user would write it with Appium-Python-Client and Selenium's helpers."""
    from appium import webdriver
    from appium.options.common.base import AppiumOptions
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from panoptic.backends.mobile.appium_server import free_port

    caps = {
        "platformName": "linux",
        "browserName": "chrome",
        "appium:automationName": "Chromium",
        "appium:executable": "/usr/bin/chromedriver",
        "appium:autodownloadEnabled": False,
        "appium:chromedriverPort": free_port(),
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--disable-features=OverscrollHistoryNavigation",
            ],
        },
    }
    driver = webdriver.Remote(server, options=AppiumOptions().load_capabilities(caps))
    try:
        wait = WebDriverWait(driver, 10, poll_frequency=0.1)
        driver.get(site + "/")
        wait.until(ec.element_to_be_clickable(("css selector", "#new-task"))).click()
        field = driver.find_element("css selector", "#new-task")
        field.clear()
        field.send_keys("Feed the cat")
        driver.find_element("css selector", "#add").click()
        wait.until(ec.text_to_be_present_in_element(("css selector", "#status"), "Added: Feed the cat"))
        wait.until(ec.text_to_be_present_in_element(("css selector", "#task-count"), "4"))
        item = driver.find_element("xpath", "//li[text()='Buy milk']")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", item)
        touch = ActionBuilder(driver, mouse=PointerInput(interaction.POINTER_TOUCH, "finger"))
        touch.pointer_action.move_to(item).pointer_down().pause(0.05).pointer_up().pause(0.08)
        touch.pointer_action.pointer_down().pause(0.05).pointer_up()
        touch.perform()
        wait.until(ec.text_to_be_present_in_element(("css selector", "#status"), "Done: Buy milk"))
        width, height = driver.execute_script("return [innerWidth, innerHeight]")
        swipe = ActionBuilder(driver, mouse=PointerInput(interaction.POINTER_TOUCH, "finger"), duration=300)
        swipe.pointer_action.move_to_location(width // 2, height * 3 // 4).pointer_down().pause(0.06)
        swipe.pointer_action.move_to_location(width // 2, height // 4).pause(0.12).pointer_up()
        swipe.perform()
        end = driver.find_element("css selector", "#end-of-list")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", end)
        wait.until(ec.visibility_of_element_located(("css selector", "#end-of-list")))
        driver.get_screenshot_as_file(str(out_dir / "end.png"))
    finally:
        driver.quit()


def panoptic_in_process(server: str, site: str, out_dir: Path) -> None:
    """The scenario through Panoptic's mobile backend, with the interpreter's polling for expectations."""
    from panoptic.backends.mobile.backend import MobileBackend
    from panoptic.compiler.ir import AppDef
    from panoptic.contract import ResolvedTarget, ScenarioContext
    from panoptic.source import Span

    span = Span("bench.pan", 0, 1, 1, 1, 1, 2)
    settings = {"server": server, "platform": "linux", "browser": "chrome", "url": site, "timeout": 10.0}
    backend = MobileBackend(AppDef("phone", "mobile", settings, span))
    folder = out_dir / "run" / "scenario"
    folder.mkdir(parents=True, exist_ok=True)
    ctx = ScenarioContext("bench.pan::tasks", "tasks", folder, (), 10.0)
    css = partial(ResolvedTarget, "css")

    def expect(capability: str, target: ResolvedTarget, wanted: object) -> None:
        deadline = time.monotonic() + 10
        while backend.query(capability, {"target": target}) != wanted:
            if time.monotonic() > deadline:
                raise AssertionError(f"{target.describe()} never became {wanted!r}")
            time.sleep(0.1)

    backend.start()
    backend.begin(ctx)
    try:
        backend.perform("navigate", {"url": "/"}, 10)
        backend.perform("tap", {"target": css("#new-task")}, 10)
        backend.perform("fill", {"target": css("#new-task"), "text": "Feed the cat"}, 10)
        backend.perform("tap", {"target": css("#add")}, 10)
        expect("query.text", css("#status"), "Added: Feed the cat")
        expect("query.text", css("#task-count"), "4")
        backend.perform("double_tap", {"target": ResolvedTarget("xpath", "//li[text()='Buy milk']")}, 10)
        expect("query.text", css("#status"), "Done: Buy milk")
        backend.perform("swipe", {"direction": "up"}, 10)
        backend.perform("scroll_to", {"target": css("#end-of-list")}, 10)
        expect("query.visible", css("#end-of-list"), True)
        backend.perform("screenshot", {"name": "end"}, 10)
    finally:
        backend.end(ctx, failed=False)
        backend.stop()


# ---- harness ------------------------------------------------------------------------------------


def _serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _timed(call: object) -> float:
    started = time.perf_counter()
    call()  # type: ignore[operator]
    return time.perf_counter() - started


CPU: dict[str, list[float]] = {"cli_panoptic": [], "cli_direct": []}


def _run(cmd: list[str], env: dict[str, str], cpu: str | None = None) -> None:
    """Run one process to the end; with `cpu`, record its user+system CPU seconds (the Python side only)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} … failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    if cpu:
        CPU[cpu].append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--direct", nargs=3, metavar=("SERVER", "SITE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.direct:
        direct_scenario(args.direct[0], args.direct[1], Path(args.direct[2]))
        return 0

    from panoptic.backends.mobile.appium_server import LocalAppiumServer

    work = Path(tempfile.mkdtemp(prefix="panoptic-mobile-bench-"))
    site_server, site = _serve(SITE)
    appium = LocalAppiumServer()
    server = appium.start()
    pan = work / "tasks.pan"
    pan.write_text(SCENARIO.format(server=server, site=site), encoding="utf-8")
    env = dict(os.environ)
    python = sys.executable
    panoptic_cli = [python, "-m", "panoptic", "run", str(pan), "-o"]
    direct_cli = [python, str(Path(__file__).resolve()), "--direct", server, site]
    times: dict[str, list[float]] = {"cli_panoptic": [], "cli_direct": [], "inproc_panoptic": [], "inproc_direct": []}
    try:
        # warm-up: the first session of a fresh server pays one-off costs on both sides
        _run([*direct_cli, str(work)], env)
        panoptic_in_process(server, site, work / "warm")
        for i in range(args.rounds):
            out = work / f"round-{i}"
            out.mkdir()
            pair = [
                ("cli_panoptic", lambda o=out: _run([*panoptic_cli, str(o / "cli")], env, "cli_panoptic")),
                ("cli_direct", lambda o=out: _run([*direct_cli, str(o)], env, "cli_direct")),
                ("inproc_panoptic", lambda o=out: panoptic_in_process(server, site, o / "inproc")),
                ("inproc_direct", lambda o=out: direct_scenario(server, site, o)),
            ]
            if i % 2:
                pair.reverse()
            for name, call in pair:
                times[name].append(_timed(call))
            print(f"round {i + 1}/{args.rounds}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()))
    finally:
        appium.stop()
        site_server.shutdown()
    med = {k: statistics.median(v) for k, v in times.items()}
    figures = {
        "rounds": args.rounds,
        "median_seconds": {k: round(v, 3) for k, v in med.items()},
        "ratio_end_to_end": round(med["cli_panoptic"] / med["cli_direct"], 3),
        "ratio_in_process": round(med["inproc_panoptic"] / med["inproc_direct"], 3),
        "median_client_cpu_seconds": {k: round(statistics.median(v), 3) for k, v in CPU.items()},
        "target_ratio": TARGET_RATIO,
        "load_average": os.getloadavg()[0],
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    ok = figures["ratio_end_to_end"] <= TARGET_RATIO and figures["ratio_in_process"] <= TARGET_RATIO
    print("within target" if ok else f"OVER TARGET ({TARGET_RATIO}x)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
