"""YAML the way Helm reads and writes it.

Writing: Helm's ``toYaml`` is ``sigs.k8s.io/yaml.Marshal`` (JSON first, then go-yaml v2 with its natural key
order) with the final newline trimmed — exactly kubectl's ``-o yaml`` printer, reused here.
Reading: ``sigs.k8s.io/yaml.Unmarshal`` into ``interface{}`` goes through JSON, so every number is a float64,
timestamps stay strings and go-yaml v2's YAML 1.1 scalars apply (``y``/``n``/``on``/``off`` are booleans).
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from k8stutor.kubectl.serialize import YamlError
from k8stutor.kubectl.serialize import to_yaml as _kubectl_yaml

__all__ = ["YamlError", "to_yaml", "load_yaml", "load_yaml_raw", "to_toml", "YAMLParseError"]


class YAMLParseError(ValueError):
    """A YAML document could not be read; str() is go-yaml's message (``yaml: line N: ...``)."""


_BOOL_TRUE = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}
_BOOL_FALSE = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}
_NULL = {"~", "null", "Null", "NULL", ""}
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {
    ".inf": math.inf,
    ".Inf": math.inf,
    ".INF": math.inf,
    "+.inf": math.inf,
    "+.Inf": math.inf,
    "+.INF": math.inf,
    "-.inf": -math.inf,
    "-.Inf": -math.inf,
    "-.INF": -math.inf,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
}
_BIN = re.compile(r"^[-+]?0b[01]+$")


def _plain_value(s: str, floats: bool) -> Any:
    """go-yaml v2's resolve() for a plain scalar; numbers as float64 when ``floats`` (the JSON round trip)."""
    if s in _NULL:
        return None
    if s in _BOOL_TRUE:
        return True
    if s in _BOOL_FALSE:
        return False
    c = s[0]
    if c == "." or c in "+-" or c.isdigit():
        if s in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[s]
        plain = s.replace("_", "")
        if _GO_INT.match(plain):
            body = plain.lstrip("+-")
            neg = plain.startswith("-")
            lb = body.lower()
            if lb.startswith("0x"):
                v = int(body[2:], 16)
            elif lb.startswith("0o"):
                v = int(body[2:], 8)
            elif lb.startswith("0b"):
                v = int(body[2:], 2)
            elif len(body) > 1 and body.startswith("0"):
                v = int(body[1:], 8)
            else:
                v = int(body)
            v = -v if neg else v
            return float(v) if floats else v
        if _BIN.match(plain):
            v = int(plain.replace("0b", ""), 2)
            return float(v) if floats else v
        if _YAML_FLOAT.match(plain):
            try:
                return float(plain)
            except ValueError:
                return s
    return s


