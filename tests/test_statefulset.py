"""StatefulSet controller: ordered creation, PVCs, scale down in reverse, rolling update with partition."""

from __future__ import annotations

from fake_kubelet_k import install as install_kubelet

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.controllers import statefulset


def _web(replicas: int = 3, **spec: object) -> dict:
    body = {
        "serviceName": "nginx",
        "replicas": replicas,
        "selector": {"matchLabels": {"app": "nginx"}},
        "template": {
            "metadata": {"labels": {"app": "nginx"}},
            "spec": {
                "containers": [
                    {
                        "name": "nginx",
                        "image": "registry.k8s.io/nginx-slim:0.24",
                        "ports": [{"containerPort": 80, "name": "web"}],
                    }
                ]
            },
        },
        "volumeClaimTemplates": [
            {
                "metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
            }
        ],
    }
    body.update(spec)
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"}, "spec": body}


def _setup(ready: bool = True) -> tuple[Cluster, object]:
    c = Cluster()
    statefulset.install(c)
    k = install_kubelet(c, ready=ready)
    return c, k


def _names(c: Cluster) -> list[str]:
    return sorted(
        p["metadata"]["name"]
        for p in c.api.list_objects("pods", "default")
        if not p["metadata"].get("deletionTimestamp")
    )


def test_ordered_ready_waits_for_each_pod() -> None:
    c, k = _setup(ready=False)
    c.api.create(_web())
    c.settle()
    assert _names(c) == ["web-0"]  # web-1 waits for web-0 to be Running and Ready
    k.ready = True  # type: ignore[attr-defined]
    c.api.delete("pods", "web-0")
    c.settle()
    assert _names(c) == ["web-0", "web-1", "web-2"]


def test_pods_labels_hostname_subdomain_and_claims() -> None:
    c, _ = _setup()
    c.api.create(_web())
    c.settle()
    pod = c.api.get("pods", "web-1")
    labels = pod["metadata"]["labels"]
    sts = c.api.get("statefulsets.apps", "web")
    assert labels["statefulset.kubernetes.io/pod-name"] == "web-1"
    assert labels["apps.kubernetes.io/pod-index"] == "1"
    assert labels["controller-revision-hash"] == sts["status"]["updateRevision"]
    assert sts["status"]["updateRevision"].startswith("web-")
    assert pod["spec"]["hostname"] == "web-1" and pod["spec"]["subdomain"] == "nginx"
    vol = [v for v in pod["spec"]["volumes"] if v["name"] == "www"][0]
    assert vol["persistentVolumeClaim"] == {"claimName": "www-web-1"}
    pvcs = sorted(p["metadata"]["name"] for p in c.api.list_objects("persistentvolumeclaims", "default"))
    assert pvcs == ["www-web-0", "www-web-1", "www-web-2"]
    assert c.api.get("persistentvolumeclaims", "www-web-0")["metadata"]["labels"] == {"app": "nginx"}
    msgs = [
        e["message"]
        for e in c.api.list_objects("events", "default")
        if e["involvedObject"]["kind"] == "StatefulSet"
    ]
    assert msgs[:2] == [
        "create Claim www-web-0 Pod web-0 in StatefulSet web success",
        "create Pod web-0 in StatefulSet web successful",
    ]
    st = sts["status"]
    assert (st["replicas"], st["readyReplicas"], st["currentReplicas"], st["updatedReplicas"]) == (3, 3, 3, 3)


def test_scale_down_in_reverse_and_claims_survive() -> None:
    c, k = _setup()
    c.api.create(_web(5))
    c.settle()
    k.paused = True  # type: ignore[attr-defined]
    sts = c.api.get("statefulsets.apps", "web")
    sts["spec"]["replicas"] = 2
    c.api.update(sts)
    c.settle()
    deleting = [
        p["metadata"]["name"]
        for p in c.api.list_objects("pods", "default")
        if p["metadata"].get("deletionTimestamp")
    ]
    assert deleting == ["web-4"]
    k.paused = False  # type: ignore[attr-defined]
    k.queue.add(("pods", "default", "web-4"))  # type: ignore[attr-defined]
    c.settle()
    assert _names(c) == ["web-0", "web-1"]
    assert len(c.api.list_objects("persistentvolumeclaims", "default")) == 5


def test_rolling_update_with_partition() -> None:
    c, _ = _setup()
    c.api.create(_web(3, updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}))
    c.settle()
    sts = c.api.get("statefulsets.apps", "web")
    old_rev = sts["status"]["currentRevision"]
    sts["spec"]["template"]["spec"]["containers"][0]["image"] = "registry.k8s.io/nginx-slim:0.21"
    c.api.update(sts)
    c.settle()
    images = {
        p["metadata"]["name"]: p["spec"]["containers"][0]["image"]
        for p in c.api.list_objects("pods", "default")
    }
    assert images == {
        "web-0": "registry.k8s.io/nginx-slim:0.24",
        "web-1": "registry.k8s.io/nginx-slim:0.24",
        "web-2": "registry.k8s.io/nginx-slim:0.21",
    }
    st = c.api.get("statefulsets.apps", "web")["status"]
    assert st["currentRevision"] == old_rev != st["updateRevision"]
    assert st["updatedReplicas"] == 1 and st["currentReplicas"] == 2
    revs = sorted(r["revision"] for r in c.api.list_objects("controllerrevisions.apps", "default"))
    assert revs == [1, 2]


def test_parallel_creates_all_at_once() -> None:
    c, _ = _setup(ready=False)
    c.api.create(_web(4, podManagementPolicy="Parallel"))
    c.settle()
    assert _names(c) == ["web-0", "web-1", "web-2", "web-3"]
