"""The API facade: create/get/update/patch/delete, optimistic concurrency, graceful deletion, finalizers,
propagation through ownerReferences and the garbage collector, namespace lifecycle, dry runs, allocation."""

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.errors import StatusError


@pytest.fixture
def c():
    return Cluster()


def cm(name, ns=None, **data):
    o = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}
    if ns:
        o["metadata"]["namespace"] = ns
    return o


def pod(name, ns="default", node=None, **meta):
    o = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns, **meta},
         "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}
    if node:
        o["spec"]["nodeName"] = node
    return o


def test_create_sets_server_fields_and_get_returns_a_copy(c):
    o = c.api.create(cm("a", x="1"))
    meta = o["metadata"]
    assert meta["namespace"] == "default" and meta["uid"] and meta["resourceVersion"]
    assert meta["creationTimestamp"].endswith("Z") and "generation" not in meta
    got = c.api.get("configmaps", "a", "default")
    got["data"]["x"] = "changed"
    assert c.api.get("configmaps", "a", "default")["data"]["x"] == "1"


def test_not_found_and_already_exists_messages(c):
    with pytest.raises(StatusError) as e:
        c.api.get("pods", "nosuch", "default")
    assert (e.value.code, e.value.reason, e.value.message) == (404, "NotFound", 'pods "nosuch" not found')
    with pytest.raises(StatusError) as e:
        c.api.get("deployments.apps", "x", "default")
    assert e.value.message == 'deployments.apps "x" not found'
    c.api.create(cm("a"))
    with pytest.raises(StatusError) as e:
        c.api.create(cm("a"))
    assert (e.value.reason, e.value.message) == ("AlreadyExists", 'configmaps "a" already exists')


def test_update_with_a_stale_resource_version_is_a_conflict(c):
    o = c.api.create(cm("a", x="1"))
    stale = dict(o)
    o["data"] = {"x": "2"}
    c.api.update(o)
    stale["data"] = {"x": "3"}
    with pytest.raises(StatusError) as e:
        c.api.update(stale)
    assert e.value.reason == "Conflict"
    assert e.value.message == ('Operation cannot be fulfilled on configmaps "a": the object has been modified; '
                               "please apply your changes to the latest version and try again")


def test_generation_bumps_on_spec_change_only(c):
    d = c.api.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                      "spec": {"selector": {"matchLabels": {"app": "web"}},
                               "template": {"metadata": {"labels": {"app": "web"}},
                                            "spec": {"containers": [{"name": "n", "image": "nginx"}]}}}})
    assert d["metadata"]["generation"] == 1
    d["metadata"]["labels"] = {"x": "y"}
    d = c.api.update(d)
    assert d["metadata"]["generation"] == 1
    d["spec"]["replicas"] = 3
    d = c.api.update(d)
    assert d["metadata"]["generation"] == 2


def test_patch_types(c):
    c.api.create(cm("a", x="1", y="2"))
    assert c.api.patch("configmaps", "a", "default", {"data": {"y": None, "z": "3"}}, "merge")["data"] == {
        "x": "1", "z": "3"}
    assert c.api.patch("configmaps", "a", "default", [{"op": "replace", "path": "/data/x", "value": "9"}],
                       "json")["data"]["x"] == "9"
    p = c.api.create(pod("p"))
    out = c.api.patch("pods", "p", "default", {"metadata": {"labels": {"a": "b"}}}, "strategic")
    assert out["metadata"]["labels"] == {"a": "b"} and out["metadata"]["uid"] == p["metadata"]["uid"]


def test_dry_run_writes_nothing(c):
    c.api.create(cm("a"), dry_run=True)
    assert c.api.peek("configmaps", "a", "default") is None


def test_unscheduled_pods_go_at_once_scheduled_pods_terminate_gracefully(c):
    c.api.create(pod("pending"))
    c.api.delete("pods", "pending", "default")
    assert c.api.peek("pods", "pending", "default") is None
    c.api.create(pod("running", node="k8s-node01"))
    out = c.api.delete("pods", "running", "default")
    assert out["metadata"]["deletionGracePeriodSeconds"] == 30 and out["metadata"]["deletionTimestamp"]
    assert c.api.peek("pods", "running", "default") is not None
    c.api.delete("pods", "running", "default", grace_period=0)
    assert c.api.peek("pods", "running", "default") is None


def test_finalizers_hold_deletion_until_removed(c):
    o = cm("held")
    o["metadata"]["finalizers"] = ["example.com/hold"]
    c.api.create(o)
    c.api.delete("configmaps", "held", "default")
    cur = c.api.get("configmaps", "held", "default")
    assert cur["metadata"]["deletionTimestamp"]
    cur["metadata"]["finalizers"] = []
    c.api.update(cur)
    assert c.api.peek("configmaps", "held", "default") is None


