"""`panoptic check` split over forked processes finds exactly what one process finds, in the same order."""

from __future__ import annotations

import importlib.util
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from panoptic.commands.check import run_check
from panoptic.compiler import parallel_check
from panoptic.compiler.files import collect_files
from panoptic.formatting import style_diagnostics

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _gen_suite():
    if "_panoptic_gen_suite" in sys.modules:
        return sys.modules["_panoptic_gen_suite"]
    spec = importlib.util.spec_from_file_location("_panoptic_gen_suite", ROOT / "benchmarks" / "gen_suite.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["_panoptic_gen_suite"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _compare(paths: list[str], *, merged: bool = True, jobs: int = 2) -> list:
    """Both checks give the same diagnostics in the same order; `merged`: the parallel one needed no fallback."""
    sequential = run_check(paths, use_cache=False, jobs=1)
    parallel = run_check(paths, use_cache=False, jobs=jobs, min_bytes=0)
    assert parallel == sequential
    files, io_diags = collect_files(paths)
    found = parallel_check.check_parallel(files, io_diags, jobs, style_diagnostics)
    assert (found is not None) == merged
    if found is not None:
        assert sorted(found.diagnostics, key=lambda d: d.sort_key()) == sequential[0]
    return sequential[0]


def _codes(diags) -> list[tuple[str, str]]:
    return [(d.code, Path(d.span.file).name if d.span else "") for d in diags]


COMMON_APPS = """\
app shop: web {
    url: "http://127.0.0.1:9"
}

app phone: mobile {
    platform: "android"
    browser: "chrome"
}

app bare_phone: mobile {
    platform: "android"
}

app notes: desktop {
    cwd: "."
}
"""


def test_every_example_and_stdlib_file() -> None:
    pans = sorted(str(p) for p in [*ROOT.glob("examples/**/*.pan"), *ROOT.glob("stdlib/*.pan")])
    assert len(pans) > 5
    _compare(pans)
    for folder in sorted({str(Path(p).parent) for p in pans}):
        _compare([folder], merged=_merges([folder]))


def _merges(paths: list[str]) -> bool:
    files, io_diags = collect_files(paths)
    if len(files) < 2:
        return False
    return parallel_check.check_parallel(files, io_diags, 2, style_diagnostics) is not None


def test_golden_diagnostic_files_together(tmp_path: Path) -> None:
    golden = ROOT / "tests" / "core" / "golden" / "diagnostics"
    _compare([str(golden)], merged=_merges([str(golden)]))
    for folder in ("titles_in_two_files", "use_diamond", "use_cycle"):
        _compare([str(golden / folder)], merged=_merges([str(golden / folder)]))


@pytest.mark.parametrize("jobs", [2, 3])
def test_generated_suite_with_errors(tmp_path: Path, jobs: int) -> None:
    _gen_suite().generate(tmp_path, files=6, per_file=4)
    pan = tmp_path / "pan"
    files = sorted(pan.glob("shop_*.pan"))
    text = files[0].read_text()
    files[0].write_text(text.replace('open "/products/0"', 'opne "/products/0"', 1) + "\nflow never_called() {\n}\n")
    text = files[1].read_text()
    files[1].write_text(text.replace("login(user, password)", "login(user)", 1).replace("    ", "  ", 3))
    text = files[2].read_text()
    files[2].write_text(text + '\nscenario "broken {\n    click\n')
    text = files[3].read_text()
    files[3].write_text(text.replace('use "./common.pan"', 'use "./missing.pan"'))
    common = pan / "common.pan"
    common.write_text(common.read_text() + "\nlet never_read = 1\nflow not_called() {\n    let local = 2\n}\n")
    diags = _compare([str(pan)], jobs=jobs)
    codes = {d.code for d in diags}
    assert {"PAN201", "PAN302", "PAN501", "PAN209", "PAN503"} <= codes
    assert not any(
        d.code in ("PAN213", "PAN214") and d.span.file.endswith("common.pan") and "local" not in d.message
        for d in diags
    )


def test_flow_used_only_from_the_other_share(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "x.pan": COMMON_APPS + 'flow helper() {\n    click "#a"\n}\n\nflow spare() {\n    click "#b"\n}\n\n'
            "let shared = 1\n",
            "y.pan": 'use "./x.pan"\n\nscenario "uses x" on shop {\n    helper()\n    log "${shared}"\n}\n',
        },
    )
    diags = _compare([str(tmp_path / "x.pan"), str(tmp_path / "y.pan")])
    assert not any(d.code in ("PAN213", "PAN214") for d in diags)
    # Alone, x.pan reports its unused names: the merge had to drop them.
    alone = run_check([str(tmp_path / "x.pan")], use_cache=False)[0]
    assert {d.code for d in alone} >= {"PAN214", "PAN213"}


