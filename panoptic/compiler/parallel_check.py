"""A check of many files split over forked processes, with the same result as one process.

The inputs are split into shares of about equal size. The parent forks one worker per share but its own
(after the imports and the grammar tables are loaded, so the workers start at once), checks its own share
meanwhile, and reads back what each worker found: diagnostics and fs checks tagged with the step of the
check and the module that produced them, the modules each share loaded with the keys they use, and the
`# pan: ignore` comments. No syntax tree crosses a pipe.

The merge rebuilds what one process would have found, in the order it would have found it:

- Each module's own steps (declarations, imported names, globals, apps, flows) depend only on the module and
  the modules it uses, which every share that loads the module loads too: they are taken once, in the module
  order one process would have used (rebuilt from the `use` edges: the loader's order, then dependencies
  first); shares that found different things for one module make the merge give up. Scenarios, titles and
  PAN501 belong to the one share that has the file as input.
- A platform check of a statement inside a flow is reported once per statement and platform, for the first
  scenario that reaches the flow (its title is the label): each share reports its own first; the merge keeps
  the claim of the scenario that comes first in the whole input order.
- PAN213/PAN214 ("never used") for a module-level name: kept only when no module of any share uses the file.
- Call cycles and depth (PAN211/PAN218), `use` cycles (PAN210), an app on a plugin platform, more than one
  message without a position (their order is the order of loading) and anything the tags do not account
  for: the merge gives up (None) and the caller checks in one process.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from panoptic.diagnostics import Diagnostic
from panoptic.frozen import record

FsCheck = tuple[str, str, bool]
# The module steps of Lowerer.run, in its order (each runs over every loaded module in dependency order).
_MODULE_STEPS = ("_declare", "_import_names", "_lower_module_globals", "_lower_apps", "_lower_flows")
MIN_BYTES = 64 * 1024  # from this much input on, a second process shortens a check by about a fifth (callgrind)


@record
class Merged:
    """What a parallel check found, as `run_check` needs it."""

    diagnostics: list[Diagnostic]
    files: list[str]
    modules: list[tuple[str, str]]  # (key, display path) of every loaded module, in the loader's order
    fs_checks: list[FsCheck]


@record
class _Ignores:
    """What `suppress` reads of a module: its path, its `# pan: ignore` comments and the lines they are on."""

    path: str
    comments: list[Any]
    lines: dict[int, str]

    @property
    def module(self) -> _Ignores:
        return self

    @property
    def source(self) -> _Ignores:
        return self

    def line_text(self, line: int) -> str:
        return self.lines[line]


@record
class Share:
    """What one share of the inputs found (pickled back from a worker)."""

    inputs: list[str] = field(default_factory=list)  # display paths of the inputs that were read, in order
    loader: list[Diagnostic] = field(default_factory=list)
    uses: dict[str, list[str]] = field(default_factory=dict)  # loaded module -> keys its `use`s name, in order
    paths: dict[str, str] = field(default_factory=dict)  # loaded module -> display path
    steps: dict[tuple[int, str], tuple[list[Diagnostic], list[FsCheck]]] = field(default_factory=dict)
    scenarios: dict[str, tuple[list[Diagnostic], list[FsCheck]]] = field(default_factory=dict)
    # (statement key, position of the claiming scenario, diagnostics, fs checks), in the order they were made
    claims: list[tuple[tuple[int, str], tuple[str, int], list[Diagnostic], list[FsCheck]]] = field(default_factory=list)
    unused: list[Diagnostic] = field(default_factory=list)
    titles: list[Diagnostic] = field(default_factory=list)
    plugins: list[Diagnostic] = field(default_factory=list)
    ignores: list[_Ignores] = field(default_factory=list)
    style: list[Diagnostic] = field(default_factory=list)
    sequential: str | None = None  # why this share's findings cannot be merged


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def jobs_for(files: Sequence[Path], jobs: int | None, *, min_bytes: int = MIN_BYTES) -> int:
    """How many processes a check of these files uses: at most `jobs` (None: one per usable CPU), and one
    unless processes can be forked and the input is large enough for a second process to pay."""
    if (jobs is not None and jobs <= 1) or not hasattr(os, "fork") or len(files) < 2:
        return 1
    cpus = usable_cpus()
    wanted = min(cpus if jobs is None else jobs, len(files))
    if wanted < 2 or sum(_size(f) for f in files) < min_bytes:
        return 1
    return wanted


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def partition(files: Sequence[Path], jobs: int) -> list[list[int]]:
    """Indices of `files` in `jobs` shares of about equal size (largest first onto the lightest share); each
    share keeps the input order. Deterministic."""
    loads = [0] * jobs
    shares: list[list[int]] = [[] for _ in range(jobs)]
    sizes = [_size(f) for f in files]
    for i in sorted(range(len(files)), key=lambda i: (-sizes[i], i)):
        k = min(range(jobs), key=lambda k: (loads[k], k))
        loads[k] += sizes[i] + 1
        shares[k].append(i)
    return [sorted(s) for s in shares if s]


def prepare() -> None:
    """Import and load what every share needs, once, before forking."""
    import panoptic.compiler.lower
    import panoptic.fmt  # noqa: F401
    from panoptic.syntax.parser import lean_parser

    lean_parser()


def check_share(files: list[Path], style: Callable[[Any], list[Diagnostic]]) -> Share:
    """Check one share of the inputs, noting where each finding comes from."""
    from panoptic.compiler import _IGNORE, CompileResult, _dedupe, suppress
    from panoptic.compiler.loader import Loader, ParseCache

    loader = Loader(ParseCache(None))
    inputs = loader.load_inputs(files)
    share = Share(inputs=[m.path for m in inputs], loader=list(loader.diagnostics))
    for key, mod in loader.modules.items():
        share.uses[key] = [k for _, k in mod.uses]
        share.paths[key] = mod.path
        comments = [c for c in mod.module.comments if _IGNORE.search(c.text)]
        if comments:
            lines = {c.span.line: mod.source.line_text(c.span.line) for c in comments}
            share.ignores.append(_Ignores(mod.path, comments, lines))
    if any(d.code == "PAN210" for d in loader.diagnostics):
        share.sequential = "a `use` cycle"
        return share
    lowerer = _tagging_lowerer()(loader.modules, inputs, keep_steps=False)
    lowerer.run()
    share.sequential = lowerer.untagged()
    if share.sequential:
        return share
    share.steps = lowerer.steps
    share.scenarios = lowerer.scenario_slices
    share.claims = lowerer.claims
    share.unused = lowerer.unused
    share.titles = lowerer.titles
    share.plugins = lowerer.plugin_diags
    # PAN501 of this share's inputs: which files count as broken needs only their own syntax errors.
    found = suppress(list(loader.diagnostics) + lowerer.diags, loader.modules.values())
    found.sort(key=Diagnostic.sort_key)
    result = CompileResult(None, _dedupe(found), loader.sources, loader.modules, share.inputs, [])
    share.style = style(result)
    return share


_LOWERER: type | None = None


def _tagging_lowerer() -> type:
    """A Lowerer that notes which step, module and scenario each diagnostic and fs check comes from."""
    global _LOWERER
    if _LOWERER is not None:
        return _LOWERER
    from panoptic.compiler.lower import Lowerer

    class Tagging(Lowerer):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kw: Any) -> None:
            super().__init__(*args, **kw)
            self.builtin_platforms = self.platforms
            self.steps: dict[tuple[int, str], tuple[list[Diagnostic], list[FsCheck]]] = {}
            self.scenario_slices: dict[str, tuple[list[Diagnostic], list[FsCheck]]] = {}
            self.claims: list[tuple[tuple[int, str], tuple[str, int], list[Diagnostic], list[FsCheck]]] = []
            self.unused: list[Diagnostic] = []
            self.titles: list[Diagnostic] = []
            self.plugin_diags: list[Diagnostic] = []
            self.cycles: list[Diagnostic] = []
            self._covered = [0, 0]  # diagnostics and fs checks accounted for
            self._gaps = False
            self._in_flow_platforms = False
            self._marks: dict[str, int] = {}

        def _take(self) -> tuple[list[Diagnostic], list[FsCheck]]:
            d0, f0 = self._covered
            self._covered = [len(self.diags), len(self.fs_checks)]
            return self.diags[d0:], self.fs_checks[f0:]

        def _enter(self) -> None:
            if self._covered != [len(self.diags), len(self.fs_checks)]:
                self._gaps = True

        def _lower_scenarios(self, mod: Any) -> list:
            self._enter()
            out = super()._lower_scenarios(mod)
            if mod.key in self.scenario_slices:
                self._gaps = True  # the same input twice
            self.scenario_slices[mod.key] = self._take()
            return out

        def _check_flow_platforms(self) -> None:
            self._enter()
            self._in_flow_platforms = True
            try:
                super()._check_flow_platforms()
            finally:
                self._in_flow_platforms = False
            self._enter()

        def _platform_diags(self, entry: Any, span: Any, targets: Any, spec: Any, settings: Any, via: Any) -> bool:
            if not self._in_flow_platforms or via is None:
                return super()._platform_diags(entry, span, targets, spec, settings, via)
            self._enter()
            ok = super()._platform_diags(entry, span, targets, spec, settings, via)
            diags, fs = self._take()
            self.claims.append(((span.start, span.file + spec.name), (via.file, via.start), diags, fs))
            return ok

        def _take_diagnostics(self) -> list[Diagnostic]:
            """What a step that checks no file found (a file check there is a finding outside the tags)."""
            diags, fs = self._take()
            self._gaps = self._gaps or bool(fs)
            return diags

        def _check_unused(self) -> None:
            self.cycles = self._take_diagnostics()  # call_cycles ran just before
            super()._check_unused()
            self.unused = self._take_diagnostics()

        def _report_plugin_problems(self) -> None:
            self.titles = self._take_diagnostics()  # duplicate_titles ran just before
            super()._report_plugin_problems()
            self.plugin_diags = self._take_diagnostics()

        def run(self) -> Any:
            program = super().run()
            self._enter()
            return program

        def untagged(self) -> str | None:
            """Why the findings of this share cannot be merged, or None."""
            if self._gaps:
                return "findings outside the tagged steps"
            if self.cycles:
                return "a flow call cycle or too deep a chain of calls"
            if self.platforms is not self.builtin_platforms:
                return "an app on a platform that is not built in"
            return None

    def tagged(number: int, name: str) -> Callable[[Any, Any], None]:
        def step(self: Any, mod: Any) -> None:
            self._enter()
            getattr(super(Tagging, self), name)(mod)
            self.steps[(number, mod.key)] = self._take()

        return step

    for number, name in enumerate(_MODULE_STEPS):  # each module step, tagged with its number and module
        setattr(Tagging, name, tagged(number, name))
    _LOWERER = Tagging
    return Tagging


def _loader_order(files: list[str], shares: list[Share]) -> list[str]:
    """The modules in the order one loader would have loaded them: the inputs, then depth first along `use`."""
    uses: dict[str, list[str]] = {}
    for share in shares:
        for key, used in share.uses.items():
            uses.setdefault(key, used)
    order: list[str] = []
    seen: set[str] = set()
    for key in files:
        if key in uses and key not in seen:
            seen.add(key)
            order.append(key)
    for first in list(order):
        stack = [iter(uses[first])]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                continue
            if step not in seen and step in uses:
                seen.add(step)
                order.append(step)
                stack.append(iter(uses[step]))
    return order


def _no_span_order(lists: list[list[Diagnostic]]) -> list[Diagnostic] | None:
    """Diagnostics without a position from several shares: their order is the order things were loaded, which
    the merge does not know; fine when they agree or there is at most one."""
    from panoptic.compiler import _dedupe

    seen = [[d for d in _dedupe(ds) if d.span is None] for ds in lists]
    distinct = _dedupe([d for ds in seen for d in ds])
    if len(distinct) <= 1:
        return distinct
    non_empty = [ds for ds in seen if ds]
    if all(ds == non_empty[0] for ds in non_empty):
        return non_empty[0]
    return None


def merge(inputs: list[str], shares: list[Share], initial: list[Diagnostic]) -> Merged | None:
    """The findings of the shares as one process finds them, or None when that cannot be guaranteed."""
    from panoptic.compiler import _dedupe, suppress
    from panoptic.compiler.lower import dependency_order

    if any(s.sequential for s in shares):
        return None
    read = set()
    for share in shares:
        read.update(share.inputs)
    files = [key for key in inputs if key in read]
    uses: dict[str, list[str]] = {}
    paths: dict[str, str] = {}
    for share in shares:
        for key, used in share.uses.items():
            if uses.setdefault(key, used) != used:
                return None
            paths.setdefault(key, share.paths[key])
    loaded = _loader_order(files, shares)
    if len(loaded) != len(uses):
        return None

    # Loading: per file, the same in every share that loads the file; without a position, see _no_span_order.
    loader_no_span = _no_span_order([s.loader for s in shares])
    if loader_no_span is None:
        return None
    diags: list[Diagnostic] = list(initial)
    for share in shares:
        diags.extend(d for d in share.loader if d.span is not None)
    diags.extend(loader_no_span)

    fs_checks: list[FsCheck] = []
    module_order = dependency_order({key: uses[key] for key in loaded})  # Lowerer._module_order, loader order
    for step in range(len(_MODULE_STEPS)):
        for key in module_order:
            found = [s.steps[(step, key)] for s in shares if (step, key) in s.steps]
            if not found or any(f != found[0] for f in found[1:]):
                return None
            diags.extend(found[0][0])
            fs_checks.extend(found[0][1])
    owner = {key: share for share in shares for key in share.inputs}
    for key in files:
        d, f = owner[key].scenarios[key]
        diags.extend(d)
        fs_checks.extend(f)

    # Flow statements checked per platform: the claim of the scenario that comes first in the input order.
    index = {key: i for i, key in enumerate(files)}
    first: dict[tuple[int, str], tuple[tuple[int, int], int, int]] = {}
    for n, share in enumerate(shares):
        for m, (statement, (file, start), _, _) in enumerate(share.claims):
            if file not in index:
                return None
            where = (index[file], start)
            if statement not in first or where < first[statement][0]:
                first[statement] = (where, n, m)
    for _, n, m in sorted(first.values()):
        _, _, d, f = shares[n].claims[m]
        diags.extend(d)
        fs_checks.extend(f)

    used_somewhere = {k for used_keys in uses.values() for k in used_keys}
    key_of = {path: key for key, path in paths.items()}
    for share in shares:
        diags.extend(d for d in share.unused if d.span is None or key_of.get(d.span.file) not in used_somewhere)
    for share in shares:
        diags.extend(share.titles)
    plugins = _no_span_order([s.plugins for s in shares])
    if plugins is None:
        return None
    for share in shares:
        diags.extend(d for d in share.plugins if d.span is not None)
    diags.extend(plugins)

    ignores = {i.path: i for share in shares for i in share.ignores}
    diags = suppress(diags, ignores.values())  # type: ignore[arg-type]  # what suppress reads of a module
    diags.sort(key=Diagnostic.sort_key)
    diags = _dedupe(diags)
    style = {d.span.file if d.span else "": d for share in shares for d in share.style}
    diags.extend(style[key] for key in files if key in style)
    if len(style) != sum(len(s.style) for s in shares):
        return None
    return Merged(diags, files, [(key, paths[key]) for key in loaded], fs_checks)


def check_parallel(
    files: list[Path],
    initial: list[Diagnostic],
    jobs: int,
    style: Callable[[Any], list[Diagnostic]],
    *,
    worker: Callable[[list[Path], Callable[[Any], list[Diagnostic]]], Share] | None = None,
) -> Merged | None:
    """Check `files` in `jobs` processes (this one and forked workers); None when the result has to come from a
    check in one process: a worker failed or the findings cannot be merged exactly."""
    from panoptic.compiler.files import display_path

    work = worker or check_share
    keys = [display_path(f) for f in files]
    if len(set(keys)) != len(keys):
        return None
    shares = partition(files, jobs)
    if len(shares) < 2:
        return None
    prepare()
    pending: list[tuple[int, int]] = []
    results: list[Share | None] = []
    try:
        try:
            for share in shares[1:]:
                pending.append(_fork(work, [files[i] for i in share], style))
        except OSError:  # no process to be had: one process checks everything
            return None
        try:
            results.append(work([files[i] for i in shares[0]], style))
        except (Exception, RecursionError):
            results.append(None)
            for pid, _ in pending:  # the check starts again in one process: the workers' work is not needed
                _kill(pid)
        while pending:
            results.append(_collect(*pending[0]))
            pending.pop(0)
    finally:
        for pid, fd in pending:  # interrupted, or a fork failed: leave no process behind
            _kill(pid)
            _collect(pid, fd)
    if any(r is None for r in results):
        return None
    return merge(keys, [r for r in results if r is not None], initial)


def _fork(
    work: Callable[[list[Path], Callable[[Any], list[Diagnostic]]], Share],
    files: list[Path],
    style: Callable[[Any], list[Diagnostic]],
) -> tuple[int, int]:
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: check, send, and leave without running the parent's exit handlers
        code = 70
        try:
            os.close(read_end)
            data = pickle.dumps(work(files, style), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            code = 0
        except BaseException:
            pass
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def _collect(pid: int, fd: int) -> Share | None:
    """Read a worker's whole answer (before waiting: a full pipe would block it), then reap it."""
    chunks = []
    try:
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError:
        chunks = []
    finally:
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:  # already reaped
        return None
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not chunks:
        return None
    try:
        share = pickle.loads(b"".join(chunks))
    except Exception:
        return None
    return share if isinstance(share, Share) else None


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
