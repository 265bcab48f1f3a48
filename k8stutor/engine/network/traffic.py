"""The flat network in use: HTTP requests and the network commands of pods and the workstation.

``http_request`` resolves the host the way the source would (pod resolv.conf + CoreDNS, or the workstation's
hosts), follows the connection with ``trace`` and asks whatever answered: a container's server (runtime
catalogue), the ingress-nginx controller, a simulated external host. ``pod_commands``/``workstation_curl``
give busybox ``wget``/``nslookup``/``ping``/``ip``, ``curl`` and their real error messages.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..presets import version_info
from .dns import (
    EXTERNAL_HOSTS,
    DNSError,
    ResolvConf,
    busybox_legacy,
    nslookup,
    nslookup_legacy,
    resolv_conf,
    resolve,
)
from .flannel import flannel_of
from .index import index_of, pod_ip
from .trace import Endpoint, Trace, pod_endpoint, serving_containers, trace, workstation

if TYPE_CHECKING:
    from ..cluster import Cluster

Obj = dict[str, Any]
REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    308: "Permanent Redirect",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Timeout",
}
EXAMPLE_PAGE = (
    "<!doctype html>\n<html>\n<head>\n    <title>Example Domain</title>\n</head>\n<body>\n<div>\n"
    "    <h1>Example Domain</h1>\n    <p>This domain is for use in illustrative examples in documents. "
    "You may use this\n    domain in literature without prior coordination or asking for permission.</p>"
    "\n</div>\n</body>\n</html>\n"
)


@dataclass
class HttpResult:
    """What a client got: a response, or an error ('refused', 'timeout', 'unreachable', 'dns', 'dns-timeout')."""

    url: str
    host: str
    ip: str = ""
    port: int = 80
    status: int = 0
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""
    traces: list[Trace] = field(default_factory=list)
    took: float = 0.0  # seconds the server computed the answer (the image's per-request CPU cost)

    @property
    def reason(self) -> str:
        """HTTP reason phrase."""
        return REASONS.get(self.status, "")


def port_forwards(cluster: Cluster) -> dict[int, tuple[str, str, int]]:
    """Active ``kubectl port-forward`` listeners: local port -> (namespace, pod, pod port)."""
    pf = getattr(cluster, "port_forwards", None)
    if pf is None:
        pf = {}
        cluster.port_forwards = pf  # type: ignore[attr-defined]
    return pf  # type: ignore[no-any-return]


def parse_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) with defaults."""
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    scheme = parts.scheme or "http"
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        port = 80
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port, path


def workstation_hosts(cluster: Cluster) -> dict[str, str]:
    """Names the workstation resolves (its /etc/hosts lists the nodes) plus the outside world."""
    out = {h: ip for h, (ip, _) in EXTERNAL_HOSTS.items()}
    for n in flannel_of(cluster).nodes.values():
        out[n.name] = n.ip
    out["localhost"] = "127.0.0.1"
    return out


def http_request(
    cluster: Cluster,
    source: Endpoint,
    url: str,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    extra_hosts: dict[str, str] | None = None,
    agent: str = "",
) -> HttpResult:
    """Send one HTTP request from a pod, node or the workstation and return the response (``agent``: the
    client's default User-Agent, which a ``User-Agent`` header overrides)."""
    scheme, host, port, path = parse_url(url)
    res = HttpResult(url, host, port=port)
    hdrs = {k.lower(): v for k, v in (headers or {}).items()}
    agent = hdrs.get("user-agent", agent)
    vhost = hdrs.get("host", host)
    ip = ""
    try:
        ipaddress.ip_address(host)
        ip = host
    except ValueError:
        if extra_hosts and host in extra_hosts:
            ip = extra_hosts[host]
        elif source.kind == "pod":
            pod = index_of(cluster).pod(source.namespace, source.name)
            rc = resolv_conf(pod) if pod else ResolvConf(["10.96.0.10"], [], 5)
            try:
                _, addrs = resolve(cluster, host, rc)
            except DNSError:
                res.error = "dns-timeout"
                return res
            ip = addrs[0] if addrs else ""
        else:
            ip = workstation_hosts(cluster).get(host, "")
    if not ip:
        res.error = "dns"
        return res
    res.ip = ip
    if ip == "127.0.0.1" and source.kind == "workstation":
        fwd = port_forwards(cluster).get(port)
        if fwd is None:
            res.error = "refused"
            return res
        pod = index_of(cluster).pod(fwd[0], fwd[1])
        if pod is None:
            res.error = "refused"
            return res
        return _answer_pod(cluster, pod, fwd[2], path, vhost, scheme, res, source, method=method, agent=agent)
    t = trace(cluster, source, ip, port)
    res.traces.append(t)
    if not t.ok:
        res.error = t.outcome
        return res
    if t.external:
        kind = EXTERNAL_HOSTS.get(t.external, ("", "web"))[1]
        if kind == "registry":
            res.status, res.body = (200, "{}") if path.startswith("/v2") else (404, "404 page not found\n")
        else:
            res.status, res.body = 200, EXAMPLE_PAGE
        return res
    if t.target is None:
        if t.target_node and port == 6443:
            res.status, res.body = _apiserver_anonymous(path, scheme)
            return res
        res.status, res.body = 404, "404 page not found\n"
        return res
    if port == 6443 and _is_apiserver(t.target):
        res.status, res.body = _apiserver_anonymous(path, scheme)
        return res
    return _answer_pod(
        cluster, t.target, t.target_port, path, vhost, scheme, res, source, t, method=method, agent=agent
    )


