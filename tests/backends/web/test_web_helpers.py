"""The web backend's pure helpers: key names, secret scrubbing, file names, did-you-mean ranking, static server."""

from __future__ import annotations

import io
import json
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from panoptic.backends.serve import StaticServer
from panoptic.backends.web.locate import css_string, normalize_key
from panoptic.backends.web.secrets import (
    safe_filename,
    scrub_bytes,
    scrub_text,
    scrub_trace,
    unique_path,
)
from panoptic.backends.web.suggest import Candidate, describe_elements, parse_candidates, quote, rank
from panoptic.contract import ResolvedTarget
from panoptic.contract.errors import ActionFailed, InfrastructureError


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ctrl+a", "Control+a"),
        ("Control+A", "Control+A"),
        ("ctrl+shift+k", "Control+Shift+k"),
        ("cmd+s", "Meta+s"),
        ("alt+F4", "Alt+F4"),
        ("f5", "F5"),
        ("esc", "Escape"),
        ("return", "Enter"),
        ("Enter", "Enter"),
        ("pgdn", "PageDown"),
        ("up", "ArrowUp"),
        ("space", "Space"),
        ("ctrl++", "Control++"),
        ("+", "+"),
        ("a", "a"),
    ],
)
def test_normalize_key(given: str, expected: str) -> None:
    assert normalize_key(given) == expected


def test_empty_key_is_refused() -> None:
    with pytest.raises(ActionFailed, match="empty"):
        normalize_key("  ")


def test_css_string_escapes_quotes() -> None:
    assert css_string('a"b\\c') == '"a\\"b\\\\c"'


def test_playwright_is_not_imported_by_the_backend_module() -> None:
    import subprocess

    code = "import sys, panoptic.backends.web.backend; print('playwright' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False"


SECRET = 'p@ss "w0rd"&<x>'


def test_scrub_text_covers_every_spelling() -> None:
    spellings = [SECRET, json.dumps(SECRET)[1:-1], "p@ss &quot;w0rd&quot;&amp;&lt;x&gt;", quote_plus(SECRET)]
    text = " | ".join(spellings) + " | harmless"
    assert scrub_text(text, [SECRET]) == " | ".join(["***"] * len(spellings)) + " | harmless"


def test_short_secrets_are_masked_in_text_but_not_inside_files() -> None:
    assert scrub_text("pin 42 ok", ["42"]) == "pin *** ok"
    assert scrub_bytes(b"pin 42 ok", ["42"]) == b"pin 42 ok"


def test_scrub_bytes_leaves_images_alone() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"hunter22"
    assert scrub_bytes(png, ["hunter22"]) == png
    assert scrub_bytes(b'{"value":"hunter22"}', ["hunter22"]) == b'{"value":"***"}'


