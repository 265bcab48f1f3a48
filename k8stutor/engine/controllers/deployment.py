"""The Deployment controller (``pkg/controller/deployment``: deployment_controller.go, sync.go, rolling.go,
recreate.go, progress.go and ``util/deployment_util.go``), step for step.

A Deployment owns ReplicaSets named ``<deployment>-<pod-template-hash>``. Each sync adopts/releases
ReplicaSets, keeps the revision annotations, then either scales proportionally (a scaling event or a
paused Deployment) or runs the RollingUpdate / Recreate strategy, and writes status and the Available /
Progressing conditions exactly as the real controller does, with its ``ScalingReplicaSet`` events.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import StatusError
from ..events import EventRecorder
from ..selectors import selector_from_label_selector
from ..store import DELETED, Event, Obj, clone
from ..timeutil import parse_rfc3339, rfc3339
from .base import Controller, Key
from .hashing import compute_hash
from .replicaset import controller_ref, owner_reference

if TYPE_CHECKING:
    from ..cluster import Cluster

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
ROLLBACK_TO = "deprecated.deployment.rollback.to"
HASH_LABEL = "pod-template-hash"
MAX_REV_HISTORY_CHARS = 2000
MAX_INT32 = 2**31 - 1

ANNOTATIONS_TO_SKIP = frozenset(
    {LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO}
)

# Condition reasons (deployment util).
NEW_RS_REASON = "NewReplicaSetCreated"
FOUND_NEW_RS_REASON = "FoundNewReplicaSet"
RS_UPDATED_REASON = "ReplicaSetUpdated"
NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable"
TIMED_OUT_REASON = "ProgressDeadlineExceeded"
PAUSED_REASON = "DeploymentPaused"
RESUMED_REASON = "DeploymentResumed"
FAILED_RS_CREATE_REASON = "ReplicaSetCreateError"
MIN_AVAILABLE_REASON = "MinimumReplicasAvailable"
MIN_UNAVAILABLE_REASON = "MinimumReplicasUnavailable"


# ---- deployment util ------------------------------------------------------------------------------------


class IntOrStringError(ValueError):
    """A maxSurge/maxUnavailable value that is neither an int nor a percentage."""


def scaled_value(value: Any, total: int, round_up: bool) -> int:
    """``intstr.GetScaledValueFromIntOrPercent``: ints as they are, ``N%`` of total rounded up or down."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise IntOrStringError(f"invalid value for IntOrString: invalid type: {value!r}")
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.endswith("%"):
        raise IntOrStringError("invalid value for IntOrString: invalid type: string is not a percentage")
    try:
        pct = int(text[:-1])
    except ValueError:
        raise IntOrStringError(
            f'invalid value "{text}": strconv.Atoi: parsing "{text[:-1]}": invalid syntax'
        ) from None
    v = pct * total / 100
    return int(math.ceil(v)) if round_up else int(math.floor(v))