def _is_apiserver(pod: Obj) -> bool:
    """The kube-apiserver static pod (its host-network socket answers on 6443)."""
    meta = pod.get("metadata") or {}
    return meta.get("namespace") == "kube-system" and (meta.get("labels") or {}).get("component") == (
        "kube-apiserver"
    )


# The bootstrap ClusterRole system:public-info-viewer (bound to system:unauthenticated) allows these.
PUBLIC_INFO_PATHS = ("/healthz", "/livez", "/readyz", "/version", "/version/")


def _apiserver_anonymous(path: str, scheme: str = "https") -> tuple[int, str]:
    """What kube-apiserver answers a request without credentials: the public paths, else 403 (the JSON is
    written with ``json.MarshalIndent``, without a final newline). Plain HTTP gets Go's TLS-port answer."""
    if scheme == "http":
        return 400, "Client sent an HTTP request to an HTTPS server.\n"
    clean = path.split("?", 1)[0] or "/"
    if clean in ("/version", "/version/"):
        return 200, json.dumps(version_info(), indent=2)
    if clean in PUBLIC_INFO_PATHS:
        return 200, "ok"
    return 403, _forbidden(clean)


def _forbidden(path: str) -> str:
    return (
        '{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n  "message": '
        f'"forbidden: User \\"system:anonymous\\" cannot get path \\"{path}\\"",\n  "reason": "Forbidden",\n'
        '  "details": {},\n  "code": 403\n}'
    )


def _answer_pod(
    cluster: Cluster,
    pod: Obj,
    port: int,
    path: str,
    vhost: str,
    scheme: str,
    res: HttpResult,
    source: Endpoint,
    t: Trace | None = None,
    method: str = "GET",
    agent: str = "",
) -> HttpResult:
    from .ingress import is_ingress_controller, route_request

    if is_ingress_controller(pod) and port in (80, 443):
        client = t.hops[0].src.split(":")[0] if t and t.hops else source.ip
        status, body, sub = route_request(
            cluster, pod, vhost, path, scheme if port == 443 else "http", client
        )
        res.status, res.body = status, body
        res.traces.extend(sub)
        return res
    from ..runtime.containers import serve_request

    now = cluster.clock.now()
    # The address the connection arrives from (after any SNAT); kubectl port-forward connects from localhost.
    client = "127.0.0.1"
    if t is not None and t.hops and t.dst_ip != "127.0.0.1":
        client = t.hops[-1].src.rsplit(":", 1)[0]
    for c in serving_containers(cluster, pod):
        ans = serve_request(c, port, path, now, client=client, method=method, agent=agent)
        if ans is not None:
            res.status, res.body, res.took = ans
            return res
    # Bootstrap pods (no runtime record): the image's fixed answers.
    from ..runtime.images import ImageRefError, default_catalogue, parse_image

    for c in (pod.get("spec") or {}).get("containers") or ():
        try:
            img = default_catalogue().lookup(parse_image(c.get("image", "")))
        except ImageRefError:
            continue
        for p in img.ports if img else ():
            if p.port == port:
                clean = path.split("?", 1)[0] or "/"
                if clean in p.paths:
                    res.status = int(p.paths[clean].get("status", 200))
                    res.body = str(p.paths[clean].get("body", ""))
                else:
                    res.status, res.body = 404, "404 page not found\n"
                return res
    res.status, res.body = 200, ""
    return res