class _GoLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """A loader whose plain scalars resolve like go-yaml v2 (all left as strings here, resolved later)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}
    floats = True

    def construct_scalar_value(self, node: yaml.ScalarNode) -> Any:
        if node.tag == "tag:yaml.org,2002:str" and not node.style:
            return _plain_value(node.value, self.floats)
        if node.tag in ("tag:yaml.org,2002:str", "!"):
            return node.value
        if node.tag == "tag:yaml.org,2002:int":
            v = _plain_value(node.value, self.floats)
            return v
        if node.tag == "tag:yaml.org,2002:float":
            return float(_plain_value(node.value, True) or 0)
        if node.tag == "tag:yaml.org,2002:bool":
            return node.value in _BOOL_TRUE
        if node.tag == "tag:yaml.org,2002:null":
            return None
        if node.tag == "tag:yaml.org,2002:binary":
            return node.value
        return node.value


def _construct_object(loader: _GoLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar_value(node)
    if isinstance(node, yaml.SequenceNode):
        return [_construct_object(loader, n) for n in node.value]
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            if isinstance(knode, yaml.ScalarNode):
                k = _construct_object(loader, knode)
                if isinstance(k, bool):
                    key = "true" if k else "false"
                elif k is None:
                    key = "null" if knode.value else ""
                elif isinstance(k, (int, float)):
                    key = knode.value
                else:
                    key = str(k)
            else:
                raise YAMLParseError(f"error converting YAML to JSON: yaml: invalid map key: {knode.value!r}")
            out[key] = _construct_object(loader, vnode)
        return out
    return None


def _load(text: str, floats: bool) -> Any:
    loader = _GoLoader(text)
    loader.floats = floats
    try:
        # go-yaml v2 Unmarshal reads the first document only and ignores the rest of the stream
        if not loader.check_node():
            return None
        node = loader.get_node()
        if node is None:
            return None
        return _construct_object(loader, node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        raise YAMLParseError(f"yaml: line {line}: {e.problem or e.context}") from None
    except yaml.YAMLError as e:
        raise YAMLParseError(f"yaml: {e}") from None
    finally:
        loader.dispose()


def load_yaml(text: str) -> Any:
    """sigs.k8s.io/yaml.Unmarshal into interface{}: numbers are float64, timestamps strings."""
    return _load(text, True)


def load_yaml_raw(text: str) -> Any:
    """go-yaml v2 Unmarshal into interface{} (integers stay integers)."""
    return _load(text, False)


def load_all_yaml(text: str) -> list[Any]:
    """Every document of a multi-document stream (Go semantics, float64 numbers)."""
    loader = _GoLoader(text)
    out = []
    try:
        while loader.check_node():
            node = loader.get_node()
            out.append(_construct_object(loader, node) if node is not None else None)
    except yaml.YAMLError as e:
        raise YAMLParseError(f"yaml: {e}") from None
    finally:
        loader.dispose()
    return out


def to_yaml(v: Any) -> str:
    """Helm's toYaml: sigs.k8s.io/yaml.Marshal with the trailing newline trimmed; errors give ""."""
    try:
        out = _kubectl_yaml(_jsonable(v))
    except (TypeError, ValueError, YamlError):
        return ""
    return out[:-1] if out.endswith("\n") else out


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
        raise ValueError("json: unsupported value")
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    j = getattr(v, "go_json", None)
    if j is not None:
        return _jsonable(j())
    if isinstance(v, (bytes, bytearray)):
        import base64

        return base64.b64encode(bytes(v)).decode()
    return {}


# ---------------------------------------------------------------------------------------------------------
# TOML (BurntSushi/toml encoder, enough for values-shaped data)
# ---------------------------------------------------------------------------------------------------------


def _toml_value(v: Any) -> str:
    from .gotemplate.gofmt import go_quote

    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v == int(v) and abs(v) < 1e16:
            return f"{int(v)}.0"
        return repr(v)
    if isinstance(v, str):
        return go_quote(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    return go_quote(str(v))


def _toml_key(k: str) -> str:
    from .gotemplate.gofmt import go_quote

    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else go_quote(k)


def to_toml(v: Any) -> str:
    """Helm's toToml (BurntSushi/toml Encoder): scalars first, then tables; errors give the message."""
    if not isinstance(v, dict):
        return "toml: top-level values must be Go maps or structs"
    out: list[str] = []

    def emit(d: dict[str, Any], path: list[str], indent: str) -> None:
        simple = [
            k
            for k in sorted(d)
            if d[k] is not None
            and not isinstance(d[k], dict)
            and not (isinstance(d[k], list) and d[k] and all(isinstance(x, dict) for x in d[k]))
        ]
        tables = [k for k in sorted(d) if isinstance(d[k], dict)]
        arrays = [
            k for k in sorted(d) if isinstance(d[k], list) and d[k] and all(isinstance(x, dict) for x in d[k])
        ]
        for k in simple:
            out.append(f"{indent}{_toml_key(k)} = {_toml_value(d[k])}\n")
        for k in tables:
            p = path + [_toml_key(k)]
            out.append("\n{}[{}]\n".format(indent if path else "", ".".join(p)))
            emit(d[k], p, indent + "  " if path or True else indent)
        for k in arrays:
            p = path + [_toml_key(k)]
            for item in d[k]:
                out.append("\n{}[[{}]]\n".format(indent, ".".join(p)))
                emit(item, p, indent + "  ")

    emit(v, [], "")
    return "".join(out)
