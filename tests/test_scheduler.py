"""The default scheduler: binding, FailedScheduling messages (kube-scheduler 1.32 FitError format), retries
on cluster events, back-off, filters, scores, sampling, traces and preemption."""

from __future__ import annotations

from typing import Any

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.scheduler import framework as fw
from k8stutor.engine.scheduler.plugins import imagelocality, noderesources
from k8stutor.engine.scheduler.queue import SchedulingQueue
from k8stutor.engine.scheduler.scheduler import Scheduler, install, num_feasible_nodes_to_find

TAINT_MSG = "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"


@pytest.fixture()
def cluster() -> Cluster:
    c = Cluster()
    install(c)
    return c


def _pod(name: str, cpu: str | None = None, **spec: Any) -> dict[str, Any]:
    c: dict[str, Any] = {"name": "app", "image": "nginx"}
    if cpu:
        c["resources"] = {"requests": {"cpu": cpu}}
    body: dict[str, Any] = {"containers": [c]}
    body.update(spec)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": body,
    }


def _create(c: Cluster, pod: dict[str, Any]) -> dict[str, Any]:
    c.api.create(pod)
    c.settle()
    return c.api.get("pods", pod["metadata"]["name"], "default")


def _events(c: Cluster, name: str, reason: str) -> list[dict[str, Any]]:
    return [
        e
        for e in c.api.list_objects("events", "default")
        if e["involvedObject"]["name"] == name and e["reason"] == reason
    ]


def _cond(pod: dict[str, Any], ctype: str) -> dict[str, Any]:
    return next(c for c in pod["status"]["conditions"] if c["type"] == ctype)


def test_schedules_to_a_worker_with_the_real_event(cluster: Cluster) -> None:
    pod = _create(cluster, _pod("web"))
    node = pod["spec"]["nodeName"]
    assert node in ("k8s-node01", "k8s-node02")
    ev = _events(cluster, "web", "Scheduled")
    assert [e["message"] for e in ev] == [f"Successfully assigned default/web to {node}"]
    assert ev[0]["type"] == "Normal" and ev[0]["source"] == {"component": "default-scheduler"}
    assert _cond(pod, "PodScheduled")["status"] == "True"


def test_failed_scheduling_message_no_preemption_victims(cluster: Cluster) -> None:
    # Fits a worker's allocatable (2 cpu) but not what is free next to flannel's 100m; the pods already
    # there have a higher priority, so preemption finds no victims (the example message).
    pod = _create(cluster, _pod("big", "1950m"))
    msg = (
        "0/3 nodes are available: 1 " + TAINT_MSG + ", 2 Insufficient cpu. preemption: 0/3 nodes are "
        "available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
    )
    assert [e["message"] for e in _events(cluster, "big", "FailedScheduling")] == [msg]
    cond = _cond(pod, "PodScheduled")
    assert (cond["status"], cond["reason"], cond["message"]) == ("False", "Unschedulable", msg)
    assert "nodeName" not in pod["spec"]


def test_failed_scheduling_request_larger_than_allocatable(cluster: Cluster) -> None:
    # 1.32 still runs preemption for a request larger than the whole node (FIDELITY 2.2 capture).
    _create(cluster, _pod("huge", "3"))
    msg = (
        "0/3 nodes are available: 1 "
        + TAINT_MSG
        + ", 2 Insufficient cpu. preemption: 0/3 nodes are available: "
        "1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
    )
    assert [e["message"] for e in _events(cluster, "huge", "FailedScheduling")] == [msg]


def test_histogram_uses_plain_string_sort() -> None:
    statuses = [fw.Status(fw.UNSCHEDULABLE, "NodeResourcesFit", ("Insufficient cpu",))] * 10 + [
        fw.Status(fw.UNRESOLVABLE, "NodeAffinity", ("node(s) didn't match Pod's node affinity/selector",))
    ] * 2
    assert fw.fit_error_message(12, statuses) == (
        "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector."
    )


def test_retried_when_a_taint_is_removed(cluster: Cluster) -> None:
    for n in ("k8s-node01", "k8s-node02"):
        cluster.api.patch("nodes", n, None, {"spec": {"taints": [{"key": "maint", "effect": "NoSchedule"}]}})
    pod = _create(cluster, _pod("web"))
    assert "nodeName" not in pod["spec"]
    msg = _events(cluster, "web", "FailedScheduling")[0]["message"]
    assert msg.startswith(
        "0/3 nodes are available: 1 " + TAINT_MSG + ", 2 node(s) had untolerated taint {maint: }."
    )
    cluster.advance(2)
    cluster.api.patch("nodes", "k8s-node02", None, {"spec": {"taints": None}}, "merge")
    cluster.settle()
    assert cluster.api.get("pods", "web", "default")["spec"]["nodeName"] == "k8s-node02"


