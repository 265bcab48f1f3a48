"""Hop-by-hop packet traces through the simulated network: data for the UI and text for the shell.

``trace(cluster, src, dst_ip, port)`` walks a new TCP/UDP connection the way the kernel would: the source's
routing table, the node's netfilter (kube-proxy's iptables chains or IPVS), Flannel's routes (VXLAN
encapsulation or host-gw forwarding), the cni0 bridge and the destination's listening sockets. It returns a
``Trace``; nothing is printed.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .dns import EXTERNAL_HOSTS
from .flannel import Flannel, flannel_of, veth_name
from .index import in_net4, index_of, ip4_int, pod_ip
from .kubeproxy import CLUSTER_CIDR, KubeProxy, ServicePort, probability_text, proxy_of

if TYPE_CHECKING:
    from ..cluster import Cluster

Obj = dict[str, Any]
WORKSTATION_IP = "192.168.66.1"
ROUTER = "router"
POD_NET = ipaddress.IPv4Network(CLUSTER_CIDR)
SERVICE_CIDR = "10.96.0.0/12"


@dataclass
class Endpoint:
    """Where a connection starts: a pod, a node, the workstation or the outside world."""

    kind: str  # pod | node | workstation | external
    name: str = ""
    namespace: str = ""
    ip: str = ""
    node: str = ""

    def label(self) -> str:
        """Short text for the endpoint."""
        if self.kind == "pod":
            return f"pod {self.namespace}/{self.name}"
        if self.kind == "node":
            return f"node {self.name}"
        return self.kind


@dataclass
class Hop:
    """One step of a packet's path."""

    where: str  # pod ns/name | node NAME | router | workstation | internet | apiserver
    iface: str
    action: (
        str  # send | route | dnat | snat | encap | decap | bridge | forward | deliver | drop | reject | ipvs
    )
    detail: str
    src: str
    dst: str
    rule: str = ""
    outer: str = ""
    node: str = ""


@dataclass
class Trace:
    """A whole path: hops, outcome and what answered."""

    source: Endpoint
    dst_ip: str
    port: int
    proto: str
    hops: list[Hop] = field(default_factory=list)
    outcome: str = "delivered"  # delivered | refused | timeout | unreachable
    reason: str = ""
    target: Obj | None = None  # the pod that answered
    target_ip: str = ""
    target_port: int = 0
    target_node: str = ""  # hostNetwork / node-process destinations
    service: ServicePort | None = None
    external: str = ""

    @property
    def ok(self) -> bool:
        """The connection was accepted."""
        return self.outcome == "delivered"

    def text(self) -> str:
        """The trace as numbered lines."""
        lines = [f"trace {self.source.label()} ({self.source.ip}) -> {self.dst_ip}:{self.port}/{self.proto}"]
        for i, h in enumerate(self.hops, 1):
            where = h.where + (f" {h.iface}" if h.iface else "")
            lines.append(f"{i:>2}. [{where}] {h.action}: {h.detail}  ({h.src} -> {h.dst})")
            if h.rule:
                lines.append(f"      rule: {h.rule}")
            if h.outer:
                lines.append(f"      outer: {h.outer}")
        end = {
            "delivered": "delivered",
            "refused": "connection refused",
            "timeout": "dropped (timeout)",
            "unreachable": "host unreachable",
        }[self.outcome]
        lines.append(f"result: {end}" + (f" - {self.reason}" if self.reason else ""))
        return "\n".join(lines) + "\n"


def pod_endpoint(cluster: Cluster, ns: str, name: str) -> Endpoint:
    """A running pod as a trace source (KeyError when it has no IP)."""
    pod = index_of(cluster).pod(ns, name)
    if pod is None or not pod_ip(pod):
        raise KeyError(f"{ns}/{name}")
    return Endpoint("pod", name, ns, pod_ip(pod), (pod.get("spec") or {}).get("nodeName", ""))


def node_endpoint(cluster: Cluster, name: str) -> Endpoint:
    """A node as a trace source."""
    nn = flannel_of(cluster).node(name)
    if nn is None:
        raise KeyError(name)
    return Endpoint("node", name, "", nn.ip, name)


