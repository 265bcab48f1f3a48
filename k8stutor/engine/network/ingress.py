"""ingress-nginx as pods: the controller image routes by Ingress host/path rules to Service endpoints.

A pod running ``registry.k8s.io/ingress-nginx/controller`` serves ports 80/443: the request's Host and path
pick a rule (exact host or ``*.`` wildcard; pathType Exact, Prefix by path elements, ImplementationSpecific as
prefix; longest path wins), nginx proxies straight to an endpoint of the backend Service (round robin), and
anything unmatched gets the default backend's 404 page. ``IngressStatus`` publishes the controller's address
(``--publish-service`` Service, else its node IPs) in ``status.loadBalancer`` of the Ingresses of its class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..controllers.base import Controller, Key
from ..errors import StatusError
from ..events import EventRecorder
from ..store import DELETED, Event
from .index import index_of, pod_ready

if TYPE_CHECKING:
    from ..cluster import Cluster
    from .trace import Trace

Obj = dict[str, Any]
CONTROLLER_IMAGE = "registry.k8s.io/ingress-nginx/controller"
CONTROLLER_NAME = "k8s.io/ingress-nginx"


def _page(code: int, text: str) -> str:
    return (
        f"<html>\r\n<head><title>{code} {text}</title></head>\r\n<body>\r\n<center><h1>{code} {text}</h1>"
        "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )


NOT_FOUND = _page(404, "Not Found")
UNAVAILABLE = _page(503, "Service Temporarily Unavailable")


def is_ingress_controller(pod: Obj) -> bool:
    """The pod runs the ingress-nginx controller image."""
    for c in (pod.get("spec") or {}).get("containers") or ():
        img = c.get("image", "")
        if img.split("@")[0].rsplit(":", 1)[0].endswith("ingress-nginx/controller"):
            return True
    return False


def _classes(cluster: Cluster) -> tuple[set[str], str]:
    """IngressClass names handled by ingress-nginx, and the default class (if any)."""
    names: set[str] = set()
    default = ""
    for ic in cluster.api.list_objects("ingressclasses.networking.k8s.io"):
        if (ic.get("spec") or {}).get("controller") == CONTROLLER_NAME:
            names.add(ic["metadata"]["name"])
            if (ic["metadata"].get("annotations") or {}).get(
                "ingressclass.kubernetes.io/is-default-class"
            ) == "true":
                default = ic["metadata"]["name"]
    return names, default


def _handled(ing: Obj, classes: set[str], default: str) -> bool:
    cls = (
        (ing.get("spec") or {}).get("ingressClassName")
        or (ing["metadata"].get("annotations") or {}).get("kubernetes.io/ingress.class")
        or default
    )
    return bool(cls) and (cls in classes or cls == "nginx")


def _host_match(rule_host: str, host: str) -> int:
    if not rule_host:
        return 1
    if rule_host.startswith("*."):
        suffix = rule_host[1:]
        return 2 if host.endswith(suffix) and "." not in host[: -len(suffix)] else 0
    return 3 if rule_host == host else 0


def _path_match(ptype: str, rpath: str, path: str) -> bool:
    clean = path.split("?", 1)[0] or "/"
    if ptype == "Exact":
        return clean == rpath
    if rpath in ("", "/"):
        return True
    rp = rpath.rstrip("/")
    return clean == rp or clean.startswith(rp + "/")


def match(cluster: Cluster, host: str, path: str) -> tuple[Obj, Obj] | None:
    """The (Ingress, backend) a request goes to, or None (default backend)."""
    classes, default = _classes(cluster)
    host = host.split(":")[0].lower()
    best: tuple[int, int, int, Obj, Obj] | None = None
    for ing in cluster.api.list_objects("ingresses.networking.k8s.io"):
        if not _handled(ing, classes, default):
            continue
        spec = ing.get("spec") or {}
        for rule in spec.get("rules") or ():
            hm = _host_match(rule.get("host", ""), host)
            if not hm:
                continue
            for p in (rule.get("http") or {}).get("paths") or ():
                ptype = p.get("pathType", "ImplementationSpecific")
                rpath = p.get("path", "/") or "/"
                if _path_match(ptype, rpath, path):
                    cand = (hm, len(rpath), 1 if ptype == "Exact" else 0, ing, p.get("backend") or {})
                    if best is None or cand[:3] > best[:3]:
                        best = cand
    if best is None:
        for ing in cluster.api.list_objects("ingresses.networking.k8s.io"):
            if _handled(ing, classes, default) and (ing.get("spec") or {}).get("defaultBackend"):
                return ing, ing["spec"]["defaultBackend"]
        return None
    return best[3], best[4]


def route_request(
    cluster: Cluster, ctrl: Obj, host: str, path: str, scheme: str, client_ip: str
) -> tuple[int, str, list[Trace]]:
    """nginx inside the controller pod: (status, body, traces of the upstream connection)."""
    from .endpoints import find_port
    from .trace import pod_endpoint, trace
    from .traffic import HttpResult, _answer_pod

    found = match(cluster, host, path)
    if found is None:
        return 404, NOT_FOUND, []
    ing, backend = found
    ns = ing["metadata"].get("namespace", "")
    if (
        scheme == "http"
        and _tls_for(ing, host)
        and (ing["metadata"].get("annotations") or {}).get("nginx.ingress.kubernetes.io/ssl-redirect")
        != "false"
    ):
        return 308, _page(308, "Permanent Redirect"), []
    svc_ref = backend.get("service") or {}
    svc = index_of(cluster).services.get(ns, {}).get(svc_ref.get("name", ""))
    if svc is None:
        return 503, UNAVAILABLE, []
    want = svc_ref.get("port") or {}
    sport = None
    for p in (svc.get("spec") or {}).get("ports") or ():
        if ("number" in want and p.get("port") == want["number"]) or (
            "name" in want and p.get("name") == want["name"]
        ):
            sport = p
    if sport is None:
        return 503, UNAVAILABLE, []
    pods = []
    sel = (svc.get("spec") or {}).get("selector") or {}
    for p in (index_of(cluster).pods.get(ns) or {}).values():
        labels = p["metadata"].get("labels") or {}
        if (
            sel
            and all(labels.get(k) == v for k, v in sel.items())
            and pod_ready(p)
            and not p["metadata"].get("deletionTimestamp")
            and (p.get("status") or {}).get("podIP")
        ):
            pods.append(p)
    if not pods:
        return 503, UNAVAILABLE, []
    pods.sort(key=lambda p: tuple(int(x) for x in p["status"]["podIP"].split(".")))
    key = (ns, svc["metadata"]["name"], str(sport.get("port")))
    rr: dict[tuple[str, str, str], int] = cluster.__dict__.setdefault("ingress_rr", {})
    i = rr.get(key, 0)
    rr[key] = i + 1
    target = pods[i % len(pods)]
    port = find_port(target, sport) or 0
    src = pod_endpoint(cluster, ctrl["metadata"].get("namespace", ""), ctrl["metadata"]["name"])
    t = trace(cluster, src, target["status"]["podIP"], port)
    if not t.ok or t.target is None:
        return 502, _page(502, "Bad Gateway"), [t]
    res = HttpResult(path, host)
    _answer_pod(cluster, t.target, port, path, host, "http", res, src, t)
    return res.status, res.body, [t]


def _tls_for(ing: Obj, host: str) -> bool:
    for tls in (ing.get("spec") or {}).get("tls") or ():
        if host in (tls.get("hosts") or ()):
            return True
    return False


UPDATE_INTERVAL = 60.0  # ingress-nginx status.UpdateInterval: the leader re-syncs the status every 60 s


def _flag(pod: Obj, name: str) -> str | None:
    """The value of ``--name=value`` in the controller container's args, ``$(POD_NAMESPACE)`` expanded."""
    for c in (pod.get("spec") or {}).get("containers") or ():
        for arg in list(c.get("command") or ()) + list(c.get("args") or ()):
            if isinstance(arg, str) and arg.startswith(f"--{name}="):
                val = arg.split("=", 1)[1]
                return val.replace("$(POD_NAMESPACE)", pod["metadata"].get("namespace", ""))
    return None


