"""The pytest plugin (entry point `pytest11`): `.pan` scenarios are collected and run as test items.

    pytest suite/                 # every scenario of every .pan file under suite/
    pytest suite/ -m smoke        # tags are markers
    pytest suite/ -k checkout     # -k matches scenario titles
    pytest suite/ -n 2            # pytest-xdist: scenarios spread over workers

Each file is compiled once; a file with errors is a collection error showing
the diagnostics. Each scenario runs through the same runtime as `panoptic
run`, in its own shard folder; at the end the shards are merged into one
results folder (`--panoptic-output`, default `panoptic-results/pytest`) with
`results.jsonl.gz`, `report.html` and `junit.xml`. A failing scenario shows the
failure like `panoptic run` does: code, message, file:line:col, the source line
with a caret, expected and actual.

Consecutive scenarios share their backends as the scenarios of one `panoptic
run` do: each pytest process (each xdist worker) keeps one `BackendPool`, so
one browser serves them all, with a fresh browser context per scenario. It is
closed before an item that is not a `.pan` scenario runs, and at the end.

Fixtures: `panoptic_run(paths, **options)` runs files or folders through the
Python API into the test's temporary folder; `panoptic_flow(module, flow, *args)`
runs one flow of a `.pan` module in a scenario of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest

if TYPE_CHECKING:
    from panoptic.api import Results
    from panoptic.compiler.ir import Program
    from panoptic.runtime.events import Event, Failure, Listener
    from panoptic.runtime.execution import RunOptions
    from panoptic.runtime.platforms import BackendPool

DEFAULT_OUTPUT = "panoptic-results/pytest"
_OUTPUT_KEY = "panoptic_output"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("panoptic", "Panoptic .pan scenarios")
    group.addoption(
        "--panoptic-output",
        default=None,
        help=f"folder for the merged results and reports of .pan scenarios (default {DEFAULT_OUTPUT})",
    )
    group.addoption("--panoptic-headed", action="store_true", help="show the browser or app windows")
    group.addoption("--panoptic-timeout", type=float, default=None, help="default timeout of steps, in seconds")
    group.addoption("--no-panoptic", action="store_true", help="do not collect .pan files")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "panoptic: a scenario of a .pan file")
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and _OUTPUT_KEY in workerinput:
        output = Path(workerinput[_OUTPUT_KEY])
    else:
        output = Path(config.getoption("--panoptic-output") or DEFAULT_OUTPUT).resolve()
    config.stash[_OUTPUT] = output


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: every worker writes its shards into the controller's output folder."""
    node.workerinput[_OUTPUT_KEY] = str(node.config.stash[_OUTPUT])


_OUTPUT = pytest.StashKey[Path]()
_POOL = pytest.StashKey["BackendPool"]()  # this process's live backends, shared by consecutive scenarios
_SHARDS = "shards"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".pan" and not parent.config.getoption("--no-panoptic"):
        return PanFile.from_parent(parent, path=file_path)
    return None


class PanCompileError(Exception):
    """A `.pan` file has errors: its diagnostics, rendered."""


class PanFile(pytest.File):
    """A `.pan` file: one item per scenario defined in it (modules it uses contribute no items)."""

    def collect(self) -> Iterator[PanItem]:
        from panoptic.commands.check import print_diagnostics
        from panoptic.compiler import compile_paths
        from panoptic.diagnostics import Severity

        result = compile_paths([str(self.path)])
        errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
        if errors or result.program is None:
            import io

            text = io.StringIO()
            print_diagnostics(errors, result.sources, "text", files=len(result.files), stream=text)
            raise PanCompileError(text.getvalue())
        program = result.program
        mine = set(result.files)
        for index, scenario in enumerate(program.scenarios):
            if scenario.file not in mine:
                continue
            item = PanItem.from_parent(self, name=scenario.title, program=program, index=index)
            item.add_marker("panoptic")
            for tag in scenario.tags:
                marker = _marker_name(tag)
                self.config.addinivalue_line("markers", f"{marker}: the `{tag}` tag of .pan scenarios")
                item.add_marker(marker)
            yield item

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, PanCompileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class PanFailed(Exception):
    """A scenario failed or errored: the failure as `panoptic run` prints it."""


