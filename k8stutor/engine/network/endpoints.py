"""The endpoints and EndpointSlice controllers (kube-controller-manager): Services' selectors -> ready pod IPs.

Both follow the real controllers: pods with an IP that are not finished; Ready pods are ``addresses`` /
``ready: true``, others ``notReadyAddresses`` / ``ready: false``; terminating pods leave Endpoints and stay in
slices with ``terminating: true``; ``targetPort`` by name is looked up in each pod's container ports
(``findPort``); ``spec.hostname`` + ``spec.subdomain`` = Service name gives the address a hostname.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..controllers.base import Controller, Key
from ..errors import StatusError
from ..store import Event
from ..timeutil import rfc3339
from .index import NetIndex, index_of, pod_ip, pod_live, pod_ready

if TYPE_CHECKING:
    from ..cluster import Cluster

Obj = dict[str, Any]
MANAGED_BY = "endpointslice-controller.k8s.io"
TRIGGER = "endpoints.kubernetes.io/last-change-trigger-time"
MAX_PER_SLICE = 100


def selector_matches(selector: dict[str, str], labels: dict[str, str] | None) -> bool:
    """A Service selector (equality map) against pod labels."""
    if not selector:
        return False
    labels = labels or {}
    return all(labels.get(k) == v for k, v in selector.items())


def find_port(pod: Obj, svc_port: Obj) -> int | None:
    """``podutil.FindPort``: the container port a Service port targets on this pod (None if unresolved)."""
    tp = svc_port.get("targetPort", svc_port.get("port"))
    if isinstance(tp, int):
        return tp
    if isinstance(tp, str) and tp.isdigit():
        return int(tp)
    proto = svc_port.get("protocol", "TCP")
    for c in (pod.get("spec") or {}).get("containers") or ():
        for p in c.get("ports") or ():
            if p.get("name") == tp and p.get("protocol", "TCP") == proto:
                return int(p["containerPort"])
    return None


def _target_ref(pod: Obj) -> Obj:
    m = pod["metadata"]
    return {"kind": "Pod", "name": m["name"], "namespace": m.get("namespace", ""), "uid": m.get("uid", "")}


def _hostname(pod: Obj, svc_name: str) -> str:
    spec = pod.get("spec") or {}
    if spec.get("hostname") and spec.get("subdomain") == svc_name:
        return str(spec["hostname"])
    return ""


def _labels(svc: Obj) -> dict[str, str]:
    labels = dict(svc["metadata"].get("labels") or {})
    if (svc.get("spec") or {}).get("clusterIP") == "None":
        labels["service.kubernetes.io/headless"] = ""
    return labels


def _ip_key(ip: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in ip.split("."))
    except ValueError:
        return (999,)


class _ServiceTracker(Controller):
    """Shared plumbing: enqueue a Service when it or a pod its selector matches changes."""

    watches = ()

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.idx: NetIndex = index_of(cluster)
        self.recorder_component = self.name

    def start(self) -> None:
        """Listen to the shared index and queue every Service once."""
        self.idx.listeners.append(self._changed)
        for ns, svcs in self.idx.services.items():
            for name in svcs:
                self.queue.add(("services", ns, name))

    def _changed(self, kind: str, ev: Event, old: Obj | None) -> None:
        meta = ev.object["metadata"]
        ns = meta.get("namespace", "")
        if kind == "services":
            self.queue.add(("services", ns, meta["name"]))
        elif kind == "pods":
            labels = meta.get("labels") or {}
            old_labels = (old or {}).get("metadata", {}).get("labels") or {}
            for name, svc in (self.idx.services.get(ns) or {}).items():
                sel = (svc.get("spec") or {}).get("selector") or {}
                if sel and (selector_matches(sel, labels) or selector_matches(sel, old_labels)):
                    self.queue.add(("services", ns, name))

    def on_event(self, ev: Event) -> None:  # pragma: no cover - the index feeds us
        """Unused: events arrive through the shared index."""

    def matching_pods(self, svc: Obj) -> list[Obj]:
        """Live pods matched by the Service's selector, sorted by IP."""
        ns = svc["metadata"].get("namespace", "")
        sel = (svc.get("spec") or {}).get("selector") or {}
        pods = [
            p
            for p in (self.idx.pods.get(ns) or {}).values()
            if pod_live(p) and selector_matches(sel, p["metadata"].get("labels"))
        ]
        pods.sort(key=lambda p: (_ip_key(pod_ip(p)), p["metadata"].get("uid", "")))
        return pods


