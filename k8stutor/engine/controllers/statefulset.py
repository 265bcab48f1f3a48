"""The StatefulSet controller (``pkg/controller/statefulset``): ordinal pods, stable storage, ordered updates.

Pods are ``<sts>-<ordinal>`` with ``hostname``/``subdomain`` set; each volumeClaimTemplate gives a PVC
``<claim>-<sts>-<ordinal>`` that outlives its pod. OrderedReady creates one pod at a time (waiting for
Running and Ready) and removes from the highest ordinal down; Parallel does both at once. RollingUpdate
replaces pods from the highest ordinal down to ``partition``; OnDelete waits for the user to delete them.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import StatusError
from ..events import NORMAL, WARNING, EventRecorder
from ..store import Event, Obj, clone
from .base import Controller, Key
from .history import (
    CONTROLLER_REVISION_HASH,
    OwnerIndex,
    controller_revision_name,
    hash_controller_revision,
    is_pod_available,
    is_pod_ready,
    new_controller_revision,
    owned_revisions,
    owner_ref,
    template_patch,
    truncate_history,
)

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"


def pod_name(sts_name: str, ordinal: int) -> str:
    """``getPodName``: ``<sts>-<ordinal>``."""
    return f"{sts_name}-{ordinal}"


def claim_name(template_name: str, sts_name: str, ordinal: int) -> str:
    """``getPersistentVolumeClaimName``: ``<claim>-<sts>-<ordinal>``."""
    return f"{template_name}-{sts_name}-{ordinal}"


def revision_for(sts: Obj) -> tuple[str, Obj]:
    """(revision name, revision data) for the StatefulSet's current template (``newRevision``)."""
    data = template_patch(sts)
    h = hash_controller_revision(data, (sts.get("status") or {}).get("collisionCount"))
    return controller_revision_name(sts["metadata"]["name"], h), data


def new_stateful_pod(sts: Obj, ordinal: int, revision: str, template: Obj | None = None) -> Obj:
    """``newVersionedStatefulSetPod``: the pod for ``ordinal`` at ``revision``."""
    spec_all = sts.get("spec") or {}
    template = template or spec_all.get("template") or {}
    name = pod_name(sts["metadata"]["name"], ordinal)
    tmeta = template.get("metadata") or {}
    labels = dict(tmeta.get("labels") or {})
    labels[CONTROLLER_REVISION_HASH] = revision
    labels[POD_NAME_LABEL] = name
    labels[POD_INDEX_LABEL] = str(ordinal)
    spec = clone(template.get("spec") or {})
    claims = [c for c in spec_all.get("volumeClaimTemplates") or () if isinstance(c, dict)]
    if claims:
        claim_names = {c["metadata"]["name"] for c in claims}
        vols = [v for v in spec.get("volumes") or () if v.get("name") not in claim_names]
        for c in claims:
            vols.append(
                {
                    "name": c["metadata"]["name"],
                    "persistentVolumeClaim": {
                        "claimName": claim_name(c["metadata"]["name"], sts["metadata"]["name"], ordinal)
                    },
                }
            )
        spec["volumes"] = vols
    spec["hostname"] = name
    if spec_all.get("serviceName"):
        spec["subdomain"] = spec_all["serviceName"]
    meta: Obj = {
        "name": name,
        "namespace": sts["metadata"]["namespace"],
        "labels": labels,
        "ownerReferences": [owner_ref(sts)],
    }
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def new_claim(sts: Obj, template: Obj, ordinal: int) -> Obj:
    """``getPersistentVolumeClaims``: the PVC for one claim template and ordinal (labels + selector labels)."""
    pvc = clone(template)
    meta = pvc.setdefault("metadata", {})
    meta["name"] = claim_name(template["metadata"]["name"], sts["metadata"]["name"], ordinal)
    meta["namespace"] = sts["metadata"]["namespace"]
    labels = dict(meta.get("labels") or {})
    labels.update(((sts.get("spec") or {}).get("selector") or {}).get("matchLabels") or {})
    if labels:
        meta["labels"] = labels
    pvc["apiVersion"] = "v1"
    pvc["kind"] = "PersistentVolumeClaim"
    pvc.pop("status", None)
    return pvc


def _ordinal(sts_name: str, pod: Obj) -> int | None:
    m = re.fullmatch(re.escape(sts_name) + r"-(\d+)", pod["metadata"]["name"])
    return int(m.group(1)) if m else None


