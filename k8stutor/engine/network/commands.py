"""Shell entry points: workstation ``curl``, node commands over ``ssh`` and ``sim trace``."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .flannel import fdb_text, flannel_of, ip_addr_text, ip_link_text, ip_route_text, neigh_text
from .kubeproxy import IPTABLES_VERSION, iptables_list, iptables_save, ipvsadm, proxy_of

if TYPE_CHECKING:
    from ..cluster import Cluster
    from .trace import Endpoint

SUBNET_ENV = "/run/flannel/subnet.env"
CNI_CONF = "/etc/cni/net.d/10-flannel.conflist"


def ctime(ts: float) -> str:
    """C ``ctime`` text (``Sat Dec  5 12:00:00 2026``) in UTC."""
    t = time.gmtime(ts)
    return time.strftime("%a %b ", t) + f"{t.tm_mday:>2}" + time.strftime(" %H:%M:%S %Y", t)


def node_command(cluster: Cluster, node: str, cmd: list[str]) -> tuple[str, str, int]:
    """Run a network command on a node: ip, bridge, iptables-save, iptables, ipvsadm, cat (flannel files)."""
    fl = flannel_of(cluster)
    name = cmd[0] if cmd else ""
    args = cmd[1:]
    words = [a for a in args if not a.startswith("-")]
    if name == "ip":
        obj = words[0] if words else ""
        dev = (
            words[words.index("dev") + 1] if "dev" in words and words.index("dev") + 1 < len(words) else None
        )
        if obj in ("r", "ro", "route"):
            return ip_route_text(fl, node), "", 0
        if obj in ("l", "link"):
            show = [w for w in words[1:] if w not in ("show", "dev")]
            out = ip_link_text(fl, node, dev or (show[0] if show else None), details="-d" in args)
            if not out and (dev or show):
                return "", f'Device "{dev or show[0]}" does not exist.\n', 1
            return out, "", 0
        if obj in ("a", "addr", "address"):
            show = [w for w in words[1:] if w not in ("show", "dev")]
            target = dev or (show[0] if show else None)
            out = ip_addr_text(fl, node, target)
            if not out and target:
                return "", f'Device "{target}" does not exist.\n', 1
            return out, "", 0
        if obj in ("n", "neigh", "neighbor", "neighbour"):
            return neigh_text(fl, node, dev), "", 0
        if obj:
            return "", f'Object "{obj}" is unknown, try "ip help".\n', 1
        return "", "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n", 255
    if name == "bridge":
        if words[:1] == ["fdb"]:
            dev = (
                words[words.index("dev") + 1]
                if "dev" in words and words.index("dev") + 1 < len(words)
                else None
            )
            return fdb_text(fl, node, dev), "", 0
        return "", "Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }\n", 255
    if name == "iptables-save":
        table = None
        for i, a in enumerate(args):
            if a in ("-t", "--table") and i + 1 < len(args):
                table = args[i + 1]
            elif a.startswith("--table="):
                table = a.split("=", 1)[1]
        if table not in (None, "nat", "filter", "mangle"):
            return "", f"iptables-save: Unable to open table {table}\n", 1
        return iptables_save(cluster, node, table, ctime(cluster.clock.now())), "", 0
    if name == "iptables":
        return _iptables(cluster, node, args)
    if name == "ipvsadm":
        if proxy_of(cluster).mode(node) != "ipvs" and not any(a.startswith("-L") or a == "-l" for a in args):
            return "", "", 0
        return ipvsadm(cluster, node), "", 0
    if name == "cat":
        out = ""
        for path in words:
            if path == SUBNET_ENV:
                out += fl.subnet_env(node)
            elif path == CNI_CONF:
                cm = cluster.api.peek("configmaps", "kube-flannel-cfg", "kube-flannel")
                out += ((cm or {}).get("data") or {}).get("cni-conf.json", "")
            else:
                return out, f"cat: {path}: No such file or directory\n", 1
        return out, "", 0
    return "", f"bash: line 1: {name}: command not found\n", 127


def _iptables(cluster: Cluster, node: str, args: list[str]) -> tuple[str, str, int]:
    """``iptables [-t TABLE] -L [CHAIN] [-n]`` (listing only; the rules belong to kube-proxy and flanneld)."""
    table, chain, numeric, listing = "filter", "", False, False
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-t", "--table") and i + 1 < len(args):
            table = args[i + 1]
            i += 1
        elif a.startswith("--table="):
            table = a.split("=", 1)[1]
        elif a in ("--list", "--numeric"):
            listing |= a == "--list"
            numeric |= a == "--numeric"
        elif a.startswith("-") and not a.startswith("--") and set(a[1:]) <= set("Lnt"):
            listing |= "L" in a
            numeric |= "n" in a
            if a.endswith("t") and i + 1 < len(args):
                table = args[i + 1]
                i += 1
        elif listing and not a.startswith("-") and not chain:
            chain = a
        else:
            return (
                "",
                f"iptables {IPTABLES_VERSION} (legacy): unknown option \"{a}\"\nTry `iptables -h' or 'iptables --help' for more information.\n",
                2,
            )
        i += 1
    if not listing:
        return (
            "",
            f"iptables {IPTABLES_VERSION} (legacy): no command specified\nTry `iptables -h' or 'iptables --help' for more information.\n",
            2,
        )
    return iptables_list(cluster, node, table, chain, numeric)


def node_files(cluster: Cluster, node: str) -> dict[str, str]:
    """Files Flannel writes on a node (what ``ssh NODE cat ...`` shows): subnet.env and the CNI config."""
    fl = flannel_of(cluster)
    out: dict[str, str] = {}
    try:
        out[SUBNET_ENV] = fl.subnet_env(node)
    except Exception:  # a node without a Flannel lease (no flannel pod yet) has no subnet.env
        pass
    cm = cluster.api.peek("configmaps", "kube-flannel-cfg", "kube-flannel")
    conf = ((cm or {}).get("data") or {}).get("cni-conf.json")
    if conf:
        out[CNI_CONF] = conf
    return out


def parse_endpoint(cluster: Cluster, text: str) -> Endpoint:
    """``pod/NAME``, ``NS/NAME`` (pod), ``node/NAME``, ``workstation`` -> Endpoint (KeyError if unknown)."""
    from .trace import node_endpoint, pod_endpoint, workstation

    if text in ("workstation", "ws", "localhost"):
        return workstation()
    if text.startswith("node/"):
        return node_endpoint(cluster, text[5:])
    ns = "default"
    name = text[4:] if text.startswith("pod/") else text
    if "/" in name:
        ns, name = name.split("/", 1)
    return pod_endpoint(cluster, ns, name)


def resolve_target(cluster: Cluster, src: Endpoint, text: str) -> tuple[str, int, str]:
    """``IP[:PORT]``, ``svc/NAME[.NS][:PORT]``, ``pod/NAME[:PORT]``, ``node/NAME:PORT``, DNS names."""
    from .dns import resolv_conf, resolve
    from .index import index_of, pod_ip
    from .traffic import workstation_hosts

    proto = "TCP"
    if text.endswith("/udp") or text.endswith("/UDP"):
        text, proto = text[:-4], "UDP"
    host, _, port_s = text.rpartition(":") if ":" in text else (text, "", "")
    port = int(port_s) if port_s.isdigit() else 0
    if host.startswith("svc/"):
        name = host[4:]
        ns = src.namespace or "default"
        if "." in name:
            name, ns = name.split(".", 1)
        svc = index_of(cluster).services.get(ns, {}).get(name)
        if svc is None:
            raise KeyError(f'service "{name}" not found in namespace {ns}')
        ports = (svc.get("spec") or {}).get("ports") or [{}]
        return (svc.get("spec") or {}).get("clusterIP", ""), port or int(ports[0].get("port", 80)), proto
    if host.startswith("pod/"):
        name = host[4:]
        ns = src.namespace or "default"
        if "/" in name:
            ns, name = name.split("/", 1)
        pod = index_of(cluster).pod(ns, name)
        if pod is None or not pod_ip(pod):
            raise KeyError(f'pod "{name}" has no IP')
        return pod_ip(pod), port or 80, proto
    if host.startswith("node/"):
        nn = flannel_of(cluster).node(host[5:])
        if nn is None:
            raise KeyError(f'node "{host[5:]}" not found')
        return nn.ip, port or 80, proto
    if src.kind == "pod":
        pod = index_of(cluster).pod(src.namespace, src.name)
        _, addrs = resolve(cluster, host, resolv_conf(pod)) if pod else ("", [])
        ip = addrs[0] if addrs else ""
    else:
        ip = host if host.replace(".", "").isdigit() else workstation_hosts(cluster).get(host, "")
    if not ip:
        raise KeyError(f"cannot resolve {host}")
    return ip, port or 80, proto


def sim_trace(cluster: Cluster, argv: list[str]) -> tuple[str, str, int]:
    """``sim trace FROM TO[:PORT]`` and ``sim why svc/NAME[.NS]``."""
    from .trace import trace
    from .traffic import diagnose_service

    if argv and argv[0] == "why":
        if len(argv) != 2:
            return "", "usage: sim why svc/NAME[.NAMESPACE]\n", 2
        name = argv[1][4:] if argv[1].startswith("svc/") else argv[1]
        ns = "default"
        if "." in name:
            name, ns = name.split(".", 1)
        reasons = diagnose_service(cluster, ns, name)
        if not reasons:
            return f"service {ns}/{name}: endpoints look healthy\n", "", 0
        return "".join(f"- {r}\n" for r in reasons), "", 1
    vhost, path, rest = "", "/", []
    i = 0
    while i < len(argv):
        if argv[i] in ("-H", "--host", "--path") and i + 1 < len(argv):
            if argv[i] == "--path":
                path = argv[i + 1] if argv[i + 1].startswith("/") else "/" + argv[i + 1]
            else:
                vhost = argv[i + 1].split(":", 1)[1].strip() if ":" in argv[i + 1] else argv[i + 1]
            i += 2
            continue
        rest.append(argv[i])
        i += 1
    argv = rest
    if len(argv) != 3:
        return (
            "",
            (
                "usage: sim trace FROM TO[:PORT] [--host HOST] [--path PATH]   "
                "FROM = pod/NAME | NS/NAME | node/NAME | workstation; "
                "TO = IP | svc/NAME[.NS] | pod/NAME | node/NAME | DNS name\n"
            ),
            2,
        )
    try:
        src = parse_endpoint(cluster, argv[1])
        ip, port, proto = resolve_target(cluster, src, argv[2])
    except KeyError as e:
        return "", f"sim: {e.args[0]}\n", 1
    t = trace(cluster, src, ip, port, proto)
    out = t.text()
    if not t.ok and t.service is not None:
        for r in diagnose_service(cluster, t.service.ns, t.service.name):
            out += f"why: {r}\n"
    if t.ok and t.target is not None and t.target_port in (80, 443):
        out += _ingress_hop(cluster, t, vhost or ip, path)
    return out, "", 0 if t.ok else 1


def _ingress_hop(cluster: Cluster, t: Any, host: str, path: str) -> str:
    """When a trace ends in an ingress-nginx pod: the rule nginx matches and the upstream connection's trace."""
    from .ingress import is_ingress_controller, match, route_request

    ctrl = t.target
    if not is_ingress_controller(ctrl):
        return ""
    pod = f"{ctrl['metadata'].get('namespace', '')}/{ctrl['metadata']['name']}"
    found = match(cluster, host, path)
    if found is None:
        return f"ingress: nginx in {pod}: no rule for Host {host} path {path}: default backend (404)\n"
    ing, backend = found
    svc = backend.get("service") or {}
    port = svc.get("port") or {}
    shown = port.get("number", port.get("name", ""))
    client = t.hops[0].src.split(":")[0] if t.hops else ""
    scheme = "https" if t.target_port == 443 else "http"
    status, _, subs = route_request(cluster, ctrl, host, path, scheme, client)
    head = (
        f"ingress: nginx in {pod}: Host {host} path {path} matches Ingress "
        f"{ing['metadata'].get('namespace', '')}/{ing['metadata']['name']} -> service {svc.get('name', '')}:{shown}"
    )
    if status == 308:
        return head + "; TLS is configured for the host: nginx answers 308 Permanent Redirect to https\n"
    if not subs:
        return head + f"; nginx answers {status} itself (no ready endpoint)\n"
    return head + "; proxied straight to an endpoint (upstream)\n" + "".join(sub.text() for sub in subs)


