"""Masking secret values out of everything the interpreter emits.

`Masker.event()` walks an event (failures, artifacts, chains, nested tuples)
and replaces each secret value inside every string by `MASK`, longest secret
first so that a secret containing another is hidden whole. The encoded forms
a browser or an app writes are masked too: percent- and form-encoded, JSON-
and HTML-escaped, and base64 (`panoptic.contract.secrets`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any, TypeVar

from panoptic.contract.secrets import secret_regex
from panoptic.runtime.events import Frame
from panoptic.source import Span

MASK = "••••••"

T = TypeVar("T")


class Masker:
    """Replaces the known secret values in strings and in (nested) event data."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self._regex: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        if secret and secret not in self._secrets:
            self._secrets.append(secret)
            self._secrets.sort(key=len, reverse=True)
            self._regex = secret_regex(self._secrets)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(self._secrets)

    def text(self, value: str) -> str:
        """`value` with every secret, in any of its spellings, replaced by the mask."""
        if self._regex is None or not value:
            return value
        return self._regex.sub(MASK, value)

    def apply(self, value: T) -> T:
        """A copy of `value` (str, tuple, list, dict, frozen dataclass) with every string masked."""
        if not self._secrets:
            return value
        return self._walk(value)

    def _walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, (Span, Frame, int, float)) or value is None:
            return value  # source locations and numbers hold no run-time values
        if isinstance(value, tuple):
            return tuple(self._walk(v) for v in value)
        if isinstance(value, list):
            return [self._walk(v) for v in value]
        if isinstance(value, dict):
            return {k: self._walk(v) for k, v in value.items()}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {}
            for f in dataclasses.fields(value):
                if not f.init:
                    continue
                old = getattr(value, f.name)
                new = self._walk(old)
                if new is not old and new != old:
                    changes[f.name] = new
            return dataclasses.replace(value, **changes) if changes else value
        return value