# ---- busybox wget ----------------------------------------------------------------------------------------
def wget(
    cluster: Cluster,
    source: Endpoint,
    argv: list[str],
    write_file: Any = None,
    took: list[float] | None = None,
) -> tuple[str, str, int]:
    """busybox ``wget [-q] [-O FILE] [-T SEC] [--header H] URL`` -> (stdout, stderr, code); the time the server
    took is appended to ``took``."""
    quiet = False
    out_file: str | None = None
    headers: dict[str, str] = {}
    spider = False
    urls: list[str] = []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a in ("-q", "--quiet"):
            quiet = True
        elif a == "-qO-" or a == "-qO" and i + 1 < len(argv) and argv[i + 1] == "-":
            quiet, out_file = True, "-"
            if a == "-qO":
                i += 1
        elif a.startswith("-qO"):
            quiet, out_file = True, a[3:]
        elif a in ("-O", "--output-document"):
            i += 1
            out_file = argv[i] if i < len(argv) else "-"
        elif a.startswith("-O"):
            out_file = a[2:]
        elif a in ("-T", "--timeout"):
            i += 1
        elif a.startswith("-T"):
            pass
        elif a == "--header":
            i += 1
            if i < len(argv) and ":" in argv[i]:
                k, v = argv[i].split(":", 1)
                headers[k.strip()] = v.strip()
        elif a == "--spider":
            spider = True
        elif a.startswith("-"):
            pass
        else:
            urls.append(a)
        i += 1
    if not urls:
        return (
            "",
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] "
            "[-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t"
            "[-P DIR] [-U AGENT] [-T SEC] URL...\n",
            1,
        )
    url = urls[0]
    r = http_request(cluster, source, url, headers, agent="Wget")
    if took is not None:
        took.append(r.took)
    err = ""
    if r.error in ("dns", "dns-timeout"):
        return "", f"wget: bad address '{r.host}'\n", 1
    if not quiet:
        err += (
            f"Connecting to {r.host}{'' if r.host == r.ip else f' ({r.ip}:{r.port})'}\n"
            if r.host != r.ip
            else f"Connecting to {r.ip}:{r.port} ({r.ip}:{r.port})\n"
        )
    if r.error == "refused":
        return "", err + f"wget: can't connect to remote host ({r.ip}): Connection refused\n", 1
    if r.error == "timeout":
        return "", err + "wget: download timed out\n", 1
    if r.error == "unreachable":
        return "", err + f"wget: can't connect to remote host ({r.ip}): Host is unreachable\n", 1
    if r.status >= 400:
        return "", err + f"wget: server returned error: HTTP/1.1 {r.status} {r.reason}\n", 1
    if spider:
        return "", err + ("remote file exists\n" if not quiet else ""), 0
    name = out_file
    if name is None:
        tail = urlsplit(url if "://" in url else "http://" + url).path.rsplit("/", 1)[-1]
        name = tail or "index.html"
    if name == "-":
        return r.body, err, 0
    if write_file is not None:
        write_file(name, r.body.encode())
    if not quiet:
        size = len(r.body.encode())
        err += (
            f"saving to '{name}'\n{name[:20]:<20} 100% |********************************| {size:>5}  0:00:00 "
            f"ETA\n'{name}' saved\n"
        )
    return "", err, 0


# ---- curl ------------------------------------------------------------------------------------------------
_CURL_TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n"


