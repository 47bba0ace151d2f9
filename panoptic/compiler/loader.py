"""Find `.pan` files, parse them (through a content-hash cache) and follow `use`.

`use std.NAME` loads `stdlib/NAME.pan` shipped inside the package;
`use "./file.pan"` loads a file relative to the using file. Each module is
parsed once, however many files use it.
"""

from __future__ import annotations

import pickle
from dataclasses import field
from pathlib import Path

from panoptic.compiler.checkcache import blake2b, cache_dir, code_salt, store_pickle
from panoptic.compiler.files import (
    collect_files,
    display_path,
    not_a_source,
    resolved,
    stdlib_dir,
    stdlib_modules,
)
from panoptic.diagnostics import Diagnostic, Severity, diagnostic
from panoptic.frozen import record
from panoptic.source import Source
from panoptic.syntax import ast

__all__ = [
    "LoadedModule",
    "Loader",
    "ParseCache",
    "collect_files",
    "default_cache",
    "display_path",
    "stdlib_dir",
    "stdlib_modules",
]


@record
class LoadedModule:
    key: str  # "std.web" or the display path
    path: str  # display path used in spans
    source: Source
    module: ast.Module
    is_input: bool
    uses: list[tuple[ast.Use, str]] = field(default_factory=list)  # (use decl, key of the used module)
    broken: bool = False  # the parser reported an error: some of the text is not in `module`


class ParseCache:
    """Parsed modules keyed by a hash of the text, the grammar and the version (warm runs skip parsing)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._salt = code_salt().encode() if directory is not None else b""

    def _file(self, source: Source) -> Path | None:
        if self.directory is None:
            return None
        digest = blake2b(self._salt + source.path.encode() + b"\0" + source.text.encode(), digest_size=16)
        return self.directory / f"{digest.hexdigest()}.ast"

    def get(self, source: Source) -> tuple[ast.Module, list[Diagnostic]] | None:
        file = self._file(source)
        if file is None:
            return None
        try:
            with open(file, "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
            return None

    def put(self, source: Source, result: tuple[ast.Module, list[Diagnostic]]) -> None:
        file = self._file(source)
        if file is not None:
            store_pickle(file, result)


def default_cache() -> ParseCache:
    return ParseCache(cache_dir())


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file; a pipe or device (which could block forever) is refused before reading."""
    import errno
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file")
        return fh.read()


