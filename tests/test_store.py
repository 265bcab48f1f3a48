"""The object store (etcd): revisions, key order, watches from a resourceVersion, compaction, snapshots."""

import pytest

from k8stutor.engine.errors import StatusError
from k8stutor.engine.store import ADDED, DELETED, MODIFIED, Store, clone, etcd_key


def obj(name, ns="default", **extra):
    return {"metadata": {"name": name, "namespace": ns}, **extra}


def test_every_write_bumps_the_global_revision_and_sets_resource_version():
    s = Store()
    a = s.put("pods", obj("a"))
    b = s.put("configmaps", obj("b"))
    assert int(b["metadata"]["resourceVersion"]) == int(a["metadata"]["resourceVersion"]) + 1
    assert s.revision == int(b["metadata"]["resourceVersion"])


def test_list_is_in_etcd_key_order_namespace_then_name():
    s = Store()
    for ns, name in [("kube-system", "b"), ("default", "z"), ("default", "a"), ("kube-flannel", "x")]:
        s.put("pods", obj(name, ns))
    assert [(o["metadata"]["namespace"], o["metadata"]["name"]) for o in s.list("pods")] == [
        ("default", "a"), ("default", "z"), ("kube-flannel", "x"), ("kube-system", "b")]
    assert [o["metadata"]["name"] for o in s.list("pods", "default")] == ["a", "z"]


def test_watch_replays_history_after_a_resource_version_then_streams():
    s = Store()
    s.put("pods", obj("a"))
    rv = s.revision
    s.put("pods", obj("b"))
    s.put("pods", obj("a", labels={"x": "1"}))
    w = s.watch("pods", since=rv)
    assert [(e.type, e.object["metadata"]["name"]) for e in w.drain()] == [(ADDED, "b"), (MODIFIED, "a")]
    s.delete("pods", "default", "b")
    ev = w.drain()
    assert [(e.type, e.object["metadata"]["name"]) for e in ev] == [(DELETED, "b")]
    assert ev[0].object["metadata"]["resourceVersion"] == str(s.revision)


def test_watch_from_a_compacted_revision_is_gone_with_the_real_message():
    s = Store(history_limit=3)
    for i in range(10):
        s.put("pods", obj(f"p{i}"))
    with pytest.raises(StatusError) as e:
        s.watch("pods", since=2)
    assert e.value.code == 410
    assert e.value.message.startswith("too old resource version: 2 (")


def test_watch_fan_out_to_many_watchers_and_namespace_filter():
    s = Store()
    ws = [s.watch("pods") for _ in range(10)]
    only_dev = s.watch("pods", namespace="dev")
    s.put("pods", obj("a"))
    s.put("pods", obj("b", "dev"))
    assert all(len(w.drain()) == 2 for w in ws)
    assert [e.object["metadata"]["name"] for e in only_dev.drain()] == ["b"]
    ws[0].stop()
    s.put("pods", obj("c"))
    assert ws[0].drain() == [] and len(ws[1].drain()) == 1


def test_dump_and_load_round_trip():
    s = Store()
    s.put("pods", obj("a", spec={"x": [1, {"y": 2}]}))
    s.put("nodes", {"metadata": {"name": "n1"}})
    data = clone(s.dump())
    t = Store()
    t.load(data)
    assert t.revision == s.revision
    assert t.get("pods", "default", "a") == s.get("pods", "default", "a")
    assert t.get("nodes", "", "n1")["metadata"]["name"] == "n1"


def test_etcd_key_layout_matches_kube_apiserver():
    assert etcd_key("pods", "default", "web") == "/registry/pods/default/web"
    assert etcd_key("nodes", "", "k8s-node01") == "/registry/minions/k8s-node01"
    assert etcd_key("services", "default", "kubernetes") == "/registry/services/specs/default/kubernetes"
    assert etcd_key("endpoints", "default", "kubernetes") == "/registry/services/endpoints/default/kubernetes"
    assert etcd_key("deployments.apps", "default", "web") == "/registry/deployments/default/web"
    assert etcd_key("replicationcontrollers", "default", "rc") == "/registry/controllers/default/rc"
    assert etcd_key("crontabs.stable.example.com", "default", "x", builtin=False) == (
        "/registry/stable.example.com/crontabs/default/x")
