"""`panoptic convert`: YAML configs to `.pan`, built as a tree and printed by the formatter, findings at YAML places."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from panoptic.compiler import compile_text
from panoptic.convert import compile_inputs, convert_file, convert_source, installed_actions
from panoptic.convert.schema import ACTION_TYPES
from panoptic.diagnostics import Severity
from panoptic.fmt import format_text
from panoptic.source import Source

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
ALL_TYPES = HERE / "all_types.yaml"


def convert(text: str, tmp_path: Path, available: frozenset[str] | None = None):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return convert_file(path, available=available)


def codes(conv) -> list[tuple[str, int]]:
    return [(d.code, d.span.line if d.span else 0) for d in conv.diagnostics]


def test_every_action_type_converts_to_a_statement_or_a_finding() -> None:
    text = ALL_TYPES.read_text(encoding="utf-8")
    types = {
        line.split("type: ")[1].split(",")[0].split("}")[0].strip() for line in text.splitlines() if "type: " in line
    }
    assert set(ACTION_TYPES) <= types  # the sample covers all 27 types
    conv = convert_file(ALL_TYPES)
    assert conv.text is not None and not conv.has_errors
    for statement in (
        'open "/"',
        'open "/cart"',
        'click "#add"',
        'fill "#q" with "mug"',
        'submit "#search-form"',
        "wait 2s",
        'wait until "#spinner" visible within 5s',
        'screenshot "cart"',
        "record video",
        'click text "Sign in"',
        'vision report "look"',
        'expect no errors except ["favicon.ico"]',
        'ai "add the cheapest mug"',
        'cloud sync to "s3://qa-results?region=eu-west-1"',
        'cloud analytics from "s3://qa-results?region=eu-west-1"',
        'cloud cleanup "s3://qa-results?region=eu-west-1" older than 30d',
        "enterprise status",
        'user create "bob" role "developer" password bob_password email "bob@example.com"',
        'user authenticate "bob" password bob_password',
        'team create "web" lead "bob"',
        'team add "bob" to "web"',
        'project create "checkout" team "web"',
        'api key create "ci" for "bob" scopes ["projects:read"] expires in 30d',
        "audit report severity warning since 7d format csv",
        'compliance check "soc2"',
        'compliance check "gdpr"',
        "license info",
        'backup data to "backups"',
        "cleanup data older than 90d dry run",
    ):
        assert f"    {statement}\n" in conv.text, statement
    # record video comes first: it records the whole scenario
    body = conv.text.split("{\n", 2)[2]
    assert body.lstrip().startswith("record video")
    left_out = [d for d in conv.diagnostics if d.code == "PAN015" and "has no statement" in d.message]
    assert {d.span.line for d in left_out} == {28, 33}  # ai_test_generation, distributed_test
    assert "# generate (ai_test_generation): left out" in conv.text


def test_converted_text_is_formatted_and_checks_clean() -> None:
    conv = convert_file(ALL_TYPES)
    assert conv.text is not None
    assert format_text(conv.text) == conv.text  # the formatter's own layout: `panoptic fmt` changes nothing
    result = compile_text(conv.text, str(HERE / "converted.pan"))
    assert not result.has_errors, [(d.code, d.message) for d in result.diagnostics]
    assert result.program is not None
    assert [a.name for a in result.program.apps] == ["shop"]
    assert dict(result.program.apps[0].settings)["viewport"] == (1024, 768)


def test_password_becomes_a_secret_with_an_env_default(tmp_path: Path) -> None:
    conv = convert(
        """
apps: [{name: Shop, type: web, url: "http://127.0.0.1:1"}]
actions:
  - {name: password, type: fill, selector: "#password", value: hunter2}
  - {name: mail, type: fill, selector: "#email", value: a@b.c}
