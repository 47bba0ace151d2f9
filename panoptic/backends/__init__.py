"""Platforms and their backends, registered through the `panoptic.platforms` entry point group."""

from __future__ import annotations

from functools import lru_cache

from panoptic.backends.base import PlatformSpec


@lru_cache(maxsize=1)
def platforms() -> dict[str, PlatformSpec]:
    """Every known platform spec by name: the built-in ones and those of installed plugins."""
    from importlib.metadata import entry_points

    found: dict[str, PlatformSpec] = {}
    for ep in entry_points(group="panoptic.platforms"):
        try:
            spec = ep.load()
        except Exception:  # a broken plugin must not break `check`
            continue
        if isinstance(spec, PlatformSpec):
            found[spec.name] = spec
    if not {"web", "desktop", "mobile"} <= found.keys():  # running from a source tree without installing
        from panoptic.backends import specs

        for spec in (specs.WEB, specs.DESKTOP, specs.MOBILE):
            found.setdefault(spec.name, spec)
    return found


def load_backend_class(spec: PlatformSpec) -> type:
    """Import the class that drives a platform (heavy: only `panoptic run` calls this)."""
    import importlib

    module_name, _, attr = spec.backend.partition(":")
    return getattr(importlib.import_module(module_name), attr)