def test_unused_names_in_inputs_and_shared_modules(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "lib/shared.pan": COMMON_APPS
            + 'let unused_global = 1\n\nflow unused_flow() {\n    let unused_local = 2\n    click "#a"\n}\n\n'
            'flow used_flow() {\n    click "#b"\n}\n',
            "a.pan": 'use "./lib/shared.pan"\n\nlet own_unused = 3\n\nflow own_spare() {\n    click "#c"\n}\n\n'
            'scenario "a" on shop {\n    used_flow()\n}\n',
            "b.pan": 'use "./lib/shared.pan"\n\nscenario "b" on shop {\n    used_flow()\n    let x = 1\n}\n',
            "c.pan": COMMON_APPS + '\nlet lonely = 1\n\nscenario "c" on shop {\n    click "#z"\n}\n',
        },
    )
    inputs = [str(tmp_path / n) for n in ("a.pan", "b.pan", "c.pan")]
    diags = _compare(inputs)
    names = {d.message for d in diags if d.code in ("PAN213", "PAN214")}
    assert "`own_unused` is never used" in names
    assert "`unused_local` is never used" in names
    assert "`unused_global` is never used" not in names
    # The shared module as an input too: it is used, so its module-level names are not reported.
    _compare([*inputs, str(tmp_path / "lib" / "shared.pan")])
    _compare([str(tmp_path)])


def test_call_cycles_fall_back_to_one_process(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "lib/m1.pan": 'use "./m2.pan"\n\nflow p() {\n    q()\n}\n',
            "lib/m2.pan": 'use "./m1.pan"\n\nflow q() {\n    p()\n}\n\nflow r() {\n    r()\n}\n',
            "a.pan": COMMON_APPS + 'use "./lib/m1.pan"\n\nscenario "a" on shop {\n    p()\n}\n',
            "b.pan": COMMON_APPS + 'use "./lib/m2.pan"\n\nscenario "b" on shop {\n    q()\n    r()\n}\n',
        },
    )
    diags = _compare([str(tmp_path / "a.pan"), str(tmp_path / "b.pan")], merged=False)
    assert {"PAN210", "PAN211"} <= {d.code for d in diags}
    # A cycle inside one shared module, without a `use` cycle.
    _write(
        tmp_path,
        {
            "lib/loop.pan": "flow ping() {\n    pong()\n}\n\nflow pong() {\n    ping()\n}\n",
            "c.pan": COMMON_APPS + 'use "./lib/loop.pan"\n\nscenario "c" on shop {\n    ping()\n}\n',
            "d.pan": COMMON_APPS + 'use "./lib/loop.pan"\n\nscenario "d" on shop {\n    pong()\n}\n',
        },
    )
    diags = _compare([str(tmp_path / "c.pan"), str(tmp_path / "d.pan")], merged=False)
    assert "PAN211" in {d.code for d in diags}


