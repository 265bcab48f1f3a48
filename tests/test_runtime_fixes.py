"""Runtime/kubelet fidelity: adopted bootstrap pods have live containers, mirror pods come back, CPU limits
throttle, `nginx -v`, and the course app in the private registry."""

from __future__ import annotations

import base64
import json
import re

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.kubelet import install
from k8stutor.engine.runtime.crictl import crictl
from k8stutor.engine.runtime.metrics import container_usage
from k8stutor.kubectl.commands.containers import COMMANDS
from k8stutor.kubectl.main import Kubectl


@pytest.fixture(scope="module")
def boot():
    """One freshly bootstrapped classroom cluster, only read by the tests using it."""
    c = Cluster()
    install(c)
    k = Kubectl(c)
    k.commands.update(COMMANDS)
    return c, k


@pytest.fixture()
def env():
    c = Cluster()
    install(c)
    k = Kubectl(c)
    k.commands.update(COMMANDS)
    return c, k


def run(k, *argv, stdin=b""):
    return k.run(list(argv), stdin)


def system_pod(c, prefix, node, ns="kube-system"):
    for p in c.api.list_objects("pods", ns):
        if p["metadata"]["name"].startswith(prefix) and p["spec"].get("nodeName") == node:
            return p
    raise AssertionError(prefix)


def create_on(c, k, manifest, node="k8s-node01"):
    r = run(k, "create", "-f", "-", stdin=json.dumps(manifest).encode())
    assert r.exit_code == 0, r.stderr
    c.api.bind("default", manifest["metadata"]["name"], node)
    c.settle()


def test_crictl_ps_lists_the_bootstrap_containers(boot):
    c, _ = boot
    master = crictl(c, "k8s-master01", ["ps"])
    names = {re.split(r"\s{3,}", line)[4] for line in master.splitlines()[1:]}
    assert {
        "etcd",
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "kube-proxy",
        "kube-flannel",
        "coredns",
    } <= names
    node = crictl(c, "k8s-node01", ["ps"])
    assert {re.split(r"\s{3,}", line)[4] for line in node.splitlines()[1:]} == {"kube-proxy", "kube-flannel"}
    # The runtime containers are the ones the pod status names (containerID and startedAt untouched).
    etcd = c.api.peek("pods", "etcd-k8s-master01", "kube-system")
    st = etcd["status"]["containerStatuses"][0]
    cid = st["containerID"].removeprefix("containerd://")
    row = [line for line in master.splitlines() if "   etcd   " in line][0]
    assert row.startswith(cid[:13] + "   ")
    assert st["restartCount"] == 0 and st["state"]["running"]["startedAt"] == etcd["status"]["startTime"]


def test_adoption_keeps_bootstrap_status_fields(boot):
    c, _ = boot
    for p in c.api.list_objects("pods", "kube-system"):
        for st in p["status"]["containerStatuses"]:
            assert st["ready"] is True and st["restartCount"] == 0 and "running" in st["state"]


def test_exec_and_logs_in_bootstrap_pods(boot):
    c, k = boot
    flannel = system_pod(c, "kube-flannel-ds-", "k8s-node01", "kube-flannel")["metadata"]["name"]
    r = run(k, "exec", "-n", "kube-flannel", flannel, "-c", "kube-flannel", "--", "echo", "hi")
    assert (r.stdout, r.exit_code) == ("hi\n", 0), r.stderr
    r = run(k, "exec", "-n", "kube-system", "etcd-k8s-master01", "--", "etcdctl", "version")
    assert 'container not found ("etcd")' not in r.stderr
    proxy = system_pod(c, "kube-proxy-", "k8s-node01")["metadata"]["name"]
    log = run(k, "logs", "-n", "kube-system", proxy).stdout
    lines = log.splitlines()
    assert lines[0].endswith('1 server_linux.go:66] "Using iptables proxy"')
    assert 'IPs=["192.168.66.20"]' in log  # hostNetwork: the node's address
    assert "Caches populated for *v1.Service" in log
    assert "Caches are synced for endpoint slice config" in lines[-1]
    assert (
        '"msg":"ready to serve client requests"'
        in run(k, "logs", "-n", "kube-system", "etcd-k8s-master01").stdout
    )
    api_log = run(k, "logs", "-n", "kube-system", "kube-apiserver-k8s-master01").stdout
    assert "Serving securely on [::]:6443" in api_log
    coredns = system_pod(c, "coredns-", "k8s-master01")["metadata"]["name"]
    assert run(k, "logs", "-n", "kube-system", coredns).stdout.startswith(".:53\n")


