"""Reading manifests like kubectl: files, directories (-R), stdin; YAML or JSON; many documents per file.

YAML is loaded with YAML 1.1 scalars as go-yaml v2 resolves them (timestamps stay strings), and hostile
input is refused: oversized files, deeply nested or alias-bomb documents ("excessive aliasing").
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_EXPANDED_NODES = 200_000
MAX_DEPTH = 200
FILE_EXTENSIONS = (".json", ".yaml", ".yml")


class ManifestError(Exception):
    """A manifest could not be read or parsed; the message is what kubectl prints after ``error: ``."""


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver (go-yaml v2 into interface{} keeps them as strings)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_str_keys(loader: _Loader, node: MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for k_node, v_node in node.value:
        key = loader.construct_object(k_node, deep=True)
        if isinstance(key, list | dict):
            raise ManifestError("error converting YAML to JSON: yaml: invalid map key")
        if isinstance(key, bool):
            key = "true" if key else "false"
        elif key is None:
            key = "null"
        elif not isinstance(key, str):
            key = str(key)
        out[key] = loader.construct_object(v_node, deep=True)
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_str_keys)


def _check_expansion(node: Node) -> None:
    """Refuse documents whose aliases expand past a bound (the billion-laughs attack) or nest too deep."""
    memo: dict[int, int] = {}

    def size(n: Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise ManifestError("error converting YAML to JSON: yaml: exceeded max depth of 200")
        key = id(n)
        if key in memo:
            return memo[key]
        memo[key] = 1  # cycles count once
        total = 1
        if isinstance(n, SequenceNode):
            for c in n.value:
                total += size(c, depth + 1)
                if total > MAX_EXPANDED_NODES:
                    break
        elif isinstance(n, MappingNode):
            for k, v in n.value:
                total += size(k, depth + 1) + size(v, depth + 1)
                if total > MAX_EXPANDED_NODES:
                    break
        if total > MAX_EXPANDED_NODES:
            raise ManifestError("error converting YAML to JSON: yaml: document contains excessive aliasing")
        memo[key] = total
        return total

    size(node, 0)


_GO_YAML_PROBLEMS = (
    ("expected <block end>", "did not find expected key"),
    ("mapping values are not allowed here", "mapping values are not allowed in this context"),
    ("that cannot start any token", "found character that cannot start any token"),
    ("could not find expected ':'", "could not find expected ':'"),
    ("found unexpected end of stream", "found unexpected end of stream"),
    ("expected ',' or ']'", "did not find expected ',' or ']'"),
    ("expected ',' or '}'", "did not find expected ',' or '}'"),
    ("found undefined alias", "unknown anchor referenced"),
    ("expected <document start>", "did not find expected <document start>"),
    ("found duplicate anchor", "found duplicate anchor"),
    ("expected the node content", "did not find expected node content"),
)


def _format_yaml_error(e: yaml.YAMLError) -> str:
    """Word a PyYAML error the way go-yaml v2 (and so kubectl) words it: ``yaml: line N: problem``."""
    problem = getattr(e, "problem", None) or str(e)
    for needle, go in _GO_YAML_PROBLEMS:
        if needle in problem:
            problem = go
            break
    raw = getattr(e, "problem", None) or ""
    if "found undefined alias" in raw:
        return "error converting YAML to JSON: yaml: unknown anchor " + raw.split("alias ", 1)[1] + " referenced"
    mark = getattr(e, "problem_mark", None)
    if mark is None or "mapping values" in raw:
        return f"error converting YAML to JSON: yaml: {problem}"
    # go-yaml numbers parser errors from the line before the problem and scanner errors at it.
    line = mark.line + (1 if isinstance(e, yaml.scanner.ScannerError) else 0)
    return f"error converting YAML to JSON: yaml: line {line}: {problem}"


def split_yaml_documents(text: str) -> list[str]:
    """apimachinery's YAMLReader: split on ``---`` lines (rest of the line empty or a comment)."""
    docs: list[str] = []
    cur: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("---"):
            rest = line[3:].strip()
            if not rest or rest.startswith("#"):
                docs.append("".join(cur))
                cur = []
                continue
        cur.append(line)
    docs.append("".join(cur))
    return docs


def _decode(text: str | bytes, source: str) -> str:
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise ManifestError(f"error reading {source}: file is too large ({len(text)} bytes; the limit is "
                                f"{MAX_FILE_BYTES})")
        if b"\x00" in text[:8192]:
            raise ManifestError(f"error parsing {source}: error converting YAML to JSON: yaml: control characters "
                                "are not allowed")
        try:
            return text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ManifestError(f"error parsing {source}: error converting YAML to JSON: yaml: invalid leading UTF-8 "
                                "octet") from None
    if len(text) > MAX_FILE_BYTES:
        raise ManifestError(f"error reading {source}: file is too large")
    return text


def _parse_one(chunk: str, source: str) -> Any:
    loader = _Loader(chunk)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    except ManifestError as e:
        raise ManifestError(f"error parsing {source}: {e}") from None
    except yaml.YAMLError as e:
        raise ManifestError(f"error parsing {source}: {_format_yaml_error(e)}") from None
    except RecursionError:
        raise ManifestError(f"error parsing {source}: error converting YAML to JSON: yaml: exceeded max depth of "
                            "200") from None
    finally:
        loader.dispose()


def iter_documents(text: str | bytes, source: str) -> Iterator[tuple[int, Any]]:
    """Yield (document index, object) in order; a bad document raises ManifestError at its place, so the
    documents before it have already been handed out (kubectl's stream visitor behaves the same way)."""
    decoded = _decode(text, source)
    stripped = decoded.lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            obj = json.loads(decoded)
        except json.JSONDecodeError:
            pass
        else:
            if isinstance(obj, list):
                yield from enumerate(obj)
            else:
                yield 0, obj
            return
    for idx, chunk in enumerate(split_yaml_documents(decoded)):
        obj = _parse_one(chunk, source)
        if obj is not None:
            yield idx, obj


def parse_documents(text: str | bytes, source: str) -> list[tuple[int, Any]]:
    """All documents of a stream (raises ManifestError at the first bad one)."""
    return list(iter_documents(text, source))


@dataclass
class Manifest:
    source: str
    index: int
    obj: Any


def expand_list(obj: Any) -> Iterator[Any]:
    """A ``kind: List`` (or any ``*List``) contributes its items, as kubectl's visitor does."""
    if isinstance(obj, dict) and isinstance(obj.get("kind"), str) and obj["kind"].endswith("List") and isinstance(
            obj.get("items"), list):
        yield from obj["items"]
    else:
        yield obj


ReadFile = Callable[[str], bytes]


def collect_paths(path: str, recursive: bool, cwd: str, files: Any) -> list[str]:
    """Files a ``-f`` argument names (a directory contributes its .json/.yaml/.yml files)."""
    full = path if os.path.isabs(path) else os.path.join(cwd, path)
    if not files.exists(full):
        raise ManifestError(f'the path "{path}" does not exist')
    if not files.isdir(full):
        return [full]
    out: list[str] = []

    def walk(d: str) -> None:
        for name in files.listdir(d):
            p = os.path.join(d, name)
            if files.isdir(p):
                if recursive:
                    walk(p)
            elif name.endswith(FILE_EXTENSIONS):
                out.append(p)

    walk(full)
    return out


def display_path(full: str, original: str, cwd: str) -> str:
    if full == (original if os.path.isabs(original) else os.path.join(cwd, original)):
        return original
    rel = os.path.relpath(full, cwd)
    return rel if not rel.startswith("..") else full
