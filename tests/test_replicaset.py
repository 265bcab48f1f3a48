"""ReplicaSet / ReplicationController controller: pod creation, adoption, release, replacement, scale-down
ranking and status, checked against the real controller's behaviour (pkg/controller/replicaset, FIDELITY §3.3,
§4)."""

from __future__ import annotations

import re

import fake_kubelet
import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.controllers import replicaset
from k8stutor.engine.controllers.hashing import compute_hash, fnv1a_32, safe_encode_string
from k8stutor.engine.controllers.replicaset import rank_pods_for_deletion
from k8stutor.engine.timeutil import rfc3339

RAND5 = r"[bcdfghjklmnpqrstvwxz2456789]{5}"


def rs_obj(name: str = "web", replicas: int = 3, labels: dict | None = None, mrs: int = 0) -> dict:
    labels = labels or {"app": name}
    spec: dict = {
        "replicas": replicas,
        "selector": {"matchLabels": dict(labels)},
        "template": {
            "metadata": {"labels": dict(labels)},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]},
        },
    }
    if mrs:
        spec["minReadySeconds"] = mrs
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": spec,
    }


def bare_pod(name: str, labels: dict) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]},
    }


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(seed=1)
    replicaset.install(c)
    return c


def pods_of(c: Cluster, owner_uid: str) -> list[dict]:
    out = []
    for p in c.api.list_objects("pods", "default"):
        for r in p["metadata"].get("ownerReferences") or ():
            if r.get("uid") == owner_uid and r.get("controller"):
                out.append(p)
    return out


def events(c: Cluster, name: str) -> list[tuple[str, str, str]]:
    return [
        (e["source"]["component"], e["reason"], e["message"])
        for e in c.api.list_objects("events", "default")
        if e["involvedObject"]["name"] == name
    ]


# ---- hashing (FIDELITY §4) -------------------------------------------------------------------------------


def test_safe_encode_maps_decimal_digits_like_apimachinery() -> None:
    assert safe_encode_string("0123456789") == "456789bcdf"


def test_fnv1a_32_known_vectors() -> None:
    # Standard FNV-1a 32-bit test vectors.
    assert fnv1a_32(b"") == 0x811C9DC5
    assert fnv1a_32(b"a") == 0xE40C292C
    assert fnv1a_32(b"foobar") == 0xBF9CF968


def test_compute_hash_shape_and_collision_count() -> None:
    t = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "n", "image": "nginx"}]}}
    h = compute_hash(t)
    assert re.fullmatch(r"[456789bcdf]{1,10}", h)
    assert compute_hash(t) == h
    assert compute_hash(t, 1) != h


def test_compute_hash_agrees_with_bootstrap_coredns_replicaset() -> None:
    c = Cluster()
    dep = c.api.get("deployments.apps", "coredns", "kube-system")
    names = [r["metadata"]["name"] for r in c.api.list_objects("replicasets.apps", "kube-system")]
    assert f"coredns-{compute_hash(dep['spec']['template'])}" in names


# ---- creation, events, ownership -------------------------------------------------------------------------


def test_creates_pods_with_generate_name_owner_refs_and_events(cluster: Cluster) -> None:
    rs = cluster.api.create(rs_obj())
    cluster.settle()
    pods = pods_of(cluster, rs["metadata"]["uid"])
    assert len(pods) == 3
    for p in pods:
        assert re.fullmatch(r"web-" + RAND5, p["metadata"]["name"])
        assert p["metadata"]["generateName"] == "web-"
        assert p["metadata"]["labels"] == {"app": "web"}
        assert p["metadata"]["ownerReferences"] == [
            {
                "apiVersion": "apps/v1",
                "blockOwnerDeletion": True,
                "controller": True,
                "kind": "ReplicaSet",
                "name": "web",
                "uid": rs["metadata"]["uid"],
            }
        ]
    evs = events(cluster, "web")
    assert sorted(m for _, _, m in evs) == sorted(f"Created pod: {p['metadata']['name']}" for p in pods)
    assert {(src, reason) for src, reason, _ in evs} == {("replicaset-controller", "SuccessfulCreate")}
    st = cluster.api.get("replicasets.apps", "web", "default")["status"]
    assert st == {"replicas": 3, "fullyLabeledReplicas": 3, "observedGeneration": 1}


def test_deleted_pod_is_replaced(cluster: Cluster) -> None:
    rs = cluster.api.create(rs_obj(replicas=2))
    cluster.settle()
    victim = pods_of(cluster, rs["metadata"]["uid"])[0]["metadata"]["name"]
    cluster.api.delete("pods", victim, "default")
    cluster.settle()
    names = {p["metadata"]["name"] for p in pods_of(cluster, rs["metadata"]["uid"])}
    assert len(names) == 2 and victim not in names