class EndpointsController(_ServiceTracker):
    """The v1 Endpoints object of every Service with a selector."""

    name = "endpoint-controller"

    def reconcile(self, key: Key) -> None:
        """Write the Service's Endpoints (or remove it with the Service)."""
        _, ns, name = key
        svc = self.idx.services.get(ns, {}).get(name)
        cur = self.api.peek("endpoints", name, ns)
        if svc is None:
            if cur is not None and name != "kubernetes":
                try:
                    self.api.delete("endpoints", name, ns)
                except StatusError:
                    pass
            return
        spec = svc.get("spec") or {}
        if not spec.get("selector"):
            return
        subsets = self.subsets(svc)
        if (
            cur is not None
            and (cur.get("subsets") or []) == subsets
            and (cur["metadata"].get("labels") or {}) == _labels(svc)
        ):
            return
        obj: Obj = {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": name, "namespace": ns, "annotations": {TRIGGER: rfc3339(self.api.now())}},
        }
        labels = _labels(svc)
        if labels:
            obj["metadata"]["labels"] = labels
        if subsets:
            obj["subsets"] = subsets
        try:
            if cur is None:
                self.api.create(obj, ns, validate_schema=False)
            else:
                obj["metadata"]["resourceVersion"] = cur["metadata"].get("resourceVersion")
                obj["metadata"]["uid"] = cur["metadata"].get("uid")
                obj["metadata"]["creationTimestamp"] = cur["metadata"].get("creationTimestamp")
                self.api.update(obj, ns, validate_schema=False)
        except StatusError:
            pass

    def subsets(self, svc: Obj) -> list[Obj]:
        """``RepackSubsets``: addresses grouped by the ports they serve."""
        spec = svc.get("spec") or {}
        tolerate = bool(spec.get("publishNotReadyAddresses"))
        ports = spec.get("ports") or []
        per_addr: dict[str, tuple[Obj, bool, list[Obj]]] = {}
        order: list[str] = []
        for pod in self.matching_pods(svc):
            terminating = bool(pod["metadata"].get("deletionTimestamp"))
            if terminating and not tolerate:
                continue
            ready = tolerate or pod_ready(pod)
            addr: Obj = {"ip": pod_ip(pod)}
            host = _hostname(pod, svc["metadata"]["name"])
            if host:
                addr["hostname"] = host
            if (pod.get("spec") or {}).get("nodeName"):
                addr["nodeName"] = pod["spec"]["nodeName"]
            addr["targetRef"] = _target_ref(pod)
            eps: list[Obj] = []
            if not ports and spec.get("clusterIP") == "None":
                pass
            for sp in ports:
                num = find_port(pod, sp)
                if num is None:
                    continue
                epp: Obj = {"port": num, "protocol": sp.get("protocol", "TCP")}
                if sp.get("name"):
                    epp = {"name": sp["name"], **epp}
                eps.append(epp)
            if ports and not eps:
                continue
            k = addr["ip"] + "/" + addr["targetRef"]["uid"]
            per_addr[k] = (addr, ready, eps)
            order.append(k)
        groups: dict[str, Obj] = {}
        for k in order:
            addr, ready, eps = per_addr[k]
            gk = repr(sorted((p.get("name", ""), p["port"], p["protocol"]) for p in eps))
            g = groups.get(gk)
            if g is None:
                g = groups[gk] = {"ports": sorted(eps, key=lambda p: (p.get("name", ""), p["port"]))}
            g.setdefault("addresses" if ready else "notReadyAddresses", []).append(addr)
        out = []
        for g in groups.values():
            sub: Obj = {}
            for f in ("addresses", "notReadyAddresses"):
                if f in g:
                    sub[f] = g[f]
            if g["ports"]:
                sub["ports"] = g["ports"]
            out.append(sub)
        return out


