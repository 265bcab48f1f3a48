"""The disruption controller (``pkg/controller/disruption``): PodDisruptionBudget status.

It counts the healthy (Ready) pods a budget selects, works out how many must stay healthy, and publishes
``disruptionsAllowed`` — the number the eviction API (``kubectl drain``) may take away right now.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import StatusError
from ..events import NORMAL, EventRecorder
from ..selectors import selector_from_label_selector
from ..store import Event, Obj, clone
from ..timeutil import rfc3339
from .base import Controller, Key
from .history import controller_ref, is_pod_ready


def _scaled(value: Any, total: int, round_up: bool) -> tuple[int, bool]:
    """(resolved int-or-percent, was a percentage)."""
    if isinstance(value, str) and value.endswith("%"):
        pct = int(value[:-1] or 0)
        v = total * pct / 100
        return (math.ceil(v) if round_up else math.floor(v)), True
    return int(value), False


class DisruptionController(Controller):
    """Keeps ``status.currentHealthy/desiredHealthy/expectedPods/disruptionsAllowed`` of every PDB current."""

    name = "disruption-controller"
    watches = (
        "poddisruptionbudgets.policy",
        "pods",
        "deployments.apps",
        "replicasets.apps",
        "statefulsets.apps",
        "replicationcontrollers",
    )

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        self.recorder = EventRecorder(self.api, "controllermanager")

    def on_event(self, ev: Event) -> None:
        meta = ev.object["metadata"]
        ns = meta.get("namespace", "") or ""
        if ev.resource == "poddisruptionbudgets.policy":
            self.queue.add((ev.resource, ns, meta["name"]))
            return
        pdbs = self.cluster.store.list("poddisruptionbudgets.policy", ns)
        if not pdbs:
            return
        labels = meta.get("labels") or {}
        if ev.resource != "pods":
            labels = (((ev.object.get("spec") or {}).get("template") or {}).get("metadata") or {}).get(
                "labels"
            ) or {}
        for pdb in pdbs:
            if selector_from_label_selector((pdb.get("spec") or {}).get("selector")).matches(labels):
                self.queue.add(("poddisruptionbudgets.policy", ns, pdb["metadata"]["name"]))

    def reconcile(self, key: Key) -> None:
        _, ns, name = key
        pdb = self.cluster.store.get("poddisruptionbudgets.policy", ns, name)
        if pdb is None or pdb["metadata"].get("deletionTimestamp"):
            return
        spec = pdb.get("spec") or {}
        sel = selector_from_label_selector(spec.get("selector"))
        pods = [
            p
            for p in self.cluster.store.list("pods", ns)
            if sel.matches(p["metadata"].get("labels"))
            and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
        ]
        if not pods:
            self.recorder.event(pdb, NORMAL, "NoPods", "No matching pods found")
        healthy = sum(1 for p in pods if is_pod_ready(p) and not p["metadata"].get("deletionTimestamp"))
        expected, desired = self._expected_and_desired(spec, pods, ns)
        allowed = max(0, healthy - desired)
        old = pdb.get("status") or {}
        now = rfc3339(self.api.now())
        reason, st = ("SufficientPods", "True") if allowed > 0 else ("InsufficientPods", "False")
        gen = pdb["metadata"].get("generation", 1)
        prev = next((c for c in old.get("conditions") or () if c.get("type") == "DisruptionAllowed"), None)
        cond = {
            "lastTransitionTime": now
            if prev is None or prev.get("status") != st
            else prev["lastTransitionTime"],
            "message": "",
            "observedGeneration": gen,
            "reason": reason,
            "status": st,
            "type": "DisruptionAllowed",
        }
        status: Obj = {
            "conditions": [cond],
            "currentHealthy": healthy,
            "desiredHealthy": desired,
            "disruptionsAllowed": allowed,
            "expectedPods": expected,
            "observedGeneration": gen,
        }
        if old.get("disruptedPods"):
            status["disruptedPods"] = old["disruptedPods"]
        if status != old:
            upd = clone(pdb)
            upd["status"] = status
            try:
                self.api.update_status(upd)
            except StatusError:
                pass

    def _expected_and_desired(self, spec: Obj, pods: list[Obj], ns: str) -> tuple[int, int]:
        min_available = spec.get("minAvailable")
        max_unavailable = spec.get("maxUnavailable")
        if min_available is not None and not (isinstance(min_available, str) and min_available.endswith("%")):
            return len(pods), int(min_available)
        expected = self._expected_scale(pods, ns)
        if max_unavailable is not None:
            mu, _ = _scaled(max_unavailable, expected, round_up=True)
            return expected, max(0, expected - mu)
        if min_available is not None:
            ma, _ = _scaled(min_available, expected, round_up=True)
            return expected, ma
        return expected, 0

    def _expected_scale(self, pods: list[Obj], ns: str) -> int:
        """``getExpectedScale``: the summed ``replicas`` of the controllers owning the pods."""
        seen: dict[str, int] = {}
        bare = 0
        for p in pods:
            ref = controller_ref(p)
            if ref is None:
                bare += 1
                continue
            if ref.get("uid") in seen:
                continue
            seen[ref["uid"]] = self._scale_of(ref, ns)
        return sum(seen.values()) + bare

    def _scale_of(self, ref: Obj, ns: str) -> int:
        kind, name = ref.get("kind"), ref.get("name", "")
        res = {
            "ReplicaSet": "replicasets.apps",
            "StatefulSet": "statefulsets.apps",
            "ReplicationController": "replicationcontrollers",
            "Deployment": "deployments.apps",
        }.get(kind or "")
        if res is None:
            return 1
        obj = self.cluster.store.get(res, ns, name)
        if obj is None:
            return 0
        if kind == "ReplicaSet":
            owner = controller_ref(obj)
            if owner is not None and owner.get("kind") == "Deployment":
                dep = self.cluster.store.get("deployments.apps", ns, owner.get("name", ""))
                if dep is not None:
                    return int((dep.get("spec") or {}).get("replicas", 1))
        return int((obj.get("spec") or {}).get("replicas", 1))


def install(cluster: Any) -> DisruptionController:
    """Register the disruption controller with ``cluster``."""
    c = DisruptionController(cluster)
    c = cluster.add_controller(c)  # type: ignore[assignment]
    return c
