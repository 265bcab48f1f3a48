"""VolumeBinding (1.32): PersistentVolumeClaims a pod uses must exist, immediate-binding claims must be
bound, and the PersistentVolumes of bound claims must allow the node (node affinity, e.g. local volumes).

PreFilter failures replace the per-node histogram in FailedScheduling (``0/3 nodes are available: pod has
unbound immediate PersistentVolumeClaims.``). Claims with ``volumeBindingMode: WaitForFirstConsumer``
need an available matching volume on the node when their class has no provisioner
(``kubernetes.io/no-provisioner``); provisioning itself belongs to the volume controllers.
"""

from __future__ import annotations

from typing import Any

from ... import quantity
from ...store import Store
from ..framework import UNRESOLVABLE, NodeInfo, PodInfo, Status, node_selector_term_matches

NAME = "VolumeBinding"
UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
NODE_CONFLICT = "node(s) had volume node affinity conflict"
BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
NO_PROVISIONER = "kubernetes.io/no-provisioner"


def claim_names(spec: dict[str, Any]) -> list[str]:
    """The PVC names the pod's volumes reference (ephemeral volumes as ``<pod>-<volume>``)."""
    out = []
    for v in spec.get("volumes") or []:
        if isinstance(v, dict) and isinstance(v.get("persistentVolumeClaim"), dict):
            name = v["persistentVolumeClaim"].get("claimName")
            if name:
                out.append(str(name))
    return out


def _pv_allows(pv: dict[str, Any], ni: NodeInfo) -> bool:
    req = ((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required")
    if not isinstance(req, dict):
        return True
    terms = req.get("nodeSelectorTerms") or []
    return any(isinstance(t, dict) and node_selector_term_matches(t, ni.labels, ni.name) for t in terms)


class State:
    """PreFilter: look up the claims once per scheduling cycle."""

    def __init__(self, pi: PodInfo, claims: list[str], store: Store) -> None:
        self.prefilter_msg = ""
        self.bound: list[dict[str, Any] | None] = []
        self.delayed: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        self.store = store
        immediate_unbound = False
        for name in claims:
            pvc = store.get("persistentvolumeclaims", pi.namespace, name)
            if pvc is None:
                self.prefilter_msg = f'persistentvolumeclaim "{name}" not found'
                return
            if pvc["metadata"].get("deletionTimestamp"):
                self.prefilter_msg = f'persistentvolumeclaim "{name}" is being deleted'
                return
            spec = pvc.get("spec") or {}
            if spec.get("volumeName"):
                self.bound.append(store.get("persistentvolumes", "", spec["volumeName"]))
                continue
            sc_name = spec.get("storageClassName") or ""
            sc = store.get("storageclasses.storage.k8s.io", "", sc_name) if sc_name else None
            if sc is not None and sc.get("volumeBindingMode") == "WaitForFirstConsumer":
                self.delayed.append((pvc, sc))
            else:
                immediate_unbound = True
        if immediate_unbound:
            self.prefilter_msg = UNBOUND_IMMEDIATE

    @property
    def relevant(self) -> bool:
        """Whether Filter can reject a node."""
        return bool(self.bound or self.delayed)

    def filter(self, ni: NodeInfo) -> Status | None:
        """Bound volumes must allow the node; delayed claims need a volume here or a provisioner."""
        for pv in self.bound:
            if pv is None:
                return Status(UNRESOLVABLE, NAME, (PV_NOT_EXIST,))
            if not _pv_allows(pv, ni):
                return Status(UNRESOLVABLE, NAME, (NODE_CONFLICT,))
        for pvc, sc in self.delayed:
            if sc is not None and sc.get("provisioner") != NO_PROVISIONER:
                continue
            if not self._matching_pv(pvc, ni):
                return Status(UNRESOLVABLE, NAME, (BIND_CONFLICT,))
        return None

    def _matching_pv(self, pvc: dict[str, Any], ni: NodeInfo) -> bool:
        spec = pvc.get("spec") or {}
        want = quantity.value(((spec.get("resources") or {}).get("requests") or {}).get("storage", "0"))
        modes = set(spec.get("accessModes") or [])
        cls = spec.get("storageClassName") or ""
        for pv in self.store.list("persistentvolumes"):
            ps = pv.get("spec") or {}
            if ps.get("claimRef") or (ps.get("storageClassName") or "") != cls:
                continue
            if (pv.get("status") or {}).get("phase") not in (None, "Available"):
                continue
            if quantity.value((ps.get("capacity") or {}).get("storage", "0")) < want:
                continue
            if not modes <= set(ps.get("accessModes") or []):
                continue
            if _pv_allows(pv, ni):
                return True
        return False
