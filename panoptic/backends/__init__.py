"""Platforms and their backends, registered through the `panoptic.platforms` entry point group."""

from __future__ import annotations

from functools import lru_cache

from panoptic.backends.base import PlatformSpec


@lru_cache(maxsize=2)
def platforms(*, plugins: bool = True) -> dict[str, PlatformSpec]:
    """Every known platform spec by name.

    The built-in platforms come through the `panoptic.platforms` entry points of Panoptic's own distribution
    (reading one file); `plugins=True` also scans every installed distribution for third-party platforms.
    """
    from importlib import metadata

    if plugins:
        eps = list(metadata.entry_points(group="panoptic.platforms"))
    else:
        try:
            eps = [ep for ep in metadata.distribution("panoptic").entry_points if ep.group == "panoptic.platforms"]
        except metadata.PackageNotFoundError:
            eps = []
    found: dict[str, PlatformSpec] = {}
    for ep in eps:
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