def test_back_off_doubles_to_ten_seconds() -> None:
    c = Cluster()
    q = SchedulingQueue(c.clock)
    assert [q.backoff_duration(n) for n in range(1, 8)] == [1, 2, 4, 8, 10, 10, 10]


def test_unschedulable_pod_waits_for_back_off_after_an_event(cluster: Cluster) -> None:
    s: Scheduler = cluster.__dict__["scheduler"]
    _create(cluster, _pod("big", "1950m"))
    assert s.sched_queue.where(("default", "big")) == "unschedulable"
    cluster.api.patch("nodes", "k8s-node01", None, {"metadata": {"labels": {"x": "y"}}})
    assert s.sched_queue.where(("default", "big")) == "backoff"  # 1 s back-off not over yet
    cluster.advance(1)
    assert len(_events(cluster, "big", "FailedScheduling")) == 1
    assert _events(cluster, "big", "FailedScheduling")[0]["count"] == 2


def test_node_selector_and_labeling_a_node(cluster: Cluster) -> None:
    _create(cluster, _pod("ssd", nodeSelector={"disktype": "ssd"}))
    msg = _events(cluster, "ssd", "FailedScheduling")[0]["message"]
    assert msg == (
        "0/3 nodes are available: 1 " + TAINT_MSG + ", 2 node(s) didn't match Pod's node "
        "affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for "
        "scheduling."
    )
    cluster.advance(2)
    cluster.api.patch("nodes", "k8s-node02", None, {"metadata": {"labels": {"disktype": "ssd"}}})
    cluster.settle()
    assert cluster.api.get("pods", "ssd", "default")["spec"]["nodeName"] == "k8s-node02"


@pytest.mark.parametrize(
    ("op", "values", "expect"),
    [
        ("In", ["a", "b"], True),
        ("In", ["c"], False),
        ("NotIn", ["c"], True),
        ("NotIn", ["a"], False),
        ("Exists", [], True),
        ("DoesNotExist", [], False),
        ("Gt", ["1"], True),
        ("Lt", ["1"], False),
    ],
)
def test_node_affinity_operators(op: str, values: list[str], expect: bool) -> None:
    labels = {"k": "a" if op in ("In", "NotIn", "Exists", "DoesNotExist") else "5"}
    term = {"matchExpressions": [{"key": "k", "operator": op, "values": values}]}
    pi = fw.PodInfo(
        {
            "metadata": {"name": "p"},
            "spec": {
                "affinity": {
                    "nodeAffinity": {
                        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}
                    }
                }
            },
        }
    )
    assert fw.required_node_affinity_matches(pi, labels, "n1") is expect


def test_match_fields_restricts_to_the_named_node(cluster: Cluster) -> None:
    aff = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["k8s-node02"]}]}
                ]
            }
        }
    }
    pod = _create(cluster, _pod("pinned", affinity=aff))
    assert pod["spec"]["nodeName"] == "k8s-node02"
    # A pinned pod that does not fit: only the named node counts in the histogram (PreFilter result).
    pod = _create(cluster, _pod("pinned-big", "1950m", affinity=aff))
    assert _events(cluster, "pinned-big", "FailedScheduling")[0]["message"] == (
        "0/3 nodes are available: 1 Insufficient cpu. preemption: 0/3 nodes are available: 1 No preemption "
        "victims found for incoming pod, 2 Preemption is not helpful for scheduling."
    )


