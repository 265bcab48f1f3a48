"""Describers for PersistentVolume, PersistentVolumeClaim (with ``Used By:``) and StorageClass."""

from __future__ import annotations

from typing import Any

from .common import (
    DescribeClient,
    d,
    describe_events,
    events_for,
    fmt_time,
    format_labels,
    go_bool,
    go_value,
    i,
    lst,
    print_annotations_multiline,
    print_bool,
    print_labels_multiline,
    s,
    safe_list,
    since,
    str_map,
)
from .policy import quantity_of
from .tabwriter import LEVEL_0, LEVEL_1, LEVEL_2, PrefixWriter

BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
IS_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
BETA_IS_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class"
MAX_ANNOTATION_LEN = 140
_ACCESS_MODES = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def access_modes_string(modes: Any) -> str:
    """``storageutil.GetAccessModesAsString``: ``RWO,ROX,RWX,RWOP`` in that fixed order."""
    present = {m for m in modes if isinstance(m, str)} if isinstance(modes, list) else set()
    return ",".join(short for mode, short in _ACCESS_MODES if mode in present)


def go_slice(items: Any) -> str:
    """Go ``%v`` of a ``[]string`` (``[a b]``; ``[]`` when empty)."""
    values = items if isinstance(items, list) else []
    return "[" + " ".join(go_value(x) for x in values) + "]"


def pv_class(pv: dict) -> str:
    """``storageutil.GetPersistentVolumeClass`` (the beta annotation wins)."""
    ann = str_map(d(pv, "metadata").get("annotations"))
    if BETA_STORAGE_CLASS_ANNOTATION in ann:
        return ann[BETA_STORAGE_CLASS_ANNOTATION]
    return s(pv, "spec", "storageClassName")


def pvc_class(pvc: dict) -> str:
    """``storageutil.GetPersistentVolumeClaimClass``."""
    ann = str_map(d(pvc, "metadata").get("annotations"))
    if BETA_STORAGE_CLASS_ANNOTATION in ann:
        return ann[BETA_STORAGE_CLASS_ANNOTATION]
    return s(pvc, "spec", "storageClassName")


# --- PersistentVolume ----------------------------------------------------------------------------------------


def _node_affinity(w: PrefixWriter, affinity: Any) -> None:
    """``printVolumeNodeAffinity``."""
    w.write(LEVEL_0, "Node Affinity:\t")
    if not isinstance(affinity, dict) or not isinstance(affinity.get("required"), dict):
        w.write_line("<none>")
        return
    w.write_line("")
    w.write(LEVEL_1, "Required Terms:\t")
    terms = [t for t in lst(affinity, "required", "nodeSelectorTerms") if isinstance(t, dict)]
    if not terms:
        w.write_line("<none>")
        return
    w.write_line("")
    for n, term in enumerate(terms):
        w.write(LEVEL_2, f"Term {n}:\t")
        reqs = [r for r in lst(term, "matchExpressions") if isinstance(r, dict)]
        if not reqs:
            w.write_line("<none>")
            continue
        for k, req in enumerate(reqs):
            if k:
                w.write(LEVEL_2, "\t")
            expr = f"{s(req, 'key')} {s(req, 'operator').lower()}"
            values = [go_value(v) for v in lst(req, "values")]
            if values:
                expr += f" [{', '.join(values)}]"
            w.write(LEVEL_0, expr + "\n")


def _block(w: PrefixWriter, type_text: str, rows: list[tuple[str, str]]) -> None:
    w.write(LEVEL_2, f"Type:\t{type_text}\n" + "".join(f"    {k}:\t{v}\n" for k, v in rows))


def _ro(src: dict) -> str:
    return go_bool(src.get("readOnly") is True)


def _secret_ref(ref: Any) -> str:
    """Go ``%v`` of a ``*SecretReference`` / ``*LocalObjectReference``."""
    if not isinstance(ref, dict):
        return "<nil>"
    if "namespace" in ref:
        return f"&SecretReference{{Name:{s(ref, 'name')},Namespace:{s(ref, 'namespace')},}}"
    return f"&LocalObjectReference{{Name:{s(ref, 'name')},}}"


