"""Indexes over pods, services and EndpointSlices kept current from watch events (no scans per request)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..store import DELETED, Event

if TYPE_CHECKING:
    from ..cluster import Cluster

Obj = dict[str, Any]


@lru_cache(maxsize=8192)
def ip4_int(text: str) -> int | None:
    """A dotted-quad IPv4 address as an integer (None when it is not one); parsed once per distinct text."""
    parts = text.split(".")
    if len(parts) != 4:
        return None
    n = 0
    for p in parts:
        if not p.isdigit() or not p.isascii() or len(p) > 3 or (len(p) > 1 and p[0] == "0"):
            return None
        v = int(p)
        if v > 255:
            return None
        n = n << 8 | v
    return n


@lru_cache(maxsize=4096)
def net4(cidr: str) -> tuple[int, int, int] | None:
    """``a.b.c.d/len`` (or ``default``) as (network int, mask int, prefix length); None when malformed."""
    if cidr == "default":
        return 0, 0, 0
    addr, _, plen = cidr.partition("/")
    base = ip4_int(addr)
    if base is None or (plen and not plen.isdigit()):
        return None
    n = int(plen) if plen else 32
    if n > 32:
        return None
    mask = (0xFFFFFFFF << (32 - n)) & 0xFFFFFFFF
    return base & mask, mask, n


def in_net4(ip: str, cidr: str) -> bool:
    """The IPv4 address lies in the prefix (False for anything malformed)."""
    a = ip4_int(ip)
    net = net4(cidr)
    return a is not None and net is not None and a & net[1] == net[0]


def pod_ready(pod: Obj) -> bool:
    """The pod's Ready condition is True."""
    for c in (pod.get("status") or {}).get("conditions") or ():
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False


def pod_ip(pod: Obj) -> str:
    """The pod's IP or ''."""
    return str((pod.get("status") or {}).get("podIP") or "")


def pod_live(pod: Obj) -> bool:
    """Scheduled, has an IP and is not finished."""
    st = pod.get("status") or {}
    return bool(st.get("podIP")) and st.get("phase") not in ("Succeeded", "Failed")


class NetIndex:
    """Pods by namespace and by IP, services by namespace, EndpointSlices by service."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.pods: dict[str, dict[str, Obj]] = {}
        self.pod_by_ip: dict[str, tuple[str, str]] = {}
        self.services: dict[str, dict[str, Obj]] = {}
        self.slices: dict[tuple[str, str], dict[str, Obj]] = {}
        self.cni_nodes: set[str] = set()
        self.version = 0
        self.listeners: list[Any] = []
        store = cluster.store
        for p in store.list("pods"):
            self._pod(p, False)
        for s in store.list("services"):
            self.services.setdefault(s["metadata"].get("namespace", ""), {})[s["metadata"]["name"]] = s
        for sl in store.list("endpointslices.discovery.k8s.io"):
            self._slice(sl, False)
        store.watch("pods", callback=self.on_pod)
        store.watch("services", callback=self.on_service)
        store.watch("endpointslices.discovery.k8s.io", callback=self.on_slice)

    # ---- pods ---------------------------------------------------------------------------------------
    def _pod(self, pod: Obj, deleted: bool) -> Obj | None:
        meta = pod["metadata"]
        ns, name = meta.get("namespace", ""), meta["name"]
        bucket = self.pods.setdefault(ns, {})
        old = bucket.get(name)
        if old is not None:
            ip = pod_ip(old)
            if ip and self.pod_by_ip.get(ip) == (ns, name):
                del self.pod_by_ip[ip]
        if deleted:
            bucket.pop(name, None)
            return old
        bucket[name] = pod
        spec = pod.get("spec") or {}
        if pod_live(pod) and not spec.get("hostNetwork"):
            self.pod_by_ip[pod_ip(pod)] = (ns, name)
            if spec.get("nodeName"):
                self.cni_nodes.add(spec["nodeName"])
        return old

    def on_pod(self, ev: Event) -> None:
        """Pod watch callback."""
        old = self._pod(ev.object, ev.type == DELETED)
        self.version += 1
        for fn in self.listeners:
            fn("pods", ev, old)

    def pod(self, ns: str, name: str) -> Obj | None:
        """A pod from the index."""
        return self.pods.get(ns, {}).get(name)

    def pod_at(self, ip: str) -> Obj | None:
        """The pod owning a pod-network IP."""
        key = self.pod_by_ip.get(ip)
        return self.pod(*key) if key else None

    # ---- services -----------------------------------------------------------------------------------
    def on_service(self, ev: Event) -> None:
        """Service watch callback."""
        meta = ev.object["metadata"]
        bucket = self.services.setdefault(meta.get("namespace", ""), {})
        old = bucket.get(meta["name"])
        if ev.type == DELETED:
            bucket.pop(meta["name"], None)
        else:
            bucket[meta["name"]] = ev.object
        self.version += 1
        for fn in self.listeners:
            fn("services", ev, old)

    # ---- slices -------------------------------------------------------------------------------------
    def _slice(self, sl: Obj, deleted: bool) -> None:
        meta = sl["metadata"]
        svc = (meta.get("labels") or {}).get("kubernetes.io/service-name")
        if not svc:
            return
        key = (meta.get("namespace", ""), svc)
        if deleted:
            self.slices.get(key, {}).pop(meta["name"], None)
        else:
            self.slices.setdefault(key, {})[meta["name"]] = sl

    def on_slice(self, ev: Event) -> None:
        """EndpointSlice watch callback."""
        self._slice(ev.object, ev.type == DELETED)
        self.version += 1
        for fn in self.listeners:
            fn("endpointslices", ev, None)

    def slices_of(self, ns: str, svc: str) -> list[Obj]:
        """The EndpointSlices of a service, by name."""
        d = self.slices.get((ns, svc)) or {}
        return [d[k] for k in sorted(d)]


def index_of(cluster: Cluster) -> NetIndex:
    """The cluster's network index (created on first use)."""
    idx = getattr(cluster, "_net_index", None)
    if idx is None:
        idx = NetIndex(cluster)
        cluster._net_index = idx  # type: ignore[attr-defined]
    return idx