def workstation() -> Endpoint:
    """The learner's workstation."""
    return Endpoint("workstation", "workstation", "", WORKSTATION_IP)


class _Walker:
    def __init__(self, cluster: Cluster, t: Trace, choose: bool) -> None:
        self.c = cluster
        self.t = t
        self.fl: Flannel = flannel_of(cluster)
        self.kp: KubeProxy = proxy_of(cluster)
        self.idx = index_of(cluster)
        self.choose = choose
        self.src_port = 40000 + cluster.rng.randrange(20000) if choose else 45678

    def hop(self, where: str, iface: str, action: str, detail: str, src: str, dst: str, **kw: Any) -> None:
        self.t.hops.append(Hop(where, iface, action, detail, src, dst, **kw))

    def fail(self, outcome: str, reason: str) -> Trace:
        self.t.outcome = outcome
        self.t.reason = reason
        return self.t

    # ---- entry --------------------------------------------------------------------------------------
    def run(self) -> Trace:
        t = self.t
        s = t.source
        src = f"{s.ip}:{self.src_port}"
        dst = f"{t.dst_ip}:{t.port}"
        if s.kind == "pod":
            if t.dst_ip in (s.ip, "127.0.0.1"):
                self.hop(
                    f"pod {s.namespace}/{s.name}",
                    "lo",
                    "deliver",
                    "same network namespace (localhost)",
                    src,
                    dst,
                )
                return self.deliver_pod(
                    self.idx.pod(s.namespace, s.name), t.dst_ip, t.port, src, loopback=True
                )
            from .netpol import egress_allowed

            ok, why = egress_allowed(self.c, self.idx.pod(s.namespace, s.name), t.dst_ip, t.port, t.proto)
            if not ok:
                self.hop(f"pod {s.namespace}/{s.name}", "eth0", "drop", why, src, dst)
                return self.fail("timeout", why)
            src_node = self.fl.node(s.node)
            gw = src_node.gateway_ip if src_node is not None else "?"
            self.hop(
                f"pod {s.namespace}/{s.name}",
                "eth0",
                "send",
                f"default via {gw} dev eth0",
                src,
                dst,
                rule=f"default via {gw} dev eth0",
            )
            pod = self.idx.pod(s.namespace, s.name)
            veth = veth_name(pod["metadata"].get("uid", "")) if pod else "veth"
            self.hop(
                f"node {s.node}", veth, "bridge", f"veth pair into cni0 on {s.node}", src, dst, node=s.node
            )
            return self.at_node(s.node, src, t.dst_ip, t.port, prerouting=True)
        if s.kind == "node":
            return self.at_node(s.node, src, t.dst_ip, t.port, prerouting=False)
        if s.kind == "workstation":
            return self.from_outside(src, t.dst_ip, t.port, "workstation")
        return self.from_outside(src, t.dst_ip, t.port, "internet")

    # ---- outside the cluster ------------------------------------------------------------------------
    def from_outside(self, src: str, dst_ip: str, port: int, where: str) -> Trace:
        dst = f"{dst_ip}:{port}"
        node = self.fl.node_by_ip(dst_ip)
        if node is not None:
            self.hop(where, "eth0", "send", f"{dst_ip} is on the node network", src, dst)
            self.hop(
                f"node {node.name}", "eth0", "route", "arrives on the node's eth0", src, dst, node=node.name
            )
            return self.at_node(node.name, src, dst_ip, port, prerouting=True, external=True)
        lb_node = self.lb_announcer(dst_ip)
        if lb_node:
            self.hop(
                where,
                "eth0",
                "send",
                f"ARP for {dst_ip} answered by {lb_node} (load-balancer address, L2 mode)",
                src,
                dst,
            )
            return self.at_node(lb_node, src, dst_ip, port, prerouting=True, external=True)
        self.hop(where, "eth0", "route", f"no route to {dst_ip}: sent to the default gateway", src, dst)
        self.hop(
            ROUTER,
            "",
            "drop",
            f"the router has no route to {dst_ip} (pod and Service IPs exist only inside the cluster)",
            src,
            dst,
        )
        return self.fail("timeout", f"{dst_ip} is not reachable from outside the cluster")

    def lb_announcer(self, ip: str) -> str:
        for sp in self.kp.table.all():
            if ip in sp.lb_ips:
                nodes = sorted(n for n in self.fl.nodes if n in self.kp.modes)
                workers = [n for n in nodes if "master" not in n] or nodes
                return workers[0] if workers else ""
        return ""

    # ---- a node's netfilter + routing ---------------------------------------------------------------
    def at_node(
        self, node: str, src: str, dst_ip: str, port: int, prerouting: bool, external: bool = False
    ) -> Trace:
        t = self.t
        dst = f"{dst_ip}:{port}"
        chain = "PREROUTING" if prerouting else "OUTPUT"
        local = dst_ip in self.fl.local_addresses(node)
        sp = self.kp.table.lookup(dst_ip, port, t.proto)
        nodeport = self.kp.table.node_port(port, t.proto) if local else None
        if sp is None and nodeport is not None:
            sp = nodeport
        mode = self.kp.mode(node)
        if sp is None and mode == "ipvs" and self.is_service_ip(dst_ip):
            self.hop(
                f"node {node}",
                "kube-ipvs0",
                "reject",
                f"{dst_ip} is bound to kube-ipvs0 but no IPVS virtual server listens on port {port}",
                src,
                dst,
                node=node,
            )
            return self.fail("refused", f"no Service port {port} on {dst_ip}")
        if sp is not None:
            t.service = sp
            via = "NodePort" if sp is nodeport and sp.node_port == port and local else "ClusterIP"
            if dst_ip in sp.lb_ips:
                via = "LoadBalancer"
            elif dst_ip in sp.external_ips:
                via = "externalIP"
            local_only = sp.etp_local and external and via != "ClusterIP"
            ep = (
                self.kp.choose(node, sp, src.split(":")[0], local_only=local_only, vs=dst)
                if self.choose
                else (sp.endpoints[0] if sp.endpoints else None)
            )
            if ep is None and local_only and sp.endpoints and mode != "ipvs":
                self.hop(
                    f"node {node}",
                    "",
                    "drop",
                    f"filter {'INPUT' if via == 'NodePort' else 'FORWARD'}: KUBE-EXTERNAL-SERVICES: {sp.spn} has no "
                    "local endpoints (externalTrafficPolicy: Local)",
                    src,
                    dst,
                    rule=_no_local_rule(sp, dst_ip, via),
                    node=node,
                )
                return self.fail("timeout", "no local endpoints (externalTrafficPolicy: Local)")
            if ep is None:
                if mode == "ipvs":
                    self.hop(
                        f"node {node}",
                        "kube-ipvs0",
                        "reject",
                        f"IPVS virtual server {dst} has no real servers",
                        src,
                        dst,
                        node=node,
                    )
                else:
                    p = sp.lproto
                    reject = f'-m comment --comment "{sp.spn} has no endpoints"'
                    if via == "NodePort":  # filter INPUT -> KUBE-EXTERNAL-SERVICES
                        fchain = "INPUT"
                        rule = (
                            f"-A KUBE-EXTERNAL-SERVICES -p {p} {reject} -m addrtype --dst-type LOCAL -m {p} "
                            f"--dport {sp.node_port} -j REJECT --reject-with icmp-port-unreachable"
                        )
                    else:  # filter FORWARD (pods) / OUTPUT (host processes) -> KUBE-SERVICES
                        fchain = "FORWARD" if prerouting else "OUTPUT"
                        rule = (
                            f"-A KUBE-SERVICES -d {sp.cluster_ip}/32 -p {p} {reject} -m {p} --dport {sp.port} "
                            "-j REJECT --reject-with icmp-port-unreachable"
                        )
                    self.hop(
                        f"node {node}",
                        "",
                        "reject",
                        f"filter {fchain}: {sp.spn} has no endpoints",
                        src,
                        dst,
                        rule=rule,
                        node=node,
                    )
                why = (
                    "no local endpoints (externalTrafficPolicy: Local)"
                    if local_only and sp.endpoints
                    else f"Service {sp.ns}/{sp.name} has no ready endpoints"
                )
                return self.fail("refused", why)
            new_dst = ep.addr
            if mode == "ipvs":
                self.hop(
                    f"node {node}",
                    "kube-ipvs0",
                    "ipvs",
                    f"IPVS {t.proto} {dst} {self.kp.scheduler(node)} -> {ep.addr} (Masq)",
                    src,
                    new_dst,
                    rule=f"{t.proto}  {dst} {self.kp.scheduler(node)}",
                    node=node,
                )
            else:
                pool = [e for e in sp.endpoints if e.node == node] if local_only else sp.endpoints
                pick_chain = sp.local_chain if local_only else sp.chain
                n = len(pool)
                i = next((k for k, e in enumerate(pool) if e.addr == ep.addr), 0)
                stat = (
                    f" -m statistic --mode random --probability {probability_text(n - i)}"
                    if i < n - 1
                    else ""
                )
                if via == "NodePort":
                    self.hop(
                        f"node {node}",
                        "",
                        "route",
                        f"nat {chain}: KUBE-SERVICES -> KUBE-NODEPORTS (dst is a local address)",
                        src,
                        dst,
                        rule=f"-A KUBE-NODEPORTS -p {sp.lproto} -m comment "
                        f'--comment "{sp.spn}" -m {sp.lproto} --dport {sp.node_port} -j {sp.ext_chain}',
                        node=node,
                    )
                elif via in ("LoadBalancer", "externalIP"):
                    kind = "loadbalancer IP" if via == "LoadBalancer" else "external IP"
                    self.hop(
                        f"node {node}",
                        "",
                        "route",
                        f"nat {chain}: KUBE-SERVICES matches the {kind}",
                        src,
                        dst,
                        rule=f"-A KUBE-SERVICES -d {dst_ip}/32 -p {sp.lproto} -m comment --comment "
                        f'"{sp.spn} {kind}" -m {sp.lproto} --dport {port} -j {sp.ext_chain}',
                        node=node,
                    )
                else:
                    self.hop(
                        f"node {node}",
                        "",
                        "route",
                        f"nat {chain}: KUBE-SERVICES matches {sp.spn} cluster IP",
                        src,
                        dst,
                        rule=f"-A KUBE-SERVICES -d {sp.cluster_ip}/32 -p {sp.lproto} -m comment "
                        f'--comment "{sp.spn} cluster IP" -m {sp.lproto} --dport {sp.port} -j {sp.chain}',
                        node=node,
                    )
                self.hop(
                    f"node {node}",
                    "",
                    "dnat",
                    f"{pick_chain} picked {ep.addr} (endpoint {i + 1} of {n}); {sp.sep(ep)} DNAT",
                    src,
                    new_dst,
                    rule=f'-A {pick_chain} -m comment --comment "{sp.spn} -> {ep.addr}"{stat} -j {sp.sep(ep)}',
                    node=node,
                )
            if external or via != "ClusterIP" or not in_net4(src.split(":")[0], CLUSTER_CIDR):
                if external and local_only:
                    self.hop(
                        f"node {node}",
                        "",
                        "route",
                        "no SNAT: externalTrafficPolicy Local keeps the client source IP",
                        src,
                        new_dst,
                        node=node,
                    )
                elif external:
                    nn = self.fl.node(node)
                    masq_ip = nn.ip if nn else src.split(":")[0]
                    gw = self.route_src_ip(node, ep.ip)
                    new_src = f"{gw or masq_ip}:{self.src_port}"
                    self.hop(
                        f"node {node}",
                        "",
                        "snat",
                        "KUBE-MARK-MASQ then KUBE-POSTROUTING MASQUERADE (external traffic)",
                        new_src,
                        new_dst,
                        rule="-A KUBE-POSTROUTING -m comment --comment "
                        '"kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
                        node=node,
                    )
                    src = new_src
            return self.route(node, src, ep.ip, ep.port)
        if local:
            return self.deliver_host(node, src, dst_ip, port)
        return self.route(node, src, dst_ip, port)

    def route_src_ip(self, node: str, dst_ip: str) -> str:
        r = self.fl.lookup(node, dst_ip)
        nn = self.fl.node(node)
        if r is None or nn is None:
            return ""
        if r.dev == "flannel.1":
            return nn.network_ip
        if r.dev == "cni0":
            return nn.gateway_ip
        return nn.ip

    def is_service_ip(self, ip: str) -> bool:
        return in_net4(ip, SERVICE_CIDR)

    def route(self, node: str, src: str, dst_ip: str, port: int) -> Trace:
        dst = f"{dst_ip}:{port}"
        if ip4_int(dst_ip) is None:
            try:
                ipaddress.ip_address(dst_ip)
            except ValueError:
                return self.fail("unreachable", f"bad address {dst_ip}")
        other = self.fl.node_by_ip(dst_ip)
        if other is not None and other.name == node:
            return self.deliver_host(node, src, dst_ip, port)
        r = self.fl.lookup(node, dst_ip)
        if r is None:
            self.hop(f"node {node}", "", "drop", f"no route to {dst_ip}", src, dst, node=node)
            return self.fail("unreachable", "no route to host")
        if r.dev == "cni0":
            pod = self.idx.pod_at(dst_ip)
            self.hop(
                f"node {node}",
                "cni0",
                "bridge",
                f"{r.dst} is the local pod subnet",
                src,
                dst,
                rule=r.text(),
                node=node,
            )
            if pod is None:
                self.hop(
                    f"node {node}", "cni0", "drop", f"nobody answers ARP for {dst_ip}", src, dst, node=node
                )
                return self.fail("timeout", f"no pod has IP {dst_ip}")
            veth = veth_name(pod["metadata"].get("uid", ""))
            self.hop(
                f"node {node}",
                veth,
                "forward",
                f"veth pair to pod {pod['metadata'].get('namespace')}/{pod['metadata']['name']}",
                src,
                dst,
                node=node,
            )
            return self.deliver_pod(pod, dst_ip, port, src)
        if r.dev == "flannel.1":
            remote = self.fl.node_for_pod_ip(r.via) if r.via else None
            if remote is None:
                return self.fail("timeout", "no VXLAN peer")
            me = self.fl.node(node)
            conf = self.fl.conf(node)
            outer = (
                f"{me.ip if me else '?'} -> {remote.ip} UDP dport {conf.port} VNI {conf.vni} (inner "
                f"{src} -> {dst}; dst MAC {remote.vtep_mac} from the FDB)"
            )
            self.hop(
                f"node {node}",
                "flannel.1",
                "encap",
                f"route {r.text()}: VXLAN-encapsulated for {remote.name}",
                src,
                dst,
                rule=r.text(),
                outer=outer,
                node=node,
            )
            if remote.segment != (me.segment if me else remote.segment):
                self.hop(
                    ROUTER,
                    "",
                    "forward",
                    f"outer packet routed {me.segment if me else ''} -> {remote.segment}",
                    src,
                    dst,
                )
            self.hop(
                f"node {remote.name}",
                "flannel.1",
                "decap",
                f"UDP {conf.port} VNI {conf.vni} decapsulated by the kernel's VXLAN device",
                src,
                dst,
                node=remote.name,
            )
            return self.route(remote.name, src, dst_ip, port)
        if r.dev == "eth0" and r.via and r.dst != "default":
            target = self.fl.node_by_ip(r.via)
            self.hop(
                f"node {node}",
                "eth0",
                "forward",
                f"route {r.text()} (host-gw: next hop is the node itself)",
                src,
                dst,
                rule=r.text(),
                node=node,
            )
            if target is None:
                return self.fail("timeout", f"no host at {r.via}")
            return self.route(target.name, src, dst_ip, port)
        # A directly connected address (another node) or the default route.
        if other is not None:
            me = self.fl.node(node)
            if me is not None and other.segment == me.segment:
                self.hop(
                    f"node {node}",
                    "eth0",
                    "forward",
                    f"{other.ip} is on the local segment",
                    src,
                    dst,
                    rule=r.text(),
                    node=node,
                )
            else:
                self.hop(
                    f"node {node}",
                    "eth0",
                    "forward",
                    "via the default gateway",
                    src,
                    dst,
                    rule=r.text(),
                    node=node,
                )
                self.hop(ROUTER, "", "forward", f"routed to {other.segment}", src, dst)
            return self.deliver_host(other.name, src, dst_ip, port)
        if in_net4(dst_ip, CLUSTER_CIDR):
            self.hop(
                f"node {node}",
                "eth0",
                "route",
                f"no route for {dst_ip} on {node}: sent to the default gateway",
                src,
                dst,
                rule=r.text(),
                node=node,
            )
            owner = self.fl.node_for_pod_ip(dst_ip)
            why = (
                f"the router knows nothing about pod subnet {owner.cidr}"
                if owner
                else f"{dst_ip} belongs to no node's pod subnet"
            )
            if owner is not None and self.fl.conf(node).backend == "host-gw":
                why += f" (host-gw cannot add '{owner.cidr} via {owner.ip}': {owner.ip} is not on this L2 segment)"
            self.hop(ROUTER, "", "drop", why, src, dst)
            return self.fail("timeout", why)
        ext = next((h for h, (ip, _) in EXTERNAL_HOSTS.items() if ip == dst_ip), "")
        me = self.fl.node(node)
        if in_net4(src.split(":")[0], CLUSTER_CIDR) and me is not None:
            new_src = f"{me.ip}:{self.src_port}"
            self.hop(
                f"node {node}",
                "eth0",
                "snat",
                "flanneld masquerades pod traffic leaving the pod network",
                new_src,
                dst,
                rule=f"-A FLANNEL-POSTRTG -s {self.fl.conf(node).network} ! -d 224.0.0.0/4 -m "
                'comment --comment "flanneld masq" -j MASQUERADE --random-fully',
                node=node,
            )
            src = new_src
        self.hop(
            f"node {node}",
            "eth0",
            "route",
            "default route to the gateway",
            src,
            dst,
            rule=r.text(),
            node=node,
        )
        if dst_ip == WORKSTATION_IP:
            self.hop("workstation", "eth0", "deliver", "the workstation", src, dst)
            return self.fail("refused", "nothing listens on the workstation")
        if not ext:
            self.hop(ROUTER, "", "drop", f"no host answers at {dst_ip}", src, dst)
            return self.fail("timeout", f"no host at {dst_ip}")
        self.hop(ROUTER, "", "forward", "to the outside world", src, dst)
        self.hop("internet", "", "deliver", ext, src, dst)
        self.t.external = ext
        self.t.target_ip, self.t.target_port = dst_ip, port
        return self.t

    # ---- destinations -------------------------------------------------------------------------------
    def deliver_host(self, node: str, src: str, dst_ip: str, port: int) -> Trace:
        dst = f"{dst_ip}:{port}"
        self.t.target_node = node
        self.t.target_ip, self.t.target_port = dst_ip, port
        for bucket in self.idx.pods.values():
            for p in bucket.values():
                spec = p.get("spec") or {}
                if spec.get("nodeName") == node and spec.get("hostNetwork") and listens(self.c, p, port):
                    self.hop(
                        f"node {node}",
                        "eth0",
                        "deliver",
                        f"host-network pod {p['metadata'].get('namespace')}/"
                        f"{p['metadata']['name']} listens on {port}",
                        src,
                        dst,
                        node=node,
                    )
                    self.t.target = p
                    return self.t
        if port in (22, 10250):
            self.hop(
                f"node {node}", "eth0", "deliver", "sshd" if port == 22 else "kubelet", src, dst, node=node
            )
            return self.t
        self.hop(f"node {node}", "eth0", "reject", f"nothing listens on {dst} (TCP RST)", src, dst, node=node)
        return self.fail("refused", f"nothing listens on port {port} of {node}")

    def deliver_pod(self, pod: Obj | None, dst_ip: str, port: int, src: str, loopback: bool = False) -> Trace:
        dst = f"{dst_ip}:{port}"
        if pod is None:
            return self.fail("timeout", f"no pod has IP {dst_ip}")
        name = f"{pod['metadata'].get('namespace')}/{pod['metadata']['name']}"
        if not loopback:
            from .netpol import ingress_allowed

            ok, why = ingress_allowed(self.c, pod, src.split(":")[0], port, self.t.proto)
            if not ok:
                self.hop(f"pod {name}", "eth0", "drop", why, src, dst)
                return self.fail("timeout", why)
        self.t.target = pod
        self.t.target_ip, self.t.target_port = dst_ip, port
        if not listens(self.c, pod, port):
            self.hop(
                f"pod {name}",
                "lo" if loopback else "eth0",
                "reject",
                f"no process listens on {port} (TCP RST)",
                src,
                dst,
            )
            return self.fail("refused", f"nothing listens on port {port} in pod {name}")
        self.hop(
            f"pod {name}",
            "lo" if loopback else "eth0",
            "deliver",
            f"accepted by the container listening on {port}",
            src,
            dst,
        )
        return self.t


