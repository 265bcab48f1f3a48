"""The ReplicaSet and ReplicationController controllers (``pkg/controller/replicaset``).

Both keep ``spec.replicas`` active pods: they adopt matching orphans, release pods whose labels no longer
match, create pods from the template (``generateName: <owner>-``, event ``SuccessfulCreate``) and delete the
pods the real ``ActivePodsWithRanks`` order puts first (event ``SuccessfulDelete``). Status carries
replicas / fullyLabeledReplicas / readyReplicas / availableReplicas (``minReadySeconds``) /
observedGeneration, as ``calculateStatus`` writes it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..errors import StatusError
from ..events import EventRecorder
from ..selectors import LabelSelector, Requirement, selector_from_label_selector
from ..store import DELETED, Event, Obj, clone
from ..timeutil import parse_rfc3339, rfc3339
from .base import Controller, Key

if TYPE_CHECKING:
    from ..cluster import Cluster

BURST_REPLICAS = 500  # kube-controller-manager --concurrent... burstReplicas of the ReplicaSet controller
SLOW_START_INITIAL_BATCH = 1
POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"

_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}

PodKey = tuple[str, str]  # (namespace, name)


# ---- pod helpers shared with the Deployment controller --------------------------------------------------


def controller_ref(obj: Obj) -> dict[str, Any] | None:
    """``metav1.GetControllerOf``: the ownerReference with ``controller: true``, if any."""
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref
    return None


def owner_reference(owner: Obj) -> dict[str, Any]:
    """``metav1.NewControllerRef``: controller=true, blockOwnerDeletion=true."""
    return {
        "apiVersion": owner["apiVersion"],
        "blockOwnerDeletion": True,
        "controller": True,
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
    }


def is_pod_active(pod: Obj) -> bool:
    """``controller.IsPodActive``: not Succeeded/Failed and not being deleted."""
    return (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed") and not pod["metadata"].get(
        "deletionTimestamp"
    )


def ready_condition(pod: Obj) -> dict[str, Any] | None:
    for c in (pod.get("status") or {}).get("conditions") or ():
        if c.get("type") == "Ready":
            return c
    return None


def is_pod_ready(pod: Obj) -> bool:
    """``podutil.IsPodReady``."""
    c = ready_condition(pod)
    return c is not None and c.get("status") == "True"


def ready_since(pod: Obj) -> float | None:
    """When the Ready condition last turned True (None if unknown)."""
    c = ready_condition(pod)
    if c is None or c.get("status") != "True":
        return None
    return parse_rfc3339(c.get("lastTransitionTime") or "")


def is_pod_available(pod: Obj, min_ready_seconds: int, now: float) -> bool:
    """``podutil.IsPodAvailable``: ready, and ready for longer than minReadySeconds."""
    if not is_pod_ready(pod):
        return False
    if not min_ready_seconds:
        return True
    since = ready_since(pod)
    return since is not None and since + min_ready_seconds < now


def _max_restarts(pod: Obj) -> int:
    return max(
        (int(s.get("restartCount", 0)) for s in (pod.get("status") or {}).get("containerStatuses") or ()),
        default=0,
    )


def _deletion_cost(pod: Obj) -> int:
    v = (pod["metadata"].get("annotations") or {}).get(POD_DELETION_COST)
    try:
        return int(v) if v is not None else 0
    except ValueError:
        return 0


def _log_rank(t: float | None, now: float) -> int:
    if t is None:
        return -1
    d = (now - t) * 1e9
    return int(math.log2(d)) if d > 0 else -1


def rank_pods_for_deletion(pods: list[Obj], related: list[Obj], now: float) -> list[Obj]:
    """``getPodsToDelete`` order: ``ActivePodsWithRanks`` with LogarithmicScaleDown (on by default in 1.32)."""
    on_node: dict[str, int] = {}
    for p in related:
        if is_pod_active(p):
            n = (p.get("spec") or {}).get("nodeName", "")
            on_node[n] = on_node.get(n, 0) + 1

    def key(p: Obj) -> tuple[Any, ...]:
        spec = p.get("spec") or {}
        node = spec.get("nodeName", "")
        ready = is_pod_ready(p)
        ready_rank = _log_rank(ready_since(p), now) if ready else 0
        created = parse_rfc3339(p["metadata"].get("creationTimestamp") or "")
        return (
            1 if node else 0,  # 1. unassigned < assigned
            _PHASE_ORDINAL.get((p.get("status") or {}).get("phase", ""), 0),  # 2. Pending < Unknown < Running
            1 if ready else 0,  # 3. not ready < ready
            _deletion_cost(p),  # 4. lower deletion cost first
            -on_node.get(node, 0),  # 5. doubled up < not doubled up
            ready_rank,  # 6. ready for less time first (log2 buckets)
            -_max_restarts(p),  # 7. more restarts first
            _log_rank(created, now),  # 8. newer first (log2 buckets)
            p["metadata"].get("uid", ""),
        )

    return sorted(pods, key=key)


def _replicas(obj: Obj) -> int:
    v = (obj.get("spec") or {}).get("replicas")
    return 1 if v is None else int(v)


def selector_for(obj: Obj, kind: str) -> LabelSelector:
    """The pod selector of a ReplicaSet (metav1.LabelSelector) or a ReplicationController (a plain map)."""
    spec = obj.get("spec") or {}
    if kind == "ReplicationController":
        sel = spec.get("selector") or {}
        if not sel:
            return LabelSelector(nothing=True)
        return LabelSelector(tuple(Requirement(k, "=", (str(v),)) for k, v in sorted(sel.items())))
    return selector_from_label_selector(spec.get("selector"))


class _PodIndex:
    """Pods indexed by controller uid and orphans by namespace, maintained from watch events."""

    def __init__(self) -> None:
        self.by_owner: dict[str, dict[PodKey, None]] = {}
        self.orphans: dict[str, dict[str, None]] = {}
        self.owner_of: dict[PodKey, str] = {}

    def update(self, pod: Obj, deleted: bool) -> tuple[str, str]:
        """Index a pod event; returns (old controller uid, new controller uid) ("" for none)."""
        meta = pod["metadata"]
        key = (meta.get("namespace", ""), meta["name"])
        old = self.owner_of.get(key, "")
        ref = None if deleted else controller_ref(pod)
        new = ref.get("uid", "") if ref else ""
        if deleted or old != new or (not old and key not in self.owner_of):
            if old:
                self.by_owner.get(old, {}).pop(key, None)
            else:
                self.orphans.get(key[0], {}).pop(key[1], None)
        if deleted:
            self.owner_of.pop(key, None)
            return old, ""
        if new:
            self.by_owner.setdefault(new, {})[key] = None
        else:
            self.orphans.setdefault(key[0], {})[key[1]] = None
        self.owner_of[key] = new
        return old, new


class ReplicaSetController(Controller):
    """``ReplicaSetController``; subclassed for ReplicationControllers (same code, other kind)."""

    name = "replicaset-controller"
    resource = "replicasets.apps"
    kind = "ReplicaSet"
    watches = ("replicasets.apps", "pods")

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.recorder = EventRecorder(self.api, self.name)
        self.pods = _PodIndex()
        self.uid_to_name: dict[str, PodKey] = {}
        self.in_namespace: dict[str, dict[str, None]] = {}
        self._timers: dict[Key, float] = {}

    # ---- informers ------------------------------------------------------------------------------
    def on_event(self, ev: Event) -> None:
        obj = ev.object
        meta = obj["metadata"]
        ns = meta.get("namespace", "") or ""
        if ev.resource == self.resource:
            uid = meta.get("uid", "")
            if ev.type == DELETED:
                self.uid_to_name.pop(uid, None)
                self.in_namespace.get(ns, {}).pop(meta["name"], None)
            else:
                self.uid_to_name[uid] = (ns, meta["name"])
                self.in_namespace.setdefault(ns, {})[meta["name"]] = None
                self.queue.add((self.resource, ns, meta["name"]))
            return
        if ev.resource != "pods":
            return
        if ev.type != DELETED and not meta.get("ownerReferences"):
            if self.pods.owner_of.get((ns, meta["name"])) == "":
                # A known orphan still without owner (its status changed): the index is unchanged; only
                # adoption by a matching ReplicaSet of its namespace can follow.
                if self.in_namespace.get(ns) and not meta.get("deletionTimestamp"):
                    self._adopters(ns, meta.get("labels") or {})
                return
        old, new = self.pods.update(obj, ev.type == DELETED)
        for uid in {old, new}:
            if uid and uid in self.uid_to_name:
                rns, rname = self.uid_to_name[uid]
                self.queue.add((self.resource, rns, rname))
        if not new and ev.type != DELETED and not meta.get("deletionTimestamp"):
            self._adopters(ns, meta.get("labels") or {})

    def _adopters(self, ns: str, labels: dict[str, str]) -> None:
        """An orphan: every ReplicaSet of its namespace whose selector matches may adopt it."""
        for rname in list(self.in_namespace.get(ns, ())):
            rs = self.cluster.store.get(self.resource, ns, rname)
            if rs is not None and selector_for(rs, self.kind).matches(labels):
                self.queue.add((self.resource, ns, rname))

    def rebuild(self) -> None:
        """Re-list pods and owners (after a snapshot restore)."""
        self.pods = _PodIndex()
        self.uid_to_name.clear()
        self.in_namespace.clear()
        for rs in self.cluster.store.list(self.resource):
            self.on_event(Event("ADDED", self.resource, rs, 0))
        for pod in self.cluster.store.list("pods"):
            self.pods.update(pod, False)

    # ---- reconcile ------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        _, ns, name = key
        self._timers.pop(key, None)
        rs = self.cluster.store.get(self.resource, ns, name)
        if rs is None:
            return
        meta = rs["metadata"]
        uid = meta.get("uid", "")
        selector = selector_for(rs, self.kind)
        deleting = bool(meta.get("deletionTimestamp"))
        candidates: list[Obj] = []
        store = self.cluster.store
        for pk in list(self.pods.by_owner.get(uid, ())):
            p = store.get("pods", *pk)
            if p is not None and is_pod_active(p):
                candidates.append(p)
        orphans = [store.get("pods", ns, n) for n in list(self.pods.orphans.get(ns, ()))]
        filtered = self._claim_pods(
            rs, selector, deleting, candidates, [p for p in orphans if p is not None and is_pod_active(p)]
        )
        manage_err: StatusError | None = None
        if not deleting:
            manage_err = self._manage_replicas(rs, filtered)
        now = self.api.now()
        self._update_status(rs, filtered, manage_err, now)
        mrs = int((rs.get("spec") or {}).get("minReadySeconds") or 0)
        if mrs > 0:
            pending = [t for p in filtered if (t := ready_since(p)) is not None and not t + mrs < now]
            if pending:
                self._requeue_at(key, min(pending) + mrs + 1)

    def _requeue_at(self, key: Key, due: float) -> None:
        cur = self._timers.get(key)
        if cur is not None and cur <= due:
            return
        self._timers[key] = due
        self.cluster.clock.call_at(due, lambda: self.queue.add(key))

    def _claim_pods(
        self, rs: Obj, selector: LabelSelector, deleting: bool, owned: list[Obj], orphans: list[Obj]
    ) -> list[Obj]:
        """``ClaimPods``: keep matching owned pods, release the others, adopt matching orphans."""
        uid = rs["metadata"]["uid"]
        out: list[Obj] = []
        for p in owned:
            if selector.matches(p["metadata"].get("labels")):
                out.append(p)
            elif not deleting:
                self._set_owner(p, None, uid)
        if deleting:
            return out
        for p in orphans:
            if selector.matches(p["metadata"].get("labels")):
                adopted = self._set_owner(p, owner_reference(rs), uid)
                if adopted is not None:
                    out.append(adopted)
        return out

    def _set_owner(self, pod: Obj, ref: dict[str, Any] | None, uid: str) -> Obj | None:
        upd = clone(pod)
        refs = [r for r in upd["metadata"].get("ownerReferences") or () if r.get("uid") != uid]
        if ref is not None:
            refs.append(ref)
        if refs:
            upd["metadata"]["ownerReferences"] = refs
        else:
            upd["metadata"].pop("ownerReferences", None)
        try:
            return self.api.update(upd, rt=self.api.rt_for("pods"), validate_schema=False)
        except StatusError:
            return None

    def _manage_replicas(self, rs: Obj, filtered: list[Obj]) -> StatusError | None:
        want = _replicas(rs)
        diff = len(filtered) - want
        if diff < 0:
            return self._create_pods(rs, min(-diff, BURST_REPLICAS))
        if diff > 0:
            diff = min(diff, BURST_REPLICAS)
            related = self._related_pods(rs)
            victims = (
                filtered
                if diff >= len(filtered)
                else rank_pods_for_deletion(filtered, related, self.api.now())
            )
            err: StatusError | None = None
            for p in victims[:diff]:
                pname = p["metadata"]["name"]
                try:
                    self.api.delete("pods", pname, p["metadata"].get("namespace"))
                except StatusError as e:
                    if e.code != 404:
                        self.recorder.event(rs, "Warning", "FailedDelete", f"Error deleting: {e.message}")
                        err = err or e
                    continue
                self.recorder.event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {pname}")
            return err
        return None

    def _create_pods(self, rs: Obj, count: int) -> StatusError | None:
        """``slowStartBatch``: batches of 1, 2, 4... stop at the first batch with a failure."""
        template = (rs.get("spec") or {}).get("template") or {}
        tmeta = template.get("metadata") or {}
        ns = rs["metadata"].get("namespace", "")
        ref = owner_reference(rs)
        pod_rt = self.api.rt_for("pods")
        remaining = count
        batch = SLOW_START_INITIAL_BATCH
        while remaining > 0:
            size = min(batch, remaining)
            err: StatusError | None = None
            for _ in range(size):
                meta: dict[str, Any] = {"generateName": rs["metadata"]["name"] + "-", "namespace": ns}
                if tmeta.get("labels"):
                    meta["labels"] = dict(tmeta["labels"])
                if tmeta.get("annotations"):
                    meta["annotations"] = dict(tmeta["annotations"])
                if tmeta.get("finalizers"):
                    meta["finalizers"] = list(tmeta["finalizers"])
                meta["ownerReferences"] = [dict(ref)]
                pod = {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": meta,
                    "spec": clone(template.get("spec") or {}),
                }
                try:
                    created = self.api.create(pod, ns, rt=pod_rt, validate_schema=False)
                except StatusError as e:
                    self.recorder.event(rs, "Warning", "FailedCreate", f"Error creating: {e.message}")
                    err = err or e
                    continue
                self.recorder.event(
                    rs, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}"
                )
            if err is not None:
                return err
            remaining -= size
            batch *= 2
        return None

    def _related_pods(self, rs: Obj) -> list[Obj]:
        """``getIndirectlyRelatedPods``: pods of every ReplicaSet sharing this one's controller."""
        ref = controller_ref(rs)
        ns = rs["metadata"].get("namespace", "")
        owners = [rs]
        if ref is not None:
            owners = []
            for n in self.in_namespace.get(ns, ()):
                other = self.cluster.store.get(self.resource, ns, n)
                oref = controller_ref(other) if other is not None else None
                if other is not None and oref is not None and oref.get("uid") == ref.get("uid"):
                    owners.append(other)
        out: list[Obj] = []
        for o in owners:
            for pk in self.pods.by_owner.get(o["metadata"]["uid"], ()):
                p = self.cluster.store.get("pods", *pk)
                if p is not None:
                    out.append(p)
        return out

    def _update_status(self, rs: Obj, filtered: list[Obj], err: StatusError | None, now: float) -> None:
        spec = rs.get("spec") or {}
        mrs = int(spec.get("minReadySeconds") or 0)
        tlabels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        fully = ready = available = 0
        for p in filtered:
            labels = p["metadata"].get("labels") or {}
            if all(labels.get(k) == v for k, v in tlabels.items()):
                fully += 1
            if is_pod_ready(p):
                ready += 1
                if is_pod_available(p, mrs, now):
                    available += 1
        old = rs.get("status") or {}
        conditions = [dict(c) for c in old.get("conditions") or ()]
        failure = next((c for c in conditions if c.get("type") == "ReplicaFailure"), None)
        if err is not None and failure is None:
            want = _replicas(rs)
            reason = (
                "FailedCreate" if len(filtered) < want else "FailedDelete" if len(filtered) > want else ""
            )
            conditions.append(
                {
                    "lastTransitionTime": rfc3339(now),
                    "message": err.message,
                    "reason": reason,
                    "status": "True",
                    "type": "ReplicaFailure",
                }
            )
        elif err is None and failure is not None:
            conditions = [c for c in conditions if c.get("type") != "ReplicaFailure"]
        status: dict[str, Any] = {"replicas": len(filtered)}
        if fully:
            status["fullyLabeledReplicas"] = fully
        if ready:
            status["readyReplicas"] = ready
        if available:
            status["availableReplicas"] = available
        generation = rs["metadata"].get("generation", 0)
        if generation:
            status["observedGeneration"] = generation
        if conditions:
            status["conditions"] = conditions
        if status == old:
            return
        upd = dict(rs)
        upd["metadata"] = dict(rs["metadata"])
        upd["metadata"].pop("resourceVersion", None)
        upd["status"] = status
        try:
            self.api.update_status(upd)
        except StatusError:
            pass


class ReplicationControllerController(ReplicaSetController):
    """``ReplicationManager``: the ReplicaSet controller's code driving ReplicationControllers."""

    name = "replication-controller"
    resource = "replicationcontrollers"
    kind = "ReplicationController"
    watches = ("replicationcontrollers", "pods")


def install(cluster: Cluster) -> list[Controller]:
    """Add the ReplicaSet and ReplicationController controllers to ``cluster``; returns them."""
    out: list[Controller] = []
    for cls in (ReplicaSetController, ReplicationControllerController):
        c = cls(cluster)
        registered = cluster.add_controller(c)
        if registered is c:
            c.rebuild()
        out.append(registered)
    return out


__all__ = [
    "ReplicaSetController",
    "ReplicationControllerController",
    "controller_ref",
    "install",
    "is_pod_available",
    "is_pod_ready",
    "owner_reference",
    "rank_pods_for_deletion",
]
