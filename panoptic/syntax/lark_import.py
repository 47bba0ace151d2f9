"""Lark, imported without the optional `regex` package: import this module before anything from `lark`.

Lark imports `regex` whenever it is installed, for grammars with Unicode
categories (`\\p{…}`) or built with `Lark(regex=True)`. Panoptic's grammar uses
neither, and the import costs about 64M instructions, a tenth of a cold
`panoptic check` of a small file. `regex` stays importable for anyone else.
"""

from __future__ import annotations

import sys

if "lark" not in sys.modules and "regex" not in sys.modules:
    sys.modules["regex"] = None  # type: ignore[assignment]  # `import regex` raises ImportError meanwhile
    try:
        import lark  # noqa: F401
    finally:
        if "regex" in sys.modules and sys.modules["regex"] is None:
            del sys.modules["regex"]
