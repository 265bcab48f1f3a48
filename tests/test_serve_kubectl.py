"""Real kubectl v1.32 against ``k8stutor serve``, and the fidelity check: the same commands through the
built-in kubectl and through real kubectl must print the same."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.apiserver.kubeconfig import write_kubeconfig
from k8stutor.hosts.apiserver.main import ensure_controllers
from k8stutor.hosts.apiserver.server import ServerThread
from k8stutor.kubectl.main import Kubectl

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="real kubectl is not installed")

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
"""


class Env:
    """A served cluster, a kubeconfig and a private kubectl cache."""

    def __init__(self, st: ServerThread, home: Path) -> None:
        self.st = st
        self.home = home
        kc = write_kubeconfig(home / "kubeconfig", st.url)
        self.env = dict(os.environ, KUBECONFIG=str(kc), HOME=str(home))
        self.builtin = Kubectl(st.cluster, cwd=str(home))

    def real(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [KUBECTL or "kubectl", *args],
            env=self.env,
            capture_output=True,
            text=True,
            input=stdin,
            timeout=30,
            cwd=self.home,
        )

    def both(self, *args: str) -> tuple[str, str]:
        r = self.real(*args)
        b = self.st.call(self.builtin.run, list(args))
        return r.stdout + r.stderr, b.stdout + b.stderr


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    c = Cluster()
    ensure_controllers(c)
    st = ServerThread(c)
    st.start()
    yield Env(st, tmp_path_factory.mktemp("serve"))
    st.stop()


@pytest.mark.parametrize(
    "argv",
    [
        "api-resources",
        "api-versions",
        "get nodes",
        "get nodes -o wide",
        "get pods -A",
        "get pods -A -o wide",
        "get all -A",
        "get ns --show-labels",
        "get svc,cm -n kube-system",
        "get pods -n kube-system -l k8s-app=kube-dns",
        "get pod nope",
        "explain pods",
        "explain deployment.spec.strategy",
        "explain pods.spec.containers.image",
        "describe svc kubernetes",
        "describe deploy coredns -n kube-system",
        "get ds -n kube-system -o name",
        "get nodes -o custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR",
    ],
)
def test_read_commands_print_the_same_through_both_kubectls(env: Env, argv: str) -> None:
    real, builtin = env.both(*argv.split())
    assert real == builtin


def test_apply_create_label_scale_patch_delete(env: Env) -> None:
    (env.home / "web.yaml").write_text(WEB)
    r = env.real("apply", "-f", "web.yaml")
    assert (r.returncode, r.stdout) == (0, "deployment.apps/web created\n")
    assert env.real("apply", "-f", "web.yaml").stdout == "deployment.apps/web unchanged\n"
    (env.home / "web.yaml").write_text(WEB.replace("nginx:1.25", "nginx:1.26"))
    assert env.real("apply", "-f", "web.yaml").stdout == "deployment.apps/web configured\n"
    assert (
        env.st.call(env.st.cluster.api.get, "deployments.apps", "web", "default")["spec"]["template"]["spec"][
            "containers"
        ][0]["image"]
        == "nginx:1.26"
    )
    # Typed generators send protobuf bodies.
    assert env.real("create", "configmap", "c1", "--from-literal=a=b").stdout == "configmap/c1 created\n"
    assert env.real("create", "deployment", "d1", "--image=nginx", "--replicas=0").stdout == (
        "deployment.apps/d1 created\n"
    )
    assert env.st.call(env.st.cluster.api.get, "deployments.apps", "d1", "default")["spec"]["replicas"] == 0
    r = env.real("create", "configmap", "c1", "--from-literal=a=b")
    assert (
        r.returncode == 1
        and r.stderr == 'error: failed to create configmap: configmaps "c1" already exists\n'
    )
    assert env.real("label", "cm", "c1", "tier=fe").stdout == "configmap/c1 labeled\n"
    assert env.real("scale", "deploy", "web", "--replicas=3").stdout == "deployment.apps/web scaled\n"
    assert (
        env.real("patch", "deploy", "web", "-p", '{"spec":{"replicas":1}}').stdout
        == "deployment.apps/web patched\n"
    )
    assert (
        env.real(
            "patch",
            "deploy",
            "web",
            "--type=json",
            "-p",
            '[{"op":"replace","path":"/spec/replicas","value":2}]',
        ).stdout
        == "deployment.apps/web patched\n"
    )
    real, builtin = env.both("get", "cm", "c1", "--show-labels", "-o", "wide")
    assert real == builtin
    real, builtin = env.both("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}")
    assert real == builtin == "2"
    assert env.real("auth", "can-i", "create", "pods").stdout == "yes\n"
    assert env.real("delete", "deploy", "d1").stdout == 'deployment.apps "d1" deleted\n'
    r = env.real("get", "deploy", "d1")
    assert r.returncode == 1 and r.stderr == 'Error from server (NotFound): deployments.apps "d1" not found\n'
    assert (
        env.real("apply", "--server-side", "-f", "web.yaml").stdout
        == "deployment.apps/web serverside-applied\n"
    )


def test_get_watch_prints_new_objects_as_they_arrive(env: Env) -> None:
    p = subprocess.Popen(
        [KUBECTL or "kubectl", "get", "cm", "-w", "-n", "kube-public"],
        env=env.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert p.stdout is not None
        first = p.stdout.readline()
        assert first.split() == ["NAME", "DATA", "AGE"]
        while not p.stdout.readline().startswith("kube-root-ca.crt"):  # cluster-info, kube-root-ca.crt
            pass
        time.sleep(0.3)
        env.st.call(
            env.st.cluster.api.create,
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "watched"}, "data": {"x": "1"}},
            "kube-public",
        )
        line = p.stdout.readline()
        assert line.split()[:2] == ["watched", "1"]
    finally:
        p.terminate()
        p.wait(timeout=10)
