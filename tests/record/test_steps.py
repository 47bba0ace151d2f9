"""The recorder's folding, target choice, flows and writing, on events as the listener sends them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import panoptic
from panoptic.contract import ResolvedTarget
from panoptic.fmt import format_text
from panoptic.record.events import BadEvent, Event, Load, parse_event
from panoptic.record.flows import FlowCall, group
from panoptic.record.steps import Step, fold
from panoptic.record.targets import choose
from panoptic.record.writer import render

URL = "http://127.0.0.1:8000/index.html"


def el(tag: str = "input", css: str = "body > input", **kw: Any) -> dict[str, Any]:
    return {"tag": tag, "css": css, **kw}


NAME = el(role="textbox", name="Full name", label="Full name", id="name", counts={"role": 1, "label": 1, "id": 1})
TODO = el(role="textbox", name="New item", placeholder="New item", counts={"role": 1, "placeholder": 1})
ADD = el("button", "body > button", role="button", name="Add", text="Add", counts={"role": 1, "text": 1})


def events(*raw: dict[str, Any]) -> list[Event]:
    out: list[Event] = []
    for n, r in enumerate(raw):
        event = parse_event(r, at=float(n))
        assert not isinstance(event, BadEvent), event
        out.append(event)
    return out


def load(url: str = URL, **kw: Any) -> dict[str, Any]:
    return {"type": "load", "url": url, **kw}


# ---- targets ------------------------------------------------------------------------------------


def test_the_first_target_that_matched_alone_wins_in_robustness_order() -> None:
    def pick(**kw: Any) -> ResolvedTarget:
        event = parse_event({"type": "click", "el": el("button", "body > div > button", **kw)})
        assert not isinstance(event, BadEvent) and not isinstance(event, Load)
        return choose(event.element)  # type: ignore[union-attr]

    everything = dict(testid="save", role="button", name="Save", label="", placeholder="", id="save-btn", text="Save")
    unique = {"testid": 1, "role": 1, "id": 1, "text": 1}
    assert pick(**everything, counts=unique) == ResolvedTarget("testid", "save")
    assert pick(**everything, counts={**unique, "testid": 2}) == ResolvedTarget("role", "Save", role="button")
    assert pick(**everything, counts={**unique, "testid": 2, "role": 3}) == ResolvedTarget("id", "save-btn")
    assert pick(**everything, counts={"testid": 2, "role": 2, "id": 2, "text": 1}) == ResolvedTarget("text", "Save")
    assert pick(**everything, counts={"testid": 2, "role": 2, "id": 2, "text": 2}) == ResolvedTarget(
        "css", "body > div > button"
    )
    field = parse_event(
        {
            "type": "fill",
            "el": el(label="Email", placeholder="you@x", counts={"label": 1, "placeholder": 1}),
            "value": "",
        }
    )
    assert choose(field.element) == ResolvedTarget("label", "Email")  # type: ignore[union-attr]
    field = parse_event(
        {
            "type": "fill",
            "el": el(label="Email", placeholder="you@x", counts={"label": 2, "placeholder": 1}),
            "value": "",
        }
    )
    assert choose(field.element) == ResolvedTarget("placeholder", "you@x")  # type: ignore[union-attr]


def test_payloads_that_are_not_events_are_rejected_not_recorded() -> None:
    assert isinstance(parse_event("click"), BadEvent)
    assert isinstance(parse_event({"type": "click"}), BadEvent)
    assert isinstance(parse_event({"type": "click", "el": {"tag": "a"}}), BadEvent)
    assert isinstance(parse_event({"type": "teleport", "el": el()}), BadEvent)
    assert isinstance(parse_event({"type": "load"}), BadEvent)
    assert isinstance(parse_event({"type": "press", "key": ""}), BadEvent)


# ---- folding ------------------------------------------------------------------------------------


def test_typing_into_a_field_is_one_fill_with_the_final_value() -> None:
    recording = fold(
        events(
            load(),
            {"type": "fill", "el": NAME, "value": "A"},
            {"type": "fill", "el": NAME, "value": "Ad"},
            {"type": "fill", "el": NAME, "value": "Ada"},
            {"type": "fill", "el": TODO, "value": "m"},
            {"type": "fill", "el": TODO, "value": "milk"},
            {"type": "fill", "el": NAME, "value": "Ada L"},
        )
    )
    name = ResolvedTarget("role", "Full name", role="textbox")
    todo = ResolvedTarget("role", "New item", role="textbox")
    assert recording.origin == "http://127.0.0.1:8000/"
    assert recording.steps == (
        Step("open", None, "/index.html"),
        Step("fill", name, "Ada"),
        Step("fill", todo, "milk"),
        Step("fill", name, "Ada L"),
    )


def test_loads_a_click_caused_are_no_steps_and_others_are() -> None:
    recording = fold(
        events(
            load(),
            {"type": "click", "el": ADD},
            load("http://127.0.0.1:8000/two.html", caused=True),
            load("http://127.0.0.1:8000/three.html?x=1", caused=False),
            load("http://127.0.0.1:8000/two.html", nav="back_forward"),
            load("http://127.0.0.1:8000/three.html?x=1", nav="back_forward"),
            load("http://127.0.0.1:8000/three.html?x=1", nav="reload", caused=False),
            load("https://elsewhere.example/", caused=False),
        )
    )
    assert [(s.action, s.value) for s in recording.steps] == [
        ("open", "/index.html"),
        ("click", None),
        ("open", "/three.html?x=1"),
        ("go back", None),
        ("go forward", None),
        ("reload", None),
        ("open", "https://elsewhere.example/"),
    ]


def test_a_load_the_page_could_not_explain_counts_as_caused_soon_after_an_action() -> None:
    soon = [parse_event(load()), parse_event({"type": "click", "el": ADD}, at=10.0)]
    soon.append(parse_event(load("http://127.0.0.1:8000/two.html"), at=11.0))
    late = [*soon[:2], parse_event(load("http://127.0.0.1:8000/two.html"), at=30.0)]
    assert [s.action for s in fold(soon).steps] == ["open", "click"]  # type: ignore[arg-type]
    assert [s.action for s in fold(late).steps] == ["open", "click", "open"]  # type: ignore[arg-type]


def test_double_click_checks_selects_and_assertions() -> None:
    box = el(type="checkbox", role="checkbox", name="Terms", checked=False, counts={"role": 1})
    size = el("select", "#size", role="combobox", name="Size", label="Size", value="m", counts={"role": 1})
    heading = el("h1", "h1", role="heading", name="Hello", shown_text="Hello", counts={"role": 1})
    recording = fold(
        events(
            load(),
            {"type": "click", "el": ADD},
            {"type": "click", "el": ADD},
            {"type": "dblclick", "el": ADD},
            {"type": "check", "el": box, "checked": True},
            {"type": "check", "el": box, "checked": False},
            {"type": "select", "el": size, "value": "Small"},
            {"type": "select", "el": size, "value": "Medium"},
            {"type": "assert", "el": heading},
            {"type": "assert", "el": size},
            {"type": "assert", "el": {**box, "checked": True}},
            {"type": "assert", "el": el("div", "body > div", counts={})},
            {"type": "press", "key": "Control+k"},
        )
    )
    assert [(s.action, s.value) for s in recording.steps[1:]] == [
        ("double click", None),
        ("uncheck", None),
        ("select", "Medium"),
        ("expect text", "Hello"),
        ("expect value", "m"),
        ("expect checked", None),
        ("expect visible", None),
        ("press", "Control+k"),
    ]


# ---- flows --------------------------------------------------------------------------------------


def test_a_repeated_sequence_is_a_flow_called_once_per_repetition() -> None:
    todo = ResolvedTarget("placeholder", "New item")
    add = ResolvedTarget("role", "Add", role="button")
    steps = [Step("open", None, "/")]
    for item in ("milk", "bread", "eggs"):
        steps += [Step("fill", todo, item), Step("select", add, "Soon"), Step("click", add)]
    steps.append(Step("click", todo))
    items, flows = group(steps)
    assert len(flows) == 1
    flow = flows[0]
    assert flow.name == "fill_new_item" and flow.params == ("new_item",) and flow.slots == (0, None, None)
    assert items == [
        steps[0],
        FlowCall("fill_new_item", ("milk",)),
        FlowCall("fill_new_item", ("bread",)),
        FlowCall("fill_new_item", ("eggs",)),
        steps[-1],
    ]


def test_no_flow_for_one_step_repeated_or_a_sequence_done_once() -> None:
    add = ResolvedTarget("role", "Add", role="button")
    other = ResolvedTarget("testid", "other")
    assert group([Step("click", add)] * 4)[1] == []
    assert group([Step("click", add), Step("click", other), Step("click", add)])[1] == []
    # a later repetition of the same sequence calls the same flow
    seq = [Step("fill", other, "a"), Step("click", add)]
    seq2 = [Step("fill", other, "b"), Step("click", add)]
    items, flows = group([*seq, *seq2, Step("click", other), *seq, *seq2])
    assert len(flows) == 1 and [i.args for i in items if isinstance(i, FlowCall)] == [("a",), ("b",), ("a",), ("b",)]


# ---- writing ------------------------------------------------------------------------------------


def test_the_written_file_is_canonical_and_checks_clean(tmp_path: Path) -> None:
    recording = fold(
        events(
            load(),
            {"type": "fill", "el": NAME, "value": 'Ada "${x}" \\ L'},
            *[
                e
                for item in ("milk", "bread")
                for e in ({"type": "fill", "el": TODO, "value": item}, {"type": "press", "key": "Enter", "el": TODO})
            ],
            {"type": "click", "el": el("div", "body > div:nth-of-type(2)", text="Hi", counts={"text": 2})},
            {"type": "assert", "el": el("p", "#out", id="out", shown_text="Thanks, Ada!", counts={"id": 1})},
        )
    )
    path = tmp_path / "recorded.pan"
    text = render(recording, path=str(path), title="sign up", command="panoptic record " + URL)
    assert format_text(text) == text
    path.write_text(text, encoding="utf-8")
    found = panoptic.check([str(path)], cache=False)
    assert found.ok and not found.diagnostics, [(d.code, d.message) for d in found.diagnostics]
    assert 'fill role textbox "Full name" with "Ada \\"\\${x}\\" \\\\ L"' in text
    assert "flow fill_new_item(new_item) {" in text and 'fill_new_item("bread")' in text
    assert 'click "body > div:nth-of-type(2)"' in text
    assert 'expect id "out" has text "Thanks, Ada!"' in text
    assert text.count("open ") == 1 and 'url: "http://127.0.0.1:8000/"' in text


def test_a_password_is_a_secret_read_from_the_environment(tmp_path: Path) -> None:
    password = el(type="password", role="textbox", name="Password", label="Password", counts={"role": 1})
    user = el(role="textbox", name="User", label="User", counts={"role": 1})
    sign_in = el("button", "body > button", role="button", name="Sign in", counts={"role": 1})
    once = [
        {"type": "fill", "el": user, "value": "ada"},
        {"type": "fill", "el": password, "value": 's3cret"${x}'},
        {"type": "click", "el": sign_in},
    ]
    recording = fold(events(load(), *once, *once))
    assert all(s.secret == (s.target is not None and s.target.value == "Password") for s in recording.steps)
    path = tmp_path / "login.pan"
    text = render(recording, path=str(path), title="sign in", command="")
    path.write_text(text, encoding="utf-8")
    found = panoptic.check([str(path)], cache=False)
    assert found.ok and not found.diagnostics, [(d.code, d.message) for d in found.diagnostics]
    assert 'secret password = env("PASSWORD")' in text and "s3cret" not in text  # the typed value is not written
    assert 'fill role textbox "Password" with password' in text
    assert text.count("= env(") == 1  # declared once, used by name (here inside the flow of the repeated sign-in)
    assert "flow fill_user() {" in text and text.count("fill_user()") == 3
