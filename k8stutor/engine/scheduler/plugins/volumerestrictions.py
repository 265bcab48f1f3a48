"""VolumeRestrictions (NoDiskConflict): the same GCE PD / EBS volume / iSCSI / RBD disk twice on a node."""

from __future__ import annotations

from typing import Any

from ..framework import UNSCHEDULABLE, NodeInfo, PodInfo, Status

NAME = "VolumeRestrictions"
REASON = "node(s) had no available disk"


def _conflict(kind: str, a: dict[str, Any], b: dict[str, Any]) -> bool:
    if kind == "gcePersistentDisk":
        return a.get("pdName") == b.get("pdName") and not (a.get("readOnly") and b.get("readOnly"))
    if kind == "awsElasticBlockStore":
        return a.get("volumeID") == b.get("volumeID")
    if kind == "iscsi":
        return a.get("iqn") == b.get("iqn") and not (a.get("readOnly") and b.get("readOnly"))
    if kind == "rbd":
        same = bool(set(a.get("monitors") or []) & set(b.get("monitors") or []))
        return (
            same
            and a.get("pool", "rbd") == b.get("pool", "rbd")
            and a.get("image") == b.get("image")
            and not (a.get("readOnly") and b.get("readOnly"))
        )
    return False


def filter(pi: PodInfo, ni: NodeInfo) -> Status | None:
    """Reject the node when one of its pods already mounts a conflicting disk."""
    if not pi.disk_volumes:
        return None
    for other in ni.pods.values():
        for kind, vol in pi.disk_volumes:
            for okind, ovol in other.disk_volumes:
                if kind == okind and _conflict(kind, vol, ovol):
                    return Status(UNSCHEDULABLE, NAME, (REASON,))
    return None
