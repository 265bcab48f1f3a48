"""Node lifecycle (kube-controller-manager ``node-lifecycle-controller``) and taint-based eviction
(``taint-eviction-controller``), v1.32.

Every ``node-monitor-period`` (5 s) the controller checks each node's heartbeats (the Lease
``kube-node-lease/<node>`` renewTime and the Ready condition's lastHeartbeatTime). A node silent for more
than ``node-monitor-grace-period`` (50 s since v1.32; 40 s before) gets its Ready/MemoryPressure/
DiskPressure/PIDPressure conditions set to Unknown ("NodeStatusUnknown", "Kubelet stopped posting node
status."), a ``NodeNotReady`` event, its pods' Ready condition set to False (``NodeNotReady`` "Node is not
ready" on each pod) and the ``node.kubernetes.io/unreachable:NoExecute`` taint (``not-ready`` when the
kubelet itself reports Ready=False), rate-limited per zone (0.1 node/s, stopped or slowed when a zone is
largely down). NoSchedule taints follow the conditions (``unreachable``, ``not-ready``,
``memory-pressure``...) and ``spec.unschedulable`` (``node.kubernetes.io/unschedulable``).

The taint-eviction controller deletes pods that do not tolerate a node's NoExecute taints, at once or
after the smallest matching ``tolerationSeconds`` (300 s from the DefaultTolerationSeconds admission),
with the ``TaintManagerEviction`` events "Marking for deletion Pod ns/name" / "Cancelling deletion of
Pod ns/name" and a ``DisruptionTarget`` pod condition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..clock import Timer
from ..errors import StatusError
from ..events import EventRecorder
from ..scheduler.framework import toleration_tolerates
from ..store import DELETED, Event, Obj, clone
from ..timeutil import rfc3339
from .base import Controller, Key

if TYPE_CHECKING:
    from ..cluster import Cluster

NODE_MONITOR_PERIOD = 5.0
NODE_MONITOR_GRACE_PERIOD = 50.0
EVICTION_LIMITER_QPS = 0.1
SECONDARY_EVICTION_LIMITER_QPS = 0.01
LARGE_CLUSTER_THRESHOLD = 50
UNHEALTHY_ZONE_THRESHOLD = 0.55

TAINT_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_UNREACHABLE = "node.kubernetes.io/unreachable"
TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
# Condition -> NoSchedule taint key (taintNodeByCondition).
CONDITION_TAINTS = {
    ("Ready", "False"): TAINT_NOT_READY,
    ("Ready", "Unknown"): TAINT_UNREACHABLE,
    ("MemoryPressure", "True"): "node.kubernetes.io/memory-pressure",
    ("DiskPressure", "True"): "node.kubernetes.io/disk-pressure",
    ("NetworkUnavailable", "True"): "node.kubernetes.io/network-unavailable",
    ("PIDPressure", "True"): "node.kubernetes.io/pid-pressure",
}
CONDITION_TAINT_KEYS = frozenset(CONDITION_TAINTS.values()) | {TAINT_UNSCHEDULABLE}
MONITORED_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")

_ZONE_LABELS = (
    "topology.kubernetes.io/region",
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
)

NORMAL, PARTIAL, FULL = "Normal", "PartialDisruption", "FullDisruption"


def _condition(node: Obj, ctype: str) -> dict[str, Any] | None:
    conds = (node.get("status") or {}).get("conditions") or ()
    for i in range(len(conds) - 1, -1, -1):  # the kubelet writes Ready last
        if conds[i].get("type") == ctype:
            return conds[i]
    return None


def _zone(node: Obj) -> str:
    labels = node["metadata"].get("labels") or {}
    if not any(k in labels for k in _ZONE_LABELS):
        return ""
    region = labels.get("topology.kubernetes.io/region") or labels.get(
        "failure-domain.beta.kubernetes.io/region", ""
    )
    zone = labels.get("topology.kubernetes.io/zone") or labels.get(
        "failure-domain.beta.kubernetes.io/zone", ""
    )
    return f"{region}:\x00:{zone}" if (region or zone) else ""


class _Health:
    __slots__ = ("probe", "heartbeat", "renew")

    def __init__(self, probe: float, heartbeat: Any, renew: Any) -> None:
        self.probe = probe
        self.heartbeat = heartbeat
        self.renew = renew


class _Bucket:
    """A token bucket (client-go flowcontrol) on virtual time: ``qps`` tokens per second, burst 1."""

    def __init__(self, qps: float, now: float) -> None:
        self.qps = qps
        self.tokens = 1.0
        self.last = now

    def take(self, now: float) -> bool:
        """Take a token if one is available at ``now``."""
        if self.qps > 0:
            self.tokens = min(1.0, self.tokens + (now - self.last) * self.qps)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class NodeLifecycleController(Controller):
    """Heartbeat monitoring, Unknown conditions, NotReady events and node taints."""

    name = "node-lifecycle-controller"
    watches = ("nodes",)

    def __init__(
        self,
        cluster: Cluster,
        grace_period: float = NODE_MONITOR_GRACE_PERIOD,
        monitor_period: float = NODE_MONITOR_PERIOD,
    ) -> None:
        super().__init__(cluster)
        self.grace_period = grace_period
        self.monitor_period = monitor_period
        self.recorder = EventRecorder(cluster.api, "node-controller")
        self.health: dict[str, _Health] = {}
        self.pods_by_node: dict[str, set[tuple[str, str]]] = {}
        self._pod_node: dict[tuple[str, str], str] = {}
        self.buckets: dict[str, _Bucket] = {}
        self.zone_states: dict[str, str] = {}
        self.to_taint: dict[str, None] = {}
        self._timer: Timer | None = None

    def stop(self) -> None:
        """Stop watching and cancel the monitor loop."""
        super().stop()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def start(self) -> None:
        """Index pods by node, watch nodes and pods, and start the monitor loop."""
        super().start()
        for p in self.api.list_objects("pods"):
            self._index_pod(p, False)
        self._watch_handles.append(
            self.cluster.store.watch("pods", callback=lambda ev: self._index_pod(ev.object, ev.type == DELETED)))
        for n in self.api.list_objects("nodes"):
            self.queue.add(("nodes", "", n["metadata"]["name"]))
        self._timer = self.cluster.clock.call_after(self.monitor_period, self._tick)

    def _index_pod(self, pod: Obj, deleted: bool) -> None:
        key = (pod["metadata"].get("namespace", ""), pod["metadata"]["name"])
        node = "" if deleted else ((pod.get("spec") or {}).get("nodeName") or "")
        old = self._pod_node.get(key)
        if old == node:
            return
        if old:
            self.pods_by_node.get(old, set()).discard(key)
            del self._pod_node[key]
        if node:
            self.pods_by_node.setdefault(node, set()).add(key)
            self._pod_node[key] = node

    def on_event(self, ev: Event) -> None:
        """Queue changed nodes; forget deleted ones."""
        if ev.type == DELETED:
            name = ev.object["metadata"]["name"]
            self.health.pop(name, None)
            self.to_taint.pop(name, None)
            return
        super().on_event(ev)

    # ---- NoSchedule taints from conditions (doNodeProcessingPassWorker) --------------------------
    def reconcile(self, key: Key) -> None:
        """Keep the node's condition/unschedulable NoSchedule taints in line with its status and spec."""
        node = self.cluster.store.get("nodes", "", key[2])
        if node is None:
            return
        want: list[str] = []
        for c in (node.get("status") or {}).get("conditions") or []:
            k = CONDITION_TAINTS.get((c.get("type"), c.get("status")))
            if k:
                want.append(k)
        if (node.get("spec") or {}).get("unschedulable"):
            want.append(TAINT_UNSCHEDULABLE)
        taints = list((node.get("spec") or {}).get("taints") or [])
        have = [
            t.get("key")
            for t in taints
            if t.get("effect") == "NoSchedule" and t.get("key") in CONDITION_TAINT_KEYS
        ]
        add = [k for k in want if k not in have]
        remove = {k for k in have if k not in want}
        if not add and not remove:
            return
        new = [t for t in taints if not (t.get("effect") == "NoSchedule" and t.get("key") in remove)]
        for k in add:
            new.append({"effect": "NoSchedule", "key": k})
        self._write_taints(node, new)

    def _write_taints(self, node: Obj, taints: list[dict[str, Any]]) -> None:
        upd = dict(node)
        upd["spec"] = dict(node.get("spec") or {})
        if taints:
            upd["spec"]["taints"] = taints
        else:
            upd["spec"].pop("taints", None)
        upd["metadata"] = dict(node["metadata"])
        try:
            self.api.update(upd, validate_schema=False)
        except StatusError:
            self.queue.add(("nodes", "", node["metadata"]["name"]))

    # ---- monitorNodeHealth ----------------------------------------------------------------------
    def _tick(self) -> None:
        self._timer = self.cluster.clock.call_after(self.monitor_period, self._tick)
        self.monitor()

    def monitor(self) -> None:
        """One ``monitorNodeHealth`` pass over every node."""
        now = self.api.now()
        zone_ready: dict[str, list[str | None]] = {}
        zone_size: dict[str, int] = {}
        for node in self.api.list_objects("nodes"):
            name = node["metadata"]["name"]
            observed = _condition(node, "Ready")
            observed_status = observed.get("status") if observed else None
            updated = self._update_health(node, now, observed)
            if updated is not node:
                node = updated
                current = _condition(node, "Ready")
                current_status = current.get("status") if current else None
            else:
                current_status = observed_status
            if current_status != "True" and observed_status == "True":
                self.recorder.event(
                    _node_ref(name), "Normal", "NodeNotReady", f"Node {name} status is now: NodeNotReady"
                )
                self._mark_pods_not_ready(name)
            z = _zone(node)
            zone_ready.setdefault(z, []).append(current_status)
            zone_size[z] = zone_size.get(z, 0) + 1
            self._process_taint_based_eviction(node, current_status, now)
        self._handle_disruption(zone_ready, zone_size, now)
        self._do_tainting_pass(now)

    def _update_health(self, node: Obj, now: float, ready: dict[str, Any] | None) -> Obj:
        """tryUpdateNodeHealth: refresh the probe time from heartbeats; past the grace period set the
        monitored conditions to Unknown."""
        name = node["metadata"]["name"]
        heartbeat = ready.get("lastHeartbeatTime") if ready else None
        lease = self.cluster.store.get("leases.coordination.k8s.io", "kube-node-lease", name)
        renew = ((lease or {}).get("spec") or {}).get("renewTime")
        h = self.health.get(name)
        if h is None:
            self.health[name] = _Health(now, heartbeat, renew)
            return node
        if heartbeat != h.heartbeat:
            h.heartbeat = heartbeat
            h.probe = now
        if renew is not None and renew != h.renew:
            h.renew = renew
            h.probe = now
        if not now > h.probe + self.grace_period:
            return node
        status = clone(node.get("status") or {})
        conds = status.setdefault("conditions", [])
        changed = False
        t = rfc3339(now)
        for ctype in MONITORED_CONDITIONS:
            c = next((x for x in conds if x.get("type") == ctype), None)
            if c is None:
                conds.append(
                    {
                        "lastHeartbeatTime": rfc3339(h.probe),
                        "lastTransitionTime": t,
                        "message": "Kubelet never posted node status.",
                        "reason": "NodeStatusNeverUpdated",
                        "status": "Unknown",
                        "type": ctype,
                    }
                )
                changed = True
            elif c.get("status") != "Unknown":
                c.update(
                    {
                        "status": "Unknown",
                        "reason": "NodeStatusUnknown",
                        "message": "Kubelet stopped posting node status.",
                        "lastTransitionTime": t,
                    }
                )
                changed = True
        if not changed:
            return node
        upd = dict(node)
        upd["status"] = status
        try:
            stored = self.api.update_status(upd)
        except StatusError:
            return node
        cur = self.cluster.store.get("nodes", "", name) or stored
        h.heartbeat = (_condition(cur, "Ready") or {}).get("lastHeartbeatTime")
        return cur

    def _mark_pods_not_ready(self, node_name: str) -> None:
        """MarkPodsNotReady: each pod's Ready condition to False, with a NodeNotReady event."""
        for ns, name in sorted(self.pods_by_node.get(node_name, ())):
            pod = self.cluster.store.get("pods", ns, name)
            if pod is None or (pod.get("spec") or {}).get("nodeName") != node_name:
                continue
            status = clone(pod.get("status") or {})
            for c in status.get("conditions") or []:
                if c.get("type") != "Ready":
                    continue
                if c.get("status") == "False":
                    break
                c["status"] = "False"
                c["lastTransitionTime"] = rfc3339(self.api.now())
                upd = dict(pod)
                upd["status"] = status
                try:
                    stored = self.api.update_status(upd)
                except StatusError:
                    break
                self.recorder.event(stored, "Warning", "NodeNotReady", "Node is not ready")
                break

    # ---- NoExecute taints (processTaintBaseEviction / doNoExecuteTaintingPass) -------------------
    def _process_taint_based_eviction(self, node: Obj, ready: str | None, now: float) -> None:
        taints = (node.get("spec") or {}).get("taints") or []
        name = node["metadata"]["name"]
        if ready == "True" and not taints and name not in self.to_taint:
            return
        has = {t.get("key") for t in taints if t.get("effect") == "NoExecute"}
        if ready == "True":
            self.to_taint.pop(name, None)
            if TAINT_NOT_READY in has or TAINT_UNREACHABLE in has:
                self._swap_no_execute(node, None)
            return
        if ready == "False":
            want, other = TAINT_NOT_READY, TAINT_UNREACHABLE
        elif ready == "Unknown":
            want, other = TAINT_UNREACHABLE, TAINT_NOT_READY
        else:
            return
        if want in has:
            return
        if other in has:
            self._swap_no_execute(node, want)  # the opposite taint is swapped at once
            return
        self.to_taint[name] = None

    def _swap_no_execute(self, node: Obj, want: str | None) -> None:
        taints = [
            t
            for t in (node.get("spec") or {}).get("taints") or []
            if not (t.get("effect") == "NoExecute" and t.get("key") in (TAINT_NOT_READY, TAINT_UNREACHABLE))
        ]
        if want is not None:
            taints.append({"effect": "NoExecute", "key": want, "timeAdded": rfc3339(self.api.now())})
        self._write_taints(node, taints)

    def _handle_disruption(
        self, zone_ready: dict[str, list[str | None]], zone_size: dict[str, int], now: float
    ) -> None:
        all_full = bool(zone_ready)
        states: dict[str, str] = {}
        for z, statuses in zone_ready.items():
            ready = sum(1 for s in statuses if s == "True")
            not_ready = len(statuses) - ready
            if ready == 0 and not_ready > 0:
                st = FULL
            elif not_ready > 2 and not_ready / (not_ready + ready) >= UNHEALTHY_ZONE_THRESHOLD:
                st = PARTIAL
            else:
                st = NORMAL
            states[z] = st
            if st != FULL:
                all_full = False
        for z, st in states.items():
            qps = EVICTION_LIMITER_QPS
            if st == PARTIAL:
                qps = SECONDARY_EVICTION_LIMITER_QPS if zone_size[z] > LARGE_CLUSTER_THRESHOLD else 0.0
            b = self.buckets.get(z)
            if b is None:
                self.buckets[z] = _Bucket(qps, now)
            else:
                b.qps = qps
        self.zone_states = states
        if all_full:
            # Master disruption mode: every node is down, so the fault is likely ours, not the nodes'.
            self.to_taint.clear()
            for node in self.api.list_objects("nodes"):
                keys = {
                    t.get("key")
                    for t in (node.get("spec") or {}).get("taints") or []
                    if t.get("effect") == "NoExecute"
                }
                if TAINT_NOT_READY in keys or TAINT_UNREACHABLE in keys:
                    self._swap_no_execute(node, None)

    def _do_tainting_pass(self, now: float) -> None:
        for name in list(self.to_taint):
            node = self.cluster.store.get("nodes", "", name)
            if node is None:
                self.to_taint.pop(name, None)
                continue
            b = self.buckets.get(_zone(node))
            if b is None or not b.take(now):
                continue
            self.to_taint.pop(name, None)
            ready = (_condition(node, "Ready") or {}).get("status")
            if ready == "False":
                self._swap_no_execute(node, TAINT_NOT_READY)
            elif ready == "Unknown":
                self._swap_no_execute(node, TAINT_UNREACHABLE)


