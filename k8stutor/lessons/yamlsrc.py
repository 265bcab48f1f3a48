"""Reading pack files safely: bounded size, alias-bomb safe (the manifest reader's rules), with line numbers.

``load_yaml`` returns the first document and a map from a value's path (a tuple of keys and indexes) to the
1-based line where it starts, so the linter can say ``lesson.yaml:12: ...``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..kubectl.manifests import ManifestError, iter_documents

Path = tuple[str | int, ...]
_LINE_RX = re.compile(r"\bline (\d+)\b")


class YamlError(ValueError):
    """A file could not be read as YAML; ``line`` is 1-based when known (0 otherwise)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Located:
    """A parsed document and where each value came from."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int:
        """The line of ``path`` or of its nearest ancestor that has one (1 for the document)."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)


def load_yaml(raw: bytes, source: str) -> Located:
    """Parse the first YAML document of ``raw`` (bounded, alias-safe) with its line map."""
    try:
        docs = iter_documents(raw, source)
        first = next(docs, None)
    except ManifestError as e:
        msg = str(e)
        m = _LINE_RX.search(msg)
        msg = msg.replace(f"error parsing {source}: ", "").replace("error converting YAML to JSON: ", "")
        raise YamlError(msg, int(m.group(1)) if m else 0) from None
    if first is None:
        return Located(None, {(): 1})
    data = first[1]
    text = raw.decode("utf-8-sig", "replace")
    # The reader above checked the document: aliases expand to a bounded size, nesting is bounded.
    lines: dict[Path, int] = {}
    try:
        node = yaml.compose(_first_chunk(text), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        node = None
    if node is not None:
        _walk(node, (), lines, set())
    lines.setdefault((), 1)
    return Located(data, lines)


def _first_chunk(text: str) -> str:
    out: list[str] = []
    for i, line in enumerate(text.splitlines(keepends=True)):
        if line.startswith("---") and (not line[3:].strip() or line[3:].strip().startswith("#")):
            if i == 0 or not "".join(out).strip():
                out.append("\n")  # keep line numbers
                continue
            break
        out.append(line)
    return "".join(out)


def _walk(node: Node, path: Path, lines: dict[Path, int], seen: set[int]) -> None:
    lines[path] = node.start_mark.line + 1
    if id(node) in seen:  # an alias: its lines are where the anchor is
        return
    seen.add(id(node))
    if isinstance(node, MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, ScalarNode) else str(k.start_mark.line)
            lines[path + (key,)] = k.start_mark.line + 1
            _walk(v, path + (key,), lines, seen)
            lines[path + (key,)] = k.start_mark.line + 1
    elif isinstance(node, SequenceNode):
        for i, v in enumerate(node.value):
            _walk(v, path + (i,), lines, seen)