""",
        tmp_path,
    )
    assert conv.text is not None
    assert 'secret password = env("PASSWORD", "hunter2")' in conv.text
    assert 'fill "#password" with password\n' in conv.text
    assert 'fill "#email" with "a@b.c"' in conv.text
    plain = [d for d in conv.diagnostics if d.code == "PAN016"]
    assert len(plain) == 1 and plain[0].span.line == 4 and plain[0].span.col == 64
    assert "plain text" in plain[0].message and "PASSWORD" in plain[0].message


def test_a_family_that_is_not_installed_is_a_warning_not_invented_syntax(tmp_path: Path) -> None:
    without_cloud = frozenset(a for a in installed_actions() if not a.startswith("cloud."))
    conv = convert(
        """
apps: [{name: Shop, type: web, url: "http://127.0.0.1:1"}]
actions:
  - {name: home, type: navigate, url: /}
  - {name: upload, type: cloud_sync, parameters: {url: "s3://bucket/runs"}}
""",
        tmp_path,
        available=without_cloud,
    )
    assert conv.text is not None and 'cloud sync to "' not in conv.text
    finding = next(d for d in conv.diagnostics if d.code == "PAN015")
    assert finding.severity is Severity.WARNING
    assert "no equivalent yet" in finding.message and "cloud sync to" in finding.message
    assert (finding.span.line, finding.span.col) == (5, 26)
    assert "# upload (cloud_sync): no `cloud sync to` statement is installed yet" in conv.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("apps: [\n  {name: a\n", [("PAN010", 3)]),
        ("just text\n", [("PAN012", 1)]),
        ("", [("PAN011", 1)]),
        ("name: x\n", [("PAN011", 1)]),
        ("apps:\n  - {name: a, type: tv}\n", [("PAN013", 2)]),
        ("apps:\n  - {name: a, type: web}\n", [("PAN011", 2)]),
        ("apps:\n  - {name: a, type: desktop}\n", [("PAN011", 2)]),
        ("apps:\n  - {name: a, type: mobile, platform: symbian}\n", [("PAN013", 2)]),
        ("apps:\n  - {name: a, type: web, url: u, timeout: soon}\n", [("PAN012", 2)]),
        ("apps:\n  - {name: a, type: web, url: u}\n  - {name: a, type: web, url: v}\n", [("PAN014", 3)]),
        ("apps: {name: a}\n", [("PAN012", 1)]),
        (
            "apps: [{name: a, type: web, url: u}]\nactions:\n  - {name: x, type: clik}\n",
            [("PAN013", 3)],
        ),
        (
            "apps: [{name: a, type: web, url: u}]\nactions:\n  - {name: x, type: click}\n  - {name: x, type: click}\n",
            [("PAN014", 4)],
        ),
        ("apps: [{name: a, type: web, url: u}]\napps: []\n", [("PAN014", 2)]),
        ("apps: [{name: a, type: web, url: u}]\nsettings: {quality: 120}\n", [("PAN012", 2)]),
        ("apps: [{name: a, type: web, url: u}]\nactions: [{type: click}]\n", [("PAN011", 2)]),
        ("apps: [{name: a, type: web, url: u}]\nactions: [{name: f, type: fill, selector: '#q'}]\n", [("PAN011", 2)]),
    ],
)
def test_invalid_configs_are_diagnostics_at_yaml_lines(
    text: str, expected: list[tuple[str, int]], tmp_path: Path
) -> None:
    conv = convert(text, tmp_path)
    errors = [(d.code, d.span.line if d.span else 0) for d in conv.diagnostics if d.severity is Severity.ERROR]
    assert errors == expected
    assert conv.text is None
    assert all(d.span is None or d.span.file.endswith("config.yaml") for d in conv.diagnostics)


def test_unknown_keys_are_warnings_with_a_suggestion(tmp_path: Path) -> None:
    conv = convert("apps: [{name: a, type: web, url: u, timout: 5}]\nsetings: {}\n", tmp_path)
    found = {(d.code, d.span.line, d.help) for d in conv.diagnostics}
    assert ("PAN017", 1, "did you mean `timeout`?") in found
    assert ("PAN017", 2, "did you mean `settings`?") in found
    assert conv.text is not None


def test_keys_without_meaning_are_named_at_their_place(tmp_path: Path) -> None:
    conv = convert(
        """