def _lb(addr: str) -> Obj:
    """nameOrIPToLoadBalancerIngress."""
    parts = addr.split(".")
    is_ip = len(parts) == 4 and all(x.isdigit() and int(x) < 256 for x in parts)
    return {"ip": addr} if is_ip or ":" in addr else {"hostname": addr}


def status_address_from_service(svc: Obj) -> list[Obj] | None:
    """ingress-nginx ``statusAddressFromService``: the addresses a --publish-service Service publishes."""
    spec = svc.get("spec") or {}
    typ = spec.get("type", "ClusterIP")
    ext = list(spec.get("externalIPs") or ())
    if typ == "ExternalName":
        return [{"hostname": spec.get("externalName", "")}]
    if typ == "ClusterIP":
        return [{"ip": spec.get("clusterIP", "")}]
    if typ == "NodePort":
        return [{"ip": ip} for ip in ext] if ext else [{"ip": spec.get("clusterIP", "")}]
    if typ == "LoadBalancer":
        addrs: list[Obj] = []
        for lbi in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or ():
            addrs.append({"ip": lbi["ip"]} if lbi.get("ip") else {"hostname": lbi.get("hostname", "")})
        for ip in ext:
            if not any(a.get("ip") == ip or a.get("hostname") == ip for a in addrs):
                addrs.append({"ip": ip})
        return addrs
    return None