def _csi_attributes(w: PrefixWriter, attributes: Any) -> None:
    """``printCSIPersistentVolumeAttributesMultilineIndent`` (every write at LEVEL_2, as the Go code does)."""
    w.write(LEVEL_2, "VolumeAttributes:\t")
    attrs = str_map(attributes)
    if not attrs:
        w.write_line("<none>")
        return
    for n, key in enumerate(sorted(attrs)):
        if n:
            w.write(LEVEL_2, "")
            w.write(LEVEL_2, "\t")
        line = f"{key}={attrs[key]}"
        if len(line) > MAX_ANNOTATION_LEN:
            w.write(LEVEL_2, f"{line[:MAX_ANNOTATION_LEN]}...\n")
        else:
            w.write(LEVEL_2, f"{line}\n")


def _pv_source(spec: dict, w: PrefixWriter) -> None:
    """The ``Source:`` block of ``describePersistentVolume`` for the volume types a cluster commonly has."""
    if isinstance(spec.get("hostPath"), dict):
        hp = d(spec, "hostPath")
        kind = s(hp, "type") if hp.get("type") is not None else "<none>"
        _block(w, "HostPath (bare host directory volume)", [("Path", s(hp, "path")), ("HostPathType", kind)])
    elif isinstance(spec.get("gcePersistentDisk"), dict):
        g = d(spec, "gcePersistentDisk")
        _block(
            w,
            "GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)",
            [
                ("PDName", s(g, "pdName")),
                ("FSType", s(g, "fsType")),
                ("Partition", str(i(g, "partition"))),
                ("ReadOnly", _ro(g)),
            ],
        )
    elif isinstance(spec.get("awsElasticBlockStore"), dict):
        a = d(spec, "awsElasticBlockStore")
        _block(
            w,
            "AWSElasticBlockStore (a Persistent Disk resource in AWS)",
            [
                ("VolumeID", s(a, "volumeID")),
                ("FSType", s(a, "fsType")),
                ("Partition", str(i(a, "partition"))),
                ("ReadOnly", _ro(a)),
            ],
        )
    elif isinstance(spec.get("nfs"), dict):
        nfs = d(spec, "nfs")
        _block(
            w,
            "NFS (an NFS mount that lasts the lifetime of a pod)",
            [("Server", s(nfs, "server")), ("Path", s(nfs, "path")), ("ReadOnly", _ro(nfs))],
        )
    elif isinstance(spec.get("local"), dict):
        _block(
            w,
            "LocalVolume (a persistent volume backed by local storage on a node)",
            [("Path", s(spec, "local", "path"))],
        )
    elif isinstance(spec.get("cephfs"), dict):
        c = d(spec, "cephfs")
        _block(
            w,
            "CephFS (a CephFS mount on the host that shares a pod's lifetime)",
            [
                ("Monitors", go_slice(c.get("monitors"))),
                ("Path", s(c, "path")),
                ("User", s(c, "user")),
                ("SecretFile", s(c, "secretFile")),
                ("SecretRef", _secret_ref(c.get("secretRef"))),
                ("ReadOnly", _ro(c)),
            ],
        )
    elif isinstance(spec.get("fc"), dict):
        fc = d(spec, "fc")
        lun = str(i(fc, "lun")) if fc.get("lun") is not None else "<none>"
        _block(
            w,
            "FC (a Fibre Channel disk)",
            [
                ("TargetWWNs", ", ".join(go_value(x) for x in lst(fc, "targetWWNs"))),
                ("LUN", lun),
                ("FSType", s(fc, "fsType")),
                ("ReadOnly", _ro(fc)),
            ],
        )
    elif isinstance(spec.get("csi"), dict):
        csi = d(spec, "csi")
        _block(
            w,
            "CSI (a Container Storage Interface (CSI) volume source)",
            [
                ("Driver", s(csi, "driver")),
                ("FSType", s(csi, "fsType")),
                ("VolumeHandle", s(csi, "volumeHandle")),
                ("ReadOnly", _ro(csi)),
            ],
        )
        _csi_attributes(w, csi.get("volumeAttributes"))
    else:
        w.write(LEVEL_1, "<unknown>\n")


