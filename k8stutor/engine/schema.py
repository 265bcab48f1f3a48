"""The official Kubernetes v1.32 OpenAPI definitions, as shipped by the kubernetes-validate package.

One lazily loaded JSON document (`$defs` keyed by definition name such as
``io.k8s.api.core.v1.PodSpec``) feeds validation, explain, strategic-merge patch metadata and,
later, the OpenAPI documents served to real clients.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

KUBE_SCHEMA_VERSION = "v1.32.0"
# Enum lists and "Possible enum values" descriptions of the served v1.32 OpenAPI (tools/gen_schema_enums.py).
ENUM_OVERLAY_PATH = Path(__file__).resolve().parents[2] / "assets" / "schema" / "enums-v1.32.json"


def bundled_definitions() -> dict[str, dict[str, Any]]:
    """The definitions exactly as kubernetes-validate ships them (no enum overlay), freshly loaded."""
    # Locate the package's data without importing it (its __init__ pulls in jsonschema, slowly).
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the kubernetes-validate package (which ships the v1.32 schemas) is not installed")
    root = (
        Path(list(spec.submodule_search_locations)[0])
        / "kubernetes-json-schema"
        / f"{KUBE_SCHEMA_VERSION}-local"
    )
    with (root / "_definitions.json").open("rb") as fh:
        doc = json.load(fh)
    defs: dict[str, dict[str, Any]] = doc["$defs"]
    return defs


@cache
def enum_overlay() -> dict[str, dict[str, dict[str, Any]]]:
    """Definition -> property -> {"enum": [...], "description": ...} for every enum-typed v1.32 field."""
    try:
        with ENUM_OVERLAY_PATH.open("rb") as fh:
            data: dict[str, dict[str, dict[str, Any]]] = json.load(fh)
    except FileNotFoundError:
        return {}
    return data


@cache
def definitions() -> dict[str, dict[str, Any]]:
    """All definitions, keyed by their full name, with the served enums and enum descriptions merged in."""
    defs = bundled_definitions()
    for def_name, props in enum_overlay().items():
        properties = defs.get(def_name, {}).get("properties")
        if not properties:
            continue
        for prop, extra in props.items():
            node = properties.get(prop)
            if node is not None:
                node["enum"] = list(extra["enum"])
                node["description"] = extra["description"]
    return defs


@cache
def _gvk_index() -> dict[tuple[str, str, str], str]:
    index: dict[tuple[str, str, str], str] = {}
    for name, d in definitions().items():
        for gvk in d.get("x-kubernetes-group-version-kind", ()):
            key = (gvk.get("group", ""), gvk["version"], gvk["kind"])
            # Prefer the resource's own package over re-exports (e.g. meta/v1 DeleteOptions in many groups).
            index.setdefault(key, name)
    return index


def definition_name_for(group: str, version: str, kind: str) -> str | None:
    """The definition name of a top-level kind, e.g. ("apps", "v1", "Deployment") -> io.k8s.api.apps.v1.Deployment."""
    return _gvk_index().get((group, version, kind))


def definition(name: str) -> dict[str, Any]:
    """One definition by name (raises KeyError if unknown)."""
    return definitions()[name]


def resolve_ref(node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """Follow a ``$ref`` (also inside ``allOf``) and return (definition name, definition); else (None, node)."""
    ref = node.get("$ref")
    if ref is None and node.get("allOf"):
        ref = node["allOf"][0].get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return name, definitions()[name]
    return None, node