settings:
  screenshot_format: jpg
  quality: 70
  video_format: mp4
  ai_testing: {enable_learning: true, enable_vision_analysis: false}
apps:
  - {name: a, type: web, url: "http://x", environment: {A: b}}
actions:
  - {name: c, type: click, selector: "#x", url: /nowhere, parameters: {force: true}}
""",
        tmp_path,
    )
    places = sorted((d.span.line, d.span.col) for d in conv.diagnostics if d.code == "PAN015")
    assert places == [(3, 22), (4, 12), (5, 17), (6, 33), (8, 43), (10, 44), (10, 72)]


def test_a_global_action_list_runs_in_every_app_and_an_own_list_replaces_it(tmp_path: Path) -> None:
    conv = convert(
        """
name: Two
apps:
  - {name: Web Shop, type: web, url: "http://x"}
  - name: Notes
    type: desktop
    path: notes.py
    actions: [{name: greet, type: click, target: Greet}]
actions:
  - {name: c, type: click, target: "Add to cart"}
""",
        tmp_path,
    )
    assert conv.text is not None
    assert 'scenario "Two: Web Shop" on web_shop {\n    click text "Add to cart"\n}' in conv.text
    assert 'scenario "Two: Notes" on notes {\n    click text "Greet"\n}' in conv.text
    assert 'command: "python3 notes.py"' in conv.text


def test_check_findings_of_the_converted_program_point_at_the_yaml(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        """apps:
  - name: Notes
    type: desktop
    path: notes.py
actions:
  - name: c
    type: click
    selector: "#x"
