"""The scheduling framework's data: PodInfo, NodeInfo, statuses, plugin names and the FitError message.

``NodeInfo`` is the per-node aggregate kube-scheduler keeps in its cache (requested resources, non-zero
requests, pod count, host ports, images, taints), updated incrementally from watch events so that a
scheduling cycle never rescans all pods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import quantity

# Status codes (framework.Code).
SUCCESS = "Success"
UNSCHEDULABLE = "Unschedulable"
UNRESOLVABLE = "UnschedulableAndUnresolvable"

MAX_NODE_SCORE = 100
DEFAULT_MILLI_CPU_REQUEST = 100  # schedutil.DefaultMilliCPURequest
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024  # schedutil.DefaultMemoryRequest

# Filter plugins in the default profile's order (1.32), with the predicate each replaced.
FILTER_PLUGINS: tuple[str, ...] = (
    "NodeUnschedulable",
    "NodeName",
    "TaintToleration",
    "NodeAffinity",
    "NodePorts",
    "NodeResourcesFit",
    "VolumeRestrictions",
    "VolumeBinding",
    "InterPodAffinity",
)
LEGACY_PREDICATES = {
    "NodeUnschedulable": "CheckNodeUnschedulable",
    "NodeName": "PodFitsHost",
    "TaintToleration": "PodToleratesNodeTaints",
    "NodeAffinity": "MatchNodeSelector",  # the course notes call it PodSelectorMatches
    "NodePorts": "PodFitsHostPorts",
    "NodeResourcesFit": "PodFitsResources",
    "VolumeRestrictions": "NoDiskConflict",
    "VolumeBinding": "CheckVolumeBinding",
    "InterPodAffinity": "MatchInterPodAffinity",
}
# Score plugins with their default weights (1.32 default profile) and the priority each replaced.
SCORE_WEIGHTS = {
    "TaintToleration": 3,
    "NodeAffinity": 2,
    "NodeResourcesFit": 1,
    "InterPodAffinity": 2,
    "NodeResourcesBalancedAllocation": 1,
    "ImageLocality": 1,
}
LEGACY_PRIORITIES = {
    "TaintToleration": "TaintTolerationPriority",
    "NodeAffinity": "NodeAffinityPriority",
    "NodeResourcesFit": "LeastRequestedPriority",
    "InterPodAffinity": "InterPodAffinityPriority",
    "NodeResourcesBalancedAllocation": "BalancedResourceAllocation",
    "ImageLocality": "ImageLocalityPriority",
}

NO_NODE_AVAILABLE = "0/{n} nodes are available"


@dataclass(slots=True)
class Status:
    """A plugin's verdict for one node: code, plugin and the reason strings shown in FailedScheduling."""

    code: str
    plugin: str
    reasons: tuple[str, ...] = ()


# ---- pods ----------------------------------------------------------------------------------------


def _container_requests(c: dict[str, Any]) -> dict[str, Any]:
    res = c.get("resources") or {}
    req = res.get("requests") if isinstance(res, dict) else None
    return req if isinstance(req, dict) else {}


_VECTORS: dict[Any, dict[str, int]] = {}


def _resource_vector(req: dict[str, Any]) -> dict[str, int]:
    """Requests as integers (cpu in millicores), memoised by content."""
    try:
        key: Any = tuple(req.items())
        hit = _VECTORS.get(key)
    except TypeError:
        key, hit = None, None
    if hit is not None:
        return dict(hit)
    out: dict[str, int] = {}
    for name, v in req.items():
        if name == "cpu":
            out[name] = quantity.milli_value(v)
        else:
            out[name] = quantity.value(v)
    if key is not None and len(_VECTORS) < 10_000:
        _VECTORS[key] = dict(out)
    return out


