"""The event recorder: core/v1 Events written through the API and aggregated like client-go's correlator."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from .store import Obj
from .timeutil import rfc3339 as _rfc3339

if TYPE_CHECKING:
    from .api.server import APIServer

NORMAL, WARNING = "Normal", "Warning"

# Events are recorded at a few virtual instants, many at each.
_stamp = functools.lru_cache(maxsize=1024)(_rfc3339)


class EventRecorder:
    """Records events for one component (``default-scheduler``, ``kubelet`` on a host, a controller)."""

    def __init__(self, api: APIServer, component: str, host: str = "") -> None:
        self.api = api
        self.component = component
        self.host = host

    def event(self, obj: Obj, type_: str, reason: str, message: str, field_path: str = "") -> Obj:
        """Emit (or bump the count of) an event about ``obj``."""
        return record_event(self.api, obj, type_, reason, message, self.component, self.host, field_path)


def involved_object(obj: Obj, field_path: str = "") -> dict[str, Any]:
    meta = obj["metadata"]
    ref: dict[str, Any] = {"apiVersion": obj.get("apiVersion", "v1")}
    if field_path:
        ref["fieldPath"] = field_path
    ref["kind"] = obj.get("kind", "")
    ref["name"] = meta.get("name", "")
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    if meta.get("resourceVersion"):
        ref["resourceVersion"] = meta["resourceVersion"]
    if meta.get("uid"):
        ref["uid"] = meta["uid"]
    return ref


def record_event(
    api: APIServer,
    obj: Obj,
    type_: str,
    reason: str,
    message: str,
    component: str,
    host: str = "",
    field_path: str = "",
) -> Obj:
    now = api.now()
    stamp = _stamp(now)
    ref = involved_object(obj, field_path)
    ns = ref.get("namespace") or "default"
    # Aggregation key of the real EventCorrelator (same source, object, type, reason and message).
    key = (
        ns,
        ref.get("uid"),
        ref.get("name"),
        ref.get("kind"),
        field_path,
        type_,
        reason,
        message,
        component,
    )
    index: dict[Any, str] = api.__dict__.setdefault("_event_index", {})
    existing_name = index.get(key)
    if existing_name is not None:
        ev = api.store.get("events", ns, existing_name)
        if ev is not None:
            # A new top level and metadata (the store sets resourceVersion); the rest is shared, unchanged.
            upd = dict(ev)
            upd["metadata"] = dict(ev["metadata"])
            upd["count"] = int(ev.get("count", 1)) + 1
            upd["lastTimestamp"] = stamp
            return api.store.put("events", upd)
    nanos = int(now * 1_000_000_000) + api.store.revision
    source: dict[str, Any] = {"component": component}
    if host:
        source["host"] = host
    ev_obj: Obj = {
        "apiVersion": "v1",
        "count": 1,
        "eventTime": None,
        "firstTimestamp": stamp,
        "involvedObject": ref,
        "kind": "Event",
        "lastTimestamp": stamp,
        "message": message,
        "metadata": {
            "creationTimestamp": stamp,
            "name": f"{ref['name']}.{nanos:x}",
            "namespace": ns,
            "uid": api.new_uid(),
        },
        "reason": reason,
        "reportingComponent": component,
        "reportingInstance": host,
        "source": source,
        "type": type_,
    }
    index[key] = ev_obj["metadata"]["name"]
    return api.store.put("events", ev_obj)