class PanItem(pytest.Item):
    """One scenario; run in its own shard of the session's results folder."""

    def __init__(self, *, program: Program, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.program = program
        self.index = index
        scenario = program.scenarios[index]
        self.scenario_id = scenario.id
        self.tags = scenario.tags

    def runtest(self) -> None:
        from panoptic.runtime.events import ScenarioFinished
        from panoptic.runtime.output import new_run_id

        events: list[Event] = []
        output: Path = self.config.stash[_OUTPUT]
        shard = output / _SHARDS / f"{_safe(self.nodeid)}-{new_run_id()}"
        code = _run_one(self, shard, events.append)
        finished = [e for e in events if isinstance(e, ScenarioFinished) and e.scenario == self.scenario_id]
        last = finished[-1] if finished else None
        if last is not None and last.status == "skipped":
            reason = last.failure.message if last.failure is not None else "skipped"
            pytest.skip(reason)
        if code != 0 or last is None or last.status in ("failed", "error"):
            failure = last.failure if last is not None else None
            raise PanFailed(self._render(failure, last.status if last is not None else "error", code))

    def _render(self, failure: Failure | None, status: str, code: int) -> str:
        if failure is None:
            return f"the scenario {status} (exit code {code})"
        from panoptic.compiler.files import source_lookup
        from panoptic.diagnostics.render import render_text
        from panoptic.runtime.console import failure_diagnostic

        return render_text(failure_diagnostic(failure), source_lookup({}), colour=False)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, PanFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        span = self.program.scenarios[self.index].span
        return self.path, span.line - 1, f"scenario: {self.name}"


def _run_one(item: PanItem, shard: Path, on_event: Callable[[Event], None]) -> int:
    from panoptic.report import RESULTS_FILE, JsonlWriter
    from panoptic.runtime.execution import SerialExecutor
    from panoptic.runtime.output import prepare_output_dir
    from panoptic.runtime.runner import RunOptions, execute

    out = prepare_output_dir(shard)
    writer = JsonlWriter(out / RESULTS_FILE)
    options = RunOptions(
        output_dir=out,
        run_id=shard.name,
        headed=bool(item.config.getoption("--panoptic-headed")),
        timeout=item.config.getoption("--panoptic-timeout"),
        command=f"pytest {item.nodeid}",
    )
    executor = SerialExecutor(_pool(item.config, item.program, options))
    try:
        outcome = execute(item.program, [item.index], options, [writer, cast("Listener", on_event)], executor=executor)
    finally:
        writer.close()
    return outcome.exit_code


def _pool(config: pytest.Config, program: Program, options: RunOptions) -> BackendPool:
    """This process's backend pool, made on the first scenario (the executor hands it each run's program)."""
    pool = config.stash.get(_POOL, None)
    if pool is None:
        pool = config.stash[_POOL] = options.pool(program)
    return pool


def _close_pool(config: pytest.Config) -> None:
    """Stop this process's browser and other backends (the next scenario starts them again)."""
    pool = config.stash.get(_POOL, None)
    if pool is not None:
        del config.stash[_POOL]
        pool.close()


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Keep the backends for the next scenario; close them before another kind of test (or none) runs."""
    if not isinstance(nextitem, PanItem):
        _close_pool(item.config)


def pytest_unconfigure(config: pytest.Config) -> None:
    _close_pool(config)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start with no shards of an earlier session (controller only: workers share its folder)."""
    if hasattr(session.config, "workerinput"):
        return
    import shutil

    shutil.rmtree(session.config.stash[_OUTPUT] / _SHARDS, ignore_errors=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Merge the scenarios' shards into one results folder with report.html and junit.xml (controller only)."""
    if hasattr(session.config, "workerinput"):
        return
    output: Path | None = session.config.stash.get(_OUTPUT, None)
    if output is None:
        return
    shards_dir = output / _SHARDS
    if not shards_dir.is_dir():
        return
    from panoptic.report import RESULTS_FILE
    from panoptic.report.merge import merge_results

    shards = sorted(shards_dir.glob(f"*/{RESULTS_FILE}"))
    if not shards:
        return
    merge_results(shards, output)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_line(f"panoptic results: {output} (report.html, junit.xml)")


def _marker_name(tag: str) -> str:
    """A marker for a tag: names stay as they are; other characters become `_`."""
    name = re.sub(r"\W", "_", tag)
    return name if name and not name[0].isdigit() else f"tag_{name}"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text)[-80:].strip("-")


# ---- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def panoptic_run(tmp_path: Path) -> Callable[..., Results]:
    """Run `.pan` files, folders or YAML configs: `panoptic_run("suite/", tags=["smoke"]).ok`."""
    import panoptic

    def run(paths: Any, **options: Any) -> Results:
        options.setdefault("output", tmp_path / "panoptic-results")
        return panoptic.run(paths, panoptic.Options(**options))

    return run


@pytest.fixture
def panoptic_flow(tmp_path: Path) -> Callable[..., Results]:
    """Run one flow of a `.pan` module with literal arguments: `panoptic_flow("shop.pan", "login", "ada", "pw")`.

    The flow runs in a scenario of its own on `app` (or the module's only app). Raises `panoptic.PanopticError`
    when the call does not check (an unknown flow, the wrong number of arguments).
    """
    import panoptic
    from panoptic.convert.build import Builder
    from panoptic.fmt import format_tree

    counter = iter(range(1_000_000))

    def call(module: str | Path, flow: str, *args: Any, app: str | None = None, **options: Any) -> Results:
        n = next(counter)
        path = tmp_path / f"flow_{n}.pan"
        compiled = panoptic.compile([str(module)])
        if compiled.program is None:
            raise panoptic.PanopticError(f"{module} does not check", compiled.diagnostics)
        apps = {a.name: a for a in compiled.program.apps}
        if app is None and len(apps) == 1:
            app = next(iter(apps))
        files = [Path(module).resolve()]
        if app in apps and Path(apps[app].span.file).resolve() not in files:  # the app may come from a used module
            files.append(Path(apps[app].span.file).resolve())
        b = Builder(str(path))
        uses = [b.use(str(file), is_path=True) for file in files]
        start = b.scenario_start()
        body = [b.statement([b.call(flow, [b.value(a) for a in args])])]
        scenario = b.scenario(start, f"{flow}({', '.join(repr(a) for a in args)})", app, (), body)
        path.write_text(format_tree(b.module([*uses, scenario])), encoding="utf-8")
        options.setdefault("output", tmp_path / f"panoptic-flow-{n}")
        return panoptic.run([str(path)], panoptic.Options(**options))

    return call
