"""The ``scale`` subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets, StatefulSets and
ReplicationControllers: what ``GET/PUT/PATCH .../NAME/scale`` read and write (pkg/registry/apps/deployment/
storage's ScaleREST and friends)."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..registry import ResourceType
from ..selectors import format_label_selector

Obj = dict[str, Any]

SCALABLE = frozenset({"deployments.apps", "replicasets.apps", "statefulsets.apps", "replicationcontrollers"})


def check_scalable(rt: ResourceType) -> None:
    """404 for a resource without a scale subresource (the real "the server could not find ..." text)."""
    if rt.group_resource not in SCALABLE and "scale" not in (rt.subresources or ()):
        raise errors.StatusError(404, "NotFound", "the server could not find the requested resource")


def scale_of(rt: ResourceType, obj: Obj) -> Obj:
    """The Scale view of a stored object: metadata (name, namespace, uid, resourceVersion,
    creationTimestamp), spec.replicas, status.replicas and the label selector as a string."""
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    sel = spec.get("selector")
    if rt.group_resource == "replicationcontrollers":
        selector = ",".join(f"{k}={v}" for k, v in sorted((sel or {}).items()))
    else:
        selector = format_label_selector(sel) if sel else ""
        selector = "" if selector == "<none>" else selector
    smeta = {
        k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if k in meta
    }
    status: Obj = {"replicas": int((obj.get("status") or {}).get("replicas") or 0)}
    if selector:
        status["selector"] = selector
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": smeta,
        "spec": {"replicas": int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)},
        "status": status,
    }


def apply_scale(rt: ResourceType, obj: Obj, scale: Obj) -> Obj:
    """A copy of ``obj`` with the Scale's spec.replicas (validated as the real ValidateScale does) and its
    resourceVersion as the update precondition."""
    name = (obj.get("metadata") or {}).get("name", "")
    replicas = (scale.get("spec") or {}).get("replicas", 0)
    if not isinstance(replicas, int) or isinstance(replicas, bool):
        raise errors.bad_request(
            f'Scale in version "v1" cannot be handled as a Scale: invalid replicas {replicas!r}'
        )
    if replicas < 0:
        raise errors.StatusError(
            422,
            "Invalid",
            f'Scale.autoscaling "{name}" is invalid: spec.replicas: Invalid value: {replicas}: '
            "must be greater than or equal to 0",
            {
                "name": name,
                "group": "autoscaling",
                "kind": "Scale",
                "causes": [
                    {
                        "reason": "FieldValueInvalid",
                        "message": f"Invalid value: {replicas}: must be greater than or equal to 0",
                        "field": "spec.replicas",
                    }
                ],
            },
        )
    new = dict(obj)
    new["spec"] = {**(obj.get("spec") or {}), "replicas": replicas}
    meta = dict(obj.get("metadata") or {})
    rv = (scale.get("metadata") or {}).get("resourceVersion")
    if rv:
        meta["resourceVersion"] = rv
    new["metadata"] = meta
    return new