def test_toleration_semantics() -> None:
    taint = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
    assert fw.tolerates([{"operator": "Exists"}], taint)
    assert fw.tolerates(
        [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}],
        taint,
    )
    assert not fw.tolerates(
        [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoExecute"}], taint
    )
    assert fw.tolerates(
        [{"key": "a", "value": "b", "effect": "NoSchedule"}],
        {"key": "a", "value": "b", "effect": "NoSchedule"},
    )
    assert not fw.tolerates([{"key": "a", "value": "c"}], {"key": "a", "value": "b", "effect": "NoSchedule"})


def test_tolerating_the_control_plane_taint_allows_the_master(cluster: Cluster) -> None:
    tol = [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]
    sel = {"kubernetes.io/hostname": "k8s-master01"}
    assert (
        _create(cluster, _pod("cp", tolerations=tol, nodeSelector=sel))["spec"]["nodeName"] == "k8s-master01"
    )


def test_cordoned_node_is_skipped(cluster: Cluster) -> None:
    cluster.api.patch("nodes", "k8s-node01", None, {"spec": {"unschedulable": True}})
    for i in range(4):
        assert _create(cluster, _pod(f"w{i}"))["spec"]["nodeName"] == "k8s-node02"


def test_host_port_conflict(cluster: Cluster) -> None:
    def with_port(name: str) -> dict[str, Any]:
        p = _pod(name)
        p["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": 8080}]
        return p

    a = _create(cluster, with_port("p1"))["spec"]["nodeName"]
    b = _create(cluster, with_port("p2"))["spec"]["nodeName"]
    assert {a, b} == {"k8s-node01", "k8s-node02"}
    _create(cluster, with_port("p3"))
    assert _events(cluster, "p3", "FailedScheduling")[0]["message"] == (
        "0/3 nodes are available: 1 "
        + TAINT_MSG
        + ", 2 node(s) didn't have free ports for the requested pod "
        "ports. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption "
        "victims found for incoming pod."
    )


def test_init_container_max_rule() -> None:
    spec = {
        "containers": [
            {"name": "a", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}},
            {"name": "b", "resources": {"requests": {"cpu": "200m"}}},
        ],
        "initContainers": [{"name": "i", "resources": {"requests": {"cpu": "500m", "memory": "32Mi"}}}],
    }
    assert fw.pod_requests(spec) == {"cpu": 500, "memory": 64 * 1024 * 1024}
    nz = fw.pod_requests({"containers": [{"name": "a"}]}, non_zero=True)
    assert nz == {"cpu": 100, "memory": 200 * 1024 * 1024}


def test_too_many_pods() -> None:
    ni = fw.NodeInfo("n")
    ni.set_node(
        {"metadata": {"name": "n"}, "status": {"allocatable": {"cpu": "2", "memory": "1Gi", "pods": "1"}}},
        lambda _i: 0,
    )
    ni.add_pod(fw.PodInfo({"metadata": {"name": "a", "namespace": "d"}, "spec": {"containers": [{}]}}))
    st = noderesources.filter(fw.PodInfo({"metadata": {"name": "b"}, "spec": {"containers": [{}]}}), ni)
    assert st is not None and st.reasons == ("Too many pods",)


def test_pod_anti_affinity_spreads_then_blocks(cluster: Cluster) -> None:
    aff = {
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"tier": "cache"}}, "topologyKey": "kubernetes.io/hostname"}
            ]
        }
    }
    nodes = set()
    for i in range(2):
        p = _pod(f"c{i}", affinity=aff)
        p["metadata"]["labels"] = {"tier": "cache"}
        nodes.add(_create(cluster, p)["spec"]["nodeName"])
    assert nodes == {"k8s-node01", "k8s-node02"}
    p = _pod("c2", affinity=aff)
    p["metadata"]["labels"] = {"tier": "cache"}
    _create(cluster, p)
    assert _events(cluster, "c2", "FailedScheduling")[0]["message"].startswith(
        "0/3 nodes are available: 1 " + TAINT_MSG + ", 2 node(s) didn't match pod anti-affinity rules."
    )


def test_pod_affinity_follows_the_target(cluster: Cluster) -> None:
    db = _create(cluster, _pod("db"))
    aff = {
        "podAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}
            ]
        }
    }
    for i in range(3):
        assert _create(cluster, _pod(f"web{i}", affinity=aff))["spec"]["nodeName"] == db["spec"]["nodeName"]
    lonely = {
        "podAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {
                    "labelSelector": {"matchLabels": {"app": "nothing"}},
                    "topologyKey": "kubernetes.io/hostname",
                }
            ]
        }
    }
    _create(cluster, _pod("lonely", affinity=lonely))
    assert (
        "2 node(s) didn't match pod affinity rules"
        in _events(cluster, "lonely", "FailedScheduling")[0]["message"]
    )


def test_least_allocated_prefers_the_emptier_node(cluster: Cluster) -> None:
    first = _create(cluster, _pod("heavy", "1"))["spec"]["nodeName"]
    other = "k8s-node02" if first == "k8s-node01" else "k8s-node01"
    for i in range(3):
        assert _create(cluster, _pod(f"light{i}", "100m"))["spec"]["nodeName"] == other