def curl(
    cluster: Cluster, source: Endpoint, argv: list[str], version: str = "8.11.1", write_file: Any = None
) -> tuple[str, str, int]:
    """curl ``[-s] [-i] [-I] [-k] [-H H] [-o F] [-w FMT] [--resolve h:p:ip] [-m S] URL``."""
    silent = show_err = include = head = fail = insecure = False
    headers: dict[str, str] = {}
    out_file = None
    wfmt = ""
    method = "GET"
    extra: dict[str, str] = {}
    urls: list[str] = []
    limits: list[float] = []  # -m/--max-time and --connect-timeout, in seconds
    i = 1
    while i < len(argv):
        a = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else ""
        if a in ("-m", "--max-time", "--connect-timeout") or (a.startswith("-m") and a[2:3].isdigit()):
            joined = a.startswith("-m") and len(a) > 2
            opt, val = (a[:2], a[2:]) if joined else (a, nxt)
            try:
                limits.append(float(val))
            except ValueError:
                return "", f"curl: option {opt}: expected a proper numerical parameter\n{_CURL_TRY}", 2
            i += 0 if joined else 1
        elif a in ("-H", "--header"):
            if ":" in nxt:
                k, v = nxt.split(":", 1)
                headers[k.strip()] = v.strip()
            i += 1
        elif a in ("-o", "--output"):
            out_file = nxt
            i += 1
        elif a in ("-w", "--write-out"):
            wfmt = nxt
            i += 1
        elif a == "--resolve":
            bits = nxt.split(":")
            if len(bits) >= 3:
                extra[bits[0]] = bits[2]
            i += 1
        elif a in ("-A", "--user-agent"):
            headers["User-Agent"] = nxt
            i += 1
        elif a in ("-X", "--request"):
            method = nxt.upper() or method
            i += 1
        elif a in ("-d", "--data", "-u"):
            i += 1
        elif a.startswith("--"):
            silent |= a == "--silent"
            include |= a == "--include"
            head |= a == "--head"
            fail |= a == "--fail"
            show_err |= a == "--show-error"
            insecure |= a == "--insecure"
        elif a.startswith("-") and len(a) > 1:
            silent |= "s" in a
            show_err |= "S" in a
            include |= "i" in a
            head |= "I" in a
            fail |= "f" in a
            insecure |= "k" in a
        else:
            urls.append(a)
        i += 1
    if not urls:
        return "", "curl: try 'curl --help' or 'curl --manual' for more information\n", 2
    if head and method == "GET":
        method = "HEAD"
    r = http_request(
        cluster, source, urls[0], headers, method=method, extra_hosts=extra, agent=f"curl/{version}"
    )
    modern = not version.startswith("7.")
    could_not = "Could not connect to server" if modern else "Connection refused"

    def error(code: int, msg: str) -> tuple[str, str, int]:
        written = wfmt.replace("%{http_code}", "000").replace("\\n", "\n") if wfmt else ""
        return written, ("" if silent and not show_err else f"curl: ({code}) {msg}\n"), code

    if r.error in ("dns", "dns-timeout"):
        return error(6, f"Could not resolve host: {r.host}")
    if r.error == "refused":
        return error(7, f"Failed to connect to {r.host} port {r.port} after 0 ms: {could_not}")
    if r.error in ("timeout", "unreachable"):
        ms = 134_519
        limit = min((x for x in limits if x > 0), default=0.0)
        if limit and limit * 1000 < ms:
            # lib/multi.c multi_handle_timeout in MSTATE_CONNECTING: the first check after the deadline.
            return error(28, f"Connection timed out after {int(limit * 1000) + 1} milliseconds")
        tail = (
            "Could not connect to server"
            if modern
            else ("Connection timed out" if r.error == "timeout" else "No route to host")
        )
        return error(
            28 if r.error == "timeout" else 7,
            f"Failed to connect to {r.host} port {r.port} after {ms} ms: {tail}",
        )
    if urls[0].startswith("https://") and not insecure and not any(t.external for t in r.traces):
        # Cluster endpoints serve self-signed certificates (ingress-nginx's fake one, the cluster CA's).
        return error(60, "SSL certificate problem: self-signed certificate" + _CURL_SSL)
    if fail and r.status >= 400:
        return error(22, f"The requested URL returned error: {r.status}")
    head_text = (
        f"HTTP/1.1 {r.status} {r.reason}\r\nContent-Length: {len(r.body.encode())}\r\n"
        "Content-Type: text/html\r\n\r\n"
    )
    body = "" if head else r.body
    out = (head_text if (include or head) else "") + body
    if wfmt:
        out += wfmt.replace("%{http_code}", str(r.status)).replace("\\n", "\n")
    if out_file and out_file != "-":
        if write_file is not None:
            write_file(out_file, body.encode())
        return (wfmt.replace("%{http_code}", str(r.status)).replace("\\n", "\n") if wfmt else ""), "", 0
    return out, "", 0


_CURL_SSL = (
    "\nMore details here: https://curl.se/docs/sslcerts.html\n\n"
    "curl failed to verify the legitimacy of the server and therefore could not\n"
    "establish a secure connection to it. To learn more about this situation and\n"
    "how to fix it, please visit the webpage mentioned above."
)


