"""Generate the check benchmark's two equivalent suites: Panoptic (.pan) and Robot Framework (.robot).

Both describe the same web shop tests: FILES files of PER_FILE scenarios (test
cases) of STEPS steps (keyword calls) each, sharing flows (user keywords)
from a common module (`use "./common.pan"` / `Resource  common.resource`),
the standard library (`use std.web` / a Python keyword library), and one flow
of their own per file. Step i of a Panoptic scenario and step i of the Robot
test case do the same thing.

    python benchmarks/gen_suite.py OUT [--files 20] [--per-file 25]

writes OUT/pan/*.pan and OUT/robot/*.robot (+ common.resource, ShopLibrary.py)
and prints the line counts. The .pan side is written in `panoptic fmt` style;
the benchmark checks it is format-clean and error-free before timing.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

FILES = 20
PER_FILE = 25
STEPS = 18

PAN_COMMON = """\
# The shop under test and the flows every suite file shares.
app shop: web {
    url: env("SHOP_URL", "http://127.0.0.1:8000")
    viewport: 1280x720
    timeout: 10s
}

let user = env("SHOP_USER", "alice")
secret password = env("SHOP_PASSWORD", "s3cret!")

flow login(name, pw) {
    open "/login"
    fill "#username" with name
    fill label "Password" with pw
    click role button "Sign in"
    expect text "Welcome, ${name}" visible
}

flow add_to_cart(product) {
    click testid "add-${product}"
    expect testid "cart-item-${product}" visible within 5s
}
"""

ROBOT_COMMON = """\
*** Settings ***
Documentation       The shop under test and the keywords every suite file shares.
Library             ShopLibrary.py


*** Variables ***
${SHOP_URL}         http://127.0.0.1:8000
${USER}             alice
${PASSWORD}         s3cret!


*** Keywords ***
Login
    [Documentation]    Sign in through the login form.
    [Arguments]    ${name}    ${pw}
    Open Page    /login
    Fill    css:#username    ${name}
    Fill    label:Password    ${pw}
    Click    role:button[name='Sign in']
    Expect Visible    text:Welcome, ${name}

Add To Cart
    [Documentation]    Add a product and wait for it in the cart.
    [Arguments]    ${product}
    Click    testid:add-${product}
    Expect Visible    testid:cart-item-${product}    timeout=5s

Search For
    [Documentation]    Type a query into a field and submit it with Enter.
    [Arguments]    ${field}    ${query}
    Fill    ${field}    ${query}
    Press    ${field}    Enter

Accept Cookies
    [Documentation]    Click the consent button when a banner shows one.
    [Arguments]    ${button_text}
    ${shown}=    Is Visible    role:button[name='${button_text}']
    IF    ${shown}
        Click    role:button[name='${button_text}']
        Expect Hidden    role:button[name='${button_text}']
    END
