"""Server-side PATCH semantics: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge.

Expected values come from the RFC appendices, the evanphx/json-patch v4.12 source vendored by
Kubernetes (error texts) and apimachinery's strategicpatch/patch.go (directive handling).
"""

from __future__ import annotations

import copy

import pytest

from k8stutor.engine.api.patch import (
    CRD_SMP_UNSUPPORTED,
    GENERIC_422_MESSAGE,
    JSON_PATCH,
    MERGE_PATCH,
    STRATEGIC_MERGE_PATCH,
    PatchError,
    PatchMeta,
    apply_patch,
    deep_equal,
    go_v,
    json_merge_patch,
    json_patch,
    strategic_merge_patch,
)

DEPLOY = ("apps", "v1", "Deployment")
POD = ("", "v1", "Pod")


def _deployment() -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            },
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": "nginx:1.25",
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                        },
                        {"name": "sidecar", "image": "busybox"},
                    ],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                    "tolerations": [{"key": "a", "operator": "Exists"}],
                },
            },
        },
    }


# ----------------------------------------------------------------------------- RFC 7386


@pytest.mark.parametrize(
    ("target", "patch", "expected"),
    [
        # RFC 7386 Appendix A (the cases whose target is an object)
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_json_merge_patch_rfc7386_examples(target: dict, patch: dict, expected: dict) -> None:
    assert json_merge_patch(target, patch) == expected


def test_json_merge_patch_does_not_mutate_and_replaces_lists() -> None:
    obj = _deployment()
    before = copy.deepcopy(obj)
    out = json_merge_patch(
        obj, {"spec": {"template": {"spec": {"containers": [{"name": "x", "image": "y"}]}}}}
    )
    assert obj == before
    assert out["spec"]["template"]["spec"]["containers"] == [{"name": "x", "image": "y"}]
    assert out["spec"]["template"]["spec"]["volumes"] == before["spec"]["template"]["spec"]["volumes"]


def test_json_merge_patch_label_removal_like_kubectl_label_minus() -> None:
    out = json_merge_patch(_deployment(), {"metadata": {"labels": {"app": None}}})
    assert out["metadata"]["labels"] == {}


def test_json_merge_patch_prunes_nulls_inside_inserted_values() -> None:
    # evanphx v4 pruneNulls: nulls inside a value that is inserted are dropped, also from arrays.
    out = json_merge_patch({"a": "scalar"}, {"a": {"x": None, "y": [1, None, {"z": None}]}})
    assert out == {"a": {"y": [1, {}]}}


def test_json_merge_patch_rejects_null_patch() -> None:
    with pytest.raises(PatchError) as ei:
        json_merge_patch({"a": 1}, None)  # type: ignore[arg-type]
    assert ei.value.code == 400 and ei.value.message == "Invalid JSON Patch"


# ----------------------------------------------------------------------------- RFC 6902


def test_json_patch_rfc6902_examples() -> None:
    assert json_patch({"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux"}]) == {
        "foo": "bar",
        "baz": "qux",
    }
    assert json_patch({"foo": ["bar", "baz"]}, [{"op": "add", "path": "/foo/1", "value": "qux"}]) == {
        "foo": ["bar", "qux", "baz"]
    }
    assert json_patch({"baz": "qux", "foo": "bar"}, [{"op": "remove", "path": "/baz"}]) == {"foo": "bar"}
    assert json_patch({"foo": ["bar", "qux", "baz"]}, [{"op": "remove", "path": "/foo/1"}]) == {
        "foo": ["bar", "baz"]
    }
    assert json_patch({"baz": "qux", "foo": "bar"}, [{"op": "replace", "path": "/baz", "value": "boo"}]) == {
        "baz": "boo",
        "foo": "bar",
    }
    moved = json_patch(
        {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
        [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
    )
    assert moved == {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}
    assert json_patch(
        {"foo": ["all", "grass", "cows", "eat"]}, [{"op": "move", "from": "/foo/1", "path": "/foo/3"}]
    ) == {"foo": ["all", "cows", "eat", "grass"]}
    assert json_patch({"foo": ["bar"]}, [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}]) == {
        "foo": ["bar", ["abc", "def"]]
    }
    assert json_patch({"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": 10}]) == {"/": 9, "~1": 10}
    assert json_patch({"a/b": 1}, [{"op": "copy", "from": "/a~1b", "path": "/c"}]) == {"a/b": 1, "c": 1}


def test_json_patch_replace_spec_replicas_like_kubectl_patch_type_json() -> None:
    out = json_patch(_deployment(), [{"op": "replace", "path": "/spec/replicas", "value": 2}])
    assert out["spec"]["replicas"] == 2


def test_json_patch_replace_of_missing_map_key_adds_it_like_json_patch_v4() -> None:
    # partialDoc.get never fails in evanphx/json-patch v4.12, so replace behaves like add for maps.
    out = json_patch({"spec": {}}, [{"op": "replace", "path": "/spec/x", "value": 1}])
    assert out == {"spec": {"x": 1}}


@pytest.mark.parametrize(
    ("doc", "ops", "message"),
    [
        (
            {"spec": {"c": [1]}},
            [{"op": "replace", "path": "/spec/c/3", "value": 1}],
            "replace operation does not apply: doc is missing key: /spec/c/3: missing value",
        ),
        (
            {"spec": {}},
            [{"op": "replace", "path": "/status/x", "value": 1}],
            "replace operation does not apply: doc is missing path: /status/x: missing value",
        ),
        (
            {"spec": {}},
            [{"op": "remove", "path": "/spec/x"}],
            "error in remove for path: '/spec/x': Unable to remove nonexistent key: x: missing value",
        ),
        (
            {"spec": {}},
            [{"op": "add", "path": "/a/b", "value": 1}],
            'add operation does not apply: doc is missing path: "/a/b": missing value',
        ),
        (
            {"a": [1]},
            [{"op": "add", "path": "/a/5", "value": 1}],
            "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced",
        ),
        (
            {"a": [1]},
            [{"op": "add", "path": "/a/x", "value": 1}],
            "error in add for path: '/a/x': value was not a proper array index: 'x': "
            'strconv.Atoi: parsing "x": invalid syntax',
        ),
        ({"a": 1}, [{"op": "test", "path": "/a", "value": 2}], "testing value /a failed: test failed"),
        ({"a": 1}, [{"op": "frob", "path": "/a"}], "Unexpected kind: frob"),
        (
            {"a": 1},
            [{"op": "move", "from": "/x/y", "path": "/b"}],
            "move operation does not apply: doc is missing from path: /x/y: missing value",
        ),
    ],
)
def test_json_patch_error_texts(doc: dict, ops: list, message: str) -> None:
    with pytest.raises(PatchError) as ei:
        json_patch(doc, ops)
    err = ei.value
    assert err.message == message
    # The API server wraps every apply failure in a bare 422 (NewGenericServerResponse).
    status = err.to_status_error()
    assert (status.code, status.reason, status.message) == (422, "Invalid", GENERIC_422_MESSAGE)


def test_json_patch_is_atomic_and_does_not_mutate() -> None:
    doc = {"a": 1}
    with pytest.raises(PatchError):
        json_patch(doc, [{"op": "add", "path": "/b", "value": 2}, {"op": "test", "path": "/a", "value": 9}])
    assert doc == {"a": 1}


def test_json_patch_rejects_non_list() -> None:
    with pytest.raises(PatchError) as ei:
        json_patch({}, {"op": "add"})  # type: ignore[arg-type]
    assert ei.value.code == 400


# ----------------------------------------------------------------------------- strategic merge


def test_patch_meta_reads_merge_keys_from_schema() -> None:
    pod_spec = PatchMeta.for_kind(*POD)
    assert pod_spec is not None
    spec, _, _ = pod_spec.lookup("spec")
    assert spec.lookup("containers")[1:] == (["merge"], "name")
    assert spec.lookup("volumes")[1:] == (["merge", "retainKeys"], "name")
    assert spec.lookup("tolerations")[1:] == ([], "")  # atomic list: replaced
    assert spec.lookup("imagePullSecrets")[1:] == (["merge"], "name")
    container = spec.lookup("containers")[0].elem()
    assert container.lookup("ports")[1:] == (["merge"], "containerPort")
    assert container.lookup("env")[1:] == (["merge"], "name")
    assert container.lookup("volumeMounts")[1:] == (["merge"], "mountPath")
    svc = PatchMeta.for_kind("", "v1", "Service")
    assert svc is not None
    assert svc.lookup("spec")[0].lookup("ports")[1:] == (["merge"], "port")
    dep = PatchMeta.for_kind(*DEPLOY)
    assert dep is not None
    assert dep.lookup("spec")[0].lookup("strategy")[1] == ["retainKeys"]
    assert PatchMeta.for_kind("example.com", "v1", "Widget") is None


def test_smp_merges_containers_by_name_and_keeps_the_rest() -> None:
    obj = _deployment()
    before = copy.deepcopy(obj)
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.26"}]}}}}
    out = strategic_merge_patch(obj, patch, *DEPLOY)
    assert obj == before
    containers = out["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["nginx", "sidecar"]
    assert containers[0]["image"] == "nginx:1.26"
    assert containers[0]["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


def test_smp_puts_new_elements_before_existing_ones() -> None:
    # mergeSortedSlice takes a patch item whenever it cannot order it against the live list, so a new
    # container lands first (as in the kubernetes.io "Update API Objects in Place Using kubectl patch"
    # example, where patch-demo-ctr-2 is listed before patch-demo-ctr).
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "log", "image": "fluentd"}]}}}}
    out = strategic_merge_patch(_deployment(), patch, *DEPLOY)
    assert [c["name"] for c in out["spec"]["template"]["spec"]["containers"]] == ["log", "nginx", "sidecar"]


