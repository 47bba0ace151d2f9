"""The statement registry: every statement of every family, indexed for the compiler.

The registry is built from the statement families (`panoptic.contract.family`):
the built-in ones (control, expect, ui, ai, cloud, enterprise) and those of
installed plugins. The same table feeds the compiler, the generated statement
reference (docs/statements.md), the editor grammars and the language server.
"""

from __future__ import annotations

import dataclasses
import functools

from panoptic.contract.family import Family, families
from panoptic.contract.statements import (
    TARGET_WORDS,
    TYPE_NAMES,
    Lit,
    Opt,
    Par,
    Part,
    StatementDef,
    parse_signature,
    statement_def,
)

__all__ = [
    "REGISTRY",
    "TARGET_WORDS",
    "TYPE_NAMES",
    "Lit",
    "Opt",
    "Par",
    "Part",
    "Registry",
    "StatementDef",
    "parse_signature",
    "registry",
    "statement_def",
]


class Registry:
    """All statement forms, indexed by their first word."""

    def __init__(self, families: tuple[Family, ...] = ()) -> None:
        self._entries: list[StatementDef] = []
        self._by_first: dict[str, list[StatementDef]] = {}
        self._values_by_first: dict[str, list[StatementDef]] = {}  # value forms: `let n = text of …`
        self._signatures: set[str] = set()
        self.families: dict[str, Family] = {}
        for family in families:
            self.add_family(family)

    def add_family(self, family: Family) -> None:
        """Add a family's statements (a family name may appear once)."""
        if family.name in self.families:
            raise ValueError(f"statement family `{family.name}` registered twice")
        self.families[family.name] = family
        for entry in family.statements:
            self.register(entry)

    def register(self, entry: StatementDef) -> StatementDef:
        if not entry.parts:  # built without `statement_def`: parse its signature, keeping every other field
            entry = dataclasses.replace(entry, parts=statement_def(entry.signature, entry.action, entry.summary).parts)
        if entry.signature in self._signatures:
            raise ValueError(f"statement registered twice: {entry.signature!r}")
        self._signatures.add(entry.signature)
        self._entries.append(entry)
        first = entry.parts[0]
        assert isinstance(first, Lit)
        (self._values_by_first if entry.produces else self._by_first).setdefault(first.word, []).append(entry)
        return entry

    def candidates(self, first_word: str) -> list[StatementDef]:
        return self._by_first.get(first_word, [])

    def value_candidates(self, first_word: str) -> list[StatementDef]:
        """The value forms (`text of <target>`, read after `let NAME =`) that start with a word."""
        return self._values_by_first.get(first_word, [])

    def value_heads(self) -> list[str]:
        return sorted({" ".join(e.head) for entries in self._values_by_first.values() for e in entries})

    @property
    def entries(self) -> tuple[StatementDef, ...]:
        return tuple(self._entries)

    @property
    def first_words(self) -> tuple[str, ...]:
        return tuple(self._by_first)

    def heads(self) -> list[str]:
        return sorted({" ".join(e.head) for e in self._entries if not e.produces})


@functools.cache
def registry(*, plugins: bool = True) -> Registry:
    """The registry of the built-in families, plus installed plugin families unless `plugins=False`."""
    return Registry(families(plugins=plugins))


REGISTRY = registry(plugins=False)