"""

ROBOT_LIBRARY = '''\
"""Keywords of the Robot side of the check benchmark (the dry run only checks that they exist and their arguments)."""


class ShopLibrary:
    ROBOT_LIBRARY_SCOPE = "GLOBAL"

    def open_page(self, path):
        raise NotImplementedError(path)

    def click(self, locator):
        raise NotImplementedError(locator)

    def fill(self, locator, text):
        raise NotImplementedError(locator)

    def press(self, locator, key):
        raise NotImplementedError(locator)

    def select_option(self, locator, value):
        raise NotImplementedError(locator)

    def check(self, locator):
        raise NotImplementedError(locator)

    def hover(self, locator):
        raise NotImplementedError(locator)

    def expect_text(self, locator, text, timeout=None):
        raise NotImplementedError(locator)

    def expect_visible(self, locator, timeout=None):
        raise NotImplementedError(locator)

    def expect_hidden(self, locator, timeout=None):
        raise NotImplementedError(locator)

    def is_visible(self, locator):
        raise NotImplementedError(locator)

    def title_should_contain(self, text):
        raise NotImplementedError(text)

    def url_should_contain(self, text):
        raise NotImplementedError(text)

    def take_screenshot(self, name):
        raise NotImplementedError(name)
'''


@dataclass(frozen=True)
class Step:
    pan: str
    robot: str


def _steps(f: int, i: int) -> list[Step]:
    """The 18 steps of scenario i of file f, in both languages (a few vary with i)."""
    n = i % 5 + 1
    product = f"item-{f}-{i}"
    first = (
        Step("login(user, password)", "Login    ${USER}    ${PASSWORD}")
        if i % 3
        else Step('accept_cookies("Accept")', "Accept Cookies    Accept")
    )
    middle = (
        Step(f'add_to_cart("{product}")', f"Add To Cart    {product}")
        if i % 2
        else Step(f'ship_to_{f}("{i} Main Street", "Springfield")', f"Ship To {f}    {i} Main Street    Springfield")
    )
    return [
        first,
        Step(f'open "/products/{i}"', f"Open Page    /products/{i}"),
        Step('expect title contains "Products"', "Title Should Contain    Products"),
        Step(f'search_for("#search", "item {i}")', f"Search For    css:#search    item {i}"),
        Step(f'click text "Item {i}"', f"Click    text:Item {i}"),
        Step(f'let qty = "{n}"', f"VAR    ${{qty}}    {n}"),
        Step('fill "#qty" with qty', "Fill    css:#qty    ${qty}"),
        Step(f'select "{"SML"[i % 3]}" in "#size"', f"Select Option    css:#size    {'SML'[i % 3]}"),
        middle,
        Step('expect "#cart-count" has text qty within 5s', "Expect Text    css:#cart-count    ${qty}    timeout=5s"),
        Step('hover "#menu"', "Hover    css:#menu"),
        Step('click role button "Checkout"', "Click    role:button[name='Checkout']"),
        Step(f'fill label "Email" with "user{i}@example.com"', f"Fill    label:Email    user{i}@example.com"),
        Step('check "#terms"', "Check    css:#terms"),
        Step('press "Enter" on "#email"', "Press    css:#email    Enter"),
        Step(f'expect url contains "/done/{i}"', f"Url Should Contain    /done/{i}"),
        Step(
            'expect testid "order-status" has text "Order placed"', "Expect Text    testid:order-status    Order placed"
        ),
        Step(f'screenshot "order-{f}-{i}"', f"Take Screenshot    order-{f}-{i}"),
    ]


def pan_file(f: int, per_file: int) -> str:
    lines = [
        f"# Shop suite {f}: checkout scenarios.",
        'use "./common.pan"',
        "use std.web",
        "",
        f"flow ship_to_{f}(street, city) {{",
        '    fill label "Street" with street',
        '    fill label "City" with city',
        '    click role button "Ship here"',
        '    expect "#shipping" contains city',
        "}",
    ]
    for k in range(per_file):
        i = f * per_file + k
        lines.append("")
        lines.append(f'scenario "checkout {i}" on shop tags smoke, shard{i % 4} {{')
        lines.extend("    " + s.pan for s in _steps(f, i))
        lines.append("}")
    return "\n".join(lines) + "\n"


def robot_file(f: int, per_file: int) -> str:
    lines = [
        "*** Settings ***",
        f"Documentation       Shop suite {f}: checkout test cases.",
        "Resource            common.resource",
        "Test Tags           smoke",
        "",
        "",
        "*** Test Cases ***",
    ]
    for k in range(per_file):
        i = f * per_file + k
        lines.append(f"Checkout {i}")
        lines.append(f"    [Tags]    shard{i % 4}")
        lines.extend("    " + s.robot for s in _steps(f, i))
        lines.append("")
    lines += [
        "",
        "*** Keywords ***",
        f"Ship To {f}",
        "    [Documentation]    Fill in a shipping address.",
        "    [Arguments]    ${street}    ${city}",
        "    Fill    label:Street    ${street}",
        "    Fill    label:City    ${city}",
        "    Click    role:button[name='Ship here']",
        "    Expect Text    css:#shipping    ${city}",
    ]
    return "\n".join(lines) + "\n"


def generate(out: Path, files: int = FILES, per_file: int = PER_FILE) -> dict:
    """Write both suites under `out`; return their sizes."""
    pan, robot = out / "pan", out / "robot"
    for folder in (pan, robot):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.is_file():
                old.unlink()
    (pan / "common.pan").write_text(PAN_COMMON, encoding="utf-8")
    (robot / "common.resource").write_text(ROBOT_COMMON, encoding="utf-8")
    (robot / "ShopLibrary.py").write_text(ROBOT_LIBRARY, encoding="utf-8")
    for f in range(files):
        (pan / f"shop_{f:02d}.pan").write_text(pan_file(f, per_file), encoding="utf-8")
        (robot / f"shop_{f:02d}.robot").write_text(robot_file(f, per_file), encoding="utf-8")

    def count(folder: Path, *patterns: str) -> int:
        return sum(len(p.read_text(encoding="utf-8").splitlines()) for pat in patterns for p in folder.glob(pat))

    return {
        "files": files,
        "scenarios": files * per_file,
        "steps_per_scenario": STEPS,
        "pan_lines": count(pan, "*.pan"),
        "robot_lines": count(robot, "*.robot", "*.resource"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--files", type=int, default=FILES)
    ap.add_argument("--per-file", type=int, default=PER_FILE)
    args = ap.parse_args()
    print(json.dumps(generate(args.out, args.files, args.per_file)))


if __name__ == "__main__":
    main()