def test_score_functions() -> None:
    assert imagelocality.calculate_priority(0, 1) == 0
    assert imagelocality.calculate_priority(1000 * imagelocality.MB, 1) == 100
    assert imagelocality.calculate_priority(500 * imagelocality.MB, 1) == 100 * (477 * imagelocality.MB) // (
        977 * imagelocality.MB
    )
    ni = fw.NodeInfo("n")
    ni.set_node(
        {"metadata": {"name": "n"}, "status": {"allocatable": {"cpu": "4", "memory": "4Gi", "pods": "10"}}},
        lambda _i: 0,
    )
    pi = fw.PodInfo(
        {
            "metadata": {"name": "p"},
            "spec": {"containers": [{"resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}]},
        }
    )
    assert noderesources.least_allocated(pi, ni) == 75
    assert noderesources.balanced_allocation(pi, ni) == 100


@pytest.mark.parametrize(
    ("nodes", "expect"), [(3, 3), (99, 99), (100, 100), (1000, 420), (5000, 500), (10000, 500), (200, 100)]
)
def test_percentage_of_nodes_to_score(nodes: int, expect: int) -> None:
    assert num_feasible_nodes_to_find(nodes) == expect


def test_same_seed_same_placement() -> None:
    def placements(seed: int) -> list[str]:
        c = Cluster(seed=seed)
        install(c)
        return [_create(c, _pod(f"p{i}"))["spec"]["nodeName"] for i in range(6)]

    assert placements(3) == placements(3)


def test_other_scheduler_names_are_ignored(cluster: Cluster) -> None:
    pod = _create(cluster, _pod("mine", schedulerName="my-scheduler"))
    assert "nodeName" not in pod["spec"] and not _events(cluster, "mine", "FailedScheduling")


def test_trace_names_plugins_and_old_predicates(cluster: Cluster) -> None:
    s: Scheduler = cluster.__dict__["scheduler"]
    _create(cluster, _pod("web"))
    tr = s.trace_for("default", "web")
    assert tr is not None and tr["result"] == "Scheduled"
    master = next(n for n in tr["nodes"] if n["node"] == "k8s-master01")
    taint = next(f for f in master["filters"] if f["plugin"] == "TaintToleration")
    assert taint["predicate"] == "PodToleratesNodeTaints" and taint["reasons"] == [TAINT_MSG]
    worker = next(n for n in tr["nodes"] if n["feasible"])
    plugins = {x["plugin"]: x for x in worker["scores"]}
    assert plugins["NodeResourcesFit"]["priority"] == "LeastRequestedPriority"
    assert plugins["TaintToleration"]["weight"] == 3
    assert worker["total"] == sum(x["weighted"] for x in worker["scores"])
    assert s.trace_for("default", "nope") is None


def test_preemption_evicts_lower_priority_pods(cluster: Cluster) -> None:
    for n in ("k8s-node01", "k8s-node02"):
        _create(cluster, _pod(f"low-{n}", "1500m", nodeSelector={"kubernetes.io/hostname": n}))
    cluster.advance(30)  # the victims are running, so they terminate gracefully
    pod = _create(cluster, _pod("vip", "1500m", priorityClassName="system-cluster-critical"))
    assert _events(cluster, "vip", "FailedScheduling")[0]["message"] == (
        "0/3 nodes are available: 1 " + TAINT_MSG + ", 2 Insufficient cpu."
    )
    nominated = pod["status"]["nominatedNodeName"]
    victim = cluster.api.get("pods", f"low-{nominated}", "default")
    assert victim["metadata"].get("deletionTimestamp")
    assert _cond(victim, "DisruptionTarget")["reason"] == "PreemptionByScheduler"
    pre = _events(cluster, f"low-{nominated}", "Preempted")
    assert pre[0]["message"] == f"Preempted by pod {pod['metadata']['uid']} on node {nominated}"
    cluster.advance(60)
    assert cluster.api.get("pods", "vip", "default")["spec"].get("nodeName") == nominated


def test_preemption_policy_never(cluster: Cluster) -> None:
    _create(cluster, _pod("huge", "1950m", preemptionPolicy="Never"))
    assert _events(cluster, "huge", "FailedScheduling")[0]["message"].endswith(
        "2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."
    )


def test_image_locality_score() -> None:
    img = "registry.k8s.io/nginx-slim:0.8"
    ni = fw.NodeInfo("n")
    node = {
        "metadata": {"name": "n"},
        "status": {
            "allocatable": {"cpu": "2", "memory": "1Gi", "pods": "10"},
            "images": [{"names": [img], "sizeBytes": 500 * imagelocality.MB}],
        },
    }
    ni.set_node(node, lambda _i: 0)
    pi = fw.PodInfo({"metadata": {"name": "p"}, "spec": {"containers": [{"image": img}]}})
    # 500 MiB on 1 of 2 nodes counts as 250 MiB: 100 * (250 - 23) / (1000 - 23).
    assert imagelocality.score(pi, ni, {img: 1}, 2) == 100 * 227 // 977
    short = fw.PodInfo({"metadata": {"name": "p"}, "spec": {"containers": [{"image": "nginx"}]}})
    assert short.images == ["nginx:latest"]
    assert imagelocality.score(short, ni, {img: 1}, 2) == 0


def test_retried_when_a_pod_is_deleted(cluster: Cluster) -> None:
    a = _create(cluster, _pod("a", "1500m"))["spec"]["nodeName"]
    b = _create(cluster, _pod("b", "1500m"))["spec"]["nodeName"]
    assert {a, b} == {"k8s-node01", "k8s-node02"}
    assert "nodeName" not in _create(cluster, _pod("c", "1500m"))["spec"]
    cluster.advance(5)
    cluster.api.delete("pods", "a", "default", grace_period=0)
    cluster.settle()
    assert cluster.api.get("pods", "c", "default")["spec"]["nodeName"] == a
    assert _events(cluster, "c", "Scheduled")[0]["message"] == f"Successfully assigned default/c to {a}"


def _with_claim(name: str, claim: str) -> dict[str, Any]:
    p = _pod(name)
    p["spec"]["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]
    p["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
    return p


def _pvc(name: str, **spec: Any) -> dict[str, Any]:
    # storageClassName "" opts out of the classroom's default (dynamically provisioned) class.
    body = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "storageClassName": ""}
    body.update(spec)
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": "default"},
        "spec": body,
    }


def _local_pv(name: str, node: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": name},
        "spec": {
            "capacity": {"storage": "1Gi"},
            "accessModes": ["ReadWriteOnce"],
            "local": {"path": "/mnt/d"},
            "storageClassName": "local",
            "nodeAffinity": {
                "required": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}
                            ]
                        }
                    ]
                }
            },
        },
    }


