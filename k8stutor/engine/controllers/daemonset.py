"""The DaemonSet controller (``pkg/controller/daemon``): one pod per eligible node, rolling updates, status.

A node is eligible when the pod template's nodeSelector and required node affinity match it and every
NoSchedule/NoExecute taint is tolerated (with the tolerations the controller adds to every daemon pod).
Each pod is pinned to its node with a ``matchFields metadata.name`` node affinity and left to the scheduler.
"""

from __future__ import annotations

from typing import Any

from ..errors import StatusError
from ..events import NORMAL, EventRecorder
from ..store import Event, Obj, clone
from .base import Controller, Key
from .history import (
    CONTROLLER_REVISION_HASH,
    OwnerIndex,
    compute_hash,
    controller_ref,
    is_pod_available,
    is_pod_ready,
    new_controller_revision,
    owned_revisions,
    owner_ref,
    template_patch,
    truncate_history,
)

POD_TEMPLATE_GENERATION = "pod-template-generation"
# The apps/v1 face of the internal ``spec.templateGeneration`` (pkg/apis/apps/v1/conversion.go): 1 on create,
# +1 on every template change (pkg/registry/apps/daemonset/strategy.go).
TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"

# util.AddOrUpdateDaemonPodTolerations, in the order the controller appends them.
DAEMON_TOLERATIONS: tuple[Obj, ...] = (
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists"},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/disk-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/memory-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/pid-pressure", "operator": "Exists"},
    {"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "operator": "Exists"},
)
NETWORK_UNAVAILABLE_TOLERATION: Obj = {
    "effect": "NoSchedule",
    "key": "node.kubernetes.io/network-unavailable",
    "operator": "Exists",
}


def daemon_tolerations(pod_spec: Obj) -> list[Obj]:
    """The template's tolerations plus the DaemonSet defaults not already present (exact match, like Go)."""
    tols = [dict(t) for t in pod_spec.get("tolerations") or ()]
    extra = list(DAEMON_TOLERATIONS)
    if pod_spec.get("hostNetwork"):
        extra.append(NETWORK_UNAVAILABLE_TOLERATION)
    for t in extra:
        if not any(_same_toleration(t, o) for o in tols):
            tols.append(dict(t))
    return tols


def _same_toleration(a: Obj, b: Obj) -> bool:
    return all((a.get(k) or "") == (b.get(k) or "") for k in ("key", "operator", "value", "effect")) and (
        a.get("tolerationSeconds") == b.get("tolerationSeconds")
    )


def tolerates(tol: Obj, taint: Obj) -> bool:
    """``Toleration.ToleratesTaint``."""
    if tol.get("effect") and tol.get("effect") != taint.get("effect"):
        return False
    if tol.get("key") and tol.get("key") != taint.get("key"):
        return False
    if tol.get("operator", "Equal") == "Exists":
        return True
    if not tol.get("key"):
        return False
    return (tol.get("value") or "") == (taint.get("value") or "")


def _expr_matches(expr: Obj, labels: dict[str, str]) -> bool:
    key, op, values = expr.get("key", ""), expr.get("operator", ""), expr.get("values") or []
    if op == "In":
        return key in labels and labels[key] in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    if op in ("Gt", "Lt") and key in labels and len(values) == 1:
        try:
            have, want = int(labels[key]), int(values[0])
        except ValueError:
            return False
        return have > want if op == "Gt" else have < want
    return False


def node_selector_terms_match(terms: list[Obj], node: Obj) -> bool:
    """Required node affinity: terms are ORed, expressions and fields inside a term ANDed."""
    labels = node["metadata"].get("labels") or {}
    fields = {"metadata.name": node["metadata"]["name"]}
    for term in terms:
        exprs, flds = term.get("matchExpressions") or [], term.get("matchFields") or []
        if not exprs and not flds:
            continue
        if all(_expr_matches(e, labels) for e in exprs) and all(_expr_matches(f, fields) for f in flds):
            return True
    return False


