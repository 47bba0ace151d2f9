"""Platforms and their backends, registered through the `panoptic.platforms` entry point group."""

from __future__ import annotations

from functools import lru_cache

from panoptic.backends.base import PlatformSpec


@lru_cache(maxsize=2)
def platforms(*, plugins: bool = True) -> dict[str, PlatformSpec]:
    """Every known platform spec by name.

    `plugins=False` gives the built-in platforms, the ones Panoptic's own `panoptic.platforms` entry points
    name (read straight from `specs`: `check` then needs no `importlib.metadata`); `plugins=True` also scans
    every installed distribution for third-party platforms.
    """
    from panoptic.backends import specs

    built_in = (specs.WEB, specs.DESKTOP, specs.MOBILE)
    if not plugins:
        return {spec.name: spec for spec in built_in}
    from importlib import metadata

    found: dict[str, PlatformSpec] = {}
    for ep in metadata.entry_points(group="panoptic.platforms"):
        try:
            spec = ep.load()
        except Exception:  # a broken plugin must not break `check`
            continue
        if isinstance(spec, PlatformSpec):
            found[spec.name] = spec
    for spec in built_in:  # running from a source tree without installing
        found.setdefault(spec.name, spec)
    return found


def load_backend_class(spec: PlatformSpec) -> type:
    """Import the class that drives a platform (heavy: only `panoptic run` calls this)."""
    import importlib

    module_name, _, attr = spec.backend.partition(":")
    return getattr(importlib.import_module(module_name), attr)
