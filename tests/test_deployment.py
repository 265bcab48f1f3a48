"""Deployment controller: ReplicaSet naming and annotations, RollingUpdate / Recreate steps and events,
conditions, progress deadline, revision history cleanup, pause/resume and proportional scaling — against
FIDELITY §3.3, §4, §5.2, §5.4 and §6 (the real sync.go / rolling.go / recreate.go / progress.go)."""

from __future__ import annotations

import re

import fake_kubelet
import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.controllers import deployment, replicaset
from k8stutor.engine.controllers.deployment import resolve_fenceposts, scaled_value
from k8stutor.engine.controllers.hashing import compute_hash


def dep_obj(
    name: str = "web",
    replicas: int = 3,
    image: str = "nginx:1.14.2",
    strategy: dict | None = None,
    **spec_extra: object,
) -> dict:
    spec: dict = {
        "replicas": replicas,
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {"containers": [{"name": "nginx", "image": image}]},
        },
    }
    if strategy is not None:
        spec["strategy"] = strategy
    spec.update(spec_extra)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": spec,
    }


def make(ready: bool = True, start_delay: float = 1.0, stop_delay: float = 0.0) -> Cluster:
    c = Cluster(seed=3)
    replicaset.install(c)
    deployment.install(c)
    fake_kubelet.install(c, start_delay=start_delay, stop_delay=stop_delay, ready=ready)
    return c


def set_image(c: Cluster, image: str, name: str = "web") -> None:
    d = c.api.get("deployments.apps", name, "default")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = image
    c.api.update(d)


def scaling_events(c: Cluster, name: str = "web") -> list[str]:
    evs = [
        e
        for e in c.api.list_objects("events", "default")
        if e["involvedObject"]["name"] == name and e["reason"] == "ScalingReplicaSet"
    ]
    evs.sort(key=lambda e: (e["firstTimestamp"], int(e["metadata"]["resourceVersion"])))
    assert all(e["source"]["component"] == "deployment-controller" for e in evs)
    return [e["message"] for e in evs]


def rss(c: Cluster) -> dict[str, dict]:
    return {r["metadata"]["name"]: r for r in c.api.list_objects("replicasets.apps", "default")}


def cond(obj: dict, type_: str) -> dict:
    return next(x for x in obj["status"]["conditions"] if x["type"] == type_)


def wait_complete(c: Cluster, name: str = "web", limit: float = 600) -> None:
    end = c.now() + limit
    c.settle()
    while c.now() < end:
        d = c.api.get("deployments.apps", name, "default")
        st = d.get("status", {})
        r = d["spec"]["replicas"]
        if (
            st.get("observedGeneration") == d["metadata"]["generation"]
            and st.get("updatedReplicas", 0) == r
            and st.get("replicas", 0) == r
            and st.get("availableReplicas", 0) == r
        ):
            return
        if not c.clock.step():
            break
        c.settle()
    raise AssertionError("rollout did not complete")


# ---- FIDELITY §6.1 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("replicas", "surge", "unavailable"), [(1, 1, 0), (3, 1, 0), (4, 1, 1), (10, 3, 2)])
def test_resolve_fenceposts_25_percent(replicas: int, surge: int, unavailable: int) -> None:
    assert resolve_fenceposts("25%", "25%", replicas) == (surge, unavailable)


def test_resolve_fenceposts_both_zero_gives_one_unavailable() -> None:
    assert resolve_fenceposts("10%", "10%", 1) == (1, 0)
    assert resolve_fenceposts(0, "10%", 5) == (0, 1)
    assert scaled_value("50%", 3, True) == 2 and scaled_value("50%", 3, False) == 1


# ---- creation -------------------------------------------------------------------------------------------


