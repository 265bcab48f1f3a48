"""Live validation of editor text: YAML syntax, the v1.32 schema and the API server's own checks.

Problems come back with the line they are on (0-based), found through ruamel.yaml's round-trip positions,
so the editor can point at them. Nothing here imports textual.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from ..engine.api.validation import schema_error
from ..engine.errors import StatusError

_INDEX = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass
class Problem:
    """One validation problem: its 0-based line (or None) and the message the server would return."""

    line: int | None
    message: str


def load_documents(text: str) -> list[Any]:
    """Round-trip load every YAML document (comments and positions kept); raises MarkedYAMLError."""
    yaml = YAML(typ="rt")
    return [d for d in yaml.load_all(io.StringIO(text)) if d is not None]


def plain(doc: Any) -> Any:
    """A round-trip document as plain JSON-shaped data."""
    return json.loads(json.dumps(doc, default=str))


def line_of(doc: Any, field: str) -> int | None:
    """The 0-based line of a field path like ``spec.template.spec.containers[0].image`` in a loaded document."""
    node = doc
    line = getattr(getattr(doc, "lc", None), "line", None)
    for m in _INDEX.finditer(field):
        key, index = m.group(1), m.group(2)
        try:
            if key is not None:
                if not hasattr(node, "lc") or key not in node:
                    break
                line = node.lc.key(key)[0]
                node = node[key]
            else:
                i = int(index)
                if not hasattr(node, "lc") or i >= len(node):
                    break
                line = node.lc.item(i)[0]
                node = node[i]
        except (AttributeError, KeyError, IndexError, TypeError):
            break
    return line


def _split_api_version(api_version: str) -> tuple[str, str]:
    if "/" in api_version:
        g, v = api_version.split("/", 1)
        return g, v
    return "", api_version


def check(text: str, api: Any, registry: Any, namespace: str = "default") -> list[Problem]:
    """Every problem a server-side dry-run apply of ``text`` would report, each at its line."""
    try:
        docs = load_documents(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        return [Problem(mark.line if mark else None, f"error converting YAML to JSON: yaml: {e.problem}")]
    except Exception as e:
        return [Problem(None, f"error parsing YAML: {e}")]
    problems: list[Problem] = []
    for doc in docs:
        start = getattr(getattr(doc, "lc", None), "line", 0)
        if not isinstance(doc, dict):
            problems.append(Problem(start, "error: the document is not a YAML map (an object)"))
            continue
        obj = plain(doc)
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if not kind:
            problems.append(Problem(start, "error: Object 'Kind' is missing in the document"))
            continue
        if not api_version:
            problems.append(Problem(start, "error: Object 'apiVersion' is missing in the document"))
            continue
        group, version = _split_api_version(str(api_version))
        rt = registry.by_gvk(str(api_version), str(kind))
        if rt is None:
            problems.append(
                Problem(
                    line_of(doc, "kind"),
                    f'error: resource mapping not found for kind "{kind}" in version "{api_version}"',
                )
            )
            continue
        err = schema_error(obj, group, version, str(kind))
        if err is not None:
            problems.append(Problem(_first_field_line(doc, err.message), err.message))
            continue
        ns = (obj.get("metadata") or {}).get("namespace") or namespace
        try:
            name = (obj.get("metadata") or {}).get("name")
            live = api.peek(rt, name, ns if rt.namespaced else None) if name else None
            if live is not None:
                obj.setdefault("metadata", {})["resourceVersion"] = live["metadata"]["resourceVersion"]
                api.update(obj, ns if rt.namespaced else None, dry_run=True, rt=rt)
            else:
                api.create(obj, ns if rt.namespaced else None, dry_run=True, rt=rt)
        except StatusError as e:
            causes = (e.details or {}).get("causes") or []
            if causes:
                for c in causes:
                    problems.append(
                        Problem(line_of(doc, c.get("field", "")), f"{c.get('field')}: {c.get('message')}")
                    )
            else:
                problems.append(Problem(start, e.message))
    return problems


def _first_field_line(doc: Any, message: str) -> int | None:
    m = re.search(r'unknown field "([^"]+)"', message) or re.search(r"field ([\w.\[\]]+) of type", message)
    if m:
        return line_of(doc, m.group(1))
    m = re.search(r"\.([\w.\[\]]+): ", message)
    return line_of(doc, m.group(1)) if m else getattr(getattr(doc, "lc", None), "line", None)
