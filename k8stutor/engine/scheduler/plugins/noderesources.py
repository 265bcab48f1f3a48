"""NodeResourcesFit (PodFitsResources / LeastRequestedPriority) and NodeResourcesBalancedAllocation."""

from __future__ import annotations

from ..framework import MAX_NODE_SCORE, UNSCHEDULABLE, NodeInfo, PodInfo, Status

NAME = "NodeResourcesFit"
BALANCED = "NodeResourcesBalancedAllocation"


def filter(pi: PodInfo, ni: NodeInfo) -> Status | None:
    """``fitsRequest``: pod count, then cpu, memory, ephemeral-storage and extended resources.

    Every insufficient resource is a reason. In 1.32 the status is always Unschedulable, so preemption is
    tried even when a request exceeds the node's whole allocatable (UnschedulableAndUnresolvable for that
    case came with kubernetes#131345, after 1.32)."""
    reasons: list[str] = []
    if len(ni.pods) + 1 > ni.alloc_pods:
        reasons.append("Too many pods")
    if pi.cpu or pi.mem or pi.eph or pi.scalar:
        if pi.cpu > 0 and pi.cpu > ni.alloc_cpu - ni.cpu:
            reasons.append("Insufficient cpu")
        if pi.mem > 0 and pi.mem > ni.alloc_mem - ni.mem:
            reasons.append("Insufficient memory")
        if pi.eph > 0 and pi.eph > ni.alloc_eph - ni.eph:
            reasons.append("Insufficient ephemeral-storage")
        for name in sorted(pi.scalar):
            want = pi.scalar[name]
            alloc = ni.alloc_scalar.get(name, 0)
            if want > alloc - ni.scalar.get(name, 0):
                reasons.append(f"Insufficient {name}")
    if not reasons:
        return None
    return Status(UNSCHEDULABLE, NAME, tuple(reasons))


def _least(requested: int, capacity: int) -> int:
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def least_allocated(pi: PodInfo, ni: NodeInfo) -> int:
    """LeastAllocated over cpu and memory (weight 1 each) using non-zero requests."""
    cpu = _least(ni.nz_cpu + pi.nz_cpu, ni.alloc_cpu)
    mem = _least(ni.nz_mem + pi.nz_mem, ni.alloc_mem)
    return (cpu + mem) // 2


def balanced_allocation(pi: PodInfo, ni: NodeInfo) -> int:
    """``balancedResourceScorer``: (1 - |cpuFraction - memFraction| / 2) x 100 with actual requests.

    Best-effort pods (no cpu/memory request) are skipped and score 0."""
    if not pi.cpu and not pi.mem:
        return 0
    fractions = []
    for req, alloc in ((ni.cpu + pi.cpu, ni.alloc_cpu), (ni.mem + pi.mem, ni.alloc_mem)):
        if alloc == 0:
            continue
        fractions.append(min(1.0, req / alloc))
    std = abs(fractions[0] - fractions[1]) / 2 if len(fractions) == 2 else 0.0
    return int((1 - std) * MAX_NODE_SCORE)
