"""The scheduling queue: activeQ (priority order), backoffQ and the unschedulable pool.

Like kube-scheduler's PriorityQueue: pods pop by priority then by the time they were queued; a pod that
failed waits in the unschedulable pool until a cluster event may have made it schedulable (then goes
to backoffQ or straight to activeQ once its back-off has passed). Back-off is 1 s doubling per attempt up
to 10 s (podInitialBackoffDuration / podMaxBackoffDuration); pods left unschedulable for 5 minutes are
retried anyway (podMaxInUnschedulablePodsDuration). Timers run on the virtual clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass

from ..clock import Timer, VirtualClock

PodKey = tuple[str, str]

INITIAL_BACKOFF = 1.0
MAX_BACKOFF = 10.0
MAX_IN_UNSCHEDULABLE = 300.0


@dataclass
class QueuedPodInfo:
    """A pending pod's place in the queue."""

    key: PodKey
    priority: int
    timestamp: float
    attempts: int = 0
    last_failure: float = 0.0
    where: str = ""  # "active" | "backoff" | "unschedulable" | "" (being scheduled)
    seq: int = 0


class SchedulingQueue:
    """activeQ + backoffQ + unschedulable pool; ``pop`` returns the next pod key to schedule."""

    def __init__(
        self,
        clock: VirtualClock,
        on_ready: Callable[[], None] | None = None,
        initial_backoff: float = INITIAL_BACKOFF,
        max_backoff: float = MAX_BACKOFF,
    ) -> None:
        self.clock = clock
        self.on_ready = on_ready
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.pods: dict[PodKey, QueuedPodInfo] = {}
        self._active: list[tuple[int, float, int, PodKey]] = []
        self._backoff: list[tuple[float, int, PodKey]] = []
        self._seq = 0
        self._backoff_timer: Timer | None = None

    # ---- state ------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.pods)

    def __contains__(self, key: object) -> bool:
        return key in self.pods

    def where(self, key: PodKey) -> str:
        """Which sub-queue holds the pod ("" when unknown or being scheduled)."""
        q = self.pods.get(key)
        return q.where if q else ""

    def backoff_duration(self, attempts: int) -> float:
        """1 s, 2 s, 4 s, 8 s, then 10 s."""
        d = self.initial_backoff
        for _ in range(1, attempts):
            d *= 2
            if d > self.max_backoff:
                return self.max_backoff
        return min(d, self.max_backoff)

    def backoff_expiry(self, q: QueuedPodInfo) -> float:
        """When the pod's back-off ends."""
        return q.last_failure + self.backoff_duration(q.attempts)

    # ---- writes -----------------------------------------------------------------------------------
    def _push_active(self, q: QueuedPodInfo) -> None:
        self._seq += 1
        q.seq = self._seq
        q.where = "active"
        heapq.heappush(self._active, (-q.priority, q.timestamp, q.seq, q.key))

    def _push_backoff(self, q: QueuedPodInfo) -> None:
        self._seq += 1
        q.seq = self._seq
        q.where = "backoff"
        exp = self.backoff_expiry(q)
        heapq.heappush(self._backoff, (exp, q.seq, q.key))
        self._arm(exp)

    def _arm(self, due: float) -> None:
        t = self._backoff_timer
        if t is not None and not t.cancelled and t.due <= due:
            return
        if t is not None:
            t.cancel()
        self._backoff_timer = self.clock.call_at(due, self._flush_backoff)

    def add(self, key: PodKey, priority: int) -> None:
        """A new pending pod goes to activeQ."""
        if key in self.pods:
            return
        q = QueuedPodInfo(key, priority, self.clock.now())
        self.pods[key] = q
        self._push_active(q)

    def update(self, key: PodKey, priority: int) -> None:
        """The pod's spec or labels changed: an unschedulable pod gets another chance."""
        q = self.pods.get(key)
        if q is None:
            self.add(key, priority)
            return
        q.priority = priority
        if q.where == "unschedulable":
            self._move(q)
        elif q.where == "active":
            self._push_active(q)

    def delete(self, key: PodKey) -> None:
        """The pod was deleted or bound elsewhere."""
        q = self.pods.pop(key, None)
        if q is not None:
            q.where = "gone"

    def pop(self) -> PodKey | None:
        """The next pod to schedule (highest priority, then oldest), or None."""
        while self._active:
            _, _, seq, key = heapq.heappop(self._active)
            q = self.pods.get(key)
            if q is None or q.where != "active" or q.seq != seq:
                continue
            q.where = ""
            q.attempts += 1
            return key
        return None

    def done(self, key: PodKey) -> None:
        """The pod was scheduled: forget it."""
        self.pods.pop(key, None)

    def add_unschedulable(self, key: PodKey, priority: int) -> None:
        """After a failed attempt: wait in the unschedulable pool for a cluster event."""
        q = self.pods.get(key)
        if q is None:
            q = QueuedPodInfo(key, priority, self.clock.now(), attempts=1)
            self.pods[key] = q
        q.priority = priority
        q.last_failure = self.clock.now()
        q.where = "unschedulable"
        attempts = q.attempts
        self.clock.call_after(MAX_IN_UNSCHEDULABLE, lambda: self._leftover(key, attempts))

    def _leftover(self, key: PodKey, attempts: int) -> None:
        q = self.pods.get(key)
        if q is not None and q.where == "unschedulable" and q.attempts == attempts:
            self._move(q)

    def _move(self, q: QueuedPodInfo) -> None:
        if self.backoff_expiry(q) > self.clock.now():
            self._push_backoff(q)
        else:
            q.timestamp = self.clock.now()
            self._push_active(q)
            if self.on_ready is not None:
                self.on_ready()

    def move_all_unschedulable(self) -> int:
        """A cluster event happened (node added/changed, pod deleted...): retry every unschedulable pod."""
        moved = [q for q in self.pods.values() if q.where == "unschedulable"]
        for q in sorted(moved, key=lambda x: (-x.priority, x.timestamp)):
            self._move(q)
        return len(moved)

    def _flush_backoff(self) -> None:
        self._backoff_timer = None
        now = self.clock.now()
        while self._backoff and self._backoff[0][0] <= now:
            _, seq, key = heapq.heappop(self._backoff)
            q = self.pods.get(key)
            if q is None or q.where != "backoff" or q.seq != seq:
                continue
            q.timestamp = now
            self._push_active(q)
        while self._backoff:
            _, seq, key = self._backoff[0]
            q = self.pods.get(key)
            if q is None or q.where != "backoff" or q.seq != seq:
                heapq.heappop(self._backoff)
                continue
            self._arm(self._backoff[0][0])
            break
        if self.on_ready is not None:
            self.on_ready()

    def pending(self) -> dict[str, list[PodKey]]:
        """Pods per sub-queue (for the TUI and lessons)."""
        out: dict[str, list[PodKey]] = {"active": [], "backoff": [], "unschedulable": []}
        for k, q in self.pods.items():
            if q.where in out:
                out[q.where].append(k)
        return out
