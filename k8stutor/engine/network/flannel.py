"""Flannel: per-node leases, ``subnet.env``, routes, the ``flannel.1`` VXLAN device, FDB/ARP, host-gw.

Every flannel pod reads ``net-conf.json`` from the ``kube-flannel-cfg`` ConfigMap when it starts (edit the
ConfigMap, delete the pods, and the new backend takes over). The lease of a node is its ``spec.podCIDR``
(``--kube-subnet-mgr``); the public IP is its InternalIP. Nodes whose IPs share a /24 are on one L2 segment;
host-gw can only install routes to nodes on the same segment (the route to any other fails, as in real life).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from ..controllers.base import Controller, Key
from ..store import DELETED, Event
from .index import in_net4, index_of, ip4_int, net4, pod_ip

if TYPE_CHECKING:
    from ..cluster import Cluster

Obj = dict[str, Any]
VXLAN_PORT = 8472
ENCAP_OVERHEAD = 50
NIC_MTU = 1500


@dataclass(frozen=True)
class NetConf:
    """The parts of ``net-conf.json`` the simulation uses."""

    network: str = "10.244.0.0/16"
    backend: str = "vxlan"
    vni: int = 1
    port: int = VXLAN_PORT
    direct_routing: bool = False

    @property
    def mtu(self) -> int:
        """FLANNEL_MTU (vxlan takes 50 bytes for encapsulation)."""
        return NIC_MTU - ENCAP_OVERHEAD if self.backend == "vxlan" else NIC_MTU


def parse_net_conf(text: str) -> NetConf:
    """``net-conf.json`` -> NetConf (unknown backends and bad JSON fall back to vxlan defaults)."""
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        return NetConf()
    if not isinstance(data, dict):
        return NetConf()
    raw = data.get("Backend")
    be: dict[str, Any] = raw if isinstance(raw, dict) else {}
    btype = str(be.get("Type") or "vxlan")
    if btype not in ("vxlan", "host-gw"):
        btype = "vxlan"
    return NetConf(
        str(data.get("Network") or "10.244.0.0/16"),
        btype,
        int(be.get("VNI") or 1),
        int(be.get("Port") or VXLAN_PORT),
        bool(be.get("DirectRouting")),
    )


def mac_for(seed: str) -> str:
    """A stable locally administered MAC."""
    h = hashlib.sha256(seed.encode()).digest()
    return ":".join(f"{b:02x}" for b in (h[0] & 0xFE | 0x02, *h[1:6]))


def _eui64(mac: str) -> str:
    b = [int(x, 16) for x in mac.split(":")]
    b[0] ^= 0x02
    w = [b[0] << 8 | b[1], b[2] << 8 | 0xFF, 0xFE << 8 | b[3], b[4] << 8 | b[5]]
    return "fe80::" + ":".join(f"{x:x}" for x in w)


@dataclass(frozen=True)
class NodeNet:
    """A node on the physical network."""

    name: str
    ip: str
    cidr: str
    vtep_mac: str

    @cached_property
    def segment(self) -> ipaddress.IPv4Network:
        """The node's L2 segment (its /24)."""
        return ipaddress.IPv4Network(f"{self.ip}/24", strict=False)

    @cached_property
    def gateway_ip(self) -> str:
        """The pod subnet's gateway (cni0 address, ``.1``)."""
        return str(ipaddress.ip_network(self.cidr).network_address + 1)

    @cached_property
    def network_ip(self) -> str:
        """The pod subnet's network address (flannel.1's address)."""
        return str(ipaddress.ip_network(self.cidr).network_address)


@dataclass(frozen=True)
class Route:
    """One routing table entry."""

    dst: str
    dev: str
    via: str = ""
    onlink: bool = False
    src: str = ""
    kernel: bool = False

    def text(self) -> str:
        """As ``ip route`` prints it."""
        if self.kernel:
            return f"{self.dst} dev {self.dev} proto kernel scope link src {self.src}"
        s = f"{self.dst} via {self.via} dev {self.dev}" if self.via else f"{self.dst} dev {self.dev}"
        return s + (" onlink" if self.onlink else "")

    def net(self) -> ipaddress.IPv4Network:
        """Destination prefix."""
        return _net("0.0.0.0/0" if self.dst == "default" else self.dst)


