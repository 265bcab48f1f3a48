"""The kubelets: one per node, driving pods through their life on the simulated container runtime.

``install(cluster)`` registers one controller (``KubeletManager``) that watches pods and nodes once and routes
each pod to the ``Kubelet`` of its node — a thousand kubelets do not each watch every pod. Every kubelet keeps
its node's Lease and condition heartbeats, a per-node image cache, sandboxes and containers, and writes pod
status through the API's status subresource. Lifecycle timings are data (``Timings``) and faults can be
injected through ``Faults`` (``cluster.faults``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..controllers.base import Controller, Key
from ..runtime.images import Catalogue, default_catalogue
from ..store import DELETED, Event
from .faults import Faults, Timings
from .kubelet import Kubelet

if TYPE_CHECKING:
    from ..cluster import Cluster

__all__ = ["Faults", "Kubelet", "KubeletManager", "Timings", "install", "node_down", "node_up"]


class KubeletManager(Controller):
    """Routes pod and node events to the per-node kubelets; one entry in the cluster's controller list."""

    name = "kubelet"
    watches = ("pods", "nodes")

    def __init__(self, cluster: Cluster, timings: Timings | None = None) -> None:
        super().__init__(cluster)
        self.timings = timings or Timings()
        self.catalogue: Catalogue = default_catalogue()
        self.faults = Faults(self)
        self.kubelets: dict[str, Kubelet] = {}
        self.pod_node: dict[tuple[str, str], str] = {}
        # (namespace, "configmaps"|"secrets", name) -> pods (node, ns, name) with a volume of that source.
        self.source_users: dict[tuple[str, str, str], set[tuple[str, str, str]]] = {}
        self.projected_users: dict[str, set[tuple[str, str, str]]] = {}

    def track_volume_sources(self, k: Kubelet, w: Any) -> None:
        """Remember which ConfigMaps/Secrets feed a pod's volumes (for the hot update after the sync delay)."""
        for res, name in (w.vols.sources or {}).values():
            if res == "projected":
                self.projected_users.setdefault(w.ns, set()).add((k.node, w.ns, w.name))
            else:
                self.source_users.setdefault((w.ns, res, name), set()).add((k.node, w.ns, w.name))

    def _on_source_change(self, ev: Event) -> None:
        meta = ev.object["metadata"]
        ns = meta.get("namespace", "") or ""
        users = set(self.source_users.get((ns, ev.resource, meta["name"]), set()))
        users |= self.projected_users.get(ns, set())
        if not users:
            return
        from .volumes import SYNC_DELAY

        def sync() -> None:
            for node, pns, pname in users:
                k = self.kubelets.get(node)
                w = k.workers.get((pns, pname)) if k is not None else None
                if k is not None and w is not None:
                    k.refresh_volumes(w)

        self.cluster.clock.call_after(SYNC_DELAY, sync)

    def start(self) -> None:
        """Start a kubelet for every node and begin watching."""
        for res in ("configmaps", "secrets"):
            self.cluster.store.watch(res, callback=self._on_source_change)
        for node in self.api.list_objects("nodes"):
            self._add_node(node["metadata"]["name"])
        super().start()
        by_node: dict[str, list[dict[str, Any]]] = {}
        for pod in self.api.list_objects("pods"):
            node_name = (pod.get("spec") or {}).get("nodeName")
            if node_name:
                by_node.setdefault(node_name, []).append(pod)
                self.pod_node[(pod["metadata"].get("namespace", ""), pod["metadata"]["name"])] = node_name
        for name, k in self.kubelets.items():
            k.adopt_existing(by_node.get(name, []))

    def _add_node(self, name: str) -> Kubelet:
        k = self.kubelets.get(name)
        if k is None:
            k = Kubelet(self, name)
            self.kubelets[name] = k
            k.start()
        return k

    def on_event(self, ev: Event) -> None:
        """Route a pod to its node's kubelet; start/stop kubelets as nodes come and go."""
        obj = ev.object
        meta = obj["metadata"]
        if ev.resource == "nodes":
            name = meta["name"]
            if ev.type == DELETED:
                k = self.kubelets.pop(name, None)
                if k is not None:
                    k.stop()
            elif name not in self.kubelets:
                k = self._add_node(name)
                k.adopt_existing()
            return
        ns = meta.get("namespace", "")
        key = (ns, meta["name"])
        node = (obj.get("spec") or {}).get("nodeName")
        if ev.type == DELETED:
            node = self.pod_node.pop(key, node)
        elif node:
            self.pod_node[key] = node
        if not node:
            return
        k = self.kubelets.get(node)
        if k is not None:
            k.queue.add(("pods", ns, meta["name"]))
            self.queue.add(("node", "", node))

    def process(self, limit: int = 1_000_000) -> int:
        """Let each kubelet with queued pods sync them."""
        n = 0
        while True:
            key = self.queue.pop()
            if key is None:
                return n
            k = self.kubelets.get(key[2])
            if k is not None:
                n += k.process()

    def reconcile(self, key: Key) -> None:  # pragma: no cover - process() is overridden
        """Unused: kubelets reconcile their own pods."""

    def kubelet_for_pod(self, namespace: str, name: str) -> Kubelet | None:
        """The kubelet running a pod (None when unscheduled or its node is gone)."""
        node = self.pod_node.get((namespace, name))
        return self.kubelets.get(node) if node else None


def install(cluster: Cluster, timings: Timings | None = None) -> KubeletManager:
    """Start the kubelets of every node (kept in sync as nodes are added and removed)."""
    existing = getattr(cluster, "kubelets", None)
    if isinstance(existing, KubeletManager):
        return existing
    mgr = KubeletManager(cluster, timings)
    cluster.kubelets = mgr  # type: ignore[attr-defined]
    cluster.faults = mgr.faults  # type: ignore[attr-defined]
    cluster.add_controller(mgr)
    cluster.settle()
    return mgr


def _manager(cluster: Cluster) -> KubeletManager:
    mgr = getattr(cluster, "kubelets", None)
    if not isinstance(mgr, KubeletManager):
        mgr = install(cluster)
    return mgr


def node_down(cluster: Cluster, name: str) -> None:
    """Take a node down (`sim node down`): its kubelet stops heartbeating and stops touching its pods."""
    k = _manager(cluster).kubelets.get(name)
    if k is None:
        raise KeyError(name)
    k.go_down()


def node_up(cluster: Cluster, name: str) -> None:
    """Bring a node back: the kubelet posts Ready again and resyncs its pods (containers restart)."""
    k = _manager(cluster).kubelets.get(name)
    if k is None:
        raise KeyError(name)
    k.go_up()
    cluster.settle()


def kubelets_of(cluster: Cluster) -> dict[str, Any]:
    """The node name -> Kubelet map (installing the kubelets if needed)."""
    return dict(_manager(cluster).kubelets)
