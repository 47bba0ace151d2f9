"""`panoptic lsp`: the language server over stdio (pygls).

Analysis runs on one worker thread; requests are answered on the event loop
from the latest analysis. After a change, diagnostics are republished once
the document has been quiet for `debounce` seconds while the user is typing
in bursts; a change after a pause is checked after only `quick` seconds.
Every handler catches its own failures: broken input mid-typing never takes
the server down, it only yields fewer answers.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from panoptic import __version__
from panoptic.diagnostics import Diagnostic
from panoptic.lsp import completion, features, navigation
from panoptic.lsp.convert import from_position, path_to_uri, span_file_path, to_lsp_diagnostic, to_range, uri_to_path
from panoptic.lsp.engine import Engine, Snapshot
from panoptic.source import Source

log = logging.getLogger("panoptic.lsp")

DEBOUNCE = 0.1
QUICK = 0.02


class PanopticLanguageServer(LanguageServer):
    """The language server: documents, a worker thread for compiles, debounced diagnostics."""

    def __init__(self, debounce: float = DEBOUNCE, quick: float = QUICK) -> None:
        super().__init__("panoptic", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.engine = Engine()
        self.debounce = debounce
        self.quick = quick
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="panoptic-analysis")
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.last_change: dict[str, float] = {}
        self.requested_at: dict[str, float] = {}  # by uri: when the last check was asked (time.monotonic)
        self.checking = False
        self.stopping = False
        self.dirty: set[str] = set()
        self.published: dict[str, list[Diagnostic]] = {}  # by absolute path: the last compile diagnostics

    # ---- scheduling ----
    def schedule(self, uri: str, *, immediate: bool = False) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        burst = now - self.last_change.get(uri, float("-inf")) < self.debounce
        self.last_change[uri] = now
        self.requested_at[uri] = time.monotonic()  # a compile begun after this saw the text to check
        delay = 0.0 if immediate else (self.debounce if burst else self.quick)
        old = self.timers.pop(uri, None)
        if old is not None:
            old.cancel()
        self.timers[uri] = loop.call_later(delay, lambda: asyncio.ensure_future(self.check(uri)))

    async def check(self, uri: str) -> None:
        self.timers.pop(uri, None)
        if self.stopping:
            return
        if self.checking:
            self.dirty.add(uri)
            return
        self.checking = True
        loop = asyncio.get_running_loop()
        try:
            since = self.requested_at.get(uri)
            snap = await loop.run_in_executor(self.pool, self.engine.compile, uri, since)
            if snap is not None:
                found = self.engine.diagnostics(snap)
                self.published.update(found)
                self.publish(snap, found)
                await loop.run_in_executor(self.pool, self._prewarm, snap, uri)
                style = await loop.run_in_executor(self.pool, self.engine.style, snap)
                if style:
                    merged = {p: self.published.get(p, []) + extra for p, extra in style.items()}
                    self.publish(snap, merged)
        except Exception as exc:  # never let a compile failure stop the server
            if self.stopping:
                return
            log.exception("analysis failed")
            self.log(f"analysis of {uri} failed: {exc!r}", lsp.MessageType.Error)
            self.publish_internal_error(uri, exc)
        finally:
            self.checking = False
            pending, self.dirty = self.dirty, set()
            for again in pending:
                if again in self.engine.documents and not self.stopping:
                    self.schedule(again, immediate=True)

    def _prewarm(self, snap: Snapshot, uri: str) -> None:
        doc = self.engine.documents.get(uri)
        if doc is not None and doc.path:
            index = self.engine.build_index(snap, doc.path)
            if index is not None and self._asks_semantic_tokens():
                features.semantic_tokens(index)  # asked after every change: ready before the request comes

    def _asks_semantic_tokens(self) -> bool:
        """Whether the editor said it uses semantic tokens (VS Code and Neovim do)."""
        try:
            text_document = self.client_capabilities.text_document
        except Exception:  # no initialize yet
            return False
        return text_document is not None and text_document.semantic_tokens is not None

    def publish_internal_error(self, uri: str, exc: BaseException) -> None:
        """Replace the file's diagnostics by one PAN005 at its top: stale ones must not stay on screen."""
        doc = self.engine.documents.get(uri)
        top = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0))
        item = lsp.Diagnostic(
            range=top,
            message=f"internal error: Panoptic could not check this file ({type(exc).__name__}); "
            "the diagnostics shown before are gone until it can — please report it",
            severity=lsp.DiagnosticSeverity.Error,
            code="PAN005",
            source="panoptic",
        )
        if doc is not None and doc.path:
            self.published[doc.path] = []
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[item], version=doc.version if doc else None)
        )

    def publish(self, snap: Snapshot, found: dict[str, list[Diagnostic]]) -> None:
        lookup = self._lookup(snap)
        by_path = {d.path: d for d in list(self.engine.documents.values()) if d.path}
        for path, diags in found.items():
            doc = by_path.get(path)
            uri = doc.uri if doc else path_to_uri(path)
            source = lookup(_display_of(snap, path))
            items = [to_lsp_diagnostic(d, source, lookup) for d in diags]
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(
                    uri=uri,
                    diagnostics=items,
                    version=doc.version if doc and snap.texts.get(path) == doc.text else None,
                )
            )

    @staticmethod
    def _lookup(snap: Snapshot):
        sources = snap.result.sources

        def lookup(file: str) -> Source | None:
            if file in sources:
                return sources[file]
            try:
                return Source.read(span_file_path(file))
            except (OSError, UnicodeDecodeError):
                return None

        return lookup

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Log) -> None:
        try:
            self.window_log_message(lsp.LogMessageParams(type=kind, message=message))
        except Exception:
            log.warning("%s", message)

    # ---- lookups for requests ----
    def position(self, uri: str, position: lsp.Position) -> tuple[str, int, int]:
        text = self.workspace.get_text_document(uri).source
        lines = text.split("\n")
        line_text = lines[position.line] if position.line < len(lines) else ""
        line, col = from_position(line_text.rstrip("\r"), position)
        return text, line, col

    async def index(self, uri: str, *, fresh: bool):
        """The document's index: the latest one (fast), or one of its current text (waits for the compile)."""
        doc = self.engine.documents.get(uri)
        key = self.engine.key(doc) if doc else uri_to_path(uri) or uri
        snap = self.engine.snapshots.get(key)
        stale = snap is None or (doc is not None and snap.texts.get(key) != doc.text)
        if stale and (fresh or snap is None):
            # Two jobs: a check of the edit, queued meanwhile, publishes from this compile before the index.
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self.pool, self.engine.snapshot_for, uri)
            return await loop.run_in_executor(self.pool, self.engine.latest_index, uri)
        return self.engine.latest_index(uri, allow_older=not fresh)


