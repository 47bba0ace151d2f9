"""Statement signatures: the contract between a family that defines statements and the compiler that matches them.

A statement is a *signature*, not a grammar rule. The signature language:

    words                 literal words that must appear as written
    <name:type>           a parameter (`<target>` is short for `<target:target>`)
    <name:a|b|c>          one of the given words, bound to `name`
    [ … ]                 an optional part

Types: target, text, number, int, duration, size, list, name (a new variable
name), any. Families build their statements with `statement_def()`; the
compiler's registry, the docs, the editor grammars and the language server all
read the same definitions.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any

from panoptic.frozen import frozen

# Words that introduce a typed target; `role` takes a role word and an optional name.
TARGET_WORDS: dict[str, str] = {
    "text": "text on the page or screen (substring, case-insensitive; `exact` for an exact match)",
    "role": 'an element by ARIA role and accessible name, e.g. `role button "Sign in"`',
    "label": "a form control by its label text",
    "placeholder": "an input by its placeholder text",
    "testid": "an element by its `data-testid` attribute",
    "xpath": "an element by XPath",
    "id": "an element by id (web) or accessibility id (mobile)",
    "css": "an element by CSS selector (a plain string is CSS too)",
    "image": "the place on screen that looks like an image file (OpenCV template matching)",
    "at": "a point on screen: `at 120, 340`",
    "focused": "the focused element or window",
}
TYPE_NAMES = ("target", "text", "number", "int", "duration", "size", "list", "name", "any")


@frozen
class Lit:
    """A word of the signature that must appear as written."""

    word: str


@frozen
class Par:
    """A parameter: `<name:type>`, or `<name:a|b>` (type `choice`) with its words."""

    name: str
    type: str
    choices: tuple[str, ...] = ()


@frozen
class Opt:
    """An optional part: `[ … ]`."""

    parts: tuple[Lit | Par | Opt, ...]


Part = Lit | Par | Opt


@frozen
class StatementDef:
    """One statement form.

    action: the IR action the statement lowers to (`ui.click`, `expect.visible`,
    `control.repeat`, …). capability: what the app's platform must offer
    (None for statements every platform runs, such as `wait`).
    """

    signature: str
    action: str
    summary: str
    capability: str | None = None
    block: str = "none"  # none | required
    allows_else: bool = False
    fixed: tuple[tuple[str, str], ...] = ()  # constant arguments added to the step
    example: str = ""
    family: str = "core"
    prints: tuple[str, ...] = ()  # arguments written into logs or artifact names (a secret there is PAN310)
    terminates: bool = False  # the statements after it in the same block never run (PAN216)
    top_level_only: bool = False  # only directly in a scenario body (PAN215 elsewhere)
    # A value form, written after `let NAME =` (`text of <target>`): the type of the value it gives
    # (string, number, …); empty for a statement.
    produces: str = ""
    parts: tuple[Part, ...] = field(default=(), compare=False)
    # Derived from `parts` once, because the compiler reads them for every statement it matches:
    head: tuple[str, ...] = field(init=False, repr=False, compare=False)  # literal words before the first parameter
    params: tuple[Par, ...] = field(init=False, repr=False, compare=False)
    required_words: frozenset[str] = field(init=False, repr=False, compare=False)  # literal words every match has

    def __post_init__(self) -> None:
        head = []
        for part in self.parts:
            if not isinstance(part, Lit):
                break
            head.append(part.word)
        object.__setattr__(self, "head", tuple(head))
        object.__setattr__(self, "params", _params(self.parts))
        object.__setattr__(self, "required_words", frozenset(p.word for p in self.parts if isinstance(p, Lit)))

    @property
    def display(self) -> str:
        """The signature as users read it: `<name>` without types."""

        def show(m: re.Match) -> str:
            name, _, typ = m.group(1).partition(":")
            return typ if "|" in typ else f"<{name}>"

        shown = re.sub(r"<([^>]+)>", show, self.signature).replace(" , ", ", ")
        return f"let <name> = {shown}" if self.produces else shown

    @property
    def words(self) -> tuple[str, ...]:
        """Every literal word of the signature (for keyword lists)."""
        out: list[str] = []

        def walk(parts):
            for p in parts:
                if isinstance(p, Lit):
                    if p.word != ",":  # punctuation, not a keyword
                        out.append(p.word)
                elif isinstance(p, Opt):
                    walk(p.parts)
                elif p.choices:
                    out.extend(p.choices)

        walk(self.parts)
        return tuple(out)

    def snippet(self) -> str:
        """An LSP snippet with placeholders, e.g. `fill ${1:target} with ${2:text}`."""
        counter = 0
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, Lit):
                out.append(part.word)
            elif isinstance(part, Par):
                counter += 1
                if part.choices:
                    out.append("${%d|%s|}" % (counter, ",".join(part.choices)))
                elif part.type in ("target", "text"):
                    out.append('"${%d:%s}"' % (counter, part.name))
                else:
                    out.append("${%d:%s}" % (counter, part.name))
        text = " ".join(out).replace(" , ", ", ")
        if self.block == "required":
            text += " {\n\t$0\n}"
        return text


def _params(parts: tuple[Part, ...]) -> tuple[Par, ...]:
    """Every parameter, optional ones included, in signature order."""
    out: list[Par] = []
    for p in parts:
        if isinstance(p, Par):
            out.append(p)
        elif isinstance(p, Opt):
            out.extend(_params(p.parts))
    return tuple(out)


_TOKEN = re.compile(r"\[|\]|<[^>]+>|[^\s\[\]<>]+")


def parse_signature(signature: str) -> tuple[Part, ...]:
    """Parse the signature mini-language into parts."""
    tokens = _TOKEN.findall(signature)
    pos = 0

    def seq(closing: bool) -> tuple[Part, ...]:
        nonlocal pos
        parts: list[Part] = []
        while pos < len(tokens):
            tok = tokens[pos]
            pos += 1
            if tok == "[":
                parts.append(Opt(seq(True)))
            elif tok == "]":
                if not closing:
                    raise ValueError(f"unbalanced ] in {signature!r}")
                return tuple(parts)
            elif tok.startswith("<"):
                inner = tok[1:-1]
                name, _, typ = inner.partition(":")
                typ = typ or name
                if "|" in typ:
                    parts.append(Par(name, "choice", tuple(typ.split("|"))))
                else:
                    if typ not in TYPE_NAMES:
                        raise ValueError(f"unknown type {typ!r} in {signature!r}")
                    parts.append(Par(name, typ))
            else:
                parts.append(Lit(tok))
        if closing:
            raise ValueError(f"unbalanced [ in {signature!r}")
        return tuple(parts)

    return seq(False)


def statement_def(signature: str, action: str, summary: str, **kwargs) -> StatementDef:
    """A statement form with its signature parsed (what a `Family` lists in `statements`)."""
    parts = parse_signature(signature)
    if not parts or not isinstance(parts[0], Lit):
        raise ValueError(f"a signature must start with a word: {signature!r}")
    return StatementDef(signature=signature, action=action, summary=summary, parts=parts, **kwargs)


class StatementList(list[StatementDef]):
    """The statements of one family in the order they are written: `add(...)` defines one more."""

    def __init__(self, family: str) -> None:
        super().__init__()
        self.family = family

    def add(self, signature: str, action: str, summary: str, **kwargs: Any) -> StatementDef:
        entry = statement_def(signature, action, summary, family=self.family, **kwargs)
        self.append(entry)
        return entry
