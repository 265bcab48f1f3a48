"""ControllerRevision helpers (``pkg/controller/history``) and the small pod predicates controllers share.

DaemonSets and StatefulSets snapshot their pod template in ControllerRevisions; the revision's hash
labels the pods (``controller-revision-hash``) so a rolling update can tell old pods from new ones.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import StatusError
from ..store import DELETED, Event, Obj
from ..timeutil import parse_rfc3339, rfc3339

SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
CONTROLLER_REVISION_HASH = "controller-revision-hash"


def _fnv32a(data: bytes, h: int = 0x811C9DC5) -> int:
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def safe_encode(text: str) -> str:
    """apimachinery ``rand.SafeEncodeString``: every character mapped into the vowel-free alphabet."""
    return "".join(SAFE_ALPHABET[ord(ch) % 27] for ch in text)


def compute_hash(template: Obj, collision_count: int | None = None) -> str:
    """``controller.ComputeHash``: FNV-1a 32 of the pod template (+ collisionCount), SafeEncoded decimal.

    The same function names the DaemonSet's ControllerRevisions and labels its pods; the cluster bootstrap
    must call it for the preset DaemonSets so the controller adopts them without churn.
    """
    h = _fnv32a(json.dumps(template, sort_keys=True).encode())
    if collision_count is not None:
        h = _fnv32a(int(collision_count & 0xFFFFFFFF).to_bytes(4, "little") + b"\0\0\0\0", h)
    return safe_encode(str(h))


def hash_controller_revision(data: Any, probe: int | None = None) -> str:
    """``history.HashControllerRevision``: FNV-1a 32 over the revision's raw data (+ the collision probe)."""
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    h = _fnv32a(raw)
    if probe is not None:
        h = _fnv32a(str(probe).encode(), h)
    return safe_encode(str(h))


def controller_revision_name(prefix: str, hash_: str) -> str:
    """``history.ControllerRevisionName``: ``<owner>-<hash>`` (the prefix cut to 223 characters)."""
    if len(prefix) > 223:
        prefix = prefix[:223]
    return f"{prefix}-{hash_}"