def test_deleted_mirror_pod_is_recreated_at_once(env):
    c, k = env
    old = c.api.get("pods", "kube-scheduler-k8s-master01", "kube-system")
    r = run(k, "delete", "pod", "-n", "kube-system", "kube-scheduler-k8s-master01")
    assert r.stdout == 'pod "kube-scheduler-k8s-master01" deleted\n'
    new = c.api.get("pods", "kube-scheduler-k8s-master01", "kube-system")
    assert new["metadata"]["uid"] != old["metadata"]["uid"]
    assert new["metadata"]["annotations"] == old["metadata"]["annotations"]
    assert new["metadata"]["ownerReferences"] == old["metadata"]["ownerReferences"]
    assert "deletionTimestamp" not in new["metadata"]
    assert new["status"]["phase"] == "Running"
    # The static pod's container kept running: same container, no restart.
    assert new["status"]["containerStatuses"] == old["status"]["containerStatuses"]
    c.advance(30)
    out = run(
        k, "get", "pod", "-n", "kube-system", "kube-scheduler-k8s-master01", "--no-headers"
    ).stdout.split()
    assert out[:4] == ["kube-scheduler-k8s-master01", "1/1", "Running", "0"]
    assert out[4] == "30s"
    assert "kube-scheduler" in crictl(c, "k8s-master01", ["ps"])


def test_cpu_usage_is_capped_at_the_limit(env):
    c, k = env
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "cpu-demo"},
        "spec": {
            "containers": [
                {
                    "name": "s",
                    "image": "polinux/stress",
                    "command": ["stress"],
                    "args": ["--cpu", "1"],
                    "resources": {"limits": {"cpu": "500m"}},
                }
            ]
        },
    }
    create_on(c, k, pod)
    free = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "cpu-free"},
        "spec": {
            "containers": [
                {"name": "s", "image": "polinux/stress", "command": ["stress"], "args": ["--cpu", "1"]}
            ]
        },
    }
    create_on(c, k, free)
    c.advance(60)
    assert container_usage(c, c.api.peek("pods", "cpu-demo", "default")) == [("s", 500, 524288)]
    assert container_usage(c, c.api.peek("pods", "cpu-free", "default"))[0][1] == 1000


def test_nginx_version_flag(env):
    c, k = env
    create_on(
        c,
        k,
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web"},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27.3"}]},
        },
    )
    c.advance(30)
    r = run(k, "exec", "web", "--", "nginx", "-v")
    assert (r.stdout, r.stderr, r.exit_code) == ("", "nginx version: nginx/1.27.3\n", 0)


def test_private_registry_course_app_runs_with_pull_secret(env):
    c, k = env
    cfg = base64.b64encode(
        json.dumps({"auths": {"harbor.example.com": {"auth": "YWRtaW46SGFyYm9yMTIzNDU="}}}).encode()
    ).decode()
    c.api.create(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "harbor", "namespace": "default"},
            "type": "kubernetes.io/dockerconfigjson",
            "data": {".dockerconfigjson": cfg},
        }
    )
    image = "harbor.example.com/library/myapp:v1"
    create_on(
        c,
        k,
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "nosecret"},
            "spec": {"containers": [{"name": "app", "image": image}]},
        },
        node="k8s-node02",  # not where the pull with credentials caches the image
    )
    create_on(
        c,
        k,
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "app"},
            "spec": {
                "containers": [{"name": "app", "image": image}],
                "imagePullSecrets": [{"name": "harbor"}],
            },
        },
    )
    c.advance(30)
    ok = c.api.peek("pods", "app", "default")["status"]
    assert ok["phase"] == "Running" and ok["containerStatuses"][0]["ready"] is True
    assert ok["containerStatuses"][0]["image"] == image
    bad = c.api.peek("pods", "nosecret", "default")["status"]["containerStatuses"][0]["state"]["waiting"]
    assert bad["reason"] in ("ErrImagePull", "ImagePullBackOff")
    r = run(k, "exec", "app", "--", "cat", "/usr/share/nginx/html/index.html")
    assert r.stdout.startswith("Hello MyApp | Version: v1 |")
