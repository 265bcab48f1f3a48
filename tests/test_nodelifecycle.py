"""Node lifecycle: heartbeats -> Unknown conditions after the grace period, NotReady events, unreachable /
not-ready taints, taint-based eviction after tolerationSeconds, recovery."""

from __future__ import annotations

from typing import Any

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.controllers import nodelifecycle
from k8stutor.engine.controllers.nodelifecycle import NodeLifecycleController
from k8stutor.engine.scheduler.scheduler import install as install_scheduler
from k8stutor.engine.timeutil import rfc3339
from k8stutor.kubectl.main import Kubectl


@pytest.fixture()
def cluster() -> Cluster:
    c = Cluster()
    install_scheduler(c)
    nodelifecycle.install(c)
    return c


def _pod(name: str, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "containers": [{"name": "app", "image": "nginx"}],
        "nodeSelector": {"kubernetes.io/hostname": "k8s-node01"},
    }
    body.update(spec)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": body,
    }


def _node(c: Cluster, name: str = "k8s-node01") -> dict[str, Any]:
    return c.api.get("nodes", name)


def _ready(node: dict[str, Any]) -> dict[str, Any]:
    return next(x for x in node["status"]["conditions"] if x["type"] == "Ready")


def _taints(node: dict[str, Any]) -> list[tuple[str, str]]:
    return [(t["key"], t["effect"]) for t in node["spec"].get("taints") or []]


def _events(c: Cluster, reason: str, ns: str | None = None) -> list[dict[str, Any]]:
    return [e for e in c.api.list_objects("events", ns) if e["reason"] == reason]


def test_grace_period_is_the_1_32_default() -> None:
    assert nodelifecycle.NODE_MONITOR_GRACE_PERIOD == 50.0
    assert nodelifecycle.NODE_MONITOR_PERIOD == 5.0


def test_node_down_goes_unknown_after_the_grace_period(cluster: Cluster) -> None:
    cluster.api.create(_pod("web"))
    cluster.advance(30)
    cluster.node_power("k8s-node01", False)
    cluster.advance(45)
    assert _ready(_node(cluster))["status"] == "True"
    cluster.advance(20)
    node = _node(cluster)
    for ctype in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure"):
        cond = next(x for x in node["status"]["conditions"] if x["type"] == ctype)
        assert (cond["status"], cond["reason"], cond["message"]) == (
            "Unknown",
            "NodeStatusUnknown",
            "Kubelet stopped posting node status.",
        )
    net = next(x for x in node["status"]["conditions"] if x["type"] == "NetworkUnavailable")
    assert net["status"] == "False"
    assert _taints(node) == [
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoSchedule"),
    ]
    assert node["spec"]["taints"][0].get("timeAdded")
    ev = _events(cluster, "NodeNotReady", "default")
    node_ev = [e for e in ev if e["involvedObject"]["kind"] == "Node"]
    assert [e["message"] for e in node_ev] == ["Node k8s-node01 status is now: NodeNotReady"]
    assert node_ev[0]["source"] == {"component": "node-controller"} and node_ev[0]["type"] == "Normal"
    pod_ev = [e for e in ev if e["involvedObject"]["kind"] == "Pod"]
    assert [(e["involvedObject"]["name"], e["type"], e["message"]) for e in pod_ev] == [
        ("web", "Warning", "Node is not ready")
    ]
    pod = cluster.api.get("pods", "web", "default")
    assert _ready(pod)["status"] == "False"
    out = Kubectl(cluster).run(["get", "nodes", "k8s-node01"]).stdout
    assert "NotReady" in out


