"""LoadBalancer addresses: a MetalLB-style pool (layer 2) where the preset has one; ``<pending>`` elsewhere."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from ..controllers.base import Controller, Key
from ..errors import StatusError
from ..events import EventRecorder

if TYPE_CHECKING:
    from ..cluster import Cluster

Obj = dict[str, Any]
POOLS: dict[str, tuple[str, str]] = {
    "classroom": ("192.168.66.240", "192.168.66.250"),
    "canal": ("192.168.66.240", "192.168.66.250"),
    "single": ("192.168.66.240", "192.168.66.250"),
}


def lb_pool(preset: str) -> list[str]:
    """The addresses the preset's load-balancer pool hands out (empty: Services stay ``<pending>``)."""
    rng = POOLS.get(preset)
    if rng is None:
        return []
    lo, hi = (int(ipaddress.ip_address(x)) for x in rng)
    return [str(ipaddress.ip_address(i)) for i in range(lo, hi + 1)]


class LoadBalancerAllocator(Controller):
    """MetalLB's controller: assigns ``status.loadBalancer.ingress`` to LoadBalancer Services."""

    name = "metallb-controller"
    watches = ("services",)

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.pool = lb_pool(getattr(cluster, "preset_name", ""))
        self.recorder = EventRecorder(cluster.api, "metallb-controller", "")

    def reconcile(self, key: Key) -> None:
        """Give a LoadBalancer Service the first free pool address (requested ``loadBalancerIP`` honoured)."""
        if not self.pool:
            return
        _, ns, name = key
        svc = self.api.peek("services", name, ns)
        if svc is None or (svc.get("spec") or {}).get("type") != "LoadBalancer":
            return
        if ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress"):
            return
        used = set()
        for s in self.api.list_objects("services"):
            for i in ((s.get("status") or {}).get("loadBalancer") or {}).get("ingress") or ():
                used.add(i.get("ip"))
        want = (svc.get("spec") or {}).get("loadBalancerIP")
        ip = (
            want
            if want in self.pool and want not in used
            else next((a for a in self.pool if a not in used), None)
        )
        if ip is None:
            return
        obj = self.api.get("services", name, ns)
        obj["status"] = {"loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP"}]}}
        try:
            self.api.update_status(obj)
        except StatusError:
            return
        self.recorder.event(obj, "Normal", "IPAllocated", f'Assigned IP ["{ip}"]')


def install(cluster: Cluster) -> LoadBalancerAllocator:
    """Start the allocator (idempotent)."""
    return cluster.add_controller(LoadBalancerAllocator(cluster))  # type: ignore[return-value]
