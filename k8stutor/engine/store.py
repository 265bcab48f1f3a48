"""The versioned object store — the simulator's etcd.

Objects are kept per resource (``pods``, ``deployments.apps``) and key (namespace, name). Every write bumps a
global revision that becomes the object's ``metadata.resourceVersion``. Watches replay history from a
resourceVersion (bounded, like the watch cache) and then receive every change synchronously.

Stored dicts are shared with readers for speed and must never be mutated in place: writers always store a
new dict. ``get``-style callers that intend to modify take ``clone()``.
"""

from __future__ import annotations

import builtins
import gc
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .errors import gone

Obj = dict[str, Any]
Key = tuple[str, str]  # (namespace, name); namespace "" for cluster-scoped

ADDED, MODIFIED, DELETED, BOOKMARK = "ADDED", "MODIFIED", "DELETED", "BOOKMARK"

HISTORY_LIMIT = 100_000

# CPython's cyclic GC rescans every tracked object on a full collection, by default after every 10 collections
# of the middle generation. The store keeps hundreds of thousands of JSON dicts alive (acyclic: refcounting
# frees them when replaced), so a 10,000-pod cluster spent about a third of its time in full collections.
# They are made 40x rarer (bench/bench_pods.py: 4 s -> 0.5 s of GC for 10,000 pods); young collections are
# unchanged, CPython's own rule (no full pass before the long-lived set grew 25 %) still applies, and cyclic
# garbage is still collected.
GC_FULL_COLLECTION_THRESHOLD = 400


def tune_gc() -> None:
    """Make full cyclic-GC collections rarer (process-wide, idempotent; never lowers a higher setting)."""
    g0, g1, g2 = gc.get_threshold()
    if g0 and g2 < GC_FULL_COLLECTION_THRESHOLD:
        gc.set_threshold(g0, g1, GC_FULL_COLLECTION_THRESHOLD)


def clone(o: Any) -> Any:
    """Deep copy of a JSON-shaped value (much faster than copy.deepcopy)."""
    if isinstance(o, dict):
        return {k: clone(v) if isinstance(v, dict | list) else v for k, v in o.items()}
    if isinstance(o, list):
        return [clone(v) if isinstance(v, dict | list) else v for v in o]
    return o


# etcd key prefixes that differ from the plural (kube-apiserver's storage layout).
_ETCD_PREFIX = {
    "nodes": "minions",
    "replicationcontrollers": "controllers",
    "services": "services/specs",
    "endpoints": "services/endpoints",
    "ingresses.networking.k8s.io": "ingress",
    "customresourcedefinitions.apiextensions.k8s.io": "apiextensions.k8s.io/customresourcedefinitions",
    "apiservices.apiregistration.k8s.io": "apiregistration.k8s.io/apiservices",
    "events.events.k8s.io": "events",
}


def etcd_key(group_resource: str, namespace: str, name: str, builtin: bool = True) -> str:
    """The key kube-apiserver uses in etcd: ``/registry/pods/default/web``, ``/registry/minions/k8s-node01``."""
    if group_resource in _ETCD_PREFIX:
        prefix = _ETCD_PREFIX[group_resource]
    elif builtin:
        prefix = group_resource.split(".", 1)[0]
    else:
        plural, _, group = group_resource.partition(".")
        prefix = f"{group}/{plural}"
    parts = ["/registry", prefix]
    if namespace:
        parts.append(namespace)
    parts.append(name)
    return "/".join(parts)


@dataclass
class Event:
    type: str
    resource: str
    object: Obj
    revision: int


@dataclass
class Watch:
    """A subscription. Events are appended to ``queue`` (or handed to ``callback`` if one is given)."""

    store: Store
    resource: str | None
    namespace: str | None
    callback: Callable[[Event], None] | None = None
    queue: deque[Event] = field(default_factory=deque)
    stopped: bool = False

    def deliver(self, ev: Event) -> None:
        if self.namespace is not None and ev.object["metadata"].get("namespace", "") != self.namespace:
            return
        if self.callback is not None:
            self.callback(ev)
        else:
            self.queue.append(ev)

    def drain(self) -> list[Event]:
        out = list(self.queue)
        self.queue.clear()
        return out

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            self.store._remove_watch(self)