def _running_and_ready(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running" and is_pod_ready(pod)


class StatefulSetController(Controller):
    """``StatefulSetControl.UpdateStatefulSet``: create, delete and update pods in ordinal order."""

    name = "statefulset-controller"
    watches = ("statefulsets.apps", "pods")

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        self.recorder = EventRecorder(self.api, "statefulset-controller")
        self.pods = OwnerIndex()
        self.pods.rebuild(cluster.store, "pods")

    def on_event(self, ev: Event) -> None:
        meta = ev.object["metadata"]
        if ev.resource == "pods":
            ref = self.pods.update(ev)
            if ref is not None and ref.get("kind") == "StatefulSet":
                self.queue.add(("statefulsets.apps", meta.get("namespace", ""), ref.get("name", "")))
            return
        self.queue.add((ev.resource, meta.get("namespace", "") or "", meta["name"]))

    def reconcile(self, key: Key) -> None:
        _, ns, name = key
        sts = self.cluster.store.get("statefulsets.apps", ns, name)
        if sts is None or sts["metadata"].get("deletionTimestamp"):
            return
        spec = sts.get("spec") or {}
        status = dict(sts.get("status") or {})
        update_rev, revisions = self._ensure_revision(sts)
        current_rev = status.get("currentRevision") or update_rev
        templates = {
            r["metadata"]["name"]: ((r.get("data") or {}).get("spec") or {}).get("template")
            for r in revisions
        }
        replicas = int(spec.get("replicas", 1))
        start = int((spec.get("ordinals") or {}).get("start", 0) or 0)
        end = start + replicas
        parallel = spec.get("podManagementPolicy") == "Parallel"
        strategy = spec.get("updateStrategy") or {}
        on_delete = strategy.get("type") == "OnDelete"
        partition = (
            int((strategy.get("rollingUpdate") or {}).get("partition", 0) or 0) if not on_delete else 0
        )
        pods: dict[int, Obj] = {}
        condemned: list[Obj] = []
        for owned in self.pods.objects(self.cluster.store, "pods", sts["metadata"]["uid"]):
            o = _ordinal(name, owned)
            if o is None:
                continue
            if start <= o < end:
                pods[o] = owned
            else:
                condemned.append(owned)
        condemned.sort(key=lambda p: -(_ordinal(name, p) or 0))

        def rev_for(o: int) -> str:
            if on_delete:
                return update_rev
            return current_rev if o < start + partition and current_rev in templates else update_rev

        blocked = False
        pod: Obj | None
        for o in range(start, end):
            pod = pods.get(o)
            if (
                pod is not None
                and (pod.get("status") or {}).get("phase") == "Failed"
                and not pod["metadata"].get("deletionTimestamp")
            ):
                self._delete_pod(sts, pod)
                pod = pods[o] = self.cluster.store.get("pods", ns, pod_name(name, o)) or pod
            if pod is None:
                rev = rev_for(o)
                tmpl = templates.get(rev) if rev != update_rev else None
                if tmpl is not None:
                    tmpl = {k: v for k, v in tmpl.items() if k != "$patch"}
                created = self._create_pod(sts, o, rev, tmpl)
                if created is not None:
                    pods[o] = created
                if not parallel:
                    blocked = True
                    break
                continue
            if pod["metadata"].get("deletionTimestamp") and not parallel:
                blocked = True
                break
            if not _running_and_ready(pod) and not parallel:
                blocked = True
                break
        if not blocked:
            for pod in condemned:
                if pod["metadata"].get("deletionTimestamp"):
                    if not parallel:
                        blocked = True
                        break
                    continue
                if not parallel and not all(_running_and_ready(p) for p in pods.values()):
                    blocked = True
                    break
                self._delete_pod(sts, pod)
                if not parallel:
                    blocked = True
                    break
        if not blocked and not on_delete and condemned == []:
            for o in range(end - 1, start + partition - 1, -1):
                pod = pods.get(o)
                if pod is None:
                    break
                if (pod["metadata"].get("labels") or {}).get(CONTROLLER_REVISION_HASH) != update_rev:
                    if not pod["metadata"].get("deletionTimestamp"):
                        self._delete_pod(sts, pod)
                    break
                if not _running_and_ready(pod):
                    break
        self._update_status(sts, pods, condemned, current_rev, update_rev, start, partition)
        limit = int(spec.get("revisionHistoryLimit", 10))
        if len(revisions) > limit + 1:
            live = {update_rev, current_rev} | {
                (p["metadata"].get("labels") or {}).get(CONTROLLER_REVISION_HASH, "") for p in pods.values()
            }
            truncate_history(self.api, revisions, live, limit)

    def _ensure_revision(self, sts: Obj) -> tuple[str, list[Obj]]:
        name, data = revision_for(sts)
        revisions = owned_revisions(self.api, sts)
        max_rev = max((int(r.get("revision", 0)) for r in revisions), default=0)
        for r in revisions:
            if r.get("data") == data:
                if int(r.get("revision", 0)) < max_rev:
                    upd = clone(r)
                    upd["revision"] = max_rev + 1
                    try:
                        self.api.update(upd, validate_schema=False)
                    except StatusError:
                        pass
                    revisions = owned_revisions(self.api, sts)
                return r["metadata"]["name"], revisions
        try:
            self.api.create(new_controller_revision(sts, data, name, name, max_rev + 1))
        except StatusError:
            pass
        return name, owned_revisions(self.api, sts)

    def _create_pod(self, sts: Obj, ordinal: int, revision: str, template: Obj | None) -> Obj | None:
        sname = sts["metadata"]["name"]
        pname = pod_name(sname, ordinal)
        for tmpl in (sts.get("spec") or {}).get("volumeClaimTemplates") or ():
            claim = new_claim(sts, tmpl, ordinal)
            cname = claim["metadata"]["name"]
            if (
                self.cluster.store.get("persistentvolumeclaims", claim["metadata"]["namespace"], cname)
                is not None
            ):
                continue
            try:
                self.api.create(claim)
            except StatusError as err:
                self.recorder.event(
                    sts,
                    WARNING,
                    "FailedCreate",
                    f"create Claim {cname} for Pod {pname} in StatefulSet {sname} failed error: "
                    f"{err.message}",
                )
                return None
            self.recorder.event(
                sts,
                NORMAL,
                "SuccessfulCreate",
                f"create Claim {cname} Pod {pname} in StatefulSet {sname} success",
            )
        try:
            pod = self.api.create(new_stateful_pod(sts, ordinal, revision, template))
        except StatusError as err:
            self.recorder.event(
                sts,
                WARNING,
                "FailedCreate",
                f"create Pod {pname} in StatefulSet {sname} failed error: {err.message}",
            )
            return None
        self.recorder.event(
            sts, NORMAL, "SuccessfulCreate", f"create Pod {pname} in StatefulSet {sname} successful"
        )
        return pod

    def _delete_pod(self, sts: Obj, pod: Obj) -> None:
        pname, sname = pod["metadata"]["name"], sts["metadata"]["name"]
        try:
            self.api.delete("pods", pname, pod["metadata"]["namespace"])
        except StatusError as err:
            self.recorder.event(
                sts,
                WARNING,
                "FailedDelete",
                f"delete Pod {pname} in StatefulSet {sname} failed error: {err.message}",
            )
            return
        self.recorder.event(
            sts, NORMAL, "SuccessfulDelete", f"delete Pod {pname} in StatefulSet {sname} successful"
        )

    def _update_status(
        self,
        sts: Obj,
        pods: dict[int, Obj],
        condemned: list[Obj],
        current_rev: str,
        update_rev: str,
        start: int,
        partition: int,
    ) -> None:
        now = self.api.now()
        min_ready = int((sts.get("spec") or {}).get("minReadySeconds") or 0)
        everything = list(pods.values()) + condemned
        replicas = ready = available = current = updated = 0
        for p in everything:
            if p["metadata"].get("deletionTimestamp") and p in condemned:
                continue
            replicas += 1
            if _running_and_ready(p):
                ready += 1
                if is_pod_available(p, min_ready, now):
                    available += 1
            h = (p["metadata"].get("labels") or {}).get(CONTROLLER_REVISION_HASH)
            if h == current_rev:
                current += 1
            if h == update_rev:
                updated += 1
        spec_replicas = int((sts.get("spec") or {}).get("replicas", 1))
        if updated == spec_replicas and ready == spec_replicas and replicas == spec_replicas:
            current_rev, current = update_rev, updated
        old = sts.get("status") or {}
        status: Obj = {
            "availableReplicas": available,
            "collisionCount": int(old.get("collisionCount", 0) or 0),
        }
        if current:
            status["currentReplicas"] = current
        status["currentRevision"] = current_rev
        status["observedGeneration"] = sts["metadata"].get("generation", 1)
        if ready:
            status["readyReplicas"] = ready
        status["replicas"] = replicas
        status["updateRevision"] = update_rev
        if updated:
            status["updatedReplicas"] = updated
        if old.get("conditions"):
            status["conditions"] = old["conditions"]
        if status != old:
            upd = clone(sts)
            upd["status"] = status
            try:
                self.api.update_status(upd)
            except StatusError:
                pass
        if min_ready and ready > available:
            self.requeue_after(
                ("statefulsets.apps", sts["metadata"]["namespace"], sts["metadata"]["name"]), 1.0
            )


def install(cluster: Any) -> StatefulSetController:
    """Register the StatefulSet controller with ``cluster``."""
    c = StatefulSetController(cluster)
    c = cluster.add_controller(c)  # type: ignore[assignment]
    return c
