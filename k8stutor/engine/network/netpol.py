"""NetworkPolicy: accepted by the API everywhere, enforced only where the CNI does it (Canal/Calico).

Flannel alone ignores NetworkPolicy, as in real life (a point the course makes). The ``canal`` preset (Flannel
for the network, Calico's Felix for policy) enforces ingress and egress rules: podSelector,
namespaceSelector, ipBlock (with ``except``), ports (number or name, protocol, endPort).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from ..selectors import selector_from_label_selector
from .index import index_of, pod_ip

if TYPE_CHECKING:
    from ..cluster import Cluster
    from ..presets import Preset

Obj = dict[str, Any]
ENFORCING_PRESETS = {"canal"}


def canal_preset() -> Preset:
    """The classroom cluster with Canal (Flannel + Calico policy): NetworkPolicy is enforced."""
    from ..presets import NodeSpec, Preset

    return Preset(
        "canal",
        "kubeadm v1.32 with Canal (Flannel networking, Calico network policy enforcement)",
        [
            NodeSpec("k8s-master01", "192.168.66.10", control_plane=True),
            NodeSpec("k8s-node01", "192.168.66.20"),
            NodeSpec("k8s-node02", "192.168.66.21"),
        ],
    )


def routed_preset() -> Preset:
    """Nodes on two L2 segments behind a router: host-gw cannot reach node02, VXLAN can."""
    from ..presets import NodeSpec, Preset

    return Preset(
        "routed",
        "two L2 segments behind a router (192.168.66.0/24 and 192.168.67.0/24): host-gw vs VXLAN",
        [
            NodeSpec("k8s-master01", "192.168.66.10", control_plane=True),
            NodeSpec("k8s-node01", "192.168.66.20"),
            NodeSpec("k8s-node02", "192.168.67.21"),
        ],
    )


def enforced(cluster: Cluster) -> bool:
    """Whether the cluster's CNI enforces NetworkPolicy."""
    if getattr(cluster, "preset_name", "") in ENFORCING_PRESETS:
        return True
    for p in (index_of(cluster).pods.get("kube-system") or {}).values():
        if (p["metadata"].get("labels") or {}).get("k8s-app") in ("calico-node", "canal"):
            return True
    return False


def _types(pol: Obj) -> list[str]:
    spec = pol.get("spec") or {}
    types = spec.get("policyTypes")
    if types:
        return list(types)
    return ["Ingress"] + (["Egress"] if spec.get("egress") else [])


def _selects(pol: Obj, pod: Obj) -> bool:
    sel = (pol.get("spec") or {}).get("podSelector")
    return selector_from_label_selector(sel if sel is not None else {}).matches(pod["metadata"].get("labels"))


def _ns_labels(cluster: Cluster, ns: str) -> dict[str, str]:
    obj = cluster.api.peek("namespaces", ns)
    return dict(((obj or {}).get("metadata") or {}).get("labels") or {"kubernetes.io/metadata.name": ns})


def _peer_matches(cluster: Cluster, peer: Obj, pol_ns: str, ip: str, other: Obj | None) -> bool:
    if "ipBlock" in peer:
        blk = peer["ipBlock"] or {}
        try:
            addr = ipaddress.ip_address(ip)
            if addr not in ipaddress.ip_network(blk.get("cidr", ""), strict=False):
                return False
            return not any(addr in ipaddress.ip_network(e, strict=False) for e in blk.get("except") or ())
        except ValueError:
            return False
    if other is None:
        return False
    ons = other["metadata"].get("namespace", "")
    if "namespaceSelector" in peer:
        if not selector_from_label_selector(peer.get("namespaceSelector") or {}).matches(
            _ns_labels(cluster, ons)
        ):
            return False
    elif ons != pol_ns:
        return False
    if "podSelector" in peer:
        return selector_from_label_selector(peer.get("podSelector") or {}).matches(
            other["metadata"].get("labels")
        )
    return True


def _port_matches(rule_ports: list[Obj] | None, pod: Obj | None, port: int, proto: str) -> bool:
    if not rule_ports:
        return True
    for p in rule_ports:
        if p.get("protocol", "TCP") != proto:
            continue
        rp = p.get("port")
        if rp is None:
            return True
        if isinstance(rp, str) and not rp.isdigit():
            for c in ((pod or {}).get("spec") or {}).get("containers") or ():
                for cp in c.get("ports") or ():
                    if cp.get("name") == rp and cp.get("containerPort") == port:
                        return True
            continue
        lo = int(rp)
        hi = int(p.get("endPort") or lo)
        if lo <= port <= hi:
            return True
    return False


def _policies(cluster: Cluster, ns: str) -> list[Obj]:
    return list(cluster.api.list_objects("networkpolicies.networking.k8s.io", ns))


def ingress_allowed(
    cluster: Cluster, pod: Obj, src_ip: str, port: int, proto: str = "TCP"
) -> tuple[bool, str]:
    """Whether a connection from ``src_ip`` into ``pod`` on ``port`` passes its ingress policies."""
    if not enforced(cluster):
        return True, ""
    ns = pod["metadata"].get("namespace", "")
    src_pod = index_of(cluster).pod_at(src_ip)
    isolating = [p for p in _policies(cluster, ns) if "Ingress" in _types(p) and _selects(p, pod)]
    if not isolating:
        return True, ""
    for pol in isolating:
        for rule in (pol.get("spec") or {}).get("ingress") or ():
            peers = rule.get("from")
            if peers and not any(_peer_matches(cluster, pr, ns, src_ip, src_pod) for pr in peers):
                continue
            if _port_matches(rule.get("ports"), pod, port, proto):
                return True, ""
    names = ", ".join(p["metadata"]["name"] for p in isolating)
    return False, f"dropped by NetworkPolicy (ingress of {ns}/{pod['metadata']['name']}: {names})"


def egress_allowed(
    cluster: Cluster, pod: Obj | None, dst_ip: str, port: int, proto: str = "TCP"
) -> tuple[bool, str]:
    """Whether ``pod`` may open a connection to ``dst_ip:port`` (DNS to the cluster resolver needs a rule too)."""
    if pod is None or not enforced(cluster):
        return True, ""
    ns = pod["metadata"].get("namespace", "")
    isolating = [p for p in _policies(cluster, ns) if "Egress" in _types(p) and _selects(p, pod)]
    if not isolating:
        return True, ""
    idx = index_of(cluster)
    dst_pod = idx.pod_at(dst_ip)
    for pol in isolating:
        for rule in (pol.get("spec") or {}).get("egress") or ():
            peers = rule.get("to")
            if peers and not any(_peer_matches(cluster, pr, ns, dst_ip, dst_pod) for pr in peers):
                continue
            if _port_matches(rule.get("ports"), dst_pod, port, proto):
                return True, ""
    names = ", ".join(p["metadata"]["name"] for p in isolating)
    return False, f"dropped by NetworkPolicy (egress of {ns}/{pod['metadata']['name']}: {names})"


def pod_by_ip(cluster: Cluster, ip: str) -> Obj | None:
    """The pod with that IP."""
    return index_of(cluster).pod_at(ip)


__all__ = [
    "canal_preset",
    "egress_allowed",
    "enforced",
    "ingress_allowed",
    "pod_by_ip",
    "pod_ip",
    "routed_preset",
]
