"""API warnings (PodSecurity ``warn``, deprecations) reach real kubectl as ``Warning`` headers, and it prints
them exactly as the built-in kubectl does."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.apiserver.kubeconfig import write_kubeconfig
from k8stutor.hosts.apiserver.main import ensure_controllers
from k8stutor.hosts.apiserver.server import ServerThread, warning_header
from k8stutor.kubectl.main import Kubectl

KUBECTL = shutil.which("kubectl")

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: restricted
spec:
  containers:
  - name: web
    image: nginx:1.25
"""


def test_warning_header_quotes_like_the_api_server() -> None:
    assert warning_header('a "b" c') == '299 - "a \\"b\\" c"'
    assert warning_header("back\\slash") == '299 - "back\\\\slash"'


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerThread, dict[str, str], Path]]:
    c = Cluster()
    ensure_controllers(c)
    k = Kubectl(c)
    assert k.run(["create", "namespace", "restricted"]).exit_code == 0
    assert k.run(["label", "ns", "restricted", "pod-security.kubernetes.io/warn=restricted"]).exit_code == 0
    st = ServerThread(c)
    st.start()
    home = tmp_path_factory.mktemp("warn")
    kc = write_kubeconfig(home / "kubeconfig", st.url)
    yield st, dict(os.environ, KUBECONFIG=str(kc), HOME=str(home)), home
    st.stop()


@pytest.mark.skipif(KUBECTL is None, reason="real kubectl is not installed")
def test_podsecurity_warning_printed_by_real_kubectl_as_by_the_builtin(served) -> None:  # type: ignore[no-untyped-def]
    st, env, home = served
    real = subprocess.run(
        [KUBECTL or "kubectl", "apply", "-f", "-"],
        input=POD.format(name="real"),
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        cwd=home,
    )
    builtin = st.call(Kubectl(st.cluster).run, ["apply", "-f", "-"], POD.format(name="builtin"))
    assert real.returncode == 0, real.stderr
    assert real.stderr.startswith('Warning: would violate PodSecurity "restricted:latest": ')
    assert "allowPrivilegeEscalation != false" in real.stderr
    assert real.stderr == builtin.stderr
    assert real.stdout == "pod/real created\n"
    assert builtin.stdout == "pod/builtin created\n"
