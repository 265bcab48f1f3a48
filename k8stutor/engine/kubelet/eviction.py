"""The kubelet eviction manager's local-storage check: an emptyDir over its ``sizeLimit`` evicts the pod.

Every ``MONITORING_INTERVAL`` (the eviction manager's 10 s housekeeping) the usage of each tracked emptyDir
with a positive ``sizeLimit`` is compared with the limit (``emptyDirLimitEviction`` in pkg/kubelet/eviction);
the first one over it evicts the pod: a ``Warning Evicted`` event, the containers stopped (grace 0, raised to
the runtime's 2 s minimum), the pod ``Failed`` with reason ``Evicted`` and the message
``Usage of EmptyDir volume "cache" exceeds the limit "1Mi". ``. Only pods that have such a volume are tracked,
so the periodic check costs nothing on clusters without them.

An emptyDir with ``medium: Memory`` is a tmpfs: its pages are charged to the memory cgroup of the containers
writing it, so they count against their ``limits.memory`` (and in ``kubectl top``), unlike a disk emptyDir.
``TmpfsMemory`` checks every ``OOM_CHECK_INTERVAL`` the containers that mount one read-write and have a memory
limit: working set + tmpfs bytes over the limit is an OOM kill (exit 137, reason ``OOMKilled``), and as the
pages outlive the container (they move to the pod's cgroup), the restarted container is killed again:
CrashLoopBackOff until the files are removed.
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


def live_worker(manager: KubeletManager, key: tuple[str, str, str], uid: str) -> tuple[Kubelet, PodWorker] | None:
    """The kubelet and pod worker still running the tracked pod ``key`` (node, namespace, name) with ``uid``."""
    node, ns, name = key
    k = manager.kubelets.get(node)
    w = k.workers.get((ns, name)) if k is not None else None
    if k is None or w is None or w.uid != uid or w.gone or w.terminal or w.terminating:
        return None
    return k, w


class EmptyDirEviction:
    """Tracks pods with emptyDir size limits and evicts those over them (one timer for all nodes)."""

    def __init__(self, manager: KubeletManager) -> None:
        self.m = manager
        # (node, namespace, pod) -> (pod uid, [(volume, limit text, limit bytes)])
        self.tracked: dict[tuple[str, str, str], tuple[str, list[tuple[str, str, Fraction]]]] = {}
        self.timer: Timer | None = None

    def track(self, k: Kubelet, w: PodWorker) -> None:
        """A pod's volumes are mounted: watch its size-limited emptyDirs (and its tmpfs memory charge)."""
        tmpfs_memory_of(self.m).track(k, w)
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
            found = live_worker(self.m, key, uid)
            if found is None:
                del self.tracked[key]
                continue
            k, w = found
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


OOM_CHECK_INTERVAL = 1.0


def memory_volumes(pod: dict[str, Any]) -> set[str]:
    """Names of the pod's ``emptyDir`` volumes with ``medium: Memory`` (tmpfs)."""
    return {
        vol.get("name", "")
        for vol in (pod.get("spec") or {}).get("volumes") or []
        if isinstance(vol.get("emptyDir"), dict) and (vol["emptyDir"].get("medium") or "") == "Memory"
    }


def tmpfs_charge(cluster: Any, pod: dict[str, Any], container: dict[str, Any]) -> int:
    """Bytes in the pod's memory-backed emptyDirs that ``container`` mounts read-write (its cgroup pays)."""
    vols = memory_volumes(pod)
    vs = getattr(cluster, "volumes", None)
    if not vols or vs is None:
        return 0
    uid = (pod.get("metadata") or {}).get("uid", "")
    names = {
        m.get("name", "")
        for m in container.get("volumeMounts") or []
        if m.get("name") in vols and not m.get("readOnly")
    }
    return sum(vs.empty_dir_bytes(uid, n) for n in sorted(names))


def _limit_bytes(container: dict[str, Any]) -> Fraction | None:
    lim = ((container.get("resources") or {}).get("limits") or {}).get("memory")
    if lim in (None, ""):
        return None
    try:
        return quantity.parse(lim)
    except quantity.QuantityError:
        return None


class TmpfsMemory:
    """OOM-kills containers whose writes to a ``medium: Memory`` emptyDir exceed their memory limit."""

    def __init__(self, manager: KubeletManager) -> None:
        self.m = manager
        self.tracked: dict[tuple[str, str, str], str] = {}  # (node, namespace, pod) -> pod uid
        self.timer: Timer | None = None

    def track(self, k: Kubelet, w: PodWorker) -> None:
        """A pod's volumes are mounted: watch it if a memory-limited container writes to a tmpfs emptyDir."""
        vols = memory_volumes(w.pod)
        if not vols:
            return
        for c in (w.pod.get("spec") or {}).get("containers") or []:
            mounts = {m.get("name") for m in c.get("volumeMounts") or [] if not m.get("readOnly")}
            if mounts & vols and _limit_bytes(c) is not None:
                break
        else:
            return
        self.tracked[(k.node, w.ns, w.name)] = w.uid
        if self.timer is None:
            self.timer = self.m.cluster.clock.call_after(OOM_CHECK_INTERVAL, self._tick)

    def _tick(self) -> None:
        self.timer = None
        cluster = self.m.cluster
        now = cluster.clock.now()
        for key, uid in list(self.tracked.items()):
            found = live_worker(self.m, key, uid)
            if found is None:
                del self.tracked[key]
                continue
            k, w = found
            if k.down:
                continue
            states = w.all_states()
            for cs in states:
                c = cs.current
                if c is not None and c.running:
                    c.live_vfs(now)  # the writes made so far have landed in the tmpfs
            for cs in states:
                c = cs.current
                limit = _limit_bytes(cs.spec)
                if c is None or not c.running or cs.stopping or limit is None:
                    continue
                if c.memory_at(now) + tmpfs_charge(cluster, w.pod, cs.spec) > limit:
                    _oom_kill(k, w, cs, c, now)
        if self.tracked:
            self.timer = cluster.clock.call_after(OOM_CHECK_INTERVAL, self._tick)


def _oom_kill(k: Kubelet, w: PodWorker, cs: Any, c: Any, now: float) -> None:
    """The kernel's OOM killer in the container's cgroup: SIGKILL, exit 137, reason OOMKilled."""
    c.finished = now
    c.exit_code = 137
    c.reason = "OOMKilled"
    k._flush_volume_writes(w, cs, c)
    k._on_exit(w, cs, c)


def tmpfs_memory_of(manager: KubeletManager) -> TmpfsMemory:
    """The manager's tmpfs memory monitor (created on first use)."""
    tm = manager.__dict__.get("tmpfs_memory")
    if tm is None:
        tm = manager.__dict__["tmpfs_memory"] = TmpfsMemory(manager)
    return tm
