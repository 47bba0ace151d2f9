"""Property tests: no text, however broken, makes the parser, the compiler or the formatter raise.

Inputs are byte soup, text over the language's own characters, truncations
of valid files, shuffles, deletions and duplications of their tokens, and
random edits; on every one the lean LALR loop must build what Lark builds
(or leave the text to Lark). Seeds are every `.pan` file under examples/, stdlib/ and tests/
plus a sample below that uses every kind of declaration. The only outcomes
allowed are diagnostics (and `FormatError` from the formatter, which carries
them); a PAN900 "internal error" diagnostic counts as a failure too, since it
means a bug was caught rather than a mistake reported.

Hypothesis runs derandomized (the same examples every run), 2,100 in all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panoptic.compiler import compile_text
from panoptic.diagnostics import Diagnostic
from panoptic.fmt import FormatError, format_text
from panoptic.syntax.parser import ERROR_MARK, parse_text
from tests.core.test_lean_parser import lean_agrees_with_lark

ROOT = Path(__file__).resolve().parent.parent
MAX_CHARS = 3000  # keeps each example fast: recovery re-parses a file once per error

SAMPLE = """\
# A sample using every kind of declaration.
use std.web
use "./common.pan"

app shop: web {
    url: env("SHOP_URL", "http://127.0.0.1:8000")
    viewport: 1280x720
    timeout: 10s
}

let user = env("SHOP_USER", "alice")
let sizes = ["S", "M", "L"]
let opts = {headless: true, "x-y": [1, 2.5, -3], nested: {a: 500ms}}
secret password = env("SHOP_PASSWORD", "s3cret!")

flow login(name, pw) {
    open "/login"
    fill "#username" with name
    fill label "Password" with pw
    click role button "Sign in"
    expect text "Welcome, ${name}" visible
}

setup {
    open "/"
}

teardown {
    log "done"  # trailing comment
}

