"""CoreDNS behaviour (the ``kubernetes`` plugin over ``cluster.local``) and pod resolver configuration.

Answers come from Services and their EndpointSlices; they need CoreDNS: the ``kube-dns`` Service must have a
ready endpoint (scale the ``coredns`` Deployment to zero and every lookup times out). Names outside the
cluster domain go to ``forward`` (the simulated outside world in ``EXTERNAL_HOSTS``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .index import index_of, pod_ip

if TYPE_CHECKING:
    from ..cluster import Cluster

Obj = dict[str, Any]
DOMAIN = "cluster.local"
DNS_IP = "10.96.0.10"
TTL = 30
NODE_SEARCH: list[str] = []
NODE_NAMESERVER = "192.168.66.2"

# The simulated outside world: name -> (ip, what it is).
EXTERNAL_HOSTS: dict[str, tuple[str, str]] = {
    "example.com": ("93.184.215.14", "web"),
    "www.example.com": ("93.184.215.14", "web"),
    "registry.example.com": ("192.168.66.100", "registry"),
    "harbor.example.com": ("192.168.66.100", "registry"),
    "hub.example.com": ("192.168.66.100", "registry"),
    "nfs.example.com": ("192.168.66.110", "nfs"),
    "registry-1.docker.io": ("54.236.113.205", "registry"),
    "registry.k8s.io": ("34.96.108.209", "registry"),
    "ghcr.io": ("140.82.112.33", "registry"),
    "github.com": ("140.82.112.3", "web"),
    "www.google.com": ("142.250.72.196", "web"),
    "google.com": ("142.250.72.206", "web"),
}


class DNSError(Exception):
    """A lookup that got no answer at all (no DNS server reachable)."""


@dataclass
class Answer:
    """A DNS response: rcode and resource records (name, type, data)."""

    name: str
    qtype: str
    rcode: str = "NOERROR"  # NOERROR | NXDOMAIN
    records: list[tuple[str, str, str]] = field(default_factory=list)
    authoritative: bool = True

    def addresses(self) -> list[str]:
        """A-record data."""
        return [d for _, t, d in self.records if t == "A"]


def coredns_ready(cluster: Cluster) -> bool:
    """True when the kube-dns Service has a ready endpoint (CoreDNS pods Running and Ready)."""
    from .kubeproxy import proxy_of

    sp = proxy_of(cluster).table.lookup(DNS_IP, 53, "UDP")
    return sp is not None and bool(sp.endpoints)


def _dashed(ip: str) -> str:
    return ip.replace(".", "-")


def _endpoints(cluster: Cluster, ns: str, svc: str) -> list[Obj]:
    out = []
    for sl in index_of(cluster).slices_of(ns, svc):
        for ep in sl.get("endpoints") or ():
            if (ep.get("conditions") or {}).get("ready") is False:
                continue
            out.append(ep)
    return out


def _svc(cluster: Cluster, ns: str, name: str) -> Obj | None:
    return index_of(cluster).services.get(ns, {}).get(name)


def query(cluster: Cluster, name: str, qtype: str = "A") -> Answer:
    """What CoreDNS answers for an absolute name (no trailing dot needed)."""
    name = name.rstrip(".").lower()
    qtype = qtype.upper()
    ans = Answer(name, qtype)
    if qtype == "PTR" or name.endswith(".in-addr.arpa"):
        return _ptr(cluster, name, ans)
    suffix = "." + DOMAIN
    if not name.endswith(suffix):
        ext = EXTERNAL_HOSTS.get(name)
        ans.authoritative = False
        if ext is None:
            ans.rcode = "NXDOMAIN"
        elif qtype == "A":
            ans.records.append((name, "A", ext[0]))
        return ans
    labels = name[: -len(suffix)].split(".")
    if len(labels) >= 3 and labels[-1] == "svc":
        ns, svc_name = labels[-2], labels[-3]
        rest = labels[:-3]
        svc = _svc(cluster, ns, svc_name)
        if svc is None:
            ans.rcode = "NXDOMAIN"
            return ans
        spec = svc.get("spec") or {}
        fq = f"{svc_name}.{ns}.svc.{DOMAIN}"
        if not rest:
            if spec.get("type") == "ExternalName":
                target = str(spec.get("externalName", "")).rstrip(".")
                ans.records.append((fq, "CNAME", target))
                if qtype == "A":
                    sub = query(cluster, target, "A")
                    ans.records.extend(sub.records)
                return ans
            if qtype == "A":
                if spec.get("clusterIP") == "None":
                    ips = sorted(
                        {a for ep in _endpoints(cluster, ns, svc_name) for a in ep.get("addresses") or ()}
                    )
                    if not ips:
                        ans.rcode = "NXDOMAIN"
                    ans.records.extend((fq, "A", ip) for ip in ips)
                elif spec.get("clusterIP"):
                    ans.records.append((fq, "A", spec["clusterIP"]))
            return ans
        if len(rest) == 2 and rest[0].startswith("_") and rest[1].startswith("_"):
            pname, proto = rest[0][1:], rest[1][1:].upper()
            port = next(
                (
                    p
                    for p in spec.get("ports") or ()
                    if p.get("name") == pname and p.get("protocol", "TCP") == proto
                ),
                None,
            )
            if port is None or qtype != "SRV":
                ans.rcode = "NXDOMAIN" if port is None else "NOERROR"
                return ans
            if spec.get("clusterIP") == "None":
                eps = _endpoints(cluster, ns, svc_name)
                for ep in eps:
                    for a in ep.get("addresses") or ():
                        host = ep.get("hostname") or _dashed(a)
                        ans.records.append(
                            (name, "SRV", f"0 {100 // max(1, len(eps))} {port['port']} {host}.{fq}")
                        )
            else:
                ans.records.append((name, "SRV", f"0 100 {port['port']} {fq}"))
            return ans
        if len(rest) == 1 and spec.get("clusterIP") == "None":
            for ep in _endpoints(cluster, ns, svc_name):
                for a in ep.get("addresses") or ():
                    if ep.get("hostname") == rest[0] or _dashed(a) == rest[0]:
                        if qtype == "A":
                            ans.records.append((name, "A", a))
            if not ans.records:
                ans.rcode = "NXDOMAIN"
            return ans
        ans.rcode = "NXDOMAIN"
        return ans
    if len(labels) == 3 and labels[-1] == "pod":
        try:
            ip = str(ipaddress.ip_address(labels[0].replace("-", ".")))
        except ValueError:
            ans.rcode = "NXDOMAIN"
            return ans
        if qtype == "A":
            ans.records.append((name, "A", ip))
        return ans
    ans.rcode = "NXDOMAIN"
    return ans


def _ptr(cluster: Cluster, name: str, ans: Answer) -> Answer:
    ans.qtype = "PTR"
    parts = name.split(".")
    if len(parts) != 6 or parts[4:] != ["in-addr", "arpa"]:
        ans.rcode = "NXDOMAIN"
        return ans
    ip = ".".join(reversed(parts[:4]))
    idx = index_of(cluster)
    for ns, svcs in idx.services.items():
        for sname, svc in svcs.items():
            spec = svc.get("spec") or {}
            if spec.get("clusterIP") == ip:
                ans.records.append((name, "PTR", f"{sname}.{ns}.svc.{DOMAIN}"))
                return ans
    pod = idx.pod_at(ip)
    if pod is not None:
        ns = pod["metadata"].get("namespace", "")
        for sname, svc in (idx.services.get(ns) or {}).items():
            if (svc.get("spec") or {}).get("clusterIP") != "None":
                continue
            for ep in _endpoints(cluster, ns, sname):
                if ip in (ep.get("addresses") or ()):
                    host = ep.get("hostname") or _dashed(ip)
                    ans.records.append((name, "PTR", f"{host}.{sname}.{ns}.svc.{DOMAIN}"))
                    return ans
    for host, (hip, _) in EXTERNAL_HOSTS.items():
        if hip == ip:
            ans.authoritative = False
            ans.records.append((name, "PTR", host))
            return ans
    ans.rcode = "NXDOMAIN"
    return ans


# ---- pod resolver config -----------------------------------------------------------------------------
@dataclass
class ResolvConf:
    """A pod's /etc/resolv.conf."""

    nameservers: list[str]
    search: list[str]
    ndots: int = 1
    options: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The file as the runtime writes it."""
        lines = []
        if self.search:
            lines.append("search " + " ".join(self.search))
        lines += [f"nameserver {ns}" for ns in self.nameservers]
        opts = ([f"ndots:{self.ndots}"] if self.ndots != 1 or self.options else []) + self.options
        if self.ndots != 1 and not any(o.startswith("ndots:") for o in self.options):
            pass
        if opts:
            lines.append("options " + " ".join(dict.fromkeys(opts)))
        return "\n".join(lines) + "\n"


def resolv_conf(pod: Obj) -> ResolvConf:
    """The kubelet's DNS configuration for a pod (``dnsPolicy`` + ``dnsConfig``)."""
    spec = pod.get("spec") or {}
    ns = pod["metadata"].get("namespace", "default")
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    host_net = bool(spec.get("hostNetwork"))
    cluster_search = [f"{ns}.svc.{DOMAIN}", f"svc.{DOMAIN}", DOMAIN] + NODE_SEARCH
    if policy == "ClusterFirstWithHostNet" or (policy == "ClusterFirst" and not host_net):
        rc = ResolvConf([DNS_IP], cluster_search, 5)
    elif policy == "None":
        rc = ResolvConf([], [], 1)
    else:  # Default, or ClusterFirst on hostNetwork: the node's resolv.conf
        rc = ResolvConf([NODE_NAMESERVER], list(NODE_SEARCH), 1)
    cfg = spec.get("dnsConfig") or {}
    for s in cfg.get("nameservers") or ():
        if s not in rc.nameservers:
            rc.nameservers.append(s)
    for s in cfg.get("searches") or ():
        if s not in rc.search:
            rc.search.append(s)
    for o in cfg.get("options") or ():
        if o.get("name") == "ndots" and o.get("value") is not None:
            rc.ndots = int(o["value"])
        elif o.get("name") and o.get("name") != "ndots":
            rc.options.append(o["name"] + (f":{o['value']}" if o.get("value") is not None else ""))
    return rc