def resolve_fenceposts(max_surge: Any, max_unavailable: Any, desired: int) -> tuple[int, int]:
    """``ResolveFenceposts``: surge rounds up, unavailable rounds down; both zero -> unavailable 1."""
    surge = scaled_value(0 if max_surge is None else max_surge, desired, True)
    unavailable = scaled_value(0 if max_unavailable is None else max_unavailable, desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def replicas_of(obj: Obj | None) -> int:
    """``*spec.replicas`` (defaulted to 1)."""
    if obj is None:
        return 0
    v = (obj.get("spec") or {}).get("replicas")
    return 1 if v is None else int(v)


def is_rolling_update(d: Obj) -> bool:
    return ((d.get("spec") or {}).get("strategy") or {}).get("type", "RollingUpdate") == "RollingUpdate"


def _rolling(d: Obj) -> dict[str, Any]:
    return (((d.get("spec") or {}).get("strategy") or {}).get("rollingUpdate")) or {}


def max_surge(d: Obj) -> int:
    """``MaxSurge``: 0 unless RollingUpdate."""
    if not is_rolling_update(d):
        return 0
    ru = _rolling(d)
    return resolve_fenceposts(ru.get("maxSurge"), ru.get("maxUnavailable"), replicas_of(d))[0]


def max_unavailable(d: Obj) -> int:
    """``MaxUnavailable``: 0 unless RollingUpdate with replicas > 0; never more than replicas."""
    replicas = replicas_of(d)
    if not is_rolling_update(d) or replicas == 0:
        return 0
    ru = _rolling(d)
    unavailable = resolve_fenceposts(ru.get("maxSurge"), ru.get("maxUnavailable"), replicas)[1]
    return min(unavailable, replicas)


def revision_of(obj: Obj | None) -> int:
    """``deploymentutil.Revision``: the revision annotation as an int (0 when absent or malformed)."""
    if obj is None:
        return 0
    v = (obj["metadata"].get("annotations") or {}).get(REVISION, "")
    try:
        return int(v)
    except ValueError:
        return 0


def _ann(obj: Obj) -> dict[str, str]:
    return obj["metadata"].get("annotations") or {}


def _strip_empty(v: Any) -> Any:
    if isinstance(v, dict):
        out = {k: _strip_empty(x) for k, x in v.items()}
        return {k: x for k, x in out.items() if x not in ({}, [], None, "")}
    if isinstance(v, list):
        return [_strip_empty(x) for x in v]
    return v


def template_without_hash(template: Any) -> Any:
    """A copy of a pod template without the pod-template-hash label."""
    t = clone(template if isinstance(template, dict) else {})
    labels = (t.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
    return t


def equal_ignore_hash(t1: Any, t2: Any) -> bool:
    """``EqualIgnoreHash``: templates semantically equal apart from the pod-template-hash label."""
    return _strip_empty(template_without_hash(t1)) == _strip_empty(template_without_hash(t2))


def _ts(obj: Obj) -> float:
    return parse_rfc3339(obj["metadata"].get("creationTimestamp") or "") or 0.0


def by_creation(rss: list[Obj]) -> list[Obj]:
    """``ReplicaSetsByCreationTimestamp`` (ties by name)."""
    return sorted(rss, key=lambda r: (_ts(r), r["metadata"]["name"]))


def by_revision(rss: list[Obj]) -> list[Obj]:
    """``ReplicaSetsByRevision`` (ties by creation time)."""
    return sorted(rss, key=lambda r: (revision_of(r), _ts(r), r["metadata"]["name"]))


def _status_int(rs: Obj | None, field: str) -> int:
    return int(((rs or {}).get("status") or {}).get(field) or 0)


def get_condition(status: dict[str, Any], type_: str) -> dict[str, Any] | None:
    for c in status.get("conditions") or ():
        if c.get("type") == type_:
            return c
    return None


def new_condition(type_: str, status: str, reason: str, message: str, now: float) -> dict[str, Any]:
    """``NewDeploymentCondition`` (Go field order)."""
    t = rfc3339(now)
    return {
        "type": type_,
        "status": status,
        "lastUpdateTime": t,
        "lastTransitionTime": t,
        "reason": reason,
        "message": message,
    }


def set_condition(status: dict[str, Any], cond: dict[str, Any]) -> None:
    """``SetDeploymentCondition``: no-op on same status+reason; keeps lastTransitionTime on same status."""
    cur = get_condition(status, cond["type"])
    if cur is not None and cur.get("status") == cond["status"] and cur.get("reason") == cond["reason"]:
        return
    if cur is not None and cur.get("status") == cond["status"]:
        cond = dict(cond, lastTransitionTime=cur.get("lastTransitionTime"))
    status["conditions"] = [c for c in status.get("conditions") or () if c.get("type") != cond["type"]] + [
        cond
    ]


def remove_condition(status: dict[str, Any], type_: str) -> None:
    conds = [c for c in status.get("conditions") or () if c.get("type") != type_]
    if conds:
        status["conditions"] = conds
    else:
        status.pop("conditions", None)


def has_progress_deadline(d: Obj) -> bool:
    pds = (d.get("spec") or {}).get("progressDeadlineSeconds")
    return pds is not None and int(pds) != MAX_INT32


def deployment_complete(d: Obj, status: dict[str, Any]) -> bool:
    """``DeploymentComplete``."""
    r = replicas_of(d)
    return (
        int(status.get("updatedReplicas") or 0) == r
        and int(status.get("replicas") or 0) == r
        and int(status.get("availableReplicas") or 0) == r
        and int(status.get("observedGeneration") or 0) >= int(d["metadata"].get("generation") or 0)
    )


def deployment_progressing(d: Obj, new: dict[str, Any]) -> bool:
    """``DeploymentProgressing``."""
    old = d.get("status") or {}

    def g(s: dict[str, Any], f: str) -> int:
        return int(s.get(f) or 0)

    return (
        g(new, "updatedReplicas") > g(old, "updatedReplicas")
        or g(new, "replicas") - g(new, "updatedReplicas") < g(old, "replicas") - g(old, "updatedReplicas")
        or g(new, "readyReplicas") > g(old, "readyReplicas")
        or g(new, "availableReplicas") > g(old, "availableReplicas")
    )


def deployment_timed_out(d: Obj, status: dict[str, Any], now: float) -> bool:
    """``DeploymentTimedOut``."""
    if not has_progress_deadline(d):
        return False
    cond = get_condition(status, "Progressing")
    if cond is None or cond.get("reason") == NEW_RS_AVAILABLE_REASON:
        return False
    if cond.get("reason") == TIMED_OUT_REASON:
        return True
    since = parse_rfc3339(cond.get("lastUpdateTime") or "")
    if since is None:
        return False
    return since + int(d["spec"]["progressDeadlineSeconds"]) < now


def filter_active(rss: Sequence[Obj | None]) -> list[Obj]:
    """``FilterActiveReplicaSets``: spec.replicas > 0."""
    return [r for r in rss if r is not None and replicas_of(r) > 0]


def find_active_or_latest(new_rs: Obj | None, old: list[Obj]) -> Obj | None:
    """``FindActiveOrLatest``."""
    if new_rs is None and not old:
        return None
    old_sorted = sorted(old, key=lambda r: (_ts(r), r["metadata"]["name"]), reverse=True)
    all_rss = [r for r in [new_rs, *old_sorted] if r is not None]
    active = filter_active(all_rss)
    if len(active) == 0:
        return new_rs if new_rs is not None else old_sorted[0]
    if len(active) == 1:
        return active[0]
    return None


def is_saturated(d: Obj, rs: Obj | None) -> bool:
    """``IsSaturated``."""
    if rs is None:
        return False
    desired = _ann(rs).get(DESIRED_REPLICAS)
    try:
        desired_int = int(desired) if desired is not None else None
    except ValueError:
        desired_int = None
    r = replicas_of(d)
    return desired_int == r and replicas_of(rs) == r and _status_int(rs, "availableReplicas") == r


class DeploymentController(Controller):
    """``DeploymentController.syncDeployment`` and everything it calls."""

    name = "deployment-controller"
    watches = ("deployments.apps", "replicasets.apps", "pods")

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.recorder = EventRecorder(self.api, self.name)
        self._timers: dict[Key, float] = {}
        self.rs_rt = self.api.rt_for("replicasets.apps")
        self.d_rt = self.api.rt_for("deployments.apps")

    # ---- informers ------------------------------------------------------------------------------
    def on_event(self, ev: Event) -> None:
        obj = ev.object
        meta = obj["metadata"]
        ns = meta.get("namespace", "") or ""
        if ev.resource == "deployments.apps":
            if ev.type != DELETED:
                self.queue.add(("deployments.apps", ns, meta["name"]))
            return
        if ev.resource == "replicasets.apps":
            ref = controller_ref(obj)
            if ref is not None:
                if ref.get("kind") == "Deployment":
                    self.queue.add(("deployments.apps", ns, ref.get("name", "")))
                return
            if ev.type == DELETED:
                return
            labels = meta.get("labels") or {}
            for d in self.cluster.store.list("deployments.apps", ns):
                if selector_from_label_selector((d.get("spec") or {}).get("selector")).matches(labels):
                    self.queue.add(("deployments.apps", ns, d["metadata"]["name"]))
            return
        if ev.resource == "pods" and ev.type == DELETED:
            ref = controller_ref(obj)
            if ref is None or ref.get("kind") != "ReplicaSet":
                return
            rs = self.cluster.store.get("replicasets.apps", ns, ref.get("name", ""))
            dref = controller_ref(rs) if rs is not None else None
            if dref is None or dref.get("kind") != "Deployment":
                return
            dep = self.cluster.store.get("deployments.apps", ns, dref.get("name", ""))
            if dep is not None and not is_rolling_update(dep):
                self.queue.add(("deployments.apps", ns, dref.get("name", "")))

    # ---- syncDeployment -------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        _, ns, name = key
        self._timers.pop(key, None)
        stored = self.cluster.store.get("deployments.apps", ns, name)
        if stored is None:
            return
        d = clone(stored)
        self.now = self.api.now()
        try:
            self._sync(key, d)
        except (StatusError, IntOrStringError):
            # The real controller requeues with rate limiting; the next event re-runs the sync.
            pass

    def _sync(self, key: Key, d: Obj) -> None:
        spec = d.get("spec") or {}
        if spec.get("selector") == {}:
            self.recorder.event(
                d,
                "Warning",
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.",
            )
            st = d.get("status") or {}
            if int(st.get("observedGeneration") or 0) < int(d["metadata"].get("generation") or 0):
                self._write_status(d, dict(st, observedGeneration=d["metadata"]["generation"]))
            return
        rs_list = self._replica_sets_for(d)
        if d["metadata"].get("deletionTimestamp"):
            new_rs, old = self._get_all(d, rs_list, False)
            self._sync_deployment_status([*old, new_rs], new_rs, d)
            return
        self._check_paused_conditions(d)
        if spec.get("paused"):
            self._sync_scale(d, rs_list)
            return
        if self._is_scaling_event(d, rs_list):
            self._sync_scale(d, rs_list)
            return
        if is_rolling_update(d):
            self._rollout_rolling(key, d, rs_list)
        else:
            self._rollout_recreate(key, d, rs_list)

    # ---- ownership --------------------------------------------------------------------------------
    def _replica_sets_for(self, d: Obj) -> list[Obj]:
        """``getReplicaSetsForDeployment`` with ``ClaimReplicaSets`` (adopt orphans, release mismatches)."""
        meta = d["metadata"]
        uid = meta["uid"]
        sel = selector_from_label_selector(d["spec"].get("selector"))
        deleting = bool(meta.get("deletionTimestamp"))
        out: list[Obj] = []
        for rs in self.cluster.store.list("replicasets.apps", meta.get("namespace", "")):
            ref = controller_ref(rs)
            matches = sel.matches(rs["metadata"].get("labels"))
            if ref is not None:
                if ref.get("uid") != uid:
                    continue
                if matches:
                    out.append(rs)
                elif not deleting:
                    self._set_rs_owner(rs, None, uid)
                continue
            if matches and not deleting and not rs["metadata"].get("deletionTimestamp"):
                adopted = self._set_rs_owner(rs, owner_reference(d), uid)
                if adopted is not None:
                    out.append(adopted)
        return out

    def _set_rs_owner(self, rs: Obj, ref: dict[str, Any] | None, uid: str) -> Obj | None:
        upd = clone(rs)
        refs = [r for r in upd["metadata"].get("ownerReferences") or () if r.get("uid") != uid]
        if ref is not None:
            refs.append(ref)
        if refs:
            upd["metadata"]["ownerReferences"] = refs
        else:
            upd["metadata"].pop("ownerReferences", None)
        upd["metadata"].pop("resourceVersion", None)
        try:
            return self.api.update(upd, rt=self.rs_rt, validate_schema=False)
        except StatusError:
            return None

    # ---- writes -----------------------------------------------------------------------------------
    def _write_status(self, d: Obj, status: dict[str, Any]) -> None:
        """UpdateStatus (also persisting annotation changes, as the Deployment status strategy allows)."""
        stored = self.cluster.store.get(
            "deployments.apps", d["metadata"].get("namespace", ""), d["metadata"]["name"]
        )
        if stored is not None and _ann(stored) != _ann(d):
            upd = clone(stored)
            if _ann(d):
                upd["metadata"]["annotations"] = dict(_ann(d))
            else:
                upd["metadata"].pop("annotations", None)
            upd["metadata"].pop("resourceVersion", None)
            self.api.update(upd, rt=self.d_rt, validate_schema=False)
        upd = dict(d)
        upd["metadata"] = dict(d["metadata"])
        upd["metadata"].pop("resourceVersion", None)
        upd["status"] = status
        self.api.update_status(upd)
        d["status"] = status

    def _update_rs(self, rs: Obj) -> Obj:
        upd = dict(rs)
        upd["metadata"] = dict(rs["metadata"])
        upd["metadata"].pop("resourceVersion", None)
        return self.api.update(upd, rt=self.rs_rt, validate_schema=False)

    # ---- revisions and the new ReplicaSet ---------------------------------------------------------
    def _find_new(self, d: Obj, rs_list: list[Obj]) -> Obj | None:
        template = d["spec"].get("template")
        for rs in by_creation(rs_list):
            if equal_ignore_hash((rs.get("spec") or {}).get("template"), template):
                return rs
        return None

    def _get_all(self, d: Obj, rs_list: list[Obj], create: bool) -> tuple[Obj | None, list[Obj]]:
        """``getAllReplicaSetsAndSyncRevision``: (new RS or None, all old RSs)."""
        new_rs = self._find_new(d, rs_list)
        old = [rs for rs in rs_list if new_rs is None or rs["metadata"]["uid"] != new_rs["metadata"]["uid"]]
        return self._get_new_replica_set(d, rs_list, old, new_rs, create), old

    def _set_new_rs_annotations(self, d: Obj, rs: Obj, new_revision: int, exists: bool) -> bool:
        """``SetNewReplicaSetAnnotations`` (mutates rs, which must be a private copy)."""
        ann = rs["metadata"].setdefault("annotations", {})
        changed = False
        for k, v in _ann(d).items():
            if k in ANNOTATIONS_TO_SKIP or ann.get(k) == v:
                continue
            ann[k] = v
            changed = True
        old_text = ann.get(REVISION)
        had = old_text is not None
        try:
            old_rev = int(old_text) if old_text else 0
        except ValueError:
            return False
        if old_rev < new_revision:
            ann[REVISION] = str(new_revision)
            changed = True
        if had and old_rev < new_revision:
            history = ann.get(REVISION_HISTORY, "")
            olds = history.split(",")
            if not olds[0]:
                ann[REVISION_HISTORY] = old_text or ""
            else:
                total = len(history) + len(old_text or "") + 1
                start = 0
                while total > MAX_REV_HISTORY_CHARS and start < len(olds):
                    total -= len(olds[start]) + 1
                    start += 1
                if total <= MAX_REV_HISTORY_CHARS:
                    ann[REVISION_HISTORY] = ",".join([*olds[start:], old_text or ""])
        if not exists and self._set_replicas_annotations(d, rs):
            changed = True
        return changed

    def _set_replicas_annotations(self, d: Obj, rs: Obj) -> bool:
        ann = rs["metadata"].setdefault("annotations", {})
        desired = str(replicas_of(d))
        maxr = str(replicas_of(d) + max_surge(d))
        changed = False
        if ann.get(DESIRED_REPLICAS) != desired:
            ann[DESIRED_REPLICAS] = desired
            changed = True
        if ann.get(MAX_REPLICAS) != maxr:
            ann[MAX_REPLICAS] = maxr
            changed = True
        return changed

    def _get_new_replica_set(
        self, d: Obj, rs_list: list[Obj], old: list[Obj], existing: Obj | None, create: bool
    ) -> Obj | None:
        """``getNewReplicaSet``."""
        max_old = max((revision_of(r) for r in old), default=0)
        new_revision = max_old + 1
        spec = d["spec"]
        if existing is not None:
            rs_copy = clone(existing)
            ann_changed = self._set_new_rs_annotations(d, rs_copy, new_revision, True)
            mrs = int(spec.get("minReadySeconds") or 0)
            if ann_changed or int((rs_copy.get("spec") or {}).get("minReadySeconds") or 0) != mrs:
                if mrs:
                    rs_copy["spec"]["minReadySeconds"] = mrs
                else:
                    rs_copy["spec"].pop("minReadySeconds", None)
                return self._update_rs(rs_copy)
            needs = self._set_deployment_revision(d, _ann(rs_copy).get(REVISION, ""))
            status = clone(d.get("status") or {})
            if has_progress_deadline(d) and get_condition(status, "Progressing") is None:
                set_condition(
                    status,
                    new_condition(
                        "Progressing",
                        "True",
                        FOUND_NEW_RS_REASON,
                        f'Found new replica set "{rs_copy["metadata"]["name"]}"',
                        self.now,
                    ),
                )
                needs = True
            if needs:
                self._write_status(d, status)
            return existing
        if not create:
            return None
        template = clone(spec.get("template") or {})
        collision = (d.get("status") or {}).get("collisionCount")
        h = compute_hash(template, collision)
        tmeta = template.setdefault("metadata", {})
        tmeta["labels"] = dict(tmeta.get("labels") or {}, **{HASH_LABEL: h})
        selector = clone(spec.get("selector") or {})
        selector["matchLabels"] = dict(selector.get("matchLabels") or {}, **{HASH_LABEL: h})
        rs_name = f"{d['metadata']['name']}-{h}"
        new_rs: Obj = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": rs_name,
                "namespace": d["metadata"]["namespace"],
                "labels": dict(tmeta["labels"]),
                "ownerReferences": [owner_reference(d)],
            },
            "spec": {"replicas": 0, "selector": selector, "template": template},
        }
        if spec.get("minReadySeconds"):
            new_rs["spec"]["minReadySeconds"] = spec["minReadySeconds"]
        count = self._new_rs_new_replicas(d, [*old, new_rs], new_rs)
        new_rs["spec"]["replicas"] = count
        self._set_new_rs_annotations(d, new_rs, new_revision, False)
        already = False
        try:
            created = self.api.create(
                new_rs, d["metadata"]["namespace"], rt=self.rs_rt, validate_schema=False
            )
        except StatusError as e:
            if e.code == 409 and e.reason == "AlreadyExists":
                already = True
                found = self.cluster.store.get("replicasets.apps", d["metadata"]["namespace"], rs_name)
                ref = controller_ref(found) if found is not None else None
                if (
                    found is not None
                    and ref is not None
                    and ref.get("uid") == d["metadata"]["uid"]
                    and equal_ignore_hash(spec.get("template"), (found.get("spec") or {}).get("template"))
                ):
                    created = found
                else:
                    status = clone(d.get("status") or {})
                    status["collisionCount"] = int(status.get("collisionCount") or 0) + 1
                    self._write_status(d, status)
                    self.queue.add(("deployments.apps", d["metadata"]["namespace"], d["metadata"]["name"]))
                    raise
            elif any(
                c.get("reason") == "NamespaceTerminating" for c in (e.details or {}).get("causes") or ()
            ):
                raise
            else:
                msg = f'Failed to create new replica set "{rs_name}": {e.message}'
                if has_progress_deadline(d):
                    status = clone(d.get("status") or {})
                    set_condition(
                        status, new_condition("Progressing", "False", FAILED_RS_CREATE_REASON, msg, self.now)
                    )
                    try:
                        self._write_status(d, status)
                    except StatusError:
                        pass
                self.recorder.event(d, "Warning", FAILED_RS_CREATE_REASON, msg)
                raise
        if not already and count > 0:
            self.recorder.event(
                d,
                "Normal",
                "ScalingReplicaSet",
                f"Scaled up replica set {created['metadata']['name']} from 0 to {count}",
            )
        needs = self._set_deployment_revision(d, str(new_revision))
        status = clone(d.get("status") or {})
        if not already and has_progress_deadline(d):
            set_condition(
                status,
                new_condition(
                    "Progressing",
                    "True",
                    NEW_RS_REASON,
                    f'Created new replica set "{created["metadata"]["name"]}"',
                    self.now,
                ),
            )
            needs = True
        if needs:
            self._write_status(d, status)
        return created

    def _set_deployment_revision(self, d: Obj, revision: str) -> bool:
        ann = d["metadata"].setdefault("annotations", {})
        if ann.get(REVISION) != revision:
            ann[REVISION] = revision
            return True
        return False

    def _new_rs_new_replicas(self, d: Obj, all_rss: list[Obj], new_rs: Obj) -> int:
        """``NewRSNewReplicas``."""
        desired = replicas_of(d)
        if not is_rolling_update(d):
            return desired
        surge = scaled_value(_rolling(d).get("maxSurge"), desired, True)
        current = sum(replicas_of(r) for r in all_rss)
        max_total = desired + surge
        if current >= max_total:
            return replicas_of(new_rs)
        up = min(max_total - current, desired - replicas_of(new_rs))
        return replicas_of(new_rs) + up

    # ---- scaling ----------------------------------------------------------------------------------
    def _scale_rs(self, rs: Obj, new_scale: int, d: Obj, op: str) -> tuple[bool, Obj]:
        """``scaleReplicaSet``: size and replicas annotations; event when the size changed."""
        size_changed = replicas_of(rs) != new_scale
        desired = str(replicas_of(d))
        maxr = str(replicas_of(d) + max_surge(d))
        ann_changed = _ann(rs).get(DESIRED_REPLICAS) != desired or _ann(rs).get(MAX_REPLICAS) != maxr
        if not (size_changed or ann_changed):
            return False, rs
        old_scale = replicas_of(rs)
        upd = dict(rs)
        upd["spec"] = dict(rs.get("spec") or {}, replicas=new_scale)
        upd["metadata"] = dict(rs["metadata"])
        upd["metadata"]["annotations"] = dict(_ann(rs), **{DESIRED_REPLICAS: desired, MAX_REPLICAS: maxr})
        result = self._update_rs(upd)
        if size_changed:
            self.recorder.event(
                d,
                "Normal",
                "ScalingReplicaSet",
                f"Scaled {op} replica set {result['metadata']['name']} from {old_scale} to {new_scale}",
            )
        return size_changed, result

    def _scale_and_record(self, rs: Obj, new_scale: int, d: Obj) -> tuple[bool, Obj]:
        """``scaleReplicaSetAndRecordEvent``."""
        if replicas_of(rs) == new_scale:
            return False, rs
        return self._scale_rs(rs, new_scale, d, "up" if replicas_of(rs) < new_scale else "down")

    def _is_scaling_event(self, d: Obj, rs_list: list[Obj]) -> bool:
        new_rs, old = self._get_all(d, rs_list, False)
        for rs in filter_active([new_rs, *old]):
            v = _ann(rs).get(DESIRED_REPLICAS)
            if v is None:
                continue
            try:
                if int(v) != replicas_of(d):
                    return True
            except ValueError:
                continue
        return False

    def _scale(self, d: Obj, new_rs: Obj | None, old: list[Obj]) -> None:
        """``scale``: proportional scaling across active ReplicaSets."""
        target = find_active_or_latest(new_rs, old)
        desired = replicas_of(d)
        if target is not None:
            if replicas_of(target) == desired:
                return
            self._scale_and_record(target, desired, d)
            return
        if is_saturated(d, new_rs):
            for rs in filter_active(old):
                self._scale_and_record(rs, 0, d)
            return
        if not is_rolling_update(d):
            return
        all_rss = filter_active([*old, new_rs])
        all_replicas = sum(replicas_of(r) for r in all_rss)
        allowed = desired + max_surge(d) if desired > 0 else 0
        to_add = allowed - all_replicas
        op = ""
        if to_add > 0:
            # ReplicaSetsBySizeNewer: larger first, then newer first.
            all_rss.sort(key=lambda r: (-replicas_of(r), -_ts(r), r["metadata"]["name"]))
            op = "up"
        elif to_add < 0:
            # ReplicaSetsBySizeOlder: larger first, then older first.
            all_rss.sort(key=lambda r: (-replicas_of(r), _ts(r), r["metadata"]["name"]))
            op = "down"
        added = 0
        sizes: dict[str, int] = {}
        for rs in all_rss:
            if to_add != 0:
                p = self._proportion(rs, d, to_add, added)
                sizes[rs["metadata"]["name"]] = replicas_of(rs) + p
                added += p
            else:
                sizes[rs["metadata"]["name"]] = replicas_of(rs)
        for i, rs in enumerate(all_rss):
            n = rs["metadata"]["name"]
            if i == 0 and to_add != 0:
                sizes[n] = max(0, sizes[n] + to_add - added)
            self._scale_rs(rs, sizes[n], d, op)

    def _proportion(self, rs: Obj, d: Obj, to_add: int, added: int) -> int:
        """``GetReplicaSetProportion`` / ``getReplicaSetFraction``."""
        if replicas_of(rs) == 0 or to_add == 0 or to_add == added:
            return 0
        if replicas_of(d) == 0:
            fraction = -replicas_of(rs)
        else:
            d_max = replicas_of(d) + max_surge(d)
            try:
                before = int(_ann(rs).get(MAX_REPLICAS, ""))
            except ValueError:
                before = 0
            if before == 0:
                before = int((d.get("status") or {}).get("replicas") or 0) or d_max
            new_size = replicas_of(rs) * d_max / before
            fraction = _round_half_away(new_size) - replicas_of(rs)
        allowed = to_add - added
        return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)

    def _sync_scale(self, d: Obj, rs_list: list[Obj]) -> None:
        """``sync``: scaling events and paused Deployments."""
        new_rs, old = self._get_all(d, rs_list, False)
        self._scale(d, new_rs, old)
        old = self._refresh(old)
        new_rs = self._refresh_one(new_rs)
        if d["spec"].get("paused"):
            self._cleanup(old, d)
        self._sync_deployment_status([*old, new_rs], new_rs, d)

    def _refresh(self, rss: list[Obj]) -> list[Obj]:
        out = []
        for rs in rss:
            cur = self._refresh_one(rs)
            if cur is not None:
                out.append(cur)
        return out

    def _refresh_one(self, rs: Obj | None) -> Obj | None:
        if rs is None:
            return None
        return (
            self.cluster.store.get(
                "replicasets.apps", rs["metadata"].get("namespace", ""), rs["metadata"]["name"]
            )
            or rs
        )

    def _cleanup(self, old: list[Obj], d: Obj) -> None:
        """``cleanupDeployment``: delete the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit."""
        limit = (d.get("spec") or {}).get("revisionHistoryLimit")
        if limit is None:
            return
        alive = [r for r in old if not r["metadata"].get("deletionTimestamp")]
        diff = len(alive) - int(limit)
        if diff <= 0:
            return
        for rs in by_revision(alive)[:diff]:
            if (
                _status_int(rs, "replicas") != 0
                or replicas_of(rs) != 0
                or int(rs["metadata"].get("generation") or 0) > _status_int(rs, "observedGeneration")
            ):
                continue
            try:
                self.api.delete(self.rs_rt, rs["metadata"]["name"], rs["metadata"].get("namespace"))
            except StatusError as e:
                if e.code != 404:
                    raise

    # ---- status -----------------------------------------------------------------------------------
    def _calculate_status(self, all_rss: list[Obj | None], new_rs: Obj | None, d: Obj) -> dict[str, Any]:
        rss = [r for r in all_rss if r is not None]
        available = sum(_status_int(r, "availableReplicas") for r in rss)
        total = sum(replicas_of(r) for r in rss)
        unavailable = max(0, total - available)
        values = {
            "observedGeneration": int(d["metadata"].get("generation") or 0),
            "replicas": sum(_status_int(r, "replicas") for r in rss),
            "updatedReplicas": _status_int(new_rs, "replicas") if new_rs is not None else 0,
            "readyReplicas": sum(_status_int(r, "readyReplicas") for r in rss),
            "availableReplicas": available,
            "unavailableReplicas": unavailable,
        }
        status: dict[str, Any] = {k: v for k, v in values.items() if v}
        old = d.get("status") or {}
        if old.get("conditions"):
            status["conditions"] = [dict(c) for c in old["conditions"]]
        if old.get("collisionCount") is not None:
            status["collisionCount"] = old["collisionCount"]
        if available >= replicas_of(d) - max_unavailable(d):
            set_condition(
                status,
                new_condition(
                    "Available",
                    "True",
                    MIN_AVAILABLE_REASON,
                    "Deployment has minimum availability.",
                    self.now,
                ),
            )
        else:
            set_condition(
                status,
                new_condition(
                    "Available",
                    "False",
                    MIN_UNAVAILABLE_REASON,
                    "Deployment does not have minimum availability.",
                    self.now,
                ),
            )
        return status

    def _sync_deployment_status(self, all_rss: list[Obj | None], new_rs: Obj | None, d: Obj) -> None:
        status = self._calculate_status(all_rss, new_rs, d)
        if status != (d.get("status") or {}):
            self._write_status(d, status)

    def _check_paused_conditions(self, d: Obj) -> None:
        if not has_progress_deadline(d):
            return
        status = d.get("status") or {}
        cond = get_condition(status, "Progressing")
        if cond is not None and cond.get("reason") == TIMED_OUT_REASON:
            return
        paused_exists = cond is not None and cond.get("reason") == PAUSED_REASON
        paused = bool(d["spec"].get("paused"))
        new = clone(status)
        if paused and not paused_exists:
            set_condition(
                new, new_condition("Progressing", "Unknown", PAUSED_REASON, "Deployment is paused", self.now)
            )
        elif not paused and paused_exists:
            set_condition(
                new,
                new_condition("Progressing", "Unknown", RESUMED_REASON, "Deployment is resumed", self.now),
            )
        else:
            return
        self._write_status(d, new)

    def _sync_rollout_status(self, key: Key, all_rss: list[Obj | None], new_rs: Obj | None, d: Obj) -> None:
        """``syncRolloutStatus`` (progress.go) including ``requeueStuckDeployment``."""
        status = self._calculate_status(all_rss, new_rs, d)
        if not has_progress_deadline(d):
            remove_condition(status, "Progressing")
        cur = get_condition(d.get("status") or {}, "Progressing")
        complete_before = (
            int(status.get("replicas") or 0) == int(status.get("updatedReplicas") or 0)
            and cur is not None
            and cur.get("reason") == NEW_RS_AVAILABLE_REASON
        )
        rs_name = new_rs["metadata"]["name"] if new_rs is not None else ""
        if has_progress_deadline(d) and not complete_before:
            if deployment_complete(d, status):
                msg = (
                    f'ReplicaSet "{rs_name}" has successfully progressed.'
                    if new_rs is not None
                    else f'Deployment "{d["metadata"]["name"]}" has successfully progressed.'
                )
                set_condition(
                    status, new_condition("Progressing", "True", NEW_RS_AVAILABLE_REASON, msg, self.now)
                )
            elif deployment_progressing(d, status):
                msg = (
                    f'ReplicaSet "{rs_name}" is progressing.'
                    if new_rs is not None
                    else f'Deployment "{d["metadata"]["name"]}" is progressing.'
                )
                cond = new_condition("Progressing", "True", RS_UPDATED_REASON, msg, self.now)
                if cur is not None:
                    if cur.get("status") == "True":
                        cond["lastTransitionTime"] = cur.get("lastTransitionTime")
                    remove_condition(status, "Progressing")
                set_condition(status, cond)
            elif deployment_timed_out(d, status, self.now):
                msg = (
                    f'ReplicaSet "{rs_name}" has timed out progressing.'
                    if new_rs is not None
                    else f'Deployment "{d["metadata"]["name"]}" has timed out progressing.'
                )
                set_condition(status, new_condition("Progressing", "False", TIMED_OUT_REASON, msg, self.now))
        failure = None
        for rs in [r for r in all_rss if r is not None]:
            c = get_condition(rs.get("status") or {}, "ReplicaFailure")
            if c is not None:
                failure = c
                break
        if failure is not None:
            set_condition(
                status,
                {
                    "type": "ReplicaFailure",
                    "status": failure.get("status", "True"),
                    "lastUpdateTime": failure.get("lastTransitionTime"),
                    "lastTransitionTime": failure.get("lastTransitionTime"),
                    "reason": failure.get("reason", ""),
                    "message": failure.get("message", ""),
                },
            )
        else:
            remove_condition(status, "ReplicaFailure")
        if status == (d.get("status") or {}):
            self._requeue_stuck(key, d, status)
            return
        self._write_status(d, status)

    def _requeue_stuck(self, key: Key, d: Obj, status: dict[str, Any]) -> None:
        cur = get_condition(d.get("status") or {}, "Progressing")
        if not has_progress_deadline(d) or cur is None:
            return
        if deployment_complete(d, status) or cur.get("reason") == TIMED_OUT_REASON:
            return
        since = parse_rfc3339(cur.get("lastUpdateTime") or "")
        if since is None:
            return
        after = since + int(d["spec"]["progressDeadlineSeconds"]) - self.now
        due = self.now + (1.0 if after < 1 else after + 1)
        prev = self._timers.get(key)
        if prev is not None and prev <= due:
            return
        self._timers[key] = due
        self.cluster.clock.call_at(due, lambda: self.queue.add(key))

    # ---- strategies -------------------------------------------------------------------------------
    def _rollout_rolling(self, key: Key, d: Obj, rs_list: list[Obj]) -> None:
        """``rolloutRolling`` (rolling.go)."""
        new_rs, old = self._get_all(d, rs_list, True)
        if new_rs is None:
            return
        # The real controller computes status from the objects it listed, not from its own updates.
        all_rss: list[Obj | None] = [*old, new_rs]
        scaled_up, _ = self._reconcile_new(all_rss, new_rs, d)
        if scaled_up:
            self._sync_rollout_status(key, all_rss, new_rs, d)
            return
        scaled_down, _ = self._reconcile_old([*old, new_rs], old, new_rs, d)
        if scaled_down:
            self._sync_rollout_status(key, all_rss, new_rs, d)
            return
        if deployment_complete(d, d.get("status") or {}):
            self._cleanup(old, d)
        self._sync_rollout_status(key, all_rss, new_rs, d)

    def _reconcile_new(self, all_rss: list[Obj | None], new_rs: Obj, d: Obj) -> tuple[bool, Obj]:
        desired = replicas_of(d)
        if replicas_of(new_rs) == desired:
            return False, new_rs
        if replicas_of(new_rs) > desired:
            return self._scale_and_record(new_rs, desired, d)
        count = self._new_rs_new_replicas(d, [r for r in all_rss if r is not None], new_rs)
        return self._scale_and_record(new_rs, count, d)

    def _reconcile_old(
        self, all_rss: list[Obj], old: list[Obj], new_rs: Obj, d: Obj
    ) -> tuple[bool, list[Obj]]:
        """``reconcileOldReplicaSets``: clean up unhealthy old replicas, then scale old RSs down."""
        active_old = filter_active(old)
        old_count = sum(replicas_of(r) for r in active_old)
        if old_count == 0:
            return False, old
        all_count = sum(replicas_of(r) for r in all_rss)
        min_available = replicas_of(d) - max_unavailable(d)
        new_unavailable = replicas_of(new_rs) - _status_int(new_rs, "availableReplicas")
        max_scaled_down = all_count - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False, old
        updated: dict[str, Obj] = {}
        # cleanupUnhealthyReplicas
        cleaned = 0
        for rs in by_creation(active_old):
            if cleaned >= max_scaled_down:
                break
            r = replicas_of(rs)
            avail = _status_int(rs, "availableReplicas")
            if r == 0 or r == avail:
                continue
            n = min(max_scaled_down - cleaned, r - avail)
            _, res = self._scale_and_record(rs, r - n, d)
            updated[rs["metadata"]["name"]] = res
            cleaned += n
        active_old = [updated.get(r["metadata"]["name"], r) for r in active_old]
        # scaleDownOldReplicaSetsForRollingUpdate
        available = sum(_status_int(r, "availableReplicas") for r in [*active_old, new_rs])
        scaled = 0
        if available > min_available:
            total = available - min_available
            for rs in by_creation(active_old):
                if scaled >= total:
                    break
                if replicas_of(rs) == 0:
                    continue
                n = min(replicas_of(rs), total - scaled)
                _, res = self._scale_and_record(rs, replicas_of(rs) - n, d)
                updated[rs["metadata"]["name"]] = res
                scaled += n
        old = [updated.get(r["metadata"]["name"], r) for r in old]
        return cleaned + scaled > 0, old

    def _rollout_recreate(self, key: Key, d: Obj, rs_list: list[Obj]) -> None:
        """``rolloutRecreate`` (recreate.go)."""
        new_rs, old = self._get_all(d, rs_list, False)
        scaled = False
        for rs in filter_active(old):
            did, _ = self._scale_and_record(rs, 0, d)
            scaled = scaled or did
        if scaled:
            self._sync_rollout_status(key, [*old, new_rs], new_rs, d)
            return
        if self._old_pods_running(new_rs, old, rs_list):
            self._sync_rollout_status(key, [*old, new_rs], new_rs, d)
            return
        if new_rs is None:
            new_rs, old = self._get_all(d, rs_list, True)
        if new_rs is not None:
            self._scale_and_record(new_rs, replicas_of(d), d)
        if deployment_complete(d, d.get("status") or {}):
            self._cleanup(old, d)
        self._sync_rollout_status(key, [*old, new_rs], new_rs, d)

    def _old_pods_running(self, new_rs: Obj | None, old: list[Obj], rs_list: list[Obj]) -> bool:
        if sum(_status_int(r, "replicas") for r in old) > 0:
            return True
        new_uid = new_rs["metadata"]["uid"] if new_rs is not None else None
        uids = {r["metadata"]["uid"] for r in rs_list if r["metadata"]["uid"] != new_uid}
        if not uids:
            return False
        ns = old[0]["metadata"].get("namespace", "") if old else ""
        for pod in self.cluster.store.list("pods", ns):
            ref = controller_ref(pod)
            if ref is None or ref.get("uid") not in uids:
                continue
            if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                continue
            return True
        return False


def _round_half_away(x: float) -> int:
    """``integer.RoundToInt32`` (math.Round: halves away from zero)."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def install(cluster: Cluster) -> DeploymentController:
    """Add the Deployment controller to ``cluster``; returns it."""
    c = cluster.add_controller(DeploymentController(cluster))
    for d in cluster.store.list("deployments.apps"):
        c.queue.add(("deployments.apps", d["metadata"].get("namespace", ""), d["metadata"]["name"]))
    return c


__all__ = [
    "DeploymentController",
    "equal_ignore_hash",
    "install",
    "max_surge",
    "max_unavailable",
    "resolve_fenceposts",
    "revision_of",
    "scaled_value",
]
