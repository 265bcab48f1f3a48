"""InterPodAffinity (MatchInterPodAffinity / InterPodAffinityPriority): required and preferred pod
(anti-)affinity with topologyKey, including the anti-affinity of pods already running."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ...selectors import selector_from_label_selector
from ..framework import MAX_NODE_SCORE, UNRESOLVABLE, UNSCHEDULABLE, NodeInfo, PodInfo, Status

NAME = "InterPodAffinity"
AFFINITY_REASON = "node(s) didn't match pod affinity rules"
ANTI_AFFINITY_REASON = "node(s) didn't match pod anti-affinity rules"
EXISTING_ANTI_AFFINITY_REASON = "node(s) didn't satisfy existing pods anti-affinity rules"
HARD_POD_AFFINITY_WEIGHT = 1

NamespaceLabels = Callable[[str], dict[str, str]]


class Term:
    """A PodAffinityTerm resolved against the pod that owns it."""

    __slots__ = ("topology_key", "selector", "namespaces", "ns_selector", "weight")

    def __init__(self, term: dict[str, Any], owner_ns: str, weight: int = 0) -> None:
        self.topology_key = term.get("topologyKey") or ""
        self.selector = selector_from_label_selector(term.get("labelSelector"))
        nss = list(term.get("namespaces") or [])
        nsel = term.get("namespaceSelector")
        if not nss and nsel is None:
            nss = [owner_ns]
        self.namespaces = set(nss)
        self.ns_selector = selector_from_label_selector(nsel) if nsel is not None else None
        self.weight = weight

    def matches(self, pod: PodInfo, ns_labels: NamespaceLabels) -> bool:
        """The pod is in one of the term's namespaces and matches its label selector."""
        if pod.namespace not in self.namespaces:
            if self.ns_selector is None or not self.ns_selector.matches(ns_labels(pod.namespace)):
                return False
        return self.selector.matches(pod.labels)


def terms(raw: list[dict[str, Any]], owner_ns: str) -> list[Term]:
    """Required terms of a pod."""
    return [Term(t, owner_ns) for t in raw if isinstance(t, dict)]


def weighted_terms(raw: list[dict[str, Any]], owner_ns: str) -> list[Term]:
    """Preferred (weighted) terms of a pod."""
    out = []
    for t in raw:
        if isinstance(t, dict) and isinstance(t.get("podAffinityTerm"), dict):
            out.append(Term(t["podAffinityTerm"], owner_ns, int(t.get("weight") or 0)))
    return out


class State:
    """PreFilter/PreScore state for one pod: topology-pair counts from the pods already placed."""

    def __init__(
        self,
        pi: PodInfo,
        assigned: Iterable[tuple[PodInfo, NodeInfo]],
        with_affinity: Iterable[tuple[PodInfo, NodeInfo]],
        ns_labels: NamespaceLabels,
    ) -> None:
        self.affinity = terms(pi.affinity, pi.namespace)
        self.anti = terms(pi.anti_affinity, pi.namespace)
        self.affinity_counts: dict[tuple[str, str], int] = {}
        self.anti_counts: dict[tuple[str, str], int] = {}
        self.existing_anti: dict[tuple[str, str], int] = {}
        self.self_match = bool(self.affinity) and all(t.matches(pi, ns_labels) for t in self.affinity)
        for ep, ni in with_affinity:
            for t in terms(ep.anti_affinity, ep.namespace):
                v = ni.labels.get(t.topology_key)
                if v is not None and t.matches(pi, ns_labels):
                    k = (t.topology_key, v)
                    self.existing_anti[k] = self.existing_anti.get(k, 0) + 1
        if self.affinity or self.anti:
            for ep, ni in assigned:
                if self.affinity and all(t.matches(ep, ns_labels) for t in self.affinity):
                    for t in self.affinity:
                        v = ni.labels.get(t.topology_key)
                        if v is not None:
                            k = (t.topology_key, v)
                            self.affinity_counts[k] = self.affinity_counts.get(k, 0) + 1
                for t in self.anti:
                    v = ni.labels.get(t.topology_key)
                    if v is not None and t.matches(ep, ns_labels):
                        k = (t.topology_key, v)
                        self.anti_counts[k] = self.anti_counts.get(k, 0) + 1

    @property
    def relevant(self) -> bool:
        """Whether Filter can reject any node at all."""
        return bool(self.affinity or self.anti or self.existing_anti)

    def filter(self, ni: NodeInfo) -> Status | None:
        """satisfyPodAffinity, satisfyPodAntiAffinity, satisfyExistingPodsAntiAffinity, in that order."""
        if self.affinity:
            exist = True
            for t in self.affinity:
                v = ni.labels.get(t.topology_key)
                if v is None:
                    return Status(UNRESOLVABLE, NAME, (AFFINITY_REASON,))
                if self.affinity_counts.get((t.topology_key, v), 0) <= 0:
                    exist = False
            if not exist and not (not self.affinity_counts and self.self_match):
                return Status(UNRESOLVABLE, NAME, (AFFINITY_REASON,))
        for t in self.anti:
            v = ni.labels.get(t.topology_key)
            if v is not None and self.anti_counts.get((t.topology_key, v), 0) > 0:
                return Status(UNSCHEDULABLE, NAME, (ANTI_AFFINITY_REASON,))
        for (k, v), n in self.existing_anti.items():
            if n > 0 and ni.labels.get(k) == v:
                return Status(UNSCHEDULABLE, NAME, (EXISTING_ANTI_AFFINITY_REASON,))
        return None


