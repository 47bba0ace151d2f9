"""The cloud family's run handler.

`cloud sync to URL` uploads the run's output folder *as it is when the step
runs*: `results.jsonl.gz` holds every scenario that finished before it (the
writer flushes after each one), the artifacts written so far, and no
`report.html` yet (reports are rendered when the run ends). The step's message
says exactly what it uploaded. It also records the URL in the output folder
(`.panoptic-sync.json`); `finish_syncs(output_dir)` uploads the complete folder
to every recorded URL once the reports are written, and `panoptic sync` does
the same by hand (see docs/cloud.md for the CI recipe). A statement that
claimed to upload the final report from inside a scenario would report
success for something that had not happened yet.

`cloud cleanup older than AGE` works on the folder that holds this run's
folder (`panoptic-results/`) and never deletes the running run;
`cloud analytics` reads the runs beside this one (never the running one) and
writes `analytics.json` and `analytics.html` as artifacts of the step.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from panoptic.contract.family import BaseRuntime, RunContext, StepContext, StepResult
from panoptic.families.cloud.errors import BadArgument, CloudError

PENDING = ".panoptic-sync.json"


class CloudRuntime(BaseRuntime):
    """Runs `cloud.sync`, `cloud.cleanup` and `cloud.analytics` steps."""

    def start(self, run: RunContext) -> None:
        self.run = run

    @property
    def _run(self) -> RunContext:
        if self.run is None:
            raise CloudError("the cloud family was used before the run started")
        return self.run

    def perform(self, action: str, args: Mapping[str, Any], step: StepContext) -> StepResult | str | None:
        op = action.partition(".")[2]
        if op == "sync":
            return self._sync(str(args["url"]), step)
        if op == "cleanup":
            return self._cleanup(args.get("location"), args.get("age"), step)
        if op == "analytics":
            return self._analytics(args.get("source"), step)
        if op == "lock":
            return self._lock(str(args["name"]), args.get("wait"), step)
        raise CloudError(f"unknown cloud action `{action}`", help="this Panoptic's cloud family does not have it")

    def _lock(self, name: str, wait: Any, step: StepContext) -> str:
        from panoptic.families.cloud.locks import DEFAULT_WAIT, held

        if not name.strip():
            raise CloudError("a lock needs a name", help='write `lock "account-a" { … }`')
        assert step.run_block is not None
        started = time.monotonic()
        seconds = float(wait) if wait is not None else DEFAULT_WAIT
        with held(name, seconds, self._run.project_dir, step.should_stop) as where:
            waited = time.monotonic() - started
            step.run_block()
        return f"held `{name}` ({where} lock, waited {waited:.2f}s)"

    def _sync(self, url_text: str, step: StepContext) -> str:
        from panoptic.families.cloud.storage import resolve_url
        from panoptic.families.cloud.sync import format_bytes, sync_results

        run = self._run
        url = resolve_url(url_text, run.project_dir)
        result = sync_results(run.output_dir, url, base_dir=run.project_dir, should_stop=step.should_stop)
        record_pending(run.output_dir, url_text)
        return step.mask(
            f"uploaded {result.uploaded} file(s) ({format_bytes(result.bytes_uploaded)}), {result.skipped} unchanged, "
            f"to {result.destination}/{result.runs[0]} (the run so far; the reports follow when the run ends)"
        )

    def _cleanup(self, location: Any, age: Any, step: StepContext) -> str:
        from panoptic.families.cloud.cleanup import cleanup

        run = self._run
        if not isinstance(age, (int, float)) or age <= 0:
            raise BadArgument(f"the retention must be a positive duration, not {age!r}", help="write e.g. 30d")
        if location is None:
            target: Any = run.output_dir.parent
            keep = {run.output_dir.name}
        else:
            from panoptic.families.cloud.storage import resolve_url

            target = resolve_url(str(location), run.project_dir)
            keep = set()
            if target.scheme == "file" and Path(target.path).resolve() == run.output_dir.parent.resolve():
                keep = {run.output_dir.name}
        result = cleanup(str(target) if isinstance(target, Path) else target, float(age), keep=keep)
        return step.mask(result.summary())

    def _analytics(self, source: Any, step: StepContext) -> StepResult:
        from panoptic.families.cloud.analytics import analyse, load_runs, write_analytics
        from panoptic.families.cloud.errors import NoResults

        run = self._run
        sources = [str(source)] if source is not None else [str(run.output_dir.parent)]
        notes: list[str] = []
        runs = load_runs(sources, base_dir=run.project_dir, exclude=[run.output_dir], notes=notes)
        if not runs:
            raise NoResults(
                f"no earlier runs were found in {sources[0]}",
                help="analytics reads the results of earlier runs; run the suite once, or name a folder or bucket",
            )
        data = analyse(runs)
        json_path, json_art = step.scenario.artifact("json", "analytics.json", "analytics")
        _html_path, html_art = step.scenario.artifact("html", "analytics.html", "analytics")
        write_analytics(data, json_path.parent)
        s = data["summary"]
        rate = "no scenario ran" if s["mean_pass_rate"] is None else f"mean pass rate {s['mean_pass_rate'] * 100:.1f}%"
        message = f"{s['runs']} run(s), {s['scenario_results']} scenario results, {rate}, {s['flaky_scenarios']} flaky"
        if notes:
            message += f"; skipped {len(notes)} unreadable results file(s)"
        return StepResult(message=step.mask(message), artifacts=(json_art, html_art))


def record_pending(output_dir: Path, url: str) -> None:
    """Remember that this run is to be synced to `url` once its reports exist (see `finish_syncs`)."""
    path = output_dir / PENDING
    try:
        urls = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    except (OSError, ValueError):
        urls = []
    if url not in urls:
        urls.append(url)
        tmp = path.with_name(f"{PENDING}.{os.getpid()}")
        try:
            tmp.write_text(json.dumps(urls), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # the step's upload happened; only the final one is not recorded


def finish_syncs(output_dir: Path, *, project_dir: Path | None = None) -> list[str]:
    """Upload the finished run to every URL its `cloud sync` steps named; return one line per URL.

    Meant for the end of a run, after the reports are written. A failure is reported in the
    returned line (with its code), never raised: the run's own result stands.
    """
    from panoptic.families.cloud.sync import sync_results

    path = output_dir / PENDING
    try:
        urls = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    lines = []
    for url in urls:
        try:
            lines.append(sync_results(output_dir, url, base_dir=project_dir).summary())
        except CloudError as exc:
            lines.append(f"error[{exc.code}]: {exc.message}")
    return lines
