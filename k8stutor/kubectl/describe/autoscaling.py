"""The HorizontalPodAutoscaler describer (``describeHorizontalPodAutoscalerV2``).

kubectl asks for autoscaling/v2 first and the API server converts whatever is stored, so an object kept in
autoscaling/v1 form is converted here the way the server would (``targetCPUUtilizationPercentage`` becomes a
cpu Utilization metric, the ``autoscaling.alpha.kubernetes.io/*`` annotations carry the v2-only fields).
"""

from __future__ import annotations

import json
from typing import Any

from k8stutor.engine.controllers.hpa import v2_spec

from .common import (
    DescribeClient,
    d,
    describe_events,
    events_for,
    fmt_time,
    i,
    lst,
    print_annotations_multiline,
    print_labels_multiline,
    s,
    str_map,
)
from .policy import quantity_of
from .tabwriter import LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter

_V1_ANNOTATIONS = (
    "autoscaling.alpha.kubernetes.io/metrics",
    "autoscaling.alpha.kubernetes.io/current-metrics",
    "autoscaling.alpha.kubernetes.io/conditions",
    "autoscaling.alpha.kubernetes.io/behavior",
)


def _json_annotation(ann: dict[str, str], key: str) -> Any:
    try:
        return json.loads(ann[key]) if key in ann else None
    except ValueError:
        return None


def as_v2(hpa: dict) -> dict:
    """The object as ``autoscaling/v2`` (an ``autoscaling/v1`` object converted as the API server does)."""
    if hpa.get("apiVersion") != "autoscaling/v1" and "targetCPUUtilizationPercentage" not in d(hpa, "spec"):
        return hpa
    meta = dict(d(hpa, "metadata"))
    ann = str_map(meta.get("annotations"))
    spec = v2_spec(hpa)
    extra_metrics = _json_annotation(ann, _V1_ANNOTATIONS[0])
    if isinstance(extra_metrics, list):
        spec["metrics"] = [m for m in extra_metrics if isinstance(m, dict)] + lst(spec, "metrics")
    behavior = _json_annotation(ann, _V1_ANNOTATIONS[3])
    if isinstance(behavior, dict):
        spec["behavior"] = behavior
    old = d(hpa, "status")
    status: dict[str, Any] = {k: v for k, v in old.items() if k != "currentCPUUtilizationPercentage"}
    current: list[Any] = []
    extra_current = _json_annotation(ann, _V1_ANNOTATIONS[1])
    if isinstance(extra_current, list):
        current.extend(m for m in extra_current if isinstance(m, dict))
    if old.get("currentCPUUtilizationPercentage") is not None:
        current.append(
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "current": {"averageUtilization": i(old, "currentCPUUtilizationPercentage")},
                },
            }
        )
    if current:
        status["currentMetrics"] = current
    conditions = _json_annotation(ann, _V1_ANNOTATIONS[2])
    if isinstance(conditions, list):
        status["conditions"] = conditions
    if ann:
        meta["annotations"] = {k: v for k, v in ann.items() if k not in _V1_ANNOTATIONS}
    return {**hpa, "apiVersion": "autoscaling/v2", "metadata": meta, "spec": spec, "status": status}


def _q(v: Any) -> str:
    """``(*resource.Quantity).String()``: ``<nil>`` for an unset quantity."""
    return "<nil>" if v is None else str(quantity_of(v))


def _go_quote(text: str) -> str:
    """Go ``%q`` of a (printable ASCII) string."""
    return json.dumps(text, ensure_ascii=False)


def _current(statuses: list, n: int, key: str) -> dict | None:
    if len(statuses) > n and isinstance(statuses[n], dict) and isinstance(statuses[n].get(key), dict):
        return statuses[n][key]
    return None


