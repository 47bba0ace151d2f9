"""Building `.pan` syntax trees in code and printing them through the formatter.

The generator and the healer build `panoptic.syntax.ast` nodes; `render()`
serialises a module (every literal through `literal()`, which escapes quotes,
backslashes, newlines and `${`), parses the result back and prints it with the
formatter, so the text is canonical and known to parse.
"""

from __future__ import annotations

from panoptic.source import Span
from panoptic.syntax import ast

NOWHERE = Span("<generated>", 0, 0, 1, 1, 1, 1)


def literal(text: str) -> ast.Str:
    """A string literal whose value is exactly `text` (no interpolation)."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    body = body.replace("${", "$${")
    return ast.Str((text,), f'"{body}"', NOWHERE)


def word(text: str) -> ast.Word:
    return ast.Word(text, NOWHERE)


def statement(*items: ast.Item | str) -> ast.Statement:
    """A statement from words (plain `str`) and literal items."""
    parts = tuple(word(i) if isinstance(i, str) else i for i in items)
    return ast.Statement(parts, None, None, NOWHERE)


def block(statements: list[ast.Statement]) -> ast.Block:
    return ast.Block(tuple(statements), NOWHERE)


def _item(item: object) -> str:
    if isinstance(item, ast.Word):
        return item.text
    if isinstance(item, ast.Comma):
        return ","
    if isinstance(item, (ast.Str, ast.Num, ast.Duration, ast.Size)):
        return item.raw
    if isinstance(item, ast.ListLit):
        return "[" + ", ".join(_item(i) for i in item.items) + "]"
    if isinstance(item, ast.Var):
        return ".".join(item.path)
    if isinstance(item, ast.Call):
        return item.name + "(" + ", ".join(_item(a) for a in item.args) + ")"
    if isinstance(item, ast.Phrase):
        return " ".join(_item(i) for i in item.items)
    raise TypeError(f"cannot print {type(item).__name__}")


def _block(body: ast.Block, out: list[str]) -> None:
    out.append("{\n")
    for stmt in body.statements:
        if isinstance(stmt, ast.Statement):
            out.append(" ".join(_item(i) for i in stmt.items) + "\n")
        elif isinstance(stmt, ast.Let):
            out.append(("secret " if stmt.secret else "let ") + f"{stmt.name} = {_item(stmt.value)}\n")
    out.append("}\n")


def serialise(module: ast.Module) -> str:
    """Plain text of a built module (not yet canonical: `render` formats it)."""
    out: list[str] = []
    for decl in module.decls:
        if isinstance(decl, ast.App):
            out.append(f"app {decl.name}: {decl.platform} {{\n")
            out.extend(f"{s.key}: {_item(s.value)}\n" for s in decl.settings)
            out.append("}\n")
        elif isinstance(decl, ast.Let):
            out.append(("secret " if decl.secret else "let ") + f"{decl.name} = {_item(decl.value)}\n")
        elif isinstance(decl, ast.Flow):
            out.append(f"flow {decl.name}({', '.join(p.name for p in decl.params)}) ")
            _block(decl.body, out)
        elif isinstance(decl, ast.Scenario):
            out.append(f"scenario {decl.title.raw}")
            if decl.app:
                out.append(f" on {decl.app}")
            if decl.tags:
                out.append(" tags " + ", ".join(t.name for t in decl.tags))
            out.append(" ")
            _block(decl.body, out)
        out.append("\n")
    return "".join(out)


def render(module: ast.Module, comments: tuple[str, ...] = ()) -> str:
    """The module as canonical `.pan` text (header comments first); FormatError if it does not parse."""
    from panoptic.fmt import format_text

    header = "".join(f"# {c}\n" for c in comments)
    return format_text(header + serialise(module), module.path)
