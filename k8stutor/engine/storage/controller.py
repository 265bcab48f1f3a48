"""The PersistentVolume controller (binder, reclaimer), the NFS provisioner and the protection finalizers.

Binding follows ``pkg/controller/volume/persistentvolume``: a pending claim gets the *smallest* Available
volume whose class equals the claim's, whose access modes include the claim's, whose volume mode matches,
whose capacity covers the request and whose labels match the claim's selector. Failing that, a class with a
provisioner provisions (Immediate at once, WaitForFirstConsumer once a pod using the claim is scheduled).
A claim's deletion releases its volume: Retain keeps it Released, Recycle scrubs it and makes it Available,
Delete removes it (and its data) when a plugin can delete it, else the volume goes Failed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..controllers.base import Controller, Key
from ..events import EventRecorder
from ..quantity import QuantityError, parse
from ..selectors import selector_from_label_selector
from ..store import DELETED, Event, clone
from ..timeutil import rfc3339

if TYPE_CHECKING:
    from ..cluster import Cluster

PV = "persistentvolumes"
PVC = "persistentvolumeclaims"
SC = "storageclasses.storage.k8s.io"
DEFAULT_CLASS_ANN = "storageclass.kubernetes.io/is-default-class"
NFS_PROVISIONER = "k8s-sigs.io/nfs-subdir-external-provisioner"
NO_PROVISIONER = "kubernetes.io/no-provisioner"
SELECTED_NODE = "volume.kubernetes.io/selected-node"
RECYCLE_SECONDS = 5.0
PROVISION_SECONDS = 1.0


def _storage(obj: dict[str, Any], where: str) -> Any:
    spec = obj.get("spec") or {}
    if where == "pv":
        v = (spec.get("capacity") or {}).get("storage")
    else:
        v = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
    try:
        return parse(v)
    except QuantityError:
        return None


def default_class(cluster: Cluster) -> dict[str, Any] | None:
    """The default StorageClass (the newest one when several are marked, as 1.26+ does)."""
    best = None
    for sc in cluster.store.list(SC):
        if (sc["metadata"].get("annotations") or {}).get(DEFAULT_CLASS_ANN) == "true":
            if best is None or sc["metadata"].get("creationTimestamp", "") > best["metadata"].get(
                    "creationTimestamp", ""):
                best = sc
    return best


def claim_admission(cluster: Cluster) -> Any:
    """DefaultStorageClass + StorageObjectInUseProtection admission for claims and volumes."""

    def admit(op: str, rt: Any, obj: dict[str, Any], old: dict[str, Any] | None, user: Any) -> Any:
        if op != "CREATE" or rt.group_resource not in (PV, PVC):
            return None
        meta = obj.setdefault("metadata", {})
        fin = "kubernetes.io/pvc-protection" if rt.group_resource == PVC else "kubernetes.io/pv-protection"
        if fin not in (meta.get("finalizers") or []):
            meta["finalizers"] = list(meta.get("finalizers") or []) + [fin]
        if rt.group_resource == PVC:
            spec = obj.setdefault("spec", {})
            if "storageClassName" not in spec or spec.get("storageClassName") is None:
                dc = default_class(cluster)
                if dc is not None:
                    spec["storageClassName"] = dc["metadata"]["name"]
        return obj

    return admit


class PersistentVolumeController(Controller):
    """``persistentvolume-binder`` + the NFS subdir provisioner + pvc/pv protection."""

    name = "persistentvolume-controller"
    watches = (PV, PVC, "pods", SC)

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.recorder = EventRecorder(cluster.api, "persistentvolume-controller", "")
        self.prov_recorder = EventRecorder(
            cluster.api, f"{NFS_PROVISIONER}_nfs-subdir-external-provisioner-"
                         f"{cluster.api.rand_string(10)}-{cluster.api.rand_string(5)}_{cluster.api.new_uid()}", "")
        self.pending: set[tuple[str, str]] = set()
        self.claim_users: dict[tuple[str, str], set[str]] = {}
        self._pod_claims: dict[tuple[str, str], list[str]] = {}
        self._emitted: dict[tuple[str, str], str] = {}
        self._provisioning: set[tuple[str, str]] = set()

    # -- events -------------------------------------------------------------------------------------------------
    def on_event(self, ev: Event) -> None:
        """Route changes: pods track which claims are in use; volume changes retry pending claims."""
        meta = ev.object["metadata"]
        ns = meta.get("namespace", "") or ""
        if ev.resource == "pods":
            key = (ns, meta["name"])
            if key not in self._pod_claims and (
                ev.type == DELETED
                or not any(
                    isinstance(v, dict) and "persistentVolumeClaim" in v
                    for v in (ev.object.get("spec") or {}).get("volumes") or ()
                )
            ):
                return  # a pod that uses no claim, before or now (most pod writes)
            old = self._pod_claims.pop(key, [])
            for c in old:
                self.claim_users.get((ns, c), set()).discard(meta["name"])
            claims = []
            if ev.type != DELETED and (ev.object.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                claims = [v["persistentVolumeClaim"].get("claimName", "") for v in
                          (ev.object.get("spec") or {}).get("volumes") or []
                          if isinstance(v, dict) and isinstance(v.get("persistentVolumeClaim"), dict)]
                for c in claims:
                    self.claim_users.setdefault((ns, c), set()).add(meta["name"])
                if claims:
                    self._pod_claims[key] = claims
            for c in set(old) | set(claims):
                self.queue.add((PVC, ns, c))
            return
        if ev.resource in (PV, SC):
            if ev.resource == PV:
                self.queue.add((PV, "", meta["name"]))
            for pns, pname in list(self.pending):
                self.queue.add((PVC, pns, pname))
            return
        self.queue.add((PVC, ns, meta["name"]))
        vol = (ev.object.get("spec") or {}).get("volumeName")
        if vol:
            self.queue.add((PV, "", vol))

    def reconcile(self, key: Key) -> None:
        """Sync one claim or volume."""
        if key[0] == PVC:
            self._sync_claim(key[1], key[2])
        elif key[0] == PV:
            self._sync_volume(key[2])

    # -- claims ---------------------------------------------------------------------------------------------------
    def _sync_claim(self, ns: str, name: str) -> None:
        store = self.cluster.store
        pvc = store.get(PVC, ns, name)
        if pvc is None:
            self.pending.discard((ns, name))
            self._emitted.pop((ns, name), None)
            return
        meta = pvc["metadata"]
        if meta.get("deletionTimestamp"):
            if "kubernetes.io/pvc-protection" in (meta.get("finalizers") or []) and not self.claim_users.get(
                    (ns, name)):
                new = clone(pvc)
                new["metadata"]["finalizers"] = [f for f in meta["finalizers"] if f != "kubernetes.io/pvc-protection"]
                self.api.update(new)
            return
        spec = pvc.get("spec") or {}
        if spec.get("volumeName"):
            self.pending.discard((ns, name))
            pv = store.get(PV, "", spec["volumeName"])
            if pv is None:
                if (pvc.get("status") or {}).get("phase") != "Lost":
                    self._claim_status(pvc, "Lost")
                    self.recorder.event(pvc, "Warning", "ClaimLost",
                                        "Bound claim has lost its PersistentVolume. Data on the volume is lost!")
                return
            if (pvc.get("status") or {}).get("phase") != "Bound":
                self._claim_status(pvc, "Bound", pv)
            return
        self.pending.add((ns, name))
        pv = self._find_volume(pvc)
        if pv is not None:
            self._bind(pvc, pv)
            self.pending.discard((ns, name))
            return
        sc_name = spec.get("storageClassName") or ""
        if not sc_name:
            self._event_once(pvc, "Normal", "FailedBinding",
                             "no persistent volumes available for this claim and no storage class is set")
            return
        sc = store.get(SC, "", sc_name)
        if sc is None:
            self._event_once(pvc, "Warning", "ProvisioningFailed", f'storageclass.storage.k8s.io "{sc_name}" not found')
            return
        wffc = sc.get("volumeBindingMode") == "WaitForFirstConsumer"
        node = ""
        if wffc:
            node = self._consumer_node(ns, name)
            if not node:
                self._event_once(pvc, "Normal", "WaitForFirstConsumer",
                                 "waiting for first consumer to be created before binding")
                return
        prov = sc.get("provisioner", "")
        if prov == NO_PROVISIONER:
            return
        self._event_once(pvc, "Normal", "ExternalProvisioning",
                         f"Waiting for a volume to be created either by the external provisioner '{prov}' or "
                         "manually by the system administrator. If volume creation is delayed, please verify that "
                         "the provisioner is running and correctly registered.")
        if prov == NFS_PROVISIONER and (ns, name) not in self._provisioning:
            self._provisioning.add((ns, name))
            uid = meta.get("uid", "")
            self.prov_recorder.event(pvc, "Normal", "Provisioning",
                                     f'External provisioner is provisioning volume for claim "{ns}/{name}"')
            self.cluster.clock.call_after(PROVISION_SECONDS, lambda: self._provision(ns, name, uid, sc_name))

    def _consumer_node(self, ns: str, name: str) -> str:
        pvc = self.cluster.store.get(PVC, ns, name) or {}
        sel = (pvc.get("metadata", {}).get("annotations") or {}).get(SELECTED_NODE)
        if sel:
            return str(sel)
        for pod_name in sorted(self.claim_users.get((ns, name), set())):
            pod = self.cluster.store.get("pods", ns, pod_name)
            if pod is not None and (pod.get("spec") or {}).get("nodeName"):
                return str(pod["spec"]["nodeName"])
        return ""

    def _event_once(self, obj: dict[str, Any], typ: str, reason: str, msg: str) -> None:
        key = (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        if self._emitted.get(key) == reason:
            return
        self._emitted[key] = reason
        self.recorder.event(obj, typ, reason, msg)

    def _find_volume(self, pvc: dict[str, Any]) -> dict[str, Any] | None:
        """``findBestMatchForClaim``: the smallest matching Available volume (pre-bound ones first)."""
        spec = pvc.get("spec") or {}
        want = _storage(pvc, "pvc")
        modes = set(spec.get("accessModes") or [])
        cls = spec.get("storageClassName") or ""
        vmode = spec.get("volumeMode") or "Filesystem"
        sel = selector_from_label_selector(spec.get("selector")) if spec.get("selector") else None
        uid = pvc["metadata"].get("uid")
        ns, name = pvc["metadata"].get("namespace", ""), pvc["metadata"]["name"]
        node = ""
        best = None
        best_size = None
        for pv in self.cluster.store.list(PV):
            pspec = pv.get("spec") or {}
            if pv["metadata"].get("deletionTimestamp"):
                continue
            ref = pspec.get("claimRef")
            if ref:
                if ref.get("name") != name or ref.get("namespace") != ns or (ref.get("uid") and ref["uid"] != uid):
                    continue
                return pv  # pre-bound to this claim
            if (pv.get("status") or {}).get("phase") not in ("Available", "Pending", None):
                continue
            if (pspec.get("storageClassName") or "") != cls:
                continue
            if not modes <= set(pspec.get("accessModes") or []):
                continue
            if (pspec.get("volumeMode") or "Filesystem") != vmode:
                continue
            size = _storage(pv, "pv")
            if size is None or (want is not None and size < want):
                continue
            if sel is not None and not sel.matches(pv["metadata"].get("labels") or {}):
                continue
            if pspec.get("nodeAffinity"):
                node = node or self._consumer_node(ns, name)
                if not node or not _node_allows(self.cluster, pv, node):
                    continue
            if best_size is None or size < best_size:
                best, best_size = pv, size
        return best

    def _bind(self, pvc: dict[str, Any], pv: dict[str, Any]) -> None:
        meta = pvc["metadata"]
        npv = clone(pv)
        npv["spec"]["claimRef"] = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": meta["name"],
                                   "namespace": meta.get("namespace", ""), "resourceVersion":
                                       meta.get("resourceVersion", ""), "uid": meta.get("uid", "")}
        if not (pv.get("spec") or {}).get("claimRef"):
            npv["metadata"].setdefault("annotations", {})["pv.kubernetes.io/bound-by-controller"] = "yes"
        npv = self.api.update(npv)
        npv["status"] = {"phase": "Bound", "lastPhaseTransitionTime": rfc3339(self.cluster.now())}
        npv = self.api.update(npv, subresource="status")
        npvc = clone(self.cluster.store.get(PVC, meta.get("namespace", ""), meta["name"]))
        ann = npvc["metadata"].setdefault("annotations", {})
        ann["pv.kubernetes.io/bind-completed"] = "yes"
        ann["pv.kubernetes.io/bound-by-controller"] = "yes"
        npvc["spec"]["volumeName"] = pv["metadata"]["name"]
        npvc = self.api.update(npvc)
        self._claim_status(npvc, "Bound", npv)

    def _claim_status(self, pvc: dict[str, Any], phase: str, pv: dict[str, Any] | None = None) -> None:
        new = clone(pvc)
        st: dict[str, Any] = {"phase": phase}
        if pv is not None and phase == "Bound":
            st["accessModes"] = list((pv.get("spec") or {}).get("accessModes") or [])
            st["capacity"] = dict((pv.get("spec") or {}).get("capacity") or {})
        new["status"] = st
        self.api.update(new, subresource="status")

    def _provision(self, ns: str, name: str, uid: str, sc_name: str) -> None:
        self._provisioning.discard((ns, name))
        pvc = self.cluster.store.get(PVC, ns, name)
        sc = self.cluster.store.get(SC, "", sc_name)
        if pvc is None or pvc["metadata"].get("uid") != uid or (pvc.get("spec") or {}).get("volumeName") or sc is None:
            return
        pv_name = f"pvc-{uid}"
        params = sc.get("parameters") or {}
        server = params.get("server") or getattr(self.cluster, "nfs_server", ("", ""))[0]
        base = params.get("path") or getattr(self.cluster, "nfs_server", ("", "/nfsdata"))[1]
        path = f"{base.rstrip('/')}/{ns}-{name}-{pv_name}"
        self.cluster.volumes.nfs(server, path)
        spec = pvc.get("spec") or {}
        pv: dict[str, Any] = {"apiVersion": "v1", "kind": "PersistentVolume",
              "metadata": {"name": pv_name, "annotations": {"pv.kubernetes.io/provisioned-by": sc["provisioner"]}},
              "spec": {"accessModes": list(spec.get("accessModes") or []),
                       "capacity": {"storage": ((spec.get("resources") or {}).get("requests") or {}).get(
                           "storage", "1Gi")},
                       "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": name,
                                    "namespace": ns, "resourceVersion": pvc["metadata"].get("resourceVersion", ""),
                                    "uid": uid},
                       "nfs": {"path": path, "server": server},
                       "persistentVolumeReclaimPolicy": sc.get("reclaimPolicy") or "Delete",
                       "storageClassName": sc_name, "volumeMode": spec.get("volumeMode") or "Filesystem"}}
        if sc.get("mountOptions"):
            pv["spec"]["mountOptions"] = list(sc["mountOptions"])
        self.api.create(pv)
        self.prov_recorder.event(pvc, "Normal", "ProvisioningSucceeded", f"Successfully provisioned volume {pv_name}")

    # -- volumes -------------------------------------------------------------------------------------------------
    def _sync_volume(self, name: str) -> None:
        store = self.cluster.store
        pv = store.get(PV, "", name)
        if pv is None:
            return
        meta, spec = pv["metadata"], pv.get("spec") or {}
        phase = (pv.get("status") or {}).get("phase")
        ref = spec.get("claimRef")
        if meta.get("deletionTimestamp"):
            if "kubernetes.io/pv-protection" in (meta.get("finalizers") or []) and phase != "Bound":
                new = clone(pv)
                new["metadata"]["finalizers"] = [f for f in meta["finalizers"] if f != "kubernetes.io/pv-protection"]
                self.api.update(new)
            return
        if not ref:
            if phase != "Available":
                self._volume_phase(pv, "Available")
            return
        claim = store.get(PVC, ref.get("namespace", ""), ref.get("name", ""))
        if claim is not None and (not ref.get("uid") or claim["metadata"].get("uid") == ref.get("uid")):
            if (claim.get("spec") or {}).get("volumeName") == name and phase != "Bound":
                self._volume_phase(pv, "Bound")
            elif not (claim.get("spec") or {}).get("volumeName"):
                # Pre-bound volume: the claim will bind to it.
                if phase not in ("Available",):
                    self._volume_phase(pv, "Available")
                self.queue.add((PVC, ref.get("namespace", ""), ref.get("name", "")))
            return
        if not ref.get("uid"):
            if phase != "Available":
                self._volume_phase(pv, "Available")
            return
        # The claim is gone: release and reclaim.
        if phase in ("Bound", "Available", "Pending", None):
            pv = self._volume_phase(pv, "Released")
            self._reclaim(pv)

    def _volume_phase(self, pv: dict[str, Any], phase: str, message: str = "", reason: str = "") -> dict[str, Any]:
        new = clone(pv)
        st: dict[str, Any] = {"phase": phase}
        if message:
            st["message"] = message
        if reason:
            st["reason"] = reason
        st["lastPhaseTransitionTime"] = rfc3339(self.cluster.now())
        new["status"] = st
        return self.api.update(new, subresource="status")

    def _reclaim(self, pv: dict[str, Any]) -> None:
        spec = pv.get("spec") or {}
        policy = spec.get("persistentVolumeReclaimPolicy") or "Retain"
        name = pv["metadata"]["name"]
        if policy == "Retain":
            return
        if policy == "Recycle":
            if not (spec.get("nfs") or spec.get("hostPath")):
                msg = "No recycler plugin found for the volume!"
                self.recorder.event(pv, "Warning", "VolumeFailedRecycle", msg)
                self._volume_phase(pv, "Failed", msg)
                return
            self.recorder.event(pv, "Normal", "RecyclerPod",
                                f"Recycler pod: Successfully assigned default/recycler-for-{name} to "
                                f"{self._any_worker()}")
            self.cluster.clock.call_after(RECYCLE_SECONDS, lambda: self._recycled(name))
            return
        # Delete
        provisioned = (pv["metadata"].get("annotations") or {}).get("pv.kubernetes.io/provisioned-by")
        if provisioned == NFS_PROVISIONER:
            nfs = spec.get("nfs") or {}
            share = self.cluster.volumes.nfs_share(str(nfs.get("server", "")))
            try:
                share.remove(str(nfs.get("path", "")), recursive=True)
            except OSError:
                pass
            self.api.delete(PV, name)
            return
        if spec.get("hostPath"):
            path = str(spec["hostPath"].get("path", ""))
            if not path.startswith("/tmp/") or len(path) <= 5:
                msg = f"host_path deleter only supports /tmp/.+ but received provided {path}"
                self.recorder.event(pv, "Warning", "VolumeFailedDelete", msg)
                self._volume_phase(pv, "Failed", msg)
                return
            self.api.delete(PV, name)
            return
        msg = f'error getting deleter volume plugin for volume "{name}": no deletable volume plugin matched'
        self.recorder.event(pv, "Warning", "VolumeFailedDelete", msg)
        self._volume_phase(pv, "Failed", msg)

    def _any_worker(self) -> str:
        for n in self.cluster.store.list("nodes"):
            if not any(t.get("effect") == "NoSchedule" for t in (n.get("spec") or {}).get("taints") or []):
                return str(n["metadata"]["name"])
        return ""

    def _recycled(self, name: str) -> None:
        pv = self.cluster.store.get(PV, "", name)
        if pv is None or (pv.get("status") or {}).get("phase") != "Released":
            return
        node = self._any_worker()
        self.cluster.volumes.scrub(pv, node)
        new = clone(pv)
        new["spec"].pop("claimRef", None)
        new = self.api.update(new)
        self.recorder.event(new, "Normal", "VolumeRecycled", "Volume recycled")
        self._volume_phase(new, "Available")


def _node_allows(cluster: Cluster, pv: dict[str, Any], node: str) -> bool:
    from ..scheduler.framework import node_selector_term_matches

    n = cluster.store.get("nodes", "", node)
    if n is None:
        return False
    req = ((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required") or {}
    terms = req.get("nodeSelectorTerms") or []
    return any(node_selector_term_matches(t, n["metadata"].get("labels") or {}, node) for t in terms)
