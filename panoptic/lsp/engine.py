"""The language server's analysis, without the protocol: open documents, compiles, indexes.

A document is checked together with the other `.pan` files of its folder, as
`panoptic check FOLDER` checks them (a file that only defines flows for its
neighbours has no "never called" warnings). Open buffers are given to the
compiler as overlays, so unsaved text is what gets checked everywhere.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from panoptic.compiler import CompileResult, compile_files, compile_text, suppress
from panoptic.compiler.files import SKIP_DIRS, collect_files
from panoptic.compiler.loader import LoadedModule
from panoptic.diagnostics import Diagnostic
from panoptic.lsp.analysis import ModuleIndex, index_module
from panoptic.lsp.convert import span_file_path, uri_to_path
from panoptic.lsp.incremental import MemoryParseCache
from panoptic.source import Source

MAX_GROUP_FILES = 60


@dataclass
class Document:
    uri: str
    text: str
    version: int
    path: str | None  # None for buffers that are not files


@dataclass
class Snapshot:
    """One compile: its result and the documents' texts it saw."""

    result: CompileResult
    texts: dict[str, str]  # absolute path -> text compiled
    started: float = field(default_factory=time.monotonic)  # when the compile began (monotonic clock)
    indexes: dict[str, ModuleIndex] = field(default_factory=dict)  # absolute path -> index (built lazily)
    globals_cache: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def module_for(self, path: str) -> LoadedModule | None:
        for mod in self.result.modules.values():
            if span_file_path(mod.path) == path:
                return mod
        return None

    def index(self, path: str) -> ModuleIndex | None:
        with self.lock:
            if path in self.indexes:
                return self.indexes[path]
            mod = self.module_for(path)
            if mod is None:
                return None
            idx = index_module(mod, self.result.modules, self.globals_cache)
            self.indexes[path] = idx
            return idx


