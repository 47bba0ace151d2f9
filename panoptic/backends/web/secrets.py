"""Keeping secret values out of what the web backend writes.

Playwright records `fill()` values in a trace's action log and input values in
its DOM snapshots; a login form's POST body lands in the trace's network
resources. So every trace is rewritten through `scrub_trace` before it is
stored, and page HTML and messages through `scrub_text`. Each secret is
replaced in the spellings it can take in those files: as it is, JSON-escaped,
HTML-escaped, percent- and form-encoded, in any mix, and base64-encoded
(`panoptic.contract.secrets`).

Secrets shorter than `MIN_SECRET_LENGTH` characters are not replaced inside
files (replacing every "a" would destroy the file, and such a value hides
nothing); messages still mask them.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, quote_plus

from panoptic.contract.secrets import secret_regex, secret_regex_bytes

MASK = "***"
MIN_SECRET_LENGTH = 3

_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"RIFF", b"GIF8")


def spellings(secret: str) -> list[str]:
    """The forms a secret can take in trace JSON, HTML, or a form body; longest first."""
    forms = {
        secret,
        json.dumps(secret, ensure_ascii=False)[1:-1],
        json.dumps(secret)[1:-1],
        html.escape(secret, quote=True),
        html.escape(secret, quote=False),
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
    }
    return sorted((f for f in forms if f), key=len, reverse=True)


def _patterns(secrets: Iterable[str], minimum: int) -> list[str]:
    out: list[str] = []
    for secret in secrets:
        if secret and len(secret) >= minimum:
            for form in spellings(secret):
                if form not in out:
                    out.append(form)
    return sorted(out, key=len, reverse=True)


def scrub_text(text: str, secrets: Iterable[str], *, minimum: int = 1) -> str:
    """`text` with every spelling of every secret (any mix of encodings, base64 too) replaced by `***`."""
    pattern = secret_regex(secrets, minimum=minimum)
    if pattern is None or not text:
        return text
    return pattern.sub(MASK, text)


def scrub_bytes(data: bytes, secrets: Iterable[str], *, minimum: int = MIN_SECRET_LENGTH) -> bytes:
    """Like `scrub_text` on raw bytes (UTF-8 spellings); images are left untouched."""
    if data.startswith(_IMAGE_MAGIC):
        return data
    pattern = secret_regex_bytes(secrets, minimum=minimum)
    if pattern is None:
        return data
    return pattern.sub(MASK.encode(), data)


def contains_secret(text: str, secrets: Iterable[str]) -> bool:
    """True when `text` holds any spelling of any non-empty secret."""
    pattern = secret_regex(secrets)
    return pattern is not None and pattern.search(text) is not None


def scrub_trace(source: Path, destination: Path, secrets: Iterable[str]) -> None:
    """Copy a Playwright trace zip from `source` to `destination`, masking secrets in every non-image entry."""
    secrets = tuple(secrets)
    tmp = destination.with_name(destination.name + ".part")
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if not info.is_dir():
                data = scrub_bytes(data, secrets)
            zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    tmp.replace(destination)


_UNSAFE = re.compile(r"[^\w.-]+")


def safe_filename(name: str, secrets: Iterable[str] = (), *, default: str = "screenshot", limit: int = 80) -> str:
    """A file name stem made from a user-given name: no folders, no leading dots, no secrets.

    `"../../x"` becomes `"x"`, `"cart / step 1"` becomes `"cart-step-1"`.
    """
    cleaned = _UNSAFE.sub("-", scrub_text(name, secrets).replace(MASK, "secret"))
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    cleaned = cleaned.strip("-._")[:limit].strip("-._")
    return cleaned or default


def unique_path(folder: Path, stem: str, suffix: str) -> Path:
    """`folder/stem+suffix`, or `stem-2`, `stem-3` … when that file exists already."""
    candidate = folder / f"{stem}{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate
