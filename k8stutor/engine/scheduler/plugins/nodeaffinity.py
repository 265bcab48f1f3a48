"""NodeAffinity (MatchNodeSelector / NodeAffinityPriority): nodeSelector and node affinity terms."""

from __future__ import annotations

from ..framework import (
    MAX_NODE_SCORE,
    UNRESOLVABLE,
    NodeInfo,
    PodInfo,
    Status,
    node_selector_term_matches,
    required_node_affinity_matches,
)

NAME = "NodeAffinity"
REASON = "node(s) didn't match Pod's node affinity/selector"


def filter(pi: PodInfo, ni: NodeInfo) -> Status | None:
    """nodeSelector labels and required nodeSelectorTerms (In, NotIn, Exists, DoesNotExist, Gt, Lt, matchFields)."""
    if not pi.node_selector and pi.required_node_terms is None:
        return None
    if required_node_affinity_matches(pi, ni.labels, ni.name):
        return None
    return Status(UNRESOLVABLE, NAME, (REASON,))


def score(pi: PodInfo, ni: NodeInfo) -> int:
    """Raw score: the sum of weights of matching preferred terms."""
    total = 0
    for t in pi.preferred_node_terms:
        if not isinstance(t, dict):
            continue
        pref = t.get("preference") or {}
        if isinstance(pref, dict) and node_selector_term_matches(pref, ni.labels, ni.name):
            total += int(t.get("weight") or 0)
    return total


def normalize(raw: list[int]) -> list[int]:
    """DefaultNormalizeScore(MaxNodeScore, reverse=false)."""
    mx = max(raw, default=0)
    if mx == 0:
        return list(raw)
    return [MAX_NODE_SCORE * r // mx for r in raw]