def test_scrub_trace_rewrites_every_text_entry(tmp_path: Path) -> None:
    source = tmp_path / "raw.zip"
    with zipfile.ZipFile(source, "w") as z:
        z.writestr("trace.trace", json.dumps({"method": "fill", "params": {"value": SECRET}}))
        z.writestr("resources/abc", "pw=" + quote_plus(SECRET))
        z.writestr("resources/shot.jpeg", b"\xff\xd8\xff" + SECRET.encode())
    out = tmp_path / "trace.zip"
    scrub_trace(source, out, [SECRET])
    with zipfile.ZipFile(out) as z:
        assert json.loads(z.read("trace.trace"))["params"]["value"] == "***"
        assert z.read("resources/abc") == b"pw=***"
        assert z.read("resources/shot.jpeg").startswith(b"\xff\xd8\xff")
    assert not (tmp_path / "trace.zip.part").exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../x", "x"),
        ("/etc/passwd", "etc-passwd"),
        ("cart / step 1", "cart-step-1"),
        ("..", "screenshot"),
        ("", "screenshot"),
        ("a..b", "a.b"),
        ("ünïcode name", "ünïcode-name"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_drops_secrets() -> None:
    assert safe_filename("login-hunter22", ["hunter22"]) == "login-secret"


def test_unique_path(tmp_path: Path) -> None:
    assert unique_path(tmp_path, "a", ".png").name == "a.png"
    (tmp_path / "a.png").write_bytes(b"")
    (tmp_path / "a-2.png").write_bytes(b"")
    assert unique_path(tmp_path, "a", ".png").name == "a-3.png"


PAGE = [
    Candidate("role", "Sign in", "button"),
    Candidate("text", "Sign in"),
    Candidate("role", "Add to cart", "button"),
    Candidate("label", "Password"),
    Candidate("placeholder", "Search products"),
    Candidate("testid", "cart-count"),
    Candidate("id", "cart-count"),
    Candidate("id", "sign-in"),
    Candidate("text", "hunter22 is your code"),
]


def test_rank_prefers_the_same_kind_and_close_spellings() -> None:
    assert rank(ResolvedTarget("role", "Sing in", role="button"), PAGE)[0] == 'role button "Sign in"'
    assert rank(ResolvedTarget("text", "Add to card"), PAGE)[0] == 'role button "Add to cart"'
    assert rank(ResolvedTarget("label", "Pasword"), PAGE) == ('label "Password"',)
    assert rank(ResolvedTarget("css", "#sign-inn"), PAGE)[0] == '"#sign-in"'
    assert rank(ResolvedTarget("testid", "cart-cont"), PAGE)[:2] == ('testid "cart-count"', '"#cart-count"')
    assert rank(ResolvedTarget("text", "Checkout now"), PAGE) == ()


def test_rank_never_suggests_secrets_or_the_target_itself() -> None:
    assert rank(ResolvedTarget("text", "hunter22 is your cod"), PAGE, exclude=["hunter22"]) == ()
    assert 'text "Sign in"' not in rank(ResolvedTarget("text", "Sign in"), PAGE)


def test_bare_role_lists_elements_of_that_role() -> None:
    assert rank(ResolvedTarget("role", None, role="button"), PAGE) == (
        'role button "Sign in"',
        'role button "Add to cart"',
    )


def test_quote_escapes_for_pan_strings() -> None:
    assert quote('say "hi" ${x}') == '"say \\"hi\\" \\${x}"'


def test_parse_and_describe_tolerate_junk() -> None:
    assert parse_candidates([{"kind": "text", "value": "a"}, {"kind": 1}, "x"]) == [Candidate("text", "a")]
    assert parse_candidates(None) == []
    assert describe_elements(
        [
            {"tag": "button", "text": "One"},
            {"tag": "div", "id": "main"},
            {"tag": "span", "testid": "t"},
            {"tag": "a", "text": "Home"},
            {"tag": "p", "text": "Hello"},
            {"tag": "hr"},
        ]
    ) == ('role button "One"', '"#main"', 'testid "t"', 'role link "Home"', 'text "Hello"', "<hr>")


def test_static_server_serves_the_folder_on_loopback_and_stops(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<h1>hello</h1>", encoding="utf-8")
    server = StaticServer(tmp_path)
    url = server.start()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/")
    port = server.port
    with urllib.request.urlopen(url + "index.html", timeout=5) as response:
        assert response.read() == b"<h1>hello</h1>"
        assert response.headers["Cache-Control"] == "no-store"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url + "missing.html", timeout=5)
    assert err.value.code == 404
    err.value.close()
    server.stop()
    server.stop()  # twice is fine
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=2)


def test_static_server_is_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    server = StaticServer(tmp_path)
    url = server.start()
    try:
        with urllib.request.urlopen(url + "a.txt", timeout=5) as response:
            io.BytesIO(response.read())
    finally:
        server.stop()
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_static_server_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InfrastructureError, match="does not exist"):
        StaticServer(tmp_path / "nope").start()