def _metric_lines(spec: dict, status: dict, w: PrefixWriter) -> None:
    current_metrics = lst(status, "currentMetrics")
    for n, metric in enumerate(lst(spec, "metrics")):
        if not isinstance(metric, dict):
            continue
        mtype = s(metric, "type")
        if mtype == "External":
            ext = d(metric, "external")
            target = d(ext, "target")
            cur = _current(current_metrics, n, "external")
            name = _go_quote(s(ext, "metric", "name"))
            if target.get("averageValue") is not None:
                value = "<unknown>"
                if cur is not None and d(cur, "current").get("averageValue") is not None:
                    value = _q(d(cur, "current").get("averageValue"))
                w.write(
                    LEVEL_1, f"{name} (target average value):\t{value} / {_q(target.get('averageValue'))}\n"
                )
            else:
                value = _q(d(cur, "current").get("value")) if cur is not None else "<unknown>"
                w.write(LEVEL_1, f"{name} (target value):\t{value} / {_q(target.get('value'))}\n")
        elif mtype == "Pods":
            pods = d(metric, "pods")
            cur = _current(current_metrics, n, "pods")
            value = _q(d(cur, "current").get("averageValue")) if cur is not None else "<unknown>"
            goal = _q(d(pods, "target").get("averageValue"))
            w.write(LEVEL_1, f"{_go_quote(s(pods, 'metric', 'name'))} on pods:\t{value} / {goal}\n")
        elif mtype == "Object":
            obj = d(metric, "object")
            target = d(obj, "target")
            cur = _current(current_metrics, n, "object")
            w.write(
                LEVEL_1,
                f'"{s(obj, "metric", "name")}" on {s(obj, "describedObject", "kind")}/'
                f"{s(obj, 'describedObject', 'name')} ",
            )
            if s(target, "type") == "AverageValue":
                value = _q(d(cur, "current").get("averageValue")) if cur is not None else "<unknown>"
                w.write(LEVEL_0, f"(target average value):\t{value} / {_q(target.get('averageValue'))}\n")
            else:
                value = _q(d(cur, "current").get("value")) if cur is not None else "<unknown>"
                w.write(LEVEL_0, f"(target value):\t{value} / {_q(target.get('value'))}\n")
        elif mtype in ("Resource", "ContainerResource"):
            key = "resource" if mtype == "Resource" else "containerResource"
            res = d(metric, key)
            target = d(res, "target")
            cur = _current(current_metrics, n, key)
            if mtype == "Resource":
                w.write(LEVEL_1, f"resource {s(res, 'name')} on pods")
            else:
                w.write(LEVEL_1, f'resource {s(res, "name")} of container "{s(res, "container")}" on pods')
            if target.get("averageValue") is not None:
                value = _q(d(cur, "current").get("averageValue")) if cur is not None else "<unknown>"
                w.write(LEVEL_0, f":\t{value} / {_q(target.get('averageValue'))}\n")
            else:
                value = "<unknown>"
                cur_values = d(cur, "current")
                if cur is not None and cur_values.get("averageUtilization") is not None:
                    value = f"{i(cur_values, 'averageUtilization')}% ({_q(cur_values.get('averageValue'))})"
                goal = "<auto>"
                if target.get("averageUtilization") is not None:
                    goal = f"{i(target, 'averageUtilization')}%"
                w.write(LEVEL_1, f"(as a percentage of request):\t{value} / {goal}\n")
        else:
            w.write(LEVEL_1, f"<unknown metric type {_go_quote(mtype)}>\n")


def _direction_behavior(w: PrefixWriter, direction: str, rules: Any) -> None:
    """``printDirectionBehavior``."""
    if not isinstance(rules, dict):
        return
    w.write(LEVEL_1, f"{direction}:\n")
    if rules.get("stabilizationWindowSeconds") is not None:
        w.write(LEVEL_2, f"Stabilization Window: {i(rules, 'stabilizationWindowSeconds')} seconds\n")
    policies = [p for p in lst(rules, "policies") if isinstance(p, dict)]
    if policies:
        select = s(rules, "selectPolicy") if rules.get("selectPolicy") is not None else "Max"
        w.write(LEVEL_2, f"Select Policy: {select}\n")
        w.write(LEVEL_2, "Policies:\n")
        for p in policies:
            w.write(
                LEVEL_3,
                f"- Type: {s(p, 'type')}\tValue: {i(p, 'value')}\tPeriod: {i(p, 'periodSeconds')} seconds\n",
            )


def describe_horizontal_pod_autoscaler(api: DescribeClient, hpa: dict, now: float, w: PrefixWriter) -> None:
    """``describeHorizontalPodAutoscalerV2`` (v1-stored objects converted first)."""
    events = events_for(api, "HorizontalPodAutoscaler", hpa)
    obj = as_v2(hpa)
    meta, spec, status = d(obj, "metadata"), d(obj, "spec"), d(obj, "status")
    ref = d(spec, "scaleTargetRef")
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, f"CreationTimestamp:\t{fmt_time(s(meta, 'creationTimestamp'))}\n")
    w.write(LEVEL_0, f"Reference:\t{s(ref, 'kind')}/{s(ref, 'name')}\n")
    w.write(LEVEL_0, "Metrics:\t( current / target )\n")
    _metric_lines(spec, status, w)
    min_replicas = str(i(spec, "minReplicas")) if spec.get("minReplicas") is not None else "<unset>"
    w.write(LEVEL_0, f"Min replicas:\t{min_replicas}\n")
    w.write(LEVEL_0, f"Max replicas:\t{i(spec, 'maxReplicas')}\n")
    if isinstance(spec.get("behavior"), dict):
        w.write(LEVEL_0, "Behavior:\n")
        _direction_behavior(w, "Scale Up", d(spec, "behavior").get("scaleUp"))
        _direction_behavior(w, "Scale Down", d(spec, "behavior").get("scaleDown"))
    w.write(LEVEL_0, f"{s(ref, 'kind')} pods:\t")
    w.write(LEVEL_0, f"{i(status, 'currentReplicas')} current / {i(status, 'desiredReplicas')} desired\n")
    conditions = [c for c in lst(status, "conditions") if isinstance(c, dict)]
    if conditions:
        w.write(LEVEL_0, "Conditions:\n")
        w.write(LEVEL_1, "Type\tStatus\tReason\tMessage\n")
        w.write(LEVEL_1, "----\t------\t------\t-------\n")
        for c in conditions:
            w.write(LEVEL_1, f"{s(c, 'type')}\t{s(c, 'status')}\t{s(c, 'reason')}\t{s(c, 'message')}\n")
    describe_events(events, w, now)
