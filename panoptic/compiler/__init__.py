"""The compiler: load and parse files, check them, lower them to IR.

result = compile_paths(["suite/"])
result.diagnostics   # every finding, sorted by file and position
result.program       # the IR Program, or None when there are errors
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from panoptic.diagnostics import Diagnostic, Severity, diagnostic
from panoptic.frozen import record
from panoptic.source import Source

if TYPE_CHECKING:  # the loader imports the parser (Lark); keep `import panoptic.compiler` cheap
    from panoptic.compiler.ir import Program
    from panoptic.compiler.loader import LoadedModule, ParseCache

_IGNORE = re.compile(r"#\s*pan:\s*ignore(?:\[([A-Z0-9_,\s]+)\])?")


@record
class CompileResult:
    program: Program | None
    diagnostics: list[Diagnostic]
    sources: dict[str, Source] = field(default_factory=dict)
    modules: dict[str, LoadedModule] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    fs_checks: list[tuple[str, str, bool]] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def compile_paths(
    paths: Iterable[str],
    *,
    cache: ParseCache | None = None,
    overlays: dict[str, str] | None = None,
) -> CompileResult:
    """Compile every `.pan` file under the given files and folders into one program."""
    from panoptic.compiler.files import collect_files
    from panoptic.compiler.loader import default_cache

    files, diags = collect_files(list(paths))
    if not files and not diags:
        diags.append(diagnostic("PAN002", "no .pan files found", None, help="pass .pan files or folders holding them"))
    return compile_files(files, cache=cache if cache is not None else default_cache(), overlays=overlays, initial=diags)


def compile_files(
    files: list[Path],
    *,
    cache: ParseCache | None = None,
    overlays: dict[str, str] | None = None,
    initial: list[Diagnostic] | None = None,
    program: bool = True,
) -> CompileResult:
    """Compile files; `program=False` (a check) finds the same diagnostics but builds no program to keep."""
    from panoptic.compiler.loader import Loader

    loader = Loader(cache, overlays)
    return _lower(loader, loader.load_inputs(files), initial or [], program)


def compile_text(text: str, path: str = "<memory>.pan") -> CompileResult:
    """Compile one in-memory file (tests, the language server)."""
    from panoptic.compiler.loader import Loader, ParseCache

    loader = Loader(ParseCache(None))
    return _lower(loader, [loader.load_text(path, text)], [])


def _lower(loader, inputs: list[LoadedModule], initial: list[Diagnostic], keep: bool = True) -> CompileResult:
    """Check and lower loaded modules; the program is dropped when any error was found."""
    from panoptic.compiler.lower import Lowerer

    diags = list(initial) + loader.diagnostics
    program = None
    fs_checks: list[tuple[str, str, bool]] = []
    if inputs:
        lowerer = Lowerer(loader.modules, inputs, keep_steps=keep)
        program = lowerer.run()
        diags.extend(lowerer.diags)
        fs_checks = lowerer.fs_checks
    diags = suppress(diags, loader.modules.values())
    diags.sort(key=Diagnostic.sort_key)
    result = CompileResult(program, _dedupe(diags), loader.sources, loader.modules, [m.path for m in inputs], fs_checks)
    if result.has_errors or not keep:
        result.program = None
    return result


def suppress(diags: list[Diagnostic], modules: Iterable[LoadedModule]) -> list[Diagnostic]:
    """Drop diagnostics silenced by `# pan: ignore[CODE, …]` on their line or alone on the line above."""
    rules: dict[tuple[str, int], set[str] | None] = {}
    for mod in modules:
        for comment in mod.module.comments:
            m = _IGNORE.search(comment.text)
            if not m:
                continue
            codes = {c.strip() for c in m.group(1).split(",")} if m.group(1) else None
            line = comment.span.line
            own_line = not mod.source.line_text(line)[: comment.span.col - 1].strip()
            target = line + 1 if own_line else line
            rules[(mod.path, target)] = codes
    if not rules:
        return diags
    kept = []
    for d in diags:
        if d.span is not None:
            key = (d.span.file, d.span.line)
            codes = rules.get(key, set())
            if key in rules and (codes is None or d.code in codes):
                continue
        kept.append(d)
    return kept


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen = set()
    out = []
    for d in diags:
        key = (d.code, d.message, d.span)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
