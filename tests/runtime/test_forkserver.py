"""The warm fork server worker processes are forked from (`-w N` and `--cluster local:N`)."""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

import pytest

from panoptic.compiler import compile_paths
from panoptic.runtime.forkserver import platform_modules, warm_forkserver
from panoptic.runtime.warm import warm

needs_forkserver = pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server on this platform"
)


def test_workers_preload_the_backends_of_the_apps_and_their_drivers(tmp_path: Path) -> None:
    path = tmp_path / "suite.pan"
    path.write_text(
        'app shop: web {\n    url: "http://127.0.0.1:9"\n}\n\n'
        'app admin: web {\n    url: "http://127.0.0.1:8"\n}\n\n'
        'scenario "a" on shop {\n    log "x"\n}\n'
    )
    result = compile_paths([str(path)])
    assert not result.has_errors
    program = result.program
    assert platform_modules(program) == ["panoptic.backends.web.backend", "playwright.sync_api"]
    assert platform_modules(program, (("web", "runtime_fakes:FakeBackend"),)) == ["runtime_fakes"]


def test_warm_imports_what_it_can_and_skips_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pan_warm_ok.py").write_text("VALUE = 1\n")
    (tmp_path / "pan_warm_broken.py").write_text("raise RuntimeError('broken at import')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert warm("pan_warm_ok, pan_warm_broken,pan_warm_missing,,") == ["pan_warm_ok"]
    assert "pan_warm_ok" in sys.modules


@needs_forkserver
def test_the_fork_server_is_stopped_and_reaped_afterwards() -> None:
    from multiprocessing import forkserver

    server = forkserver._forkserver  # type: ignore[attr-defined]
    if server._forkserver_pid is not None:
        pytest.skip("this test process already runs a fork server")
    with warm_forkserver(["json"]) as forked:
        assert forked
        pid = server._forkserver_pid
        assert isinstance(pid, int) and Path(f"/proc/{pid}").exists()
        assert "PANOPTIC_WORKER_PRELOAD" not in os.environ  # only the server's start saw it
    assert server._forkserver_pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no defunct child is left


def _loaded(names: list[str], out) -> None:
    out.put([name in sys.modules for name in names])


@needs_forkserver
def test_a_process_forked_from_the_server_has_the_modules_already() -> None:
    from multiprocessing import forkserver

    if forkserver._forkserver._forkserver_pid is not None:  # type: ignore[attr-defined]
        pytest.skip("this test process already runs a fork server")
    names = ["panoptic.backends.web.backend", "pan_warm_not_there"]
    with warm_forkserver(names) as forked:
        assert forked
        ctx = multiprocessing.get_context("forkserver")
        out = ctx.SimpleQueue()
        child = ctx.Process(target=_loaded, args=(names, out))
        child.start()
        found = out.get()
        child.join(30)
    assert found == [True, False]