def pod_requests(spec: dict[str, Any], non_zero: bool = False) -> dict[str, int]:
    """``resourcehelper.PodRequests``: containers summed, init containers by the max rule (sidecars add),
    plus overhead. cpu in millicores, everything else in units. ``non_zero`` fills a missing cpu/memory
    request per container with 100m / 200Mi (the scoring defaults)."""

    def vec(c: dict[str, Any]) -> dict[str, int]:
        req = _container_requests(c)
        v = _resource_vector(req)
        if non_zero:
            if "cpu" not in req:
                v["cpu"] = DEFAULT_MILLI_CPU_REQUEST
            if "memory" not in req:
                v["memory"] = DEFAULT_MEMORY_REQUEST
        return v

    total: dict[str, int] = {}
    for c in spec.get("containers") or []:
        if isinstance(c, dict):
            for k, v in vec(c).items():
                total[k] = total.get(k, 0) + v
    sidecars: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for c in spec.get("initContainers") or []:
        if not isinstance(c, dict):
            continue
        iv = vec(c)
        if c.get("restartPolicy") == "Always":
            for k, x in iv.items():
                total[k] = total.get(k, 0) + x
                sidecars[k] = sidecars.get(k, 0) + x
            for k, x in sidecars.items():
                init_max[k] = max(init_max.get(k, 0), x)
        else:
            for k in set(iv) | set(sidecars):
                init_max[k] = max(init_max.get(k, 0), iv.get(k, 0) + sidecars.get(k, 0))
    for k, x in init_max.items():
        if x > total.get(k, 0):
            total[k] = x
    overhead = spec.get("overhead")
    if isinstance(overhead, dict):
        for k, x in _resource_vector(overhead).items():
            total[k] = total.get(k, 0) + x
    return total


def normalized_image_name(name: str) -> str:
    """ImageLocality's ``normalizedImageName``: a name without a tag gets ``:latest``."""
    if "@" in name:
        return name
    if ":" not in name.rsplit("/", 1)[-1]:
        return name + ":latest"
    return name


