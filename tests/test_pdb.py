"""Disruption controller: PDB status drives the eviction API."""

from __future__ import annotations

import pytest
from fake_kubelet_k import install as install_kubelet

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.controllers import disruption, statefulset
from k8stutor.engine.errors import StatusError


def _setup(pdb_spec: dict) -> Cluster:
    c = Cluster()
    statefulset.install(c)
    disruption.install(c)
    install_kubelet(c)
    c.api.create(
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "zk"},
            "spec": {
                "replicas": 3,
                "serviceName": "zk",
                "podManagementPolicy": "Parallel",
                "selector": {"matchLabels": {"app": "zk"}},
                "template": {
                    "metadata": {"labels": {"app": "zk"}},
                    "spec": {"containers": [{"name": "zk", "image": "zk"}]},
                },
            },
        }
    )
    spec = {"selector": {"matchLabels": {"app": "zk"}}}
    spec.update(pdb_spec)
    c.api.create(
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": {"name": "zk-pdb"},
            "spec": spec,
        }
    )
    c.settle()
    return c


def test_max_unavailable_one() -> None:
    c = _setup({"maxUnavailable": 1})
    st = c.api.get("poddisruptionbudgets.policy", "zk-pdb")["status"]
    assert (st["currentHealthy"], st["desiredHealthy"], st["disruptionsAllowed"], st["expectedPods"]) == (
        3,
        2,
        1,
        3,
    )
    assert st["conditions"][0]["reason"] == "SufficientPods" and st["conditions"][0]["status"] == "True"


def test_min_available_blocks_eviction() -> None:
    c = _setup({"minAvailable": 3})
    st = c.api.get("poddisruptionbudgets.policy", "zk-pdb")["status"]
    assert st["disruptionsAllowed"] == 0 and st["conditions"][0]["reason"] == "InsufficientPods"
    with pytest.raises(StatusError) as info:
        c.api.evict("default", "zk-0")
    assert info.value.code == 429
    assert info.value.message == "Cannot evict pod as it would violate the pod's disruption budget."


def test_percentage_uses_controller_scale() -> None:
    c = _setup({"minAvailable": "50%"})
    st = c.api.get("poddisruptionbudgets.policy", "zk-pdb")["status"]
    assert (st["desiredHealthy"], st["disruptionsAllowed"]) == (2, 1)
    c.api.evict("default", "zk-1")
    c.settle()
    st = c.api.get("poddisruptionbudgets.policy", "zk-pdb")["status"]
    assert st["currentHealthy"] == 3  # the StatefulSet recreated zk-1 at once (the fake kubelet is instant)