class Engine:
    """Documents and their latest analyses; every method is safe to call from one worker thread at a time."""

    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}
        self.cache = MemoryParseCache()
        self.snapshots: dict[str, Snapshot] = {}  # absolute path (or uri) -> latest snapshot holding it
        self._style: dict[tuple[str, str], Diagnostic | None] = {}
        self.built: dict[str, ModuleIndex] = {}  # the latest index built for each document

    # ---- documents ----
    def open(self, uri: str, text: str, version: int) -> Document:
        doc = Document(uri, text, version, uri_to_path(uri))
        self.documents[uri] = doc
        return doc

    def update(self, uri: str, text: str, version: int) -> None:
        doc = self.documents.get(uri)
        if doc is None:
            self.open(uri, text, version)
        else:
            doc.text, doc.version = text, version

    def close(self, uri: str) -> None:
        self.documents.pop(uri, None)

    def overlays(self) -> dict[str, str]:
        return {str(Path(d.path).resolve()): d.text for d in self.documents.values() if d.path}

    def key(self, doc: Document) -> str:
        return doc.path or doc.uri

    # ---- compiling ----
    def group(self, path: str) -> list[Path]:
        """The files checked with a document: the `.pan` files of its folder (itself first)."""
        me = Path(path)
        folder = me.parent
        files = [me]
        try:
            siblings = sorted(p for p in folder.iterdir() if p.suffix == ".pan" and p.is_file() and p != me)
        except OSError:
            siblings = []
        if len(siblings) < MAX_GROUP_FILES:
            files.extend(siblings)
        return files

    def compile(self, uri: str, since: float | None = None) -> Snapshot | None:
        """Compile a document (with its folder) and remember the result for every file it holds.

        With `since` (a `time.monotonic()` time, the document's last change), a compile that began at or
        after it and saw every open document's current text is returned instead of compiling again: a
        request that needed the new text compiled it already.
        """
        doc = self.documents.get(uri)
        if doc is None:
            return None
        if since is not None:
            done = self.snapshots.get(self.key(doc))
            if done is not None and done.started >= since and self._sees_open_texts(done):
                return done
        started = time.monotonic()
        if doc.path is None:
            result = compile_text(doc.text, "untitled.pan")
            snap = Snapshot(result, {uri: doc.text}, started)
            self.snapshots[uri] = snap
            return snap
        files = self.group(doc.path)
        overlays = self.overlays()
        gc.disable()  # a compile makes many short-lived acyclic objects; a collection mid-way only adds latency
        try:
            result = compile_files(files, cache=self.cache, overlays=overlays)
        finally:
            gc.enable()
        texts = {span_file_path(m.path): m.source.text for m in result.modules.values()}
        snap = Snapshot(result, texts, started)
        for path in texts:
            self.snapshots[path] = snap
        return snap

    def _sees_open_texts(self, snap: Snapshot) -> bool:
        """Whether every open document that a compile holds still has the text that compile saw."""
        for doc in list(self.documents.values()):
            seen = snap.texts.get(self.key(doc))
            if seen is not None and seen != doc.text:
                return False
        return True

    def diagnostics(self, snap: Snapshot) -> dict[str, list[Diagnostic]]:
        """Diagnostics by absolute path for every input file of a compile (an empty list clears a file)."""
        out: dict[str, list[Diagnostic]] = {}
        for display in snap.result.files:
            out[span_file_path(display)] = []
        fallback = next(iter(out), None)
        for d in snap.result.diagnostics:
            if d.span is None:
                if fallback is not None:
                    out[fallback].append(d)
                continue
            path = span_file_path(d.span.file)
            if path in out:
                out[path].append(d)
        return out

    def style(self, snap: Snapshot) -> dict[str, list[Diagnostic]]:
        """PAN501 (`panoptic fmt` would change the file) for input files without syntax errors."""
        from panoptic.fmt import FormatError, format_text
        from panoptic.formatting import not_formatted

        broken = {d.span.file for d in snap.result.diagnostics if d.span is not None and d.code.startswith("PAN1")}
        out: dict[str, list[Diagnostic]] = {}
        for display in snap.result.files:
            mod = snap.result.modules.get(display)
            if mod is None or display in broken:
                continue
            key = (display, mod.source.text)
            if key not in self._style:
                try:
                    formatted = format_text(mod.source.text, display)
                except FormatError:
                    formatted = mod.source.text
                except Exception:  # a formatter bug must not take the server down
                    formatted = mod.source.text
                self._style[key] = not_formatted(mod.source, formatted, display)
                if len(self._style) > 512:
                    self._style.pop(next(iter(self._style)))
            found = self._style[key]
            if found is not None:
                kept = suppress([found], snap.result.modules.values())
                if kept:
                    out[span_file_path(display)] = kept
        return out

    def snapshot_for(self, uri: str) -> Snapshot | None:
        """The latest compile that holds a document, compiled now when there is none or its text changed."""
        doc = self.documents.get(uri)
        key = self.key(doc) if doc else uri_to_path(uri) or uri
        snap = self.snapshots.get(key)
        if doc is not None and (snap is None or snap.texts.get(key) != doc.text):
            snap = self.compile(uri)
        return snap

    def build_index(self, snap: Snapshot, key: str) -> ModuleIndex | None:
        idx = snap.index(key)
        if idx is not None:
            self.built[key] = idx
        return idx

    def latest_index(self, uri: str, *, allow_older: bool = False) -> tuple[ModuleIndex | None, Snapshot | None]:
        """The index of the latest compile of a document, even when the buffer changed since (fast path).

        With `allow_older`, an index of an earlier compile is returned while the latest one is not built
        yet, so that completion never waits for the analysis thread.
        """
        doc = self.documents.get(uri)
        key = self.key(doc) if doc else uri_to_path(uri) or uri
        snap = self.snapshots.get(key)
        if snap is None:
            snap = self.snapshot_for(uri)
        if snap is None:
            return None, None
        if doc is not None and doc.path is None:
            mods = list(snap.result.modules.values())
            return (index_module(mods[0], snap.result.modules) if mods else None), snap
        if allow_older and key not in snap.indexes and key in self.built:
            return self.built[key], snap
        return self.build_index(snap, key), snap

    def workspace_files(self, roots: list[str]) -> list[Path]:
        """Every `.pan` file under the workspace folders and every open document."""
        paths: list[str] = []
        for root in roots:
            if os.path.isdir(root):
                paths.append(root)
        files, _ = collect_files(paths) if paths else ([], [])
        seen = {f.resolve() for f in files}
        for doc in self.documents.values():
            if doc.path and Path(doc.path).resolve() not in seen and not _skipped(doc.path):
                files.append(Path(doc.path))
        return files

    def workspace_indexes(
        self, roots: list[str], snap: Snapshot | None = None
    ) -> tuple[list[ModuleIndex], dict[str, Source]]:
        """The indexes of the workspace's modules (the standard library aside) and their sources.

        When `snap` compiled exactly the workspace's files, with the texts they have now (open buffers
        and files on disk alike), its indexes are used: the same compile need not run again, and each
        index is built once per compile. Otherwise the workspace is compiled.
        """
        files = self.workspace_files(roots)
        if snap is not None and self._compiled_as_now(snap, files):
            keys = [span_file_path(m.path) for m in snap.result.modules.values() if not m.key.startswith("std.")]
            indexes = [idx for key in keys if (idx := snap.index(key)) is not None]
            return indexes, dict(snap.result.sources)
        result = compile_files(files, cache=self.cache, overlays=self.overlays())
        cache: dict = {}
        mods = [m for m in result.modules.values() if not m.key.startswith("std.")]
        indexes = [index_module(m, result.modules, cache) for m in mods]
        return indexes, dict(result.sources)

    def _compiled_as_now(self, snap: Snapshot, files: list[Path]) -> bool:
        """Whether a compile had exactly these input files and every file it loaded still has the text it saw."""
        inputs = {os.path.realpath(span_file_path(f)) for f in snap.result.files}
        if inputs != {os.path.realpath(f) for f in files}:
            return False
        overlays = self.overlays()
        for mod in snap.result.modules.values():
            if mod.key.startswith("std."):
                continue  # the installed standard library does not change under a running server
            path = os.path.realpath(span_file_path(mod.path))
            text = overlays.get(path)
            if text is None:
                if not os.path.isfile(path):
                    return False
                try:
                    with open(path, "rb") as fh:
                        text = fh.read().decode("utf-8-sig")
                except (OSError, UnicodeDecodeError):
                    return False
            if text != mod.source.text:
                return False
        return True


def _skipped(path: str) -> bool:
    return any(part in SKIP_DIRS for part in Path(path).parts)