def test_platform_checks_inside_a_shared_flow(tmp_path: Path) -> None:
    shared = (
        COMMON_APPS + '\nflow everywhere() {\n    tap "#x"\n    open "/x"\n    fill label "Name" with "n"\n'
        '    click role button "OK"\n}\n\nflow nested() {\n    everywhere()\n}\n'
    )
    _write(
        tmp_path,
        {
            "lib/shared.pan": shared,
            # The first scenario on a mobile app has a browser: `open` is fine there, so no later one reports it.
            "a.pan": 'use "./lib/shared.pan"\n\nscenario "a web" on shop {\n    nested()\n}\n\n'
            'scenario "a phone" on phone {\n    everywhere()\n}\n',
            "b.pan": 'use "./lib/shared.pan"\n\nscenario "b bare phone" on bare_phone {\n    nested()\n}\n\n'
            'scenario "b desktop" on notes {\n    everywhere()\n}\n\nscenario "b web" on shop {\n    everywhere()\n}\n',
            "c.pan": 'use "./lib/shared.pan"\n\nscenario "c desktop" on notes {\n    nested()\n}\n',
        },
    )
    inputs = [str(tmp_path / n) for n in ("a.pan", "b.pan", "c.pan")]
    diags = _compare(inputs)
    assert any(d.code == "PAN306" and d.labels for d in diags)
    # Each order of the inputs puts other scenarios first.
    _compare(list(reversed(inputs)))
    _compare([inputs[1], inputs[0], inputs[2]])
    # The share that checks b.pan alone reports `open` on a phone without a browser; with a.pan first, nobody does.
    alone = run_check([inputs[1]], use_cache=False)[0]
    assert any("needs a `browser` setting" in d.message for d in alone)
    assert not any("needs a `browser` setting" in d.message for d in diags)


def test_titles_ignores_and_syntax_errors(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "lib/shared.pan": COMMON_APPS + 'flow helper() {\n    tap "#x" # pan: ignore[PAN306]\n    wait 5\n'
            "    click\n}\n\nflow broken( {\n",
            "a.pan": 'use "./lib/shared.pan"\n\nscenario "same" on shop {\n    helper()\n}\n\n'
            'scenario "same" on shop {\n    helper()\n}\n',
            "b.pan": 'use "./lib/shared.pan"\n\nscenario "same" on notes {\n    helper()\n    # pan: ignore\n'
            '    tap "#y"\n    undefined_flow()  # pan: ignore[PAN203]\n}\n',
            "c.pan": 'use "./lib/shared.pan"\n\nscenario "unformatted" on shop {\n        helper()\n}\n',
        },
    )
    inputs = [str(tmp_path / n) for n in ("a.pan", "b.pan", "c.pan")]
    diags = _compare(inputs)
    codes = {d.code for d in diags}
    assert "PAN205" in codes and "PAN501" in codes
    assert any(d.code.startswith("PAN1") for d in diags)
    _compare([str(tmp_path)])


def test_cache_entry_is_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _gen_suite().generate(tmp_path / "suite", files=5, per_file=3)
    pan = str(tmp_path / "suite" / "pan")
    entries = []
    for jobs in (1, 2):
        cache = tmp_path / f"cache{jobs}"
        monkeypatch.setenv("PANOPTIC_CACHE_DIR", str(cache))
        first = run_check([pan], jobs=jobs, min_bytes=0)
        stored = list(cache.glob("*.check"))
        assert len(stored) == 1
        entries.append(pickle.loads(stored[0].read_bytes()))
        assert run_check([pan], jobs=jobs, min_bytes=0) == first  # a hit
    assert entries[0] == entries[1]


def _dies(how: str):
    parent = os.getpid()
    real = parallel_check.check_share

    def share(files, style):
        if os.getpid() != parent:
            if how == "exit":
                os._exit(3)
            if how == "raise":
                raise RuntimeError("worker bug")
            if how == "garbage":
                return "not a share"
        elif how == "parent":
            raise RuntimeError("parent bug")
        return real(files, style)

    return share


