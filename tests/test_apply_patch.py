"""kubectl apply (client-side): the last-applied annotation and the three-way patch.

Expected patches follow strategicpatch.CreateThreeWayMergePatch (apimachinery patch.go) and the
second-apply request recorded in API-PROTOCOL.md §4.1.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from typing import Any

import pytest

from k8stutor.engine.api.patch import MERGE_PATCH, STRATEGIC_MERGE_PATCH, PatchError, strategic_merge_patch
from k8stutor.kubectl.apply_patch import (
    LAST_APPLIED,
    PRECONDITION_FAILED,
    annotate_last_applied,
    apply_patch_type,
    create_apply_patch,
    go_json,
    last_applied_json,
    original_configuration,
)

G = ("apps", "v1", "Deployment")


def _c(**kw: Any) -> dict[str, Any]:
    return {"name": "nginx", "image": "nginx:1.25", **kw}


def _dep(containers: list, labels: dict | None = None, **spec: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": labels or {"app": "web"}},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": containers}},
        },
    }
    volumes = spec.pop("volumes", None)
    if volumes is not None:
        d["spec"]["template"]["spec"]["volumes"] = volumes
    d["spec"].update(spec)
    return d


def _live(manifest: dict[str, Any]) -> dict[str, Any]:
    """The object as stored after a first `kubectl apply` (plus a few server-set fields)."""
    obj = annotate_last_applied(manifest)
    obj["metadata"]["uid"] = "0b8c1a4e-0000-4000-8000-000000000001"
    obj["metadata"]["resourceVersion"] = "100"
    obj["status"] = {"replicas": 1}
    return obj


def _apply(live: dict[str, Any], manifest: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    modified = annotate_last_applied(manifest)
    patch = create_apply_patch(original_configuration(live), modified, live, *G)
    new = strategic_merge_patch(live, patch, *G) if patch else live
    return patch, new


def _without_annotation(patch: dict[str, Any]) -> dict[str, Any]:
    p = copy.deepcopy(patch)
    md = p.get("metadata", {})
    md.get("annotations", {}).pop(LAST_APPLIED, None)
    if md.get("annotations") == {}:
        del md["annotations"]
    if p.get("metadata") == {}:
        del p["metadata"]
    return p


# ----------------------------------------------------------------------------- annotation


def test_last_applied_is_sorted_compact_json_with_empty_annotations_and_newline() -> None:
    m = _dep([_c()])
    text = last_applied_json(m)
    assert text == (
        '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"labels":{"app":"web"},'
        '"name":"web","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"web"}},'
        '"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25",'
        '"name":"nginx"}]}}}}\n'
    )
    annotated = annotate_last_applied(m)
    assert annotated["metadata"]["annotations"] == {LAST_APPLIED: text}
    assert "annotations" not in m["metadata"]  # input untouched


def test_last_applied_drops_a_stale_annotation_and_keeps_other_annotations() -> None:
    m = _dep([_c()])
    m["metadata"]["annotations"] = {LAST_APPLIED: "old", "note": "x"}
    text = last_applied_json(m)
    assert '"annotations":{"note":"x"}' in text and "old" not in text
    assert annotate_last_applied(m)["metadata"]["annotations"] == {"note": "x", LAST_APPLIED: text}


def test_go_json_numbers_and_escaping() -> None:
    assert go_json({"b": 1.0, "a": 0.5, "c": 1e21, "d": 1e-7, "e": 100000.0, "f": True, "g": None}) == (
        '{"a":0.5,"b":1,"c":1e+21,"d":1e-7,"e":100000,"f":true,"g":null}'
    )
    assert go_json("\u2028\n\t\x01") == '"\\u2028\\n\\t\\u0001"'


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
def test_go_json_string_escaping_matches_real_kubectl() -> None:
    # `kubectl create configmap --save-config --dry-run=client` runs offline and writes the annotation
    # with the same json.Encoder (HTML escaping, raw UTF-8).
    value = "a<b>&c é"
    out = subprocess.run(
        [
            "kubectl",
            "create",
            "configmap",
            "c",
            f"--from-literal=k={value}",
            "--save-config",
            "--dry-run=client",
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if out.returncode != 0:
        pytest.skip(f"kubectl could not run offline: {out.stderr.strip()[:200]}")
    annotation = json.loads(out.stdout)["metadata"]["annotations"][LAST_APPLIED]
    assert annotation.endswith("\n")
    assert f'"data":{go_json({"k": value})}' in annotation


def test_original_configuration() -> None:
    live = _live(_dep([_c()]))
    assert original_configuration(live) == json.loads(live["metadata"]["annotations"][LAST_APPLIED])
    assert original_configuration({"metadata": {}}) is None
    with pytest.raises(PatchError) as ei:
        original_configuration({"metadata": {"annotations": {LAST_APPLIED: "{not json"}}})
    assert ei.value.message == "invalid JSON document"


# ----------------------------------------------------------------------------- three-way patch


def test_unchanged_manifest_gives_empty_patch() -> None:
    m = _dep([_c()], replicas=2)
    live = _live(m)
    live["spec"]["strategy"] = {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
    }
    live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "IfNotPresent"
    patch, _ = _apply(live, m)
    assert patch == {}


def test_change_image_matches_recorded_second_apply() -> None:
    live = _live(_dep([_c()]))
    m2 = _dep([_c(image="nginx:1.26")])
    patch, new = _apply(live, m2)
    # API-PROTOCOL.md §4.1 "Second apply"
    assert patch == {
        "metadata": {"annotations": {LAST_APPLIED: last_applied_json(m2)}},
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "nginx"}],
                    "containers": [{"image": "nginx:1.26", "name": "nginx"}],
                }
            }
        },
    }
    assert list(patch) == ["metadata", "spec"]  # keys sorted like Go's json.Marshal
    assert new["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"
    assert new["metadata"]["annotations"][LAST_APPLIED] == last_applied_json(m2)


def test_add_and_remove_a_container_port() -> None:
    live = _live(_dep([_c(ports=[{"containerPort": 80}])]))
    patch, live = _apply(live, _dep([_c(ports=[{"containerPort": 80}, {"containerPort": 443}])]))
    assert _without_annotation(patch) == {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "nginx"}],
                    "containers": [
                        {
                            "$setElementOrder/ports": [{"containerPort": 80}, {"containerPort": 443}],
                            "name": "nginx",
                            "ports": [{"containerPort": 443}],
                        }
                    ],
                }
            }
        }
    }
    assert live["spec"]["template"]["spec"]["containers"][0]["ports"] == [
        {"containerPort": 80},
        {"containerPort": 443},
    ]

    patch, live = _apply(live, _dep([_c(ports=[{"containerPort": 443}])]))
    assert _without_annotation(patch)["spec"]["template"]["spec"]["containers"] == [
        {
            "$setElementOrder/ports": [{"containerPort": 443}],
            "name": "nginx",
            "ports": [{"$patch": "delete", "containerPort": 80}],
        }
    ]
    assert live["spec"]["template"]["spec"]["containers"][0]["ports"] == [{"containerPort": 443}]


def test_removed_label_is_deleted_but_label_added_by_kubectl_label_survives() -> None:
    live = _live(_dep([_c()], labels={"app": "web", "tier": "fe"}))
    live["metadata"]["labels"]["owner"] = "me"  # `kubectl label deploy web owner=me`
    patch, new = _apply(live, _dep([_c()], labels={"app": "web"}))
    assert _without_annotation(patch) == {"metadata": {"labels": {"tier": None}}}
    assert new["metadata"]["labels"] == {"app": "web", "owner": "me"}


def test_replicas_dropped_from_manifest_after_kubectl_scale_is_deleted() -> None:
    live = _live(_dep([_c()], replicas=2))
    live["spec"]["replicas"] = 5  # `kubectl scale --replicas=5`
    patch, new = _apply(live, _dep([_c()]))
    assert _without_annotation(patch) == {"spec": {"replicas": None}}
    assert "replicas" not in new["spec"]  # the server's defaulting then sets it back to 1


def test_replicas_never_in_manifest_is_left_alone() -> None:
    live = _live(_dep([_c()]))
    live["spec"]["replicas"] = 5
    patch, new = _apply(live, _dep([_c()]))
    assert patch == {}
    assert new["spec"]["replicas"] == 5


def test_env_reorder_sends_only_set_element_order() -> None:
    env = [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    live = _live(_dep([_c(env=env)]))
    patch, new = _apply(live, _dep([_c(env=list(reversed(env)))]))
    assert _without_annotation(patch) == {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "nginx"}],
                    "containers": [{"$setElementOrder/env": [{"name": "B"}, {"name": "A"}], "name": "nginx"}],
                }
            }
        }
    }
    assert new["spec"]["template"]["spec"]["containers"][0]["env"] == list(reversed(env))


def test_removing_a_container_sends_delete_directive() -> None:
    live = _live(_dep([_c(), {"name": "sidecar", "image": "busybox"}]))
    patch, new = _apply(live, _dep([_c()]))
    assert _without_annotation(patch) == {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "nginx"}],
                    "containers": [{"$patch": "delete", "name": "sidecar"}],
                }
            }
        }
    }
    assert [c["name"] for c in new["spec"]["template"]["spec"]["containers"]] == ["nginx"]


def test_strategy_switch_to_recreate_uses_retain_keys() -> None:
    live = _live(_dep([_c()], strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}))
    patch, new = _apply(live, _dep([_c()], strategy={"type": "Recreate"}))
    assert _without_annotation(patch) == {
        "spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": None, "type": "Recreate"}}
    }
    assert new["spec"]["strategy"] == {"type": "Recreate"}


def test_strategy_switch_drops_server_defaulted_rolling_update() -> None:
    live = _live(_dep([_c()]))
    live["spec"]["strategy"] = {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
    }
    patch, new = _apply(live, _dep([_c()], strategy={"type": "Recreate"}))
    assert _without_annotation(patch) == {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}
    assert new["spec"]["strategy"] == {"type": "Recreate"}


def test_volume_source_switch_uses_retain_keys() -> None:
    live = _live(_dep([_c()], volumes=[{"name": "v", "emptyDir": {}}]))
    patch, new = _apply(live, _dep([_c()], volumes=[{"name": "v", "configMap": {"name": "cm"}}]))
    assert _without_annotation(patch) == {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/volumes": [{"name": "v"}],
                    "volumes": [
                        {
                            "$retainKeys": ["configMap", "name"],
                            "configMap": {"name": "cm"},
                            "emptyDir": None,
                            "name": "v",
                        }
                    ],
                }
            }
        }
    }
    assert new["spec"]["template"]["spec"]["volumes"] == [{"name": "v", "configMap": {"name": "cm"}}]


def test_first_apply_on_object_without_annotation_only_adds() -> None:
    # Object created with `kubectl create` (no last-applied): nothing can be deleted.
    live = _dep([_c()], labels={"app": "web", "extra": "x"})
    patch = create_apply_patch(None, annotate_last_applied(_dep([_c()])), live, *G)
    assert "labels" not in patch.get("metadata", {})
    assert LAST_APPLIED in patch["metadata"]["annotations"]


def test_inputs_are_not_mutated() -> None:
    live = _live(_dep([_c(ports=[{"containerPort": 80}])]))
    manifest = annotate_last_applied(_dep([_c(ports=[{"containerPort": 81}])]))
    orig = original_configuration(live)
    snapshot = copy.deepcopy((orig, manifest, live))
    create_apply_patch(orig, manifest, live, *G)
    assert (orig, manifest, live) == snapshot


# ----------------------------------------------------------------------------- custom resources


def test_kinds_without_go_types_use_json_merge_patch() -> None:
    assert apply_patch_type(*G) == STRATEGIC_MERGE_PATCH
    assert apply_patch_type("stable.example.com", "v1", "CronTab") == MERGE_PATCH
    m1 = {
        "apiVersion": "stable.example.com/v1",
        "kind": "CronTab",
        "metadata": {"name": "c", "namespace": "default"},
        "spec": {"cronSpec": "* * * * */5", "image": "img", "list": [1, 2], "old": True},
    }
    live = annotate_last_applied(m1)
    live["spec"]["replicas"] = 3  # changed by someone else, not in last-applied
    m2 = copy.deepcopy(m1)
    m2["spec"]["list"] = [1, 2, 3]
    del m2["spec"]["old"]
    mod = annotate_last_applied(m2)
    patch = create_apply_patch(original_configuration(live), mod, live, "stable.example.com", "v1", "CronTab")
    assert patch == {
        "metadata": {"annotations": {LAST_APPLIED: last_applied_json(m2)}},
        "spec": {"list": [1, 2, 3], "old": None},
    }
    assert (
        create_apply_patch(original_configuration(live), live, live, "stable.example.com", "v1", "CronTab")
        == {}
    )


def test_json_merge_three_way_refuses_name_change() -> None:
    m1 = {"apiVersion": "x.io/v1", "kind": "W", "metadata": {"name": "a"}}
    live = annotate_last_applied(m1)
    m2 = {"apiVersion": "x.io/v1", "kind": "W", "metadata": {"name": "b"}}
    with pytest.raises(PatchError) as ei:
        create_apply_patch(original_configuration(live), annotate_last_applied(m2), live, "x.io", "v1", "W")
    assert ei.value.message == PRECONDITION_FAILED
