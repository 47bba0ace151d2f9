"""Where Panoptic keeps its caches: parsed modules, check results, the grammar's LALR tables and the browser
versions a report names.

It sits below every layer: the parser stores the grammar's tables there, the compiler's caches
(`panoptic.compiler.checkcache`) and the machine facts (`panoptic.environment`) share the folder.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path | None:
    """The cache folder (`PANOPTIC_CACHE_DIR`, else under `XDG_CACHE_HOME` or ~/.cache); None with `PANOPTIC_NO_CACHE`."""
    if os.environ.get("PANOPTIC_NO_CACHE"):
        return None
    base = os.environ.get("PANOPTIC_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "panoptic", "ast"
    )
    return Path(base)
