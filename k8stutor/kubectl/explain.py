"""``kubectl explain``: kubectl v1.32's OpenAPI v3 ``plaintext`` template, rendered from the built-in schemas.

kubectl resolves the argument with the RESTMapper (``SplitAndParseResourceRequestWithMatchingPrefix``),
walks the field path through the schema, and prints a header (GROUP/KIND/VERSION), the field line with
its guessed type and enum, the descriptions wrapped at 76 columns (``go-wordwrap``) and indented by four,
then either the direct fields with their descriptions or, with ``--recursive``, the whole field tree.
"""

from __future__ import annotations

import re
from typing import Any

from k8stutor.engine import schema
from k8stutor.engine.registry import Registry, ResourceType

WRAP_WIDTH = 76
_NO_TYPE_ARGUMENT = (
    'error: You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list '
    "of supported resources.\n"
)
# Definitions whose real OpenAPI schema is a plain string (the bundled JSON schema models them as oneOf).
_STRING_DEFINITIONS = (
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
    "io.k8s.apimachinery.pkg.api.resource.Quantity",
)
_ENUM_RE = re.compile(r'^ - `"(.*?)"`', re.M)


def go_wordwrap(text: str, limit: int) -> str:
    """``github.com/mitchellh/go-wordwrap`` ``WrapString``: greedy wrap on whitespace, long words kept whole."""
    out: list[str] = []
    current = 0
    word: list[str] = []
    space: list[str] = []
    for ch in text:
        if ch == "\n":
            if not word:
                if current + len(space) > limit:
                    current = 0
                else:
                    current += len(space)
                    out.extend(space)
                space = []
            else:
                current += len(space) + len(word)
                out.extend(space)
                out.extend(word)
                space, word = [], []
            out.append(ch)
            current = 0
        elif ch.isspace() and ch != "\u00a0":
            if not space or word:
                current += len(space) + len(word)
                out.extend(space)
                out.extend(word)
                space, word = [], []
            space.append(ch)
        else:
            word.append(ch)
            if current + len(space) + len(word) > limit and len(word) < limit:
                out.append("\n")
                current = 0
                space = []
    if not word:
        if current + len(space) <= limit:
            out.extend(space)
    else:
        out.extend(space)
        out.extend(word)
    return "".join(out)


def _indent(amount: int, text: str) -> str:
    pad = " " * amount
    return pad + text.replace("\n", "\n" + pad)