def candidates(name: str, rc: ResolvConf) -> list[str]:
    """The absolute names a stub resolver tries, in order (ndots and the search list)."""
    if name.endswith("."):
        return [name.rstrip(".")]
    expanded = [f"{name}.{s}" for s in rc.search]
    if name.count(".") >= rc.ndots:
        return [name] + expanded
    return expanded + [name]


def resolve(cluster: Cluster, name: str, rc: ResolvConf) -> tuple[str, list[str]]:
    """(the name that answered, its A records) for a stub resolver; DNSError when no server answers."""
    try:
        ipaddress.ip_address(name)
        return name, [name]
    except ValueError:
        pass
    if name in ("localhost", "localhost.localdomain"):
        return name, ["127.0.0.1"]
    cluster_dns = DNS_IP in rc.nameservers
    if cluster_dns and not coredns_ready(cluster):
        raise DNSError(name)
    for cand in candidates(name, rc):
        if not cluster_dns and cand.endswith("." + DOMAIN):
            continue
        ans = query(cluster, cand, "A")
        if ans.addresses():
            return cand, ans.addresses()
    return name, []


# ---- busybox nslookup -----------------------------------------------------------------------------------
def nslookup(cluster: Cluster, argv: list[str], rc: ResolvConf) -> tuple[str, str, int]:
    """busybox 1.36 ``nslookup [-type=T] NAME [SERVER]`` -> (stdout, stderr, exit code)."""
    qtype = "A"
    args = []
    for a in argv[1:]:
        if a.startswith("-type=") or a.startswith("-query=") or a.startswith("-q="):
            qtype = a.split("=", 1)[1].upper()
        elif a.startswith("-"):
            continue
        else:
            args.append(a)
    if not args:
        return (
            "",
            (
                "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
                "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n"
            ),
            1,
        )
    name = args[0]
    server = args[1] if len(args) > 1 else (rc.nameservers[0] if rc.nameservers else "127.0.0.1")
    if server == DNS_IP and not coredns_ready(cluster):
        return ";; connection timed out; no servers could be reached\n\n", "", 1
    head = f"Server:\t\t{server}\nAddress:\t{server}:53\n\n"
    try:
        ip = ipaddress.ip_address(name)
        name = ".".join(reversed(str(ip).split("."))) + ".in-addr.arpa"
        qtype = "PTR"
    except ValueError:
        pass
    if qtype == "PTR":
        ans = query(cluster, name, "PTR")
        if not ans.records:
            return head + f"** server can't find {name}: NXDOMAIN\n\n", "", 1
        return head + "".join(f"{n}\tname = {d}\n" for n, _, d in ans.records) + "\n", "", 0
    names = [name] if "." in name.rstrip(".") or name.endswith(".") else candidates(name, rc)
    last = None
    for cand in names:
        ans = query(cluster, cand, qtype)
        last = ans
        if ans.records:
            out = head
            if not ans.authoritative:
                out += "Non-authoritative answer:\n"
            if qtype == "SRV":
                out += "".join(f"{n}\tservice = {d}\n" for n, t, d in ans.records if t == "SRV") + "\n"
                return out, "", 0
            cname = [r for r in ans.records if r[1] == "CNAME"]
            for n, _, d in cname:
                out += f"{n}\tcanonical name = {d}\n"
            addrs = [r for r in ans.records if r[1] == "A"]
            if qtype == "A":
                out += "\n"
                for n, _, d in addrs:
                    out += f"Name:\t{n}\nAddress: {d}\n"
                out += "\n"
            return out, "", 0
    shown = name.rstrip(".")
    if last is not None and last.rcode == "NOERROR":
        return head + f"*** Can't find {shown}: No answer\n\n", "", 1
    return head + f"** server can't find {shown}: NXDOMAIN\n\n" * 2, "", 1