class PodInfo:
    """What the scheduler needs from one pod, computed once when the pod is seen."""

    __slots__ = (
        "key",
        "uid",
        "namespace",
        "name",
        "labels",
        "priority",
        "spec",
        "pod",
        "cpu",
        "mem",
        "eph",
        "scalar",
        "nz_cpu",
        "nz_mem",
        "host_ports",
        "tolerations",
        "node_selector",
        "required_node_terms",
        "preferred_node_terms",
        "affinity",
        "anti_affinity",
        "preferred_affinity",
        "preferred_anti_affinity",
        "images",
        "n_containers",
        "disk_volumes",
        "node_name",
        "preemption_policy",
        "created",
        "terminating",
        "required_node_names",
    )

    def __init__(self, pod: dict[str, Any]) -> None:
        meta = pod.get("metadata") or {}
        spec = pod.get("spec") or {}
        self.pod = pod
        self.spec = spec
        self.namespace = meta.get("namespace") or ""
        self.name = meta.get("name") or ""
        self.key = (self.namespace, self.name)
        self.uid = meta.get("uid") or ""
        self.labels: dict[str, str] = meta.get("labels") or {}
        self.created = meta.get("creationTimestamp") or ""
        self.terminating = bool(meta.get("deletionTimestamp"))
        self.priority = int(spec.get("priority") or 0)
        self.preemption_policy = spec.get("preemptionPolicy") or "PreemptLowerPriority"
        self.node_name = spec.get("nodeName") or ""
        req = pod_requests(spec)
        self.cpu = req.pop("cpu", 0)
        self.mem = req.pop("memory", 0)
        self.eph = req.pop("ephemeral-storage", 0)
        req.pop("pods", None)
        self.scalar = {k: v for k, v in req.items() if v}
        nz = pod_requests(spec, non_zero=True)
        self.nz_cpu = nz.get("cpu", 0)
        self.nz_mem = nz.get("memory", 0)
        ports: list[tuple[str, str, int]] = []
        for c in list(spec.get("initContainers") or []) + list(spec.get("containers") or []):
            if not isinstance(c, dict):
                continue
            for p in c.get("ports") or []:
                if isinstance(p, dict) and p.get("hostPort"):
                    ports.append(
                        (p.get("hostIP") or "0.0.0.0", p.get("protocol") or "TCP", int(p["hostPort"]))
                    )
        self.host_ports = ports
        tol = spec.get("tolerations")
        self.tolerations: list[dict[str, Any]] = (
            [t for t in tol if isinstance(t, dict)] if isinstance(tol, list) else []
        )
        ns = spec.get("nodeSelector")
        self.node_selector: dict[str, str] = ns if isinstance(ns, dict) else {}
        aff = spec.get("affinity") or {}
        na = aff.get("nodeAffinity") or {}
        req_na = na.get("requiredDuringSchedulingIgnoredDuringExecution") or {}
        self.required_node_terms: list[dict[str, Any]] | None = (
            list(req_na.get("nodeSelectorTerms") or []) if req_na else None
        )
        self.preferred_node_terms = list(na.get("preferredDuringSchedulingIgnoredDuringExecution") or [])
        pa = aff.get("podAffinity") or {}
        paa = aff.get("podAntiAffinity") or {}
        self.affinity = list(pa.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
        self.anti_affinity = list(paa.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
        self.preferred_affinity = list(pa.get("preferredDuringSchedulingIgnoredDuringExecution") or [])
        self.preferred_anti_affinity = list(paa.get("preferredDuringSchedulingIgnoredDuringExecution") or [])
        images: list[str] = []
        n = 0
        for c in list(spec.get("initContainers") or []) + list(spec.get("containers") or []):
            if isinstance(c, dict):
                n += 1
                if c.get("image"):
                    images.append(normalized_image_name(str(c["image"])))
        self.images = images
        self.n_containers = n
        disks = []
        for v in spec.get("volumes") or []:
            if not isinstance(v, dict):
                continue
            for kind in ("gcePersistentDisk", "awsElasticBlockStore", "iscsi", "rbd"):
                if isinstance(v.get(kind), dict):
                    disks.append((kind, v[kind]))
        self.disk_volumes = disks
        self.required_node_names = _match_field_node_names(self.required_node_terms)

    @property
    def has_pod_affinity(self) -> bool:
        """Any pod (anti-)affinity at all (NodeInfo.PodsWithAffinity)."""
        return bool(
            self.affinity or self.anti_affinity or self.preferred_affinity or self.preferred_anti_affinity
        )


def _match_field_node_names(terms: list[dict[str, Any]] | None) -> set[str] | None:
    """NodeAffinity PreFilter: node names when every term pins ``metadata.name`` with ``In`` (else None)."""
    if not terms:
        return None
    names: set[str] = set()
    for t in terms:
        if not isinstance(t, dict):
            return None
        found = None
        for r in t.get("matchFields") or []:
            if isinstance(r, dict) and r.get("key") == "metadata.name" and r.get("operator") == "In":
                vals = set(r.get("values") or [])
                found = vals if found is None else (found & vals)
        if found is None:
            return None
        names |= found
    return names


# ---- nodes ---------------------------------------------------------------------------------------

_STATE_IDS: dict[tuple[Any, ...], int] = {}
_state_counter = [0]


def _intern(state: tuple[Any, ...]) -> int:
    """A number per distinct node state, so hot loops hash an int instead of a nested tuple."""
    n = _STATE_IDS.get(state)
    if n is None:
        if len(_STATE_IDS) > 1_000_000:
            _STATE_IDS.clear()
        _state_counter[0] += 1
        n = _STATE_IDS[state] = _state_counter[0]
    return n


class NodeInfo:
    """A node and the aggregate of the pods assigned to it."""

    __slots__ = (
        "name",
        "node",
        "labels",
        "taints",
        "taint_key",
        "unschedulable",
        "alloc_cpu",
        "alloc_mem",
        "alloc_eph",
        "alloc_pods",
        "alloc_scalar",
        "cpu",
        "mem",
        "eph",
        "scalar",
        "nz_cpu",
        "nz_mem",
        "pods",
        "ports",
        "images",
        "sig",
        "generation",
        "index",
        "fast_key",
        "keys_ref",
        "image_key",
    )

    def __init__(self, name: str) -> None:
        self.name = name
        self.node: dict[str, Any] | None = None
        self.labels: dict[str, str] = {}
        self.taints: list[dict[str, Any]] = []
        self.taint_key: tuple[tuple[str, str, str], ...] = ()
        self.unschedulable = False
        self.alloc_cpu = self.alloc_mem = self.alloc_eph = self.alloc_pods = 0
        self.alloc_scalar: dict[str, int] = {}
        self.cpu = self.mem = self.eph = self.nz_cpu = self.nz_mem = 0
        self.scalar: dict[str, int] = {}
        self.pods: dict[tuple[str, str], PodInfo] = {}
        self.ports: dict[tuple[str, int], dict[str, int]] = {}
        self.images: dict[str, int] = {}
        self.image_key: tuple[tuple[str, int], ...] = ()
        self.sig: tuple[int, ...] = ()
        self.fast_key = 0
        # The scheduler's list of fast keys by node index, kept current as this node changes.
        self.keys_ref: list[int] | None = None
        self.generation = 0
        self.index = -1

    def set_node(self, node: dict[str, Any], image_size: Any) -> None:
        """Take the node object's labels, taints, allocatable and images."""
        self.node = node
        meta = node.get("metadata") or {}
        spec = node.get("spec") or {}
        status = node.get("status") or {}
        self.labels = meta.get("labels") or {}
        self.taints = [t for t in spec.get("taints") or [] if isinstance(t, dict)]
        self.taint_key = tuple(
            (t.get("key", ""), t.get("value", ""), t.get("effect", "")) for t in self.taints
        )
        self.unschedulable = bool(spec.get("unschedulable"))
        alloc = status.get("allocatable") or {}
        self.alloc_cpu = quantity.milli_value(alloc.get("cpu", "0"))
        self.alloc_mem = quantity.value(alloc.get("memory", "0"))
        self.alloc_eph = quantity.value(alloc.get("ephemeral-storage", "0"))
        self.alloc_pods = quantity.value(alloc.get("pods", "0"))
        self.alloc_scalar = {
            k: quantity.value(v)
            for k, v in alloc.items()
            if k not in ("cpu", "memory", "ephemeral-storage", "pods")
        }
        images: dict[str, int] = {}
        for img in status.get("images") or []:
            if not isinstance(img, dict):
                continue
            size = img.get("sizeBytes")
            for n in img.get("names") or []:
                images[n] = int(size) if size is not None else int(image_size(n))
        self.images = images
        self.image_key = tuple(sorted(images.items()))
        self._resig()

    def _resig(self) -> None:
        self.generation += 1
        self.sig = (
            self.cpu,
            self.mem,
            self.eph,
            self.nz_cpu,
            self.nz_mem,
            len(self.pods),
            self.alloc_cpu,
            self.alloc_mem,
            self.alloc_eph,
            self.alloc_pods,
        )
        # Everything a pod without node-specific constraints can see of this node, as a small int.
        self.fast_key = _intern(
            (
                self.taint_key,
                self.unschedulable,
                self.sig,
                tuple(sorted(self.scalar.items())),
                tuple(sorted(self.alloc_scalar.items())),
                self.image_key,
            )
        )
        if self.keys_ref is not None:
            self.keys_ref[self.index] = self.fast_key

    def add_pod(self, pi: PodInfo) -> None:
        """Account for a pod assigned to this node."""
        self.pods[pi.key] = pi
        self._update(pi, 1)

    def remove_pod(self, key: tuple[str, str]) -> PodInfo | None:
        """Forget a pod that left this node."""
        pi = self.pods.pop(key, None)
        if pi is not None:
            self._update(pi, -1)
        return pi

    def _update(self, pi: PodInfo, sign: int) -> None:
        self.cpu += sign * pi.cpu
        self.mem += sign * pi.mem
        self.eph += sign * pi.eph
        self.nz_cpu += sign * pi.nz_cpu
        self.nz_mem += sign * pi.nz_mem
        for k, v in pi.scalar.items():
            self.scalar[k] = self.scalar.get(k, 0) + sign * v
        for ip, proto, port in pi.host_ports:
            m = self.ports.setdefault((proto, port), {})
            m[ip] = m.get(ip, 0) + sign
            if m[ip] <= 0:
                del m[ip]
                if not m:
                    del self.ports[(proto, port)]
        self._resig()

    def port_conflict(self, ip: str, proto: str, port: int) -> bool:
        """HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every IP on the same protocol/port."""
        m = self.ports.get((proto, port))
        if not m:
            return False
        if ip == "0.0.0.0":
            return True
        return ip in m or "0.0.0.0" in m


# ---- tolerations and node selectors (shared with the taint-eviction controller) -------------------


def toleration_tolerates(t: dict[str, Any], taint: dict[str, Any]) -> bool:
    """``Toleration.ToleratesTaint``: effect (empty = all), key (empty + Exists = all), Equal/Exists."""
    eff = t.get("effect") or ""
    if eff and eff != taint.get("effect"):
        return False
    key = t.get("key") or ""
    if key and key != taint.get("key"):
        return False
    op = t.get("operator") or "Equal"
    if op == "Exists":
        return True
    if op == "Equal":
        return (t.get("value") or "") == (taint.get("value") or "")
    return False


def tolerates(tolerations: list[dict[str, Any]], taint: dict[str, Any]) -> bool:
    """Some toleration in the list tolerates the taint."""
    return any(toleration_tolerates(t, taint) for t in tolerations)


def first_untolerated(
    taints: list[dict[str, Any]],
    tolerations: list[dict[str, Any]],
    effects: tuple[str, ...] = ("NoSchedule", "NoExecute"),
) -> dict[str, Any] | None:
    """``FindMatchingUntoleratedTaint`` over the given effects, in the node's taint order."""
    for taint in taints:
        if taint.get("effect") in effects and not tolerates(tolerations, taint):
            return taint
    return None


def _requirement_matches(req: dict[str, Any], value: str | None) -> bool:
    op = req.get("operator")
    vals = req.get("values") or []
    if op == "In":
        return value is not None and value in vals
    if op == "NotIn":
        return value is None or value not in vals
    if op == "Exists":
        return value is not None
    if op == "DoesNotExist":
        return value is None
    if op in ("Gt", "Lt"):
        if value is None or len(vals) != 1:
            return False
        try:
            a, b = int(value), int(vals[0])
        except ValueError:
            return False
        return a > b if op == "Gt" else a < b
    return False


def node_selector_term_matches(term: dict[str, Any], labels: dict[str, str], name: str) -> bool:
    """One NodeSelectorTerm: all matchExpressions on labels and all matchFields (metadata.name) hold.
    A term with neither matches nothing."""
    exprs = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not exprs and not fields:
        return False
    for r in exprs:
        if not isinstance(r, dict) or not _requirement_matches(r, labels.get(r.get("key", ""))):
            return False
    for r in fields:
        if not isinstance(r, dict) or r.get("key") != "metadata.name":
            return False
        if not _requirement_matches(r, name):
            return False
    return True


def required_node_affinity_matches(pi: PodInfo, labels: dict[str, str], name: str) -> bool:
    """nodeSelector (all labels equal) AND required nodeAffinity (any term)."""
    for k, v in pi.node_selector.items():
        if labels.get(k) != v:
            return False
    if pi.required_node_terms is not None:
        return any(
            isinstance(t, dict) and node_selector_term_matches(t, labels, name)
            for t in pi.required_node_terms
        )
    return True


# ---- the FailedScheduling message ----------------------------------------------------------------


def histogram(statuses: list[Status]) -> str:
    """``"<count> <reason>"`` for every reason, plain string sort, joined by ``", "`` (FitError.Error)."""
    counts: dict[str, int] = {}
    for st in statuses:
        for r in st.reasons:
            counts[r] = counts.get(r, 0) + 1
    return ", ".join(sorted(f"{v} {k}" for k, v in counts.items()))


def fit_error_message(
    num_all_nodes: int, statuses: list[Status], prefilter_msg: str = "", postfilter_msg: str = ""
) -> str:
    """``FitError.Error()`` (1.32): ``0/N nodes are available: <histogram>.`` + `` <postfilter msg>``."""
    msg = NO_NODE_AVAILABLE.format(n=num_all_nodes) + ":"
    if prefilter_msg:
        msg += f" {prefilter_msg}."
    else:
        h = histogram(statuses)
        if h:
            msg += f" {h}."
    if postfilter_msg:
        msg += " " + postfilter_msg
    return msg


@dataclass
class NodeTrace:
    """Filter verdicts and scores of one node in one scheduling attempt."""

    filters: list[tuple[str, str, str]] = field(default_factory=list)  # (plugin, code, reason)
    scores: dict[str, tuple[int, int]] = field(default_factory=dict)  # plugin -> (raw, normalized)
    total: int | None = None
