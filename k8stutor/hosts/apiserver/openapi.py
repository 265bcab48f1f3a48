"""OpenAPI documents generated from the v1.32 definitions the validator uses (``k8stutor.engine.schema``).

* ``/openapi/v3`` lists one document per group-version; each document has, for every resource, the
  collection and item paths with operations tagged ``x-kubernetes-group-version-kind``; the PATCH (and
  POST/PUT) operations list a ``fieldValidation`` query parameter, which is what makes kubectl and helm
  leave validation to the server (``supportsQueryParamV3`` in cli-runtime) instead of downloading the
  protobuf ``/openapi/v2``. ``explain`` reads the same documents.
* Schemas are the bundled JSON-schema ``$defs`` turned back into OpenAPI v3 form: ``#/components/schemas``
  references (``allOf`` when the reference has siblings, as kube-apiserver writes them), a single
  ``type`` instead of ``[type, "null"]``, no apiVersion/kind enums, and the string forms of IntOrString
  and Quantity.
* ``/openapi/v2`` is answered in JSON only (swagger 2.0); clients that want the protobuf form get 404,
  which kubectl tolerates (it then uses its compiled-in patch metadata).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from ...engine import schema
from ...engine.registry import Registry, ResourceType
from .discovery import group_versions, resources_in, version_info

_INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
_QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_META = "io.k8s.apimachinery.pkg.apis.meta.v1."
_COMMON = (
    _META + "DeleteOptions",
    _META + "Status",
    _META + "WatchEvent",
    _META + "APIResourceList",
    _META + "Patch",
)


def _convert(node: Any, ref_prefix: str) -> Any:
    """One JSON-schema node back into OpenAPI form."""
    if isinstance(node, list):
        return [_convert(x, ref_prefix) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    ref = node.get("$ref")
    for k, v in node.items():
        if k == "$ref":
            continue
        if k == "type" and isinstance(v, list):
            types = [t for t in v if t != "null"]
            if types:
                out["type"] = types[0]
            continue
        if k in ("properties", "patternProperties"):
            out[k] = {pk: _convert(pv, ref_prefix) for pk, pv in v.items()}
            continue
        out[k] = _convert(v, ref_prefix)
    if ref:
        target = ref_prefix + ref.rsplit("/", 1)[-1]
        if out:
            out = {"allOf": [{"$ref": target}], **out}
            if ref.rsplit("/", 1)[-1] not in (_INT_OR_STRING, _QUANTITY) and "default" not in out:
                out["default"] = {}
        else:
            out = {"$ref": target}
    return out


def _definition(name: str, ref_prefix: str) -> dict[str, Any]:
    d = schema.definition(name)
    if name == _INT_OR_STRING:
        return {
            "description": d.get("description", "IntOrString is a type that can hold an int32 or a string."),
            "type": "string",
            "format": "int-or-string",
        }
    if name == _QUANTITY:
        return {
            "description": d.get("description", "Quantity is a fixed-point representation of a number."),
            "type": "string",
        }
    conv = _convert(d, ref_prefix)
    props = conv.get("properties") or {}
    for key in ("apiVersion", "kind"):
        if key in props and isinstance(props[key], dict):
            props[key].pop("enum", None)
    return conv


def _refs(node: Any, acc: set[str]) -> None:
    if isinstance(node, dict):
        r = node.get("$ref")
        if isinstance(r, str):
            acc.add(r.rsplit("/", 1)[-1])
        for v in node.values():
            _refs(v, acc)
    elif isinstance(node, list):
        for v in node:
            _refs(v, acc)


def _closure(names: list[str]) -> list[str]:
    defs = schema.definitions()
    seen: set[str] = set()
    stack = [n for n in names if n in defs]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        acc: set[str] = set()
        _refs(defs[n], acc)
        stack.extend(a for a in acc if a not in seen and a in defs)
    return sorted(seen)


def gv_path(group: str, version: str) -> str:
    """``api/v1`` / ``apis/apps/v1``: the key in the v3 index."""
    return f"apis/{group}/{version}" if group else f"api/{version}"


def _param(name: str, where: str = "query", typ: str = "string") -> dict[str, Any]:
    return {"name": name, "in": where, "schema": {"type": typ, "uniqueItems": True}}


_WRITE_PARAMS = [_param("dryRun"), _param("fieldManager"), _param("fieldValidation")]


def _op(
    rt: ResourceType, version: str, action: str, op_id: str, params: list[dict[str, Any]], ref: str | None
) -> dict[str, Any]:
    responses: dict[str, Any] = {"401": {"description": "Unauthorized"}}
    if ref:
        responses["200"] = {"description": "OK", "content": {"application/json": {"schema": {"$ref": ref}}}}
    else:
        responses["200"] = {"description": "OK"}
    return {
        "tags": [f"{rt.group.split('.')[0] or 'core'}_{version}"],
        "operationId": op_id,
        "parameters": params,
        "responses": responses,
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": rt.group, "version": version, "kind": rt.kind},
    }


def _paths_for(rt: ResourceType, version: str, def_name: str | None) -> dict[str, Any]:
    prefix = f"/apis/{rt.group}/{version}" if rt.group else f"/api/{version}"
    base = f"{prefix}/namespaces/{{namespace}}/{rt.plural}" if rt.namespaced else f"{prefix}/{rt.plural}"
    ref = f"#/components/schemas/{def_name}" if def_name else None
    list_ref = (
        f"#/components/schemas/{def_name}List"
        if def_name and schema.definitions().get(def_name + "List")
        else None
    )
    kind = rt.kind
    ns_params = (
        [{"name": "namespace", "in": "path", "required": True, "schema": {"type": "string"}}]
        if rt.namespaced
        else []
    )
    name_param = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]
    paths: dict[str, Any] = {}
    verbs = set(rt.verbs)
    coll: dict[str, Any] = {}
    if "list" in verbs:
        coll["get"] = _op(
            rt,
            version,
            "list",
            f"list{kind}",
            [
                _param("labelSelector"),
                _param("fieldSelector"),
                _param("limit", typ="integer"),
                _param("continue"),
                _param("watch", typ="boolean"),
            ],
            list_ref,
        )
    if "create" in verbs:
        coll["post"] = _op(rt, version, "post", f"create{kind}", list(_WRITE_PARAMS), ref)
    if "deletecollection" in verbs:
        coll["delete"] = _op(rt, version, "deletecollection", f"deleteCollection{kind}", [], None)
    if coll:
        coll["parameters"] = ns_params
        paths[base] = coll
    item: dict[str, Any] = {}
    if "get" in verbs:
        item["get"] = _op(rt, version, "get", f"read{kind}", [], ref)
    if "update" in verbs:
        item["put"] = _op(rt, version, "put", f"replace{kind}", list(_WRITE_PARAMS), ref)
    if "patch" in verbs:
        item["patch"] = _op(
            rt, version, "patch", f"patch{kind}", [*_WRITE_PARAMS, _param("force", typ="boolean")], ref
        )
    if "delete" in verbs:
        item["delete"] = _op(
            rt,
            version,
            "delete",
            f"delete{kind}",
            [_param("gracePeriodSeconds", typ="integer"), _param("propagationPolicy")],
            None,
        )
    if item:
        item["parameters"] = ns_params + name_param
        paths[f"{base}/{{name}}"] = item
    if rt.namespaced and "list" in verbs:
        paths[f"{prefix}/{rt.plural}"] = {
            "get": _op(
                rt,
                version,
                "list",
                f"list{kind}ForAllNamespaces",
                [_param("labelSelector"), _param("fieldSelector")],
                list_ref,
            )
        }
    return paths


def _crd_schema(rt: ResourceType, crd: dict[str, Any] | None, version: str) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    for v in ((crd or {}).get("spec") or {}).get("versions") or []:
        if v.get("name") == version:
            s = (v.get("schema") or {}).get("openAPIV3Schema")
            if isinstance(s, dict):
                node = json.loads(json.dumps(s))
    props = node.setdefault("properties", {})
    props.setdefault(
        "apiVersion",
        {
            "type": "string",
            "description": "APIVersion defines the versioned schema of this representation of an object.",
        },
    )
    props.setdefault(
        "kind",
        {
            "type": "string",
            "description": "Kind is a string value representing the REST resource this object represents.",
        },
    )
    props["metadata"] = {"allOf": [{"$ref": f"#/components/schemas/{_META}ObjectMeta"}]}
    node["x-kubernetes-group-version-kind"] = [{"group": rt.group, "kind": rt.kind, "version": version}]
    return node


def gv_document(
    registry: Registry, group: str, version: str, crds: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any] | None:
    """The OpenAPI v3 document of one group-version (None when it is not served).

    ``crds`` maps ``plural.group`` to CustomResourceDefinition objects, for custom resources' schemas.
    """
    rts = resources_in(registry, group, version)
    if not rts:
        return None
    paths: dict[str, Any] = {}
    names: list[str] = list(_COMMON)
    extra: dict[str, Any] = {}
    for rt in rts:
        def_name = schema.definition_name_for(rt.group, version, rt.kind) if not rt.crd else None
        if rt.crd:
            def_name = f"{'.'.join(reversed(rt.group.split('.')))}.{version}.{rt.kind}"
            extra[def_name] = _crd_schema(rt, (crds or {}).get(rt.group_resource), version)
            names.append(_META + "ObjectMeta")
        elif def_name:
            names.append(def_name)
            if def_name + "List" in schema.definitions():
                names.append(def_name + "List")
        paths.update(_paths_for(rt, version, def_name))
    schemas = {n: _definition(n, "#/components/schemas/") for n in _closure(names)}
    schemas.update(extra)
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": version_info()["gitVersion"]},
        "paths": paths,
        "components": {"schemas": schemas},
    }


_DOC_CACHE: dict[tuple[str, str, tuple[str, ...]], bytes] = {}


def gv_document_bytes(
    registry: Registry, group: str, version: str, crds: dict[str, dict[str, Any]] | None = None
) -> bytes | None:
    """The serialized v3 document; built-in group-versions are cached (they never change)."""
    rts = resources_in(registry, group, version)
    if not rts:
        return None
    key = (group, version, tuple(sorted(rt.group_resource for rt in rts)))
    if any(rt.crd for rt in rts):
        return json.dumps(gv_document(registry, group, version, crds), separators=(",", ":")).encode()
    body = _DOC_CACHE.get(key)
    if body is None:
        body = json.dumps(gv_document(registry, group, version), separators=(",", ":")).encode()
        _DOC_CACHE[key] = body
    return body


def v3_index(registry: Registry, crds: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """``/openapi/v3``: one entry per group-version with a content hash (``?hash=``) like kube-apiserver."""
    paths: dict[str, Any] = {}
    for group, versions in group_versions(registry):
        for v in versions:
            body = gv_document_bytes(registry, group, v, crds)
            if body is None:
                continue
            digest = hashlib.sha512(body).hexdigest()[:128].upper()
            paths[gv_path(group, v)] = {"serverRelativeURL": f"/openapi/v3/{gv_path(group, v)}?hash={digest}"}
    return {"paths": paths}


@cache
def v2_document_bytes() -> bytes:
    """A swagger 2.0 document with every built-in definition (JSON; kubectl itself only asks for protobuf)."""
    defs = {n: _definition(n, "#/definitions/") for n in schema.definitions()}
    doc = {
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": version_info()["gitVersion"]},
        "paths": {},
        "definitions": defs,
    }
    return json.dumps(doc, separators=(",", ":")).encode()
