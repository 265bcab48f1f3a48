"""DaemonSet controller: one pod per eligible node, taints, node changes, rolling update, bootstrap adoption."""

from __future__ import annotations

from fake_kubelet_k import install as install_kubelet

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.controllers import daemonset
from k8stutor.engine.controllers.history import compute_hash
from k8stutor.engine.presets import get_preset, node_object


def _fluentd(tolerate_master: bool = False) -> dict:
    spec: dict = {
        "containers": [{"name": "fluentd", "image": "quay.io/fluentd_elasticsearch/fluentd:v2.5.2"}]
    }
    if tolerate_master:
        spec["tolerations"] = [
            {"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}
        ]
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "fluentd-elasticsearch", "namespace": "kube-system"},
        "spec": {
            "selector": {"matchLabels": {"name": "fluentd-elasticsearch"}},
            "template": {"metadata": {"labels": {"name": "fluentd-elasticsearch"}}, "spec": spec},
        },
    }


def _setup() -> Cluster:
    c = Cluster()
    daemonset.install(c)
    install_kubelet(c)
    return c


def _pods(c: Cluster) -> list[dict]:
    return c.api.list_objects("pods", "kube-system", label_selector="name=fluentd-elasticsearch")


def test_bootstrap_daemonsets_are_adopted_without_writes() -> None:
    c = Cluster()
    rv = c.store.revision
    daemonset.install(c)
    c.settle()
    assert c.store.revision == rv
    for ds in c.api.list_objects("daemonsets.apps"):
        rev = [
            r
            for r in c.api.list_objects("controllerrevisions.apps", ds["metadata"]["namespace"])
            if r["metadata"]["name"].startswith(ds["metadata"]["name"] + "-")
        ]
        assert rev[0]["metadata"]["labels"]["controller-revision-hash"] == compute_hash(
            ds["spec"]["template"]
        )


def test_master_is_skipped_without_toleration() -> None:
    c = _setup()
    c.api.create(_fluentd())
    c.settle()
    nodes = sorted(p["spec"]["nodeName"] for p in _pods(c))
    assert nodes == ["k8s-node01", "k8s-node02"]
    st = c.api.get("daemonsets.apps", "fluentd-elasticsearch", "kube-system")["status"]
    assert (st["desiredNumberScheduled"], st["currentNumberScheduled"], st["numberReady"]) == (2, 2, 2)
    assert st["updatedNumberScheduled"] == 2 and st["numberAvailable"] == 2


def test_toleration_puts_a_pod_on_the_master_and_pods_carry_affinity_and_default_tolerations() -> None:
    c = _setup()
    c.api.create(_fluentd(tolerate_master=True))
    c.settle()
    pods = _pods(c)
    assert sorted(p["spec"]["nodeName"] for p in pods) == ["k8s-master01", "k8s-node01", "k8s-node02"]
    pod = pods[0]
    term = pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
        "nodeSelectorTerms"
    ][0]
    assert term["matchFields"] == [
        {"key": "metadata.name", "operator": "In", "values": [pod["spec"]["nodeName"]]}
    ]
    keys = [t.get("key") for t in pod["spec"]["tolerations"]]
    assert keys == [
        "node-role.kubernetes.io/control-plane",
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
        "node.kubernetes.io/disk-pressure",
        "node.kubernetes.io/memory-pressure",
        "node.kubernetes.io/pid-pressure",
        "node.kubernetes.io/unschedulable",
    ]
    assert pod["metadata"]["labels"]["pod-template-generation"] == "1"
    assert pod["metadata"]["name"].startswith("fluentd-elasticsearch-")


def test_new_node_gets_a_pod_and_removed_node_loses_it() -> None:
    c = _setup()
    c.api.create(_fluentd())
    c.settle()
    spec = get_preset("classroom").nodes[1]
    node = node_object(spec, 3, "2026-12-01T09:00:00Z", "2026-12-01T09:00:00Z")
    node["metadata"]["name"] = "k8s-node03"
    node["metadata"]["labels"]["kubernetes.io/hostname"] = "k8s-node03"
    c.api.create(node)
    c.settle()
    assert sorted(p["spec"]["nodeName"] for p in _pods(c)) == ["k8s-node01", "k8s-node02", "k8s-node03"]
    c.api.delete("nodes", "k8s-node03")
    c.settle()
    assert sorted(p["spec"]["nodeName"] for p in _pods(c)) == ["k8s-node01", "k8s-node02"]


def test_node_selector_limits_nodes() -> None:
    c = _setup()
    ds = _fluentd()
    ds["spec"]["template"]["spec"]["nodeSelector"] = {"kubernetes.io/hostname": "k8s-node02"}
    c.api.create(ds)
    c.settle()
    assert [p["spec"]["nodeName"] for p in _pods(c)] == ["k8s-node02"]


def test_rolling_update_replaces_one_node_at_a_time_with_events() -> None:
    c = _setup()
    kubelet = [x for x in c.controllers if x.name == "fake-kubelet"][0]
    c.api.create(_fluentd())
    c.settle()
    ds = c.api.get("daemonsets.apps", "fluentd-elasticsearch", "kube-system")
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "fluentd:v3"
    kubelet.paused = True  # terminating pods stay until the kubelet finalizes them
    c.api.update(ds)
    c.settle()
    terminating = [p for p in _pods(c) if p["metadata"].get("deletionTimestamp")]
    assert len(terminating) == 1  # maxUnavailable 1
    kubelet.paused = False
    for p in _pods(c):
        kubelet.queue.add(("pods", "kube-system", p["metadata"]["name"]))
    c.settle()
    images = [p["spec"]["containers"][0]["image"] for p in _pods(c)]
    assert images == ["fluentd:v3", "fluentd:v3"]
    revs = [
        r
        for r in c.api.list_objects("controllerrevisions.apps", "kube-system")
        if r["metadata"]["name"].startswith("fluentd-elasticsearch-")
    ]
    assert sorted(r["revision"] for r in revs) == [1, 2]
    msgs = [
        e["reason"]
        for e in c.api.list_objects("events", "kube-system")
        if e["involvedObject"]["name"] == "fluentd-elasticsearch"
    ]
    assert msgs.count("SuccessfulDelete") == 2


def test_on_delete_strategy_keeps_old_pods() -> None:
    c = _setup()
    ds = _fluentd()
    ds["spec"]["updateStrategy"] = {"type": "OnDelete"}
    c.api.create(ds)
    c.settle()
    ds = c.api.get("daemonsets.apps", "fluentd-elasticsearch", "kube-system")
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "fluentd:v3"
    c.api.update(ds)
    c.settle()
    assert {p["spec"]["containers"][0]["image"] for p in _pods(c)} == {
        "quay.io/fluentd_elasticsearch/fluentd:v2.5.2"
    }
    st = c.api.get("daemonsets.apps", "fluentd-elasticsearch", "kube-system")["status"]
    assert "updatedNumberScheduled" not in st
