"""Completion: what may be written at the cursor, from the text around it and the latest index.

The context (top level, an app block, a statement block, a string) is read
from the text itself, so completion works on a line that does not parse yet.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lsprotocol import types as lsp

from panoptic.compiler.files import stdlib_modules
from panoptic.compiler.functions import FUNCTIONS
from panoptic.compiler.registry import TARGET_WORDS, StatementDef, registry
from panoptic.editor_grammars import DECLARATION_SNIPPETS, TARGET_MODIFIERS
from panoptic.lsp.analysis import Definition, ModuleIndex
from panoptic.syntax.scan import walk

_STRINGS = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*$")
# A line's strings (an unclosed one runs to the end), its comment, and the braces of its code: the braces
# matched here are the `{` and `}` that `panoptic.syntax.scan.code_chars` yields, found in one regex pass.
_BRACES = re.compile(r'"(?:[^"\\]|\\.)*"?|#.*|[{}]')
_KIND = {
    "flow": lsp.CompletionItemKind.Function,
    "app": lsp.CompletionItemKind.Class,
    "variable": lsp.CompletionItemKind.Variable,
    "secret": lsp.CompletionItemKind.Constant,
    "param": lsp.CompletionItemKind.Variable,
    "loop": lsp.CompletionItemKind.Variable,
}


@dataclass(frozen=True)
class Context:
    """Where the cursor is: `headers` are the lines that opened the enclosing blocks, outermost first."""

    headers: tuple[str, ...]
    prefix: str  # the current line up to the cursor
    in_string: bool
    in_interpolation: bool


def context_at(text: str, line: int, col: int) -> Context:
    """Read the block structure from the start of the file to the cursor (strings and comments ignored)."""
    lines = text.split("\n")
    stack: list[str] = []
    for n in range(min(line - 1, len(lines))):
        raw = lines[n]
        if "{" not in raw and "}" not in raw:
            continue
        _walk_braces(raw, stack)
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    prefix = current[: col - 1]
    in_string, in_interp = _string_state(prefix)
    if not in_string:
        _walk_braces(prefix, stack)
    return Context(tuple(stack), prefix, in_string, in_interp)


def _walk_braces(raw: str, stack: list[str]) -> None:
    for m in _BRACES.finditer(raw):
        ch = m.group()
        if ch == "{":
            stack.append(raw[: m.start()].strip())
        elif ch == "}" and stack:
            stack.pop()


def _string_state(prefix: str) -> tuple[bool, bool]:
    """(inside a string or comment, inside an unclosed `${` of that string)."""
    walked = list(walk(prefix))
    if not walked:
        return False, False
    kind = walked[-1][2]
    if kind == "comment":
        return True, False  # in a comment: nothing to complete
    if kind not in ("open", "string"):
        return False, False
    start = max(i for i, _, k in walked if k == "open")
    body = prefix[start + 1 :]
    opened = body.rfind("${")
    return True, opened != -1 and "}" not in body[opened:]


def _markdown(text: str) -> lsp.MarkupContent:
    return lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text)


@functools.lru_cache(maxsize=1024)
def statement_doc(entry: StatementDef) -> str:
    """Markdown documentation of a statement form (hover and completion share it)."""
    parts = [f"```panoptic\n{entry.display}\n```", entry.summary[:1].upper() + entry.summary[1:] + "."]
    if entry.example:
        parts.append(f"Example:\n```panoptic\n{entry.example}\n```")
    platforms = _platforms_for(entry)
    if platforms:
        parts.append(f"Family `{entry.family}` · runs on: {', '.join(platforms)}")
    return "\n\n".join(parts)


def _platforms_for(entry: StatementDef) -> list[str]:
    from panoptic.contract.platform import platforms

    if entry.capability is None:
        return ["every platform"]
    return sorted(name for name, spec in platforms().items() if entry.capability in spec.capabilities)


@functools.lru_cache(maxsize=4096)
def _entry_texts(entry: StatementDef) -> tuple[str, str, str]:
    """(head words, display, snippet) of a statement form: computed once, asked at every completion."""
    return " ".join(entry.head), entry.display, entry.snippet()


def _statement_items(prefix: str, replace: lsp.Range) -> list[lsp.CompletionItem]:
    items = []
    typed = prefix.strip()
    for i, entry in enumerate(registry().entries):
        head, display, snippet = _entry_texts(entry)
        if typed and not (head.startswith(typed) or typed.startswith(head.split(" ")[0])):
            continue
        items.append(
            lsp.CompletionItem(
                label=display,
                kind=lsp.CompletionItemKind.Function if entry.block == "none" else lsp.CompletionItemKind.Keyword,
                detail=entry.summary,
                data={"statement": entry.signature},  # documentation is filled in by completionItem/resolve
                filter_text=display,
                sort_text=f"1{i:04d}",
                insert_text_format=lsp.InsertTextFormat.Snippet,
                text_edit=lsp.TextEdit(range=replace, new_text=snippet),
            )
        )
    return items


def resolve(item: lsp.CompletionItem) -> lsp.CompletionItem:
    """Add the documentation of a statement item (kept out of the list to keep it small and fast)."""
    data = item.data if isinstance(item.data, dict) else {}
    signature = data.get("statement")
    if signature and item.documentation is None:
        entry = next((e for e in registry().entries if e.signature == signature), None)
        if entry is not None:
            item.documentation = _markdown(statement_doc(entry))
    return item


def _flow_items(names: dict[str, Definition]) -> list[lsp.CompletionItem]:
    items = []
    for name, d in sorted(names.items()):
        if d.kind != "flow":
            continue
        params = d.detail[d.detail.find("(") + 1 : d.detail.rfind(")")]
        placeholders = ", ".join(f"${{{i + 1}:{p.strip()}}}" for i, p in enumerate(params.split(",")) if p.strip())
        items.append(
            lsp.CompletionItem(
                label=f"{name}({params})",
                filter_text=name,
                kind=lsp.CompletionItemKind.Function,
                detail=d.detail + (f" — {d.module}" if d.module.startswith("std.") else ""),
                documentation=_markdown(d.doc) if d.doc else None,
                insert_text=f"{name}({placeholders})",
                insert_text_format=lsp.InsertTextFormat.Snippet,
                sort_text=f"0{name}",
            )
        )
    return items


def _name_items(names: dict[str, Definition], kinds: tuple[str, ...]) -> list[lsp.CompletionItem]:
    return [
        lsp.CompletionItem(label=name, kind=_KIND.get(d.kind), detail=d.detail, sort_text=f"0{name}")
        for name, d in sorted(names.items())
        if d.kind in kinds
    ]


def _target_items() -> list[lsp.CompletionItem]:
    items = [
        lsp.CompletionItem(
            label=word,
            kind=lsp.CompletionItemKind.EnumMember,
            detail="target",
            documentation=_markdown(f"`{word}` — {doc}"),
            sort_text=f"2{word}",
        )
        for word, doc in TARGET_WORDS.items()
    ]
    items.extend(
        lsp.CompletionItem(label=w, kind=lsp.CompletionItemKind.EnumMember, detail="target modifier", sort_text=f"3{w}")
        for w in TARGET_MODIFIERS
    )
    return items


def _function_items() -> list[lsp.CompletionItem]:
    return [
        lsp.CompletionItem(
            label=f.signature,
            filter_text=f.name,
            kind=lsp.CompletionItemKind.Function,
            detail=f.summary,
            insert_text=f"{f.name}($1)" if f.max_args else f"{f.name}()",
            insert_text_format=lsp.InsertTextFormat.Snippet,
            sort_text=f"4{f.name}",
        )
        for f in FUNCTIONS.values()
    ]


def _next_words(prefix: str) -> list[lsp.CompletionItem]:
    """Literal words of the statements that start like the current line and are not written yet."""
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_\-]*", _STRINGS.sub(" ", prefix))
    if not words:
        return []
    typed = set(words)
    seen: set[str] = set()
    items = []
    for entry in registry().candidates(words[0]):
        for w in entry.words:
            if w not in typed and w not in seen and w not in TARGET_WORDS:
                seen.add(w)
                items.append(
                    lsp.CompletionItem(
                        label=w, kind=lsp.CompletionItemKind.Keyword, detail=entry.display, sort_text=f"1{w}"
                    )
                )
    return items


def _setting_items(header: str) -> list[lsp.CompletionItem]:
    from panoptic.contract.platform import platforms

    m = re.match(r"app\s+[\w-]+\s*:\s*([\w-]+)", header)
    spec = platforms().get(m.group(1)) if m else None
    if spec is None:
        return []
    items = []
    for setting in spec.settings:
        doc = f"{setting.summary}\n\ntype: `{setting.type}`"
        if setting.choices:
            doc += " — one of " + ", ".join(f"`{c}`" for c in setting.choices)
        if setting.default is not None:
            doc += f"\n\ndefault: `{setting.default}`"
        items.append(
            lsp.CompletionItem(
                label=setting.name,
                kind=lsp.CompletionItemKind.Property,
                detail=f"{spec.name} setting ({setting.type})" + (" — required" if setting.required else ""),
                documentation=_markdown(doc),
                insert_text=f"{setting.name}: $0",
                insert_text_format=lsp.InsertTextFormat.Snippet,
            )
        )
    return items


def _setting_value_items(header: str, key: str) -> list[lsp.CompletionItem]:
    from panoptic.contract.platform import platforms

    m = re.match(r"app\s+[\w-]+\s*:\s*([\w-]+)", header)
    spec = platforms().get(m.group(1)) if m else None
    setting = spec.setting(key) if spec else None
    if setting is None:
        return _function_items()
    if setting.choices:
        return [lsp.CompletionItem(label=f'"{c}"', kind=lsp.CompletionItemKind.EnumMember) for c in setting.choices]
    if setting.type == "bool":
        return [lsp.CompletionItem(label=v, kind=lsp.CompletionItemKind.EnumMember) for v in ("true", "false")]
    return _function_items()


def _declaration_items() -> list[lsp.CompletionItem]:
    from panoptic.editor_grammars import _platform_names

    plats = ",".join(_platform_names())
    return [
        lsp.CompletionItem(
            label=name,
            kind=lsp.CompletionItemKind.Snippet,
            detail=description,
            insert_text=body.replace("PLATFORMS", plats),
            insert_text_format=lsp.InsertTextFormat.Snippet,
            sort_text=f"0{name}",
        )
        for name, (_prefix, body, description) in DECLARATION_SNIPPETS.items()
    ]


def complete(text: str, line: int, col: int, index: ModuleIndex | None) -> list[lsp.CompletionItem]:
    """Completion items at a 1-based (line, column) of a document's current text."""
    ctx = context_at(text, line, col)
    names = index.visible((line, col)) if index is not None else {}
    prefix = ctx.prefix
    if ctx.in_string:
        if ctx.in_interpolation:
            return _name_items(names, ("variable", "secret", "param", "loop"))
        return []
    if not ctx.headers:
        if m := re.match(r"\s*use\s+([\w.]*)$", prefix):
            return [
                lsp.CompletionItem(label=f"std.{name}", kind=lsp.CompletionItemKind.Module, detail="standard module")
                for name in stdlib_modules()
            ]
        if re.match(r"\s*app\s+[\w-]+\s*:\s*[\w-]*$", prefix):
            from panoptic.editor_grammars import _platform_names

            return [lsp.CompletionItem(label=p, kind=lsp.CompletionItemKind.Class) for p in _platform_names()]
        if re.match(r'\s*scenario\s+".*"\s+on\s+[\w-]*$', prefix):
            return _name_items(names, ("app",))
        if re.match(r'\s*scenario\s+".*"\s+(on\s+[\w-]+\s+)?$', prefix):
            return [lsp.CompletionItem(label=w, kind=lsp.CompletionItemKind.Keyword) for w in ("on", "tags")]
        if re.match(r"\s*(let|secret)\s+[\w-]+\s*=", prefix):
            return _name_items(names, ("variable", "secret")) + _function_items()
        if re.match(r"\s*[\w-]*$", prefix):
            return _declaration_items()
        return []
    header = ctx.headers[-1]
    if header.startswith("app ") and len(ctx.headers) == 1:
        if re.match(r"\s*[\w-]*$", prefix):
            return _setting_items(header)
        if m := re.match(r"\s*([\w-]+)\s*:", prefix):
            return _setting_value_items(header, m.group(1))
        return []
    typed = prefix.lstrip()
    line_start = len(prefix) - len(prefix.lstrip())
    replace = lsp.Range(
        start=lsp.Position(line=line - 1, character=line_start), end=lsp.Position(line=line - 1, character=col - 1)
    )
    if re.fullmatch(r"[A-Za-z_][\w\- ]*|", typed) and _starts_statement(typed):
        items = _statement_items(typed.strip(), replace)
        if " " not in typed:
            items += _flow_items(names)
            items += [
                lsp.CompletionItem(
                    label=w,
                    kind=lsp.CompletionItemKind.Snippet,
                    detail=DECLARATION_SNIPPETS[w][2],
                    insert_text=DECLARATION_SNIPPETS[w][1],
                    insert_text_format=lsp.InsertTextFormat.Snippet,
                )
                for w in ("let", "secret")
            ]
        return items
    if re.match(r"\s*\}\s*[\w]*$", prefix):
        return [lsp.CompletionItem(label="else", kind=lsp.CompletionItemKind.Keyword)]
    items = _next_words(prefix) + _target_items()
    items += _name_items(names, ("variable", "secret", "param", "loop"))
    items += _function_items()
    return items


def _starts_statement(typed: str) -> bool:
    """Whether the words typed so far are the start of some statement's head (or nothing yet)."""
    if not typed:
        return True
    words = typed.split()
    done = words if typed.endswith(" ") else words[:-1]
    if not done:
        return True
    for entry in registry().entries:
        if tuple(entry.head[: len(done)]) == tuple(done) and len(entry.head) > len(done):
            return True
    return False