def _owned_pair(c):
    owner = c.api.create(cm("owner"))
    ref = {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner["metadata"]["uid"],
           "controller": True, "blockOwnerDeletion": True}
    dep = cm("dependent")
    dep["metadata"]["ownerReferences"] = [ref]
    c.api.create(dep)
    c.settle()


def test_background_propagation_deletes_dependents(c):
    _owned_pair(c)
    c.api.delete("configmaps", "owner", "default")
    c.settle()
    assert c.api.peek("configmaps", "dependent", "default") is None


def test_orphan_propagation_keeps_dependents_and_drops_their_owner_reference(c):
    _owned_pair(c)
    c.api.delete("configmaps", "owner", "default", propagation_policy="Orphan")
    c.settle()
    assert c.api.peek("configmaps", "owner", "default") is None
    dep = c.api.get("configmaps", "dependent", "default")
    assert "ownerReferences" not in dep["metadata"]


def test_foreground_propagation_deletes_dependents_first(c):
    _owned_pair(c)
    out = c.api.delete("configmaps", "owner", "default", propagation_policy="Foreground")
    assert "foregroundDeletion" in out["metadata"]["finalizers"]
    c.settle()
    assert c.api.peek("configmaps", "dependent", "default") is None
    assert c.api.peek("configmaps", "owner", "default") is None


def test_namespace_lifecycle(c):
    with pytest.raises(StatusError) as e:
        c.api.create(cm("a", "dev"))
    assert e.value.message == 'namespaces "dev" not found'
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    c.settle()
    assert c.api.peek("serviceaccounts", "default", "dev") is not None
    assert c.api.peek("configmaps", "kube-root-ca.crt", "dev") is not None
    c.api.create(cm("a", "dev"))
    ns = c.api.delete("namespaces", "dev")
    assert ns["status"]["phase"] == "Terminating"
    with pytest.raises(StatusError) as e:
        c.api.create(cm("b", "dev"))
    assert e.value.code == 403
    assert e.value.message == ('configmaps "b" is forbidden: unable to create new content in namespace dev because '
                               "it is being terminated")
    c.settle()
    assert c.api.peek("namespaces", "dev") is None
    assert c.api.list_objects("configmaps", "dev") == []


def test_system_namespaces_cannot_be_deleted(c):
    with pytest.raises(StatusError) as e:
        c.api.delete("namespaces", "kube-system")
    assert e.value.code == 403
    assert e.value.message == 'namespaces "kube-system" is forbidden: this namespace may not be deleted'


def test_service_allocation(c):
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
           "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]}}
    out = c.api.create(svc)
    ip = out["spec"]["clusterIP"]
    assert ip.startswith("10.") and out["spec"]["clusterIPs"] == [ip]
    assert 30000 <= out["spec"]["ports"][0]["nodePort"] <= 32767
    assert out["spec"]["ports"][0]["targetPort"] == 80 and out["spec"]["ports"][0]["protocol"] == "TCP"
    dup = dict(svc, metadata={"name": "web2"})
    dup["spec"] = dict(svc["spec"], clusterIP=ip)
    with pytest.raises(StatusError) as e:
        c.api.create(dup)
    assert e.value.code == 422 and "provided IP is already allocated" in e.value.message


def test_generate_name(c):
    o = cm("")
    o["metadata"] = {"generateName": "web-"}
    out = c.api.create(o)
    name = out["metadata"]["name"]
    assert name.startswith("web-") and len(name) == 9
    assert all(ch in "bcdfghjklmnpqrstvwxz2456789" for ch in name[4:])


def test_same_seed_same_cluster():
    a, b = Cluster(seed=7), Cluster(seed=7)
    assert a.snapshot() == b.snapshot()
    assert Cluster(seed=8).snapshot()["store"] != a.snapshot()["store"]


def test_crd_makes_a_new_kind_appear(c):
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "crontabs.stable.example.com"},
           "spec": {"group": "stable.example.com", "scope": "Namespaced",
                    "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "shortNames": ["ct"]},
                    "versions": [{"name": "v1", "served": True, "storage": True,
                                  "schema": {"openAPIV3Schema": {"type": "object"}}}]}}
    c.api.create(crd)
    c.settle()
    rt = c.registry.resolve("ct")
    assert rt is not None and rt.kind == "CronTab"
    c.api.create({"apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": {"name": "x"},
                  "spec": {"cronSpec": "* * * * */5"}})
    assert c.api.get(rt, "x", "default")["spec"]["cronSpec"] == "* * * * */5"
    c.api.delete("customresourcedefinitions.apiextensions.k8s.io", "crontabs.stable.example.com")
    c.settle()
    assert c.registry.resolve("ct") is None