def serving_containers(cluster: Cluster, pod: Obj) -> list[Any]:
    """The live runtime containers of a pod (empty for pods the kubelet adopted at bootstrap)."""
    mgr = getattr(cluster, "kubelets", None)
    if mgr is None:
        return []
    k = mgr.kubelet_for_pod(pod["metadata"].get("namespace", ""), pod["metadata"]["name"])
    if k is None:
        return []
    w = k.worker(pod["metadata"].get("namespace", ""), pod["metadata"]["name"])
    if w is None:
        return []
    return [cs.current for cs in w.mains if cs.current is not None and cs.current.running]


def listens(cluster: Cluster, pod: Obj, port: int) -> bool:
    """Some container of the pod accepts connections on the port now."""
    now = cluster.clock.now()
    conts = serving_containers(cluster, pod)
    for c in conts:
        if (
            c.image is not None
            and c.listen_at is not None
            and c.listen_at <= now
            and any(p.port == port for p in c.image.ports)
        ):
            return True
    if conts:
        return False
    # Bootstrap pods: a Running container whose image serves the port.
    from ..runtime.images import ImageRefError, default_catalogue, parse_image

    statuses = {s.get("name"): s for s in (pod.get("status") or {}).get("containerStatuses") or ()}
    for c in (pod.get("spec") or {}).get("containers") or ():
        st = statuses.get(c["name"]) or {}
        if "running" not in (st.get("state") or {}):
            continue
        try:
            img = default_catalogue().lookup(parse_image(c.get("image", "")))
        except ImageRefError:
            continue
        if img is not None and any(p.port == port for p in img.ports):
            return True
        if any(int(p.get("containerPort", 0)) == port for p in c.get("ports") or ()) and img is None:
            return True
    return False


def trace(
    cluster: Cluster, source: Endpoint, dst_ip: str, port: int, proto: str = "TCP", choose: bool = True
) -> Trace:
    """Follow a new connection from ``source`` to ``dst_ip:port``. ``choose=False`` leaves kube-proxy's state
    (random draws, round robin, affinity) untouched and shows the first endpoint."""
    t = Trace(source, dst_ip, int(port), proto.upper())
    return _Walker(cluster, t, choose).run()


def _no_local_rule(sp: Any, dst_ip: str, via: str) -> str:
    """The filter rule kube-proxy writes for an external address of a Local-policy Service without local
    endpoints (proxier.go: ``externalTrafficFilterTarget = "DROP"``)."""
    p = sp.lproto
    comment = f'-m comment --comment "{sp.spn} has no local endpoints"'
    if via == "NodePort":
        return (
            f"-A KUBE-EXTERNAL-SERVICES -p {p} {comment} -m addrtype --dst-type LOCAL -m {p} "
            f"--dport {sp.node_port} -j DROP"
        )
    return f"-A KUBE-EXTERNAL-SERVICES -d {dst_ip}/32 -p {p} {comment} -m {p} --dport {sp.port} -j DROP"
