"""Compiler semantics: IR shape, scoping, modules, CLI exit codes and output formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from panoptic.compiler import compile_paths, compile_text, ir
from panoptic.compiler.loader import ParseCache

APP = 'app shop: web {\n    url: "http://127.0.0.1:9"\n}\n'


def codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


def test_flow_calls_are_referenced_with_their_arguments() -> None:
    result = compile_text(
        APP
        + 'secret pw = "p"\nflow login(name, pw2) {\n    fill "#u" with name\n    fill label "P" with pw2\n}\n'
        + 'scenario "s" {\n    login("ann", pw)\n    expect "#w" has text "Hi ${pw}" within 2s\n}\n'
    )
    assert result.program is not None, result.diagnostics
    program = result.program
    (scenario,) = program.scenarios
    call, expect = scenario.body
    assert isinstance(call, ir.CallFlow) and call.flow == "login"
    assert call.args == (ir.Const("ann", "string"), ir.VarRef("pw", call.args[1].span))
    assert expect.action == "expect.has_text"
    assert expect.args["within"] == ir.Const(2.0, "duration")
    assert isinstance(expect.args["text"], ir.Template)
    assert expect.args["target"].kind == "css"
    flow = program.flow("login")
    assert flow.params == ("name", "pw2")
    assert [s.action for s in flow.body] == ["ui.fill", "ui.fill"]
    assert flow.body[1].args["target"].kind == "label"
    assert program.secret_names == {"pw"}
    assert scenario.app == "shop" and scenario.span.line == 9


def test_control_statements_lower_with_bodies() -> None:
    result = compile_text(
        APP
        + 'scenario "s" {\n    for each size in ["S", "M"] {\n        select size in "#size"\n    }\n'
        + '    if visible "#x" {\n        click "#x"\n    } else if hidden "#y" {\n        log "y"\n    } else {\n'
        + '        log "z"\n    }\n    repeat 2 times {\n        scroll down by 100\n    }\n}\n'
    )
    assert result.program is not None, result.diagnostics
    loop, cond, rep = result.program.scenarios[0].body
    assert loop.action == "control.for_each" and loop.args["name"] == "size"
    assert loop.body[0].args["value"] == ir.VarRef("size", loop.body[0].args["value"].span)
    assert cond.args["condition"] == "visible"
    assert cond.orelse[0].args["condition"] == "hidden" and cond.orelse[0].orelse[0].action == "control.log"
    assert rep.body[0].args == {"direction": "down", "amount": ir.Const(100, "number")}


def test_targets_of_every_kind() -> None:
    result = compile_text(
        APP
        + 'scenario "s" {\n    click role button "OK"\n    click role link\n    click text exact "Hi"\n'
        + '    click at 10, 20\n    click testid "t"\n    click xpath "//a"\n    click id "i"\n}\n'
    )
    assert result.program is not None, result.diagnostics
    targets = [s.args["target"] for s in result.program.scenarios[0].body]
    assert [(t.kind, t.role, t.exact) for t in targets] == [
        ("role", "button", False),
        ("role", "link", False),
        ("text", None, True),
        ("point", None, False),
        ("testid", None, False),
        ("xpath", None, False),
        ("id", None, False),
    ]
    assert targets[3].point == (ir.Const(10, "number"), ir.Const(20, "number"))


def test_modules_share_flows_and_qualify_clashing_names(tmp_path: Path) -> None:
    (tmp_path / "lib.pan").write_text('flow greet(n) {\n    log "hi ${n}"\n}\nlet who = "x"\n')
    (tmp_path / "a.pan").write_text('use "./lib.pan"\n' + APP + 'scenario "a" {\n    greet(who)\n}\n')
    (tmp_path / "b.pan").write_text(APP + 'flow greet(n) {\n    log n\n}\nscenario "b" {\n    greet("b")\n}\n')
    result = compile_paths([str(tmp_path / "a.pan"), str(tmp_path / "b.pan")], cache=ParseCache(None))
    assert result.program is not None, result.diagnostics
    flows = {f.name for f in result.program.flows}
    assert len(flows) == 2 and all("::greet" in f for f in flows)
    a, b = result.program.scenarios
    assert a.body[0].flow != b.body[0].flow
    assert a.app != b.app  # two files declare `shop`: two apps, one per file


def test_suppression_comment_silences_only_named_codes() -> None:
    text = APP + 'let unused = 1  # pan: ignore[PAN213]\nlet other = 2\nscenario "s" {\n    log "x"\n}\n'
    result = compile_text(text)
    assert codes(result) == ["PAN213"]
    assert result.diagnostics[0].span.line == 5


def test_parse_cache_roundtrip(tmp_path: Path) -> None:
    file = tmp_path / "s.pan"
    file.write_text(APP + 'scenario "s" {\n    click "#a"\n}\n')
    cache = ParseCache(tmp_path / "cache")
    first = compile_paths([str(file)], cache=cache)
    assert list((tmp_path / "cache").glob("*.ast"))
    second = compile_paths([str(file)], cache=cache)
    assert ir.to_json(first.program) == ir.to_json(second.program)


def run_cli(*args: str, cwd: Path | None = None, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "PANOPTIC_NO_CACHE": "1", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "panoptic", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    good = tmp_path / "good.pan"
    good.write_text(APP + '\nscenario "s" {\n    click "#a"\n}\n')
    bad = tmp_path / "bad.pan"
    bad.write_text(APP + '\nscenario "s" {\n    clik "#a"\n    wait 5\n}\n')
    return good, bad


def test_check_exit_codes(files: tuple[Path, Path], tmp_path: Path) -> None:
    good, bad = files
    assert run_cli("check", str(good)).returncode == 0
    out = run_cli("check", str(bad))
    assert out.returncode == 1
    assert "error[PAN201]: unknown statement `clik`" in out.stdout and "did you mean `click`?" in out.stdout
    assert "bad.pan:6:5" in out.stdout
    assert run_cli("check", str(tmp_path / "nope.pan")).returncode == 2
    assert run_cli("check", "--format", "yaml", str(good)).returncode == 2


def test_check_machine_formats(files: tuple[Path, Path]) -> None:
    _, bad = files
    data = json.loads(run_cli("check", "--format", "json", str(bad)).stdout)
    assert {d["code"] for d in data} == {"PAN201", "PAN301"}
    assert data[0]["span"]["line"] == 6 and data[0]["help"]
    sarif = json.loads(run_cli("check", "-f", "sarif", str(bad)).stdout)
    run = sarif["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {"PAN201", "PAN301"}
    assert run["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    github = run_cli("check", "-f", "github", str(bad)).stdout.splitlines()
    assert github[0].startswith("::error file=") and "line=6,col=5" in github[0] and "title=PAN201" in github[0]


def test_warm_check_reuses_results_and_notices_changes(files: tuple[Path, Path], tmp_path: Path) -> None:
    good, _ = files
    env = {"PANOPTIC_NO_CACHE": "", "PANOPTIC_CACHE_DIR": str(tmp_path / "cache")}
    assert run_cli("check", str(good), env_extra=env).returncode == 0
    assert list((tmp_path / "cache").glob("*.check"))
    assert run_cli("check", str(good), env_extra=env).returncode == 0
    good.write_text(good.read_text().replace('click "#a"', 'click image "gone.png"'))
    out = run_cli("check", str(good), env_extra=env)
    assert out.returncode == 1 and "PAN307" in out.stdout
    (tmp_path / "gone.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert run_cli("check", str(good), env_extra=env).returncode == 0  # the file appeared: the entry is stale


def test_compile_emits_ir_and_ast_json(files: tuple[Path, Path]) -> None:
    good, bad = files
    data = json.loads(run_cli("compile", str(good), "--emit", "ir").stdout)
    assert data["type"] == "Program" and data["scenarios"][0]["body"][0]["action"] == "ui.click"
    assert data["scenarios"][0]["body"][0]["span"]["line"] == 6
    tree = json.loads(run_cli("compile", str(good), "--emit", "ast").stdout)
    assert next(iter(tree.values()))["type"] == "Module"
    failed = run_cli("compile", str(bad))
    assert failed.returncode == 1 and "PAN201" in failed.stderr


@pytest.mark.slow
def test_installed_wheel_finds_stdlib_from_any_folder(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "--no-deps", str(root)], capture_output=True, text=True
    )
    assert pip.returncode == 0, pip.stderr
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "lark", "typer", "rich", "jinja2"], check=True, capture_output=True
    )
    project = tmp_path / "elsewhere"
    project.mkdir()
    (project / "s.pan").write_text("use std.web\n\n" + APP + '\nscenario "s" {\n    open_page("/", "Shop")\n}\n')
    out = subprocess.run(
        [str(venv / "bin" / "panoptic"), "check", "s.pan"],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no problems" in out.stdout
    # The wheel carries the grammar's LALR tables: a new user's first parse does not build them.
    no_rebuild = (
        "import lark.lark\n"
        "def rebuild(*args, **kwargs): raise SystemExit('grammar tables were rebuilt')\n"
        "lark.lark.load_grammar = rebuild\n"
        "from panoptic.syntax.parser import parse_text\n"
        'assert not parse_text(\'scenario "s" {\\n    click "#go"\\n}\\n\')[1]\n'
    )
    fresh_home = tmp_path / "fresh-home"
    fresh_home.mkdir()
    first = subprocess.run(
        [str(venv / "bin" / "python"), "-c", no_rebuild],
        cwd=project,
        capture_output=True,
        text=True,
        env={"HOME": str(fresh_home)},
    )
    assert first.returncode == 0, first.stdout + first.stderr


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('app a: web {\n    serve: "si\x00te"\n}\nscenario "s" on a {\n    open "/"\n}\n', "PAN307"),
        ('use "./x\x00.pan"\n', "PAN209"),
        (APP + 'scenario "s" {\n    click image "b\x00.png"\n}\n', "PAN307"),
    ],
    ids=["serve", "use", "image"],
)
def test_a_nul_byte_in_a_path_is_a_missing_file_not_a_crash(text: str, code: str) -> None:
    codes = [d.code for d in compile_text(text, "nul.pan").diagnostics]
    assert code in codes
