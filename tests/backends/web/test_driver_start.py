"""Playwright's driver starts apart from the terminal's process group and with Node's compile cache."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from panoptic.backends.web.driver_start import COMPILE_CACHE_ENV, driver_env, driver_start


def test_the_driver_gets_nodes_compile_cache_in_panoptics_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PANOPTIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PANOPTIC_NO_CACHE", raising=False)
    env = driver_env({"PATH": "/bin"})
    assert env == {"PATH": "/bin", COMPILE_CACHE_ENV: str(tmp_path / "cache" / "node-compile-cache")}
    assert driver_env({COMPILE_CACHE_ENV: "/elsewhere"})[COMPILE_CACHE_ENV] == "/elsewhere"  # the user's choice
    monkeypatch.setenv("PANOPTIC_NO_CACHE", "1")
    assert COMPILE_CACHE_ENV not in driver_env({"PATH": "/bin"})


def test_only_what_starts_inside_the_block_is_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    import subprocess

    monkeypatch.setenv("PANOPTIC_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("PANOPTIC_NO_CACHE", raising=False)
    monkeypatch.delenv(COMPILE_CACHE_ENV, raising=False)
    script = f"import os; print(os.getsid(0) == {os.getsid(0)}, os.environ.get('{COMPILE_CACHE_ENV}'))"

    async def child() -> str:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, stdout=subprocess.PIPE, env=dict(os.environ)
        )
        out, _ = await proc.communicate()
        return out.decode().strip()

    with driver_start():
        inside = asyncio.run(child())
    outside = asyncio.run(child())
    assert inside == f"False {tmp_path / 'node-compile-cache'}"
    assert outside == "True None"
