"""The garbage collector: deletes dependents whose owners are gone, and runs foreground and orphan deletion."""

from __future__ import annotations

from ..errors import StatusError
from ..store import DELETED, Event, Obj, clone
from .base import Controller, Key


class GarbageCollector(Controller):
    """Tracks ownerReferences across every resource (a uid graph, like the real GC's)."""

    name = "garbage-collector-controller"
    watches = (None,)

    def __init__(self, cluster) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cluster)
        self.uids: dict[str, Key] = {}
        self.dependents: dict[str, set[Key]] = {}
        self.owners_of: dict[Key, tuple[str, ...]] = {}

    def rebuild(self) -> None:
        """Re-list everything (after a snapshot restore)."""
        self.uids.clear()
        self.dependents.clear()
        self.owners_of.clear()
        for res, (_ns, _name), obj in self.cluster.store.items():
            self._index(res, obj)

    def _index(self, res: str, obj: Obj) -> Key:
        meta = obj["metadata"]
        key = (res, meta.get("namespace", "") or "", meta["name"])
        if meta.get("uid"):
            self.uids[meta["uid"]] = key
        owners = tuple(r["uid"] for r in meta.get("ownerReferences") or () if r.get("uid"))
        old = self.owners_of.get(key, ())
        if owners != old:
            for u in old:
                self.dependents.get(u, set()).discard(key)
            for u in owners:
                self.dependents.setdefault(u, set()).add(key)
            if owners:
                self.owners_of[key] = owners
            else:
                self.owners_of.pop(key, None)
        return key

    def on_event(self, ev: Event) -> None:
        if ev.resource == "events":
            return
        meta = ev.object["metadata"]
        key = (ev.resource, meta.get("namespace", "") or "", meta["name"])
        uid = meta.get("uid", "")
        if ev.type == DELETED:
            if self.uids.get(uid) == key:
                del self.uids[uid]
            for u in self.owners_of.pop(key, ()):
                self.dependents.get(u, set()).discard(key)
                owner_key = self.uids.get(u)
                if owner_key is not None:
                    # A foreground-deleting owner waits for its last dependent to go.
                    self.queue.add(owner_key)
            for dep in sorted(self.dependents.get(uid, ())):
                self.queue.add(dep)
            return
        if (
            not meta.get("ownerReferences")
            and key not in self.owners_of
            and (not uid or self.uids.get(uid) == key)
            and not meta.get("deletionTimestamp")
        ):
            return  # unowned before and now, uid known: nothing to index or collect (most writes)
        self._index(ev.resource, ev.object)
        if meta.get("ownerReferences"):
            self.queue.add(key)
        if meta.get("deletionTimestamp") and set(meta.get("finalizers") or ()) & {"foregroundDeletion", "orphan"}:
            self.queue.add(key)

    def reconcile(self, key: Key) -> None:
        res, ns, name = key
        obj = self.cluster.store.get(res, ns, name)
        if obj is None:
            return
        meta = obj["metadata"]
        uid = meta.get("uid", "")
        finalizers = meta.get("finalizers") or []
        if meta.get("deletionTimestamp") and "orphan" in finalizers:
            for dep in sorted(self.dependents.get(uid, ())):
                d = self.cluster.store.get(*dep)
                if d is None:
                    continue
                upd = clone(d)
                refs = [r for r in upd["metadata"].get("ownerReferences", []) if r.get("uid") != uid]
                if refs:
                    upd["metadata"]["ownerReferences"] = refs
                else:
                    upd["metadata"].pop("ownerReferences", None)
                self._write(dep[0], upd)
            self._drop_finalizer(res, obj, "orphan")
            return
        if meta.get("deletionTimestamp") and "foregroundDeletion" in finalizers:
            deps = [d for d in sorted(self.dependents.get(uid, ())) if self.cluster.store.get(*d) is not None]
            if not deps:
                self._drop_finalizer(res, obj, "foregroundDeletion")
                return
            for dep in deps:
                d = self.cluster.store.get(*dep)
                if d is not None and not d["metadata"].get("deletionTimestamp"):
                    self._delete(dep, "Foreground")
            return
        refs = meta.get("ownerReferences") or []
        if not refs:
            return
        alive = []
        for r in refs:
            owner_key = self.uids.get(r.get("uid", ""))
            owner = self.cluster.store.get(*owner_key) if owner_key else None
            if owner is not None:
                alive.append(owner)
        if alive:
            # Dependents of an owner being deleted in the foreground go first.
            for owner in alive:
                om = owner["metadata"]
                if om.get("deletionTimestamp") and "foregroundDeletion" in (om.get("finalizers") or []):
                    if not meta.get("deletionTimestamp"):
                        self._delete(key, "Foreground")
                    return
            return
        if not meta.get("deletionTimestamp"):
            self._delete(key, "Background")

    def _delete(self, key: Key, policy: str) -> None:
        res, ns, name = key
        try:
            self.api.delete(res, name, ns or None, propagation_policy=policy)
        except StatusError:
            pass

    def _drop_finalizer(self, res: str, obj: Obj, fin: str) -> None:
        upd = clone(obj)
        fins = [f for f in upd["metadata"].get("finalizers", []) if f != fin]
        if fins:
            upd["metadata"]["finalizers"] = fins
        else:
            upd["metadata"].pop("finalizers", None)
        self._write(res, upd)

    def _write(self, res: str, obj: Obj) -> None:
        try:
            self.api.update(obj, rt=self.api.rt_for(res), validate_schema=False)
        except StatusError:
            pass