def _node_address(cluster: Cluster, node_name: str, host_ip: str) -> str:
    """k8s.GetNodeIPOrName (without --use-node-internal-ip): ExternalIP first, else InternalIP."""
    node = cluster.api.peek("nodes", node_name, "") if node_name else None
    addrs = ((node or {}).get("status") or {}).get("addresses") or ()
    for kind in ("ExternalIP", "InternalIP"):
        for a in addrs:
            if a.get("type") == kind and a.get("address"):
                return str(a["address"])
    return host_ip


class IngressStatus(Controller):
    """The controller's status sync (ingress-nginx ``internal/ingress/status``), run by the elected leader.

    Addresses: ``--publish-status-address``, else the ``--publish-service`` Service's addresses, else the
    node IPs of the Running+Ready controller pods. The leader syncs when it starts leading and then every
    ``UPDATE_INTERVAL`` seconds, so a new Ingress gets its ADDRESS at the next sync, not at once.
    """

    name = "ingress-nginx-status"
    watches = ("pods", "ingresses.networking.k8s.io")

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self._leader: tuple[str, str] | None = None
        self._timer: Any = None
        self._recorder = EventRecorder(cluster.api, "nginx-ingress-controller")

    def on_event(self, ev: Event) -> None:
        """Re-check leadership when controller pods change; schedule a sync when an Ingress changes."""
        if ev.resource == "pods" and is_ingress_controller(ev.object):
            self.queue.add(("pods", "", "*"))
        elif ev.resource != "pods" and ev.type != DELETED:
            meta = ev.object["metadata"]
            self.queue.add(("ingsync", meta.get("namespace", ""), meta["name"]))

    def _scheduled_for_sync(self, ns: str, name: str) -> None:
        """store.go's ingress event handler: each controller pod records ``Sync``/``Scheduled for sync``."""
        ing = self.api.peek("ingresses.networking.k8s.io", name, ns)
        if ing is None:
            return
        classes, default = _classes(self.cluster)
        if not _handled(ing, classes, default):
            return
        for _ in self._ready_controllers():
            self._recorder.event(ing, "Normal", "Sync", "Scheduled for sync")

    def _ready_controllers(self) -> list[Obj]:
        out = []
        for bucket in index_of(self.cluster).pods.values():
            for p in bucket.values():
                if (
                    is_ingress_controller(p)
                    and pod_ready(p)
                    and (p.get("status") or {}).get("phase") == "Running"
                    and not p["metadata"].get("deletionTimestamp")
                ):
                    out.append(p)
        return out

    def reconcile(self, key: Key) -> None:
        """Elect a leader among ready controller pods; start or stop its periodic status sync."""
        if key[0] == "sync":
            self._timer = None
            self._sync()
            return
        if key[0] == "ingsync":
            self._scheduled_for_sync(key[1], key[2])
            return
        pods = self._ready_controllers()
        names = {(p["metadata"]["namespace"], p["metadata"]["name"]) for p in pods}
        if self._leader in names:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not pods:
            self._leader = None
            self._write([])  # update-status-on-shutdown: the last controller removes the address
            return
        pods.sort(key=lambda p: p["metadata"].get("creationTimestamp", "") + p["metadata"]["name"])
        self._leader = (pods[0]["metadata"]["namespace"], pods[0]["metadata"]["name"])
        self._sync()

    def _sync(self) -> None:
        leader = self._leader and index_of(self.cluster).pod(*self._leader)
        if not leader:
            return
        addrs = self._running_addresses(leader)
        if addrs is not None:
            self._write(sorted(addrs, key=lambda a: (a.get("hostname", ""), a.get("ip", ""))))
        self._timer = self.cluster.clock.call_after(
            UPDATE_INTERVAL, lambda: self.queue.add(("sync", "", "*"))
        )

    def _running_addresses(self, leader: Obj) -> list[Obj] | None:
        """statusSync.runningAddresses (None when the published Service cannot be read)."""
        fixed = _flag(leader, "publish-status-address")
        if fixed:
            return [_lb(a.strip()) for a in fixed.split(",")]
        publish = _flag(leader, "publish-service")
        if publish:
            ns, _, name = publish.rpartition("/")
            svc = self.api.peek("services", name, ns or "default")
            return None if svc is None else status_address_from_service(svc)
        ns = leader["metadata"].get("namespace", "")
        addrs: list[Obj] = []
        for p in (index_of(self.cluster).pods.get(ns) or {}).values():
            if (
                is_ingress_controller(p)
                and pod_ready(p)
                and (p.get("status") or {}).get("phase") == "Running"
            ):
                a = _node_address(
                    self.cluster, (p.get("spec") or {}).get("nodeName", ""), p["status"].get("hostIP", "")
                )
                if a and all(a not in (x.get("ip"), x.get("hostname")) for x in addrs):
                    addrs.append(_lb(a))
        return sorted(addrs, key=lambda a: a.get("ip", ""))

    def _write(self, addrs: list[Obj]) -> None:
        classes, default = _classes(self.cluster)
        want = {"ingress": addrs} if addrs else {}
        for ing in self.api.list_objects("ingresses.networking.k8s.io"):
            if not _handled(ing, classes, default):
                continue
            cur = (ing.get("status") or {}).get("loadBalancer") or {}
            if cur == want:
                continue
            obj = self.api.get(
                "ingresses.networking.k8s.io", ing["metadata"]["name"], ing["metadata"]["namespace"]
            )
            obj["status"] = {"loadBalancer": want}
            try:
                self.api.update_status(obj)
            except StatusError:
                pass