def describe_persistent_volume(api: DescribeClient, pv: dict, now: float, w: PrefixWriter) -> None:
    """``describePersistentVolume``."""
    meta, spec, status = d(pv, "metadata"), d(pv, "spec"), d(pv, "status")
    events = events_for(api, "PersistentVolume", pv)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, f"Finalizers:\t{go_slice(meta.get('finalizers'))}\n")
    w.write(LEVEL_0, f"StorageClass:\t{pv_class(pv)}\n")
    if meta.get("deletionTimestamp"):
        w.write(LEVEL_0, f"Status:\tTerminating (lasts {since(now, meta.get('deletionTimestamp'))})\n")
    else:
        w.write(LEVEL_0, f"Status:\t{s(status, 'phase')}\n")
    if isinstance(spec.get("claimRef"), dict):
        w.write(LEVEL_0, f"Claim:\t{s(spec, 'claimRef', 'namespace')}/{s(spec, 'claimRef', 'name')}\n")
    else:
        w.write(LEVEL_0, "Claim:\t\n")
    w.write(LEVEL_0, f"Reclaim Policy:\t{s(spec, 'persistentVolumeReclaimPolicy')}\n")
    w.write(LEVEL_0, f"Access Modes:\t{access_modes_string(spec.get('accessModes'))}\n")
    if spec.get("volumeMode") is not None:
        w.write(LEVEL_0, f"VolumeMode:\t{s(spec, 'volumeMode')}\n")
    w.write(LEVEL_0, f"Capacity:\t{quantity_of(d(spec, 'capacity').get('storage'))}\n")
    _node_affinity(w, spec.get("nodeAffinity"))
    w.write(LEVEL_0, f"Message:\t{s(status, 'message')}\n")
    w.write(LEVEL_0, "Source:\n")
    _pv_source(spec, w)
    describe_events(events, w, now)


# --- PersistentVolumeClaim -----------------------------------------------------------------------------------


def pods_for_pvc(api: DescribeClient, pvc: dict) -> list[dict]:
    """``getPodsForPVC``: pods mounting the claim (once per volume), then pods owning it (ephemeral volumes)."""
    meta = d(pvc, "metadata")
    name = s(meta, "name")
    ns_pods = safe_list(api, "pods", s(meta, "namespace")) or []
    pods: list[dict] = []
    for pod in ns_pods:
        for vol in lst(pod, "spec", "volumes"):
            if isinstance(vol, dict) and isinstance(vol.get("persistentVolumeClaim"), dict):
                if s(vol, "persistentVolumeClaim", "claimName") == name:
                    pods.append(pod)
    for ref in lst(meta, "ownerReferences"):
        if not isinstance(ref, dict) or s(ref, "kind") != "Pod":
            continue
        owner = next((p for p in ns_pods if s(p, "metadata", "uid") == s(ref, "uid")), None)
        if owner is None:
            continue
        if any(s(p, "metadata", "uid") == s(owner, "metadata", "uid") for p in pods):
            continue
        pods.append(owner)
    return pods


