"""Describers for ResourceQuota, LimitRange, PodDisruptionBudget and PriorityClass (describe.go)."""

from __future__ import annotations

from typing import Any

from k8stutor.engine.quantity import Quantity, QuantityError

from .common import (
    DescribeClient,
    d,
    describe_events,
    events_for,
    format_label_selector,
    format_labels,
    go_bool,
    go_value,
    i,
    lst,
    s,
)
from .core import describe_limit_range_spec
from .tabwriter import LEVEL_0, LEVEL_2, PrefixWriter

RESOURCE_QUOTA_SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited lifespan on a node "
    "before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually include long "
    "running pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have a best effort "
    "quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These pods have a "
    "burstable or guaranteed quality of service.",
}


def quantity_of(value: Any) -> Quantity:
    """A map entry of a ``ResourceList`` as a Quantity (a missing or malformed entry is the zero Quantity)."""
    if value is None:
        return Quantity()
    try:
        return Quantity.parse(value)
    except QuantityError:
        return Quantity()


def int_or_string(value: Any) -> str:
    """``intstr.IntOrString.String()`` (``<nil>`` for a nil pointer)."""
    if value is None:
        return "<nil>"
    return go_value(value)


def describe_resource_quota(api: DescribeClient, quota: dict, now: float, w: PrefixWriter) -> None:
    """``describeQuota``: scopes with their help text, then the ``Resource Used Hard`` table (no events)."""
    meta = d(quota, "metadata")
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    scopes = sorted(go_value(x) for x in lst(quota, "spec", "scopes"))
    if scopes:
        w.write(LEVEL_0, f"Scopes:\t{', '.join(scopes)}\n")
        for scope in scopes:
            help_text = RESOURCE_QUOTA_SCOPE_HELP.get(scope, "")
            if help_text:
                w.write(LEVEL_0, f" * {help_text}\n")
    w.write(LEVEL_0, "Resource\tUsed\tHard\n")
    w.write(LEVEL_0, "--------\t----\t----\n")
    hard, used = d(quota, "status", "hard"), d(quota, "status", "used")
    for name in sorted(hard):
        hard_q = quantity_of(hard[name])
        used_q = quantity_of(used.get(name))
        if hard_q.format != used_q.format:
            used_q = Quantity.from_int(used_q.value(), hard_q.format)
        w.write(LEVEL_0, f"{name}\t{used_q}\t{hard_q}\n")


def describe_limit_range(api: DescribeClient, lr: dict, now: float, w: PrefixWriter) -> None:
    """``describeLimitRange`` (resource rows of one limit in sorted order; Go's map order is random)."""
    meta = d(lr, "metadata")
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    w.write(LEVEL_0, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n")
    w.write(LEVEL_0, "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
    describe_limit_range_spec(d(lr, "spec"), "", w)


def describe_pod_disruption_budget(api: DescribeClient, pdb: dict, now: float, w: PrefixWriter) -> None:
    """``describePodDisruptionBudgetV1``."""
    meta, spec, status = d(pdb, "metadata"), d(pdb, "spec"), d(pdb, "status")
    events = events_for(api, "PodDisruptionBudget", pdb)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    if spec.get("minAvailable") is not None:
        w.write(LEVEL_0, f"Min available:\t{int_or_string(spec.get('minAvailable'))}\n")
    elif spec.get("maxUnavailable") is not None:
        w.write(LEVEL_0, f"Max unavailable:\t{int_or_string(spec.get('maxUnavailable'))}\n")
    if isinstance(spec.get("selector"), dict):
        w.write(LEVEL_0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    else:
        w.write(LEVEL_0, "Selector:\t<unset>\n")
    w.write(LEVEL_0, "Status:\n")
    w.write(LEVEL_2, f"Allowed disruptions:\t{i(status, 'disruptionsAllowed')}\n")
    w.write(LEVEL_2, f"Current:\t{i(status, 'currentHealthy')}\n")
    w.write(LEVEL_2, f"Desired:\t{i(status, 'desiredHealthy')}\n")
    w.write(LEVEL_2, f"Total:\t{i(status, 'expectedPods')}\n")
    describe_events(events, w, now)


def describe_priority_class(api: DescribeClient, pc: dict, now: float, w: PrefixWriter) -> None:
    """``describePriorityClass``."""
    meta = d(pc, "metadata")
    events = events_for(api, "PriorityClass", pc)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Value:\t{i(pc, 'value')}\n")
    w.write(LEVEL_0, f"GlobalDefault:\t{go_bool(pc.get('globalDefault') is True)}\n")
    w.write(LEVEL_0, f"PreemptionPolicy:\t{s(pc, 'preemptionPolicy')}\n")
    w.write(LEVEL_0, f"Description:\t{s(pc, 'description')}\n")
    w.write(LEVEL_0, f"Annotations:\t{format_labels(meta.get('annotations'))}\n")
    describe_events(events, w, now)
