"""Generated programs with comments and blanks in every place the grammar allows them.

For each one: the formatter is idempotent, keeps the syntax tree (spans aside)
and every comment, and its output has the canonical layout.
"""

from __future__ import annotations

import random

import pytest

from panoptic.fmt import format_text
from panoptic.syntax.parser import parse_text
from tests.fmt.ast_compare import strip_positions
from tests.fmt.test_format import assert_canonical_layout

WORDS = ["click", "open", "fill", "with", "text", "visible", "expect", "has", "role", "button", "log", "at", "item"]
STRINGS = [
    '"#a"',
    '"a b"',
    '"esc \\" \\\\ \\t"',
    '"${user}"',
    '"${a.b} and $${x}"',
    '""',
    '"é 🛒"',
    '"# not a comment"',
]
ATOMS = ["1", "-2", "3.50", "5s", "250ms", "2m", "1280x720", *STRINGS]
BLANK = ["", " ", "  ", "\t"]


class Gen:
    """Draws source text piece by piece."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.count = 0

    def choice(self, options):
        return self.rng.choice(options)

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def boolean(self) -> bool:
        return self.rng.random() < 0.5

    def comment(self) -> str:
        self.count += 1
        return f"# c{self.count}" + self.choice(["", " ", " note #x"])

    def nl(self) -> str:
        """A line break: maybe a trailing comment, blank lines and own-line comments after it."""
        out = ""
        if self.integer(0, 3) == 0:
            out += self.choice(BLANK) + "  " + self.comment()
        out += self.choice(["\n", "\r\n"])
        for _ in range(self.integer(0, 2)):
            kind = self.integer(0, 2)
            if kind == 0:
                out += "\n"
            else:
                out += self.choice(BLANK) + self.comment() + "\n"
        return out + self.choice(BLANK)

    def expr(self, depth: int) -> str:
        kind = self.integer(0, 5 if depth < 2 else 1)
        if kind <= 1:
            return self.choice(ATOMS)
        if kind == 2:
            return self.choice(["user", "a.b.c", "x"])
        if kind == 3:
            args = [self.expr(depth + 1) for _ in range(self.integer(0, 3))]
            return "env(" + self.choice([",", " , ", ", "]).join(args) + ")"
        if kind == 4:
            return self.sequence("[", "]", [self.expr(depth + 1) for _ in range(self.integer(0, 3))])
        keys = ["k1", '"k 2"', "k-3", '"\\"q\\""']
        n = self.integer(0, 3)
        return self.sequence("{", "}", [f"{keys[i]}:{self.choice(BLANK)}{self.expr(depth + 1)}" for i in range(n)])

    def sequence(self, open_: str, close: str, items: list[str]) -> str:
        multiline = items and self.boolean()
        if not multiline:
            return open_ + ", ".join(items) + close
        out = open_ + self.nl()
        for i, item in enumerate(items):
            last = i == len(items) - 1
            out += item
            if not last:
                out += self.choice([",", ", ", ",", " ,"]) + (self.nl() if self.boolean() else " ")
        if self.boolean():
            out += ","
        return out + self.nl() + close

    def items(self) -> str:
        parts = [self.choice(WORDS)]
        for _ in range(self.integer(0, 4)):
            kind = self.integer(0, 6)
            if kind <= 2:
                parts.append(self.choice(WORDS))
            elif kind <= 4:
                parts.append(self.choice(ATOMS))
            elif kind == 5:
                parts.append(self.sequence("[", "]", [self.expr(1) for _ in range(self.integer(0, 3))]))
            else:
                parts.append(",")
        if self.integer(0, 5) == 0:
            parts.append("flow_call(" + ", ".join(self.expr(1) for _ in range(self.integer(0, 2))) + ")")
        seps = [self.choice([" ", "  ", "\t", " \\\n    "]) for _ in parts]
        return "".join(p + s for p, s in zip(parts, seps, strict=True)).rstrip(" \t\\\n")

    def statement(self, depth: int, allow_let: bool = True) -> str:
        kind = self.integer(0 if allow_let else 1, 6 if depth < 3 else 3)
        if kind == 0:
            return self.choice(["let", "secret"]) + f" v{self.count} = " + self.expr(0)
        text = self.items()
        if kind >= 4:
            text += " " + self.block(depth + 1)
            if kind >= 5:
                text += self.choice([" else ", " else  "])
                text += self.block(depth + 1) if kind == 5 else self.statement(depth + 1, allow_let=False)
        return text

    def block(self, depth: int) -> str:
        statements = [self.statement(depth) for _ in range(self.integer(0, 3))]
        if not statements and self.boolean():
            return "{}"
        return "{" + self.nl() + "".join(s + self.nl() for s in statements) + "}"

    def decl(self, index: int) -> str:
        kind = self.integer(0, 6)
        if kind == 0:
            return self.choice(["use std.web", 'use "./other.pan"', "use a . b"])
        if kind == 1:
            settings = "".join(
                f"s{i}:{self.choice(BLANK)}{self.expr(0)}" + self.nl() for i in range(self.integer(0, 3))
            )
            return f"app app{index}:web{{" + self.nl() + settings + "}"
        if kind == 2:
            return self.choice(["let", "secret"]) + f" top{index} ={self.choice(BLANK)}" + self.expr(0)
        if kind == 3:
            params = self.choice(["", "a", "a, b", " a ,b "])
            return f"flow f{index}({params})" + self.choice(BLANK) + self.block(0)
        if kind == 4:
            on = self.choice(["", " on shop"])
            tags = self.choice(["", " tags smoke", ' tags a ,"b c",d'])
            return f'scenario "s{index}"{on}{tags} ' + self.block(0)
        return self.choice(["setup", "teardown"]) + " " + self.block(0)

    def module(self) -> str:
        out = self.nl() if self.boolean() else ""
        for i in range(self.integer(0, 5)):
            out += self.decl(i) + self.nl()
        if self.boolean():
            out += self.comment()
        return out


@pytest.mark.parametrize("chunk", range(6))
def test_generated_programs(chunk: int) -> None:
    for seed in range(chunk * 25, chunk * 25 + 25):
        check_program(Gen(seed).module(), seed)


def check_program(text: str, seed: int) -> None:
    module, diagnostics = parse_text(text)
    assert diagnostics == [], (seed, text, diagnostics)
    once = format_text(text)
    assert format_text(once) == once, (seed, text, once)
    reparsed, problems = parse_text(once)
    assert problems == [], (seed, once, problems)
    assert strip_positions(reparsed) == strip_positions(module), (seed, text, once)
    assert_canonical_layout(once)
