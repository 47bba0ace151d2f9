"""`junit.xml`: one testsuite per `.pan` file, one testcase per scenario.

Failed scenarios get `<failure>`, errored ones `<error>`, skipped ones
`<skipped>`, each with the message, the code and `file:line:col`. Retries
follow Maven Surefire's schema, which CI servers read: a flaky scenario (failed,
then passed on a retry) passed and carries one `<flakyFailure>` (or
`<flakyError>`) per failed attempt; a scenario that failed every attempt has its
first failure as `<failure>`/`<error>` and each later one as `<rerunFailure>`/
`<rerunError>`. Planned scenarios that never ran (the run was interrupted or
killed) are skipped cases saying so.
"""

from __future__ import annotations

import os
import re
import time
from collections import OrderedDict
from pathlib import Path
from xml.etree import ElementTree as ET

from panoptic.report.model import RunResult, ScenarioResult, StepResult
from panoptic.runtime.events import ERROR, FAILED, FLAKY, SKIPPED, Failure

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _secs(value: float) -> str:
    return f"{value:.3f}"


def _classname(file: str) -> str:
    stem = file[:-4] if file.endswith(".pan") else file
    return stem.replace("\\", "/").strip("./").replace("/", ".") or "panoptic"


def failure_text(f: Failure) -> str:
    """The body of a failure element: location, message, expected/actual, candidates, help."""
    lines = [f"{f.span}: {f.code}: {f.message}" if f.span else f"{f.code}: {f.message}"]
    if f.expected is not None:
        lines.append(f"expected: {f.expected}")
    if f.actual is not None:
        lines.append(f"actual: {f.actual}")
    if f.candidates:
        lines.append("did you mean: " + ", ".join(f.candidates))
    for frame in f.chain:
        lines.append(f"in flow {frame.flow} called at {frame.span}")
    if f.help:
        lines.append(f"help: {f.help}")
    return _clean("\n".join(lines))


def _testcase(sc: ScenarioResult, artifact_prefix: str) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "name": _clean(sc.title),
            "classname": _classname(sc.file),
            "file": sc.file,
            "line": str(sc.span.line),
            "time": _secs(sc.duration),
        },
    )
    failure = sc.failure
    if sc.status in (FAILED, ERROR):
        attempts = [a for a in sc.attempts if a.status in (FAILED, ERROR)] or [sc.final]
        first, reruns = attempts[0], attempts[1:]
        tag = "failure" if first.status == FAILED else "error"
        f = first.failure or failure or Failure(code="PAN900", message=f"scenario {sc.status}", span=sc.span)
        elem = ET.SubElement(case, tag, {"message": _clean(f.message), "type": f.code})
        elem.text = failure_text(f)
        for attempt in reruns:
            _interim(case, "rerunFailure" if attempt.status == FAILED else "rerunError", attempt.failure, sc)
    elif sc.status == SKIPPED:
        attrs = {"message": _clean(failure.message)} if failure else {}
        ET.SubElement(case, "skipped", attrs)
    elif sc.status == FLAKY:
        for attempt in sc.attempts:
            if attempt.status in (FAILED, ERROR):
                _interim(case, "flakyFailure" if attempt.status == FAILED else "flakyError", attempt.failure, sc)
        props = ET.SubElement(case, "properties")
        ET.SubElement(props, "property", {"name": "flaky", "value": "true"})
        ET.SubElement(props, "property", {"name": "attempts", "value": str(len(sc.attempts))})
        failed = [a for a in sc.attempts if a.failure is not None]
        out = ET.SubElement(case, "system-out")
        note = f"flaky: passed on attempt {sc.final.number} after {len(sc.attempts) - 1} failed attempt(s)"
        if failed and failed[-1].failure is not None:
            note += "\n" + failure_text(failed[-1].failure)
        out.text = _clean(note)
    _healed(case, sc)
    if sc.status in (FAILED, ERROR):
        attachments = [a for a in sc.artifacts if a.kind in ("screenshot", "video", "trace")]
        if attachments:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(f"[[ATTACHMENT|{artifact_prefix}{a.path}]]" for a in attachments)
    return case


def healed_steps(steps: tuple[StepResult, ...]) -> list[StepResult]:
    """The steps (nested ones included) whose target was self-healed, in order."""
    out: list[StepResult] = []
    for s in steps:
        if s.healed:
            out.append(s)
        out.extend(healed_steps(s.children))
    return out


