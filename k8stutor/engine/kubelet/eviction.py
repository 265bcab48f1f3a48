"""The kubelet eviction manager's local-storage check: an emptyDir over its ``sizeLimit`` evicts the pod.

Every ``MONITORING_INTERVAL`` (the eviction manager's 10 s housekeeping) the usage of each tracked emptyDir
with a positive ``sizeLimit`` is compared with the limit (``emptyDirLimitEviction`` in pkg/kubelet/eviction);
the first one over it evicts the pod: a ``Warning Evicted`` event, the containers stopped (grace 0, raised to
the runtime's 2 s minimum), the pod ``Failed`` with reason ``Evicted`` and the message
``Usage of EmptyDir volume "cache" exceeds the limit "1Mi". ``. Only pods that have such a volume are tracked,
so the periodic check costs nothing on clusters without them.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .. import quantity

if TYPE_CHECKING:
    from ..clock import Timer
    from . import KubeletManager
    from .kubelet import Kubelet, PodWorker

MONITORING_INTERVAL = 10.0
REASON = "Evicted"
EMPTY_DIR_MESSAGE = 'Usage of EmptyDir volume "{volume}" exceeds the limit "{limit}". '


def size_limits(pod: dict[str, Any]) -> list[tuple[str, str, Fraction]]:
    """(volume, ``sizeLimit.String()``, exact bytes) of the pod's emptyDirs with a positive ``sizeLimit``."""
    out = []
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        ed = vol.get("emptyDir")
        if not isinstance(ed, dict) or ed.get("sizeLimit") in (None, ""):
            continue
        try:
            limit = quantity.parse(ed["sizeLimit"])
        except quantity.QuantityError:
            continue
        if limit > 0:
            out.append((vol.get("name", ""), quantity.canonical(ed["sizeLimit"]), limit))
    return out


class EmptyDirEviction:
    """Tracks pods with emptyDir size limits and evicts those over them (one timer for all nodes)."""

    def __init__(self, manager: KubeletManager) -> None:
        self.m = manager
        # (node, namespace, pod) -> (pod uid, [(volume, limit text, limit bytes)])
        self.tracked: dict[tuple[str, str, str], tuple[str, list[tuple[str, str, Fraction]]]] = {}
        self.timer: Timer | None = None

    def track(self, k: Kubelet, w: PodWorker) -> None:
        """A pod's volumes are mounted: watch its size-limited emptyDirs."""
        limits = size_limits(w.pod)
        if not limits:
            return
        self.tracked[(k.node, w.ns, w.name)] = (w.uid, limits)
        if self.timer is None:
            self.timer = self.m.cluster.clock.call_after(MONITORING_INTERVAL, self._tick)

    def _tick(self) -> None:
        self.timer = None
        vs = getattr(self.m.cluster, "volumes", None)
        for key, (uid, limits) in list(self.tracked.items()):
            node, ns, name = key
            k = self.m.kubelets.get(node)
            w = k.workers.get((ns, name)) if k is not None else None
            if k is None or w is None or w.uid != uid or w.gone or w.terminal or w.terminating:
                del self.tracked[key]
                continue
            if k.down or vs is None:
                continue
            now = self.m.cluster.clock.now()
            for cs in w.all_states():
                # What cAdvisor would measure: the containers' writes so far have landed.
                c = cs.current
                if c is not None and c.running:
                    c.live_vfs(now)
            for vol, text, limit in limits:
                if vs.empty_dir_bytes(uid, vol) > limit:
                    del self.tracked[key]
                    k.evict(w, EMPTY_DIR_MESSAGE.format(volume=vol, limit=text))
                    break
        if self.tracked:
            self.timer = self.m.cluster.clock.call_after(MONITORING_INTERVAL, self._tick)


def eviction_of(manager: KubeletManager) -> EmptyDirEviction:
    """The manager's eviction monitor (created on first use)."""
    ev = manager.__dict__.get("eviction")
    if ev is None:
        ev = manager.__dict__["eviction"] = EmptyDirEviction(manager)
    return ev