def _ref_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    if ref is None and node.get("allOf"):
        ref = node["allOf"][0].get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _resolve(node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    name = _ref_name(node)
    if name is None:
        return None, node
    return name, schema.definitions().get(name, {})


def _type_of(node: dict[str, Any]) -> str:
    t = node.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    return t if isinstance(t, str) else ""


def type_guess(node: dict[str, Any]) -> str:
    """The ``<type>`` kubectl shows: ``string``, ``[]Container``, ``map[string]string``, ``ObjectMeta``, ``Object``."""
    name = _ref_name(node)
    if name is not None:
        if name in _STRING_DEFINITIONS:
            return "string"
        resolved = schema.definitions().get(name, {})
        if _type_of(resolved) in ("object", ""):
            return name.rsplit(".", 1)[-1]
        return type_guess(resolved)
    t = _type_of(node)
    if t == "array" and isinstance(node.get("items"), dict):
        return "[]" + type_guess(node["items"])
    if t == "object" or (not t and "additionalProperties" in node):
        ap = node.get("additionalProperties")
        if isinstance(ap, dict):
            return "map[string]" + type_guess(ap)
        return "Object"
    return t or "Object"


def _enum(name: str, node: dict[str, Any]) -> list[str]:
    if name in ("apiVersion", "kind"):
        return []  # the bundled schema pins these with an enum; the served OpenAPI has none
    values = node.get("enum")
    if isinstance(values, list):
        return ['""' if v == "" else str(v) for v in values]
    desc = node.get("description") or ""
    if "Possible enum values:" in desc:
        return ['""' if v == "" else v for v in _ENUM_RE.findall(desc.split("Possible enum values:", 1)[1])]
    return []


def _short_enum(values: list[str]) -> str:
    """A field list shows at most four enum values, then ``....`` (plaintext.tmpl's extractEnum)."""
    return ", ".join(values[:4]) + (", ...." if len(values) > 4 else "")


def _properties(node: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Properties and required list of a field's (resolved) schema, through arrays and maps."""
    _, resolved = _resolve(node)
    if _type_of(resolved) == "array" and isinstance(resolved.get("items"), dict):
        return _properties(resolved["items"])
    ap = resolved.get("additionalProperties")
    if not resolved.get("properties") and isinstance(ap, dict):
        return _properties(ap)
    return resolved.get("properties") or {}, list(resolved.get("required") or ())


def _descriptions(node: dict[str, Any]) -> list[str]:
    """The field's own description, then the description of what it refers to (through arrays and maps)."""
    out = []
    if node.get("description"):
        out.append(node["description"])
    inner = node
    while True:
        if _type_of(inner) == "array" and isinstance(inner.get("items"), dict):
            inner = inner["items"]
        elif isinstance(inner.get("additionalProperties"), dict) and not inner.get("properties"):
            inner = inner["additionalProperties"]
        else:
            break
    name, resolved = _resolve(inner)
    if name is not None and resolved.get("description"):
        out.append(resolved["description"])
    return out


def _field_list(props: dict[str, Any], required: list[str]) -> str:
    parts = []
    for name in sorted(props):
        prop = props[name]
        line = f"  {name}\t<{type_guess(prop)}>"
        if name in required:
            line += " -required-"
        parts.append(line + "\n")
        values = _enum(name, prop)
        if values:
            parts.append(f"  enum: {_short_enum(values)}\n")
        desc = prop.get("description") or "<no description>"
        parts.append(_indent(4, go_wordwrap(desc, WRAP_WIDTH)) + "\n\n")
    return "".join(parts)


def _recursive_list(props: dict[str, Any], required: list[str], depth: int, seen: tuple[str, ...]) -> str:
    parts = []
    for name in sorted(props):
        prop = props[name]
        line = "  " * depth + f"{name}\t<{type_guess(prop)}>"
        if name in required:
            line += " -required-"
        parts.append(line + "\n")
        values = _enum(name, prop)
        if values:
            parts.append("  " * depth + f"enum: {_short_enum(values)}\n")
        ref = _ref_name(_innermost(prop))
        if ref is not None and ref in seen:
            continue  # recursive types (JSONSchemaProps) are expanded once
        sub_props, sub_required = _properties(prop)
        if sub_props:
            parts.append(_recursive_list(sub_props, sub_required, depth + 1, seen + ((ref,) if ref else ())))
    return "".join(parts)


def _innermost(node: dict[str, Any]) -> dict[str, Any]:
    while True:
        if _type_of(node) == "array" and isinstance(node.get("items"), dict):
            node = node["items"]
        elif isinstance(node.get("additionalProperties"), dict) and not node.get("properties"):
            node = node["additionalProperties"]
        else:
            return node


def _split_argument(registry: Registry, argument: str) -> tuple[ResourceType | None, list[str]]:
    """``SplitAndParseResourceRequestWithMatchingPrefix``: ``deployments.apps.spec`` -> (deployments.apps, [spec])."""
    arg = argument[:-1] if argument.endswith(".") else argument
    parts = arg.split(".")
    head = parts[0]
    candidates = [
        rt
        for rt in registry.in_discovery_order()
        if head.lower() in (rt.plural, rt.singular) or head.lower() in rt.short_names or head == rt.kind
    ]
    for rt in candidates:
        gr = rt.group_resource
        if arg.startswith(gr) and (len(arg) == len(gr) or arg[len(gr)] == "."):
            return rt, arg[len(gr) :].split(".")[1:]
    if candidates:
        return candidates[0], parts[1:]
    return registry.resolve(head), parts[1:]


def explain(
    registry: Registry, argument: str, recursive: bool = False, api_version: str | None = None
) -> tuple[str, str, int]:
    """Run ``kubectl explain ARGUMENT [--recursive] [--api-version=V]``; returns (stdout, stderr, exit code)."""
    if not argument:
        return "", _NO_TYPE_ARGUMENT, 1
    rt, fields = _split_argument(registry, argument)
    if rt is None:
        head = argument.split(".")[0]
        return "", f'the server doesn\'t have a resource type "{head}"\n', 1
    group, version = rt.group, rt.version
    if api_version:
        g, _, v = api_version.rpartition("/")
        if g != rt.group or (v != rt.version and v not in rt.other_versions):
            return "", f'error: couldn\'t find resource for "{api_version}, Resource={rt.plural}"\n', 1
        group, version = g, v
    def_name = schema.definition_name_for(group, version, rt.kind)
    if def_name is None:
        gvk = f"map[group:{group} kind:{rt.kind} version:{version}]"
        return "", f"error: GVK {gvk} not found in OpenAPI schema\n", 1
    root = schema.definition(def_name)

    head = ""
    if group:
        head += f"GROUP:      {group}\n"
    head += f"KIND:       {rt.kind}\nVERSION:    {version}\n\n"

    node: dict[str, Any] = {"$ref": f"#/$defs/{def_name}"}
    for field in fields:
        props, _ = _properties(node)
        if field not in props:
            return head, f'error: field "{field}" does not exist\n', 1
        node = props[field]
    out = [head]
    if fields:
        out.append(f"FIELD: {fields[-1]} <{type_guess(node)}>")
        out.append("\n")
        values = _enum(fields[-1], node)
        if values:
            out.append("ENUM:\n" + "".join(f"    {v}\n" for v in values))
        else:
            out.append("\n")
        out.append("\n")
        descriptions = _descriptions(node)
    else:
        descriptions = [root.get("description", "")] if root.get("description") else []
    out.append("DESCRIPTION:\n")
    out.append(_indent(4, go_wordwrap("".join(d + "\n" for d in descriptions), WRAP_WIDTH)) + "\n")
    props, required = _properties(node)
    if props:
        out.append("FIELDS:\n")
        if recursive:
            out.append(
                _recursive_list(props, required, 1, tuple(filter(None, [_ref_name(_innermost(node))])))
            )
        else:
            out.append(_field_list(props, required))
    out.append("\n")
    return "".join(out), "", 0
