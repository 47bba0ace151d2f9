"""Event streams of two fake-backend runs, compared with golden files (timing fields normalised).

Rewrite them with `pytest tests/runtime --update-golden` after an intended change.
"""

from __future__ import annotations

from pathlib import Path

from conftest import FAKE, check_golden, normalise_events

from panoptic.report.jsonl import JsonlWriter, read_records
from panoptic.runtime.runner import RunOptions, execute

SERIAL = """
let who = "ann"
secret token = env("GOLDEN_TOKEN", "tok-3141")

flow sign_in(name, secret_value) {
    fill "#user" with name
    fill "#pw" with secret_value
}

setup {
    log "hello ${who}"
}

teardown {
    log "bye"
}

scenario "passes with everything" on shop tags smoke {
    sign_in(who, token)
    click "#add"
    expect "#count" has text "1" within 2s
    repeat 2 times {
        click "#close"
    }
    for each item in ["x", "y"] {
        log "item ${item}"
    }
    if visible "#banner" {
        log "banner"
    } else {
        log "no banner"
    }
    retry 3 times {
        click "#flaky"
    }
    screenshot "after/../all"
}

scenario "fails in a flow" on shop tags slow {
    sign_in("bob", token)
    expect "#pw" has value "nope" within 200ms
}
"""

PARALLEL = """
scenario "slow" on shop {
    wait 400ms
}

scenario "flaky" on shop {
    click "#flaky"
}

scenario "fails" on shop {
    fail "always"
}
"""


def _run(program, out: Path, **options) -> list[dict]:
    """The events as the listeners got them (`Event.to_json()`); the results.jsonl written alongside must agree."""
    out.mkdir(parents=True, exist_ok=True)
    writer = JsonlWriter(out / "results.jsonl")
    events: list = []
    opts = RunOptions(output_dir=out, run_id="golden", backend_overrides=FAKE, command="panoptic run", **options)
    execute(program, list(range(len(program.scenarios))), opts, [writer, events.append])
    writer.close()
    written = read_records(out / "results.jsonl")
    assert [(r["kind"], r.get("scenario"), r.get("path")) for r in written] == [
        (e.kind, getattr(e, "scenario", None), getattr(e, "path", None)) for e in events
    ]
    return [e.to_json() for e in events]


def test_serial_event_stream(compile_pan, tmp_path: Path, update_golden: bool) -> None:
    records = _run(compile_pan(SERIAL), tmp_path / "out")
    check_golden("serial", normalise_events(records, tmp_path), update_golden)
    assert "tok-3141" not in str(records)


def test_parallel_event_stream_is_deterministic(compile_pan, tmp_path: Path, update_golden: bool) -> None:
    records = _run(compile_pan(PARALLEL), tmp_path / "out", workers=2, retries=1)
    check_golden("parallel", normalise_events(records, tmp_path), update_golden)