def test_pods_are_evicted_after_toleration_seconds(cluster: Cluster) -> None:
    cluster.api.create(_pod("web"))
    cluster.api.create(
        _pod(
            "quick",
            tolerations=[
                {
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 30,
                }
            ],
        )
    )
    cluster.api.create(_pod("stays", tolerations=[{"operator": "Exists"}]))
    cluster.advance(30)
    cluster.node_power("k8s-node01", False)
    cluster.advance(60)  # tainted at the first monitor pass past 50 s
    tainted_at = cluster.now()
    cluster.advance(35)
    assert cluster.api.get("pods", "quick", "default")["metadata"].get("deletionTimestamp")
    assert not cluster.api.get("pods", "web", "default")["metadata"].get("deletionTimestamp")
    cluster.advance(300 - 35)
    web = cluster.api.get("pods", "web", "default")
    assert web["metadata"].get("deletionTimestamp")
    assert not cluster.api.get("pods", "stays", "default")["metadata"].get("deletionTimestamp")
    dt = next(x for x in web["status"]["conditions"] if x["type"] == "DisruptionTarget")
    assert (dt["reason"], dt["message"]) == (
        "DeletionByTaintManager",
        "Taint manager: deleting due to NoExecute taint",
    )
    msgs = [
        (e["message"], e["source"]["component"]) for e in _events(cluster, "TaintManagerEviction", "default")
    ]
    assert ("Marking for deletion Pod default/quick", "taint-eviction-controller") in msgs
    assert ("Marking for deletion Pod default/web", "taint-eviction-controller") in msgs
    assert cluster.now() - tainted_at >= 300
    # The node is down, so the kubelet never confirms: the pod stays Terminating.
    cluster.advance(120)
    assert "Terminating" in Kubectl(cluster).run(["get", "pod", "web"]).stdout


def test_node_comes_back(cluster: Cluster) -> None:
    cluster.api.create(_pod("web"))
    cluster.advance(30)
    cluster.node_power("k8s-node01", False)
    cluster.advance(70)
    assert _taints(_node(cluster))
    cluster.node_power("k8s-node01", True)
    cluster.advance(15)
    node = _node(cluster)
    assert _ready(node)["status"] == "True"
    assert _taints(node) == []
    cluster.advance(600)
    assert not cluster.api.get("pods", "web", "default")["metadata"].get("deletionTimestamp")
    assert "Cancelling deletion of Pod default/web" in [
        e["message"] for e in _events(cluster, "TaintManagerEviction", "default")
    ]


def test_kubelet_reporting_not_ready_gets_not_ready_taints(cluster: Cluster) -> None:
    cluster.node_power("k8s-node02", False)  # stand in for the kubelet: it posts Ready=False once
    node = _node(cluster, "k8s-node02")
    for c in node["status"]["conditions"]:
        if c["type"] == "Ready":
            c.update(
                {
                    "status": "False",
                    "reason": "KubeletNotReady",
                    "message": "container runtime is down",
                    "lastHeartbeatTime": rfc3339(cluster.now()),
                }
            )
    cluster.api.update_status(node)
    cluster.advance(5)
    assert _taints(_node(cluster, "k8s-node02")) == [
        ("node.kubernetes.io/not-ready", "NoSchedule"),
        ("node.kubernetes.io/not-ready", "NoExecute"),
    ]


def test_cordon_adds_the_unschedulable_taint(cluster: Cluster) -> None:
    cluster.api.patch("nodes", "k8s-node02", None, {"spec": {"unschedulable": True}})
    cluster.settle()
    assert _taints(_node(cluster, "k8s-node02")) == [("node.kubernetes.io/unschedulable", "NoSchedule")]
    cluster.api.patch("nodes", "k8s-node02", None, {"spec": {"unschedulable": None}}, "merge")
    cluster.settle()
    assert _taints(_node(cluster, "k8s-node02")) == []


def test_no_execute_tainting_is_rate_limited_per_zone(cluster: Cluster) -> None:
    nlc: NodeLifecycleController = cluster.__dict__["node_lifecycle"]
    cluster.node_power("k8s-node01", False)
    cluster.node_power("k8s-node02", False)
    cluster.advance(60)
    tainted = [
        n
        for n in ("k8s-node01", "k8s-node02")
        if ("node.kubernetes.io/unreachable", "NoExecute") in _taints(_node(cluster, n))
    ]
    assert len(tainted) == 1  # 0.1 node per second, burst 1
    assert nlc.zone_states == {"": "Normal"}  # 2 of 3 not ready is not "more than 2"
    cluster.advance(10)
    assert all(
        ("node.kubernetes.io/unreachable", "NoExecute") in _taints(_node(cluster, n))
        for n in ("k8s-node01", "k8s-node02")
    )


def test_daemonset_style_tolerations_are_never_evicted(cluster: Cluster) -> None:
    cluster.api.create(
        _pod(
            "agent",
            tolerations=[
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
            ],
        )
    )
    cluster.advance(30)
    cluster.node_power("k8s-node01", False)
    cluster.advance(500)
    assert not cluster.api.get("pods", "agent", "default")["metadata"].get("deletionTimestamp")