""",
        encoding="utf-8",
    )
    result, _ = compile_inputs([str(path)])
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert errors, "a CSS selector on a desktop app is an error"
    assert errors[0].code == "PAN312"
    assert errors[0].span.file == str(path) or errors[0].span.file.endswith("config.yaml")
    assert (errors[0].span.line, errors[0].span.col) == (8, 15)
    assert any("converted to: click" in n for n in errors[0].notes)


def test_the_program_of_a_config_has_yaml_spans(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        'apps: [{name: a, type: web, url: "http://x"}]\nactions:\n  - {name: c, type: click, selector: "#go"}\n',
        encoding="utf-8",
    )
    result, _ = compile_inputs([str(path)])
    assert result.program is not None
    scenario = result.program.scenarios[0]
    step = scenario.body[0]
    assert step.action == "ui.click"
    assert step.span.line == 3 and step.span.file.endswith("config.yaml")
    assert step.args["target"].span.line == 3 and step.args["target"].span.col == 38
    assert result.sources[scenario.file].text.startswith("apps:")


def test_relative_paths_follow_the_output_file(tmp_path: Path) -> None:
    (tmp_path / "cfg").mkdir()
    path = tmp_path / "cfg" / "config.yaml"
    path.write_text(
        "apps: [{name: a, type: web, url: 'http://x'}]\nactions: [{name: c, type: click, target: btn.png}]\n",
        encoding="utf-8",
    )
    conv = convert_file(path, out=tmp_path / "suite" / "x.pan")
    assert conv.text is not None and 'click image "../cfg/btn.png"' in conv.text


def test_text_needing_escapes_round_trips(tmp_path: Path) -> None:
    conv = convert(
        'apps: [{name: a, type: web, url: "http://x"}]\n'
        'actions: [{name: f, type: fill, selector: "input[name=\\"q\\"]", value: "a ${b} \\\\ \\"c\\"\\n"}]\n',
        tmp_path,
    )
    assert conv.text is not None
    result = compile_text(conv.text, str(tmp_path / "x.pan"))
    assert not result.has_errors
    step = result.program.scenarios[0].body[0]
    assert step.args["text"].value == 'a ${b} \\ "c"\n'
    assert step.args["target"].value.value == 'input[name="q"]'


def test_random_documents_never_raise(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.text(max_size=8))
    keys = st.sampled_from(["name", "type", "url", "apps", "actions", "settings", "selector", "value", "x"])
    values = st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4), max_leaves=12
    )

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.dictionaries(keys, values, max_size=5))
    def check(doc: dict) -> None:
        import yaml

        text = yaml.safe_dump(doc)
        conv = convert_source(Source("config.yaml", text), yaml_dir=tmp_path)
        assert conv.text is not None or conv.has_errors

    check()


def test_random_text_and_alias_bombs_are_findings(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\n\t %@`,?")), max_size=40))
    def check(text: str) -> None:
        conv = convert_source(Source("config.yaml", text), yaml_dir=tmp_path)
        assert conv.text is not None or conv.has_errors

    check()
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    conv = convert_source(Source("config.yaml", bomb), yaml_dir=tmp_path)
    assert conv.text is None
    assert any(d.code == "PAN012" and "expands to more than" in d.message for d in conv.diagnostics)


def test_the_cli_writes_the_file_and_check_and_convert_exit_codes(tmp_path: Path) -> None:
    out = tmp_path / "out.pan"
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "convert", str(ALL_TYPES), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("# Converted by `panoptic convert` from all_types.yaml")
    assert "all_types.yaml:28:28" in done.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("apps:\n  - {name: a, type: web}\n", encoding="utf-8")
    for command in (["convert", str(bad)], ["check", str(bad)]):
        done = subprocess.run([sys.executable, "-m", "panoptic", *command], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 1, done
        assert "error[PAN011]" in done.stdout + done.stderr
        assert "bad.yaml:2:5" in done.stdout + done.stderr
        assert "Traceback" not in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "panoptic", "check", str(ALL_TYPES)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout
    assert "warning[PAN016]" in done.stdout


def test_the_converted_text_matches_its_golden_file(update_golden: bool) -> None:
    from tests.conftest import check_golden

    conv = convert_file(ALL_TYPES, out=HERE / "golden" / "all_types.pan")
    assert conv.text is not None
    check_golden(HERE / "golden" / "all_types.pan", conv.text, update_golden)


def test_passwords_are_masked_wherever_the_yaml_is_quoted(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "apps: [{name: Notes, type: desktop, path: notes.py}]\n"
        'actions:\n  - {name: password, type: fill, selector: "#password", value: hunter2-s3cret}\n'
        "settings:\n  cloud: {provider: aws, bucket: b, credentials: {key: AKIA-SECRET-KEY}}\n",
        encoding="utf-8",
    )
    result, (conv,) = compile_inputs([str(path)])
    shown = result.sources[conv.path].text
    assert "hunter2-s3cret" not in shown and "AKIA-SECRET-KEY" not in shown
    assert shown.splitlines()[2].endswith("value: ••••••••••••••}")  # same length: carets stay in place
    assert len(shown) == len(path.read_text(encoding="utf-8"))
    for command in (["check", str(path)], ["convert", str(path)]):
        done = subprocess.run([sys.executable, "-m", "panoptic", *command], capture_output=True, text=True, cwd=ROOT)
        quoted = (
            done.stdout.split("# Converted")[0] + done.stderr
        )  # the converted .pan keeps the value as env() default
        assert "PAN312" in quoted or "PAN016" in quoted
        assert "hunter2-s3cret" not in quoted and "AKIA-SECRET-KEY" not in quoted


def test_enterprise_policies_become_settings_checked_by_the_family(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "settings:\n  enterprise:\n    policies: {password_min_length: 14, lockout_treshold: 3}\n"
        "apps: [{name: a, type: web, url: 'http://x'}]\nactions:\n  - {name: s, type: enterprise_status}\n",
        encoding="utf-8",
    )
    conv = convert_file(path)
    assert conv.text is not None
    assert '    enterprise set "password_min_length" to 14\n    enterprise set "lockout_treshold" to 3\n' in conv.text
    result, _ = compile_inputs([str(path)])
    (error,) = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert (error.span.line, error.span.col) == (3, 41) and "lockout_threshold" in (error.help or "")
    unused = convert(
        "settings:\n  enterprise: {policies: {session_hours: 4}}\napps: [{name: a, type: web, url: u}]\n", tmp_path
    )
    assert any(d.code == "PAN015" and d.span.line == 2 for d in unused.diagnostics)