def test_new_replicaset_name_labels_annotations_and_status() -> None:
    c = make()
    dep = c.api.create(dep_obj())
    c.settle()
    h = compute_hash(dep["spec"]["template"])
    rs = c.api.get("replicasets.apps", f"web-{h}", "default")
    assert rs["metadata"]["labels"] == {"app": "web", "pod-template-hash": h}
    assert rs["spec"]["selector"] == {"matchLabels": {"app": "web", "pod-template-hash": h}}
    assert rs["spec"]["template"]["metadata"]["labels"] == {"app": "web", "pod-template-hash": h}
    assert rs["metadata"]["annotations"] == {
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",
        "deployment.kubernetes.io/revision": "1",
    }
    ref = rs["metadata"]["ownerReferences"][0]
    assert (ref["kind"], ref["name"], ref["controller"], ref["blockOwnerDeletion"]) == (
        "Deployment",
        "web",
        True,
        True,
    )
    d = c.api.get("deployments.apps", "web", "default")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    assert (
        cond(d, "Available")["reason"] == "MinimumReplicasAvailable"
        or cond(d, "Available")["status"] == "False"
    )
    assert cond(d, "Progressing")["message"] in (
        f'Created new replica set "web-{h}"',
        f'ReplicaSet "web-{h}" is progressing.',
    )
    for p in c.api.list_objects("pods", "default"):
        assert re.fullmatch(rf"web-{h}-[bcdfghjklmnpqrstvwxz2456789]{{5}}", p["metadata"]["name"])
    wait_complete(c)
    d = c.api.get("deployments.apps", "web", "default")
    assert d["status"]["replicas"] == 3 and d["status"]["availableReplicas"] == 3
    assert "unavailableReplicas" not in d["status"]
    assert [x["type"] for x in d["status"]["conditions"]] == ["Available", "Progressing"]
    assert cond(d, "Available") | {} == cond(d, "Available")
    assert (cond(d, "Available")["reason"], cond(d, "Available")["message"]) == (
        "MinimumReplicasAvailable",
        "Deployment has minimum availability.",
    )
    assert (cond(d, "Progressing")["reason"], cond(d, "Progressing")["message"]) == (
        "NewReplicaSetAvailable",
        f'ReplicaSet "web-{h}" has successfully progressed.',
    )
    assert scaling_events(c) == [f"Scaled up replica set web-{h} from 0 to 3"]


def test_bootstrap_coredns_is_left_alone() -> None:
    c = Cluster()
    writes: list[str] = []
    for res in ("deployments.apps", "replicasets.apps"):
        c.store.watch(res, callback=lambda ev: writes.append(ev.object["metadata"]["name"]))
    replicaset.install(c)
    deployment.install(c)
    c.settle()
    assert writes == []
    assert len(c.api.list_objects("replicasets.apps", "kube-system")) == 1


# ---- rolling update ----------------------------------------------------------------------------------


