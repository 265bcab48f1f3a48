"""TaintToleration (PodToleratesNodeTaints / TaintTolerationPriority)."""

from __future__ import annotations

from ..framework import MAX_NODE_SCORE, UNRESOLVABLE, NodeInfo, PodInfo, Status, first_untolerated, tolerates

NAME = "TaintToleration"


def filter(pi: PodInfo, ni: NodeInfo) -> Status | None:
    """The first NoSchedule/NoExecute taint the pod does not tolerate rejects the node."""
    taint = first_untolerated(ni.taints, pi.tolerations)
    if taint is None:
        return None
    return Status(
        UNRESOLVABLE,
        NAME,
        (f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value', '')}}}",),
    )


def score(pi: PodInfo, ni: NodeInfo) -> int:
    """Raw score: how many PreferNoSchedule taints the pod does not tolerate."""
    if not ni.taints:
        return 0
    tols = [t for t in pi.tolerations if (t.get("effect") or "") in ("", "PreferNoSchedule")]
    return sum(1 for t in ni.taints if t.get("effect") == "PreferNoSchedule" and not tolerates(tols, t))


def normalize(raw: list[int]) -> list[int]:
    """DefaultNormalizeScore(MaxNodeScore, reverse=true): fewer intolerable taints score higher."""
    mx = max(raw, default=0)
    if mx == 0:
        return [MAX_NODE_SCORE for _ in raw]
    return [MAX_NODE_SCORE - MAX_NODE_SCORE * r // mx for r in raw]