class Loader:
    """Loads input files and the modules they use, reporting I/O, syntax and import problems."""

    def __init__(self, cache: ParseCache | None = None, overlays: dict[str, str] | None = None) -> None:
        self.cache = cache or ParseCache(None)
        self.overlays = overlays or {}  # unsaved editor buffers: path -> text
        self.modules: dict[str, LoadedModule] = {}
        self.diagnostics: list[Diagnostic] = []
        self.sources: dict[str, Source] = {}

    def _read(self, path: Path, display: str) -> Source | None:
        resolved = str(path.resolve())
        if resolved in self.overlays:
            return Source(display, self.overlays[resolved])
        try:
            text = _read_regular(path).decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            reason = "it is not valid UTF-8" if isinstance(exc, UnicodeDecodeError) else exc.strerror or str(exc)
            self.diagnostics.append(diagnostic("PAN001", f"cannot read {display}: {reason}", None))
            return None
        return Source(display, text)

    def _parse(self, source: Source) -> tuple[ast.Module, list[Diagnostic]]:
        cached = self.cache.get(source)
        if cached is not None:
            return cached
        from panoptic.syntax.parser import parse_source  # Lark is imported only when a file is parsed

        result = parse_source(source)
        self.cache.put(source, result)
        return result

    def load_source(self, key: str, source: Source, is_input: bool) -> LoadedModule:
        module, diags = self._parse(source)
        self.diagnostics.extend(diags)
        self.sources[source.path] = source
        broken = any(d.severity is Severity.ERROR for d in diags)
        loaded = LoadedModule(key, source.path, source, module, is_input, broken=broken)
        self.modules[key] = loaded
        return loaded

    def load_inputs(self, files: list[Path]) -> list[LoadedModule]:
        inputs = []
        for file in files:
            display = display_path(file)
            key = display
            if key in self.modules:
                self.modules[key].is_input = True
                inputs.append(self.modules[key])
                continue
            source = self._read(file, display)
            if source is None:
                continue
            inputs.append(self.load_source(key, source, True))
        for loaded in list(inputs):
            self._follow_uses(loaded)
        self._report_cycles()
        return inputs

    def load_text(self, path: str, text: str) -> LoadedModule:
        """Load an in-memory file as the only input, with the modules it uses."""
        loaded = self.load_source(path, Source(path, text), True)
        self._follow_uses(loaded)
        self._report_cycles()
        return loaded

    def _follow_uses(self, first: LoadedModule) -> None:
        """Load what `first` uses, depth first, with an explicit stack: chains of any length load."""
        first.uses = []
        stack = [(first, iter(first.module.decls))]
        while stack:
            loaded, decls = stack[-1]
            decl = next(decls, None)
            if decl is None:
                stack.pop()
                continue
            if not isinstance(decl, ast.Use):
                continue
            resolved = self._resolve_use(loaded, decl)
            if resolved is None:
                continue
            key, path = resolved
            loaded.uses.append((decl, key))
            if key not in self.modules:
                source = self._read(path, key if key.startswith("std.") else display_path(path))
                if source is None:
                    continue
                child = self.load_source(key, source, False)
                child.uses = []
                stack.append((child, iter(child.module.decls)))

    def _report_cycles(self) -> None:
        """Depth-first search over `use` edges; each back edge is a cycle, reported at its `use`."""
        state: dict[str, int] = {}  # 1 visiting, 2 done
        for root in list(self.modules):
            if root in state:
                continue
            state[root] = 1
            stack: list[str] = [root]
            edges = [iter(self.modules[root].uses)]
            while edges:
                step = next(edges[-1], None)
                if step is None:
                    edges.pop()
                    state[stack.pop()] = 2
                    continue
                decl, child = step
                if child not in self.modules:
                    continue
                if state.get(child) == 1:
                    cycle = " -> ".join([*stack[stack.index(child) :], child])
                    self.diagnostics.append(
                        diagnostic(
                            "PAN210",
                            f"import cycle: {cycle}",
                            decl.span,
                            help="move what both modules need into a third module that both can use",
                        )
                    )
                elif child not in state:
                    state[child] = 1
                    stack.append(child)
                    edges.append(iter(self.modules[child].uses))

    def _resolve_use(self, loaded: LoadedModule, decl: ast.Use) -> tuple[str, Path] | None:
        if decl.is_path:
            base = Path(loaded.path).parent if not loaded.key.startswith("std.") else stdlib_dir()
            path = resolved(base / decl.module)
            problem = not_a_source(path, need_suffix=True)
            if problem is not None:
                self.diagnostics.append(
                    diagnostic(
                        "PAN209",
                        f"cannot use {decl.module}: {problem}",
                        decl.span,
                        help='`use` loads another .pan file of the project, e.g. `use "./common.pan"`',
                    )
                )
                return None
            if not path.is_file():
                self.diagnostics.append(
                    diagnostic(
                        "PAN209",
                        f"cannot find module file {decl.module}",
                        decl.span,
                        help=f"looked for {display_path(path)}; paths are relative to this file",
                    )
                )
                return None
            return display_path(path), path
        parts = decl.module.split(".")
        if parts[0] != "std" or len(parts) != 2:
            self.diagnostics.append(
                diagnostic(
                    "PAN209",
                    f"unknown module `{decl.module}`",
                    decl.span,
                    help='use `std.NAME` for the standard library or `use "./file.pan"` for a project file',
                )
            )
            return None
        path = stdlib_dir() / f"{parts[1]}.pan"
        if not path.is_file():
            from difflib import get_close_matches

            close = get_close_matches(parts[1], stdlib_modules(), n=1)
            self.diagnostics.append(
                diagnostic(
                    "PAN209",
                    f"no standard module `{decl.module}`",
                    decl.span,
                    help=(f"did you mean `std.{close[0]}`?" if close else "available: ")
                    + ("" if close else ", ".join(f"std.{m}" for m in stdlib_modules())),
                )
            )
            return None
        return decl.module, path