def template_patch(owner: Obj) -> Obj:
    """The revision data DaemonSets and StatefulSets store: ``{"spec": {"template": {..., "$patch": "replace"}}}``."""
    template = dict((owner.get("spec") or {}).get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def owner_ref(obj: Obj, block: bool = True) -> Obj:
    """``metav1.NewControllerRef``: the controller ownerReference a controller puts on what it creates."""
    return {
        "apiVersion": obj["apiVersion"],
        "blockOwnerDeletion": block,
        "controller": True,
        "kind": obj["kind"],
        "name": obj["metadata"]["name"],
        "uid": obj["metadata"]["uid"],
    }


def controller_ref(obj: Obj) -> Obj | None:
    """The ownerReference with ``controller: true`` (``metav1.GetControllerOf``)."""
    for ref in obj.get("metadata", {}).get("ownerReferences") or ():
        if ref.get("controller"):
            return ref  # type: ignore[no-any-return]
    return None


def new_controller_revision(owner: Obj, data: Obj, name: str, hash_label: str, revision: int) -> Obj:
    """A ControllerRevision owned by ``owner`` (labels = template labels + ``controller-revision-hash``)."""
    labels = dict(((owner.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {})
    labels[CONTROLLER_REVISION_HASH] = hash_label
    meta: Obj = {
        "name": name,
        "namespace": owner["metadata"].get("namespace", "default"),
        "labels": labels,
        "ownerReferences": [owner_ref(owner)],
    }
    if owner["metadata"].get("annotations") and owner.get("kind") == "DaemonSet":
        meta["annotations"] = dict(owner["metadata"]["annotations"])
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": meta,
        "data": data,
        "revision": revision,
    }


def owned_revisions(api: Any, owner: Obj) -> list[Obj]:
    """The owner's ControllerRevisions, oldest revision first (read-only stored dicts)."""
    uid = owner["metadata"]["uid"]
    out = []
    for cr in api.list_objects("controllerrevisions.apps", owner["metadata"].get("namespace", "default")):
        ref = controller_ref(cr)
        if ref is not None and ref.get("uid") == uid:
            out.append(cr)
    out.sort(key=lambda r: (int(r.get("revision", 0)), r["metadata"]["name"]))
    return out


def truncate_history(api: Any, revisions: list[Obj], live: set[str], limit: int) -> None:
    """Delete the oldest revisions not in ``live`` until at most ``limit`` non-live ones remain."""
    dead = [r for r in revisions if r["metadata"]["name"] not in live]
    for r in dead[: max(0, len(dead) - limit)]:
        try:
            api.delete("controllerrevisions.apps", r["metadata"]["name"], r["metadata"]["namespace"])
        except StatusError:
            pass


# ---- pod predicates (pkg/api/v1/pod, controller_utils) -------------------------------------------------


def pod_condition(pod: Obj, type_: str) -> Obj | None:
    """The pod's condition of ``type_`` or None."""
    for c in (pod.get("status") or {}).get("conditions") or ():
        if c.get("type") == type_:
            return c  # type: ignore[no-any-return]
    return None


def is_pod_ready(pod: Obj) -> bool:
    """``podutil.IsPodReady``: the Ready condition is True."""
    c = pod_condition(pod, "Ready")
    return c is not None and c.get("status") == "True"


def is_pod_available(pod: Obj, min_ready_seconds: int, now: float) -> bool:
    """``podutil.IsPodAvailable``: Ready for at least ``minReadySeconds``."""
    if not is_pod_ready(pod):
        return False
    if min_ready_seconds <= 0:
        return True
    c = pod_condition(pod, "Ready") or {}
    since = parse_rfc3339(c.get("lastTransitionTime"))
    return since is not None and since + min_ready_seconds <= now


def is_pod_active(pod: Obj) -> bool:
    """``controller.IsPodActive``: not Succeeded/Failed and not being deleted."""
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp")


def is_pod_terminating(pod: Obj) -> bool:
    """``controller.IsPodTerminating``: being deleted but not yet in a terminal phase."""
    phase = (pod.get("status") or {}).get("phase")
    return bool(pod["metadata"].get("deletionTimestamp")) and phase not in ("Succeeded", "Failed")


def now_rfc3339(api: Any) -> str:
    """The API server's current time as metav1.Time."""
    return rfc3339(api.now())


class OwnerIndex:
    """Pods (or other dependents) grouped by their controller's uid, fed from watch events."""

    def __init__(self) -> None:
        self.by_uid: dict[str, dict[tuple[str, str], None]] = {}
        self._owner_of: dict[tuple[str, str], str] = {}

    def update(self, ev: Event) -> Obj | None:
        """Index one watch event; returns the controller ownerReference (old or new) it concerns."""
        meta = ev.object["metadata"]
        key = (meta.get("namespace", "") or "", meta["name"])
        if not meta.get("ownerReferences") and key not in self._owner_of:
            return None  # not controlled before or now (most pod writes of unowned pods): nothing to index
        ref = controller_ref(ev.object)
        old_uid = self._owner_of.get(key)
        new_uid = ref.get("uid") if ref is not None and ev.type != DELETED else None
        if old_uid != new_uid:
            if old_uid is not None:
                self.by_uid.get(old_uid, {}).pop(key, None)
                del self._owner_of[key]
            if new_uid is not None:
                self.by_uid.setdefault(new_uid, {})[key] = None
                self._owner_of[key] = new_uid
        return ref

    def keys(self, uid: str) -> list[tuple[str, str]]:
        """(namespace, name) of everything controlled by ``uid``, in first-seen order."""
        return list(self.by_uid.get(uid, {}))

    def objects(self, store: Any, resource: str, uid: str) -> list[Obj]:
        """The stored (read-only) objects controlled by ``uid``."""
        out = []
        for ns, name in self.keys(uid):
            o = store.get(resource, ns, name)
            if o is not None:
                out.append(o)
        return out

    def rebuild(self, store: Any, resource: str) -> None:
        """Re-index from the store (after a snapshot restore)."""
        self.by_uid.clear()
        self._owner_of.clear()
        for o in store.list(resource):
            self.update(Event("ADDED", resource, o, 0))


def set_condition(
    conditions: list[Obj], type_: str, status: str, reason: str, message: str, now: str, probe: bool = False
) -> tuple[list[Obj], bool]:
    """Add or update one condition (lastTransitionTime moves only when status flips). Returns (list, changed)."""
    out = [dict(c) for c in conditions]
    for c in out:
        if c.get("type") == type_:
            if c.get("status") == status and c.get("reason") == reason and c.get("message") == message:
                return out, False
            if c.get("status") != status:
                c["lastTransitionTime"] = now
            c.update(status=status, reason=reason, message=message)
            if probe:
                c["lastProbeTime"] = now
            return out, True
    cond: Obj = {}
    if probe:
        cond["lastProbeTime"] = now
    cond.update(lastTransitionTime=now, message=message, reason=reason, status=status, type=type_)
    out.append(cond)
    return out, True
