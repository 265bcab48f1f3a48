"""Persistent storage: the volume data store, the PV controller, StorageClasses and the NFS provisioner.

``install(cluster)`` sets ``cluster.volumes`` (:class:`VolumeStore`), registers the DefaultStorageClass and
storage-protection admission, starts the PersistentVolume controller and, in the classroom preset, creates
the ``nfs-client`` default StorageClass served by a simulated nfs-subdir-external-provisioner exporting
``/nfsdata`` from the control-plane node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..store import clone
from ..timeutil import rfc3339
from .controller import NFS_PROVISIONER, PersistentVolumeController, claim_admission, default_class
from .volumes import VolumeStore

if TYPE_CHECKING:
    from ..cluster import Cluster

__all__ = ["NFS_PROVISIONER", "PersistentVolumeController", "VolumeStore", "default_class", "install"]

NFS_PRESETS = ("classroom", "ha")


def install(cluster: Cluster) -> VolumeStore:
    """Start storage for ``cluster`` (idempotent)."""
    existing = getattr(cluster, "volumes", None)
    if isinstance(existing, VolumeStore):
        return existing
    vs = VolumeStore(cluster.clock.now)
    cluster.volumes = vs
    masters = [n for n in cluster.preset.nodes if n.control_plane]
    cluster.nfs_server = (masters[0].ip if masters else "", "/nfsdata")
    cluster.api.admission.append(claim_admission(cluster))
    if cluster.preset.name in NFS_PRESETS and cluster.store.get("storageclasses.storage.k8s.io", "",
                                                                  "nfs-client") is None:
        created = cluster.api.create({
            "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "nfs-client",
                         "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": NFS_PROVISIONER, "parameters": {"archiveOnDelete": "false"},
        }, validate_schema=False)
        stored = clone(created)
        stored["metadata"]["creationTimestamp"] = rfc3339(cluster.now() - cluster.preset.age + 600)
        cluster.store.put("storageclasses.storage.k8s.io", stored)
    cluster.add_controller(PersistentVolumeController(cluster))
    return vs
