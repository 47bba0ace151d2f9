"""Every backend dispatches actions the same way: one table from capability to method, covering its spec."""

from __future__ import annotations

import pytest

from panoptic.contract.platform import load_backend_class, platforms


def _actions(name: str) -> set[str]:
    backend = load_backend_class(platforms()[name])
    table = set(backend._ACTIONS)  # type: ignore[attr-defined]
    if name == "web":
        from panoptic.backends.web import extended

        table |= set(extended.ACTIONS)
        # `in frame` is one capability for the check; the backend acts on entering and leaving the block
        if {"frame.enter", "frame.exit"} <= table:
            table = (table - {"frame.enter", "frame.exit"}) | {"frame"}
    return table


@pytest.mark.parametrize("name", ["web", "desktop", "mobile"])
def test_the_action_table_is_the_specs_actions(name: str) -> None:
    spec = platforms()[name]
    wanted = {c for c in spec.capabilities if not c.startswith("query.")}
    assert _actions(name) == wanted