@lru_cache(maxsize=4096)
def _net(cidr: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(cidr)


@dataclass(frozen=True)
class _Table:
    """A node's routing table, built once per (node set, flanneld config, cni0) state."""

    key: tuple[Any, ...]
    routes: tuple[Route, ...]
    match: tuple[tuple[int, int, Route], ...]  # (network, mask, route), longest prefix first


class Flannel(Controller):
    """flanneld on every node: the backend each flannel pod started with, and the node network it programs."""

    name = "flannel"
    watches = ("pods", "nodes")

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.idx = index_of(cluster)
        conf = self.current_conf()
        self.confs: dict[str, NetConf] = {}
        self.pod_uid: dict[str, str] = {}
        self.nodes: dict[str, NodeNet] = {}
        # Derived data (routing tables, address indexes) is cached against ``gen``, which moves whenever a
        # node's network identity changes; a table also keys on its node's config and cni0 state.
        self.gen = 0
        self._tables: dict[str, _Table] = {}
        self._by_ip: tuple[int, dict[str, NodeNet]] = (-1, {})
        for node in cluster.store.list("nodes"):
            self._node(node)
            self.confs[node["metadata"]["name"]] = conf
        for pod in cluster.store.list("pods", "kube-flannel"):
            on = str((pod.get("spec") or {}).get("nodeName") or "")
            if on and (pod["metadata"].get("labels") or {}).get("app") == "flannel":
                self.pod_uid[on] = pod["metadata"].get("uid", "")

    def current_conf(self) -> NetConf:
        """What ``kube-flannel-cfg`` says now."""
        cm = self.api.peek("configmaps", "kube-flannel-cfg", "kube-flannel")
        return parse_net_conf(((cm or {}).get("data") or {}).get("net-conf.json", ""))

    def _node(self, node: Obj) -> None:
        meta = node["metadata"]
        ip = ""
        for a in (node.get("status") or {}).get("addresses") or ():
            if a.get("type") == "InternalIP":
                ip = a.get("address", "")
        cidr = (node.get("spec") or {}).get("podCIDR") or ""
        if not ip or not cidr:
            return
        mac = ""
        try:
            mac = json.loads(
                (meta.get("annotations") or {}).get("flannel.alpha.coreos.com/backend-data", "{}")
            ).get("VtepMAC", "")
        except (ValueError, AttributeError):
            mac = ""
        nn = NodeNet(meta["name"], ip, cidr, mac or mac_for(meta["name"]))
        if self.nodes.get(meta["name"]) != nn:
            self.nodes[meta["name"]] = nn
            self.gen += 1

    def on_event(self, ev: Event) -> None:
        """Nodes join/leave; a flannel pod (re)starting on a node re-reads the ConfigMap."""
        obj = ev.object
        meta = obj["metadata"]
        if ev.resource == "nodes":
            if ev.type == DELETED:
                if self.nodes.pop(meta["name"], None) is not None:
                    self.gen += 1
            else:
                self._node(obj)
                self.confs.setdefault(meta["name"], self.current_conf())
            return
        if meta.get("namespace") != "kube-flannel" or (meta.get("labels") or {}).get("app") != "flannel":
            return
        node = (obj.get("spec") or {}).get("nodeName")
        if not node or ev.type == DELETED:
            return
        if (obj.get("status") or {}).get("phase") == "Running" and self.pod_uid.get(node) != meta.get("uid"):
            self.pod_uid[node] = meta.get("uid", "")
            self.queue.add(("nodes", "", node))

    def reconcile(self, key: Key) -> None:
        """A new flanneld: read the config, publish the backend type on the node."""
        node = key[2]
        conf = self.current_conf()
        self.confs[node] = conf
        obj = self.api.peek("nodes", node)
        if obj is None:
            return
        ann = obj["metadata"].get("annotations") or {}
        if ann.get("flannel.alpha.coreos.com/backend-type") != conf.backend:
            body: Obj = {"metadata": {"annotations": {"flannel.alpha.coreos.com/backend-type": conf.backend}}}
            if conf.backend == "host-gw":
                body["metadata"]["annotations"]["flannel.alpha.coreos.com/backend-data"] = "null"
            else:
                nn = self.nodes.get(node)
                body["metadata"]["annotations"]["flannel.alpha.coreos.com/backend-data"] = json.dumps(
                    {"VNI": conf.vni, "VtepMAC": nn.vtep_mac if nn else mac_for(node)}, separators=(",", ":")
                )
            try:
                self.api.patch("nodes", node, None, body, "merge")
            except Exception:  # noqa: BLE001 - a vanished node is fine
                pass

    # ---- data ---------------------------------------------------------------------------------------
    def conf(self, node: str) -> NetConf:
        """The config the node's flanneld runs with."""
        return self.confs.get(node) or NetConf()

    def node(self, name: str) -> NodeNet | None:
        """A node's network identity."""
        return self.nodes.get(name)

    def node_by_ip(self, ip: str) -> NodeNet | None:
        """The node with this InternalIP."""
        gen, by_ip = self._by_ip
        if gen != self.gen:
            by_ip = {}
            for n in self.nodes.values():
                by_ip.setdefault(n.ip, n)
            self._by_ip = (self.gen, by_ip)
        return by_ip.get(ip)

    def node_for_pod_ip(self, ip: str) -> NodeNet | None:
        """The node whose lease contains a pod IP."""
        if ip4_int(ip) is None:
            return None
        for n in self.nodes.values():
            if in_net4(ip, n.cidr):
                return n
        return None

    def has_cni0(self, node: str) -> bool:
        """cni0 exists once the node has run a pod-network pod."""
        return node in self.idx.cni_nodes

    def remote_route(self, node: str, remote: NodeNet) -> tuple[Route | None, str]:
        """(route, mode) a node installs towards a remote lease; route None when it could not be added."""
        me = self.nodes[node]
        conf = self.conf(node)
        same = remote.segment == me.segment
        if conf.backend == "host-gw" or (conf.direct_routing and same):
            if not same:
                return None, "host-gw"
            return Route(remote.cidr, "eth0", via=remote.ip), "host-gw"
        return Route(remote.cidr, "flannel.1", via=remote.network_ip, onlink=True), "vxlan"

    def _table(self, node: str) -> _Table | None:
        """The node's routing table from the cache (rebuilt when the nodes, its config or cni0 change)."""
        key = (self.gen, self.conf(node), self.has_cni0(node))
        tab = self._tables.get(node)
        if tab is not None and tab.key == key:
            return tab
        routes = self._build_routes(node)
        if routes is None:
            self._tables.pop(node, None)
            return None
        match = []
        for r in routes:
            net = net4(r.dst)
            if net is not None:
                match.append((net[2], net[0], net[1], r))
        match.sort(key=lambda m: -m[0])  # stable: equal prefixes keep table order, as the linear scan did
        tab = _Table(key, tuple(routes), tuple((m[1], m[2], m[3]) for m in match))
        self._tables[node] = tab
        return tab

    def routes(self, node: str) -> list[Route]:
        """The node's main routing table."""
        tab = self._table(node)
        return list(tab.routes) if tab is not None else []

    def _build_routes(self, node: str) -> list[Route] | None:
        me = self.nodes.get(node)
        if me is None:
            return None
        seg = me.segment
        out = [
            Route("default", "eth0", via=str(seg.network_address + 2)),
            Route(str(seg), "eth0", src=me.ip, kernel=True),
        ]
        if self.has_cni0(node):
            out.append(Route(me.cidr, "cni0", src=me.gateway_ip, kernel=True))
        for other in self.nodes.values():
            if other.name == node:
                continue
            r, _ = self.remote_route(node, other)
            if r is not None:
                out.append(r)
        out.sort(key=lambda r: (int(r.net().network_address), r.net().prefixlen))
        return out

    def lookup(self, node: str, dst: str) -> Route | None:
        """Longest-prefix match in the node's table."""
        addr = ip4_int(dst)
        if addr is None:
            ipaddress.ip_address(dst)  # ValueError for text that is no address at all
            return None  # IPv6: the tables are IPv4 only
        tab = self._table(node)
        if tab is None:
            return None
        for net, mask, r in tab.match:
            if addr & mask == net:
                return r
        return None

    def uses_vxlan(self, node: str) -> bool:
        """flannel.1 exists on the node."""
        return self.conf(node).backend == "vxlan"

    def subnet_env(self, node: str) -> str:
        """``/run/flannel/subnet.env``."""
        me = self.nodes.get(node)
        if me is None:
            return ""
        conf = self.conf(node)
        return (
            f"FLANNEL_NETWORK={conf.network}\nFLANNEL_SUBNET={me.gateway_ip}/"
            f"{ipaddress.ip_network(me.cidr).prefixlen}\nFLANNEL_MTU={conf.mtu}\nFLANNEL_IPMASQ=true\n"
        )

    def masq_rules(self, node: str) -> list[str]:
        """flanneld's ``FLANNEL-POSTRTG`` rules (``--ip-masq``)."""
        me = self.nodes.get(node)
        if me is None:
            return []
        net = self.conf(node).network
        c = '-m comment --comment "flanneld masq"'
        return [
            f"-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 {c} -j RETURN",
            f"-A FLANNEL-POSTRTG -s {me.cidr} -d {net} {c} -j RETURN",
            f"-A FLANNEL-POSTRTG -s {net} -d {me.cidr} {c} -j RETURN",
            f"-A FLANNEL-POSTRTG ! -s {net} -d {me.cidr} {c} -j RETURN",
            f"-A FLANNEL-POSTRTG -s {net} ! -d 224.0.0.0/4 {c} -j MASQUERADE --random-fully",
            f"-A FLANNEL-POSTRTG ! -s {net} -d {net} {c} -j MASQUERADE --random-fully",
        ]

    def local_addresses(self, node: str) -> list[str]:
        """IPv4 addresses on the node's interfaces (eth0, flannel.1, cni0)."""
        me = self.nodes.get(node)
        if me is None:
            return []
        out = [me.ip]
        if self.uses_vxlan(node):
            out.append(me.network_ip)
        if self.has_cni0(node):
            out.append(me.gateway_ip)
        return out

    # ---- devices ------------------------------------------------------------------------------------
    def _pods_on(self, node: str) -> list[Obj]:
        pods = []
        for bucket in self.idx.pods.values():
            for p in bucket.values():
                spec = p.get("spec") or {}
                if spec.get("nodeName") == node and not spec.get("hostNetwork") and pod_ip(p):
                    pods.append(p)
        pods.sort(key=lambda p: tuple(int(x) for x in pod_ip(p).split(".")))
        return pods

    def devices(self, node: str) -> list[dict[str, Any]]:
        """The node's interfaces in ifindex order (dicts: index, name, flags, mtu, mac, addrs, extra)."""
        me = self.nodes.get(node)
        if me is None:
            return []
        conf = self.conf(node)
        devs: list[dict[str, Any]] = [
            {
                "name": "lo",
                "kind": "loopback",
                "mtu": 65536,
                "mac": "00:00:00:00:00:00",
                "state": "UNKNOWN",
                "flags": "LOOPBACK,UP,LOWER_UP",
                "qdisc": "noqueue",
                "qlen": True,
                "addrs": [("127.0.0.1/8", "", "host")],
                "inet6": ["::1/128 scope host "],
            },
            {
                "name": "eth0",
                "kind": "ether",
                "mtu": NIC_MTU,
                "mac": "00:0c:29:" + mac_for(me.ip)[9:],
                "state": "UP",
                "flags": "BROADCAST,MULTICAST,UP,LOWER_UP",
                "qdisc": "fq_codel",
                "qlen": True,
                "addrs": [(f"{me.ip}/24", str(me.segment.broadcast_address), "global")],
            },
        ]
        if conf.backend == "vxlan":
            devs.append(
                {
                    "name": "flannel.1",
                    "kind": "ether",
                    "mtu": conf.mtu,
                    "mac": me.vtep_mac,
                    "state": "UNKNOWN",
                    "flags": "BROADCAST,MULTICAST,UP,LOWER_UP",
                    "qdisc": "noqueue",
                    "qlen": False,
                    "addrs": [(f"{me.network_ip}/32", "", "global")],
                    "vxlan": f"vxlan id {conf.vni} local {me.ip} dev eth0 srcport 0 0 dstport {conf.port} "
                    "nolearning ttl auto ageing 300",
                }
            )
        pods = self._pods_on(node)
        if self.has_cni0(node):
            net = ipaddress.ip_network(me.cidr)
            devs.append(
                {
                    "name": "cni0",
                    "kind": "ether",
                    "mtu": conf.mtu,
                    "mac": mac_for("cni0" + node),
                    "state": "UP",
                    "flags": "BROADCAST,MULTICAST,UP,LOWER_UP",
                    "qdisc": "noqueue",
                    "qlen": True,
                    "addrs": [(f"{me.gateway_ip}/{net.prefixlen}", str(net.broadcast_address), "global")],
                }
            )
        for p in pods:
            uid = p["metadata"].get("uid", "")
            devs.append(
                {
                    "name": veth_name(uid) + "@if2",
                    "kind": "ether",
                    "mtu": conf.mtu,
                    "mac": mac_for("veth" + uid),
                    "state": "UP",
                    "flags": "BROADCAST,MULTICAST,UP,LOWER_UP",
                    "qdisc": "noqueue master cni0",
                    "qlen": False,
                    "addrs": [],
                    "netns": "cni-" + _uuid(uid),
                    "pod": (p["metadata"].get("namespace", ""), p["metadata"]["name"]),
                }
            )
        from .kubeproxy import proxy_of

        kp = proxy_of(self.cluster)
        if kp.mode(node) == "ipvs":
            ips = []
            for sp in kp.table.all():
                for ip in [sp.cluster_ip] + sp.external_ips + sp.lb_ips:
                    if ip and ip != "None" and ip not in ips:
                        ips.append(ip)
            devs.append(
                {
                    "name": "kube-ipvs0",
                    "kind": "ether",
                    "mtu": NIC_MTU,
                    "mac": mac_for("ipvs" + node),
                    "state": "DOWN",
                    "flags": "BROADCAST,NOARP",
                    "qdisc": "noop",
                    "qlen": False,
                    "addrs": [(f"{ip}/32", "", "global") for ip in ips],
                    "no_inet6": True,
                }
            )
        for i, d in enumerate(devs, start=1):
            d["index"] = i
        return devs

    def veth_index(self, node: str, pod: tuple[str, str]) -> int:
        """The host-side ifindex of a pod's veth (what ``eth0@ifN`` names inside the pod)."""
        for d in self.devices(node):
            if d.get("pod") == pod:
                return int(d["index"])
        return 0


def veth_name(uid: str) -> str:
    """Host side of a pod's veth pair (``veth`` + 8 hex)."""
    return "veth" + hashlib.sha256(uid.encode()).hexdigest()[:8]


def _uuid(seed: str) -> str:
    h = hashlib.sha256(("netns" + seed).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _link_line(d: dict[str, Any], link_mode: bool = False) -> str:
    """The first two lines of a device; ``ip link`` adds the link mode (``mode DEFAULT``), ``ip addr`` not."""
    qlen = " qlen 1000" if d.get("qlen") else ""
    state = d["state"] + (" mode DEFAULT" if link_mode else "")
    head = (
        f"{d['index']}: {d['name']}: <{d['flags']}> mtu {d['mtu']} qdisc {d['qdisc']} state {state} "
        f"group default{qlen}"
    )
    if not qlen:
        head += " "
    kind = "loopback" if d["kind"] == "loopback" else "ether"
    link = f"    link/{kind} {d['mac']} brd " + (
        "00:00:00:00:00:00" if kind == "loopback" else "ff:ff:ff:ff:ff:ff"
    )
    if d.get("netns"):
        link += f" link-netns {d['netns']}"
    return head + "\n" + link


def ip_addr_text(fl: Flannel, node: str, dev: str | None = None) -> str:
    """``ip addr`` (``ip a``) on a node."""
    out = []
    for d in fl.devices(node):
        if dev and d["name"].split("@")[0] != dev:
            continue
        lines = [_link_line(d)]
        name = d["name"].split("@")[0]
        for addr, brd, scope in d["addrs"]:
            b = f" brd {brd}" if brd else ""
            lines.append(f"    inet {addr}{b} scope {scope} {name}")
            lines.append("       valid_lft forever preferred_lft forever")
        if d["kind"] == "loopback":
            lines.append("    inet6 ::1/128 scope host ")
            lines.append("       valid_lft forever preferred_lft forever")
        elif not d.get("no_inet6"):
            lines.append(f"    inet6 {_eui64(d['mac'])}/64 scope link ")
            lines.append("       valid_lft forever preferred_lft forever")
        out.append("\n".join(lines))
    if dev and not out:
        return ""
    return "\n".join(out) + "\n"


def ip_link_text(fl: Flannel, node: str, dev: str | None = None, details: bool = False) -> str:
    """``ip link [show DEV]`` (``-d`` adds the vxlan line for flannel.1)."""
    out = []
    for d in fl.devices(node):
        if dev and d["name"].split("@")[0] != dev:
            continue
        text = _link_line(d, link_mode=True)
        if details and d.get("vxlan"):
            text += " promiscuity 0 minmtu 68 maxmtu 65535 \n    " + d["vxlan"]
        out.append(text)
    if not out:
        return ""
    return "\n".join(out) + "\n"


def ip_route_text(fl: Flannel, node: str) -> str:
    """``ip route`` on a node."""
    return "".join(r.text() + "\n" for r in fl.routes(node))


def fdb_text(fl: Flannel, node: str, dev: str | None = None) -> str:
    """``bridge fdb show [dev DEV]``: flanneld's VTEP entries (plus the multicast entries of the NICs)."""
    me = fl.node(node)
    if me is None:
        return ""
    lines: list[str] = []
    vx = fl.uses_vxlan(node)
    if dev in (None, "eth0"):
        base = "" if dev else " dev eth0"
        lines += [f"01:00:5e:00:00:01{base} self permanent", f"33:33:00:00:00:01{base} self permanent"]
    if vx and dev in (None, "flannel.1"):
        base = "" if dev else " dev flannel.1"
        for other in sorted(fl.nodes.values(), key=lambda n: n.name):
            if other.name == node:
                continue
            r, mode = fl.remote_route(node, other)
            if mode == "vxlan":
                lines.append(f"{other.vtep_mac}{base} dst {other.ip} self permanent")
    if fl.has_cni0(node) and dev in (None, "cni0"):
        base = "" if dev else " dev cni0"
        lines += [
            f"33:33:00:00:00:01{base} self permanent",
            f"01:00:5e:00:00:01{base} self permanent",
            f"{mac_for('cni0' + node)}{base} vlan 1 master cni0 permanent",
        ]
    return "".join(x + "\n" for x in lines)


def neigh_text(fl: Flannel, node: str, dev: str | None = None) -> str:
    """``ip neigh show [dev flannel.1]``: the permanent VTEP ARP entries."""
    if not fl.uses_vxlan(node) or dev not in (None, "flannel.1"):
        return ""
    out = []
    for other in sorted(fl.nodes.values(), key=lambda n: n.name):
        if other.name == node:
            continue
        _, mode = fl.remote_route(node, other)
        if mode == "vxlan":
            suffix = "" if dev else " dev flannel.1"
            out.append(f"{other.network_ip}{suffix} lladdr {other.vtep_mac} PERMANENT\n")
    return "".join(out)


def flannel_of(cluster: Cluster) -> Flannel:
    """The cluster's flannel model (installed on first use)."""
    fl = getattr(cluster, "flannel", None)
    return fl if isinstance(fl, Flannel) else install(cluster)


def install(cluster: Cluster) -> Flannel:
    """Start the flannel model (idempotent)."""
    existing = getattr(cluster, "flannel", None)
    if isinstance(existing, Flannel):
        return existing
    fl = Flannel(cluster)
    cluster.flannel = fl  # type: ignore[attr-defined]
    cluster.add_controller(fl)
    return fl
