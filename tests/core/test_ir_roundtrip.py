"""The IR is read-only and serialisable both ways: `from_json(to_json(p)) == p` for every example."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from panoptic.compiler import compile_paths, ir
from panoptic.frozen import FrozenMap

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FOLDERS = sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and any(p.rglob("*.pan")))


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_emitted_ir_reads_back_to_the_same_program(folder: Path) -> None:
    program = compile_paths([str(folder)]).program
    assert program is not None
    env = {**os.environ, "PANOPTIC_NO_CACHE": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "panoptic", "compile", "--emit", "ir", str(folder)],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    )  # fmt: skip
    back = ir.from_json(json.loads(out.stdout))
    assert back == program
    assert hash(back) == hash(program)
    assert ir.to_json(back) == ir.to_json(program)


def test_ir_is_read_only_hashable_and_pickles() -> None:
    program = compile_paths([str(EXAMPLES / "shop")]).program
    assert program is not None
    hash(program)
    step = next(s for s in program.scenarios[0].body if isinstance(s, ir.Step))
    assert isinstance(step.args, FrozenMap)
    with pytest.raises(TypeError):
        step.args["x"] = 1  # type: ignore[index]
    assert pickle.loads(pickle.dumps(program)) == program


def test_const_keeps_its_type_field_apart_from_the_tag() -> None:
    data = ir.to_json(ir.Const("5", "string"))
    assert data == {"type": "Const", "value": "5", "type_": "string"}
    assert ir.from_json(data) == ir.Const("5", "string")
