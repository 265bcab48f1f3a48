"""API version conversion for resources served in more than one version.

HorizontalPodAutoscalers are served as ``autoscaling/v2`` (the storage and preferred version) and
``autoscaling/v1``. Mirrors ``pkg/apis/autoscaling/v1/conversion.go`` (Kubernetes v1.32): a v1 object's
``targetCPUUtilizationPercentage`` becomes a ``Resource`` cpu ``Utilization`` metric, and everything v1 cannot
express travels in the ``autoscaling.alpha.kubernetes.io/*`` annotations so that v1 clients round-trip it.
"""

from __future__ import annotations

import json
from typing import Any

from ..store import clone

HPA_V1 = "autoscaling/v1"
HPA_V2 = "autoscaling/v2"
HPA_KIND = "HorizontalPodAutoscaler"

METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics"
CURRENT_METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics"
CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions"
BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior"
_ROUND_TRIP = (METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION)

Obj = dict[str, Any]


def is_hpa_v1(obj: Any) -> bool:
    """True for an ``autoscaling/v1`` HorizontalPodAutoscaler manifest."""
    return isinstance(obj, dict) and obj.get("apiVersion") == HPA_V1 and obj.get("kind") == HPA_KIND


def _cpu_metric(percent: Any) -> Obj:
    return {
        "type": "Resource",
        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": percent}},
    }


def _load(value: Any) -> Any:
    try:
        return json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None


def hpa_v1_to_v2(obj: Obj) -> Obj:
    """An ``autoscaling/v1`` HPA as the ``autoscaling/v2`` object the server stores (a new dict)."""
    out = clone(obj)
    out["apiVersion"] = HPA_V2
    meta = out.get("metadata")
    annotations = dict(meta.get("annotations") or {}) if isinstance(meta, dict) else {}
    spec = out.get("spec")
    if isinstance(spec, dict):
        spec = out["spec"] = dict(spec)
        metrics: list[Obj] = []
        percent = spec.pop("targetCPUUtilizationPercentage", None)
        if percent is not None:
            metrics.append(_cpu_metric(percent))
        extra = _load(annotations.get(METRICS_ANNOTATION))
        if isinstance(extra, list):
            metrics += [m for m in extra if isinstance(m, dict)]
        if metrics:
            spec["metrics"] = metrics
        behavior = _load(annotations.get(BEHAVIOR_ANNOTATION))
        if isinstance(behavior, dict):
            spec["behavior"] = behavior
    status = out.get("status")
    if isinstance(status, dict):
        status = out["status"] = dict(status)
        current = status.pop("currentCPUUtilizationPercentage", None)
        current_metrics: list[Obj] = []
        if current is not None:
            current_metrics.append(
                {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": current}}}
            )
        extra = _load(annotations.get(CURRENT_METRICS_ANNOTATION))
        if isinstance(extra, list):
            current_metrics += [m for m in extra if isinstance(m, dict)]
        if current_metrics:
            status["currentMetrics"] = current_metrics
        conditions = _load(annotations.get(CONDITIONS_ANNOTATION))
        if isinstance(conditions, list):
            status["conditions"] = conditions
    if isinstance(meta, dict) and meta.get("annotations") is not None:
        for key in _ROUND_TRIP:
            annotations.pop(key, None)
        meta = out["metadata"] = dict(meta)
        if annotations:
            meta["annotations"] = annotations
        else:
            meta.pop("annotations", None)
    return out


def hpa_v2_to_v1(obj: Obj) -> Obj:
    """An ``autoscaling/v2`` HPA as an ``autoscaling/v1`` client reads it (a new dict)."""
    out = clone(obj)
    out["apiVersion"] = HPA_V1
    meta = out["metadata"] = dict(out.get("metadata") or {})
    annotations = dict(meta.get("annotations") or {})
    spec = out["spec"] = dict(out.get("spec") or {})
    other: list[Obj] = []
    for m in spec.pop("metrics", None) or []:
        res = m.get("resource") or {}
        target = res.get("target") or {}
        if (
            m.get("type") == "Resource"
            and res.get("name") == "cpu"
            and target.get("type") == "Utilization"
            and target.get("averageUtilization") is not None
        ):
            spec["targetCPUUtilizationPercentage"] = target["averageUtilization"]
        else:
            other.append(m)
    if other:
        annotations[METRICS_ANNOTATION] = json.dumps(other, separators=(",", ":"))
    behavior = spec.pop("behavior", None)
    if behavior:
        annotations[BEHAVIOR_ANNOTATION] = json.dumps(behavior, separators=(",", ":"))
    status = out.get("status")
    if isinstance(status, dict):
        status = out["status"] = dict(status)
        other_current: list[Obj] = []
        for m in status.pop("currentMetrics", None) or []:
            res = m.get("resource") or {}
            current = res.get("current") or {}
            if m.get("type") == "Resource" and res.get("name") == "cpu" and "averageUtilization" in current:
                status["currentCPUUtilizationPercentage"] = current["averageUtilization"]
            else:
                other_current.append(m)
        if other_current:
            annotations[CURRENT_METRICS_ANNOTATION] = json.dumps(other_current, separators=(",", ":"))
        conditions = status.pop("conditions", None)
        if conditions:
            annotations[CONDITIONS_ANNOTATION] = json.dumps(conditions, separators=(",", ":"))
    if annotations:
        meta["annotations"] = annotations
    return out


def to_storage(obj: Obj) -> Obj:
    """The object in its storage version (v1 HPAs become v2); other objects are returned unchanged."""
    return hpa_v1_to_v2(obj) if is_hpa_v1(obj) else obj


def to_version(obj: Obj, api_version: str) -> Obj:
    """A stored object as a client of ``api_version`` reads it (only HPA v2 -> v1 converts)."""
    if api_version == HPA_V1 and obj.get("kind") == HPA_KIND and obj.get("apiVersion") == HPA_V2:
        return hpa_v2_to_v1(obj)
    return obj


def requested_version(rt: Any, arg: str) -> str:
    """The ``group/version`` a kubectl type argument names when it is not the preferred one, else "".

    ``hpa.v1.autoscaling`` -> ``autoscaling/v1`` (the client then reads HPAs in that version)."""
    parts = arg.split("/", 1)[0].split(".", 2)
    if len(parts) == 3 and parts[2] == rt.group and parts[1] != rt.version and parts[1] in rt.other_versions:
        return f"{rt.group}/{parts[1]}"
    return ""
