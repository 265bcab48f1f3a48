"""NodeName (PodFitsHost): a pod that names a node fits only that node."""

from __future__ import annotations

from ..framework import UNRESOLVABLE, NodeInfo, PodInfo, Status

NAME = "NodeName"
REASON = "node(s) didn't match the requested node name"


def filter(pi: PodInfo, ni: NodeInfo) -> Status | None:
    """Reject every node but ``spec.nodeName`` when it is set."""
    if pi.node_name and pi.node_name != ni.name:
        return Status(UNRESOLVABLE, NAME, (REASON,))
    return None
