"""Data for the TUI's Helm pane: releases, their history, live objects, values and notes; rollback/uninstall.

Pure functions over a simulated cluster; they never print and never import a front end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .action import ActionError, Actions, format_app_version, format_chart_name
from .storage import Storage, go_time_string, parse_go_time
from .toyaml import to_yaml
from .values import merge_maps

__all__ = [
    "HistoryEntry",
    "ObjectInfo",
    "ReleaseInfo",
    "history",
    "notes",
    "objects",
    "releases",
    "rollback",
    "uninstall",
    "values",
]


@dataclass(frozen=True)
class ReleaseInfo:
    """One row of the releases table (the latest revision of a release)."""

    name: str
    namespace: str
    revision: int
    status: str
    chart: str
    app_version: str
    updated: str


@dataclass(frozen=True)
class HistoryEntry:
    """One revision of a release."""

    revision: int
    updated: float | None
    status: str
    chart: str
    app_version: str
    description: str


@dataclass(frozen=True)
class ObjectInfo:
    """An object a release created, with its live state (``status`` is "NotFound" when it is gone)."""

    kind: str
    name: str
    namespace: str
    status: str
    ready: str


def releases(cluster: Any, all_states: bool = True) -> list[ReleaseInfo]:
    """Every release in every namespace (latest revision each), sorted by namespace then name."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for r in Storage(cluster.api, "").list_all():
        k = (r.get("namespace", ""), r.get("name", ""))
        if k not in latest or int(r["version"]) > int(latest[k]["version"]):
            latest[k] = r
    out = []
    for (_ns, _n), r in sorted(latest.items()):
        st = r["info"].get("status", "")
        if not all_states and st not in ("deployed", "failed"):
            continue
        out.append(
            ReleaseInfo(
                name=r.get("name", ""),
                namespace=r.get("namespace", ""),
                revision=int(r["version"]),
                status=st,
                chart=format_chart_name(r),
                app_version=format_app_version(r),
                updated=go_time_string(parse_go_time(r["info"].get("last_deployed"))),
            )
        )
    return out


def _acts(cluster: Any, namespace: str) -> Actions:
    return Actions(cluster, namespace)


def history(cluster: Any, name: str, namespace: str = "default") -> list[HistoryEntry]:
    """All revisions of a release, ascending ([] when there is no such release)."""
    try:
        rels = _acts(cluster, namespace).history(name)
    except ActionError:
        return []
    return [
        HistoryEntry(
            revision=int(r["version"]),
            updated=parse_go_time(r["info"].get("last_deployed")),
            status=r["info"].get("status", ""),
            chart=format_chart_name(r),
            app_version=format_app_version(r),
            description=r["info"].get("description", ""),
        )
        for r in rels
    ]


def _live_status(kind: str, obj: dict[str, Any]) -> tuple[str, str]:
    st = obj.get("status") or {}
    spec = obj.get("spec") or {}
    if kind == "Pod":
        cs = st.get("containerStatuses") or []
        ready = sum(1 for c in cs if c.get("ready"))
        return str(st.get("phase", "Pending")), f"{ready}/{len(spec.get('containers') or [])}"
    if kind in ("Deployment", "StatefulSet", "ReplicaSet"):
        want = spec.get("replicas", 1)
        ready = st.get("readyReplicas", 0)
        return ("Ready" if ready >= want else "Progressing"), f"{ready}/{want}"
    if kind == "DaemonSet":
        want, ready = st.get("desiredNumberScheduled", 0), st.get("numberReady", 0)
        return ("Ready" if ready >= want else "Progressing"), f"{ready}/{want}"
    if kind == "Job":
        for c in st.get("conditions") or []:
            if c.get("status") == "True" and c.get("type") in ("Complete", "Failed"):
                return c["type"], f"{st.get('succeeded', 0)}/{spec.get('completions', 1)}"
        return "Running", f"{st.get('succeeded', 0)}/{spec.get('completions', 1)}"
    if kind == "Service":
        return str(spec.get("type", "ClusterIP")), spec.get("clusterIP", "") or ""
    if kind == "PersistentVolumeClaim":
        return str(st.get("phase", "Pending")), ""
    return "Exists", ""


def objects(cluster: Any, name: str, namespace: str = "default") -> list[ObjectInfo]:
    """The objects in a release's current manifest, in install order, with live status."""
    acts = _acts(cluster, namespace)
    try:
        rel = acts.get(name)
    except ActionError:
        return []
    out = []
    for r in acts.resources(rel):
        live = cluster.api.peek(r.rt, r.name, r.namespace or None)
        if live is None:
            out.append(ObjectInfo(r.rt.kind, r.name, r.namespace, "NotFound", ""))
            continue
        status, ready = _live_status(r.rt.kind, live)
        out.append(ObjectInfo(r.rt.kind, r.name, r.namespace, status, ready))
    return out


def values(
    cluster: Any, name: str, namespace: str = "default", all_values: bool = False, revision: int = 0
) -> str:
    """The user-supplied (or computed) values as YAML, like ``helm get values``."""
    try:
        rel = _acts(cluster, namespace).get(name, revision)
    except ActionError:
        return ""
    vals = rel.get("config") or {}
    if all_values:
        vals = merge_maps(dict((rel.get("chart") or {}).get("values") or {}), vals)
    return (to_yaml(vals) + "\n") if vals else "null\n"


def notes(cluster: Any, name: str, namespace: str = "default", revision: int = 0) -> str:
    """The release's rendered NOTES.txt."""
    try:
        return str(_acts(cluster, namespace).get(name, revision)["info"].get("notes") or "")
    except ActionError:
        return ""


def rollback(cluster: Any, name: str, namespace: str = "default", revision: int = 0) -> str:
    """Roll back like ``helm rollback``; returns helm's output line or raises ActionError."""
    _acts(cluster, namespace).rollback(name, revision)
    return "Rollback was a success! Happy Helming!\n"


def uninstall(cluster: Any, name: str, namespace: str = "default", keep_history: bool = False) -> str:
    """Uninstall like ``helm uninstall``; returns helm's output or raises ActionError."""
    _rel, kept = _acts(cluster, namespace).uninstall(name, keep_history=keep_history)
    return (kept + "\n" if kept else "") + f'release "{name}" uninstalled\n'