scenario "checkout ${user}" on shop tags smoke, "needs db" {
    record video
    login(user, password)
    expect "#cart-count" has text "1" within 5s
    repeat 3 times {
        click "#inc"
    }
    for each size in sizes {
        select size in "#size"
    }
    if visible "#banner" {
        click "#close"
    } else if hidden "#x" {
        log "no x"
    } else {
        fail "no banner"
    }
    retry 3 times {
        click at 120, 340
    }
    let n = 2
    scroll down by 300
    press "Enter" on "#q"
    type "abc \\"quoted\\" $${literal}" into placeholder "Search"
    wait 1.5s
    screenshot "cart"
}
"""

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*|\n|[ \t]+|[A-Za-z_][A-Za-z0-9_\-]*|\d+(?:\.\d+)?[a-z]*|.', re.S)


def _seeds() -> list[str]:
    texts = [SAMPLE]
    for folder in ("examples", "stdlib", "tests"):
        for path in sorted((ROOT / folder).rglob("*.pan")):
            try:
                text = path.read_bytes().decode("utf-8-sig", errors="replace")
            except OSError:
                continue
            texts.append(text[:MAX_CHARS])
    return texts


SEEDS = _seeds()
# U+E000 is the parser's internal error mark; it is left out of the soups until the parser reports it in
# user text (see test_error_mark_character_in_user_text_is_reported, expected to fail until then).
PAN_CHARS = st.sampled_from(list('{}()[],:=."\\$#\n\t -_xyzabs0123456789') + ["\r\n", "${", "é", "\x00", "\ufeff"])
WORDS = st.sampled_from(
    [
        "use", "app", "let", "secret", "flow", "scenario", "on", "tags", "setup", "teardown", "else", "if",
        "repeat", "times", "for", "each", "in", "retry", "click", "fill", "with", "expect", "has", "text", "role",
        "button", "visible", "within", "at", "std.web", "web", "desktop", "mobile", "10s", "1280x720", "-1", '"#a"',
        '"${x}"', "{", "}", "(", ")", "[", "]", ",", ":", "=", "\n", " ",
    ]
)  # fmt: skip


def _check(text: str) -> None:
    """Parse, compile and format `text`; anything but diagnostics (or FormatError) fails the test."""
    module, diags = parse_text(text, "fuzz.pan")
    assert module is not None
    lean_agrees_with_lark(text)
    _no_internal_errors(diags)
    result = compile_text(text, "fuzz.pan")
    assert isinstance(result.diagnostics, list)
    _no_internal_errors(result.diagnostics)
    for d in result.diagnostics:
        assert d.code.startswith("PAN") and d.message
        shown = f"{d.message} {d.help or ''}"  # recovery's own marker never reaches the user
        assert ERROR_MARK not in shown and "``" not in shown.replace("```", "") and "error mark" not in shown, shown
    try:
        formatted = format_text(text, "fuzz.pan")
    except FormatError as exc:
        assert exc.diagnostics, "FormatError without diagnostics"
        return
    again = format_text(formatted, "fuzz.pan")  # formatted text parses cleanly and is stable
    assert again == formatted


def _no_internal_errors(diags: list[Diagnostic]) -> None:
    internal = [d for d in diags if d.code == "PAN900"]
    assert not internal, f"internal error: {internal[0].message}"


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def test_seeds_are_found_and_clean_sample_compiles():
    assert len(SEEDS) > 10
    assert not parse_text(SAMPLE)[1]
    assert format_text(format_text(SAMPLE)) == format_text(SAMPLE)


@fuzz(300)
@given(st.binary(max_size=400))
def test_byte_soup(data: bytes):
    _check(data.decode("utf-8", errors="replace").replace(ERROR_MARK, "?"))


@fuzz(350)
@given(st.lists(st.one_of(PAN_CHARS, WORDS), max_size=120).map("".join))
def test_language_soup(text: str):
    _check(text)


@fuzz(300)
@given(st.sampled_from(SEEDS), st.floats(min_value=0.0, max_value=1.0))
def test_truncations(seed: str, fraction: float):
    _check(seed[: int(len(seed) * fraction)])


@fuzz(450)
@given(st.sampled_from(SEEDS), st.data())
def test_token_edits(seed: str, data):
    """Delete, duplicate, swap and move tokens of a valid file."""
    tokens = _TOKEN.findall(seed)
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        if not tokens:
            break
        i = data.draw(st.integers(0, len(tokens) - 1), label="at")
        op = data.draw(st.sampled_from(["delete", "duplicate", "swap", "move", "replace"]), label="op")
        if op == "delete":
            del tokens[i]
        elif op == "duplicate":
            tokens.insert(i, tokens[i])
        elif op == "swap" and i + 1 < len(tokens):
            tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
        elif op == "move":
            tok = tokens.pop(i)
            tokens.insert(data.draw(st.integers(0, len(tokens)), label="to"), tok)
        elif op == "replace":
            tokens[i] = data.draw(WORDS, label="word")
    _check("".join(tokens))


@fuzz(350)
@given(st.sampled_from(SEEDS), st.data())
def test_token_shuffles(seed: str, data):
    """The tokens of one line or of a whole stretch of lines, shuffled."""
    lines = seed.split("\n")
    start = data.draw(st.integers(0, max(0, len(lines) - 1)), label="line")
    length = data.draw(st.integers(1, 8), label="lines")
    stretch = "\n".join(lines[start : start + length])
    tokens = _TOKEN.findall(stretch)
    shuffled = data.draw(st.permutations(tokens), label="order") if tokens else []
    _check("\n".join([*lines[:start], "".join(shuffled), *lines[start + length :]]))


@fuzz(350)
@given(st.sampled_from(SEEDS), st.data())
def test_character_edits(seed: str, data):
    """Random characters inserted into, and stretches cut out of, a valid file."""
    text = seed
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        pos = data.draw(st.integers(0, len(text)), label="at")
        if data.draw(st.booleans(), label="insert"):
            chars = "".join(data.draw(st.lists(PAN_CHARS, min_size=1, max_size=4), label="chars"))
            text = text[:pos] + chars + text[pos:]
        else:
            text = text[:pos] + text[pos + data.draw(st.integers(1, 40), label="cut") :]
    _check(text)


@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_every_seed_survives_crlf_and_no_final_newline(seed: int):
    text = SEEDS[seed]
    _check(text.replace("\n", "\r\n"))
    _check(text.rstrip("\n"))


@pytest.mark.parametrize(
    "text", ["\ue000", "\ue000 {\n}\n", 'app a: web {\n    url: "http://x"\n}\nscenario "s" on a {\n    \ue000\n}\n']
)
def test_error_mark_character_in_user_text_is_reported(text: str):
    _check(text)
    assert compile_text(text, "fuzz.pan").has_errors, "a file holding U+E000 checks clean"


@pytest.mark.parametrize(
    "text",
    [
        'appshop: web {\n    url: "http://x"\n}\n',
        'app shop: web {\n    url: "http://x"\n}\nletuser = "a"\nscenario "s" on shop {\n    log user\n}\n',
        'app shop: web {\n    url: "http://x"\n}\nscenario "s" onshop {\n    open "/"\n}\n',
        'app shop: web {\n    url: "http://x"\n}\nscenario "s" on shop tagssmoke {\n    open "/"\n}\n',
    ],
)
def test_keyword_glued_to_a_name_is_an_error(text: str):
    assert compile_text(text, "fuzz.pan").has_errors, "a keyword run into the next name was split silently"


# ---- deep nesting and huge numbers: depth limits (PAN218) and size limits (PAN309), never a crash -----------

HEADER = 'app shop: web {\n    url: "http://x"\n}\n'
NESTERS = {
    "repeat": ("repeat 2 times {\n", "}\n"),
    "if": ('if visible "#a" {\n', "}\n"),
    "for": ("for each x in [1] {\n", "}\n"),
    "retry": ("retry 2 times {\n", "}\n"),
}
DEPTHS = st.sampled_from([1, 2, 99, 100, 101, 150, 400, 1000, 3000])


def _check_deep(text: str) -> set[str]:
    """Like `_check`, without the lean-versus-Lark tree comparison (it recurses over the whole tree)."""
    _module, diags = parse_text(text, "fuzz.pan")
    _no_internal_errors(diags)
    result = compile_text(text, "fuzz.pan")
    _no_internal_errors(result.diagnostics)
    try:
        format_text(text, "fuzz.pan")
    except FormatError as exc:
        assert exc.diagnostics, "FormatError without diagnostics"
    return {d.code for d in result.diagnostics}


def _limited(found: set[str], depth: int) -> None:
    """PAN218 well past the limit of 100 levels, none well below it (at the limit the exact level varies)."""
    if depth >= 150:
        assert "PAN218" in found
    elif depth <= 50:
        assert "PAN218" not in found, found


@fuzz(12)
@given(st.lists(st.sampled_from(sorted(NESTERS)), min_size=1, max_size=4), DEPTHS)
def test_deep_blocks(kinds: list[str], depth: int):
    opens = "".join(NESTERS[kinds[i % len(kinds)]][0] for i in range(depth))
    text = HEADER + 'scenario "s" {\n' + opens + 'log "x"\n' + "}\n" * depth + "}\n"
    _limited(_check_deep(text), depth)


@fuzz(12)
@given(DEPTHS, st.sampled_from(["[", "{a: ", "env("]))
def test_deep_values(depth: int, opener: str):
    closer = {"[": "]", "{a: ": "}", "env(": ")"}[opener]
    text = HEADER + "let v = " + opener * depth + "1" + closer * depth + '\nscenario "s" {\n    log v\n}\n'
    _limited(_check_deep(text), depth)


@fuzz(8)
@given(DEPTHS)
def test_else_if_chains(links: int):
    chain = 'if visible "#a" { log "a" }' + ' else if visible "#b" { log "b" }' * links
    _limited(_check_deep(HEADER + 'scenario "s" {\n' + chain + "\n}\n"), links)


@fuzz(8)
@given(DEPTHS)
def test_flow_call_chains(length: int):
    flows = "".join(f"flow f{i}() {{\n    f{i + 1}()\n}}\n" for i in range(length))
    text = HEADER + flows + f'flow f{length}() {{\n    log "x"\n}}\nscenario "s" {{\n    f0()\n}}\n'
    _limited(_check_deep(text), length)


@fuzz(30)
@given(
    st.sampled_from([1, 12, 13, 20, 309, 400, 5000]),
    st.sampled_from(['repeat {} times {{\n log "x"\n}}', "wait {}s", "wait {}.5ms", "scroll down by {}", "let n = {}"]),
)
def test_huge_numbers(digits: int, form: str):
    found = _check_deep(HEADER + 'scenario "s" {\n    ' + form.format("9" * digits) + "\n}\n")
    assert ("PAN309" in found) == (digits > 12), found
