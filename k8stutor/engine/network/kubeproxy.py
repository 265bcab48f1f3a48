"""kube-proxy: per-node Service rules from the ``kube-proxy`` ConfigMap's mode, and backend choice.

Each node's kube-proxy reads ``config.conf`` when its pod starts (edit the ConfigMap, delete the pods, and the
new pods bring the new mode). ``iptables`` mode writes the real chain structure (chain names hashed as the
proxier does) and picks endpoints with the ``statistic --mode random`` probabilities; ``ipvs`` mode binds
Service IPs to ``kube-ipvs0`` and balances round robin. Rule text is built on demand from the Service table.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import yaml

from ..controllers.base import Controller, Key
from ..events import EventRecorder
from ..store import DELETED, Event
from .index import NetIndex, index_of

if TYPE_CHECKING:
    from ..cluster import Cluster

Obj = dict[str, Any]
CLUSTER_CIDR = "10.244.0.0/16"
IPTABLES_VERSION = "v1.8.7"
IPVS_SCHEDULERS = ("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "mh")


@lru_cache(maxsize=16384)
def proto_hash(*parts: str) -> str:
    """``portProtoHash``: first 16 chars of base32(SHA-256(concatenation))."""
    return base64.b32encode(hashlib.sha256("".join(parts).encode()).digest()).decode()[:16]


def svc_chain(spn: str, proto: str) -> str:
    """``KUBE-SVC-<hash>`` for a service port name and lower-case protocol."""
    return "KUBE-SVC-" + proto_hash(spn, proto)


def sep_chain(spn: str, proto: str, endpoint: str) -> str:
    """``KUBE-SEP-<hash>`` for an endpoint ``ip:port``."""
    return "KUBE-SEP-" + proto_hash(spn, proto, endpoint)


@lru_cache(maxsize=1024)
def probability(n: int) -> float:
    """The probability iptables applies for the first of ``n`` remaining endpoints (31-bit fixed point)."""
    p = float(f"{1.0 / n:0.10f}")
    return round(p * 2**31) / 2**31


def probability_text(n: int) -> str:
    """How ``iptables-save`` prints that probability (``0.33333333349``)."""
    return f"{probability(n):.11f}"


@dataclass
class Endpoint:
    """One backend of a Service port."""

    ip: str
    port: int
    ready: bool
    node: str = ""
    pod: tuple[str, str] | None = None

    @property
    def addr(self) -> str:
        """``ip:port``."""
        return f"{self.ip}:{self.port}"


@dataclass
class ServicePort:
    """One port of one Service, as the proxier sees it."""

    ns: str
    name: str
    port_name: str
    proto: str  # TCP/UDP/SCTP
    cluster_ip: str
    port: int
    node_port: int
    type: str
    target_port: Any
    external_ips: list[str] = field(default_factory=list)
    lb_ips: list[str] = field(default_factory=list)
    affinity: bool = False
    affinity_timeout: int = 10800
    etp_local: bool = False
    endpoints: list[Endpoint] = field(default_factory=list)
    order: tuple[str, str, str, int] = ("", "", "", 0)

    @property
    def spn(self) -> str:
        """``ns/name[:port]`` (the servicePortName string)."""
        base = f"{self.ns}/{self.name}"
        return f"{base}:{self.port_name}" if self.port_name else base

    @property
    def lproto(self) -> str:
        """Lower-case protocol."""
        return self.proto.lower()

    @cached_property
    def chain(self) -> str:
        """KUBE-SVC chain (its inputs never change once the port is built)."""
        return svc_chain(self.spn, self.lproto)

    @property
    def ext_chain(self) -> str:
        """KUBE-EXT chain."""
        return "KUBE-EXT-" + self.chain[9:]

    @property
    def local_chain(self) -> str:
        """KUBE-SVL chain."""
        return "KUBE-SVL-" + self.chain[9:]

    def sep(self, ep: Endpoint) -> str:
        """KUBE-SEP chain of an endpoint."""
        return sep_chain(self.spn, self.lproto, ep.addr)

    @property
    def external(self) -> bool:
        """Reachable from outside the cluster (NodePort, LB or external IPs)."""
        return bool(self.node_port or self.lb_ips or self.external_ips)


class ServiceTable:
    """All proxyable Service ports, refreshed per changed Service."""

    def __init__(self, idx: NetIndex) -> None:
        self.idx = idx
        self.ports: dict[tuple[str, str], list[ServicePort]] = {}
        self.by_vip: dict[tuple[str, int, str], ServicePort] = {}
        self.by_node_port: dict[tuple[int, str], ServicePort] = {}
        self.dirty: set[tuple[str, str]] = set()
        for ns, svcs in idx.services.items():
            for name in svcs:
                self.dirty.add((ns, name))
        idx.listeners.append(self._changed)

    def _changed(self, kind: str, ev: Event, old: Obj | None) -> None:
        meta = ev.object["metadata"]
        ns = meta.get("namespace", "")
        if kind == "services":
            self.dirty.add((ns, meta["name"]))
        elif kind == "endpointslices":
            svc = (meta.get("labels") or {}).get("kubernetes.io/service-name")
            if svc:
                self.dirty.add((ns, svc))

    def refresh(self) -> None:
        """Rebuild the Services that changed since the last call."""
        if not self.dirty:
            return
        dirty, self.dirty = self.dirty, set()
        for key in dirty:
            for sp in self.ports.pop(key, ()):
                if self.by_vip.get((sp.cluster_ip, sp.port, sp.proto)) is sp:
                    del self.by_vip[(sp.cluster_ip, sp.port, sp.proto)]
                for ip in sp.external_ips + sp.lb_ips:
                    if self.by_vip.get((ip, sp.port, sp.proto)) is sp:
                        del self.by_vip[(ip, sp.port, sp.proto)]
                if sp.node_port and self.by_node_port.get((sp.node_port, sp.proto)) is sp:
                    del self.by_node_port[(sp.node_port, sp.proto)]
            svc = self.idx.services.get(key[0], {}).get(key[1])
            if svc is None:
                continue
            sps = self._build(svc)
            self.ports[key] = sps
            for sp in sps:
                if sp.cluster_ip and sp.cluster_ip != "None":
                    self.by_vip[(sp.cluster_ip, sp.port, sp.proto)] = sp
                for ip in sp.external_ips + sp.lb_ips:
                    self.by_vip[(ip, sp.port, sp.proto)] = sp
                if sp.node_port:
                    self.by_node_port[(sp.node_port, sp.proto)] = sp

    def _build(self, svc: Obj) -> list[ServicePort]:
        meta = svc["metadata"]
        spec = svc.get("spec") or {}
        stype = spec.get("type", "ClusterIP")
        if stype == "ExternalName":
            return []
        ns, name = meta.get("namespace", ""), meta["name"]
        slices = self.idx.slices_of(ns, name)
        lb = [
            i.get("ip")
            for i in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or ()
            if i.get("ip")
        ]
        aff = spec.get("sessionAffinity") == "ClientIP"
        timeout = int(
            (((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}).get("timeoutSeconds")) or 10800
        )
        out = []
        for i, p in enumerate(spec.get("ports") or ()):
            proto = p.get("protocol", "TCP")
            pname = p.get("name", "") or ""
            sp = ServicePort(
                ns,
                name,
                pname,
                proto,
                spec.get("clusterIP", "") or "",
                int(p.get("port", 0)),
                int(p.get("nodePort") or 0) if stype in ("NodePort", "LoadBalancer") else 0,
                stype,
                p.get("targetPort", p.get("port")),
                list(spec.get("externalIPs") or ()),
                lb,
                aff,
                timeout,
                spec.get("externalTrafficPolicy") == "Local",
                order=(meta.get("creationTimestamp", ""), ns, name, i),
            )
            eps: list[Endpoint] = []
            fallback: list[Endpoint] = []
            seen: set[str] = set()
            for sl in slices:
                port = None
                for sport in sl.get("ports") or ():
                    if (sport.get("name") or "") == pname and sport.get("protocol", "TCP") == proto:
                        port = sport.get("port")
                if port is None:
                    continue
                for ep in sl.get("endpoints") or ():
                    cond = ep.get("conditions") or {}
                    ready = cond.get("ready") is not False
                    tr = ep.get("targetRef") or {}
                    pod = (tr.get("namespace", ""), tr["name"]) if tr.get("kind") == "Pod" else None
                    for a in ep.get("addresses") or ():
                        e = Endpoint(a, int(port), ready, ep.get("nodeName", ""), pod)
                        if e.addr in seen:
                            continue
                        seen.add(e.addr)
                        if ready:
                            eps.append(e)
                        elif cond.get("serving") and cond.get("terminating"):
                            fallback.append(e)
            chosen = eps or fallback
            chosen.sort(key=lambda e: e.addr)
            sp.endpoints = chosen
            out.append(sp)
        return out

    def all(self) -> list[ServicePort]:
        """Every Service port in the proxier's write order."""
        self.refresh()
        sps = [sp for lst in self.ports.values() for sp in lst]
        sps.sort(key=lambda s: s.order)
        return sps

    def lookup(self, ip: str, port: int, proto: str = "TCP") -> ServicePort | None:
        """The Service port behind a virtual IP:port."""
        if self.dirty:
            self.refresh()
        return self.by_vip.get((ip, port, proto))

    def node_port(self, port: int, proto: str = "TCP") -> ServicePort | None:
        """The Service port behind a NodePort."""
        if self.dirty:
            self.refresh()
        return self.by_node_port.get((port, proto))