@pytest.mark.parametrize("how", ["exit", "raise", "garbage", "parent"])
def test_a_failing_process_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    _gen_suite().generate(tmp_path, files=4, per_file=3)
    pan = tmp_path / "pan"
    (pan / "shop_01.pan").write_text((pan / "shop_01.pan").read_text() + "\nflow spare() {\n    clik\n}\n")
    paths = [str(pan)]
    sequential = run_check(paths, use_cache=False, jobs=1)
    forked: list[int] = []
    real_fork = parallel_check._fork

    def fork(*args):
        pid, fd = real_fork(*args)
        forked.append(pid)
        return pid, fd

    monkeypatch.setattr(parallel_check, "check_share", _dies(how))
    monkeypatch.setattr(parallel_check, "_fork", fork)
    assert run_check(paths, use_cache=False, jobs=2, min_bytes=0) == sequential
    files, io_diags = collect_files(paths)
    assert parallel_check.check_parallel(files, io_diags, 2, style_diagnostics) is None
    assert forked
    for pid in forked:  # every worker was reaped: no zombie left
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_internal_error_in_a_share_gives_the_same_pan005(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from panoptic.compiler.lower import Lowerer

    _gen_suite().generate(tmp_path, files=4, per_file=2)
    pan = tmp_path / "pan"
    real = Lowerer._lower_scenarios

    def boom(self, mod):
        if mod.path.endswith("shop_02.pan"):
            raise KeyError("boom")
        return real(self, mod)

    monkeypatch.setattr(Lowerer, "_lower_scenarios", boom)
    diags = _compare([str(pan)], merged=False)
    assert [d.code for d in diags if d.code == "PAN005"] == ["PAN005"]


def test_jobs_for() -> None:
    files = sorted(ROOT.glob("examples/**/*.pan"))
    assert parallel_check.jobs_for(files, 1, min_bytes=0) == 1
    assert parallel_check.jobs_for(files[:1], 2, min_bytes=0) == 1
    assert parallel_check.jobs_for(files, 2, min_bytes=10**12) == 1
    expected = 2 if parallel_check.usable_cpus() >= 2 else 1
    assert parallel_check.jobs_for(files, None, min_bytes=0) == min(parallel_check.usable_cpus(), len(files))
    assert parallel_check.jobs_for(files, 2, min_bytes=0) == 2 or expected == 1
    shares = parallel_check.partition(files, 2)
    assert sorted(i for s in shares for i in s) == list(range(len(files)))
    assert all(s == sorted(s) for s in shares)
    assert shares == parallel_check.partition(files, 2)


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PANOPTIC_NO_CACHE": "1", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "panoptic", "check", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_cli_jobs(tmp_path: Path) -> None:
    _gen_suite().generate(tmp_path, files=20, per_file=25)  # the benchmark's size: large enough to fork
    pan = tmp_path / "pan"
    clean = [_cli(["-j", j, "--no-cache", "pan"], tmp_path) for j in ("1", "2", "0")]
    assert {(r.returncode, r.stdout) for r in clean} == {(0, clean[0].stdout)}
    (pan / "shop_03.pan").write_text((pan / "shop_03.pan").read_text() + '\nscenario "x" on shop {\n    clik\n}\n')
    (pan / "shop_17.pan").write_text((pan / "shop_17.pan").read_text().replace("    ", "   ", 1))
    for fmt in ("text", "json"):
        runs = [_cli(["--jobs", j, "--no-cache", "-f", fmt, "pan"], tmp_path) for j in ("1", "2")]
        runs.append(_cli(["--no-cache", "-f", fmt, "pan"], tmp_path))
        assert runs[0].returncode == 1
        assert {(r.returncode, r.stdout, r.stderr) for r in runs} == {(1, runs[0].stdout, runs[0].stderr)}
    strict = [_cli(["-j", j, "--strict", "pan"], tmp_path) for j in ("1", "2")]
    assert strict[0].returncode == strict[1].returncode == 1 and strict[0].stdout == strict[1].stdout
    assert _cli(["-j", "-1", "pan"], tmp_path).returncode == 2  # Typer's usage error
    helped = _cli(["--help"], tmp_path)
    assert "--jobs" in helped.stdout


def test_one_flow_statement_reported_for_two_platforms_keeps_the_order(tmp_path: Path) -> None:
    """The same statement and code for two platforms: equal sort keys, so the order of the claims decides."""
    _write(
        tmp_path,
        {
            "lib/shared.pan": COMMON_APPS + '\nflow everywhere() {\n    tap "#x"\n}\n',
            "a.pan": 'use "./lib/shared.pan"\n\nscenario "a" on shop {\n    everywhere()\n}\n',
            "b.pan": 'use "./lib/shared.pan"\n\n# a longer file, so that the two files land in different shares\n\n'
            'scenario "b" on notes {\n    everywhere()\n}\n\nscenario "b2" on shop {\n    everywhere()\n}\n',
        },
    )
    inputs = [str(tmp_path / "a.pan"), str(tmp_path / "b.pan")]
    assert [len(s) for s in parallel_check.partition([Path(p) for p in inputs], 2)] == [1, 1]
    diags = _compare(inputs)
    assert [d.message for d in diags if d.code == "PAN306"] == ["web apps cannot `tap`", "desktop apps cannot `tap`"]
    diags = _compare(list(reversed(inputs)))
    assert [d.message for d in diags if d.code == "PAN306"] == ["desktop apps cannot `tap`", "web apps cannot `tap`"]


def test_cache_entry_with_files_the_check_looked_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files and folders a check looked at (app settings, images, data files) are recorded in the same order."""
    (tmp_path / "site").mkdir()
    (tmp_path / "logo.png").write_bytes(b"png")
    (tmp_path / "users.csv").write_text("name\nann\nbob\n")
    _write(
        tmp_path,
        {
            "lib/apps.pan": 'app shop: web {\n    serve: "../site"\n}\n\napp notes: desktop {\n    cwd: "../gone"\n}\n\n'
            'flow look() {\n    click image "../logo.png"\n    click image "../missing.png"\n}\n',
            "lib/more.pan": 'use "./apps.pan"\n\nflow again() {\n    look()\n    click image "../other.png"\n}\n',
            "a.pan": 'use "./lib/more.pan"\nuse "./lib/apps.pan"\n\n'
            'scenario "sign in as ${row.name}" for each row in csv("users.csv") on shop {\n    again()\n}\n',
            "b.pan": 'use "./lib/apps.pan"\n\nscenario "b" on notes {\n    look()\n    click image "nope.png"\n}\n\n'
            'scenario "c" on shop {\n    click image "logo.png"\n}\n',
        },
    )
    inputs = [str(tmp_path / "a.pan"), str(tmp_path / "b.pan")]
    _compare(inputs)
    entries = []
    for jobs in (1, 2):
        cache = tmp_path / f"cache{jobs}"
        monkeypatch.setenv("PANOPTIC_CACHE_DIR", str(cache))
        run_check(inputs, jobs=jobs, min_bytes=0)
        (stored,) = cache.glob("*.check")
        entries.append(pickle.loads(stored.read_bytes()))
    assert len(entries[0].fs_checks) >= 6 and len(entries[0].deps) == 4
    assert entries[0] == entries[1]


_APPS = [
    'app shop: web {\n    url: "http://127.0.0.1:9"\n}\n',
    'app phone: mobile {\n    platform: "android"\n    browser: "chrome"\n}\n',
    'app bare: mobile {\n    platform: "android"\n}\n',
    'app notes: desktop {\n    cwd: "."\n}\n',
    'app shop: web {\n    serve: "nosuch"\n}\n',
]
_STATEMENTS = [
    'tap "#x"',
    'open "/x"',
    'click "#a"',
    'fill label "N" with "n"',
    'click role button "OK"',
    'clik "#a"',
    "wait 5",
    "let v = 1",
    'log "${undefined}"',
    'click image "logo.png"',
    'type "hi" into text "Name"',
    "go back",
    "back",
    'select "a" in "#b"',
    'fail "x"',
    '# pan: ignore\n    tap "#q"',
    'tap "#w" # pan: ignore[PAN306]',
]


def _random_suite(root: Path, rng) -> list[str]:
    """Modules that use each other (no cycles), flows calling flows, scenarios on apps of every platform."""

    def flow(name: str, calls: list[str]) -> str:
        words = _STATEMENTS if rng.random() < 0.3 else _STATEMENTS[:2] + _STATEMENTS[9:14]  # mostly per platform
        body = [rng.choice(words) for _ in range(rng.randint(0, 4))] + [f"{c}()" for c in calls]
        rng.shuffle(body)
        return f"flow {name}() {{\n" + "".join(f"    {b}\n" for b in body) + "}\n"

    (root / "lib").mkdir()
    flows: dict[int, list[str]] = {}
    for i in range(rng.randint(1, 3)):
        uses = [j for j in range(i) if rng.random() < 0.5]
        visible = [n for j in uses for n in flows[j]]
        flows[i] = [f"f{i}_{k}" for k in range(rng.randint(1, 3))]
        text = "".join(f'use "./lib{j}.pan"\n' for j in uses)
        text += rng.choice(_APPS) if rng.random() < 0.5 else ""
        text += f"let g{i} = 1\n" if rng.random() < 0.3 else ""
        for k, name in enumerate(flows[i]):
            callable_ = visible + flows[i][:k]
            text += flow(name, rng.sample(callable_, min(len(callable_), rng.randint(0, 2))))
        text += "flow broken( {\n" if rng.random() < 0.1 else ""
        (root / "lib" / f"lib{i}.pan").write_text(text)
    for f in range(rng.randint(2, 6)):
        uses = [j for j in flows if rng.random() < 0.8]
        visible = [n for j in uses for n in flows[j]]
        text = "".join(f'use "./lib/lib{j}.pan"\n' for j in uses)
        text += "use std.web\n" if rng.random() < 0.2 else ""
        text += rng.choice(_APPS) if rng.random() < 0.6 else ""
        text += f"let own{f} = 2\n" if rng.random() < 0.3 else ""
        text += flow(f"local{f}", []) if rng.random() < 0.3 else ""
        if f > 0 and rng.random() < 0.2:
            text = f'use "./in{f - 1}.pan"\n' + text
        for s in range(rng.randint(1, 4)):
            app = rng.choice(["shop", "phone", "bare", "notes", "nope"])
            calls = [f"{c}()" for c in rng.sample(visible, min(len(visible), rng.randint(1, 3)))]
            body = [rng.choice(_STATEMENTS) for _ in range(rng.randint(0, 3))] + calls
            rng.shuffle(body)
            title = rng.choice(["a", "b", f"s{s}"])
            text += "\n" * rng.randint(0, 5) + f'scenario "{title}" on {app} {{\n' + "".join(f"    {b}\n" for b in body)
            text += "}\n"
        (root / f"in{f}.pan").write_text(text.replace("    ", "  ", 1) if rng.random() < 0.1 else text)
    (root / "logo.png").write_bytes(b"png")
    files = [str(p) for p in sorted(root.glob("in*.pan"))]
    rng.shuffle(files)
    return [*files, str(root / "lib")] if rng.random() < 0.3 else files


@pytest.mark.parametrize("seed", range(20))
def test_random_suites(tmp_path: Path, seed: int) -> None:
    import random

    paths = _random_suite(tmp_path, random.Random(seed))
    sequential = run_check(paths, use_cache=False, jobs=1)
    for jobs in (2, 3):
        assert run_check(paths, use_cache=False, jobs=jobs, min_bytes=0) == sequential
    files, io_diags = collect_files(paths)
    assert parallel_check.check_parallel(files, io_diags, 2, style_diagnostics) is not None