def test_orphan_with_matching_labels_is_adopted(cluster: Cluster) -> None:
    cluster.api.create(bare_pod("lonely", {"app": "web"}))
    rs = cluster.api.create(rs_obj(replicas=2))
    cluster.settle()
    pods = pods_of(cluster, rs["metadata"]["uid"])
    assert len(pods) == 2
    assert "lonely" in {p["metadata"]["name"] for p in pods}
    assert len(cluster.api.list_objects("pods", "default")) == 2


def test_relabelled_pod_is_released_and_replaced(cluster: Cluster) -> None:
    rs = cluster.api.create(rs_obj(replicas=2))
    cluster.settle()
    name = pods_of(cluster, rs["metadata"]["uid"])[0]["metadata"]["name"]
    cluster.api.patch("pods", name, "default", {"metadata": {"labels": {"app": "debug"}}}, "merge")
    cluster.settle()
    released = cluster.api.get("pods", name, "default")
    assert "ownerReferences" not in released["metadata"]
    assert len(pods_of(cluster, rs["metadata"]["uid"])) == 2
    assert len(cluster.api.list_objects("pods", "default")) == 3


def test_scale_down_deletes_and_records_successful_delete(cluster: Cluster) -> None:
    cluster.api.create(rs_obj(replicas=3))
    cluster.settle()
    cluster.api.patch("replicasets.apps", "web", "default", {"spec": {"replicas": 1}}, "merge")
    cluster.settle()
    assert len(cluster.api.list_objects("pods", "default")) == 1
    deleted = [m for _, r, m in events(cluster, "web") if r == "SuccessfulDelete"]
    assert len(deleted) == 2 and all(m.startswith("Deleted pod: web-") for m in deleted)


def test_ranking_prefers_unscheduled_then_pending_then_not_ready() -> None:
    now = 1_000_000.0

    def pod(
        name: str, node: str = "", phase: str = "Pending", ready: bool = False, created: float = 0
    ) -> dict:
        conds = [
            {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": rfc3339(created)}
        ]
        spec = {"nodeName": node} if node else {}
        return {
            "metadata": {"name": name, "uid": name, "creationTimestamp": rfc3339(created)},
            "spec": spec,
            "status": {"phase": phase, "conditions": conds},
        }

    running_ready = pod("running-ready", "n1", "Running", True, now - 1000)
    running_not_ready = pod("running-not-ready", "n1", "Running", False, now - 1000)
    pending = pod("pending", "n1", "Pending", False, now - 1000)
    unscheduled = pod("unscheduled", "", "Pending", False, now - 1000)
    unknown = pod("unknown", "n1", "Unknown", False, now - 1000)
    pods = [running_ready, running_not_ready, unknown, pending, unscheduled]
    order = [p["metadata"]["name"] for p in rank_pods_for_deletion(pods, pods, now)]
    assert order == ["unscheduled", "pending", "unknown", "running-not-ready", "running-ready"]


def test_ranking_newer_ready_pods_go_first() -> None:
    now = 1_000_000.0

    def pod(name: str, age: float) -> dict:
        t = rfc3339(now - age)
        return {
            "metadata": {"name": name, "uid": name, "creationTimestamp": t},
            "spec": {"nodeName": "n1"},
            "status": {
                "phase": "Running",
                "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": t}],
            },
        }

    old, new = pod("old", 86400), pod("new", 10)
    assert [p["metadata"]["name"] for p in rank_pods_for_deletion([old, new], [old, new], now)] == [
        "new",
        "old",
    ]


def test_status_ready_and_available_with_min_ready_seconds(cluster: Cluster) -> None:
    fake_kubelet.install(cluster, start_delay=1)
    cluster.api.create(rs_obj(replicas=2, mrs=10))
    cluster.advance(2)
    st = cluster.api.get("replicasets.apps", "web", "default")["status"]
    assert st["readyReplicas"] == 2 and "availableReplicas" not in st
    cluster.advance(10)
    st = cluster.api.get("replicasets.apps", "web", "default")["status"]
    assert st["availableReplicas"] == 2


def test_replication_controller_uses_map_selector_and_own_component(cluster: Cluster) -> None:
    rc = cluster.api.create(
        {
            "apiVersion": "v1",
            "kind": "ReplicationController",
            "metadata": {"name": "old", "namespace": "default"},
            "spec": {
                "replicas": 2,
                "template": {
                    "metadata": {"labels": {"app": "old"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                },
            },
        }
    )
    cluster.settle()
    pods = pods_of(cluster, rc["metadata"]["uid"])
    assert len(pods) == 2
    assert pods[0]["metadata"]["ownerReferences"][0]["kind"] == "ReplicationController"
    assert {src for src, _, _ in events(cluster, "old")} == {"replication-controller"}