def config_mode(cluster: Cluster) -> tuple[str, str]:
    """(mode, ipvs scheduler) from the kube-proxy ConfigMap ('' mode = iptables, '' scheduler = rr)."""
    cm = cluster.api.peek("configmaps", "kube-proxy", "kube-system")
    text = ((cm or {}).get("data") or {}).get("config.conf", "")
    try:
        conf = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        conf = {}
    if not isinstance(conf, dict):
        conf = {}
    mode = str(conf.get("mode") or "iptables")
    sched = str(
        ((conf.get("ipvs") or {}) if isinstance(conf.get("ipvs"), dict) else {}).get("scheduler") or "rr"
    )
    if mode not in ("iptables", "ipvs"):
        mode = "iptables"  # nftables and unknown modes: the simulation keeps iptables rules
    if sched not in IPVS_SCHEDULERS:
        sched = "rr"
    return mode, sched


class KubeProxy(Controller):
    """Tracks each node's kube-proxy pod (and the mode it started with); chooses backends."""

    name = "kube-proxy"
    watches = ("pods",)

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.idx = index_of(cluster)
        self.table = ServiceTable(self.idx)
        mode = config_mode(cluster)
        self.modes: dict[str, tuple[str, str]] = {}
        self.pod_uid: dict[str, str] = {}
        for node in cluster.store.list("nodes"):
            self.modes[node["metadata"]["name"]] = mode
        for pod in cluster.store.list("pods", "kube-system"):
            if (pod["metadata"].get("labels") or {}).get("k8s-app") == "kube-proxy":
                on = str((pod.get("spec") or {}).get("nodeName") or "")
                if on:
                    self.pod_uid[on] = pod["metadata"].get("uid", "")
        self.rr: dict[tuple[str, str, int, str], int] = {}
        self.recent: dict[tuple[str, str], tuple[str, float]] = {}
        self.recorder = EventRecorder(cluster.api, "kube-proxy", "")

    def on_event(self, ev: Event) -> None:
        """A kube-proxy pod that (re)starts on a node reads the ConfigMap."""
        pod = ev.object
        meta = pod["metadata"]
        if (
            meta.get("namespace") != "kube-system"
            or (meta.get("labels") or {}).get("k8s-app") != "kube-proxy"
        ):
            return
        node = (pod.get("spec") or {}).get("nodeName")
        if not node or ev.type == DELETED:
            return
        running = (pod.get("status") or {}).get("phase") == "Running"
        if running and self.pod_uid.get(node) != meta.get("uid"):
            self.pod_uid[node] = meta.get("uid", "")
            self.queue.add(("nodes", "", node))

    def reconcile(self, key: Key) -> None:
        """The new kube-proxy pod on a node syncs its rules in the configured mode."""
        node = key[2]
        self.modes[node] = config_mode(self.cluster)
        obj = self.api.peek("nodes", node)
        if obj is not None:
            EventRecorder(self.api, "kube-proxy", node).event(obj, "Normal", "Starting", "")

    def mode(self, node: str) -> str:
        """``iptables`` or ``ipvs`` on that node."""
        return self.modes.get(node, ("iptables", "rr"))[0]

    def scheduler(self, node: str) -> str:
        """The IPVS scheduler on that node."""
        return self.modes.get(node, ("iptables", "rr"))[1]

    # ---- the data path ------------------------------------------------------------------------------
    def choose(
        self, node: str, sp: ServicePort, client_ip: str, local_only: bool = False, vs: str = ""
    ) -> Endpoint | None:
        """The endpoint the node's rules send a new connection to (None: no endpoints -> REJECT).

        ``vs`` is the ``ip:port`` the packet was sent to: in IPVS mode every virtual server (ClusterIP, each
        node address's NodePort) keeps its own round-robin position, as the kernel's ``rr`` scheduler does.
        """
        eps = sp.endpoints
        if local_only:
            eps = [e for e in eps if e.node == node]
        n = len(eps)
        if n == 0:
            return None
        now = self.cluster.clock.now()
        akey = (node, sp.chain + "|" + client_ip) if sp.affinity else ("", "")
        if sp.affinity:
            hit = self.recent.get(akey)
            if hit is not None and now - hit[1] <= sp.affinity_timeout:
                for e in eps:
                    if e.addr == hit[0]:
                        self.recent[akey] = (e.addr, now)
                        return e
        if self.mode(node) == "ipvs":
            vip, _, vport = (vs or f"{sp.cluster_ip}:{sp.port}").rpartition(":")
            k = (node, vip, int(vport), sp.proto)
            i = self.rr.get(k, 0)
            ep = eps[i % n]
            self.rr[k] = (i + 1) % n
        else:
            rnd = self.cluster.rng.random
            ep = eps[-1]
            prob = probability
            for i in range(n - 1):
                if rnd() < prob(n - i):
                    ep = eps[i]
                    break
        if sp.affinity:
            self.recent[akey] = (ep.addr, now)
        return ep


