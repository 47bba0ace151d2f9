"""Recovery from a map or a top-level block left open: one diagnostic, and what follows is still read."""

from __future__ import annotations

from panoptic.syntax import ast
from panoptic.syntax.parser import parse_text

APP_LEFT_OPEN = """app shop: web {
    url: "http://127.0.0.1:9"
    timeout: 5s

flow login(name) {
    fill "#user" with name
}

scenario "after" on shop {
    login("ada")
}
"""


def test_an_app_left_open_keeps_its_settings_and_the_declarations_after_it() -> None:
    module, diags = parse_text(APP_LEFT_OPEN, "a.pan")
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("PAN104", 1, 15)]
    app, flow, scenario = module.decls
    assert isinstance(app, ast.App) and [s.key for s in app.settings] == ["url", "timeout"]
    assert isinstance(flow, ast.Flow) and flow.span.line == 5
    assert isinstance(scenario, ast.Scenario) and scenario.span.line == 9 and scenario.span.end_line == 11
    assert scenario.body.statements[0].span.line == 10


def test_a_scenario_left_open_ends_before_the_next_declaration() -> None:
    text = 'scenario "a" {\n    log "x"\n\nscenario "b" {\n    log "y"\n}\n'
    module, diags = parse_text(text, "s.pan")
    assert [(d.code, d.span.line) for d in diags] == [("PAN104", 1)]
    assert [(d.title.raw, len(d.body.statements)) for d in module.decls] == [('"a"', 1), ('"b"', 1)]


def test_a_map_left_open_is_read_as_an_empty_map() -> None:
    text = 'let m = { a: 1\nscenario "s" {\n    log "${m}"\n}\n'
    module, diags = parse_text(text, "m.pan")
    assert [(d.code, d.message) for d in diags] == [("PAN101", "`{` opened at 1:9 is never closed")]
    let, scenario = module.decls
    assert isinstance(let.value, ast.MapLit) and let.value.entries == ()
    assert isinstance(scenario, ast.Scenario) and scenario.span.line == 2


def test_a_map_whose_brace_closed_the_app_is_the_one_reported() -> None:
    text = 'app p: mobile {\n    platform: "android"\n    capabilities: { "a": 1\n}\n\nscenario "s" on p {\n}\n'
    module, diags = parse_text(text, "p.pan")
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("PAN101", 3, 19)]
    app, scenario = module.decls
    assert [s.key for s in app.settings] == ["platform", "capabilities"]
    assert isinstance(scenario, ast.Scenario)
