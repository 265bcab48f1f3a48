"""A tiny stand-in for the scheduler + kubelet so workload controllers progress in tests.

It binds pending pods (DaemonSet pods to the node named in their ``matchFields`` affinity, others round-robin
over the worker nodes), reports them Running and Ready, and — per an ``outcome(pod)`` rule — later
Succeeded or Failed (or, for ``restartPolicy: OnFailure``, restarts the container in place). Terminating pods
are finalized at once. Everything goes through the API, like the real components.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fake_kubelet import detach_real_kubelets

from k8stutor.engine.controllers.base import Controller, Key
from k8stutor.engine.errors import StatusError
from k8stutor.engine.store import clone
from k8stutor.engine.timeutil import rfc3339

Outcome = Callable[[dict[str, Any]], tuple[str, float]]


def always_run(pod: dict[str, Any]) -> tuple[str, float]:
    """Pods start and keep running."""
    return ("run", 0.0)


class FakeKubelet(Controller):
    """Binds and runs pods; ``outcome(pod)`` -> ("run" | "succeed" | "fail" | "pending", seconds after start)."""

    name = "fake-kubelet"
    watches = ("pods",)

    def __init__(self, cluster: Any, outcome: Outcome = always_run, ready: bool = True) -> None:
        super().__init__(cluster)
        self.outcome = outcome
        self.ready = ready
        self._rr = 0
        self._scheduled: set[str] = set()
        self.paused = False

    def reconcile(self, key: Key) -> None:
        if self.paused:
            return
        _, ns, name = key
        pod = self.cluster.store.get("pods", ns, name)
        if pod is None:
            return
        if pod["metadata"].get("deletionTimestamp"):
            self.api.finalize_pod(name, ns)
            return
        if not pod["spec"].get("nodeName"):
            node = self._pick_node(pod)
            if node is None:
                return
            self.api.bind(ns, name, node)
            return
        phase = pod.get("status", {}).get("phase")
        uid = pod["metadata"]["uid"]
        if phase == "Pending":
            verdict, _ = self.outcome(pod)
            if verdict == "pending":
                return
            self._write(pod, "Running", self.ready)
            return
        if phase == "Running" and uid not in self._scheduled:
            self._scheduled.add(uid)
            verdict, after = self.outcome(pod)
            if verdict in ("succeed", "fail"):
                self.cluster.clock.call_after(after, lambda: self._finish(ns, name, uid, verdict))

    def _finish(self, ns: str, name: str, uid: str, verdict: str) -> None:
        pod = self.cluster.store.get("pods", ns, name)
        if pod is None or pod["metadata"]["uid"] != uid or pod["metadata"].get("deletionTimestamp"):
            return
        if verdict == "fail" and pod["spec"].get("restartPolicy") == "OnFailure":
            self._write(pod, "Running", self.ready, restart=True)
            self._scheduled.discard(uid)
            self.queue.add(("pods", ns, name))
            return
        self._write(pod, "Succeeded" if verdict == "succeed" else "Failed", False)

    def _pick_node(self, pod: dict[str, Any]) -> str | None:
        aff = (pod["spec"].get("affinity") or {}).get("nodeAffinity") or {}
        req = aff.get("requiredDuringSchedulingIgnoredDuringExecution") or {}
        for term in req.get("nodeSelectorTerms") or ():
            for f in term.get("matchFields") or ():
                if f.get("key") == "metadata.name" and f.get("values"):
                    return str(f["values"][0])
        workers = [
            n["metadata"]["name"]
            for n in self.api.list_objects("nodes")
            if "node-role.kubernetes.io/control-plane" not in (n["metadata"].get("labels") or {})
        ]
        if not workers:
            return None
        self._rr += 1
        return workers[(self._rr - 1) % len(workers)]

    def _write(self, pod: dict[str, Any], phase: str, ready: bool, restart: bool = False) -> None:
        now = rfc3339(self.api.now())
        new = clone(pod)
        st = new.setdefault("status", {})
        running = phase == "Running"
        cs = []
        old = {c["name"]: c for c in st.get("containerStatuses") or ()}
        for c in new["spec"]["containers"]:
            prev = old.get(c["name"], {})
            count = int(prev.get("restartCount", 0)) + (1 if restart else 0)
            if running:
                state: dict[str, Any] = {"running": {"startedAt": now}}
            else:
                code = 0 if phase == "Succeeded" else 1
                state = {
                    "terminated": {
                        "exitCode": code,
                        "finishedAt": now,
                        "reason": "Completed" if code == 0 else "Error",
                        "startedAt": now,
                    }
                }
            entry = {
                "image": c["image"],
                "imageID": "",
                "lastState": {},
                "name": c["name"],
                "ready": running and ready,
                "restartCount": count,
                "started": running,
                "state": state,
            }
            if restart:
                entry["lastState"] = {
                    "terminated": {"exitCode": 1, "finishedAt": now, "reason": "Error", "startedAt": now}
                }
            cs.append(entry)
        flag = "True" if running and ready else "False"
        st.update(
            phase=phase,
            containerStatuses=cs,
            hostIP="192.168.66.20",
            podIP=st.get("podIP") or "10.244.1.9",
            startTime=st.get("startTime") or now,
        )
        conds = {c["type"]: c for c in st.get("conditions") or ()}
        for t, v in (
            ("Initialized", "True"),
            ("Ready", flag),
            ("ContainersReady", flag),
            ("PodScheduled", "True"),
        ):
            prev = conds.get(t)
            if prev is None or prev.get("status") != v:
                conds[t] = {"lastProbeTime": None, "lastTransitionTime": now, "status": v, "type": t}
        st["conditions"] = list(conds.values())
        try:
            self.api.update_status(new)
        except StatusError:
            pass


def install(cluster: Any, outcome: Outcome = always_run, ready: bool = True) -> FakeKubelet:
    """Replace the real kubelets with a fake one on ``cluster`` and return it."""
    detach_real_kubelets(cluster)
    k = FakeKubelet(cluster, outcome, ready)
    cluster.add_controller(k)
    return k