NOT_HELPFUL_3 = " preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."


def test_missing_claim_is_a_prefilter_rejection(cluster: Cluster) -> None:
    _create(cluster, _with_claim("db", "data"))
    assert _events(cluster, "db", "FailedScheduling")[0]["message"] == (
        '0/3 nodes are available: persistentvolumeclaim "data" not found.' + NOT_HELPFUL_3
    )


def test_unbound_immediate_claim_then_bound(cluster: Cluster) -> None:
    cluster.api.create(_pvc("data"))
    _create(cluster, _with_claim("db", "data"))
    assert _events(cluster, "db", "FailedScheduling")[0]["message"] == (
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims." + NOT_HELPFUL_3
    )
    cluster.api.create(_local_pv("pv-node02", "k8s-node02"))
    cluster.advance(2)
    pvc = cluster.api.get("persistentvolumeclaims", "data", "default")
    pvc["spec"]["volumeName"] = "pv-node02"
    cluster.api.update(pvc)
    cluster.advance(5)  # retried once its back-off (2 s after the second failure) is over
    assert cluster.api.get("pods", "db", "default")["spec"]["nodeName"] == "k8s-node02"


def test_local_volume_node_affinity_conflict(cluster: Cluster) -> None:
    cluster.api.create(_local_pv("pv-node01", "k8s-node01"))
    cluster.api.create(_pvc("data", volumeName="pv-node01", storageClassName="local"))
    cluster.api.patch("nodes", "k8s-node01", None, {"spec": {"unschedulable": True}})
    _create(cluster, _with_claim("db", "data"))
    assert _events(cluster, "db", "FailedScheduling")[0]["message"] == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "1 node(s) had volume node affinity conflict, 1 node(s) were unschedulable." + NOT_HELPFUL_3
    )


def test_scheduling_gates_hold_the_pod(cluster: Cluster) -> None:
    s: Scheduler = cluster.__dict__["scheduler"]
    pod = _create(cluster, _pod("gated", schedulingGates=[{"name": "example.com/wait"}]))
    assert "nodeName" not in pod["spec"] and not _events(cluster, "gated", "FailedScheduling")
    assert ("default", "gated") not in s.sched_queue