def _healed(case: ET.Element, sc: ScenarioResult) -> None:
    """A `healed` property per self-healed step of the final attempt, and the same lines in `system-out`."""
    lines = [f"healed: {s.span}: {s.healed}" for s in healed_steps(sc.final.steps)]
    if not lines:
        return
    props = case.find("properties")
    if props is None:
        props = ET.Element("properties")
        case.insert(0, props)
    for line in lines:
        ET.SubElement(props, "property", {"name": "healed", "value": _clean(line[len("healed: ") :])})
    out = case.find("system-out")
    if out is None:
        out = ET.SubElement(case, "system-out")
    out.text = _clean("\n".join(([out.text] if out.text else []) + lines))


def _interim(case: ET.Element, tag: str, failure: Failure | None, sc: ScenarioResult) -> None:
    """A Surefire `flakyFailure`/`rerunFailure` (or …Error): message and type, the full text as `stackTrace`."""
    f = failure or Failure(code="PAN900", message="the attempt failed", span=sc.span)
    elem = ET.SubElement(case, tag, {"message": _clean(f.message), "type": f.code})
    ET.SubElement(elem, "stackTrace").text = failure_text(f)


def never_ran(model: RunResult) -> list[tuple[str, str, str]]:
    """(file, title, reason) of each planned scenario with no result: the run was interrupted or killed first."""
    ran = {sc.id for sc in model.scenarios}
    out: list[tuple[str, str, str]] = []
    for info in model.runs:
        if not info.finished:
            reason = "not run: the run stopped before it finished (killed or crashed)"
        elif info.interrupted:
            reason = "not run: the run was interrupted"
        else:
            reason = "not run"
        for sid in info.planned:
            if sid not in ran:
                ran.add(sid)
                file, sep, title = sid.partition("::")
                out.append((file, title, reason) if sep else ("", sid, reason))
    return out


def _not_run_case(file: str, title: str, reason: str) -> ET.Element:
    case = ET.Element(
        "testcase", {"name": _clean(title), "classname": _classname(file), "file": file, "time": _secs(0.0)}
    )
    ET.SubElement(case, "skipped", {"message": _clean(reason)})
    return case


def render_junit(model: RunResult, artifact_prefix: str = "") -> bytes:
    """The JUnit XML document (UTF-8 bytes) of a model; planned scenarios that never ran are skipped cases."""
    by_file: OrderedDict[str, list[ScenarioResult]] = OrderedDict()
    for sc in model.scenarios:
        by_file.setdefault(sc.file, []).append(sc)
    missing: OrderedDict[str, list[tuple[str, str, str]]] = OrderedDict()
    for entry in never_ran(model):
        missing.setdefault(entry[0], []).append(entry)
        by_file.setdefault(entry[0], [])
    counts = model.counts
    root = ET.Element(
        "testsuites",
        {
            "name": "panoptic",
            "tests": str(model.total + sum(map(len, missing.values()))),
            "failures": str(counts.get(FAILED, 0)),
            "errors": str(counts.get(ERROR, 0)),
            "skipped": str(counts.get(SKIPPED, 0) + sum(map(len, missing.values()))),
            "time": _secs(model.duration),
        },
    )
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(model.started_at)) if model.started_at else ""
    for file, scenarios in by_file.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": file,
                "file": file,
                "tests": str(len(scenarios) + len(missing.get(file, ()))),
                "failures": str(sum(s.status == FAILED for s in scenarios)),
                "errors": str(sum(s.status == ERROR for s in scenarios)),
                "skipped": str(sum(s.status == SKIPPED for s in scenarios) + len(missing.get(file, ()))),
                "time": _secs(sum(s.duration for s in scenarios)),
                "timestamp": stamp,
            },
        )
        suite.extend(_testcase(sc, artifact_prefix) for sc in scenarios)
        suite.extend(_not_run_case(*entry) for entry in missing.get(file, ()))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_junit(model: RunResult, base_dir: Path, output_dir: Path, name: str = "junit.xml") -> Path:
    """Write `junit.xml` into `output_dir` (attachment paths relative to it) and return its path."""
    rel = os.path.relpath(base_dir, output_dir)
    prefix = "" if rel == "." else Path(rel).as_posix() + "/"
    path = output_dir / name
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(render_junit(model, prefix))
    os.replace(tmp, path)
    return path
