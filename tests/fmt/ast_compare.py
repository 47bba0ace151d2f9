"""Compare syntax trees with positions left out: what `panoptic fmt` must never change."""

from __future__ import annotations

import dataclasses

from panoptic.source import Span
from panoptic.syntax import ast


def strip_positions(node):
    """The tree as plain data: every Span dropped, comments reduced to their text (trailing blanks aside)."""
    if isinstance(node, Span):
        return None
    if isinstance(node, ast.Module):
        return {
            "node": "Module",
            "path": node.path,
            "decls": strip_positions(node.decls),
            "comments": [c.text.rstrip() for c in node.comments],
        }
    if dataclasses.is_dataclass(node):
        data: dict[str, object] = {"node": type(node).__name__}
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            if isinstance(value, Span) or (value is None and field.name.endswith("span")):
                continue
            data[field.name] = strip_positions(value)
        return data
    if isinstance(node, (list, tuple)):
        return [strip_positions(x) for x in node]
    return node
