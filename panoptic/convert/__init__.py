"""YAML configs of the tool Panoptic replaces, converted to `.pan` and checked or run as they are.

    conversion = convert_file("config.yaml")        # Conversion: text, module, diagnostics
    result = compile_inputs(["config.yaml", "suite/"])  # a CompileResult; YAML places in every span

The config is read with its marks (`yamlnodes`), validated (`schema`), turned
into a syntax tree (`convert`) and printed by the formatter (`fmt.format_tree`).
`panoptic check` and `panoptic run` compile the same text in memory under the
YAML file's name and map every span back to the YAML (`remap`), so findings,
failures and reports point at the config's own lines.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from panoptic.diagnostics import Diagnostic, Severity
from panoptic.source import Source, Span

if TYPE_CHECKING:
    from panoptic.compiler import CompileResult
    from panoptic.compiler.loader import ParseCache
    from panoptic.convert.remap import SpanMap
    from panoptic.syntax import ast

__all__ = [
    "CONFIG_SUFFIXES",
    "Converted",
    "compile_inputs",
    "convert_file",
    "convert_source",
    "installed_actions",
    "is_config",
]

CONFIG_SUFFIXES = (".yaml", ".yml")

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _collector_paused(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """`fn` with Python's cyclic garbage collector off while it runs (and on again after, if it was on).

    Converting and checking a config build tens of thousands of nodes that all stay alive; the collector's
    repeated passes over them found nothing to free and took about a third of an in-process conversion. The
    few cycles made meanwhile are collected on the collector's next pass.
    """

    @functools.wraps(fn)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@dataclass
class Converted:
    """One config converted: the `.pan` text (None when the config is invalid) and every finding, at YAML places."""

    path: str
    source: Source
    text: str | None
    diagnostics: list[Diagnostic]
    module: ast.Module | None = None
    output: str | None = None
    spans: SpanMap | None = field(default=None, repr=False)
    parsed: ast.Module | None = field(default=None, repr=False)  # `text` parsed again (the compiler reuses it)
    display: Source | None = field(default=None, repr=False)  # the YAML with passwords masked, for showing lines

    @property
    def shown(self) -> Source:
        """The source to quote in findings and failures: passwords and credentials masked."""
        return self.display or self.source

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def is_config(path: str | Path) -> bool:
    """Whether a path names a YAML config (by its suffix)."""
    return str(path).lower().endswith(CONFIG_SUFFIXES)


def installed_actions() -> frozenset[str]:
    """The IR actions of every installed statement family (`ui.click`, `ai.vision_report`, …)."""
    from panoptic.compiler.registry import registry

    return frozenset(entry.action for entry in registry().entries)


def convert_file(
    path: str | Path, *, out: str | Path | None = None, available: frozenset[str] | None = None
) -> Converted:
    """Convert the config at `path`; `out` is where the `.pan` file will be written (relative paths follow it)."""
    from panoptic.compiler.files import display_path
    from panoptic.diagnostics import diagnostic

    file = Path(path)
    display = display_path(file)
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "it is not valid UTF-8" if isinstance(exc, UnicodeDecodeError) else exc.strerror or str(exc)
        source = Source(display, "")
        return Converted(display, source, None, [diagnostic("PAN001", f"cannot read {display}: {reason}", None)])
    out_dir = Path(out).resolve().parent if out is not None else file.resolve().parent
    return convert_source(Source(display, text), yaml_dir=file.resolve().parent, out_dir=out_dir, available=available)


@_collector_paused
def convert_source(
    source: Source,
    *,
    yaml_dir: Path | None = None,
    out_dir: Path | None = None,
    available: frozenset[str] | None = None,
) -> Converted:
    """Convert a config held in memory. Paths in it are relative to `yaml_dir`, those written to `out_dir`."""
    from panoptic.convert.convert import to_module
    from panoptic.convert.remap import SpanMap, pair
    from panoptic.convert.schema import validate
    from panoptic.convert.yamlnodes import read_yaml
    from panoptic.fmt import format_tree
    from panoptic.syntax.parser import parse_text

    root, diags = read_yaml(source)
    whole = source.span(0, len(source.line_text(1)))
    if diags:
        return Converted(source.path, source, None, diags)
    config = validate(root, source.path, whole)
    diags = list(config.diagnostics)
    if not config.valid:
        return Converted(source.path, source, None, _sorted(diags))
    here = yaml_dir or Path.cwd()
    conversion = to_module(
        config,
        available=available if available is not None else installed_actions(),
        out_dir=out_dir or here,
        yaml_dir=here,
    )
    diags.extend(conversion.diagnostics)
    display = _masked(source, conversion.secrets) if conversion.secrets else None
    if conversion.has_errors:  # an action lacks what its statement needs
        return Converted(source.path, source, None, _sorted(diags), display=display)
    module = conversion.module
    assert module is not None
    text = format_tree(module)
    parsed, syntax = parse_text(text, source.path)
    if syntax:  # the formatter wrote something the parser refuses: a bug, reported rather than hidden
        from panoptic.diagnostics import diagnostic

        first = syntax[0]
        diags.append(
            diagnostic(
                "PAN005",
                f"internal error: the converted text does not parse ({first.code} {first.message})",
                whole,
                help="please report this config with `panoptic --version`",
            )
        )
        return Converted(source.path, source, None, _sorted(diags))
    spans = SpanMap(source.path, Source(source.path, text), source)
    pair(module, parsed, conversion.origins, spans)
    return Converted(
        source.path,
        source,
        text,
        _sorted(diags),
        module=module,
        output=conversion.output,
        spans=spans,
        parsed=parsed,
        display=display,
    )


@_collector_paused
def compile_inputs(
    paths: Iterable[str], *, converted: Iterable[Converted] = (), program: bool = True
) -> tuple[CompileResult, list[Converted]]:
    """Compile `.pan` files, folders and YAML configs together; YAML findings and spans point at the YAML.

    A config with errors is not compiled (its findings are in the result). The result's sources hold the
    YAML texts, so carets and reports show the config's own lines. `converted` passes configs converted
    already (by display path), which are then neither converted nor parsed again. With `program=False`
    only the diagnostics are wanted: the program is dropped rather than mapped to the YAML.
    """
    from panoptic.compiler import compile_files
    from panoptic.compiler.files import collect_files, display_path
    from panoptic.diagnostics import diagnostic

    done = {c.path: c for c in converted}
    pan_paths: list[str] = []
    configs: list[Converted] = []
    for raw in paths:
        if is_config(raw) and not Path(raw).is_dir():
            configs.append(done.get(display_path(Path(raw))) or convert_file(raw))
        else:
            pan_paths.append(raw)
    files, diags = collect_files(pan_paths) if pan_paths else ([], [])
    overlays: dict[str, str] = {}
    for conv in configs:
        if conv.text is not None and not conv.has_errors:
            overlays[str(Path(conv.path).resolve())] = conv.text
            files.append(Path(conv.path))
    if not files and not diags and not configs:
        diags.append(diagnostic("PAN002", "no .pan files found", None, help="pass .pan files or folders holding them"))
    result = compile_files(files, cache=_converted_cache(configs), overlays=overlays, initial=diags)
    if configs:
        if not program:
            result.program = None
        _to_yaml(result, [c for c in configs if c.spans is not None and str(Path(c.path).resolve()) in overlays])
        result.diagnostics = _sorted([*result.diagnostics, *(d for c in configs for d in c.diagnostics)])
        if any(c.has_errors for c in configs):
            result.program = None
        result.files.extend(c.path for c in configs if c.path not in result.files)  # "checked N files" counts them
        for conv in configs:
            result.sources[conv.path] = conv.shown
    return result, configs


def _converted_cache(configs: list[Converted]) -> ParseCache:
    """The parse cache, answering the converted texts with the trees parsed during the conversion."""
    from panoptic.compiler.loader import ParseCache, default_cache

    class ConvertedCache(ParseCache):
        def __init__(self) -> None:
            fallback = default_cache()
            super().__init__(fallback.directory)
            self.known = {(c.path, c.text): c.parsed for c in configs if c.parsed is not None}

        def get(self, source: Source) -> tuple[ast.Module, list[Diagnostic]] | None:
            parsed = self.known.get((source.path, source.text))
            return (parsed, []) if parsed is not None else super().get(source)

        def put(self, source: Source, result: tuple[ast.Module, list[Diagnostic]]) -> None:
            if (source.path, source.text) not in self.known:
                super().put(source, result)

    return ConvertedCache()


def _to_yaml(result: CompileResult, configs: list[Converted]) -> None:
    """Point every span of the converted texts at the YAML, in diagnostics, the program and the sources."""
    maps = {c.path: c.spans for c in configs if c.spans is not None}
    if not maps:
        return
    diags = []
    for d in result.diagnostics:
        spans = maps.get(d.span.file) if d.span is not None else None
        diags.append(spans.diagnostic(d) if spans is not None else d)
    result.diagnostics = _sorted(diags)
    for conv in configs:
        result.sources[conv.path] = conv.shown
        spans = maps[conv.path]
        if result.program is not None:
            result.program = spans.value(result.program)


def _masked(source: Source, spans: list[Span]) -> Source:
    """The source with the text of each span replaced by as many `•` (lines and columns stay where they were)."""
    chars = list(source.text)
    for span in spans:
        for i in range(span.start, min(span.end, len(chars))):
            if chars[i] not in "\r\n":
                chars[i] = "•"
    return Source(source.path, "".join(chars))


def _sorted(diags: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diags, key=lambda d: d.sort_key())