def install_workstation(ws: Any) -> None:
    """Plug the network into a Workstation: curl, node network commands over ssh, ``sim trace``/``sim why``."""
    cluster = ws.cluster

    def curl(ctx: Any) -> int:
        from .traffic import workstation_curl

        def write(path: str, data: bytes) -> None:
            ctx.vfs.write(ctx.path(path), data)

        out, err, code = workstation_curl(cluster, list(ctx.argv), write)
        if out:
            ctx.stdout.write(out)
        if err:
            ctx.stderr.write(err)
        return code

    ws.shell.commands["curl"] = curl

    def node_cmd(ctx: Any, host: str, cmd: list[str]) -> int:
        out, err, code = node_command(cluster, host, cmd)
        if out:
            ctx.stdout.write(out)
        if err:
            ctx.stderr.write(err)
        return code

    for name in ("ip", "bridge", "iptables-save", "iptables", "ipvsadm"):
        ws.add_node_command(name, node_cmd)
    base_sim = ws.shell.commands.get("sim")

    def sim(ctx: Any) -> int:
        argv = list(ctx.argv[1:])
        if argv and argv[0] in ("trace", "why"):
            out, err, code = sim_trace(cluster, argv if argv[0] == "why" else argv)
            if out:
                ctx.stdout.write(out)
            if err:
                ctx.stderr.write(err)
            return code
        return base_sim(ctx) if base_sim else 2

    ws.shell.commands["sim"] = sim