def test_rolling_update_three_replicas_matches_fidelity_event_sequence() -> None:
    c = make()
    c.api.create(dep_obj())
    wait_complete(c)
    old = next(iter(rss(c)))
    set_image(c, "nginx:1.16.1")
    c.settle()
    wait_complete(c)
    new = next(n for n in rss(c) if n != old)
    assert scaling_events(c)[1:] == [
        f"Scaled up replica set {new} from 0 to 1",
        f"Scaled down replica set {old} from 3 to 2",
        f"Scaled up replica set {new} from 1 to 2",
        f"Scaled down replica set {old} from 2 to 1",
        f"Scaled up replica set {new} from 2 to 3",
        f"Scaled down replica set {old} from 1 to 0",
    ]
    r = rss(c)
    assert r[old]["spec"]["replicas"] == 0
    assert r[new]["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    d = c.api.get("deployments.apps", "web", "default")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    assert d["status"]["observedGeneration"] == 2


def test_rolling_update_never_exceeds_surge_or_unavailability() -> None:
    c = make()
    c.api.create(dep_obj(replicas=10))
    wait_complete(c)
    set_image(c, "nginx:1.16.1")
    seen_max_total = 0
    seen_min_available = 10
    end = c.now() + 120
    c.settle()
    while c.now() < end and c.clock.step():
        c.settle()
        total = sum(r["spec"]["replicas"] for r in rss(c).values())
        avail = sum(r.get("status", {}).get("availableReplicas", 0) for r in rss(c).values())
        seen_max_total = max(seen_max_total, total)
        seen_min_available = min(seen_min_available, avail)
    assert seen_max_total <= 13  # 10 + ceil(25%)
    assert seen_min_available >= 8  # 10 - floor(25%)


def test_change_cause_annotation_is_copied_to_the_new_replicaset() -> None:
    c = make()
    c.api.create(dep_obj())
    wait_complete(c)
    d = c.api.get("deployments.apps", "web", "default")
    d["metadata"]["annotations"]["kubernetes.io/change-cause"] = "update to 1.16.1"
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.16.1"
    c.api.update(d)
    wait_complete(c)
    new = [r for r in rss(c).values() if r["spec"]["replicas"] == 3][0]
    assert new["metadata"]["annotations"]["kubernetes.io/change-cause"] == "update to 1.16.1"


def test_rollback_reuses_old_replicaset_and_records_revision_history() -> None:
    c = make()
    c.api.create(dep_obj())
    wait_complete(c)
    first = next(iter(rss(c)))
    set_image(c, "nginx:1.16.1")
    wait_complete(c)
    set_image(c, "nginx:1.14.2")  # the template of revision 1 again
    wait_complete(c)
    assert len(rss(c)) == 2
    ann = rss(c)[first]["metadata"]["annotations"]
    assert ann["deployment.kubernetes.io/revision"] == "3"
    assert ann["deployment.kubernetes.io/revision-history"] == "1"


def test_revision_history_limit_deletes_oldest_scaled_down_replicasets() -> None:
    c = make()
    c.api.create(dep_obj(revisionHistoryLimit=1))
    wait_complete(c)
    for image in ("nginx:1.16.1", "nginx:1.17", "nginx:1.18"):
        set_image(c, image)
        wait_complete(c)
    c.advance(1)
    images = sorted(r["spec"]["template"]["spec"]["containers"][0]["image"] for r in rss(c).values())
    assert images == ["nginx:1.17", "nginx:1.18"]


# ---- recreate ----------------------------------------------------------------------------------------


def test_recreate_scales_old_to_zero_before_creating_new() -> None:
    c = make(stop_delay=5)
    c.api.create(dep_obj(strategy={"type": "Recreate"}))
    wait_complete(c)
    old = next(iter(rss(c)))
    set_image(c, "nginx:1.16.1")
    c.settle()
    assert len(rss(c)) == 1 and rss(c)[old]["spec"]["replicas"] == 0
    c.advance(4)
    assert len(rss(c)) == 1  # old pods still terminating: no new ReplicaSet yet
    wait_complete(c)
    new = next(n for n in rss(c) if n != old)
    assert scaling_events(c)[1:] == [
        f"Scaled down replica set {old} from 3 to 0",
        f"Scaled up replica set {new} from 0 to 3",
    ]


# ---- progress deadline, pause ------------------------------------------------------------------------


def test_progress_deadline_exceeded() -> None:
    c = make(ready=False)
    c.api.create(dep_obj(replicas=1, progressDeadlineSeconds=30))
    c.advance(25)
    d = c.api.get("deployments.apps", "web", "default")
    assert cond(d, "Progressing")["status"] == "True"
    c.advance(10)
    d = c.api.get("deployments.apps", "web", "default")
    rs_name = next(iter(rss(c)))
    p = cond(d, "Progressing")
    assert (p["status"], p["reason"], p["message"]) == (
        "False",
        "ProgressDeadlineExceeded",
        f'ReplicaSet "{rs_name}" has timed out progressing.',
    )
    a = cond(d, "Available")
    assert (a["status"], a["reason"], a["message"]) == (
        "False",
        "MinimumReplicasUnavailable",
        "Deployment does not have minimum availability.",
    )


def test_pause_holds_template_changes_until_resume() -> None:
    c = make()
    c.api.create(dep_obj())
    wait_complete(c)
    c.api.patch("deployments.apps", "web", "default", {"spec": {"paused": True}}, "strategic")
    c.settle()
    p = cond(c.api.get("deployments.apps", "web", "default"), "Progressing")
    assert (p["status"], p["reason"], p["message"]) == ("Unknown", "DeploymentPaused", "Deployment is paused")
    set_image(c, "nginx:1.16.1")
    c.advance(5)
    assert len(rss(c)) == 1
    c.api.patch("deployments.apps", "web", "default", {"spec": {"paused": None}}, "merge")
    c.settle()
    assert len(rss(c)) == 2
    wait_complete(c)
    p = cond(c.api.get("deployments.apps", "web", "default"), "Progressing")
    assert p["reason"] == "NewReplicaSetAvailable"


def test_scaling_mid_rollout_is_proportional() -> None:
    c = make(ready=False)
    c.api.create(
        dep_obj(
            replicas=10,
            strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}},
        )
    )
    c.advance(1.5)
    # Make the first ReplicaSet look fully available so the rollout can start, then stall it.
    first = next(iter(rss(c)))
    for p in c.api.list_objects("pods", "default"):
        upd = c.api.get("pods", p["metadata"]["name"], "default")
        for cnd in upd["status"]["conditions"]:
            if cnd["type"] in ("Ready", "ContainersReady"):
                cnd["status"] = "True"
        c.api.update_status(upd)
    c.settle()
    set_image(c, "nginx:1.16.1")
    c.settle()
    sizes = {n: r["spec"]["replicas"] for n, r in rss(c).items()}
    assert sum(sizes.values()) == 13 and sizes[first] == 8
    c.api.patch("deployments.apps", "web", "default", {"spec": {"replicas": 20}}, "merge")
    c.settle()
    sizes = {n: r["spec"]["replicas"] for n, r in rss(c).items()}
    # allowed = 20 + 3 surge; distributed by the max-replicas annotation (13): 8 -> 14, 5 -> 9.
    assert sum(sizes.values()) == 23
    assert sizes[first] == 14