def _display_of(snap: Snapshot, path: str) -> str:
    for display in snap.result.sources:
        if span_file_path(display) == path:
            return display
    return path


def _safe(handler):
    """Run a handler; a failure is logged and answered with nothing instead of taking the server down."""

    @functools.wraps(handler)
    async def wrapped(ls: PanopticLanguageServer, params):
        try:
            return await handler(ls, params)
        except JsonRpcException:
            raise
        except Exception as exc:
            log.exception("request failed")
            ls.log(f"{handler.__name__} failed: {exc!r}", lsp.MessageType.Error)
            return None

    return wrapped


def build_server(debounce: float = DEBOUNCE, quick: float = QUICK) -> PanopticLanguageServer:
    """A language server with every feature registered."""
    server = PanopticLanguageServer(debounce, quick)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: PanopticLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        ls.engine.open(item.uri, item.text, item.version)
        ls.schedule(item.uri, immediate=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: PanopticLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source
        ls.engine.update(uri, text, params.text_document.version)
        ls.schedule(uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: PanopticLanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri in ls.engine.documents:
            ls.schedule(params.text_document.uri, immediate=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: PanopticLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.engine.close(uri)
        timer = ls.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION,
        lsp.CompletionOptions(trigger_characters=[" ", ".", "{", '"', "$"], resolve_provider=True),
    )
    @_safe
    async def on_completion(ls: PanopticLanguageServer, params: lsp.CompletionParams):
        text, line, col = ls.position(params.text_document.uri, params.position)
        index, _ = await ls.index(params.text_document.uri, fresh=False)
        items = completion.complete(text, line, col, index)
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(lsp.COMPLETION_ITEM_RESOLVE)
    @_safe
    async def on_completion_resolve(ls: PanopticLanguageServer, item: lsp.CompletionItem):
        return completion.resolve(item)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @_safe
    async def on_hover(ls: PanopticLanguageServer, params: lsp.HoverParams):
        text, line, col = ls.position(params.text_document.uri, params.position)
        index, _ = await ls.index(params.text_document.uri, fresh=True)
        source = Source(uri_to_path(params.text_document.uri) or params.text_document.uri, text)
        return navigation.hover(index, source, line, col)

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @_safe
    async def on_definition(ls: PanopticLanguageServer, params: lsp.DefinitionParams):
        _, line, col = ls.position(params.text_document.uri, params.position)
        index, snap = await ls.index(params.text_document.uri, fresh=True)
        if snap is None:
            return None
        return navigation.definition(index, line, col, PanopticLanguageServer._lookup(snap))

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @_safe
    async def on_symbols(ls: PanopticLanguageServer, params: lsp.DocumentSymbolParams):
        index, _ = await ls.index(params.text_document.uri, fresh=True)
        if index is None:
            return []
        return navigation.document_symbols(index.module.module, index.module.source)

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    @_safe
    async def on_formatting(ls: PanopticLanguageServer, params: lsp.DocumentFormattingParams):
        try:
            from panoptic.fmt import FormatError, format_text
        except ImportError:
            ls.log("formatting needs panoptic.fmt, which this installation lacks", lsp.MessageType.Warning)
            return None
        doc = ls.workspace.get_text_document(params.text_document.uri)
        text = doc.source
        path = uri_to_path(params.text_document.uri) or "untitled.pan"
        try:
            formatted = await asyncio.get_running_loop().run_in_executor(ls.pool, format_text, text, path)
        except FormatError as exc:
            ls.log(f"not formatted: {exc}", lsp.MessageType.Info)
            return None
        if formatted == text:
            return []
        whole = Source(path, text)
        end = to_range(whole.span(len(text), len(text)), whole).end
        return [lsp.TextEdit(range=lsp.Range(start=lsp.Position(line=0, character=0), end=end), new_text=formatted)]

    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    @_safe
    async def on_prepare_rename(ls: PanopticLanguageServer, params: lsp.PrepareRenameParams):
        text, line, col = ls.position(params.text_document.uri, params.position)
        index, _ = await ls.index(params.text_document.uri, fresh=True)
        found = navigation.rename_target(index, line, col)
        if found is None:
            return None
        target, span = found
        if target.kind not in navigation.RENAMABLE or target.module.startswith("std."):
            return None
        source = Source(uri_to_path(params.text_document.uri) or "", text)
        return lsp.PrepareRenamePlaceholder(range=to_range(span, source), placeholder=target.name)

    @server.feature(lsp.TEXT_DOCUMENT_RENAME)
    @_safe
    async def on_rename(ls: PanopticLanguageServer, params: lsp.RenameParams):
        _, line, col = ls.position(params.text_document.uri, params.position)
        index, snap = await ls.index(params.text_document.uri, fresh=True)
        found = navigation.rename_target(index, line, col)
        if found is None:
            raise JsonRpcInvalidParams("nothing to rename here: put the cursor on a flow or a variable")
        target, _span = found
        loop = asyncio.get_running_loop()
        if target.kind in ("param", "loop") or (
            target.kind in ("variable", "secret") and index is not None and index.globals.get(target.name) != target
        ):
            indexes = [index]  # a local: only this file
            sources = {index.module.path: index.module.source}
        else:
            roots = [p for f in ls.workspace.folders.values() if (p := uri_to_path(f.uri))]
            if not roots and ls.workspace.root_path:
                roots = [ls.workspace.root_path]
            indexes, sources = await loop.run_in_executor(ls.pool, ls.engine.workspace_indexes, roots, snap)
        try:
            edits = navigation.rename_edits(target, params.new_name, indexes)
        except navigation.RenameError as exc:
            raise JsonRpcInvalidParams(str(exc)) from None
        by_path = {d.path: d.uri for d in ls.engine.documents.values() if d.path}
        changes: dict[str, list[lsp.TextEdit]] = {}
        for path, spans in edits.items():
            source = next((s for f, s in sources.items() if span_file_path(f) == path), None)
            if source is None:
                try:
                    source = Source.read(path)
                except (OSError, UnicodeDecodeError):
                    source = None
            uri = by_path.get(path) or path_to_uri(path)
            changes[uri] = [lsp.TextEdit(range=to_range(span, source), new_text=new) for span, new in spans]
        return lsp.WorkspaceEdit(changes=changes)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix])
    )
    @_safe
    async def on_code_action(ls: PanopticLanguageServer, params: lsp.CodeActionParams):
        return features.quick_fixes(params.text_document.uri, params.context.diagnostics)

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    @_safe
    async def on_references(ls: PanopticLanguageServer, params: lsp.ReferenceParams):
        _, line, col = ls.position(params.text_document.uri, params.position)
        index, snap = await ls.index(params.text_document.uri, fresh=True)
        found = navigation.rename_target(index, line, col)
        if found is None or snap is None:
            return []
        target = found[0]
        indexes = [index]
        if target.kind not in ("param", "loop") and (index is None or index.globals.get(target.name) == target):
            roots = [p for f in ls.workspace.folders.values() if (p := uri_to_path(f.uri))]
            if not roots and ls.workspace.root_path:
                roots = [ls.workspace.root_path]
            if roots:
                loop = asyncio.get_running_loop()
                indexes, _ = await loop.run_in_executor(ls.pool, ls.engine.workspace_indexes, roots, snap)
        spans = features.references(target, indexes, include_declaration=params.context.include_declaration)
        lookup = PanopticLanguageServer._lookup(snap)
        return [features.location(span, lookup(span.file)) for span in spans]

    @server.feature(
        lsp.TEXT_DOCUMENT_SIGNATURE_HELP, lsp.SignatureHelpOptions(trigger_characters=[" "], retrigger_characters=[" "])
    )
    @_safe
    async def on_signature_help(ls: PanopticLanguageServer, params: lsp.SignatureHelpParams):
        text = ls.workspace.get_text_document(params.text_document.uri).source
        lines = text.split("\n")
        line_text = lines[params.position.line] if params.position.line < len(lines) else ""
        _, col = from_position(line_text.rstrip("\r"), params.position)
        return features.signature_help(line_text[: col - 1])

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, features.LEGEND)
    @_safe
    async def on_semantic_tokens(ls: PanopticLanguageServer, params: lsp.SemanticTokensParams):
        index, _ = await ls.index(params.text_document.uri, fresh=True)
        return features.semantic_tokens(index) if index is not None else lsp.SemanticTokens(data=[])

    @server.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
    @_safe
    async def on_folding_range(ls: PanopticLanguageServer, params: lsp.FoldingRangeParams):
        index, _ = await ls.index(params.text_document.uri, fresh=True)
        return features.folding_ranges(index.module.module) if index is not None else []

    @server.feature(lsp.SHUTDOWN)
    def on_shutdown(ls: PanopticLanguageServer, *args) -> None:
        ls.stopping = True
        for timer in ls.timers.values():
            timer.cancel()
        ls.timers.clear()
        ls.pool.shutdown(wait=False, cancel_futures=True)

    return server


def _drop_answered_errors(record: logging.LogRecord) -> bool:
    """pygls logs an error it sends back to the client as an answer (a refused rename); the client shows it."""
    return not (record.exc_info and isinstance(record.exc_info[1], JsonRpcException))


def serve_stdio(debounce: float = DEBOUNCE, quick: float = QUICK) -> None:
    """Run the server on stdin/stdout until the client sends `exit`."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="panoptic-lsp: %(levelname)s %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_drop_answered_errors)
    server = build_server(debounce, quick)
    sys.setswitchinterval(0.001)  # answer requests promptly while the analysis thread compiles
    server.start_io()
