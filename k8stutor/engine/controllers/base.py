"""The controller skeleton: a de-duplicating work queue and a level-driven reconcile loop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from ..store import Event

if TYPE_CHECKING:
    from ..cluster import Cluster

Key = tuple[str, str, str]  # (resource, namespace, name)


class WorkQueue:
    """Keys waiting for reconcile; a key is queued at most once, in first-added order."""

    def __init__(self) -> None:
        self._items: dict[Key, None] = {}

    def add(self, key: Key) -> None:
        self._items[key] = None

    def pop(self) -> Key | None:
        if not self._items:
            return None
        key = next(iter(self._items))
        del self._items[key]
        return key

    def __len__(self) -> int:
        return len(self._items)


class Controller(ABC):
    """Subclasses list the resources they watch and implement ``reconcile``."""

    name = "controller"
    watches: tuple[str | None, ...] = ()

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.api = cluster.api
        self.queue = WorkQueue()

    def start(self) -> None:
        self._watch_handles = [self.cluster.store.watch(res, callback=self.on_event) for res in self.watches]

    def stop(self) -> None:
        """Stop watching (the controller no longer reacts to changes)."""
        for w in getattr(self, "_watch_handles", ()):
            w.stop()
        self._watch_handles = []

    def on_event(self, ev: Event) -> None:
        meta = ev.object["metadata"]
        self.queue.add((ev.resource, meta.get("namespace", "") or "", meta["name"]))

    def requeue_after(self, key: Key, delay: float) -> None:
        self.cluster.clock.call_after(delay, lambda: self.queue.add(key))

    def process(self, limit: int = 1_000_000) -> int:
        """Reconcile queued keys; returns how many were processed."""
        if not self.queue._items:  # the common case: settle visits every controller after every timer
            return 0
        n = 0
        while n < limit:
            key = self.queue.pop()
            if key is None:
                break
            self.reconcile(key)
            n += 1
        return n

    @abstractmethod
    def reconcile(self, key: Key) -> None:
        """Bring the object named by ``key`` to its desired state (level-driven: read, compare, write)."""
