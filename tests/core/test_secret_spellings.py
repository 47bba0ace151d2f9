"""Masking a secret in the spellings a browser or an app writes it (panoptic.contract.secrets)."""

from __future__ import annotations

import base64
import html
import json
import re
from urllib.parse import quote, quote_plus

import pytest

from panoptic.backends.web.secrets import scrub_bytes, scrub_text
from panoptic.contract.secrets import secret_regex
from panoptic.runtime.masking import MASK, Masker

SECRET = 'P@ss w/rd"é€'


def _forms() -> list[str]:
    raw = SECRET.encode()
    return [
        SECRET,
        quote(SECRET, safe=""),
        quote(SECRET),
        re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), quote(SECRET, safe="")),  # lower-case hex
        quote_plus(SECRET),
        "P@ss%20w/rd%22é%E2%82%AC",  # a mix of plain and encoded characters
        json.dumps(SECRET)[1:-1],
        json.dumps(SECRET, ensure_ascii=False)[1:-1],
        html.escape(SECRET),
        base64.b64encode(raw).decode(),
        base64.b64encode(b"user:" + raw).decode(),  # inside a longer value, another alignment
        base64.b64encode(b"u:" + raw).decode(),
        base64.urlsafe_b64encode(b"x" + raw).decode(),
    ]


@pytest.mark.parametrize("form", _forms())
def test_every_spelling_is_masked(form: str) -> None:
    text = f"before {form} after"
    masked = Masker([SECRET]).text(text)
    assert MASK in masked and masked.startswith("before ") and masked.endswith(" after")
    assert scrub_text(text, [SECRET]) != text
    assert scrub_bytes(text.encode(), [SECRET]) != text.encode()


def test_other_text_is_left_alone() -> None:
    text = "P@ss word, rd, %20, \\u0041, UEBzcw"
    assert Masker([SECRET]).text(text) == text
    assert secret_regex([]) is None and secret_regex(["ab"], minimum=3) is None