def install(cluster: Cluster) -> IngressStatus:
    """Start the ingress status updater (idempotent)."""
    return cluster.add_controller(IngressStatus(cluster))  # type: ignore[return-value]


def controller_manifest(node_port_http: int = 30080, node_port_https: int = 30443) -> list[Obj]:
    """A bare-metal ingress-nginx install (the objects that matter): namespace, IngressClass, Deployment, Service."""
    labels = {
        "app.kubernetes.io/component": "controller",
        "app.kubernetes.io/instance": "ingress-nginx",
        "app.kubernetes.io/name": "ingress-nginx",
    }
    return [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": "ingress-nginx", "labels": {"app.kubernetes.io/name": "ingress-nginx"}},
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "IngressClass",
            "metadata": {"name": "nginx", "labels": dict(labels)},
            "spec": {"controller": CONTROLLER_NAME},
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": "ingress-nginx-controller",
                "namespace": "ingress-nginx",
                "labels": dict(labels),
            },
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": dict(labels)},
                "template": {
                    "metadata": {"labels": dict(labels)},
                    "spec": {
                        "containers": [
                            {
                                "name": "controller",
                                "image": f"{CONTROLLER_IMAGE}:v1.12.0",
                                "args": [
                                    "/nginx-ingress-controller",
                                    "--election-id=ingress-nginx-leader",
                                    "--controller-class=k8s.io/ingress-nginx",
                                    "--ingress-class=nginx",
                                ],
                                "ports": [
                                    {"containerPort": 80, "name": "http", "protocol": "TCP"},
                                    {"containerPort": 443, "name": "https", "protocol": "TCP"},
                                ],
                                "readinessProbe": {"httpGet": {"path": "/healthz", "port": 10254}},
                            }
                        ]
                    },
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "ingress-nginx-controller",
                "namespace": "ingress-nginx",
                "labels": dict(labels),
            },
            "spec": {
                "type": "NodePort",
                "selector": dict(labels),
                "ports": [
                    {
                        "name": "http",
                        "port": 80,
                        "protocol": "TCP",
                        "targetPort": "http",
                        "nodePort": node_port_http,
                    },
                    {
                        "name": "https",
                        "port": 443,
                        "protocol": "TCP",
                        "targetPort": "https",
                        "nodePort": node_port_https,
                    },
                ],
            },
        },
    ]
