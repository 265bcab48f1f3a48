"""The cluster network: Endpoints/EndpointSlices, kube-proxy, Flannel, CoreDNS, Ingress, traces.

``install(cluster)`` starts every piece (idempotent). Data APIs for the UI: ``trace.trace(...) -> Trace``
(``.hops: list[Hop]``), ``kubeproxy.proxy_of(c).table.all()``, ``flannel.flannel_of(c).routes(node)``,
``traffic.diagnose_service(c, ns, name)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..store import clone

if TYPE_CHECKING:
    from ..cluster import Cluster


def install(cluster: Cluster) -> None:
    """Start the network components of a cluster."""
    if getattr(cluster, "_network_installed", False):
        return
    from . import endpoints, flannel, ingress, ipam, kubeproxy
    from .index import index_of

    index_of(cluster)
    kubeproxy.install(cluster)
    flannel.install(cluster)
    endpoints.install(cluster)
    ipam.install(cluster)
    ingress.install(cluster)
    cluster._network_installed = True  # type: ignore[attr-defined]
    cluster.settle()
    _backdate(cluster)


def _backdate(cluster: Cluster) -> None:
    """Endpoints and slices of the bootstrap Services existed since kubeadm built the cluster."""
    store = cluster.store
    for res in ("endpoints", "endpointslices.discovery.k8s.io"):
        for obj in list(store.list(res)):
            meta = obj["metadata"]
            svc_name = (meta.get("labels") or {}).get("kubernetes.io/service-name", meta["name"])
            svc = store.get("services", meta.get("namespace", ""), svc_name)
            if svc is None:
                continue
            born = svc["metadata"].get("creationTimestamp")
            if born and meta.get("creationTimestamp") != born:
                new = clone(obj)
                new["metadata"]["creationTimestamp"] = born
                ann = new["metadata"].get("annotations") or {}
                if "endpoints.kubernetes.io/last-change-trigger-time" in ann:
                    ann["endpoints.kubernetes.io/last-change-trigger-time"] = born
                store.put(res, new)


__all__ = ["install"]
