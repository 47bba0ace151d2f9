"""junit.xml parsed back with ElementTree."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from panoptic.report import build_model, write_reports
from panoptic.report.junit import render_junit

from .helpers import write_results


def test_suites_cases_and_outcomes(run):
    root = ET.fromstring(render_junit(build_model(run.events)))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("4", "1", "0", "1")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "shop.pan" and suite.get("tests") == "4"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"checkout <b>works</b>", "search finds items", "sometimes slow", "not yet"}
    failed = cases["checkout <b>works</b>"]
    assert failed.get("classname") == "shop" and failed.get("file") == "shop.pan" and failed.get("line") == "12"
    failure = failed.find("failure")
    assert failure.get("type") == "PAN901"
    assert failure.get("message") == 'expected "#cart-count" to have text "1"'
    assert failure.text.startswith("shop.pan:14:5: PAN901")
    assert "expected: 1\nactual: 0" in failure.text and "did you mean: #cart-counter, #cart" in failure.text
    assert "[[ATTACHMENT|artifacts/checkout/failure.png]]" in failed.find("system-out").text
    assert cases["search finds items"].find("failure") is None and len(cases["search finds items"]) == 0
    flaky = cases["sometimes slow"]
    assert flaky.find("failure") is None
    props = {p.get("name"): p.get("value") for p in flaky.find("properties")}
    assert props == {"flaky": "true", "attempts": "2"}
    assert "flaky: passed on attempt 2" in flaky.find("system-out").text
    assert cases["not yet"].find("skipped").get("message") == "skipped: not implemented"
    assert float(failed.get("time")) == 5.2


def test_control_characters_do_not_break_the_xml(run):
    import dataclasses

    from panoptic.runtime.events import ScenarioFinished

    events = [
        dataclasses.replace(e, failure=dataclasses.replace(e.failure, message="bad \x1b[31m byte \x00"))
        if isinstance(e, ScenarioFinished) and e.failure and e.status == "failed" and "checkout" in e.scenario
        else e
        for e in run.events
    ]
    root = ET.fromstring(render_junit(build_model(events)))
    assert "bad" in root.find(".//failure").get("message")


def test_attachment_paths_follow_the_output_folder(run):
    results = write_results(run.events, run.folder / "out" / "results.jsonl")
    paths = write_reports(results, run.folder / "elsewhere")
    root = ET.parse(paths["junit"]).getroot()
    assert "[[ATTACHMENT|../out/artifacts/checkout/failure.png]]" in root.find(".//system-out").text


def test_retries_follow_surefire_as_a_real_consumer_reads_them(run, tmp_path):
    """junitparser's xunit2 model (Surefire's schema) sees flaky attempts and reruns."""
    import dataclasses

    from junitparser.xunit2 import JUnitXml

    from panoptic.runtime.events import ScenarioFinished, ScenarioStarted, StepFinished, StepStarted

    events = list(run.events)
    # the "checkout" scenario failed; give it a second, also failing, attempt (retries that never passed)
    first = next(e for e in events if isinstance(e, ScenarioFinished) and e.status == "failed")
    sid = first.scenario
    rerun_failure = dataclasses.replace(first.failure, message="still no badge")
    header = next(e for e in events if isinstance(e, ScenarioStarted) and e.scenario == sid)
    at = events.index(first) + 1
    events[at:at] = [
        dataclasses.replace(header, attempt=2),
        StepStarted(sid, "0", "ui.click", 'click "#x"', header.span, (), "body", header.at + 10),
        StepFinished(sid, "0", "failed", 0.1, rerun_failure),
        dataclasses.replace(first, attempt=2, failure=rerun_failure),
    ]
    path = tmp_path / "junit.xml"
    path.write_bytes(render_junit(build_model(events)))
    cases = {case.name: case for suite in JUnitXml.fromfile(str(path)) for case in suite}
    flaky = cases["sometimes slow"]
    assert [f.message for f in flaky.flaky_failures()] == ['no element matches "#slow" within 5s']
    assert flaky.is_passed and not flaky.rerun_failures()
    failed = cases["checkout <b>works</b>"]
    assert [r.message for r in failed.result] == ['expected "#cart-count" to have text "1"']
    assert [r.message for r in failed.rerun_failures()] == ["still no badge"]
    assert "PAN901" in failed.rerun_failures()[0].stack_trace