def busybox_legacy(image: str) -> bool:
    """busybox up to 1.28 ships the old nslookup (libc resolver: search list and ndots apply)."""
    repo, _, tag = image.split("@")[0].rpartition(":")
    if "/" in tag or not repo.rsplit("/", 1)[-1] == "busybox":
        return False
    try:
        major, minor = (int(x) for x in tag.split("-")[0].split(".")[:2])
    except ValueError:
        return False
    return (major, minor) <= (1, 28)


def nslookup_legacy(cluster: Cluster, argv: list[str], rc: ResolvConf) -> tuple[str, str, int]:
    """busybox 1.28 ``nslookup NAME [SERVER]``: getaddrinfo through the resolv.conf search list."""
    args = [a for a in argv[1:] if not a.startswith("-")]
    if not args or len(args) > 2:
        usage = "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: nslookup [HOST] [SERVER]\n"
        return "", usage, 1
    server = args[1] if len(args) > 1 else (rc.nameservers[0] if rc.nameservers else "127.0.0.1")

    def rev(ip: str) -> str:
        arpa = ".".join(reversed(ip.split("."))) + ".in-addr.arpa"
        recs = query(cluster, arpa, "PTR").records
        return f"{ip} {recs[0][2].rstrip('.')}\n" if recs else f"{ip}\n"

    if server == DNS_IP and not coredns_ready(cluster):
        # The server's own PTR lookup fails too: its address is printed bare (the DNS debugging page's output).
        return (
            f"{'Server:':<10} {server}\nAddress 1: {server}\n\n",
            f"nslookup: can't resolve '{args[0]}'\n",
            1,
        )
    out = f"{'Server:':<10} {server}\nAddress 1: {rev(server)}\n"
    try:
        _, addrs = resolve(cluster, args[0], ResolvConf([server], rc.search, rc.ndots, rc.options))
    except DNSError:
        addrs = []
    if not addrs:
        return out, f"nslookup: can't resolve '{args[0]}'\n", 1
    out += f"{'Name:':<10} {args[0]}\n"
    out += "".join(f"Address {i}: {rev(ip)}" for i, ip in enumerate(addrs, 1))
    return out, "", 0


def pod_dns_name(pod: Obj) -> str:
    """``<dashed-ip>.<ns>.pod.cluster.local``."""
    return f"{_dashed(pod_ip(pod))}.{pod['metadata'].get('namespace', '')}.pod.{DOMAIN}"
