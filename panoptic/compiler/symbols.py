"""Module-level names: what each module declares, and what it sees through its direct `use`s.

This is the resolution step both the compiler and the language server stand
on. A module sees the apps, flows and file-level variables it declares and
those its directly `use`d modules declare themselves (not what those modules
use in turn). Each kind (app, flow, variable) is its own namespace. A name
keeps its plain IR id unless two modules declare it, in which case it becomes
`<module>::<name>`.

The table only finds facts; the compiler turns `redefinitions` and `clashes`
into diagnostics, and the language server turns declarations into its
definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Union

from panoptic.compiler.loader import LoadedModule
from panoptic.frozen import frozen
from panoptic.syntax import ast

Declaration = Union[ast.App, ast.Flow, ast.Let]
_KINDS: dict[type, str] = {ast.App: "app", ast.Flow: "flow", ast.Let: "var"}
Key = tuple[str, str]  # (kind, name)


@frozen
class Declared:
    """One module-level declaration."""

    kind: str  # app | flow | var
    name: str
    decl: Declaration
    module: str  # key of the module that declares it
    id: str  # its IR id


@frozen
class Redefinition:
    """A module declares the same kind and name twice; the first one counts."""

    again: Declared
    first: Declared


@frozen
class Clash:
    """A name a used module declares is already visible in `module`, from itself or another used module."""

    module: str
    use: ast.Use
    incoming: Declared
    existing: Declared


class SymbolTable:
    """The module-level names of a set of loaded modules (computed per module on first use)."""

    def __init__(self, modules: Mapping[str, LoadedModule]) -> None:
        self.modules = modules
        self._ids = _plan_ids(modules)
        self._own: dict[str, dict[Key, Declared]] = {}
        self._visible: dict[str, dict[Key, Declared]] = {}
        self.redefinitions: list[Redefinition] = []
        self.clashes: list[Clash] = []

    def own(self, key: str) -> dict[Key, Declared]:
        """What a module declares itself, first declaration of each (kind, name) in file order."""
        found = self._own.get(key)
        if found is None:
            found = self._own[key] = {}
            for decl in self.modules[key].module.decls:
                kind = _KINDS.get(type(decl))
                if kind is None:
                    continue
                assert isinstance(decl, (ast.App, ast.Flow, ast.Let))
                declared = Declared(kind, decl.name, decl, key, self._ids[(kind, key, decl.name)])
                first = found.get((kind, decl.name))
                if first is not None:
                    self.redefinitions.append(Redefinition(declared, first))
                    continue
                found[(kind, decl.name)] = declared
        return found

    def visible(self, key: str) -> dict[Key, Declared]:
        """What a module sees: its own declarations, then those of each module it uses directly."""
        found = self._visible.get(key)
        if found is not None:
            return found
        mod = self.modules[key]
        found = dict(self.own(key))
        for use, used in mod.uses:
            if used == key or used not in self.modules:
                continue
            for name_key, declared in self.own(used).items():
                existing = found.get(name_key)
                if existing is None:
                    found[name_key] = declared
                elif existing.module != used:  # the same module reached twice (a diamond of uses) is no clash
                    self.clashes.append(Clash(key, use, declared, existing))
        self._visible[key] = found
        return found

    def indirect(self, key: str, kind: str, name: str) -> Declared | None:
        """A declaration of `name` in a module `key` reaches only through the uses of the modules it uses.

        Such a name is not visible in `key` (only direct uses are); this is for the hint of the message that
        says so. The nearest module is found first (breadth first along the uses), or None.
        """
        frontier = list(dict.fromkeys(used for _, used in self.modules[key].uses if used != key))
        seen = {key, *frontier}
        while frontier:
            following: list[str] = []
            for module in frontier:
                if module not in self.modules:
                    continue
                for _, used in self.modules[module].uses:
                    if used in seen or used not in self.modules:
                        continue
                    seen.add(used)
                    found = self.own(used).get((kind, name))
                    if found is not None:
                        return found
                    following.append(used)
            frontier = following
        return None

    def id_of(self, kind: str, module: str, name: str) -> str:
        return self._ids[(kind, module, name)]


def _plan_ids(modules: Mapping[str, LoadedModule]) -> dict[tuple[str, str, str], str]:
    """(kind, module, name) -> IR id: the plain name unless two modules declare it."""
    owners: dict[Key, list[str]] = {}
    for key, mod in modules.items():
        for decl in mod.module.decls:
            kind = _KINDS.get(type(decl))
            if kind:
                assert isinstance(decl, (ast.App, ast.Flow, ast.Let))
                owners.setdefault((kind, decl.name), []).append(key)
    ids = {}
    for (kind, name), keys in owners.items():
        for key in keys:
            ids[(kind, key, name)] = name if len(set(keys)) == 1 else f"{key}::{name}"
    return ids
