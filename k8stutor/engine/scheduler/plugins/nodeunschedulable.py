"""NodeUnschedulable (CheckNodeUnschedulable): cordoned nodes take only pods that tolerate the
``node.kubernetes.io/unschedulable:NoSchedule`` taint."""

from __future__ import annotations

from ..framework import UNRESOLVABLE, NodeInfo, PodInfo, Status, tolerates

NAME = "NodeUnschedulable"
REASON = "node(s) were unschedulable"
_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


def filter(pi: PodInfo, ni: NodeInfo) -> Status | None:
    """Reject a cordoned node unless the pod tolerates the unschedulable taint."""
    if not ni.unschedulable or tolerates(pi.tolerations, _TAINT):
        return None
    return Status(UNRESOLVABLE, NAME, (REASON,))
