"""LimitRange defaults and limits; ResourceQuota usage and the exceeded-quota rejection."""

from __future__ import annotations

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.errors import StatusError


def _pod(name: str, resources: dict | None = None) -> dict:
    c: dict = {"name": "app", "image": "nginx"}
    if resources is not None:
        c["resources"] = resources
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [c]}}


def test_limitrange_defaults_and_max() -> None:
    c = Cluster()
    c.api.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "mem"},
                  "spec": {"limits": [{"type": "Container", "default": {"memory": "512Mi"},
                                       "defaultRequest": {"memory": "256Mi"}, "max": {"memory": "1Gi"}}]}})
    pod = c.api.create(_pod("p"))
    assert pod["spec"]["containers"][0]["resources"] == {"limits": {"memory": "512Mi"},
                                                        "requests": {"memory": "256Mi"}}
    assert pod["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: memory request for container app; memory limit for container app")
    with pytest.raises(StatusError) as e:
        c.api.create(_pod("big", {"limits": {"memory": "1536Mi"}}))
    assert e.value.message == 'pods "big" is forbidden: maximum memory usage per Container is 1Gi, but limit is 1536Mi'


def test_quota_usage_and_rejection() -> None:
    c = Cluster()
    c.api.create({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"},
                  "spec": {"hard": {"pods": "2", "requests.memory": "1Gi"}}})
    c.settle()
    c.api.create(_pod("a", {"requests": {"memory": "600Mi"}}))
    c.settle()
    assert c.api.get("resourcequotas", "q", "default")["status"]["used"] == {"pods": "1", "requests.memory": "600Mi"}
    with pytest.raises(StatusError) as e:
        c.api.create(_pod("b", {"requests": {"memory": "700Mi"}}))
    assert e.value.message == ('pods "b" is forbidden: exceeded quota: q, requested: requests.memory=700Mi, '
                               'used: requests.memory=600Mi, limited: requests.memory=1Gi')
    with pytest.raises(StatusError) as e:
        c.api.create(_pod("c"))
    assert e.value.message == 'pods "c" is forbidden: failed quota: q: must specify requests.memory for: app'
