"""The spellings of a secret value, for masking it wherever it may be written.

A browser or an app rarely writes a secret only as it was typed: a URL holds
it percent-encoded (`P%40ss%20w%2Frd`), a form body form-encoded (`+` for a
space), JSON escaped (`\\"`, `\\u00e9`), HTML escaped (`&quot;`), and an
`Authorization: Basic` header or a data URL base64-encoded. `secret_regex()`
builds one regular expression per run that matches each secret in any mix of
these spellings, character by character (upper- or lower-case hex), plus its
base64 forms at every byte alignment (standard and URL-safe alphabets), so
that masking hides all of them.
"""

from __future__ import annotations

import base64
import functools
import html
import re
from collections.abc import Iterable

MIN_BASE64_CHARS = 6  # shorter base64 fragments would match ordinary words


def _hex_forms(char: str, prefix: str) -> str:
    return "".join(
        re.escape(prefix) + "".join(f"[{d.upper()}{d.lower()}]" if d.isalpha() else d for d in f"{b:02X}")
        for b in char.encode("utf-8")
    )


def _char_forms(char: str) -> list[str]:
    forms = [re.escape(char), _hex_forms(char, "%")]  # as is; percent-encoded (UTF-8 bytes)
    if char == " ":
        forms.append(r"\+")  # form encoding
    code = ord(char)
    if code <= 0xFFFF:
        forms.append(r"\\u" + "".join(f"[{d.upper()}{d.lower()}]" if d.isalpha() else d for d in f"{code:04x}"))
    else:  # JSON writes a surrogate pair
        hi, lo = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.append("".join(r"\\u" + f"(?i:{u:04x})" for u in (hi, lo)))
    json_short = {'"': r'\\"', "\\": r"\\\\", "/": r"\\/", "\n": r"\\n", "\t": r"\\t", "\r": r"\\r"}
    if char in json_short:
        forms.append(json_short[char])
    escaped = html.escape(char, quote=True)
    if escaped != char:
        forms.extend([re.escape(escaped), f"&#{code};", f"&#[xX]0*(?i:{code:x});"])
    return forms


def _base64_fragments(secret: str) -> list[str]:
    """The base64 characters that depend only on the secret's bytes, at each of the 3 byte alignments."""
    data = secret.encode("utf-8")
    out: list[str] = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + data + b"\0\0").decode()
        first = -(-8 * offset // 6)  # first character whose 6 bits all lie in the secret
        last = (8 * (offset + len(data))) // 6  # one past the last such character
        piece = encoded[first:last]
        if len(piece) >= MIN_BASE64_CHARS:
            out.append(piece)
            out.append(piece.replace("+", "-").replace("/", "_"))
    return out


def secret_pattern(secret: str) -> str:
    """A regular expression matching `secret` in any mix of its spellings (see the module docstring)."""
    spelled = "".join("(?:" + "|".join(_char_forms(c)) + ")" for c in secret)
    alternatives = [spelled] + [re.escape(f) for f in dict.fromkeys(_base64_fragments(secret))]
    return "|".join(alternatives)


def secret_regex(secrets: Iterable[str], *, minimum: int = 1) -> re.Pattern[str] | None:
    """One pattern for all `secrets` at least `minimum` characters long, longest first; None when there are none."""
    chosen = tuple(sorted({s for s in secrets if s and len(s) >= minimum}, key=lambda s: (-len(s), s)))
    return _compiled(chosen) if chosen else None


@functools.lru_cache(maxsize=64)
def _compiled(secrets: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{secret_pattern(s)})" for s in secrets))


def secret_regex_bytes(secrets: Iterable[str], *, minimum: int = 1) -> re.Pattern[bytes] | None:
    """`secret_regex` for raw bytes (UTF-8 text in files)."""
    found = secret_regex(secrets, minimum=minimum)
    return None if found is None else re.compile(found.pattern.encode("utf-8"))