class ScoreState:
    """PreScore: a score per topology pair from preferred terms (both directions) and existing pods'
    required affinity (hardPodAffinityWeight)."""

    def __init__(
        self,
        pi: PodInfo,
        assigned: Iterable[tuple[PodInfo, NodeInfo]],
        with_affinity: Iterable[tuple[PodInfo, NodeInfo]],
        ns_labels: NamespaceLabels,
    ) -> None:
        self.scores: dict[str, dict[str, int]] = {}
        pref = weighted_terms(pi.preferred_affinity, pi.namespace)
        pref_anti = weighted_terms(pi.preferred_anti_affinity, pi.namespace)
        self.active = bool(pref or pref_anti)
        source = assigned if self.active else with_affinity
        for ep, ni in source:
            for t in pref:
                if t.matches(ep, ns_labels):
                    self._add(ni, t.topology_key, t.weight)
            for t in pref_anti:
                if t.matches(ep, ns_labels):
                    self._add(ni, t.topology_key, -t.weight)
            if ep.has_pod_affinity:
                self.active = True
                for t in terms(ep.affinity, ep.namespace):
                    if t.matches(pi, ns_labels):
                        self._add(ni, t.topology_key, HARD_POD_AFFINITY_WEIGHT)
                for t in weighted_terms(ep.preferred_affinity, ep.namespace):
                    if t.matches(pi, ns_labels):
                        self._add(ni, t.topology_key, t.weight)
                for t in weighted_terms(ep.preferred_anti_affinity, ep.namespace):
                    if t.matches(pi, ns_labels):
                        self._add(ni, t.topology_key, -t.weight)

    def _add(self, ni: NodeInfo, key: str, w: int) -> None:
        v = ni.labels.get(key)
        if v is None or not w:
            return
        m = self.scores.setdefault(key, {})
        m[v] = m.get(v, 0) + w

    def score(self, ni: NodeInfo) -> int:
        """Raw score of a node: the sum of its topology pairs' scores."""
        total = 0
        for key, m in self.scores.items():
            v = ni.labels.get(key)
            if v is not None:
                total += m.get(v, 0)
        return total


def normalize(raw: list[int]) -> list[int]:
    """Min-max normalisation to 0..100 (all equal -> 0)."""
    if not raw:
        return []
    lo, hi = min(raw), max(raw)
    if hi - lo <= 0:
        return [0 for _ in raw]
    return [int(MAX_NODE_SCORE * ((r - lo) / (hi - lo))) for r in raw]
