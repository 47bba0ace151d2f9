"""YAML read into located values: every mapping, list and scalar keeps the span it was written at.

PyYAML composes the document into nodes carrying start and end marks; `read_yaml`
turns them into `YMap`, `YList` and `YScalar` with `Span`s of the YAML file, so
that every diagnostic about a config names its line and column. Duplicate keys
are kept as findings (PyYAML would silently keep the last one), and a file that
is not YAML at all is one diagnostic at the place the parser stopped.
"""

from __future__ import annotations

from typing import Any, ClassVar, Union

from panoptic.diagnostics import Diagnostic, diagnostic
from panoptic.frozen import frozen
from panoptic.source import Source, Span


@frozen
class YScalar:
    """A scalar with its Python value (str, int, float, bool or None) and where it was written."""

    value: Any
    span: Span


@frozen
class YList:
    """A list: its items in written order."""

    items: tuple[YNode, ...]
    span: Span


@frozen
class YMap:
    """A mapping: `entries` in written order (keys are strings), first occurrence of each key."""

    entries: tuple[tuple[str, Span, YNode], ...]
    span: Span
    _index: ClassVar[dict[str, int]]  # per instance, set in __post_init__ (not a field: neither compared nor shown)

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        for i, (key, _, _) in enumerate(self.entries):
            index.setdefault(key, i)
        self.__dict__["_index"] = index

    def get(self, key: str) -> YNode | None:
        index = self._index.get(key)
        return None if index is None else self.entries[index][2]

    def key_span(self, key: str) -> Span | None:
        index = self._index.get(key)
        return None if index is None else self.entries[index][1]

    def keys(self) -> list[str]:
        return [key for key, _, _ in self.entries]


YNode = Union[YScalar, YList, YMap]


def kind_name(node: YNode) -> str:
    """What a node is, for messages: "a map", "a list", "text", "a number", "true/false", "nothing"."""
    if isinstance(node, YMap):
        return "a map"
    if isinstance(node, YList):
        return "a list"
    value = node.value
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"


def read_yaml(source: Source) -> tuple[YNode | None, list[Diagnostic]]:
    """Compose one YAML document into located nodes; problems come back as diagnostics, never as exceptions."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    diags: list[Diagnostic] = []
    try:
        loader = loader_class(source.text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = _mark_span(source, mark.index, mark.index) if mark is not None else None
        problem = " ".join(str(exc.problem or exc.context or "cannot be read").split())
        diags.append(diagnostic("PAN010", f"this is not valid YAML: {problem}", span, help=_YAML_HELP))
        return None, diags
    except yaml.YAMLError as exc:  # a reader error (bad character, encoding)
        position = getattr(exc, "position", None)
        span = source.span(position, position) if isinstance(position, int) else None
        message = " ".join(str(exc).split())
        diags.append(diagnostic("PAN010", f"this is not valid YAML: {message}", span, help=_YAML_HELP))
        return None, diags
    if root is None:
        return None, diags
    from yaml.constructor import ConstructorError, SafeConstructor

    constructor = SafeConstructor()
    budget = [MAX_VALUES]  # aliases can make a short file expand exponentially ("billion laughs")
    text, path = source.text, source.path
    mapping_node, sequence_node, scalar_node = yaml.MappingNode, yaml.SequenceNode, yaml.ScalarNode

    def node_span(node: Any) -> Span:  # `_node_span`, with the source's fields at hand (~10,000 calls)
        start, end = node.start_mark, node.end_mark
        start_index, end_index = start.index, end.index
        if end_index > start_index and text[end_index - 1 : end_index] in _TRIMMED:
            return _mark_span(source, start_index, end_index)
        return Span(path, start_index, end_index, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def scalar(node: Any) -> YNode:
        span = node_span(node)
        if node.tag in _TEXT_TAGS:
            return YScalar(node.value, span)
        try:
            value = constructor.construct_object(node, deep=True)
        except (ConstructorError, ValueError, TypeError):
            value = node.value
        if not isinstance(value, (str, int, float, bool)) and value is not None:
            value = str(node.value)  # dates, binary: kept as written
        return YScalar(value, span)

    def convert(node: Any, depth: int) -> YNode:
        budget[0] -= 1
        if budget[0] == 0:
            diags.append(
                diagnostic(
                    "PAN012",
                    f"the config expands to more than {MAX_VALUES:,} values (through aliases); it is not read further",
                    node_span(node),
                    help="write the repeated parts out, or use fewer nested aliases",
                )
            )
        if budget[0] <= 0:
            return YScalar(None, node_span(node))
        if depth > 100:
            diags.append(diagnostic("PAN012", "the config nests deeper than 100 levels", node_span(node)))
            return YScalar(None, node_span(node))
        if isinstance(node, mapping_node):
            entries: list[tuple[str, Span, YNode]] = []
            seen: dict[str, Span] = {}
            for key_node, value_node in node.value:
                key_span = node_span(key_node)
                if not isinstance(key_node, scalar_node):
                    diags.append(diagnostic("PAN012", "a key must be a plain name, not a list or map", key_span))
                    continue
                key = str(key_node.value)
                if key == "<<":
                    diags.append(diagnostic("PAN012", "merge keys (`<<`) are not read: write the keys out", key_span))
                    continue
                if key in seen:
                    first = seen[key]
                    diags.append(
                        diagnostic(
                            "PAN014",
                            f"the key `{key}` is written twice in this map",
                            key_span,
                            help=f"the first `{key}` is at line {first.line}; keep one",
                        )
                    )
                    continue
                seen[key] = key_span
                entries.append((key, key_span, convert(value_node, depth + 1)))
            return YMap(tuple(entries), node_span(node))
        if isinstance(node, sequence_node):
            return YList(tuple([convert(item, depth + 1) for item in node.value]), node_span(node))
        return scalar(node)

    return convert(root, 0), diags


_TEXT_TAGS = frozenset(("tag:yaml.org,2002:str",))
MAX_VALUES = 200_000
_YAML_HELP = "a config is a YAML map with `name`, `apps`, `actions` and `settings`"


_TRIMMED = ("\n", "\r", " ")


def _mark_span(source: Source, start: int, end: int) -> Span:
    # A block scalar or map ends after its line break; the span stays on the text itself.
    text = source.text
    while end > start and text[end - 1 : end] in ("\n", "\r", " "):
        end -= 1
    return source.span(start, end)
