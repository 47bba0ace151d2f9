"""What the report must never show: values of settings whose names say they are secret.

Secret values are masked by the interpreter before events are emitted; this is
the report's own second line: environment entries and command-line options
named like a secret (password, token, api key, …) are shown as a mask, and a
source line that declares a `secret` is never quoted.
"""

from __future__ import annotations

import re

MASK = "••••••"
_SECRET_NAME = re.compile(
    r"pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth|cookie|session", re.I
)
_OPTION = re.compile(r"(--?[\w-]+)(=|\s+)(\"[^\"]*\"|'[^']*'|\S+)")
_SECRET_LINE = re.compile(r"^\s*secret\b")


def is_secret_name(name: str) -> bool:
    """Whether a setting or variable name says its value is secret."""
    return bool(_SECRET_NAME.search(name))


def environment(env: dict[str, str]) -> dict[str, str]:
    """The environment with secret-named values masked."""
    return {k: (MASK if is_secret_name(k) else str(v)) for k, v in env.items()}


def command(line: str) -> str:
    """A command line with the values of secret-named options masked."""

    def repl(m: re.Match[str]) -> str:
        return f"{m.group(1)}{m.group(2)}{MASK}" if is_secret_name(m.group(1)) else m.group(0)

    return _OPTION.sub(repl, line)


def declares_secret(source_line: str) -> bool:
    """Whether a source line is a `secret` declaration (never quoted in a report)."""
    return bool(_SECRET_LINE.match(source_line))
