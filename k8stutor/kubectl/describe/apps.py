"""Describers for StatefulSets and DaemonSets (``describeStatefulSet``, ``describeDaemonSet``)."""

from __future__ import annotations

from .common import (
    DescribeClient,
    d,
    describe_events,
    events_for,
    fmt_time,
    format_labels,
    i,
    label_selector_string,
    lst,
    print_annotations_multiline,
    print_labels_multiline,
    s,
    selector_matches,
)
from .pod import describe_pod_template
from .policy import int_or_string, quantity_of
from .storage import go_slice, pvc_class
from .tabwriter import LEVEL_0, LEVEL_1, PrefixWriter
from .workloads import pod_status_for_controller


def describe_volume_claim_templates(templates: list, w: PrefixWriter) -> None:
    """``describeVolumeClaimTemplates``."""
    items = [t for t in templates if isinstance(t, dict)]
    if not items:
        w.write(LEVEL_0, "Volume Claims:\t<none>\n")
        return
    w.write(LEVEL_0, "Volume Claims:\n")
    for pvc in items:
        meta, spec = d(pvc, "metadata"), d(pvc, "spec")
        w.write(LEVEL_1, f"Name:\t{s(meta, 'name')}\n")
        w.write(LEVEL_1, f"StorageClass:\t{pvc_class(pvc)}\n")
        print_labels_multiline(w, "Labels", meta.get("labels"), initial_indent="  ")
        print_labels_multiline(w, "Annotations", meta.get("annotations"), initial_indent="  ")
        requests = d(spec, "resources", "requests")
        if "storage" in requests:
            w.write(LEVEL_1, f"Capacity:\t{quantity_of(requests['storage'])}\n")
        else:
            w.write(LEVEL_1, "Capacity:\t<default>\n")
        w.write(LEVEL_1, f"Access Modes:\t{go_slice(spec.get('accessModes'))}\n")


def describe_stateful_set(api: DescribeClient, sts: dict, now: float, w: PrefixWriter) -> None:
    """``describeStatefulSet``."""
    meta, spec, status = d(sts, "metadata"), d(sts, "spec"), d(sts, "status")
    selector = label_selector_string(spec.get("selector"))
    counts = pod_status_for_controller(
        api,
        s(meta, "namespace"),
        selector,
        lambda labels: selector_matches(spec.get("selector"), labels),
        s(meta, "uid"),
        tolerate=False,
    )
    run, wait, ok, bad = counts if isinstance(counts, tuple) else (0, 0, 0, 0)
    events = events_for(api, "StatefulSet", sts)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    w.write(LEVEL_0, f"CreationTimestamp:\t{fmt_time(s(meta, 'creationTimestamp'))}\n")
    w.write(LEVEL_0, f"Selector:\t{selector}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    replicas = i(spec, "replicas") if spec.get("replicas") is not None else 1
    w.write(LEVEL_0, f"Replicas:\t{replicas} desired | {i(status, 'replicas')} total\n")
    strategy = d(spec, "updateStrategy")
    w.write(LEVEL_0, f"Update Strategy:\t{s(strategy, 'type')}\n")
    rolling = strategy.get("rollingUpdate")
    if isinstance(rolling, dict) and rolling.get("partition") is not None:
        w.write(LEVEL_1, f"Partition:\t{i(rolling, 'partition')}\n")
        if rolling.get("maxUnavailable") is not None:
            w.write(LEVEL_1, f"MaxUnavailable:\t{int_or_string(rolling.get('maxUnavailable'))}\n")
    w.write(LEVEL_0, f"Pods Status:\t{run} Running / {wait} Waiting / {ok} Succeeded / {bad} Failed\n")
    describe_pod_template(spec.get("template"), w)
    describe_volume_claim_templates(lst(spec, "volumeClaimTemplates"), w)
    describe_events(events, w, now)


def describe_daemon_set(api: DescribeClient, ds: dict, now: float, w: PrefixWriter) -> None:
    """``describeDaemonSet`` as kubectl v1.32 prints it (no ``Namespace:`` line; later releases add one)."""
    meta, spec, status = d(ds, "metadata"), d(ds, "spec"), d(ds, "status")
    selector = label_selector_string(spec.get("selector"))
    counts = pod_status_for_controller(
        api,
        s(meta, "namespace"),
        selector,
        lambda labels: selector_matches(spec.get("selector"), labels),
        s(meta, "uid"),
        tolerate=False,
    )
    run, wait, ok, bad = counts if isinstance(counts, tuple) else (0, 0, 0, 0)
    events = events_for(api, "DaemonSet", ds)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Selector:\t{selector}\n")
    w.write(LEVEL_0, f"Node-Selector:\t{format_labels(d(spec, 'template', 'spec').get('nodeSelector'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, f"Desired Number of Nodes Scheduled: {i(status, 'desiredNumberScheduled')}\n")
    w.write(LEVEL_0, f"Current Number of Nodes Scheduled: {i(status, 'currentNumberScheduled')}\n")
    w.write(
        LEVEL_0, f"Number of Nodes Scheduled with Up-to-date Pods: {i(status, 'updatedNumberScheduled')}\n"
    )
    w.write(LEVEL_0, f"Number of Nodes Scheduled with Available Pods: {i(status, 'numberAvailable')}\n")
    w.write(LEVEL_0, f"Number of Nodes Misscheduled: {i(status, 'numberMisscheduled')}\n")
    w.write(LEVEL_0, f"Pods Status:\t{run} Running / {wait} Waiting / {ok} Succeeded / {bad} Failed\n")
    describe_pod_template(spec.get("template"), w)
    describe_events(events, w, now)
