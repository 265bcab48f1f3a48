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


def proto_hash(*parts: str) -> str:
    """``portProtoHash``: first 16 chars of base32(SHA-256(concatenation))."""
    return base64.b32encode(hashlib.sha256("".join(parts).encode()).digest()).decode()[:16]


def svc_chain(spn: str, proto: str) -> str:
    """``KUBE-SVC-<hash>`` for a service port name and lower-case protocol."""
    return "KUBE-SVC-" + proto_hash(spn, proto)


def sep_chain(spn: str, proto: str, endpoint: str) -> str:
    """``KUBE-SEP-<hash>`` for an endpoint ``ip:port``."""
    return "KUBE-SEP-" + proto_hash(spn, proto, endpoint)


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

    @property
    def chain(self) -> str:
        """KUBE-SVC chain."""
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
    def choose(self, node: str, sp: ServicePort, client_ip: str, local_only: bool = False) -> Endpoint | None:
        """The endpoint the node's rules send a new connection to (None: no endpoints -> REJECT)."""
        eps = sp.endpoints
        if local_only:
            eps = [e for e in eps if e.node == node]
        n = len(eps)
        if n == 0:
            return None
        now = self.cluster.clock.now()
        akey = (node, sp.chain + "|" + client_ip)
        if sp.affinity:
            hit = self.recent.get(akey)
            if hit is not None and now - hit[1] <= sp.affinity_timeout:
                for e in eps:
                    if e.addr == hit[0]:
                        self.recent[akey] = (e.addr, now)
                        return e
        if self.mode(node) == "ipvs":
            k = (node, sp.cluster_ip, sp.port, sp.proto)
            i = self.rr.get(k, 0)
            ep = eps[i % n]
            self.rr[k] = (i + 1) % n
        else:
            rnd = self.cluster.rng.random
            ep = eps[-1]
            for i in range(n - 1):
                if rnd() < probability(n - i):
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
                    f"-A {target} -j {sp.local_chain}",
                ]
                local = [e for e in sp.endpoints if e.node == node]
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
        if sp.endpoints or sp.cluster_ip in ("", "None"):
            continue
        p, spn = sp.lproto, sp.spn
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
    """The iptables side of IPVS mode (ipset matches; partly UNVERIFIED wording)."""
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
    per = {
        "FLANNEL-POSTRTG": list(flannel_rules),
        "KUBE-LOAD-BALANCER": ["-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ"],
        "KUBE-MARK-MASQ": ["-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"],
        "KUBE-NODE-PORT": [
            '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for '
            'masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ'
        ],
        "KUBE-POSTROUTING": [
            '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving '
            'hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
            "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
            "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
            '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE '
            "--random-fully",
        ],
        "KUBE-SERVICES": [
            f'-A KUBE-SERVICES ! -s {CLUSTER_CIDR} -m comment --comment "Kubernetes service cluster ip + port for '
            'masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ',
            "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT",
            "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT",
        ],
    }
    decl = sorted(chains)
    for ch in decl:
        body.extend(per.get(ch, ()))
    return decl, body


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
        decl, body = _filter_rules(kp, node, bool(frules))
        if kp.mode(node) == "ipvs":
            body = [r for r in body if "has no endpoints" not in r]
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
