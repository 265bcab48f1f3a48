"""A stand-in kubelet (and scheduler) for controller tests: binds pending pods to worker nodes and reports them
Running and Ready after ``start_delay`` virtual seconds; finalizes terminating pods after ``stop_delay``.

``install`` detaches the cluster's real kubelets first, so controller tests have exact, simple timing."""

from __future__ import annotations

from typing import Any

from k8stutor.engine.controllers.base import Controller, Key
from k8stutor.engine.errors import StatusError
from k8stutor.engine.store import DELETED, Event
from k8stutor.engine.timeutil import rfc3339


class FakeKubelet(Controller):
    """Binds, starts and stops pods through ``api.bind`` / ``api.update_status`` / ``api.finalize_pod``."""

    name = "fake-kubelet"
    watches = ("pods",)

    def __init__(
        self, cluster: Any, start_delay: float = 1.0, stop_delay: float = 0.0, ready: bool = True
    ) -> None:
        super().__init__(cluster)
        self.start_delay = start_delay
        self.stop_delay = stop_delay
        self.ready = ready
        self.paused = False
        self._pending: set[Key] = set()
        self._batches: dict[float, list[Key]] = {}
        self._next_node = 0
        self._ip = 0
        nodes = [
            n
            for n in cluster.store.list("nodes", "")
            if "node-role.kubernetes.io/control-plane" not in (n["metadata"].get("labels") or {})
        ]
        self.nodes = [n["metadata"]["name"] for n in nodes] or [
            n["metadata"]["name"] for n in cluster.store.list("nodes", "")
        ]

    def on_event(self, ev: Event) -> None:
        if ev.type == DELETED or self.paused:
            return
        meta = ev.object["metadata"]
        key = ("pods", meta.get("namespace", ""), meta["name"])
        spec = ev.object.get("spec") or {}
        deleting = bool(meta.get("deletionTimestamp"))
        if (deleting and spec.get("nodeName")) or (not deleting and not spec.get("nodeName")):
            self._schedule(key, self.stop_delay if deleting else self.start_delay)

    def _schedule(self, key: Key, delay: float) -> None:
        if key in self._pending:
            return
        self._pending.add(key)
        if delay <= 0:
            self.queue.add(key)
            return
        # One timer per due instant, so pods created together start together (and cheaply).
        due = self.cluster.clock.now() + delay
        batch = self._batches.get(due)
        if batch is None:
            batch = self._batches[due] = []
            self.cluster.clock.call_at(due, lambda: self._fire(due))
        batch.append(key)

    def _fire(self, due: float) -> None:
        for key in self._batches.pop(due, ()):
            self.queue.add(key)

    def reconcile(self, key: Key) -> None:
        self._pending.discard(key)
        _, ns, name = key
        pod = self.cluster.store.get("pods", ns, name)
        if pod is None:
            return
        if pod["metadata"].get("deletionTimestamp"):
            if pod.get("spec", {}).get("nodeName"):
                self.api.finalize_pod(name, ns)
            return
        if pod.get("spec", {}).get("nodeName"):
            return
        node = self.nodes[self._next_node % len(self.nodes)]
        self._next_node += 1
        try:
            bound = self.api.bind(ns, name, node)
        except StatusError:
            return
        self._ip += 1
        t = rfc3339(self.api.now())
        ready = "True" if self.ready else "False"
        status = dict(bound.get("status") or {})
        status.update(
            {
                "phase": "Running",
                "conditions": [
                    {
                        "lastProbeTime": None,
                        "lastTransitionTime": t,
                        "status": "True",
                        "type": "PodReadyToStartContainers",
                    },
                    {"lastProbeTime": None, "lastTransitionTime": t, "status": "True", "type": "Initialized"},
                    {"lastProbeTime": None, "lastTransitionTime": t, "status": ready, "type": "Ready"},
                    {
                        "lastProbeTime": None,
                        "lastTransitionTime": t,
                        "status": ready,
                        "type": "ContainersReady",
                    },
                    {
                        "lastProbeTime": None,
                        "lastTransitionTime": t,
                        "status": "True",
                        "type": "PodScheduled",
                    },
                ],
                "podIP": f"10.244.{1 + self._ip // 250}.{2 + self._ip % 250}",
                "startTime": t,
                "containerStatuses": [
                    {
                        "name": c["name"],
                        "image": c.get("image", ""),
                        "ready": self.ready,
                        "restartCount": 0,
                        "started": True,
                        "state": {"running": {"startedAt": t}},
                    }
                    for c in bound.get("spec", {}).get("containers") or ()
                ],
            }
        )
        upd = dict(bound)
        upd["metadata"] = dict(bound["metadata"])
        upd["metadata"].pop("resourceVersion", None)
        upd["status"] = status
        self.api.update_status(upd)


def detach_real_kubelets(cluster: Any) -> None:
    """Stop the cluster's real kubelets (heartbeats, pod workers) so only the fake one touches pods."""
    mgr = getattr(cluster, "kubelets", None)
    if mgr is None or mgr not in cluster.controllers:
        return
    for k in mgr.kubelets.values():
        k.stop()
    cluster.controllers.remove(mgr)
    # The fake binds pods itself and has no heartbeats: the scheduler and the node lifecycle go too.
    for name in ("scheduler", "node_lifecycle"):
        c = getattr(cluster, name, None)
        if c is not None:
            cluster.remove_controller(c)
    for c in list(cluster.controllers):
        if type(c).__name__ == "TaintEvictionController":
            cluster.remove_controller(c)


def install(cluster: Any, **kw: Any) -> FakeKubelet:
    """Replace the real kubelets (if installed) with a FakeKubelet and return it."""
    detach_real_kubelets(cluster)
    k = FakeKubelet(cluster, **kw)
    cluster.add_controller(k)
    return k
