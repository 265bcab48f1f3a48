"""Resource usage as metrics-server would report it, from the runtime's simulated CPU/memory profile.

A container's CPU is its image's idle ``cpu`` plus what a ``stress`` process burns plus the requests it served
(requests/s over the last ``LOAD_WINDOW`` x the image's ``request_cpu_ms``), capped at its CPU limit (CFS quota).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .images import ImageRefError, default_catalogue, parse_image, parse_millicores

if TYPE_CHECKING:
    from ..cluster import Cluster

SYSTEM_RESERVED_MEMORY = 600 * 1024 * 1024
SYSTEM_CPU_M = 60


def metrics_available(cluster: Cluster) -> bool:
    """metrics-server is installed (a Deployment kube-system/metrics-server with a ready replica or pods)."""
    dep = cluster.api.peek("deployments.apps", "metrics-server", "kube-system")
    return dep is not None


def _image_profile(image: str) -> tuple[int, int]:
    try:
        img = default_catalogue().lookup(parse_image(image))
    except ImageRefError:
        return 0, 0
    return (img.cpu, img.memory) if img else (1, 4 * 1024 * 1024)


def _cpu_limit(container: dict[str, Any]) -> int | None:
    """The container's ``limits.cpu`` in millicores (None when unset or unparsable)."""
    lim = ((container.get("resources") or {}).get("limits") or {}).get("cpu")
    if lim is None:
        return None
    try:
        return parse_millicores(lim)
    except ValueError:
        return None


def container_usage(cluster: Cluster, pod: dict[str, Any]) -> list[tuple[str, int, int]]:
    """[(container, millicores, bytes)] for a running pod."""
    from ..kubelet.eviction import tmpfs_charge

    mgr = getattr(cluster, "kubelets", None)
    meta = pod["metadata"]
    k = mgr.kubelet_for_pod(meta.get("namespace", ""), meta["name"]) if mgr is not None else None
    w = k.worker(meta.get("namespace", ""), meta["name"]) if k is not None else None
    now = cluster.now()
    out = []
    for c in (pod.get("spec") or {}).get("containers") or []:
        cpu, mem = _image_profile(c.get("image", ""))
        cs = w.find(c["name"]) if w is not None else None
        if cs is not None and cs.current is not None:
            if not cs.current.running:
                continue
            # tmpfs (emptyDir medium: Memory) pages are charged to the writing container's cgroup.
            mem = cs.current.memory_at(now) + tmpfs_charge(cluster, pod, c)
            cpu = (cs.current.image.cpu if cs.current.image else cpu) + cs.current.cpu_m
            cpu += cs.current.load_millicores(now)  # the requests the network delivered to it
        limit = _cpu_limit(c)
        if limit is not None:
            cpu = min(cpu, limit)  # CFS quota: a container never gets more CPU time than its limit
        out.append((c["name"], cpu, mem))
    return out


def pod_metrics(cluster: Cluster, namespace: str | None) -> list[dict[str, Any]]:
    """PodMetrics-like dicts for running pods (namespace None = all)."""
    out = []
    for pod in cluster.api.list_objects("pods", namespace):
        if (pod.get("status") or {}).get("phase") != "Running":
            continue
        usage = container_usage(cluster, pod)
        out.append(
            {
                "namespace": pod["metadata"].get("namespace", ""),
                "name": pod["metadata"]["name"],
                "containers": [{"name": n, "cpu": c, "memory": m} for n, c, m in usage],
            }
        )
    return out


def node_metrics(cluster: Cluster) -> list[dict[str, Any]]:
    """NodeMetrics-like dicts: the sum of the node's pods plus system overhead; None for nodes that are down."""
    per_node: dict[str, list[int]] = {}
    for pod in cluster.api.list_objects("pods"):
        node = (pod.get("spec") or {}).get("nodeName")
        if not node or (pod.get("status") or {}).get("phase") != "Running":
            continue
        acc = per_node.setdefault(node, [0, 0])
        for _n, c, m in container_usage(cluster, pod):
            acc[0] += c
            acc[1] += m
    mgr = getattr(cluster, "kubelets", None)
    out = []
    for node in cluster.api.list_objects("nodes"):
        name = node["metadata"]["name"]
        k = mgr.kubelets.get(name) if mgr is not None else None
        if k is not None and k.down:
            continue
        cpu, mem = per_node.get(name, [0, 0])
        out.append(
            {
                "name": name,
                "cpu": cpu + SYSTEM_CPU_M,
                "memory": mem + SYSTEM_RESERVED_MEMORY,
                "allocatable": (node.get("status") or {}).get("allocatable") or {},
            }
        )
    return out