# ---- ping ------------------------------------------------------------------------------------------------
def ping(cluster: Cluster, source: Endpoint, argv: list[str]) -> tuple[str, str, int]:
    """busybox ``ping -c N HOST`` (ICMP: Service ClusterIPs answer only in IPVS mode)."""
    count = 4
    args = []
    i = 1
    while i < len(argv):
        if argv[i] == "-c" and i + 1 < len(argv):
            count = int(argv[i + 1]) if argv[i + 1].isdigit() else 4
            i += 1
        elif argv[i].startswith("-c") and argv[i][2:].isdigit():
            count = int(argv[i][2:])
        elif not argv[i].startswith("-"):
            args.append(argv[i])
        i += 1
    if not args:
        return (
            "",
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n",
            1,
        )
    host = args[0]
    pod = index_of(cluster).pod(source.namespace, source.name) if source.kind == "pod" else None
    rc = resolv_conf(pod) if pod else ResolvConf(["10.96.0.10"], [], 5)
    try:
        _, addrs = resolve(cluster, host, rc)
    except DNSError:
        addrs = []
    if not addrs:
        return "", f"ping: bad address '{host}'\n", 1
    ip = addrs[0]
    from .kubeproxy import proxy_of

    kp = proxy_of(cluster)
    answers = True
    ttl = 64
    if any(sp.cluster_ip == ip for sp in kp.table.all()):
        answers = kp.mode(source.node) == "ipvs"
    else:
        target = index_of(cluster).pod_at(ip)
        if target is not None:
            same = (target.get("spec") or {}).get("nodeName") == source.node
            ttl = 64 if ip == source.ip else (63 if same else 62)
        elif flannel_of(cluster).node_by_ip(ip) is not None:
            ttl = 64
        elif ip not in {v[0] for v in EXTERNAL_HOSTS.values()}:
            answers = False
        else:
            ttl = 115
    out = f"PING {host} ({ip}): 56 data bytes\n"
    if answers:
        for s in range(count):
            out += f"64 bytes from {ip}: seq={s} ttl={ttl} time={0.071 + 0.013 * s:.3f} ms\n"
        out += (
            f"\n--- {host} ping statistics ---\n{count} packets transmitted, {count} packets received, 0% packet "
            f"loss\nround-trip min/avg/max = 0.071/{0.071 + 0.0065 * (count - 1):.3f}/"
            f"{0.071 + 0.013 * (count - 1):.3f} ms\n"
        )
        return out, "", 0
    out += f"\n--- {host} ping statistics ---\n{count} packets transmitted, 0 packets received, 100% packet loss\n"
    return out, "", 1


# ---- ip inside a pod -----------------------------------------------------------------------------------------
def pod_ip_command(cluster: Cluster, pod: Obj, argv: list[str]) -> tuple[str, str, int]:
    """busybox ``ip addr|route|link`` inside a pod's network namespace."""
    fl = flannel_of(cluster)
    node = (pod.get("spec") or {}).get("nodeName", "")
    nn = fl.node(node)
    ip = pod_ip(pod)
    words = [a for a in argv[1:] if not a.startswith("-")]
    obj = words[0] if words else ""
    if nn is None or not ip:
        return "", "", 0
    if (pod.get("spec") or {}).get("hostNetwork"):
        from .flannel import ip_addr_text, ip_link_text, ip_route_text

        if obj.startswith("r"):
            return ip_route_text(fl, node), "", 0
        if obj.startswith("l"):
            return ip_link_text(fl, node), "", 0
        return ip_addr_text(fl, node), "", 0
    from .flannel import mac_for

    mtu = fl.conf(node).mtu
    peer = fl.veth_index(node, (pod["metadata"].get("namespace", ""), pod["metadata"]["name"]))
    mac = mac_for("eth0" + pod["metadata"].get("uid", ""))
    prefix = nn.cidr.split("/")[1]
    brd = str(ipaddress.ip_network(nn.cidr).broadcast_address)
    if obj.startswith("r"):
        return (
            (
                f"default via {nn.gateway_ip} dev eth0 \n{fl.conf(node).network} via {nn.gateway_ip} dev eth0 \n"
                f"{nn.cidr} dev eth0 scope link  src {ip} \n"
            ),
            "",
            0,
        )
    lo = (
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\n    link/loopback 00:00:00:00:00:00 brd "
        "00:00:00:00:00:00\n"
    )
    eth = (
        f"2: eth0@if{peer}: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu {mtu} qdisc noqueue \n    link/ether {mac} "
        "brd ff:ff:ff:ff:ff:ff\n"
    )
    if obj.startswith("l"):
        return lo + eth, "", 0
    return (
        (
            lo + "    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n"
            "    inet6 ::1/128 scope host \n       valid_lft forever preferred_lft forever\n"
            + eth
            + f"    inet {ip}/{prefix} brd {brd} scope global eth0\n       valid_lft forever preferred_lft forever\n"
        ),
        "",
        0,
    )


