"""Describers for Deployments, ReplicaSets and ReplicationControllers."""

from __future__ import annotations

import copy
from typing import Any

from k8stutor.engine.errors import StatusError
from k8stutor.engine.timeutil import parse_rfc3339

from .common import (
    DescribeClient,
    controller_of,
    d,
    describe_events,
    events_for,
    fmt_time,
    format_label_selector,
    format_labels,
    go_value,
    i,
    label_selector_string,
    lst,
    map_selector_matches,
    print_annotations_multiline,
    print_controller,
    print_labels_multiline,
    s,
    safe_list,
    selector_matches,
)
from .pod import describe_pod_template
from .tabwriter import LEVEL_0, LEVEL_1, PrefixWriter


def pod_status_for_controller(
    api: DescribeClient, namespace: str, selector_string: str, matches: Any, uid: str, tolerate: bool = True
) -> tuple[int, int, int, int] | str:
    """``getPodStatusForController``: phase counts of the pods the controller owns.

    With ``tolerate`` a failed list returns the error text (the ReplicaSet describer prints it);
    otherwise the StatusError propagates (the ReplicationController describer fails outright).
    """
    try:
        pods = api.list_objects("pods", namespace, label_selector=selector_string or None)
    except StatusError as err:
        if not tolerate:
            raise
        return err.message
    running = waiting = succeeded = failed = 0
    for pod in pods:
        if not isinstance(pod, dict) or not matches(d(pod, "metadata").get("labels")):
            continue
        ref = controller_of(pod)
        if ref is None or s(ref, "uid") != uid:
            continue
        phase = s(pod, "status", "phase")
        if phase == "Running":
            running += 1
        elif phase == "Pending":
            waiting += 1
        elif phase == "Succeeded":
            succeeded += 1
        elif phase == "Failed":
            failed += 1
    return running, waiting, succeeded, failed


def _replicas(obj: dict) -> int:
    spec = d(obj, "spec")
    return i(spec, "replicas") if spec.get("replicas") is not None else 1