def test_smp_merges_ports_by_container_port_and_env_by_name() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "ports": [{"containerPort": 443}],
                            "env": [{"name": "B", "value": "two"}],
                        }
                    ]
                }
            }
        }
    }
    c = strategic_merge_patch(_deployment(), patch, *DEPLOY)["spec"]["template"]["spec"]["containers"][0]
    assert c["ports"] == [{"containerPort": 443}, {"containerPort": 80, "protocol": "TCP"}]
    assert c["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "two"}]


def test_smp_replaces_lists_without_strategy() -> None:
    patch = {"spec": {"template": {"spec": {"tolerations": [{"key": "b", "operator": "Exists"}]}}}}
    out = strategic_merge_patch(_deployment(), patch, *DEPLOY)
    assert out["spec"]["template"]["spec"]["tolerations"] == [{"key": "b", "operator": "Exists"}]


def test_smp_null_deletes_a_key() -> None:
    out = strategic_merge_patch(_deployment(), {"spec": {"replicas": None, "nothere": None}}, *DEPLOY)
    assert "replicas" not in out["spec"] and "nothere" not in out["spec"]


def test_smp_patch_delete_directive_on_list_element() -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}}}
    out = strategic_merge_patch(_deployment(), patch, *DEPLOY)
    assert [c["name"] for c in out["spec"]["template"]["spec"]["containers"]] == ["nginx"]


