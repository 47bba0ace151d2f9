"""Starting a `--cluster local:N` cluster: the warm fork server its workers come from, and the cluster's settings."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import sys
from pathlib import Path

import pytest

from panoptic.families.cloud.local_cluster import local_cluster_config, preload_modules

pytest.importorskip("distributed")

needs_forkserver = pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server on this platform"
)


def _program(tmp_path: Path):
    from panoptic.compiler import compile_paths

    path = tmp_path / "suite.pan"
    path.write_text('app shop: web {\n    url: "http://127.0.0.1:9"\n}\n\nscenario "a" on shop {\n    log "x"\n}\n')
    result = compile_paths([str(path)])
    assert not result.has_errors
    return result.program


def test_workers_preload_dask_the_executor_and_the_backends_of_the_apps(tmp_path: Path) -> None:
    program = _program(tmp_path)
    assert preload_modules(program) == [
        "distributed",
        "panoptic.families.cloud.cluster",
        "panoptic.backends.web.backend",
        "playwright.sync_api",
    ]
    assert preload_modules(program, (("web", "runtime_fakes:FakeBackend"),))[-1] == "runtime_fakes"


def test_a_local_cluster_is_quiet_and_forks_its_workers_when_it_can() -> None:
    forked = local_cluster_config(True)
    assert forked["distributed.worker.multiprocessing-method"] == "forkserver"
    assert forked["distributed.worker.profile.enabled"] is False
    assert forked["distributed.scheduler.worker-saturation"] == 1.0
    assert "distributed.worker.multiprocessing-method" not in local_cluster_config(False)


@needs_forkserver
def test_ctrl_c_stops_a_local_cluster_run_quietly(tmp_path: Path) -> None:
    """Ctrl-C reaches the run, not its workers: exit 130, the report written, no Dask traceback, nothing left."""
    import signal
    import subprocess
    import time

    import psutil

    (tmp_path / "suite.pan").write_text(
        'app local: web {\n    url: "about:blank"\n}\n\n'
        + "".join(f'scenario "slow {i}" on local {{\n    wait 6s\n}}\n\n' for i in range(2)),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[3]), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "panoptic", "run", "suite.pan", "--cluster", "local:2", "-o", "out"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (tmp_path / "out" / "results.jsonl.gz").exists():
            assert proc.poll() is None, proc.communicate()[0]
            time.sleep(0.2)
        time.sleep(3.0)  # the scenarios are waiting on the workers
        family = psutil.Process(proc.pid).children(recursive=True)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to its foreground process group
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    assert (tmp_path / "out" / "report.html").is_file()
    # The scenarios that were waiting stopped at once and reported themselves interrupted, as with `-w N`.
    with gzip.open(tmp_path / "out" / "results.jsonl.gz", "rt", encoding="utf-8") as results:
        records = [json.loads(line) for line in results]
    started = {r["scenario"] for r in records if isinstance(r, dict) and r.get("kind") == "scenario_started"}
    finished = {r["scenario"]: r for r in records if isinstance(r, dict) and r.get("kind") == "scenario_finished"}
    assert started, records
    for scenario in started:
        assert finished[scenario]["failure"]["code"] == "PAN907", finished[scenario]
    time.sleep(1.0)
    left = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, [p.cmdline() for p in left]
