"""A whole-check result cache for warm runs of `panoptic check`.

The key is a hash of the input files' contents; an entry also records every
module file the check read (with its hash) and every file or folder whose
existence a check looked at. A hit needs all of them unchanged, so a warm run
reads and hashes the files and skips parsing and checking entirely. This
module imports nothing heavy (no Lark) so that a hit stays cheap.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from panoptic import __version__
from panoptic.cachedir import cache_dir as cache_dir  # re-exported: the parser keeps its tables there too
from panoptic.diagnostics import Diagnostic
from panoptic.frozen import frozen

try:
    from _blake2 import blake2b  # hashlib's blake2b, without the OpenSSL bindings `import hashlib` loads first
except ImportError:  # a Python built without it
    from hashlib import blake2b

_ENTRY_VERSION = 1


@frozen
class CheckEntry:
    files: list[str]
    diagnostics: list[Diagnostic]
    deps: list[tuple[str, str]]  # (real path, content hash)
    fs_checks: list[tuple[str, str, bool]]


def _hash_bytes(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return _hash_bytes(fh.read())
    except OSError:
        return None


def code_salt() -> str:
    """Changes whenever the grammar or the checking code changes (content of the grammar, mtimes of the code,
    statement families and platform specs included)."""
    root = Path(__file__).resolve().parent.parent
    parts = []
    for candidate in (root / "_data" / "grammar" / "panoptic.lark", root.parent / "grammar" / "panoptic.lark"):
        digest = file_digest(str(candidate))
        if digest:
            parts.append(digest)
            break
    # Every module a check runs: the statement families' definitions and check hooks and the platform specs
    # live in subpackages, so the folders are walked, not just listed.
    for folder in ("compiler", "syntax", "diagnostics", "contract", "families", "backends"):
        for dirpath, dirnames, filenames in os.walk(root / folder):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for name in filenames:
                if name.endswith(".py"):
                    try:
                        parts.append(f"{dirpath}/{name}:{os.stat(os.path.join(dirpath, name)).st_mtime_ns}")
                    except OSError:
                        continue
    parts.append(__version__)
    return blake2b("|".join(sorted(parts)).encode(), digest_size=8).hexdigest()


class CheckCache:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def key(self, files: list[Path], options: str) -> tuple[str, dict[str, str]] | None:
        hashes: dict[str, str] = {}
        h = blake2b(digest_size=16)
        h.update(f"{_ENTRY_VERSION}|{code_salt()}|{options}|{os.getcwd()}".encode())
        for file in files:
            digest = file_digest(str(file))
            if digest is None:
                return None
            hashes[str(file.resolve())] = digest
            h.update(f"{file}\0{digest}\0".encode())
        return h.hexdigest(), hashes

    def load(self, key: str, known: dict[str, str]) -> CheckEntry | None:
        if self.directory is None:
            return None
        try:
            with open(self.directory / f"{key}.check", "rb") as fh:
                entry: CheckEntry = pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
            return None
        for path, digest in entry.deps:
            current = known.get(path) or file_digest(path)
            if current != digest:
                return None
        for path, kind, existed in entry.fs_checks:
            now = (
                os.path.isdir(path)
                if kind == "dir"
                else (os.path.isfile(path) if kind == "file" else os.path.exists(path))
            )
            if now != existed:
                return None
        return entry

    def store(self, key: str, entry: CheckEntry) -> None:
        if self.directory is not None:
            store_pickle(self.directory / f"{key}.check", entry)


def store_pickle(target: Path, value: object) -> None:
    """Write a cache file atomically (a reader never sees half of it); a cache that cannot be written is skipped."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except OSError:
        pass
