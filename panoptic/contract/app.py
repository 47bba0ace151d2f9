"""The app definition the compiler hands to backends and families."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from panoptic.frozen import freeze, frozen
from panoptic.source import Span


@frozen
class AppDef:
    """An app with its settings resolved to plain values (paths made absolute); `settings` is read-only."""

    name: str
    platform: str
    settings: Mapping[str, Any]
    span: Span

    def __post_init__(self) -> None:
        self.__dict__["settings"] = freeze(self.settings)
