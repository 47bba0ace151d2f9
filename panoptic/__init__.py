"""Panoptic: a statically checked language for UI test automation."""

__version__ = "0.1.0"
