"""Finding `.pan` files and the standard library (no parser imports: the warm check path uses this)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from panoptic.diagnostics import Diagnostic, diagnostic

SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tools", "panoptic-results"}


def stdlib_dir() -> Path:
    packaged = Path(__file__).resolve().parent.parent / "_data" / "stdlib"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "stdlib"


def stdlib_modules() -> list[str]:
    return sorted(p.stem for p in stdlib_dir().glob("*.pan"))


def resolved(path: Path) -> Path:
    """The absolute path with links resolved; a path no file system can hold (a NUL byte) stays as written.

    Such a path never exists, so the caller reports a missing file instead of crashing.
    """
    try:
        return Path(path).resolve()
    except (ValueError, OSError):
        return Path(path).absolute()


def display_path(path: Path) -> str:
    """A path relative to the working folder when it is below it, else absolute."""
    resolved_path = resolved(path)
    try:
        return str(resolved_path.relative_to(Path.cwd()))
    except ValueError:
        return str(resolved_path)


_SPECIAL_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))


def not_a_source(path: Path, *, need_suffix: bool = False) -> str | None:
    """Why `path` cannot be read as a `.pan` source (never reading it), or None.

    FIFOs (which block the reader forever), devices, sockets and the kernel's files under /proc, /sys and
    /dev (whose content, such as /proc/self/environ, must never be quoted in a diagnostic) are refused.
    """
    real = resolved(path)
    if any(real == root or root in real.parents for root in _SPECIAL_ROOTS):
        return "it is a system file (under /proc, /sys or /dev), not a .pan file"
    try:
        mode = os.stat(real).st_mode
    except (OSError, ValueError):
        return None  # missing: the caller says so
    if not stat.S_ISREG(mode):
        return "it is not a regular file but a pipe, device or socket"
    if need_suffix and real.suffix != ".pan":
        return "it is not a .pan file"
    return None


def collect_files(paths: list[str]) -> tuple[list[Path], list[Diagnostic]]:
    """Expand files and folders into `.pan` files, in a stable order."""
    files: list[Path] = []
    diags: list[Diagnostic] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                found.extend(Path(root) / n for n in sorted(names) if n.endswith(".pan"))
            for file in found:
                problem = not_a_source(file)
                if problem is None:
                    files.append(file)
                else:
                    diags.append(
                        diagnostic("PAN001", f"cannot read {file}: {problem}", None, help="remove it or rename it")
                    )
        elif os.path.lexists(path) and not_a_source(path) is not None:
            diags.append(diagnostic("PAN001", f"cannot read {raw}: {not_a_source(path)}", None, help="pass .pan files"))
        elif path.is_file():
            files.append(path)
        else:
            diags.append(diagnostic("PAN001", f"no such file or folder: {raw}", None))
    unique: list[Path] = []
    seen: set[Path] = set()
    for f in files:
        resolved = f.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(f)
    return unique, diags


def real_module_path(key: str, display: str) -> str:
    """The file on disk behind a module key (`std.web` or a display path)."""
    if key.startswith("std."):
        return str(stdlib_dir() / f"{key[4:]}.pan")
    return str(Path(display).resolve())


def source_lookup(sources: dict):
    """A diagnostics source lookup that also finds `std.NAME` modules and files on disk."""
    from panoptic.diagnostics.render import lookup_from

    fallback = lookup_from(sources)

    def lookup(path: str):
        if path.startswith("std.") and path not in sources:
            from panoptic.source import Source

            try:
                return Source(path, Path(real_module_path(path, path)).read_text(encoding="utf-8"))
            except OSError:
                return None
        return fallback(path)

    return lookup
