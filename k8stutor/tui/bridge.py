"""The wall between the engine and the widgets: a watch that marks the cluster dirty, and a pacer.

The store's watch callback only sets a flag (it runs inside engine writes); the app's timer calls
``Pacer.tick`` on the app thread, which moves virtual time and says whether panes should re-read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SPEEDS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
# Never move more than this much virtual time in one tick (a slow frame must not become a time jump).
MAX_TICK_WALL = 0.25


@dataclass
class ClusterBridge:
    """Subscribes to every store write; panes re-read state when ``take()`` says something changed."""

    cluster: Any
    events: int = 0
    # Bumped by mark(): changes the store does not report (a restore replaces everything silently).
    generation: int = 0
    _dirty: bool = True
    _watch: Any = field(default=None, repr=False)
    _revision: int = field(default=0, repr=False)  # the store revision of the last event seen
    _restores: int = field(default=0, repr=False)
    # Called when a change arrives after ``take()`` (once per burst, inside the engine write): it may only
    # schedule work, so the app can show a change before the next pacer tick.
    on_dirty: Callable[[], None] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._revision = self.cluster.store.revision
        self._watch = self.cluster.store.watch(None, callback=self._on_event)

    def _on_event(self, ev: Any) -> None:
        self.events += 1
        if ev.revision != self._revision + 1:
            # Every write moves the revision by one and comes with its event: a gap is a restore that
            # happened before this write (its revision alone would not show it any more).
            self._restores += 1
        self._revision = ev.revision
        self._set_dirty()

    def _set_dirty(self) -> None:
        if not self._dirty:
            self._dirty = True
            if self.on_dirty is not None:
                self.on_dirty()

    @property
    def restores(self) -> int:
        """How many times the store was replaced without events (undo, reset, ``sim load``): every write
        emits an event with its revision, so a revision no event carried means a restore. Panes that keep an
        index from watches rebuild it when this moves."""
        revision = self.cluster.store.revision
        if revision != self._revision:
            self._restores += 1
            self._revision = revision
        return self._restores

    def mark(self) -> None:
        """Something changed that the store does not report (restore, undo, reset)."""
        self.generation += 1
        self._set_dirty()

    def take(self) -> bool:
        """True once per burst of changes (the coalescing point)."""
        dirty, self._dirty = self._dirty, False
        return dirty

    def close(self) -> None:
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        self.on_dirty = None


@dataclass
class Pacer:
    """Maps wall time to virtual time: pause, a speed from SPEEDS, step to the next timer, fast-forward."""

    cluster: Any
    speed_index: int = 1
    paused: bool = False

    @property
    def speed(self) -> float:
        return SPEEDS[self.speed_index]

    def label(self) -> str:
        """The header's speed badge: ``▶ 1x`` or ``⏸``."""
        s = self.speed
        text = f"{s:g}x"
        return "⏸ paused" if self.paused else f"▶ {text}"

    def faster(self) -> None:
        self.speed_index = min(len(SPEEDS) - 1, self.speed_index + 1)

    def slower(self) -> None:
        self.speed_index = max(0, self.speed_index - 1)

    def toggle(self) -> None:
        self.paused = not self.paused

    def tick(self, wall_dt: float) -> float:
        """Advance virtual time for ``wall_dt`` seconds of wall time; returns the virtual seconds moved."""
        if self.paused or wall_dt <= 0:
            return 0.0
        dt = min(wall_dt, MAX_TICK_WALL) * self.speed
        self.cluster.advance(dt)
        return dt

    def step(self) -> float:
        """Jump to the next scheduled event (a timer on the virtual clock); returns the seconds moved."""
        before = self.cluster.clock.now()
        self.cluster.settle()
        if self.cluster.clock.step():
            self.cluster.settle()
        return self.cluster.clock.now() - before

    def fast_forward(self, seconds: float) -> None:
        self.cluster.advance(seconds)