def print_persistent_volume_claim(w: PrefixWriter, pvc: dict, full: bool, now: float) -> None:
    """``printPersistentVolumeClaim`` (``full`` False for an ephemeral volume's claim template)."""
    meta, spec, status = d(pvc, "metadata"), d(pvc, "spec"), d(pvc, "status")
    if full:
        w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
        w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    w.write(LEVEL_0, f"StorageClass:\t{pvc_class(pvc)}\n")
    if full:
        if meta.get("deletionTimestamp"):
            w.write(LEVEL_0, f"Status:\tTerminating (lasts {since(now, meta.get('deletionTimestamp'))})\n")
        else:
            w.write(LEVEL_0, f"Status:\t{s(status, 'phase')}\n")
    w.write(LEVEL_0, f"Volume:\t{s(spec, 'volumeName')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    if full:
        w.write(LEVEL_0, f"Finalizers:\t{go_slice(meta.get('finalizers'))}\n")
    capacity = modes = ""
    if s(spec, "volumeName"):
        modes = access_modes_string(status.get("accessModes"))
        capacity = str(quantity_of(d(status, "capacity").get("storage")))
    w.write(LEVEL_0, f"Capacity:\t{capacity}\n")
    w.write(LEVEL_0, f"Access Modes:\t{modes}\n")
    if spec.get("volumeMode") is not None:
        w.write(LEVEL_0, f"VolumeMode:\t{s(spec, 'volumeMode')}\n")
    if isinstance(spec.get("dataSource"), dict):
        ds = d(spec, "dataSource")
        w.write(LEVEL_0, "DataSource:\n")
        if ds.get("apiGroup") is not None:
            w.write(LEVEL_1, f"APIGroup:\t{s(ds, 'apiGroup')}\n")
        w.write(LEVEL_1, f"Kind:\t{s(ds, 'kind')}\n")
        w.write(LEVEL_1, f"Name:\t{s(ds, 'name')}\n")


def print_pods_multiline(w: PrefixWriter, title: str, pods: list[dict]) -> None:
    """``printPodsMultilineWithIndent``: pod names sorted, one per line, ``<none>`` when empty."""
    w.write(LEVEL_0, f"{title}:\t")
    if not pods:
        w.write_line("<none>")
        return
    names = sorted(s(p, "metadata", "name") for p in pods)
    for n, name in enumerate(names):
        if n:
            w.write(LEVEL_0, "")
            w.write(LEVEL_0, "\t")
        w.write(LEVEL_0, f"{name}\n")


def describe_persistent_volume_claim(api: DescribeClient, pvc: dict, now: float, w: PrefixWriter) -> None:
    """``describePersistentVolumeClaim``: the claim, ``Used By:``, conditions, events."""
    pods = pods_for_pvc(api, pvc)
    events = events_for(api, "PersistentVolumeClaim", pvc)
    print_persistent_volume_claim(w, pvc, True, now)
    print_pods_multiline(w, "Used By", pods)
    conditions = [c for c in lst(pvc, "status", "conditions") if isinstance(c, dict)]
    if conditions:
        w.write(LEVEL_0, "Conditions:\n")
        w.write(LEVEL_1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(
                LEVEL_1,
                f"{s(c, 'type')} \t{s(c, 'status')} \t{fmt_time(s(c, 'lastProbeTime'))} \t"
                f"{fmt_time(s(c, 'lastTransitionTime'))} \t{s(c, 'reason')} \t{s(c, 'message')}\n",
            )
    describe_events(events, w, now)


# --- StorageClass --------------------------------------------------------------------------------------------


def _allowed_topologies(w: PrefixWriter, topologies: list) -> None:
    """``printAllowedTopologies``."""
    w.write(LEVEL_0, "AllowedTopologies:\t")
    terms = [t for t in topologies if isinstance(t, dict)]
    if not terms:
        w.write_line("<none>")
        return
    w.write_line("")
    for n, term in enumerate(terms):
        w.write(LEVEL_1, f"Term {n}:\t")
        reqs = [r for r in lst(term, "matchLabelExpressions") if isinstance(r, dict)]
        if not reqs:
            w.write_line("<none>")
            continue
        for k, req in enumerate(reqs):
            if k:
                w.write(LEVEL_1, "\t")
            expr = f"{s(req, 'key')} in"
            values = [go_value(v) for v in lst(req, "values")]
            if values:
                expr += f" [{', '.join(values)}]"
            w.write(LEVEL_0, expr + "\n")


def describe_storage_class(api: DescribeClient, sc: dict, now: float, w: PrefixWriter) -> None:
    """``describeStorageClass``."""
    meta = d(sc, "metadata")
    ann = str_map(meta.get("annotations"))
    events = events_for(api, "StorageClass", sc)
    is_default = "Yes" if "true" in (ann.get(IS_DEFAULT_CLASS), ann.get(BETA_IS_DEFAULT_CLASS)) else "No"
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"IsDefaultClass:\t{is_default}\n")
    w.write(LEVEL_0, f"Annotations:\t{format_labels(meta.get('annotations'))}\n")
    w.write(LEVEL_0, f"Provisioner:\t{s(sc, 'provisioner')}\n")
    w.write(LEVEL_0, f"Parameters:\t{format_labels(sc.get('parameters'))}\n")
    expansion = sc.get("allowVolumeExpansion")
    w.write(LEVEL_0, f"AllowVolumeExpansion:\t{'<unset>' if expansion is None else print_bool(expansion)}\n")
    options = lst(sc, "mountOptions")
    if not options:
        w.write(LEVEL_0, "MountOptions:\t<none>\n")
    else:
        w.write(LEVEL_0, "MountOptions:\n")
        for option in options:
            w.write(LEVEL_1, f"{go_value(option)}\n")
    if sc.get("reclaimPolicy") is not None:
        w.write(LEVEL_0, f"ReclaimPolicy:\t{s(sc, 'reclaimPolicy')}\n")
    if sc.get("volumeBindingMode") is not None:
        w.write(LEVEL_0, f"VolumeBindingMode:\t{s(sc, 'volumeBindingMode')}\n")
    if isinstance(sc.get("allowedTopologies"), list):
        _allowed_topologies(w, lst(sc, "allowedTopologies"))
    describe_events(events, w, now)
