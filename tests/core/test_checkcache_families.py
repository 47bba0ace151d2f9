"""The check cache is invalidated when a statement family's checking code changes, not only the compiler's."""

from __future__ import annotations

import os
from pathlib import Path

from panoptic.compiler import checkcache


def test_the_code_salt_follows_family_and_platform_modules(tmp_path: Path, monkeypatch) -> None:
    before = checkcache.code_salt()
    root = Path(checkcache.__file__).resolve().parent.parent
    for module in (root / "families" / "cloud" / "checks.py", root / "backends" / "web" / "spec.py"):
        stat = module.stat()
        try:
            os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
            assert checkcache.code_salt() != before, module
        finally:
            os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert checkcache.code_salt() == before