def describe_replica_set(api: DescribeClient, rs: dict, now: float, w: PrefixWriter) -> None:
    """``describeReplicaSet``."""
    meta, spec, status = d(rs, "metadata"), d(rs, "spec"), d(rs, "status")
    ns = s(meta, "namespace")
    counts = pod_status_for_controller(
        api,
        ns,
        label_selector_string(spec.get("selector")),
        lambda labels: selector_matches(spec.get("selector"), labels),
        s(meta, "uid"),
    )
    events = events_for(api, "ReplicaSet", rs)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{ns}\n")
    w.write(LEVEL_0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    controlled_by = print_controller(rs)
    if controlled_by:
        w.write(LEVEL_0, f"Controlled By:\t{controlled_by}\n")
    w.write(LEVEL_0, f"Replicas:\t{i(status, 'replicas')} current / {_replicas(rs)} desired\n")
    w.write(LEVEL_0, "Pods Status:\t")
    if isinstance(counts, str):
        w.write(LEVEL_0, f"error in fetching pods: {counts}\n")
    else:
        run, wait, ok, bad = counts
        w.write(LEVEL_0, f"{run} Running / {wait} Waiting / {ok} Succeeded / {bad} Failed\n")
    describe_pod_template(spec.get("template"), w)
    _describe_conditions_type_status_reason(status, w)
    describe_events(events, w, now)


def _describe_conditions_type_status_reason(status: dict, w: PrefixWriter) -> None:
    conditions = [c for c in lst(status, "conditions") if isinstance(c, dict)]
    if conditions:
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(LEVEL_1, "----\t------\t------\n")
        for c in conditions:
            w.write(LEVEL_1, f"{s(c, 'type')} \t{s(c, 'status')}\t{s(c, 'reason')}\n")


def describe_replication_controller(api: DescribeClient, rc: dict, now: float, w: PrefixWriter) -> None:
    """``describeReplicationController``."""
    meta, spec, status = d(rc, "metadata"), d(rc, "spec"), d(rc, "status")
    ns = s(meta, "namespace")
    selector = spec.get("selector")
    sel_string = format_labels(selector) if isinstance(selector, dict) and selector else ""
    counts = pod_status_for_controller(
        api,
        ns,
        sel_string,
        lambda labels: map_selector_matches(selector, labels),
        s(meta, "uid"),
        tolerate=False,
    )
    events = events_for(api, "ReplicationController", rc)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{ns}\n")
    w.write(LEVEL_0, f"Selector:\t{format_labels(selector)}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, f"Replicas:\t{i(status, 'replicas')} current / {_replicas(rc)} desired\n")
    run, wait, ok, bad = counts if isinstance(counts, tuple) else (0, 0, 0, 0)
    w.write(LEVEL_0, f"Pods Status:\t{run} Running / {wait} Waiting / {ok} Succeeded / {bad} Failed\n")
    describe_pod_template(spec.get("template"), w)
    _describe_conditions_type_status_reason(status, w)
    describe_events(events, w, now)


def _strip_empty(v: Any) -> Any:
    """Normalise for apimachinery's semantic equality, which treats nil and empty maps/slices alike."""
    if isinstance(v, dict):
        out = {k: _strip_empty(x) for k, x in v.items()}
        return {k: x for k, x in out.items() if x not in ({}, [], None)}
    if isinstance(v, list):
        return [_strip_empty(x) for x in v]
    return v


def equal_ignore_hash(t1: Any, t2: Any) -> bool:
    """deployment util ``EqualIgnoreHash``: pod templates equal apart from the pod-template-hash label."""
    a, b = (
        copy.deepcopy(t1 if isinstance(t1, dict) else {}),
        copy.deepcopy(t2 if isinstance(t2, dict) else {}),
    )
    for t in (a, b):
        labels = d(t, "metadata").get("labels")
        if isinstance(labels, dict):
            labels.pop("pod-template-hash", None)
    return _strip_empty(a) == _strip_empty(b)


def _creation_key(rs: dict) -> tuple[float, str]:
    ts = parse_rfc3339(s(rs, "metadata", "creationTimestamp"))
    return (ts if ts is not None else float("-inf"), s(rs, "metadata", "name"))


def replica_sets_for(api: DescribeClient, dep: dict) -> tuple[list[dict], dict | None]:
    """``GetAllReplicaSets``: (all old ReplicaSets by creation time, the new ReplicaSet or None)."""
    meta, spec = d(dep, "metadata"), d(dep, "spec")
    ns = s(meta, "namespace")
    items = safe_list(
        api, "replicasets.apps", ns, label_selector=label_selector_string(spec.get("selector")) or None
    )
    if items is None:
        return [], None
    owned = []
    for rs in items:
        if not selector_matches(spec.get("selector"), d(rs, "metadata").get("labels")):
            continue
        ref = controller_of(rs)
        if ref is not None and s(ref, "uid") == s(meta, "uid"):
            owned.append(rs)
    owned.sort(key=_creation_key)
    new_rs = None
    for rs in owned:
        if equal_ignore_hash(d(rs, "spec").get("template"), spec.get("template")):
            new_rs = rs
            break
    old = [rs for rs in owned if rs is not new_rs]
    return old, new_rs


def _rs_summary(rss: list[dict]) -> str:
    text = ", ".join(
        f"{s(rs, 'metadata', 'name')} ({i(rs, 'status', 'replicas')}/{_replicas(rs)} replicas created)"
        for rs in rss
    )
    return text or "<none>"


def describe_deployment(api: DescribeClient, dep: dict, now: float, w: PrefixWriter) -> None:
    """``describeDeployment``."""
    meta, spec, status = d(dep, "metadata"), d(dep, "spec"), d(dep, "status")
    events = events_for(api, "Deployment", dep)
    old, new = replica_sets_for(api, dep)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    w.write(LEVEL_0, f"CreationTimestamp:\t{fmt_time(s(meta, 'creationTimestamp'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, f"Selector:\t{label_selector_string(spec.get('selector'))}\n")
    w.write(
        LEVEL_0,
        f"Replicas:\t{_replicas(dep)} desired | {i(status, 'updatedReplicas')} updated | "
        f"{i(status, 'replicas')} total | {i(status, 'availableReplicas')} available | "
        f"{i(status, 'unavailableReplicas')} unavailable\n",
    )
    strategy = d(spec, "strategy")
    w.write(LEVEL_0, f"StrategyType:\t{s(strategy, 'type')}\n")
    w.write(LEVEL_0, f"MinReadySeconds:\t{i(spec, 'minReadySeconds')}\n")
    if isinstance(strategy.get("rollingUpdate"), dict):
        ru = d(strategy, "rollingUpdate")

        def ios(v: Any) -> str:
            return "<nil>" if v is None else go_value(v)

        w.write(
            LEVEL_0,
            f"RollingUpdateStrategy:\t{ios(ru.get('maxUnavailable'))} max unavailable, "
            f"{ios(ru.get('maxSurge'))} max surge\n",
        )
    describe_pod_template(spec.get("template"), w)
    _describe_conditions_type_status_reason(status, w)
    if old or new is not None:
        w.write(LEVEL_0, f"OldReplicaSets:\t{_rs_summary(old)}\n")
        w.write(LEVEL_0, f"NewReplicaSet:\t{_rs_summary([new] if new is not None else [])}\n")
    describe_events(events, w, now)


# --- batch describers (describe.go ``describeJob``, ``describeCronJob``) ----


def _cap_indexes_list_or_none(indexes: str, soft_limit: int) -> str:
    if not indexes:
        return "<none>"
    ix = soft_limit
    while ix < len(indexes) and indexes[ix] != ",":
        ix += 1
    if ix >= len(indexes):
        return indexes
    return indexes[: ix + 1] + "..."


def describe_job(api: DescribeClient, job: dict, now: float, w: PrefixWriter) -> None:
    """``describeJob``."""
    from k8stutor.engine.timeutil import human_duration

    meta, spec, status = d(job, "metadata"), d(job, "spec"), d(job, "status")
    events = events_for(api, "Job", job)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    w.write(LEVEL_0, f"Selector:\t{label_selector_string(spec.get('selector'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    controlled_by = print_controller(job)
    if controlled_by:
        w.write(LEVEL_0, f"Controlled By:\t{controlled_by}\n")
    if spec.get("parallelism") is not None:
        w.write(LEVEL_0, f"Parallelism:\t{i(spec, 'parallelism')}\n")
    if spec.get("completions") is not None:
        w.write(LEVEL_0, f"Completions:\t{i(spec, 'completions')}\n")
    else:
        w.write(LEVEL_0, "Completions:\t<unset>\n")
    if spec.get("completionMode") is not None:
        w.write(LEVEL_0, f"Completion Mode:\t{s(spec, 'completionMode')}\n")
    if spec.get("suspend") is not None:
        w.write(LEVEL_0, f"Suspend:\t{go_value(bool(spec.get('suspend')))}\n")
    if spec.get("backoffLimit") is not None:
        w.write(LEVEL_0, f"Backoff Limit:\t{i(spec, 'backoffLimit')}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.write(LEVEL_0, f"TTL Seconds After Finished:\t{i(spec, 'ttlSecondsAfterFinished')}\n")
    start, done = status.get("startTime"), status.get("completionTime")
    if start:
        w.write(LEVEL_0, f"Start Time:\t{fmt_time(start)}\n")
    if done:
        w.write(LEVEL_0, f"Completed At:\t{fmt_time(done)}\n")
    t0 = parse_rfc3339(start) if isinstance(start, str) else None
    t1 = parse_rfc3339(done) if isinstance(done, str) else None
    if t0 is not None and t1 is not None:
        w.write(LEVEL_0, f"Duration:\t{human_duration(t1 - t0)}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(LEVEL_0, f"Active Deadline Seconds:\t{i(spec, 'activeDeadlineSeconds')}s\n")
    active, ok, bad = i(status, "active"), i(status, "succeeded"), i(status, "failed")
    if status.get("ready") is None:
        w.write(LEVEL_0, f"Pods Statuses:\t{active} Active / {ok} Succeeded / {bad} Failed\n")
    else:
        w.write(
            LEVEL_0,
            f"Pods Statuses:\t{active} Active ({i(status, 'ready')} Ready) / {ok} Succeeded / {bad} Failed\n",
        )
    if s(spec, "completionMode") == "Indexed":
        w.write(
            LEVEL_0, f"Completed Indexes:\t{_cap_indexes_list_or_none(s(status, 'completedIndexes'), 50)}\n"
        )
    describe_pod_template(spec.get("template"), w)
    describe_events(events, w, now)


def describe_cron_job(api: DescribeClient, cj: dict, now: float, w: PrefixWriter) -> None:
    """``describeCronJob`` (with ``describeJobTemplate`` and ``printActiveJobs``)."""
    meta, spec, status = d(cj, "metadata"), d(cj, "spec"), d(cj, "status")
    events = events_for(api, "CronJob", cj)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, f"Schedule:\t{s(spec, 'schedule')}\n")
    w.write(LEVEL_0, f"Concurrency Policy:\t{s(spec, 'concurrencyPolicy')}\n")
    suspend = spec.get("suspend")
    w.write(LEVEL_0, f"Suspend:\t{'<unset>' if suspend is None else ('True' if suspend else 'False')}\n")
    for key, title in (
        ("successfulJobsHistoryLimit", "Successful Job History Limit"),
        ("failedJobsHistoryLimit", "Failed Job History Limit"),
    ):
        w.write(LEVEL_0, f"{title}:\t{i(spec, key) if spec.get(key) is not None else '<unset>'}\n")
    if spec.get("startingDeadlineSeconds") is not None:
        w.write(LEVEL_0, f"Starting Deadline Seconds:\t{i(spec, 'startingDeadlineSeconds')}s\n")
    else:
        w.write(LEVEL_0, "Starting Deadline Seconds:\t<unset>\n")
    jspec = d(d(spec, "jobTemplate"), "spec")
    if isinstance(jspec.get("selector"), dict):
        w.write(LEVEL_0, f"Selector:\t{label_selector_string(jspec.get('selector'))}\n")
    else:
        w.write(LEVEL_0, "Selector:\t<unset>\n")
    for key, title in (("parallelism", "Parallelism"), ("completions", "Completions")):
        w.write(LEVEL_0, f"{title}:\t{i(jspec, key) if jspec.get(key) is not None else '<unset>'}\n")
    if jspec.get("activeDeadlineSeconds") is not None:
        w.write(LEVEL_0, f"Active Deadline Seconds:\t{i(jspec, 'activeDeadlineSeconds')}s\n")
    describe_pod_template(jspec.get("template"), w)
    last = status.get("lastScheduleTime")
    w.write(LEVEL_0, f"Last Schedule Time:\t{fmt_time(last) if last else '<unset>'}\n")
    w.write(LEVEL_0, "Active Jobs:\t")
    jobs = [j for j in lst(status, "active") if isinstance(j, dict)]
    if not jobs:
        w.write_line("<none>")
    else:
        w.write(LEVEL_0, ", ".join(s(j, "name") for j in jobs))
        w.write_line("")
    describe_events(events, w, now)