def test_smp_patch_replace_directive_on_list_and_map() -> None:
    patch = {
        "spec": {
            "template": {"spec": {"containers": [{"name": "only", "image": "x"}, {"$patch": "replace"}]}}
        }
    }
    out = strategic_merge_patch(_deployment(), patch, *DEPLOY)
    assert out["spec"]["template"]["spec"]["containers"] == [{"name": "only", "image": "x"}]
    out = strategic_merge_patch(
        _deployment(), {"metadata": {"labels": {"x": "y", "$patch": "replace"}}}, *DEPLOY
    )
    assert out["metadata"]["labels"] == {"x": "y"}


def test_smp_patch_delete_directive_on_map_empties_it() -> None:
    out = strategic_merge_patch(_deployment(), {"metadata": {"labels": {"$patch": "delete"}}}, *DEPLOY)
    assert out["metadata"]["labels"] == {}


def test_smp_merge_directive_in_list_is_rejected_like_go() -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "$patch": "merge"}]}}}}
    with pytest.raises(PatchError) as ei:
        strategic_merge_patch(_deployment(), patch, *DEPLOY)
    assert ei.value.message == "merging lists cannot yet be specified in the patch"
    assert ei.value.code == 500


def test_smp_retain_keys_switching_strategy_drops_rolling_update() -> None:
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}
    out = strategic_merge_patch(_deployment(), patch, *DEPLOY)
    assert out["spec"]["strategy"] == {"type": "Recreate"}