def pod_commands(cluster: Cluster, ns: str, name: str) -> dict[str, Any]:
    """Shell commands (``CommandContext -> int``) that give a pod's containers the network."""

    def src() -> Endpoint:
        return pod_endpoint(cluster, ns, name)

    def emit(ctx: Any, res: tuple[str, str, int]) -> int:
        if res[0]:
            ctx.stdout.write(res[0])
        if res[1]:
            ctx.stderr.write(res[1])
        return res[2]

    def writer(ctx: Any) -> Any:
        def w(path: str, data: bytes) -> None:
            ctx.vfs.write(ctx.path(path), data)

        return w

    def c_wget(ctx: Any) -> int:
        took: list[float] = []
        res = wget(cluster, src(), list(ctx.argv), writer(ctx), took)
        if took and took[0] > 0:
            ctx.sleep(took[0])  # the answer comes when the server has computed it
        return emit(ctx, res)

    def c_curl(ctx: Any) -> int:
        return emit(ctx, curl(cluster, src(), list(ctx.argv), write_file=writer(ctx)))

    def c_ping(ctx: Any) -> int:
        return emit(ctx, ping(cluster, src(), list(ctx.argv)))

    def c_nslookup(ctx: Any) -> int:
        pod = index_of(cluster).pod(ns, name)
        rc = resolv_conf(pod) if pod else ResolvConf(["10.96.0.10"], [], 5)
        images = [c.get("image", "") for c in ((pod or {}).get("spec") or {}).get("containers") or ()]
        bb = next((i for i in images if i.split("@")[0].rpartition(":")[0].endswith("busybox")), "")
        if bb and busybox_legacy(bb):
            return emit(ctx, nslookup_legacy(cluster, list(ctx.argv), rc))
        return emit(ctx, nslookup(cluster, list(ctx.argv), rc))

    def c_ip(ctx: Any) -> int:
        pod = index_of(cluster).pod(ns, name)
        return emit(ctx, pod_ip_command(cluster, pod, list(ctx.argv)) if pod else ("", "", 1))

    return {"wget": c_wget, "curl": c_curl, "ping": c_ping, "nslookup": c_nslookup, "ip": c_ip}


def workstation_curl(cluster: Cluster, argv: list[str], write_file: Any = None) -> tuple[str, str, int]:
    """``curl`` on the learner's workstation (Ubuntu 22.04's curl 7.81)."""
    return curl(cluster, workstation(), argv, version="7.81.0", write_file=write_file)


def diagnose_service(cluster: Cluster, ns: str, name: str) -> list[str]:
    """ "Why no traffic?": reasons a Service has no working endpoints (empty when it looks healthy)."""
    from .endpoints import find_port, selector_matches
    from .index import pod_live, pod_ready

    idx = index_of(cluster)
    svc = idx.services.get(ns, {}).get(name)
    if svc is None:
        return [f'service "{name}" not found']
    spec = svc.get("spec") or {}
    if spec.get("type") == "ExternalName":
        return []
    sel = spec.get("selector") or {}
    if not sel:
        return ["the Service has no selector: its Endpoints must be written by hand"]
    pods = [
        p
        for p in (idx.pods.get(ns) or {}).values()
        if selector_matches(sel, p["metadata"].get("labels")) and not p["metadata"].get("deletionTimestamp")
    ]
    sel_text = ",".join(f"{k}={v}" for k, v in sorted(sel.items()))
    if not pods:
        return [f"selector {sel_text} matches no pods in namespace {ns}"]
    out = []
    live = [p for p in pods if pod_live(p)]
    if not live:
        out.append(f"{len(pods)} pod(s) match {sel_text} but none is running with an IP")
    not_ready = [p["metadata"]["name"] for p in live if not pod_ready(p)]
    if not_ready:
        out.append("not ready (readiness probe failing or starting): " + ", ".join(sorted(not_ready)))
    for sp in spec.get("ports") or ():
        for p in live:
            num = find_port(p, sp)
            if num is None:
                out.append(
                    f"targetPort {sp.get('targetPort')!r} is not a named port of pod {p['metadata']['name']}"
                )
                continue
            if pod_ready(p):
                from .trace import listens

                if not listens(cluster, p, num):
                    out.append(f"pod {p['metadata']['name']} does not listen on targetPort {num}")
    return out
