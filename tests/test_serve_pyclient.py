"""The official ``kubernetes`` Python client against ``k8stutor serve`` over TLS: it loads the written
kubeconfig (CA, admin client certificate), lists pods and watches them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.apiserver.kubeconfig import write_kubeconfig
from k8stutor.hosts.apiserver.main import ensure_controllers
from k8stutor.hosts.apiserver.server import ServerThread
from k8stutor.hosts.apiserver.tls import ensure_pki

kubernetes = pytest.importorskip("kubernetes")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerThread, Any]]:
    from kubernetes import client, config

    home: Path = tmp_path_factory.mktemp("pyclient")
    pki = ensure_pki(home / "pki")
    c = Cluster()
    ensure_controllers(c)
    with ServerThread(c, pki=pki) as st:
        kc = write_kubeconfig(home / "kubeconfig", st.url, pki=pki)
        api_client = config.new_client_from_config(config_file=str(kc))
        yield st, client.CoreV1Api(api_client)
        api_client.close()


def test_lists_pods(served: tuple[ServerThread, Any]) -> None:
    st, v1 = served
    pods = v1.list_namespaced_pod("kube-system")
    names = sorted(p.metadata.name for p in pods.items)
    want = sorted(p["metadata"]["name"] for p in st.call(st.cluster.api.list_objects, "pods", "kube-system"))
    assert names == want
    assert any(n.startswith("coredns-") for n in names)
    assert all(p.metadata.namespace == "kube-system" for p in pods.items)
    everywhere = v1.list_pod_for_all_namespaces(label_selector="k8s-app=kube-dns")
    assert {p.metadata.name for p in everywhere.items} == {n for n in names if n.startswith("coredns-")}


def test_watches_a_pod_created_meanwhile(served: tuple[ServerThread, Any]) -> None:
    from kubernetes import watch

    st, v1 = served
    rv = v1.list_namespaced_pod("default").metadata.resource_version

    def create() -> None:
        st.cluster.api.create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "watched"},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
            "default",
        )
        st.cluster.settle()

    st.call(create)
    seen: list[tuple[str, str, str | None]] = []
    w = watch.Watch()
    for ev in w.stream(v1.list_namespaced_pod, "default", resource_version=rv, timeout_seconds=10):
        pod = ev["object"]
        if pod.metadata.name != "watched":
            continue
        seen.append((ev["type"], pod.metadata.name, pod.spec.node_name))
        if ev["type"] == "MODIFIED" and pod.spec.node_name:
            w.stop()
    assert seen[0][:2] == ("ADDED", "watched")
    assert any(t == "MODIFIED" and node for t, _, node in seen)