def node_should_run(pod_spec: Obj, node: Obj) -> tuple[bool, bool]:
    """``NodeShouldRunDaemonPod``: (shouldRun, shouldContinueRunning) for a daemon pod spec on ``node``."""
    labels = node["metadata"].get("labels") or {}
    for k, v in (pod_spec.get("nodeSelector") or {}).items():
        if labels.get(k) != v:
            return False, False
    req = ((pod_spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    )
    if req is not None and not node_selector_terms_match(req.get("nodeSelectorTerms") or [], node):
        return False, False
    tols = daemon_tolerations(pod_spec)
    should_run = should_continue = True
    for taint in (node.get("spec") or {}).get("taints") or ():
        if taint.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not any(tolerates(t, taint) for t in tols):
            should_run = False
            if taint.get("effect") == "NoExecute":
                should_continue = False
    return should_run, should_continue


def pin_to_node(affinity: Obj | None, node_name: str) -> Obj:
    """``ReplaceDaemonSetPodNodeNameNodeAffinity``: the pod's required node affinity selects exactly one node."""
    aff = clone(affinity) if affinity else {}
    na = aff.setdefault("nodeAffinity", {})
    field = [{"key": "metadata.name", "operator": "In", "values": [node_name]}]
    req = na.get("requiredDuringSchedulingIgnoredDuringExecution") or {}
    terms = req.get("nodeSelectorTerms") or []
    if not terms:
        terms = [{"matchFields": field}]
    else:
        terms = [dict(t, matchFields=field) for t in terms]
    na["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": terms}
    return aff


def new_daemon_pod(ds: Obj, node_name: str, hash_: str) -> Obj:
    """The pod the controller creates for ``node_name`` (before API defaulting and admission)."""
    template = ds["spec"]["template"]
    tmeta = template.get("metadata") or {}
    labels = dict(tmeta.get("labels") or {})
    labels[CONTROLLER_REVISION_HASH] = hash_
    labels[POD_TEMPLATE_GENERATION] = template_generation(ds)
    spec = clone(template.get("spec") or {})
    spec["affinity"] = pin_to_node(spec.get("affinity"), node_name)
    spec["tolerations"] = daemon_tolerations(spec)
    meta: Obj = {
        "generateName": f"{ds['metadata']['name']}-",
        "namespace": ds["metadata"]["namespace"],
        "labels": labels,
        "ownerReferences": [owner_ref(ds)],
    }
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def template_generation(ds: Obj) -> str:
    """The DaemonSet's template generation (its annotation; the object's generation before it is set)."""
    ann = (ds["metadata"].get("annotations") or {}).get(TEMPLATE_GENERATION)
    return str(ann or ds["metadata"].get("generation", 1))


def new_daemonset_revision(ds: Obj, revision: int = 1) -> Obj:
    """The ControllerRevision the controller snapshots for the DaemonSet's current template."""
    h = compute_hash(ds["spec"]["template"], (ds.get("status") or {}).get("collisionCount"))
    return new_controller_revision(ds, template_patch(ds), f"{ds['metadata']['name']}-{h}", h, revision)


def pod_node_name(pod: Obj) -> str:
    """The node a daemon pod runs on, or the node its affinity pins it to while still unscheduled."""
    if pod["spec"].get("nodeName"):
        return str(pod["spec"]["nodeName"])
    req = ((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    for term in req.get("nodeSelectorTerms") or ():
        for f in term.get("matchFields") or ():
            if (
                f.get("key") == "metadata.name"
                and f.get("operator") == "In"
                and len(f.get("values") or ()) == 1
            ):
                return str(f["values"][0])
    return ""


def _int_or_percent(value: Any, total: int, round_up: bool) -> int:
    if isinstance(value, str) and value.endswith("%"):
        try:
            pct = int(value[:-1])
        except ValueError:
            return 0
        n = total * pct
        return -(-n // 100) if round_up else n // 100
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


class DaemonSetController(Controller):
    """``DaemonSetsController.syncDaemonSet``: manage pods per node, roll updates, write status."""

    name = "daemonset-controller"
    watches = ("daemonsets.apps", "pods", "nodes")

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        self.recorder = EventRecorder(self.api, "daemonset-controller")
        self.pods = OwnerIndex()
        self._node_shape: dict[str, Any] = {}
        self._template_gen: dict[str, tuple[str, int]] = {}  # uid -> (template hash, template generation)
        self.pods.rebuild(cluster.store, "pods")
        for n in cluster.store.list("nodes"):
            self._node_shape[n["metadata"]["name"]] = self._shape(n)

    @staticmethod
    def _shape(node: Obj) -> Any:
        return (repr(node["metadata"].get("labels")), repr((node.get("spec") or {}).get("taints")))

    def on_event(self, ev: Event) -> None:
        meta = ev.object["metadata"]
        if ev.resource == "pods":
            ref = self.pods.update(ev)
            if ref is not None and ref.get("kind") == "DaemonSet":
                self.queue.add(("daemonsets.apps", meta.get("namespace", ""), ref.get("name", "")))
            return
        if ev.resource == "nodes":
            shape = None if ev.type == "DELETED" else self._shape(ev.object)
            if self._node_shape.get(meta["name"]) == shape:
                return
            if shape is None:
                self._node_shape.pop(meta["name"], None)
            else:
                self._node_shape[meta["name"]] = shape
            for ds in self.cluster.store.list("daemonsets.apps"):
                self.queue.add(("daemonsets.apps", ds["metadata"]["namespace"], ds["metadata"]["name"]))
            return
        self.queue.add((ev.resource, meta.get("namespace", "") or "", meta["name"]))

    # ---- reconcile ----------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        _, ns, name = key
        ds = self.cluster.store.get("daemonsets.apps", ns, name)
        if ds is None or ds["metadata"].get("deletionTimestamp"):
            return
        spec = ds.get("spec") or {}
        template_spec = (spec.get("template") or {}).get("spec") or {}
        hash_ = compute_hash(spec.get("template") or {}, (ds.get("status") or {}).get("collisionCount"))
        ds = self._ensure_template_generation(ds, hash_)
        self._ensure_revision(ds, hash_)
        now = self.api.now()
        min_ready = int(spec.get("minReadySeconds") or 0)
        nodes = sorted(self.cluster.store.list("nodes"), key=lambda n: n["metadata"]["name"])
        pods_by_node: dict[str, list[Obj]] = {}
        for pod in self.pods.objects(self.cluster.store, "pods", ds["metadata"]["uid"]):
            pods_by_node.setdefault(pod_node_name(pod), []).append(pod)
        to_create: list[str] = []
        to_delete: list[Obj] = []
        desired = current = misscheduled = ready = available = updated = 0
        old_pods: list[tuple[str, Obj, bool]] = []  # (node, pod, available)
        node_names = set()
        for node in nodes:
            nname = node["metadata"]["name"]
            node_names.add(nname)
            should_run, should_continue = node_should_run(template_spec, node)
            pods = pods_by_node.get(nname, [])
            live = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
            if should_run:
                desired += 1
            if pods and not should_run:
                misscheduled += 1
            if should_run and not pods:
                to_create.append(nname)
                continue
            if should_continue:
                running = []
                for p in live:
                    if (p.get("status") or {}).get("phase") == "Failed":
                        to_delete.append(p)
                    else:
                        running.append(p)
                if len(running) > 1:
                    running.sort(key=lambda p: p["metadata"].get("creationTimestamp", ""))
                    to_delete.extend(running[1:])
                    running = running[:1]
                if should_run and pods:
                    current += 1
                for p in running:
                    is_ready = is_pod_ready(p)
                    is_avail = is_pod_available(p, min_ready, now)
                    ready += is_ready
                    available += is_avail
                    if _is_updated(p, hash_, ds):
                        updated += 1
                    else:
                        old_pods.append((nname, p, is_avail))
            elif pods:
                to_delete.extend(live)
        for nname, pods in pods_by_node.items():
            if nname not in node_names:
                to_delete.extend(p for p in pods if not p["metadata"].get("deletionTimestamp"))
        strategy = spec.get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") == "RollingUpdate" and old_pods:
            to_delete.extend(self._rolling_update(strategy, desired, available, old_pods, to_delete))
        for nname in to_create:
            self._create_pod(ds, nname, hash_)
        seen: set[str] = set()
        for p in to_delete:
            if p["metadata"]["name"] in seen:
                continue
            seen.add(p["metadata"]["name"])
            self._delete_pod(ds, p)
        self._update_status(ds, desired, current, misscheduled, ready, available, updated)
        if min_ready and ready > available:
            self.requeue_after(key, 1.0)
        self._cleanup_history(ds, hash_)

    def _ensure_template_generation(self, ds: Obj, hash_: str) -> Obj:
        """Keep the ``deprecated.daemonset.template.generation`` annotation: +1 whenever the template changes."""
        meta = ds["metadata"]
        uid = meta.get("uid", "")
        ann = (meta.get("annotations") or {}).get(TEMPLATE_GENERATION)
        known = self._template_gen.get(uid)
        if known is None:
            gen = int(ann) if ann and str(ann).isdigit() else int(meta.get("generation", 1) or 1)
        else:
            gen = known[1] + 1 if known[0] != hash_ else known[1]
        self._template_gen[uid] = (hash_, gen)
        if ann == str(gen):
            return ds
        upd = clone(ds)
        upd["metadata"]["annotations"] = dict(
            meta.get("annotations") or {}, **{TEMPLATE_GENERATION: str(gen)}
        )
        self._write(upd)
        return self.cluster.store.get("daemonsets.apps", meta.get("namespace", ""), meta["name"]) or ds

    def _rolling_update(
        self,
        strategy: Obj,
        desired: int,
        available: int,
        old_pods: list[tuple[str, Obj, bool]],
        already: list[Obj],
    ) -> list[Obj]:
        """``rollingUpdate`` with maxSurge 0: delete old pods while the unavailable budget allows."""
        ru = strategy.get("rollingUpdate") or {}
        max_unavailable = _int_or_percent(ru.get("maxUnavailable", 1), desired, round_up=True)
        if max_unavailable == 0 and _int_or_percent(ru.get("maxSurge", 0), desired, round_up=True) == 0:
            max_unavailable = 1
        unavailable = desired - available
        out: list[Obj] = []
        doomed = {p["metadata"]["name"] for p in already}
        for _, pod, is_avail in old_pods:
            if not is_avail and pod["metadata"]["name"] not in doomed:
                out.append(pod)
        budget = max_unavailable - unavailable
        for _, pod, is_avail in old_pods:
            if budget <= 0:
                break
            if is_avail:
                out.append(pod)
                budget -= 1
        return out

    def _create_pod(self, ds: Obj, node_name: str, hash_: str) -> None:
        try:
            pod = self.api.create(new_daemon_pod(ds, node_name, hash_))
        except StatusError as err:
            self.recorder.event(ds, "Warning", "FailedCreate", f"Error creating: {err.message}")
            return
        self.recorder.event(ds, NORMAL, "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}")

    def _delete_pod(self, ds: Obj, pod: Obj) -> None:
        try:
            self.api.delete("pods", pod["metadata"]["name"], pod["metadata"]["namespace"])
        except StatusError:
            return
        self.recorder.event(ds, NORMAL, "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}")

    def _ensure_revision(self, ds: Obj, hash_: str) -> None:
        revisions = owned_revisions(self.api, ds)
        max_rev = max((int(r.get("revision", 0)) for r in revisions), default=0)
        for r in revisions:
            if (r["metadata"].get("labels") or {}).get(CONTROLLER_REVISION_HASH) == hash_:
                if int(r.get("revision", 0)) < max_rev:
                    upd = clone(r)
                    upd["revision"] = max_rev + 1
                    self._write(upd)
                return
        cr = new_daemonset_revision(ds, max_rev + 1)
        try:
            self.api.create(cr)
        except StatusError:
            pass

    def _cleanup_history(self, ds: Obj, hash_: str) -> None:
        limit = int((ds.get("spec") or {}).get("revisionHistoryLimit", 10))
        revisions = owned_revisions(self.api, ds)
        if len(revisions) <= limit + 1:
            return
        live_hashes = {hash_}
        for pod in self.pods.objects(self.cluster.store, "pods", ds["metadata"]["uid"]):
            live_hashes.add((pod["metadata"].get("labels") or {}).get(CONTROLLER_REVISION_HASH, ""))
        live = {
            r["metadata"]["name"]
            for r in revisions
            if (r["metadata"].get("labels") or {}).get(CONTROLLER_REVISION_HASH) in live_hashes
        }
        truncate_history(self.api, revisions, live, limit)

    def _update_status(
        self, ds: Obj, desired: int, current: int, misscheduled: int, ready: int, available: int, updated: int
    ) -> None:
        old = ds.get("status") or {}
        status: Obj = {}
        if old.get("collisionCount") is not None:
            status["collisionCount"] = old["collisionCount"]
        if old.get("conditions"):
            status["conditions"] = old["conditions"]
        status.update(currentNumberScheduled=current, desiredNumberScheduled=desired)
        if available:
            status["numberAvailable"] = available
        status["numberMisscheduled"] = misscheduled
        status["numberReady"] = ready
        if desired - available > 0:
            status["numberUnavailable"] = desired - available
        status["observedGeneration"] = ds["metadata"].get("generation", 1)
        if updated:
            status["updatedNumberScheduled"] = updated
        if status != old:
            upd = clone(ds)
            upd["status"] = status
            try:
                self.api.update_status(upd)
            except StatusError:
                pass

    def _write(self, obj: Obj) -> None:
        try:
            self.api.update(obj, validate_schema=False)
        except StatusError:
            pass


def _is_updated(pod: Obj, hash_: str, ds: Obj) -> bool:
    """``util.IsPodUpdated``: the pod carries the current hash (or, without one, the current generation)."""
    labels = pod["metadata"].get("labels") or {}
    if CONTROLLER_REVISION_HASH in labels:
        return bool(labels[CONTROLLER_REVISION_HASH] == hash_)
    return labels.get(POD_TEMPLATE_GENERATION) == template_generation(ds)


def is_daemon_pod(pod: Obj) -> bool:
    """True when a DaemonSet controls ``pod`` (``kubectl drain`` skips these with --ignore-daemonsets)."""
    ref = controller_ref(pod)
    return ref is not None and ref.get("kind") == "DaemonSet"


def install(cluster: Any) -> DaemonSetController:
    """Register the DaemonSet controller with ``cluster``."""
    c = DaemonSetController(cluster)
    c = cluster.add_controller(c)  # type: ignore[assignment]
    return c
