"""The official Kubernetes v1.32 OpenAPI definitions, as shipped by the kubernetes-validate package.

One lazily loaded JSON document (`$defs` keyed by definition name such as
``io.k8s.api.core.v1.PodSpec``) feeds validation, explain, strategic-merge patch metadata and,
later, the OpenAPI documents served to real clients.
"""

from __future__ import annotations

import json
from functools import cache
import importlib.util
from pathlib import Path
from typing import Any

KUBE_SCHEMA_VERSION = "v1.32.0"


@cache
def definitions() -> dict[str, dict[str, Any]]:
    """All definitions, keyed by their full name."""
    # Locate the package's data without importing it (its __init__ pulls in jsonschema, slowly).
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the kubernetes-validate package (which ships the v1.32 schemas) is not installed")
    root = Path(list(spec.submodule_search_locations)[0]) / "kubernetes-json-schema" / f"{KUBE_SCHEMA_VERSION}-local"
    with (root / "_definitions.json").open("rb") as fh:
        doc = json.load(fh)
    return doc["$defs"]


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