class _Scheduled:
    __slots__ = ("created", "fire_at", "timer")

    def __init__(self, created: float, fire_at: float, timer: Timer) -> None:
        self.created = created
        self.fire_at = fire_at
        self.timer = timer


class TaintEvictionController(Controller):
    """Evicts pods from nodes with NoExecute taints they do not tolerate (for long enough)."""

    name = "taint-eviction-controller"
    watches = ("nodes", "pods")

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.recorder = EventRecorder(cluster.api, "taint-eviction-controller")
        self.scheduled: dict[tuple[str, str], _Scheduled] = {}
        self.pods_by_node: dict[str, set[tuple[str, str]]] = {}
        self._pod_node: dict[tuple[str, str], str] = {}
        self._node_taints: dict[str, tuple[Any, ...]] = {}

    def start(self) -> None:
        """Index pods by node, then watch."""
        for p in self.api.list_objects("pods"):
            self._index(p, False)
        for n in self.api.list_objects("nodes"):
            self._node_taints[n["metadata"]["name"]] = _no_execute(n)
            if _no_execute(n):
                self.queue.add(("nodes", "", n["metadata"]["name"]))
        super().start()

    def _index(self, pod: Obj, deleted: bool) -> str:
        key = (pod["metadata"].get("namespace", ""), pod["metadata"]["name"])
        node = "" if deleted else ((pod.get("spec") or {}).get("nodeName") or "")
        old = self._pod_node.get(key)
        if old != node:
            if old:
                self.pods_by_node.get(old, set()).discard(key)
                del self._pod_node[key]
            if node:
                self.pods_by_node.setdefault(node, set()).add(key)
                self._pod_node[key] = node
        return node

    def on_event(self, ev: Event) -> None:
        """Queue pods whose node has NoExecute taints, and nodes whose NoExecute taints changed."""
        meta = ev.object["metadata"]
        if ev.resource == "pods":
            node = self._index(ev.object, ev.type == DELETED)
            key = (meta.get("namespace", ""), meta["name"])
            if ev.type == DELETED or meta.get("deletionTimestamp"):
                self._cancel(key, event=False)
                return
            if node and self._node_taints.get(node):
                self.queue.add(("pods", key[0], key[1]))
            elif key in self.scheduled:
                self._cancel(key, event=True)
            return
        name = meta["name"]
        taints = () if ev.type == DELETED else _no_execute(ev.object)
        if taints != self._node_taints.get(name):
            self._node_taints[name] = taints
            self.queue.add(("nodes", "", name))

    def reconcile(self, key: Key) -> None:
        """Process one pod, or every pod on a node whose NoExecute taints changed."""
        if key[0] == "nodes":
            for ns, name in sorted(self.pods_by_node.get(key[2], ())):
                self._process_pod(ns, name)
            return
        self._process_pod(key[1], key[2])

    def _process_pod(self, ns: str, name: str) -> None:
        pod = self.cluster.store.get("pods", ns, name)
        key = (ns, name)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            self._cancel(key, event=False)
            return
        node_name = (pod.get("spec") or {}).get("nodeName") or ""
        node = self.cluster.store.get("nodes", "", node_name) if node_name else None
        taints = [
            t for t in ((node or {}).get("spec") or {}).get("taints") or [] if t.get("effect") == "NoExecute"
        ]
        if not taints:
            self._cancel(key, event=True)
            return
        tolerations = [
            t
            for t in (pod.get("spec") or {}).get("tolerations") or []
            if isinstance(t, dict) and (t.get("effect") or "") in ("", "NoExecute")
        ]
        used: list[dict[str, Any]] = []
        for taint in taints:
            matching = [t for t in tolerations if toleration_tolerates(t, taint)]
            if not matching:
                self._schedule(key, 0.0)
                return
            used.extend(matching)
        min_time = _min_toleration_time(used)
        if min_time < 0:
            self._cancel(key, event=True)
            return
        self._schedule(key, float(min_time))

    def _schedule(self, key: tuple[str, str], delay: float) -> None:
        """Queue the deletion ``delay`` seconds after the pod was first seen on the tainted node; an
        eviction already queued from an earlier instant stays as it is (as in the real work queue)."""
        now = self.api.now()
        cur = self.scheduled.get(key)
        if cur is not None:
            if cur.created < now:
                return
            cur.timer.cancel()
        timer = self.cluster.clock.call_at(now + delay, lambda: self._fire(key))
        self.scheduled[key] = _Scheduled(now, now + delay, timer)
        if delay <= 0:
            timer.cancel()
            self._fire(key)

    def _cancel(self, key: tuple[str, str], event: bool) -> None:
        cur = self.scheduled.pop(key, None)
        if cur is None:
            return
        cur.timer.cancel()
        if event:
            self.recorder.event(
                _pod_ref(*key),
                "Normal",
                "TaintManagerEviction",
                f"Cancelling deletion of Pod {key[0]}/{key[1]}",
            )

    def _fire(self, key: tuple[str, str]) -> None:
        if self.scheduled.pop(key, None) is None:
            return
        self.recorder.event(
            _pod_ref(*key), "Normal", "TaintManagerEviction", f"Marking for deletion Pod {key[0]}/{key[1]}"
        )
        pod = self.cluster.store.get("pods", *key)
        if pod is None:
            return
        status = clone(pod.get("status") or {})
        conds = [c for c in status.get("conditions") or [] if c.get("type") != "DisruptionTarget"]
        conds.append(
            {
                "lastProbeTime": None,
                "lastTransitionTime": rfc3339(self.api.now()),
                "message": "Taint manager: deleting due to NoExecute taint",
                "reason": "DeletionByTaintManager",
                "status": "True",
                "type": "DisruptionTarget",
            }
        )
        status["conditions"] = conds
        upd = dict(pod)
        upd["status"] = status
        try:
            self.api.update_status(upd)
            self.api.delete("pods", key[1], key[0])
        except StatusError:
            pass


