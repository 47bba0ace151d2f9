"""Parse many sources on several cores: forked workers share the parser the parent already loaded.

`parse_many(sources)` returns the same list as `[parse_source(s) for s in
sources]`, in the same order. The parent loads the grammar once, forks one
worker for each extra core, parses its own share meanwhile, then reads the
workers' results (pickled modules and diagnostics) from pipes. A worker that
fails in any way has its share parsed again by the parent, so the result
never depends on the workers.

Where fork is unavailable, with one core, or for little text, it parses in
the calling process: forking and moving the syntax trees back cost more than
they save on small inputs.
"""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Sequence

from panoptic.diagnostics import Diagnostic
from panoptic.source import Source
from panoptic.syntax import ast

MIN_CHARS_PER_WORKER = 60_000  # below this a worker's share is not worth a fork

Parsed = tuple[ast.Module, list[Diagnostic]]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _shares(sources: Sequence[Source], count: int, parent_weight: float) -> list[list[int]]:
    """Split source indexes into `count` shares of similar text size; share 0 (the parent's) is lighter."""
    weights = [parent_weight] + [1.0] * (count - 1)
    loads = [0.0] * count
    shares: list[list[int]] = [[] for _ in range(count)]
    for index in sorted(range(len(sources)), key=lambda i: -len(sources[i].text)):
        k = min(range(count), key=lambda j: (loads[j] + len(sources[index].text)) / weights[j])
        shares[k].append(index)
        loads[k] += len(sources[index].text)
    return shares


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def parse_many(sources: Sequence[Source], workers: int | None = None, parent_weight: float = 1.0) -> list[Parsed]:
    """Parse every source (in parallel where that pays) and return the results in order.

    `workers` is the number of processes including this one (default: the usable cores);
    `parent_weight` scales the calling process's share (it also unpickles what the workers send).
    """
    from panoptic.syntax.parser import lark_parser, parse_source

    total = sum(len(s.text) for s in sources)
    count = workers if workers is not None else _cores()
    count = max(1, min(count, len(sources), total // MIN_CHARS_PER_WORKER or 1))
    if count < 2 or not hasattr(os, "fork"):
        return [parse_source(s) for s in sources]

    lark_parser()  # load the grammar before forking, so every worker inherits it
    shares = _shares(sources, count, parent_weight)
    children: list[tuple[int, int, list[int]]] = []  # (pid, read end, share)
    for share in shares[1:]:
        read_fd, write_fd = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            shares[0].extend(share)
            continue
        if pid == 0:  # worker: parse, send, and leave without running any cleanup of the parent's
            code = 0
            try:
                os.close(read_fd)
                data = pickle.dumps([parse_source(sources[i]) for i in share], protocol=pickle.HIGHEST_PROTOCOL)
                view = memoryview(data)
                while view:
                    written = os.write(write_fd, view)
                    view = view[written:]
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write_fd)
        children.append((pid, read_fd, share))

    results: list[Parsed | None] = [None] * len(sources)
    for i in shares[0]:
        results[i] = parse_source(sources[i])
    for pid, read_fd, share in children:
        data = _read_all(read_fd)
        _, status = os.waitpid(pid, 0)
        parsed: list[Parsed] | None = None
        if os.waitstatus_to_exitcode(status) == 0:
            enabled = gc.isenabled()
            gc.disable()  # unpickling builds many objects: the cyclic collector would triple its cost
            try:
                parsed = pickle.loads(data)
            except Exception:
                parsed = None
            finally:
                if enabled:
                    gc.enable()
        if parsed is None or len(parsed) != len(share):
            parsed = [parse_source(sources[i]) for i in share]
        for i, item in zip(share, parsed, strict=True):
            results[i] = item
    return [r for r in results if r is not None]
