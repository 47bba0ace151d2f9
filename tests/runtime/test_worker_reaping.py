"""A run with worker processes leaves no child process behind: workers and the resource tracker are reaped.

Each run happens in a fresh Python process (a test process may already have a
resource tracker of its own), which then lists its child processes from /proc.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
FAKE_WEB = "runtime_fakes:FakeBackend"
ROOT = HERE.parents[1]

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="lists child processes from /proc")

SCRIPT = r"""
import json, os, sys
from pathlib import Path
from panoptic.compiler import compile_paths
from panoptic.runtime.runner import RunOptions, execute
from panoptic.runtime.tracker import tracker_pid

suite, out, workers, cluster = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] or None
program = compile_paths([str(suite)]).program
options = RunOptions(
    output_dir=out, run_id="reap", workers=workers, cluster=cluster,
    backend_overrides=(("web", "runtime_fakes:FakeBackend"),),
)
outcome = execute(program, list(range(len(program.scenarios))), options, [])
children = []
for entry in os.listdir("/proc"):
    if not entry.isdigit():
        continue
    try:
        stat = Path(f"/proc/{entry}/stat").read_text()
    except OSError:
        continue
    state, ppid = stat.rsplit(")", 1)[1].split()[:2]
    if int(ppid) == os.getpid():
        children.append([int(entry), state, Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace")[:80]])
print(json.dumps({"exit": outcome.exit_code, "children": children, "tracker": tracker_pid()}))
"""

SUITE = """\
app shop: web {
    url: "fake://shop"
    timeout: 1s
}

scenario "one" on shop {
    wait 300ms
    click "#add-now"
}

scenario "two" on shop {
    click "#add-now"
}

scenario "three" on shop {
    expect "#count" has text "0"
}
"""


def _run_and_list_children(tmp_path: Path, workers: int, cluster: str = "") -> dict:
    suite = tmp_path / "suite.pan"
    suite.write_text(SUITE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]), "PANOPTIC_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(suite), str(tmp_path / "out"), str(workers), cluster],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_workers_and_their_resource_tracker_are_reaped(tmp_path: Path) -> None:
    found = _run_and_list_children(tmp_path, workers=2)
    assert found["exit"] == 0
    # neither a defunct worker nor the resource tracker (which would be left defunct when this process exits)
    assert found["children"] == []
    assert found["tracker"] is None


def test_a_local_cluster_run_leaves_no_child(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    found = _run_and_list_children(tmp_path, workers=1, cluster="local:2")
    assert found["exit"] == 0
    assert found["children"] == []
    assert found["tracker"] is None


def test_a_worker_with_nothing_left_exits_while_the_others_finish(compile_pan, tmp_path: Path) -> None:
    import multiprocessing

    from panoptic.runtime.runner import RunOptions, execute

    program = compile_pan(
        """
scenario "long" on shop {
    wait 4s
    click "#add-now"
}

scenario "short" on shop {
    click "#add-now"
}
"""
    )
    alive_when_long_finished: list[int] = []

    def live(event) -> None:
        if event.kind == "scenario_finished" and event.scenario.endswith("::long"):
            alive_when_long_finished.append(len(multiprocessing.active_children()))

    options = RunOptions(
        output_dir=tmp_path / "out", run_id="retire", workers=2, backend_overrides=(("web", FAKE_WEB),)
    )
    outcome = execute(program, [0, 1], options, [], live=[live])
    assert outcome.exit_code == 0
    # the worker that ran "short" had nothing left: it was told to stop, closed its backends and was reaped
    # while "long" still ran, so only the worker running "long" was left
    assert alive_when_long_finished == [1]
    assert multiprocessing.active_children() == []
