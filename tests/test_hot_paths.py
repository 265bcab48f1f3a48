"""The fast paths of the pod pipeline give the same results as the straightforward code they replace."""

from __future__ import annotations

import gc
import random
import uuid

from k8stutor.engine.api.admission_defaults import admit_pod
from k8stutor.engine.api.defaulting import apply_defaults
from k8stutor.engine.cluster import Cluster
from k8stutor.engine.events import EventRecorder
from k8stutor.engine.store import GC_FULL_COLLECTION_THRESHOLD, Store, tune_gc


def _pod() -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"containers": [{"name": "web", "image": "nginx"}]},
    }


def test_new_uid_is_the_text_of_a_version_4_uuid_from_the_seeded_rng() -> None:
    c = Cluster("single", seed=7)
    ref = random.Random()
    ref.setstate(c.api.rng.getstate())
    for _ in range(2000):
        got = c.api.new_uid()
        want = str(uuid.UUID(int=ref.getrandbits(128), version=4))
        assert got == want
        assert got[14] == "4" and got[19] in "89ab"


def test_same_seed_same_uids_and_objects() -> None:
    a, b = Cluster("single", seed=3), Cluster("single", seed=3)
    pa = a.api.create(_pod())
    pb = b.api.create(_pod())
    assert pa == pb
    assert pa["metadata"]["uid"] == pb["metadata"]["uid"]


def test_apply_defaults_copies_unless_asked_to_default_in_place() -> None:
    pod = _pod()
    out = apply_defaults(pod)
    assert out is not pod and "restartPolicy" not in pod["spec"]
    assert out["spec"]["restartPolicy"] == "Always"
    assert out["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    same = apply_defaults(pod, in_place=True)
    assert same is pod and pod["spec"]["restartPolicy"] == "Always"


def test_admit_pod_copies_unless_asked_to_admit_in_place() -> None:
    pod = apply_defaults(_pod())
    out = admit_pod(pod, lambda: "abcde")
    assert out is not pod and "tolerations" not in pod["spec"]
    assert [t["key"] for t in out["spec"]["tolerations"]] == [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ]
    same = admit_pod(pod, lambda: "abcde", in_place=True)
    assert same is pod and pod["spec"]["tolerations"] == out["spec"]["tolerations"]


def test_aggregated_event_is_a_new_object_and_the_stored_one_is_untouched() -> None:
    c = Cluster("single")
    pod = c.api.create(_pod())
    rec = EventRecorder(c.api, "kubelet", "k8s-master01")
    first = rec.event(pod, "Warning", "BackOff", "Back-off restarting failed container")
    first_rv, first_count = first["metadata"]["resourceVersion"], first["count"]
    c.advance(10)
    second = rec.event(pod, "Warning", "BackOff", "Back-off restarting failed container")
    assert second is not first
    assert first["metadata"]["resourceVersion"] == first_rv and first["count"] == first_count == 1
    assert second["metadata"]["name"] == first["metadata"]["name"]
    assert second["count"] == 2
    assert second["firstTimestamp"] == first["firstTimestamp"]
    assert second["lastTimestamp"] != first["lastTimestamp"]
    assert int(second["metadata"]["resourceVersion"]) > int(first_rv)


def test_watches_filter_by_namespace_and_the_all_resources_watch_sees_every_write() -> None:
    s = Store()
    seen: dict[str, list[str]] = {"ns": [], "all": [], "any": []}
    s.watch(
        "pods", namespace="kube-system", callback=lambda ev: seen["ns"].append(ev.object["metadata"]["name"])
    )
    s.watch("pods", callback=lambda ev: seen["all"].append(ev.object["metadata"]["name"]))
    s.watch(None, callback=lambda ev: seen["any"].append(ev.resource))
    queued = s.watch("pods", namespace="default")
    s.put("pods", {"metadata": {"name": "a", "namespace": "default"}})
    s.put("pods", {"metadata": {"name": "b", "namespace": "kube-system"}})
    s.put("nodes", {"metadata": {"name": "n1"}})
    assert seen == {"ns": ["b"], "all": ["a", "b"], "any": ["pods", "pods", "nodes"]}
    assert [ev.object["metadata"]["name"] for ev in queued.drain()] == ["a"]


def test_tune_gc_makes_full_collections_rarer_and_never_lowers_a_higher_setting() -> None:
    saved = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        tune_gc()
        assert gc.get_threshold() == (700, 10, GC_FULL_COLLECTION_THRESHOLD)
        gc.set_threshold(700, 10, 500)
        Store()
        assert gc.get_threshold() == (700, 10, 500)
    finally:
        gc.set_threshold(*saved)