def _no_execute(node: Obj) -> tuple[Any, ...]:
    return tuple(
        (t.get("key"), t.get("value"), t.get("effect"))
        for t in (node.get("spec") or {}).get("taints") or []
        if t.get("effect") == "NoExecute"
    )


def _min_toleration_time(tolerations: list[dict[str, Any]]) -> int:
    """``getMinTolerationTime``: -1 means tolerated forever."""
    if not tolerations:
        return 0
    best: int | None = None
    for t in tolerations:
        secs = t.get("tolerationSeconds")
        if secs is None:
            continue
        secs = int(secs)
        if secs <= 0:
            return 0
        if best is None or secs < best:
            best = secs
    return -1 if best is None else best


def _node_ref(name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": name}}


def _pod_ref(ns: str, name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns}}


def install(cluster: Cluster, grace_period: float = NODE_MONITOR_GRACE_PERIOD) -> NodeLifecycleController:
    """Create the node lifecycle and taint-eviction controllers, register both, return the former."""
    for c in list(cluster.controllers):  # a re-install replaces the running pair (e.g. another grace period)
        if isinstance(c, NodeLifecycleController | TaintEvictionController):
            cluster.remove_controller(c)
    nlc = NodeLifecycleController(cluster, grace_period=grace_period)
    cluster.add_controller(nlc)
    cluster.add_controller(TaintEvictionController(cluster))
    cluster.__dict__["node_lifecycle"] = nlc
    return nlc
