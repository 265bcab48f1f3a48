"""kubectl cordon / uncordon / drain / taint against the simulated cluster, with kubectl v1.32's messages
(pkg/cmd/drain, pkg/drain filters, pkg/cmd/taint); offline-checkable errors are compared with the real
binary when it is installed."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.controllers import nodelifecycle
from k8stutor.engine.scheduler.scheduler import install as install_scheduler
from k8stutor.kubectl.commands import nodes
from k8stutor.kubectl.main import Kubectl
from k8stutor.kubectl.result import Result


class Env:
    def __init__(self) -> None:
        self.c = Cluster()
        install_scheduler(self.c)
        nodelifecycle.install(self.c)
        self.k = Kubectl(self.c)
        self.k.commands.update(
            {"cordon": nodes.cordon, "uncordon": nodes.uncordon, "drain": nodes.drain, "taint": nodes.taint}
        )

    def run(self, *argv: str) -> Result:
        return self.k.run(list(argv))

    def ds_pods(self, node: str) -> list[str]:
        return [
            f"{p['metadata']['namespace']}/{p['metadata']['name']}"
            for p in self.c.api.list_objects("pods", field_selector=f"spec.nodeName={node}")
            if (p["metadata"].get("ownerReferences") or [{}])[0].get("kind") == "DaemonSet"
        ]

    def replicaset(self, name: str, count: int, node: str = "k8s-node01", **spec: Any) -> list[str]:
        rs = self.c.api.create(
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {"name": name, "namespace": "default"},
                "spec": {
                    "replicas": count,
                    "selector": {"matchLabels": {"app": name}},
                    "template": {
                        "metadata": {"labels": {"app": name}},
                        "spec": {"containers": [{"name": "app", "image": "nginx"}]},
                    },
                },
            }
        )
        names = []
        for i in range(count):
            body: dict[str, Any] = {
                "containers": [{"name": "app", "image": "nginx"}],
                "nodeSelector": {"kubernetes.io/hostname": node},
            }
            body.update(spec)
            self.c.api.create(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {
                        "name": f"{name}-{i}",
                        "namespace": "default",
                        "labels": {"app": name},
                        "ownerReferences": [
                            {
                                "apiVersion": "apps/v1",
                                "kind": "ReplicaSet",
                                "name": name,
                                "uid": rs["metadata"]["uid"],
                                "controller": True,
                                "blockOwnerDeletion": True,
                            }
                        ],
                    },
                    "spec": body,
                }
            )
            names.append(f"{name}-{i}")
        self.c.advance(20)
        return names


@pytest.fixture()
def env() -> Env:
    return Env()


def test_cordon_and_uncordon(env: Env) -> None:
    assert env.run("cordon", "k8s-node01").stdout == "node/k8s-node01 cordoned\n"
    assert env.run("cordon", "k8s-node01").stdout == "node/k8s-node01 already cordoned\n"
    assert "k8s-node01     Ready,SchedulingDisabled   <none>" in env.run("get", "nodes").stdout
    assert env.c.api.get("nodes", "k8s-node01")["spec"]["unschedulable"] is True
    assert env.run("uncordon", "k8s-node01").stdout == "node/k8s-node01 uncordoned\n"
    assert env.run("uncordon", "k8s-node01").stdout == "node/k8s-node01 already uncordoned\n"
    assert "unschedulable" not in env.c.api.get("nodes", "k8s-node01")["spec"]


def test_cordon_dry_run_selector_and_errors(env: Env) -> None:
    assert (
        env.run("cordon", "k8s-node02", "--dry-run=client").stdout == "node/k8s-node02 cordoned (dry run)\n"
    )
    assert env.run("cordon", "k8s-node02", "--dry-run=server").stdout == (
        "node/k8s-node02 cordoned (server dry run)\n"
    )
    assert not env.c.api.get("nodes", "k8s-node02")["spec"].get("unschedulable")
    out = env.run("cordon", "-l", "kubernetes.io/os=linux").stdout
    assert out == "node/k8s-master01 cordoned\nnode/k8s-node01 cordoned\nnode/k8s-node02 cordoned\n"
    r = env.run("cordon", "nope")
    assert (r.stderr, r.exit_code) == ('Error from server (NotFound): nodes "nope" not found\n', 1)


def test_drain_refuses_daemonset_pods(env: Env) -> None:
    r = env.run("drain", "k8s-node01")
    ds = ", ".join(env.ds_pods("k8s-node01"))
    assert ds.startswith("kube-flannel/kube-flannel-ds-") and ", kube-system/kube-proxy-" in ds
    err = f"cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {ds}"
    assert r.stdout == "node/k8s-node01 cordoned\n"
    assert r.stderr == (
        f'error: unable to drain node "k8s-node01" due to error: {err}, continuing command...\n'
        "There are pending nodes to be drained:\n k8s-node01\n" + err + "\n"
    )
    assert r.exit_code == 1


def test_drain_evicts_and_waits(env: Env) -> None:
    pods = env.replicaset("web", 2)
    r = env.run("drain", "k8s-node01", "--ignore-daemonsets")
    assert r.stderr == f"Warning: ignoring DaemonSet-managed Pods: {', '.join(env.ds_pods('k8s-node01'))}\n"
    assert r.stdout == (
        "node/k8s-node01 cordoned\n"
        + "".join(f"evicting pod default/{p}\n" for p in pods)
        + "".join(f"pod/{p} evicted\n" for p in pods)
        + "node/k8s-node01 drained\n"
    )
    assert r.exit_code == 0
    left = env.c.api.list_objects("pods", "default", field_selector="spec.nodeName=k8s-node01")
    assert left == []


def test_drain_unmanaged_pod_needs_force(env: Env) -> None:
    env.c.api.create(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "bare", "namespace": "default"},
            "spec": {"nodeName": "k8s-node01", "containers": [{"name": "app", "image": "nginx"}]},
        }
    )
    env.c.advance(10)
    r = env.run("drain", "k8s-node01", "--ignore-daemonsets")
    err = "cannot delete Pods declare no controller (use --force to override): default/bare"
    assert r.stderr == (
        f'error: unable to drain node "k8s-node01" due to error: {err}, continuing command...\n'
        "There are pending nodes to be drained:\n k8s-node01\n" + err + "\n"
    )
    r = env.run("drain", "k8s-node01", "--ignore-daemonsets", "--force", "--grace-period=0")
    assert r.stdout == (
        "node/k8s-node01 already cordoned\nevicting pod default/bare\npod/bare evicted\n"
        "node/k8s-node01 drained\n"
    )
    assert r.stderr.startswith(
        "Warning: deleting Pods that declare no controller: default/bare; ignoring DaemonSet-managed Pods: "
    )


def test_drain_local_storage(env: Env) -> None:
    (pod,) = env.replicaset("cache", 1, volumes=[{"name": "tmp", "emptyDir": {}}])
    r = env.run("drain", "k8s-node01", "--ignore-daemonsets")
    assert (
        f"cannot delete Pods with local storage (use --delete-emptydir-data to override): default/{pod}"
        in r.stderr
    )
    r = env.run("drain", "k8s-node01", "--ignore-daemonsets", "--delete-emptydir-data")
    assert r.exit_code == 0 and f"pod/{pod} evicted\n" in r.stdout


def test_drain_blocked_by_a_pod_disruption_budget(env: Env) -> None:
    (pod,) = env.replicaset("db", 1)
    pdb = env.c.api.create(
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": {"name": "db", "namespace": "default"},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "db"}}},
        }
    )
    pdb = env.c.api.get("poddisruptionbudgets.policy", "db", "default")
    pdb["status"] = {
        "currentHealthy": 1,
        "desiredHealthy": 1,
        "disruptionsAllowed": 0,
        "expectedPods": 1,
        "observedGeneration": 1,
    }
    env.c.api.update_status(pdb)
    r = env.run("drain", "k8s-node01", "--ignore-daemonsets", "--timeout=12s")
    retry = (
        f'error when evicting pods/"{pod}" -n "default" (will retry after 5s): Cannot evict pod as it would '
        "violate the pod's disruption budget.\n"
    )
    # Attempts at 0, 5 and 10 s are refused; the retry at 15 s finds the 12 s timeout passed.
    assert r.stdout.count(f"evicting pod default/{pod}\n") == 4
    assert r.stderr.count(retry) == 3
    final = f'error when evicting pods/"{pod}" -n "default": global timeout reached: 12s'
    assert r.stderr.endswith("There are pending nodes to be drained:\n k8s-node01\n" + final + "\n")
    assert (
        f'There are pending pods in node "k8s-node01" when an error occurred: {final}\npod/{pod}\n'
        in r.stderr
    )
    assert r.exit_code == 1


def test_drain_dry_run_client(env: Env) -> None:
    pods = env.replicaset("web", 1)
    r = env.run("drain", "k8s-node01", "--ignore-daemonsets", "--dry-run=client")
    assert r.stdout == (
        f"node/k8s-node01 cordoned (dry run)\nevicting pod default/{pods[0]} (dry run)\n"
        "node/k8s-node01 drained (dry run)\n"
    )
    assert not env.c.api.get("nodes", "k8s-node01")["spec"].get("unschedulable")


def test_drain_usage_errors(env: Env) -> None:
    assert (
        env.run("drain").stderr
        == "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n"
    )
    assert env.run("drain", "k8s-node01", "-l", "a=b").stderr == (
        "error: cannot specify both a node name and a --selector option\nSee 'kubectl drain -h' for help and "
        "examples\n"
    )


def test_taint_add_overwrite_remove(env: Env) -> None:
    assert env.run("taint", "nodes", "k8s-node01", "dedicated=special:NoSchedule").stdout == (
        "node/k8s-node01 tainted\n"
    )
    assert env.c.api.get("nodes", "k8s-node01")["spec"]["taints"] == [
        {"effect": "NoSchedule", "key": "dedicated", "value": "special"}
    ]
    r = env.run("taint", "nodes", "k8s-node01", "dedicated=other:NoSchedule")
    assert (r.stderr, r.exit_code) == (
        "error: node k8s-node01 already has dedicated taint(s) with same effect(s) and --overwrite is false\n",
        1,
    )
    assert env.run("taint", "nodes", "k8s-node01", "dedicated=other:NoSchedule", "--overwrite").stdout == (
        "node/k8s-node01 modified\n"
    )
    assert (
        env.run("taint", "node", "k8s-node01", "dedicated:NoSchedule-").stdout
        == "node/k8s-node01 untainted\n"
    )
    assert env.run("taint", "node", "k8s-node01", "dedicated:NoSchedule-").stderr == (
        'error: taint "dedicated:NoSchedule" not found\n'
    )
    env.run("taint", "nodes", "k8s-node01", "a=1:NoSchedule", "a=1:PreferNoSchedule")
    assert env.run("taint", "nodes", "k8s-node01", "a-").stdout == "node/k8s-node01 untainted\n"
    assert "taints" not in env.c.api.get("nodes", "k8s-node01")["spec"]


def test_taint_new_taints_go_first(env: Env) -> None:
    env.run("taint", "nodes", "k8s-master01", "gpu=yes:PreferNoSchedule")
    taints = env.c.api.get("nodes", "k8s-master01")["spec"]["taints"]
    assert [t["key"] for t in taints] == ["gpu", "node-role.kubernetes.io/control-plane"]
    assert (
        env.run("taint", "nodes", "k8s-master01", "node-role.kubernetes.io/control-plane:NoSchedule-").stdout
        == "node/k8s-master01 untainted\n"
    )


def test_taint_changes_scheduling_and_no_execute_evicts(env: Env) -> None:
    env.run("taint", "nodes", "k8s-node01", "maint=yes:NoSchedule")
    for i in range(3):
        env.c.api.create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"p{i}", "namespace": "default"},
                "spec": {"containers": [{"name": "app", "image": "nginx"}]},
            }
        )
    env.c.settle()
    assert {env.c.api.get("pods", f"p{i}", "default")["spec"]["nodeName"] for i in range(3)} == {"k8s-node02"}
    env.c.advance(20)
    env.run("taint", "nodes", "k8s-node02", "evict=now:NoExecute")
    env.c.settle()
    assert env.c.api.get("pods", "p0", "default")["metadata"].get("deletionTimestamp")
    msgs = [
        e["message"]
        for e in env.c.api.list_objects("events", "default")
        if e["reason"] == "TaintManagerEviction"
    ]
    assert "Marking for deletion Pod default/p0" in msgs


TAINT_ERRORS = [
    ["taint", "nodes", "k8s-node01", "dedicated=x:Bad"],
    ["taint", "nodes", "k8s-node01", "dedicated=special"],
    ["taint", "nodes", "k8s-node01", "a=b:NoSchedule", "a=c:NoSchedule"],
    ["taint", "nodes", "k8s-node01"],
    ["taint", "nodes", "k8s-node01", "a=b:NoSchedule", "bar"],
    ["taint", "a=b:NoSchedule"],
    ["cordon"],
]


@pytest.mark.parametrize("argv", TAINT_ERRORS, ids=lambda a: " ".join(a))
def test_errors_match_real_kubectl(env: Env, argv: list[str]) -> None:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl not installed")
    real = subprocess.run(
        ["kubectl", *argv],
        capture_output=True,
        text=True,
        timeout=20,
        env={"KUBECONFIG": "/dev/null", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    ours = env.run(*argv)
    assert (ours.stderr, ours.exit_code) == (real.stderr, real.returncode)


def test_taint_validation_messages(env: Env) -> None:
    assert env.run("taint", "pods", "x", "a=b:NoSchedule").stderr == (
        'error: invalid resource type pods, only ["node" "nodes"] are supported\n'
    )
    assert env.run("taint", "nodes", "k8s-node01", "a=b:NoSchedule", "a-").stderr == (
        "error: can not both modify and remove the following taint(s) in the same command: a=\n"
    )
    assert env.run("taint", "nodes", "a=b:NoSchedule").stderr == (
        "error: at least one resource name must be specified since 'all' parameter is not set\n"
    )
    assert env.run("taint", "nodes", "--all", "x=y:PreferNoSchedule").stdout == (
        "node/k8s-master01 tainted\nnode/k8s-node01 tainted\nnode/k8s-node02 tainted\n"
    )


def test_drain_times_out_on_a_dead_node(env: Env) -> None:
    (pod,) = env.replicaset("web", 1)
    env.c.node_power("k8s-node01", False)  # nobody confirms the termination
    r = env.run("drain", "k8s-node01", "--ignore-daemonsets", "--timeout=5s")
    assert r.stdout == f"node/k8s-node01 cordoned\nevicting pod default/{pod}\n"
    err = f'error when waiting for pod "{pod}" in namespace "default" to terminate: context deadline exceeded'
    assert (
        f'There are pending pods in node "k8s-node01" when an error occurred: {err}\npod/{pod}\n' in r.stderr
    )
    assert r.stderr.endswith(
        f'error: unable to drain node "k8s-node01" due to error: {err}, continuing command...\n'
        f"There are pending nodes to be drained:\n k8s-node01\n{err}\n"
    )
    assert r.exit_code == 1


def test_drain_skip_wait_for_delete_timeout(env: Env) -> None:
    (pod,) = env.replicaset("web", 1)
    env.c.node_power("k8s-node01", False)
    r = env.run("drain", "k8s-node01", "--ignore-daemonsets", "--skip-wait-for-delete-timeout=10")
    assert r.stdout == (
        f"node/k8s-node01 cordoned\nevicting pod default/{pod}\n"
        f'pod "{pod}" has DeletionTimestamp older than 10 seconds, skipping\nnode/k8s-node01 drained\n'
    )
    # The skipped pod is still Terminating; a second drain no longer waits for it.
    r = env.run("drain", "k8s-node01", "--ignore-daemonsets", "--skip-wait-for-delete-timeout=10")
    assert r.stdout == "node/k8s-node01 already cordoned\nnode/k8s-node01 drained\n"
