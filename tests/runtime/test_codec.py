"""The event codec: events -> lines -> records -> events is the identity, and lines stay as they were."""

from __future__ import annotations

import json

from panoptic.contract.artifacts import Artifact
from panoptic.runtime.codec import Decoder, Encoder, event_from_json, is_item
from panoptic.runtime.events import (
    Failure,
    Frame,
    RunFinished,
    RunStarted,
    ScenarioFinished,
    ScenarioStarted,
    StepFinished,
    StepStarted,
)
from panoptic.source import Span

SPAN = Span("a.pan", 10, 20, 2, 5, 2, 15)
OTHER = Span("lib.pan", 1, 4, 1, 1, 1, 4)
FAIL = Failure("PAN904", "no element", SPAN, help="look", candidates=("#a",), chain=(Frame("f", OTHER),))
EVENTS = [
    RunStarted("r1", 1.5, "panoptic run", {"k": "v"}, ("a.pan::x",)),
    ScenarioStarted("a.pan::x", "x", "a.pan", "shop", "web", ("smoke",), 1, 0, SPAN, 2.25),
    StepStarted("a.pan::x", "0", "web.click", 'click "#a"', SPAN, (), "body", 2.5),
    StepStarted("a.pan::x", "0.0", "web.fill", "fill", OTHER, (Frame("f", SPAN),), "body", 2.625),
    StepFinished("a.pan::x", "0.0", "passed", 0.125, message="hi"),
    StepFinished("a.pan::x", "0", "failed", 0.25, FAIL, (Artifact("screenshot", "shots/1.png"),)),
    ScenarioFinished("a.pan::x", "failed", 0.5, 1, FAIL),
    RunFinished(3.0, 1.5, {"failed": 1}, 1),
]


def _round_trip(spans: bool) -> list:
    enc, dec = Encoder(), Decoder(spans=spans)
    out = []
    for event in EVENTS:
        item = json.loads(enc.encode(event))
        assert is_item(item)
        out.append(event_from_json(dec.decode(item)))
    return out


def test_events_round_trip_through_the_compact_lines():
    assert _round_trip(spans=False) == EVENTS
    assert _round_trip(spans=True) == EVENTS


def test_step_lines_keep_their_shape():
    enc = Encoder()
    lines = [enc.encode(e) for e in EVENTS]
    assert lines[2] == '["s",0,"0","web.click","click \\"#a\\"",[10,20,2,5,2,15],"body",2.5]'
    assert lines[3].startswith('["s",0,"0.0","web.fill","fill",[1,4,1,1,1,4,"lib.pan"],"body",2.625,[["f",')
    assert lines[4] == '["f",0,"0.0","passed",0.125,{"message":"hi"}]'
    assert json.loads(lines[1])["n"] == 0