class EndpointSliceController(_ServiceTracker):
    """EndpointSlices (``discovery.k8s.io/v1``) for every Service with a selector."""

    name = "endpointslice-controller"

    def reconcile(self, key: Key) -> None:
        """Bring the Service's slices in line with its pods (slices go with the Service via ownerReferences)."""
        _, ns, name = key
        svc = self.idx.services.get(ns, {}).get(name)
        if svc is None:
            return
        spec = svc.get("spec") or {}
        if not spec.get("selector"):
            return
        desired = self.desired(svc)
        existing = [
            s
            for s in self.idx.slices_of(ns, name)
            if (s["metadata"].get("labels") or {}).get("endpointslice.kubernetes.io/managed-by") == MANAGED_BY
        ]
        labels = dict(_labels(svc))
        labels["endpointslice.kubernetes.io/managed-by"] = MANAGED_BY
        labels["kubernetes.io/service-name"] = name
        used: set[str] = set()
        for ports, endpoints in desired:
            match = None
            for s in existing:
                if s["metadata"]["name"] in used:
                    continue
                if (s.get("ports") or []) == ports:
                    match = s
                    break
            if match is None:
                for s in existing:
                    if s["metadata"]["name"] not in used:
                        match = s
                        break
            body: Obj = {"addressType": "IPv4", "endpoints": endpoints or None, "ports": ports or None}
            if match is not None:
                used.add(match["metadata"]["name"])
                same = (
                    (match.get("endpoints") or None) == body["endpoints"]
                    and (match.get("ports") or None) == body["ports"]
                    and match["metadata"].get("labels") == labels
                )
                if same:
                    continue
                obj = {
                    "apiVersion": "discovery.k8s.io/v1",
                    "kind": "EndpointSlice",
                    "metadata": dict(
                        match["metadata"], labels=labels, annotations={TRIGGER: rfc3339(self.api.now())}
                    ),
                    **body,
                }
                if obj["endpoints"] is None:
                    del obj["endpoints"]
                if obj["ports"] is None:
                    del obj["ports"]
                try:
                    self.api.update(obj, ns, validate_schema=False)
                except StatusError:
                    pass
                continue
            obj = {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": {
                    "generateName": f"{name}-",
                    "namespace": ns,
                    "labels": labels,
                    "annotations": {TRIGGER: rfc3339(self.api.now())},
                    "ownerReferences": [
                        {
                            "apiVersion": "v1",
                            "blockOwnerDeletion": True,
                            "controller": True,
                            "kind": "Service",
                            "name": name,
                            "uid": svc["metadata"].get("uid", ""),
                        }
                    ],
                },
                **body,
            }
            if obj["endpoints"] is None:
                del obj["endpoints"]
            if obj["ports"] is None:
                del obj["ports"]
            try:
                self.api.create(obj, ns, validate_schema=False)
            except StatusError:
                pass
        for s in existing:
            if s["metadata"]["name"] not in used:
                try:
                    self.api.delete("endpointslices.discovery.k8s.io", s["metadata"]["name"], ns)
                except StatusError:
                    pass

    def desired(self, svc: Obj) -> list[tuple[list[Obj], list[Obj]]]:
        """(ports, endpoints) per slice; a Service without pods keeps one placeholder slice."""
        spec = svc.get("spec") or {}
        tolerate = bool(spec.get("publishNotReadyAddresses"))
        ports = spec.get("ports") or []
        groups: dict[str, tuple[list[Obj], list[Obj]]] = {}
        for pod in self.matching_pods(svc):
            terminating = bool(pod["metadata"].get("deletionTimestamp"))
            ready = pod_ready(pod)
            eps: list[Obj] = []
            for sp in ports:
                num = find_port(pod, sp)
                if num is None:
                    continue
                eps.append({"name": sp.get("name", ""), "port": num, "protocol": sp.get("protocol", "TCP")})
            if ports and not eps:
                continue
            ep: Obj = {
                "addresses": [pod_ip(pod)],
                "conditions": {
                    "ready": (ready or tolerate) and not terminating,
                    "serving": ready,
                    "terminating": terminating,
                },
            }
            host = _hostname(pod, svc["metadata"]["name"])
            if host:
                ep["hostname"] = host
            if (pod.get("spec") or {}).get("nodeName"):
                ep["nodeName"] = pod["spec"]["nodeName"]
            ep["targetRef"] = _target_ref(pod)
            gk = repr([(p["name"], p["port"], p["protocol"]) for p in eps])
            g = groups.setdefault(gk, (eps, []))
            g[1].append(ep)
        out: list[tuple[list[Obj], list[Obj]]] = []
        for eps_ports, endpoints in groups.values():
            for i in range(0, len(endpoints), MAX_PER_SLICE):
                out.append((eps_ports, endpoints[i : i + MAX_PER_SLICE]))
        if not out:
            out.append(([], []))
        return out


def ensure_kubernetes_slice(cluster: Cluster) -> None:
    """The apiserver's own EndpointSlice for ``default/kubernetes`` (its endpoint reconciler writes it)."""
    api = cluster.api
    if api.peek("endpointslices.discovery.k8s.io", "kubernetes", "default") is not None:
        return
    ep = api.peek("endpoints", "kubernetes", "default")
    if ep is None:
        return
    addrs = [a["ip"] for s in ep.get("subsets") or () for a in s.get("addresses") or ()]
    ports = [
        {"name": p.get("name", ""), "port": p["port"], "protocol": p.get("protocol", "TCP")}
        for p in ((ep.get("subsets") or [{}])[0].get("ports") or ())
    ]
    api.create(
        {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"kubernetes.io/service-name": "kubernetes"},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": [a], "conditions": {"ready": True}} for a in addrs],
            "ports": ports,
        },
        "default",
        validate_schema=False,
    )


def install(cluster: Cluster) -> tuple[EndpointsController, EndpointSliceController]:
    """Start both controllers (idempotent)."""
    ensure_kubernetes_slice(cluster)
    a = cluster.add_controller(EndpointsController(cluster))
    b = cluster.add_controller(EndpointSliceController(cluster))
    return a, b  # type: ignore[return-value]