class Store:
    """In-memory etcd: per-resource maps, a global revision, bounded history and synchronous watches."""

    def __init__(self, history_limit: int = HISTORY_LIMIT) -> None:
        self.revision = 1
        self._data: dict[str, dict[Key, Obj]] = {}
        self._history: deque[Event] = deque(maxlen=history_limit)
        self._watches: dict[str | None, list[Watch]] = {}
        self.compacted_revision = 1
        tune_gc()

    # ---- reads ----------------------------------------------------------------------------------
    def get(self, resource: str, namespace: str, name: str) -> Obj | None:
        m = self._data.get(resource)
        return None if m is None else m.get((namespace, name))

    def list(self, resource: str, namespace: str | None = None) -> list[Obj]:
        """Objects in etcd key order (namespace, then name)."""
        m = self._data.get(resource)
        if not m:
            return []
        if namespace is None:
            keys = sorted(m)
        else:
            keys = sorted(k for k in m if k[0] == namespace)
        return [m[k] for k in keys]

    def values(self, resource: str) -> builtins.list[Obj]:
        """Every stored object of a resource in no particular order (cheaper than ``list``: no sort)."""
        m = self._data.get(resource)
        return builtins.list(m.values()) if m else []

    def count(self, resource: str) -> int:
        return len(self._data.get(resource, ()))

    def resources(self) -> builtins.list[str]:
        return sorted(r for r, m in self._data.items() if m)

    def items(self) -> Iterator[tuple[str, Key, Obj]]:
        for r in sorted(self._data):
            m = self._data[r]
            for k in sorted(m):
                yield r, k, m[k]

    # ---- writes ---------------------------------------------------------------------------------
    def next_revision(self) -> int:
        return self.revision + 1

    def put(self, resource: str, obj: Obj, event_type: str | None = None) -> Obj:
        """Store obj (a dict the caller hands over and no longer touches). Sets resourceVersion."""
        meta = obj["metadata"]
        key = (meta.get("namespace", "") or "", meta["name"])
        m = self._data.setdefault(resource, {})
        existed = key in m
        self.revision += 1
        meta["resourceVersion"] = str(self.revision)
        m[key] = obj
        self._emit(Event(event_type or (MODIFIED if existed else ADDED), resource, obj, self.revision))
        return obj

    def delete(self, resource: str, namespace: str, name: str) -> Obj | None:
        m = self._data.get(resource)
        if not m:
            return None
        obj = m.pop((namespace, name), None)
        if obj is None:
            return None
        self.revision += 1
        # The DELETED event carries the last state with the deletion's revision, as etcd3 watch does.
        final = dict(obj)
        final["metadata"] = dict(obj["metadata"], resourceVersion=str(self.revision))
        self._emit(Event(DELETED, resource, final, self.revision))
        return final

    def _emit(self, ev: Event) -> None:
        self._history.append(ev)
        if len(self._history) == self._history.maxlen:
            self.compacted_revision = self._history[0].revision
        # Watch.deliver inlined: every write reaches every watcher of its resource (the hot path).
        ns: str | None = None
        for watches in (self._watches.get(ev.resource), self._watches.get(None)):
            if not watches:
                continue
            for w in watches:
                if w.namespace is not None:
                    if ns is None:
                        ns = ev.object["metadata"].get("namespace", "")
                    if ns != w.namespace:
                        continue
                cb = w.callback
                if cb is not None:
                    cb(ev)
                else:
                    w.queue.append(ev)

    # ---- watch ----------------------------------------------------------------------------------
    def watch(
        self,
        resource: str | None,
        namespace: str | None = None,
        since: int | None = None,
        callback: Callable[[Event], None] | None = None,
    ) -> Watch:
        """Watch a resource (None = everything). With ``since``, replay events after that revision first;
        a revision older than the retained history raises 410 Expired ("too old resource version")."""
        w = Watch(self, resource, namespace, callback)
        if since is not None and since < self.revision:
            oldest = self._history[0].revision if self._history else self.revision + 1
            if since + 1 < oldest and since < self.compacted_revision:
                raise gone(f"too old resource version: {since} ({self.compacted_revision})")
            for ev in self._history:
                if ev.revision > since and (resource is None or ev.resource == resource):
                    w.deliver(ev)
        self._watches.setdefault(resource, []).append(w)
        return w

    def _remove_watch(self, w: Watch) -> None:
        lst = self._watches.get(w.resource)
        if lst and w in lst:
            lst.remove(w)

    # ---- snapshot -------------------------------------------------------------------------------
    def dump(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "objects": [{"resource": r, "object": o} for r, _, o in self.items()],
        }

    def load(self, data: dict[str, Any]) -> None:
        """Replace the whole content (etcd snapshot restore). Watchers see nothing: they must re-list."""
        self._data.clear()
        self._history.clear()
        for entry in data["objects"]:
            obj = entry["object"]
            meta = obj["metadata"]
            self._data.setdefault(entry["resource"], {})[(meta.get("namespace", "") or "", meta["name"])] = (
                obj
            )
        self.revision = int(data["revision"])
        self.compacted_revision = self.revision