def proxy_of(cluster: Cluster) -> KubeProxy:
    """The cluster's kube-proxy model (installed on first use)."""
    kp = getattr(cluster, "kube_proxy", None)
    return kp if isinstance(kp, KubeProxy) else install(cluster)


def install(cluster: Cluster) -> KubeProxy:
    """Start the kube-proxy model (idempotent)."""
    existing = getattr(cluster, "kube_proxy", None)
    if isinstance(existing, KubeProxy):
        return existing
    kp = KubeProxy(cluster)
    cluster.kube_proxy = kp  # type: ignore[attr-defined]
    cluster.add_controller(kp)
    return kp


# ---- iptables-save --------------------------------------------------------------------------------------
def _nat_rules(kp: KubeProxy, node: str, flannel_rules: list[str]) -> tuple[list[str], list[str]]:
    chains: set[str] = {
        "KUBE-KUBELET-CANARY",
        "KUBE-MARK-MASQ",
        "KUBE-NODEPORTS",
        "KUBE-POSTROUTING",
        "KUBE-PROXY-CANARY",
        "KUBE-SERVICES",
    }
    builtin = [
        '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    ]
    if flannel_rules:
        builtin.append('-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG')
        chains.add("FLANNEL-POSTRTG")
    per: dict[str, list[str]] = {
        "KUBE-MARK-MASQ": ["-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"],
        "KUBE-POSTROUTING": [
            "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
            "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
            '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE '
            "--random-fully",
        ],
        "FLANNEL-POSTRTG": list(flannel_rules),
    }
    services: list[str] = []
    nodeports: list[str] = []
    for sp in kp.table.all():
        if not sp.endpoints or sp.cluster_ip in ("", "None"):
            continue
        p, spn, svc = sp.lproto, sp.spn, sp.chain
        chains.add(svc)
        services.append(
            f'-A KUBE-SERVICES -d {sp.cluster_ip}/32 -p {p} -m comment --comment "{spn} cluster IP" '
            f"-m {p} --dport {sp.port} -j {svc}"
        )
        target = sp.ext_chain
        if sp.external:
            chains.add(target)
            for ip in sp.external_ips:
                services.append(
                    f'-A KUBE-SERVICES -d {ip}/32 -p {p} -m comment --comment "{spn} external IP" '
                    f"-m {p} --dport {sp.port} -j {target}"
                )
            for ip in sp.lb_ips:
                services.append(
                    f'-A KUBE-SERVICES -d {ip}/32 -p {p} -m comment --comment "{spn} loadbalancer '
                    f'IP" -m {p} --dport {sp.port} -j {target}'
                )
            if sp.node_port:
                nodeports.append(
                    f'-A KUBE-NODEPORTS -p {p} -m comment --comment "{spn}" -m {p} --dport '
                    f"{sp.node_port} -j {target}"
                )
            if sp.etp_local:
                chains.add(sp.local_chain)
                per[target] = [
                    f'-A {target} -s {CLUSTER_CIDR} -m comment --comment "pod traffic for {spn} external '
                    f'destinations" -j {svc}',
                    f'-A {target} -m comment --comment "masquerade LOCAL traffic for {spn} external destinations" '
                    f"-m addrtype --src-type LOCAL -j KUBE-MARK-MASQ",
                    f'-A {target} -m comment --comment "route LOCAL traffic for {spn} external destinations" '
                    f"-m addrtype --src-type LOCAL -j {svc}",
                ]
                local = [e for e in sp.endpoints if e.node == node]
                if local:  # hasExternalEndpoints: else the filter table DROPs the external traffic
                    per[target].append(f"-A {target} -j {sp.local_chain}")
                per[sp.local_chain] = _balance(sp, sp.local_chain, local)
            else:
                per[target] = [
                    f'-A {target} -m comment --comment "masquerade traffic for {spn} external '
                    f'destinations" -j KUBE-MARK-MASQ',
                    f"-A {target} -j {svc}",
                ]
        rules = [
            f'-A {svc} ! -s {CLUSTER_CIDR} -d {sp.cluster_ip}/32 -p {p} -m comment --comment "{spn} cluster '
            f'IP" -m {p} --dport {sp.port} -j KUBE-MARK-MASQ'
        ]
        rules += _balance(sp, svc, sp.endpoints)
        per[svc] = rules
        for ep in sp.endpoints:
            sep = sp.sep(ep)
            chains.add(sep)
            recent = f"-m recent --set --name {sep} --mask 255.255.255.255 --rsource " if sp.affinity else ""
            per[sep] = [
                f'-A {sep} -s {ep.ip}/32 -m comment --comment "{spn}" -j KUBE-MARK-MASQ',
                f'-A {sep} -p {p} -m comment --comment "{spn}" {recent}-m {p} -j DNAT --to-destination '
                f"{ep.addr}",
            ]
    services.append(
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the '
        'last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'
    )
    per["KUBE-SERVICES"] = services
    per["KUBE-NODEPORTS"] = nodeports
    decl = sorted(chains)
    body = list(builtin)
    for ch in decl:
        body.extend(per.get(ch, ()))
    return decl, body


def _balance(sp: ServicePort, chain: str, eps: list[Endpoint]) -> list[str]:
    out: list[str] = []
    spn = sp.spn
    if sp.affinity:
        for ep in eps:
            sep = sp.sep(ep)
            out.append(
                f'-A {chain} -m comment --comment "{spn} -> {ep.addr}" -m recent --rcheck --seconds '
                f"{sp.affinity_timeout} --reap --name {sep} --mask 255.255.255.255 --rsource -j {sep}"
            )
    n = len(eps)
    for i, ep in enumerate(eps):
        stat = f" -m statistic --mode random --probability {probability_text(n - i)}" if i < n - 1 else ""
        out.append(f'-A {chain} -m comment --comment "{spn} -> {ep.addr}"{stat} -j {sp.sep(ep)}')
    return out


def _filter_rules(kp: KubeProxy, node: str, flannel: bool) -> tuple[list[str], list[str]]:
    chains = [
        "KUBE-EXTERNAL-SERVICES",
        "KUBE-FIREWALL",
        "KUBE-FORWARD",
        "KUBE-KUBELET-CANARY",
        "KUBE-NODEPORTS",
        "KUBE-PROXY-CANARY",
        "KUBE-PROXY-FIREWALL",
        "KUBE-SERVICES",
    ]
    if flannel:
        chains.append("FLANNEL-FWD")
    fw = '-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL'
    portals = '-m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'
    ext = (
        '-m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" '
        "-j KUBE-EXTERNAL-SERVICES"
    )
    body = [
        f"-A INPUT {fw}",
        '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
        f"-A INPUT {ext}",
        "-A INPUT -j KUBE-FIREWALL",
        f"-A FORWARD {fw}",
        '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
        f"-A FORWARD {portals}",
        f"-A FORWARD {ext}",
    ]
    if flannel:
        body.append('-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD')
    body += [f"-A OUTPUT {fw}", f"-A OUTPUT {portals}", "-A OUTPUT -j KUBE-FIREWALL"]
    per: dict[str, list[str]] = {
        "FLANNEL-FWD": [
            f'-A FLANNEL-FWD -s {CLUSTER_CIDR} -m comment --comment "flanneld forward" -j ACCEPT',
            f'-A FLANNEL-FWD -d {CLUSTER_CIDR} -m comment --comment "flanneld forward" -j ACCEPT',
        ],
        "KUBE-FIREWALL": [
            '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming '
            'localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP'
        ],
        "KUBE-FORWARD": [
            "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP",
            '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 '
            "-j ACCEPT",
            '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate '
            "RELATED,ESTABLISHED -j ACCEPT",
        ],
    }
    svc_rules: list[str] = []
    ext_rules: list[str] = []
    for sp in kp.table.all():
        if sp.cluster_ip in ("", "None"):
            continue
        p, spn = sp.lproto, sp.spn
        if sp.endpoints:
            if sp.etp_local and sp.external and not any(e.node == node for e in sp.endpoints):
                drop = f'-m comment --comment "{spn} has no local endpoints"'
                for ip in sp.external_ips + sp.lb_ips:
                    ext_rules.append(
                        f"-A KUBE-EXTERNAL-SERVICES -d {ip}/32 -p {p} {drop} -m {p} --dport {sp.port} -j DROP"
                    )
                if sp.node_port:
                    ext_rules.append(
                        f"-A KUBE-EXTERNAL-SERVICES -p {p} {drop} -m addrtype --dst-type LOCAL -m {p} "
                        f"--dport {sp.node_port} -j DROP"
                    )
            continue
        rej = "-j REJECT --reject-with icmp-port-unreachable"
        svc_rules.append(
            f'-A KUBE-SERVICES -d {sp.cluster_ip}/32 -p {p} -m comment --comment "{spn} has no '
            f'endpoints" -m {p} --dport {sp.port} {rej}'
        )
        for ip in sp.external_ips + sp.lb_ips:
            ext_rules.append(
                f'-A KUBE-EXTERNAL-SERVICES -d {ip}/32 -p {p} -m comment --comment "{spn} has no '
                f'endpoints" -m {p} --dport {sp.port} {rej}'
            )
        if sp.node_port:
            ext_rules.append(
                f'-A KUBE-EXTERNAL-SERVICES -p {p} -m comment --comment "{spn} has no endpoints" '
                f"-m addrtype --dst-type LOCAL -m {p} --dport {sp.node_port} {rej}"
            )
    per["KUBE-SERVICES"] = svc_rules
    per["KUBE-EXTERNAL-SERVICES"] = ext_rules
    decl = sorted(chains)
    for ch in decl:
        body.extend(per.get(ch, ()))
    return decl, body


def _ipvs_nat(kp: KubeProxy, node: str, flannel_rules: list[str]) -> tuple[list[str], list[str]]:
    """The nat side of IPVS mode: ``writeIptablesRules`` of pkg/proxy/ipvs/proxier.go (ipset matches)."""
    chains = [
        "KUBE-KUBELET-CANARY",
        "KUBE-LOAD-BALANCER",
        "KUBE-MARK-MASQ",
        "KUBE-NODE-PORT",
        "KUBE-POSTROUTING",
        "KUBE-PROXY-CANARY",
        "KUBE-SERVICES",
    ]
    body = [
        '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    ]
    if flannel_rules:
        body.append('-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG')
        chains.append("FLANNEL-POSTRTG")
    sets = ipsets(kp, node)

    def match(name: str, how: str, proto: str = "") -> str:
        p = f"-p {proto} " if proto else ""
        return f'{p}-m comment --comment "{IPSET_COMMENTS[name]}" -m set --match-set {name} {how}'

    services = ["-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN"]
    lb, nodeport = [], []
    postrouting = []
    if sets["KUBE-LOOP-BACK"]:
        postrouting.append(f"-A KUBE-POSTROUTING {match('KUBE-LOOP-BACK', 'dst,dst,src')} -j MASQUERADE")
    if sets["KUBE-LOAD-BALANCER"]:
        services.append(f"-A KUBE-SERVICES {match('KUBE-LOAD-BALANCER', 'dst,dst')} -j KUBE-LOAD-BALANCER")
    if sets["KUBE-LOAD-BALANCER-LOCAL"]:
        lb.append(f"-A KUBE-LOAD-BALANCER {match('KUBE-LOAD-BALANCER-LOCAL', 'dst,dst')} -j RETURN")
    for proto in ("tcp", "udp"):
        local, every = f"KUBE-NODE-PORT-LOCAL-{proto.upper()}", f"KUBE-NODE-PORT-{proto.upper()}"
        if sets[local]:
            nodeport.append(f"-A KUBE-NODE-PORT {match(local, 'dst', proto)} -j RETURN")
        if sets[every]:
            nodeport.append(f"-A KUBE-NODE-PORT {match(every, 'dst', proto)} -j KUBE-MARK-MASQ")
    if sets["KUBE-CLUSTER-IP"]:
        services.append(
            f"-A KUBE-SERVICES ! -s {CLUSTER_CIDR} {match('KUBE-CLUSTER-IP', 'dst,dst')} -j KUBE-MARK-MASQ"
        )
    for name in ("KUBE-EXTERNAL-IP", "KUBE-EXTERNAL-IP-LOCAL"):
        if sets[name]:
            m = match(name, "dst,dst")
            if name == "KUBE-EXTERNAL-IP":
                services.append(f"-A KUBE-SERVICES {m} -j KUBE-MARK-MASQ")
            services.append(
                f"-A KUBE-SERVICES {m} -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT"
            )
            services.append(f"-A KUBE-SERVICES {m} -m addrtype --dst-type LOCAL -j ACCEPT")
    services.append("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT")
    lb.append("-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ")
    for name in ("KUBE-CLUSTER-IP", "KUBE-LOAD-BALANCER"):
        if sets[name]:
            services.append(f"-A KUBE-SERVICES -m set --match-set {name} dst,dst -j ACCEPT")
    postrouting += [
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
        "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE '
        "--random-fully",
    ]
    per = {
        "FLANNEL-POSTRTG": list(flannel_rules),
        "KUBE-LOAD-BALANCER": lb,
        "KUBE-MARK-MASQ": ["-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"],
        "KUBE-NODE-PORT": nodeport,
        "KUBE-POSTROUTING": postrouting,
        "KUBE-SERVICES": services,
    }
    decl = sorted(chains)
    for ch in decl:
        body.extend(per.get(ch, ()))
    return decl, body


def _ipvs_filter(kp: KubeProxy, node: str, flannel: bool) -> tuple[list[str], list[str]]:
    """The filter side of IPVS mode (``iptablesJumpChain`` prepends, ``writeIptablesRules``)."""
    chains = [
        "KUBE-FIREWALL",
        "KUBE-FORWARD",
        "KUBE-IPVS-FILTER",
        "KUBE-IPVS-OUT-FILTER",
        "KUBE-KUBELET-CANARY",
        "KUBE-NODE-PORT",
        "KUBE-PROXY-FIREWALL",
        "KUBE-SOURCE-RANGES-FIREWALL",
    ]
    if flannel:
        chains.append("FLANNEL-FWD")
    body = [
        '-A INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER',
        '-A INPUT -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL',
        '-A INPUT -m comment --comment "kubernetes health check rules" -j KUBE-NODE-PORT',
        "-A INPUT -j KUBE-FIREWALL",
        '-A FORWARD -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL',
        '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
    ]
    if flannel:
        body.append('-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD')
    body += [
        '-A OUTPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-OUT-FILTER',
        "-A OUTPUT -j KUBE-FIREWALL",
    ]
    per: dict[str, list[str]] = {
        "FLANNEL-FWD": [
            f'-A FLANNEL-FWD -s {CLUSTER_CIDR} -m comment --comment "flanneld forward" -j ACCEPT',
            f'-A FLANNEL-FWD -d {CLUSTER_CIDR} -m comment --comment "flanneld forward" -j ACCEPT',
        ],
        "KUBE-FIREWALL": [
            '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming '
            'localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP'
        ],
        "KUBE-FORWARD": [
            '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 '
            "-j ACCEPT",
            '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate '
            "RELATED,ESTABLISHED -j ACCEPT",
        ],
        "KUBE-IPVS-FILTER": [
            "-A KUBE-IPVS-FILTER -m set --match-set KUBE-LOAD-BALANCER dst,dst -j RETURN",
            "-A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN",
            "-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP dst,dst -j RETURN",
            "-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -j RETURN",
            "-A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN",
            "-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT "
            "--reject-with icmp-port-unreachable",
        ],
        "KUBE-NODE-PORT": [
            '-A KUBE-NODE-PORT -m comment --comment "Kubernetes health check node port" -m set --match-set '
            "KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT"
        ],
        "KUBE-SOURCE-RANGES-FIREWALL": ["-A KUBE-SOURCE-RANGES-FIREWALL -j DROP"],
    }
    decl = sorted(chains)
    for ch in decl:
        body.extend(per.get(ch, ()))
    return decl, body


# ---- ipsets (IPVS mode) ----------------------------------------------------------------------------------
IPSET_COMMENTS = {  # pkg/proxy/ipvs/ipset.go
    "KUBE-LOOP-BACK": "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose",
    "KUBE-CLUSTER-IP": "Kubernetes service cluster ip + port for masquerade purpose",
    "KUBE-EXTERNAL-IP": "Kubernetes service external ip + port for masquerade and filter purpose",
    "KUBE-EXTERNAL-IP-LOCAL": "Kubernetes service external ip + port with externalTrafficPolicy=local",
    "KUBE-LOAD-BALANCER": "Kubernetes service lb portal",
    "KUBE-LOAD-BALANCER-FW": "Kubernetes service load balancer ip + port for load balancer with sourceRange",
    "KUBE-LOAD-BALANCER-LOCAL": "Kubernetes service load balancer ip + port with externalTrafficPolicy=local",
    "KUBE-LOAD-BALANCER-SOURCE-IP": "Kubernetes service load balancer ip + port + source IP for packet filter "
    "purpose",
    "KUBE-LOAD-BALANCER-SOURCE-CIDR": "Kubernetes service load balancer ip + port + source cidr for packet filter "
    "purpose",
    "KUBE-NODE-PORT-TCP": "Kubernetes nodeport TCP port for masquerade purpose",
    "KUBE-NODE-PORT-LOCAL-TCP": "Kubernetes nodeport TCP port with externalTrafficPolicy=local",
    "KUBE-NODE-PORT-UDP": "Kubernetes nodeport UDP port for masquerade purpose",
    "KUBE-NODE-PORT-LOCAL-UDP": "Kubernetes nodeport UDP port with externalTrafficPolicy=local",
    "KUBE-HEALTH-CHECK-NODE-PORT": "Kubernetes health check node port",
    "KUBE-IPVS-IPS": "Addresses on the ipvs interface",
}


def ipsets(kp: KubeProxy, node: str) -> dict[str, list[str]]:
    """Entries of every IPVS-mode ipset on a node (``ip,proto:port`` strings as ``ipset list`` shows them)."""
    sets: dict[str, list[str]] = {name: [] for name in IPSET_COMMENTS}
    bound: set[str] = set()
    for sp in kp.table.all():
        if sp.cluster_ip in ("", "None"):
            continue
        p = sp.lproto
        for ep in sp.endpoints:
            if ep.node == node:
                sets["KUBE-LOOP-BACK"].append(f"{ep.ip},{p}:{ep.port},{ep.ip}")
        sets["KUBE-CLUSTER-IP"].append(f"{sp.cluster_ip},{p}:{sp.port}")
        bound.add(sp.cluster_ip)
        for ip in sp.external_ips:
            sets["KUBE-EXTERNAL-IP-LOCAL" if sp.etp_local else "KUBE-EXTERNAL-IP"].append(
                f"{ip},{p}:{sp.port}"
            )
            bound.add(ip)
        for ip in sp.lb_ips:
            sets["KUBE-LOAD-BALANCER"].append(f"{ip},{p}:{sp.port}")
            if sp.etp_local:
                sets["KUBE-LOAD-BALANCER-LOCAL"].append(f"{ip},{p}:{sp.port}")
            bound.add(ip)
        if sp.node_port and p in ("tcp", "udp"):
            sets[f"KUBE-NODE-PORT-{p.upper()}"].append(str(sp.node_port))
            if sp.etp_local:
                sets[f"KUBE-NODE-PORT-LOCAL-{p.upper()}"].append(str(sp.node_port))
    sets["KUBE-IPVS-IPS"] = sorted(bound)
    return {k: sorted(set(v)) for k, v in sets.items()}


_BUILTIN = {
    "nat": ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
    "filter": ["INPUT", "FORWARD", "OUTPUT"],
    "mangle": ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
}


def iptables_save(cluster: Cluster, node: str, table: str | None = None, stamp: str = "") -> str:
    """``iptables-save [-t TABLE]`` on a node: kubelet, kube-proxy and flanneld rules."""
    from .flannel import flannel_of

    kp = proxy_of(cluster)
    fl = flannel_of(cluster)
    if not stamp:
        from .commands import ctime

        stamp = ctime(cluster.clock.now())
    frules = fl.masq_rules(node)
    tables: list[tuple[str, list[str], list[str]]] = []
    if table in (None, "mangle"):
        tables.append(("mangle", ["KUBE-IPTABLES-HINT", "KUBE-KUBELET-CANARY", "KUBE-PROXY-CANARY"], []))
    if table in (None, "filter"):
        decl, body = (_ipvs_filter if kp.mode(node) == "ipvs" else _filter_rules)(kp, node, bool(frules))
        tables.append(("filter", decl, body))
    if table in (None, "nat"):
        decl, body = (_ipvs_nat if kp.mode(node) == "ipvs" else _nat_rules)(kp, node, frules)
        tables.append(("nat", decl, body))
    out: list[str] = []
    for name, decl, body in tables:
        out.append(f"# Generated by iptables-save {IPTABLES_VERSION} on {stamp}")
        out.append(f"*{name}")
        out.extend(f":{c} ACCEPT [0:0]" for c in _BUILTIN[name])
        out.extend(f":{c} - [0:0]" for c in decl)
        out.extend(body)
        out.append("COMMIT")
        out.append(f"# Completed on {stamp}")
    return "\n".join(out) + "\n"


# ---- IPVS ---------------------------------------------------------------------------------------------
def _ip_int(ip: str) -> int:
    a, b, c, d = (int(x) for x in ip.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def virtual_servers(cluster: Cluster, node: str) -> list[tuple[str, str, int, ServicePort]]:
    """(proto, ip, port, service port) for every IPVS virtual server on the node, kernel order."""
    from .flannel import flannel_of

    kp = proxy_of(cluster)
    vs: list[tuple[str, str, int, ServicePort]] = []
    node_ips = flannel_of(cluster).local_addresses(node)
    for sp in kp.table.all():
        if sp.cluster_ip in ("", "None"):
            continue
        vs.append((sp.proto, sp.cluster_ip, sp.port, sp))
        for ip in sp.external_ips + sp.lb_ips:
            vs.append((sp.proto, ip, sp.port, sp))
        if sp.node_port:
            for ip in node_ips:
                vs.append((sp.proto, ip, sp.node_port, sp))
    vs.sort(key=lambda v: (v[0], _ip_int(v[1]), v[2]))
    return vs


def ipvsadm(cluster: Cluster, node: str) -> str:
    """``ipvsadm -Ln`` on a node (empty table outside IPVS mode)."""
    kp = proxy_of(cluster)
    lines = [
        "IP Virtual Server version 1.2.1 (size=4096)",
        "Prot LocalAddress:Port Scheduler Flags",
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
    ]
    if kp.mode(node) == "ipvs":
        sched = kp.scheduler(node)
        for proto, ip, port, sp in virtual_servers(cluster, node):
            flags = f" persistent {sp.affinity_timeout}" if sp.affinity else ""
            lines.append(f"{proto}  {ip}:{port} {sched}{flags}")
            eps = sp.endpoints
            if sp.etp_local and ip not in (sp.cluster_ip,):
                eps = [e for e in eps if e.node == node]
            for e in eps:
                lines.append(f"  -> {e.addr:<28} {'Masq':<7} {1:<6d} {0:<10d} {0:<10d}")
    return "\n".join(lines) + "\n"


# ---- iptables -L ----------------------------------------------------------------------------------------
# Port names ``iptables -L`` prints without ``-n`` (the node's /etc/services, netbase).
_SERVICES = {22: "ssh", 25: "smtp", 53: "domain", 80: "http", 443: "https", 8080: "http-alt"}


def _ports_text(label: str, value: str, inv: bool, numeric: bool) -> str:
    """libxt_tcp/udp ``print_ports``: ``dpt:443`` / ``dpts:30000:32767`` (names unless ``-n``)."""

    def name(p: str) -> str:
        return p if numeric or not p.isdigit() else _SERVICES.get(int(p), p)

    lo, _, hi = value.partition(":")
    bang = "!" if inv else ""
    if hi:
        return f" {label}s:{bang}{name(lo)}:{name(hi)}"
    return f" {label}:{bang}{name(lo)}"


def _mark_text(value: str) -> tuple[int, int]:
    v, _, m = value.partition("/")
    return int(v, 0), int(m, 0) if m else 0xFFFFFFFF


def _list_rule(tokens: list[str], numeric: bool) -> tuple[str, str]:
    """One rule (the words after ``-A CHAIN``) as ``iptables -L`` prints it; returns (line, jump target)."""
    src = dst = ""
    inv_src = inv_dst = inv_proto = False
    proto = "all"
    target = ""
    goto = False
    matches: list[tuple[str, list[tuple[str, str, bool]]]] = []  # (module, [(option, value, inverted)])
    topts: list[tuple[str, str]] = []
    inv = False
    i = 0
    in_target = False
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok == "!":
            inv = True
            i += 1
            continue
        if tok in ("-s", "--source"):
            src, inv_src = nxt, inv
            i += 2
        elif tok in ("-d", "--destination"):
            dst, inv_dst = nxt, inv
            i += 2
        elif tok in ("-p", "--protocol"):
            proto, inv_proto = nxt, inv
            i += 2
        elif tok in ("-i", "-o", "--in-interface", "--out-interface"):
            i += 2  # shown with -v only
        elif tok in ("-m", "--match"):
            matches.append((nxt, []))
            in_target = False
            i += 2
        elif tok in ("-j", "--jump", "-g", "--goto"):
            target, goto, in_target = nxt, tok in ("-g", "--goto"), True
            i += 2
        elif tok.startswith("--"):
            vals = []
            j = i + 1
            while j < len(tokens) and not tokens[j].startswith("-") and tokens[j] != "!":
                vals.append(tokens[j])
                j += 1
            if in_target:
                topts.append((tok, " ".join(vals)))
            elif matches:
                matches[-1][1].append((tok, " ".join(vals), inv))
            i = j
        else:
            i += 1
        inv = False

    def addr(a: str) -> str:
        if not a or a in ("0.0.0.0/0", "0/0"):
            return "0.0.0.0/0" if numeric else "anywhere"
        return a[:-3] if a.endswith("/32") else a

    text = f"{target:<9} " + ("!" if inv_proto else " ") + f"{proto:<5}" + "-- "
    text += ("!" if inv_src else " ") + f"{addr(src):<19} " + ("!" if inv_dst else " ") + f"{addr(dst):<19} "
    if goto:
        text += "[goto] "
    for mod, opts in matches:
        text += _match_text(mod, opts, numeric)
    text += _target_text(target, topts)
    return text, target


def _match_text(mod: str, opts: list[tuple[str, str, bool]], numeric: bool) -> str:
    """A match extension's ``print`` output (leading space, as iptables 1.8 writes it)."""
    o = {k: (v, inv) for k, v, inv in opts}
    if mod == "comment":
        return f" /* {o.get('--comment', ('', False))[0]} */"
    if mod in ("tcp", "udp", "sctp"):
        out = f" {mod}"
        for key, label in (("--sport", "spt"), ("--source-port", "spt"), ("--dport", "dpt")):
            if key in o:
                out += _ports_text(label, o[key][0], o[key][1], numeric)
        if "--destination-port" in o:
            out += _ports_text("dpt", o["--destination-port"][0], o["--destination-port"][1], numeric)
        return out
    if mod == "addrtype":
        out = " ADDRTYPE match"
        for key, label in (("--src-type", "src-type"), ("--dst-type", "dst-type")):
            if key in o:
                out += f" {label} {'!' if o[key][1] else ''}{o[key][0]}"
        return out
    if mod == "statistic":
        if o.get("--mode", ("", False))[0] == "random":
            return f" statistic mode random probability {o.get('--probability', ('', False))[0]}"
        return f" statistic mode nth every {o.get('--every', ('', False))[0]}"
    if mod == "mark" and "--mark" in o:
        v, m = _mark_text(o["--mark"][0])
        shown = f"0x{v:x}" + (f"/0x{m:x}" if m != 0xFFFFFFFF else "")
        return " mark match" + (" !" if o["--mark"][1] else "") + f" {shown}"
    if mod in ("conntrack", "state"):
        key = "--ctstate" if mod == "conntrack" else "--state"
        if key in o:
            bang = " !" if o[key][1] else ""
            return f"{bang} {'ctstate' if mod == 'conntrack' else 'state'} {o[key][0]}"
        return ""
    if mod == "set" and "--match-set" in o:
        return (" !" if o["--match-set"][1] else "") + f" match-set {o['--match-set'][0]}"
    if mod == "multiport":
        for key, label in (("--dports", "dports"), ("--sports", "sports"), ("--ports", "ports")):
            if key in o:
                return f" multiport {label} {o[key][0]}"
        return " multiport"
    if mod == "recent":
        if "--set" in o:
            out = " recent: SET"
        else:
            out = " recent: CHECK" if "--rcheck" in o else " recent: UPDATE"
            if "--seconds" in o:
                out += f" seconds: {o['--seconds'][0]}"
            if "--reap" in o:
                out += " reap"
        out += f" name: {o.get('--name', ('DEFAULT', False))[0]} side: "
        out += "dest" if "--rdest" in o else "source"
        if "--mask" in o:
            out += f" mask: {o['--mask'][0]}"
        return out
    return f" {mod} " + " ".join(f"{k.lstrip('-')} {v}".strip() for k, v, _ in opts)


def _target_text(target: str, opts: list[tuple[str, str]]) -> str:
    """A target extension's ``print`` output."""
    o = dict(opts)
    if target == "MARK":
        if "--set-xmark" in o:
            v, m = _mark_text(o["--set-xmark"])
        elif "--or-mark" in o:
            v = m = int(o["--or-mark"], 0)
        elif "--xor-mark" in o:
            v, m = int(o["--xor-mark"], 0), 0
        else:
            v, m = _mark_text(o.get("--set-mark", "0"))
        if v == 0:
            return f" MARK and 0x{~m & 0xFFFFFFFF:x}"
        if v == m:
            return f" MARK or 0x{v:x}"
        if m == 0:
            return f" MARK xor 0x{v:x}"
        if m == 0xFFFFFFFF:
            return f" MARK set 0x{v:x}"
        return f" MARK xset 0x{v:x}/0x{m:x}"
    if target == "MASQUERADE":
        out = f" masq ports: {o['--to-ports']}" if "--to-ports" in o else ""
        return (
            out + (" random-fully" if "--random-fully" in o else "") + (" random" if "--random" in o else "")
        )
    if target in ("DNAT", "SNAT"):
        key = "--to-destination" if target == "DNAT" else "--to-source"
        return f" to:{o.get(key, '')}" + (" random-fully" if "--random-fully" in o else "")
    if target == "REJECT":
        return f" reject-with {o.get('--reject-with', 'icmp-port-unreachable')}"
    return ""


def iptables_list(
    cluster: Cluster, node: str, table: str = "filter", chain: str = "", numeric: bool = False
) -> tuple[str, str, int]:
    """``iptables [-t TABLE] -L [CHAIN] [-n]`` on a node (iptables-legacy), from the rules iptables-save
    prints: (stdout, stderr, exit code)."""
    if table not in _BUILTIN:
        return (
            "",
            f"iptables {IPTABLES_VERSION} (legacy): can't initialize iptables table `{table}': Table does not "
            "exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n",
            3,
        )
    import shlex

    rules: dict[str, list[tuple[str, str]]] = {c: [] for c in _BUILTIN[table]}
    user: list[str] = []
    for line in iptables_save(cluster, node, table, "-").splitlines():
        if line.startswith(":"):
            name = line[1:].split(" ", 1)[0]
            if name not in rules:
                rules[name] = []
                user.append(name)
        elif line.startswith("-A "):
            words = shlex.split(line)
            rules.setdefault(words[1], []).append(_list_rule(words[2:], numeric))
    refs: dict[str, int] = {}
    for lst in rules.values():
        for _, tgt in lst:
            refs[tgt] = refs.get(tgt, 0) + 1
    order = list(_BUILTIN[table]) + sorted(user)
    if chain:
        if chain not in rules:
            return "", "iptables: No chain/target/match by that name.\n", 1
        order = [chain]
    blocks = []
    header = "target     prot opt source               destination         "
    for name in order:
        if name in _BUILTIN[table]:
            head = f"Chain {name} (policy ACCEPT)"
        else:
            head = f"Chain {name} ({refs.get(name, 0)} references)"
        blocks.append("\n".join([head, header] + [text for text, _ in rules[name]]) + "\n")
    return "\n".join(blocks), "", 0