def test_smp_retain_keys_on_volume_sources() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/volumes": [{"name": "data"}],
                    "volumes": [
                        {"$retainKeys": ["configMap", "name"], "configMap": {"name": "cm"}, "name": "data"}
                    ],
                }
            }
        }
    }
    out = strategic_merge_patch(_deployment(), patch, *DEPLOY)
    assert out["spec"]["template"]["spec"]["volumes"] == [{"name": "data", "configMap": {"name": "cm"}}]


def test_smp_retain_keys_must_list_every_patched_field() -> None:
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 1}}}}
    with pytest.raises(PatchError) as ei:
        strategic_merge_patch(_deployment(), patch, *DEPLOY)
    assert (ei.value.code, ei.value.message) == (400, "invalid patch format of retainKeys")


def test_smp_set_element_order_reorders() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"$setElementOrder/env": [{"name": "B"}, {"name": "A"}], "name": "nginx"},
                    ],
                    "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "nginx"}],
                }
            }
        }
    }
    out = strategic_merge_patch(_deployment(), patch, *DEPLOY)
    containers = out["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["sidecar", "nginx"]
    assert [e["name"] for e in containers[1]["env"]] == ["B", "A"]


def test_smp_set_element_order_keeps_server_only_items_in_relative_place() -> None:
    # The live list has an element the patch does not mention: it stays, ordered by the live list.
    obj = _deployment()
    patch = {"spec": {"template": {"spec": {"$setElementOrder/containers": [{"name": "nginx"}]}}}}
    out = strategic_merge_patch(obj, patch, *DEPLOY)
    assert [c["name"] for c in out["spec"]["template"]["spec"]["containers"]] == ["nginx", "sidecar"]


def test_smp_primitive_list_with_merge_strategy_is_a_union_and_supports_deletion() -> None:
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "finalizers": ["a", "b"]}}
    out = strategic_merge_patch(obj, {"metadata": {"finalizers": ["c", "a"]}}, *POD)
    assert sorted(out["metadata"]["finalizers"]) == ["a", "b", "c"]
    out = strategic_merge_patch(obj, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}, *POD)
    assert out["metadata"]["finalizers"] == ["b"]


def test_smp_taint_patch_like_kubectl_taint() -> None:
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}, "spec": {"podCIDR": "10.0.0.0/24"}}
    taint = {"effect": "NoSchedule", "key": "dedicated", "value": "gpu"}
    out = strategic_merge_patch(node, {"spec": {"taints": [taint]}}, "", "v1", "Node")
    assert out["spec"]["taints"] == [taint]
    out = strategic_merge_patch(out, {"spec": {"taints": None}}, "", "v1", "Node")
    assert "taints" not in out["spec"]


def test_smp_missing_merge_key_error_text() -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}
    with pytest.raises(PatchError) as ei:
        strategic_merge_patch(_deployment(), patch, *DEPLOY)
    assert ei.value.message == "map: map[image:x] does not contain declared merge key: name"


def test_smp_custom_resources_are_rejected_with_415() -> None:
    with pytest.raises(PatchError) as ei:
        strategic_merge_patch({"spec": {}}, {"spec": {"a": 1}}, "example.com", "v1", "Widget")
    status = ei.value.to_status_error()
    assert (status.code, status.reason, status.message) == (415, "UnsupportedMediaType", CRD_SMP_UNSUPPORTED)


def test_apply_patch_dispatches_on_content_type() -> None:
    obj = _deployment()
    assert (
        apply_patch(obj, [{"op": "replace", "path": "/spec/replicas", "value": 3}], JSON_PATCH, *DEPLOY)[
            "spec"
        ]["replicas"]
        == 3
    )
    assert apply_patch(obj, {"spec": {"replicas": 4}}, MERGE_PATCH, *DEPLOY)["spec"]["replicas"] == 4
    assert (
        apply_patch(obj, {"spec": {"replicas": 5}}, STRATEGIC_MERGE_PATCH, *DEPLOY)["spec"]["replicas"] == 5
    )


def test_go_helpers() -> None:
    assert go_v({"b": 1, "a": [True, None, 1.5]}) == "map[a:[true <nil> 1.5] b:1]"
    assert deep_equal({"a": [1]}, {"a": [1]})
    assert not deep_equal(1, 1.0)
    assert not deep_equal(1, True)
