"""PV/PVC binding (smallest fitting volume), Pending claims, reclaim policies, provisioning, data that survives."""

from __future__ import annotations

from typing import Any

from k8stutor.engine.cluster import Cluster


def _pv(name: str, size: str, policy: str = "Retain", modes: tuple[str, ...] = ("ReadWriteOnce",)) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name},
            "spec": {"capacity": {"storage": size}, "accessModes": list(modes), "storageClassName": "",
                     "persistentVolumeReclaimPolicy": policy,
                     "nfs": {"server": "192.168.66.10", "path": f"/exports/{name}"}}}


def _pvc(name: str, size: str, cls: str | None = "", modes: tuple[str, ...] = ("ReadWriteOnce",)) -> dict[str, Any]:
    spec: dict[str, Any] = {"accessModes": list(modes), "resources": {"requests": {"storage": size}}}
    if cls is not None:
        spec["storageClassName"] = cls
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name}, "spec": spec}


def _phase(c: Cluster, res: str, name: str, ns: str | None = None) -> str:
    return str((c.api.get(res, name, ns).get("status") or {}).get("phase"))


def test_smallest_fitting_volume_and_pending_claim() -> None:
    c = Cluster()
    for name, size in (("pv-big", "10Gi"), ("pv-small", "1Gi"), ("pv-mid", "5Gi")):
        c.api.create(_pv(name, size))
    c.api.create(_pvc("claim", "2Gi"))
    c.settle()
    pvc = c.api.get("persistentvolumeclaims", "claim", "default")
    assert pvc["spec"]["volumeName"] == "pv-mid" and pvc["status"]["capacity"] == {"storage": "5Gi"}
    assert _phase(c, "persistentvolumes", "pv-mid") == "Bound"
    assert _phase(c, "persistentvolumes", "pv-small") == "Available"
    c.api.create(_pvc("rwx", "1Gi", modes=("ReadWriteMany",)))
    c.settle()
    assert _phase(c, "persistentvolumeclaims", "rwx", "default") == "Pending"
    msgs = [e["message"] for e in c.api.list_objects("events", "default") if e["reason"] == "FailedBinding"]
    assert msgs == ["no persistent volumes available for this claim and no storage class is set"]


def test_reclaim_policies() -> None:
    c = Cluster()
    c.api.create(_pv("keep", "1Gi", "Retain"))
    c.api.create(_pv("scrub", "2Gi", "Recycle"))
    c.api.create(_pv("gone", "3Gi", "Delete"))
    for name, size in (("a", "1Gi"), ("b", "2Gi"), ("d", "3Gi")):
        c.api.create(_pvc(name, size))
    c.settle()
    c.volumes.nfs("192.168.66.10", "/exports/scrub").write("/data.txt", b"x")
    for name in ("a", "b", "d"):
        c.api.delete("persistentvolumeclaims", name, "default")
    c.advance(10)
    assert _phase(c, "persistentvolumes", "keep") == "Released"
    assert _phase(c, "persistentvolumes", "scrub") == "Available"
    assert c.volumes.nfs("192.168.66.10", "/exports/scrub").listdir("/") == []
    # A statically created NFS volume has no deleter plugin: it fails with the real message.
    pv = c.api.get("persistentvolumes", "gone")
    assert pv["status"]["phase"] == "Failed"
    assert pv["status"]["message"] == ('error getting deleter volume plugin for volume "gone": no deletable '
                                       'volume plugin matched')


def test_default_class_provisions_and_data_outlives_the_claim_user() -> None:
    c = Cluster()
    c.api.create(_pvc("data", "1Gi", cls=None))
    c.advance(5)
    pvc = c.api.get("persistentvolumeclaims", "data", "default")
    assert pvc["spec"]["storageClassName"] == "nfs-client"
    assert pvc["status"]["phase"] == "Bound" and pvc["spec"]["volumeName"] == f"pvc-{pvc['metadata']['uid']}"
    pv = c.api.get("persistentvolumes", pvc["spec"]["volumeName"])
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert pv["spec"]["nfs"]["path"] == f"/nfsdata/default-data-{pv['metadata']['name']}"
    c.volumes.for_pv(pv, "k8s-node01").write("/f", b"kept")
    assert c.volumes.for_pv(pv, "k8s-node02").read("/f") == b"kept"
