"""Virtual time in the SimPy shape: a heap of (due, seq, callback); nothing here reads the wall clock."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from .timeutil import EPOCH


@dataclass(order=True)
class Timer:
    """A scheduled callback; cancel() makes it a no-op when it comes due."""

    due: float
    seq: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class VirtualClock:
    """The cluster's clock. Hosts decide when time moves (advance); components schedule timers on it."""

    def __init__(self, start: float = EPOCH) -> None:
        self._now = float(start)
        # (due, seq, timer): tuples compare in C (seq is unique, so the timer itself is never compared).
        self._heap: list[tuple[float, int, Timer]] = []
        self._seq = 0
        # Called after each fired timer so the cluster can drain its work queues at the same instant.
        self.after_fire: Callable[[], None] | None = None

    def now(self) -> float:
        return self._now

    def call_at(self, due: float, callback: Callable[[], None]) -> Timer:
        self._seq += 1
        t = Timer(max(due, self._now), self._seq, callback)
        heapq.heappush(self._heap, (t.due, t.seq, t))
        return t

    def call_after(self, delay: float, callback: Callable[[], None]) -> Timer:
        return self.call_at(self._now + max(0.0, delay), callback)

    def next_due(self) -> float | None:
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def step(self) -> bool:
        """Fire the next timer (moving time to it). Returns False when nothing is scheduled."""
        nd = self.next_due()
        if nd is None:
            return False
        t = heapq.heappop(self._heap)[2]
        self._now = max(self._now, t.due)
        t.callback()
        if self.after_fire is not None:
            self.after_fire()
        return True

    def advance(self, dt: float) -> None:
        """Move time forward by dt seconds, firing every timer that comes due, in order."""
        self.run_until(self._now + max(0.0, dt))

    def run_until(self, until: float) -> None:
        while True:
            nd = self.next_due()
            if nd is None or nd > until:
                break
            self.step()
        self._now = max(self._now, until)

    def pending(self) -> int:
        return sum(1 for _, _, t in self._heap if not t.cancelled)
