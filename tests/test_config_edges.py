"""The sharp edges of configuration and security: Secret ``stringData``, immutable ConfigMaps/Secrets
(ValidateConfigMapUpdate/ValidateSecretUpdate), API warnings (Pod Security, the deprecated Recycle policy) reaching
kubectl's stderr only for the user's own requests, and the kubelet's emptyDir ``sizeLimit`` eviction."""

from __future__ import annotations

import base64

import pytest

from k8stutor.engine.admission.podsecurity import evaluate, forbidden_reason, pods_in_namespace_warnings
from k8stutor.engine.api import validation
from k8stutor.engine.cluster import Cluster
from k8stutor.engine.errors import StatusError
from k8stutor.engine.kubelet.eviction import EMPTY_DIR_MESSAGE, size_limits
from k8stutor.kubectl.main import Kubectl

IMMUTABLE = "field is immutable when `immutable` is set"


def _pod(name: str, **container: object) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "c", "image": "nginx", **container}]},
    }


def test_string_data_is_merged_into_data_and_not_stored() -> None:
    secret = {"data": {"a": "b2xk", "keep": "eA=="}, "stringData": {"a": "new", "b": "plain"}}
    validation.merge_string_data(secret)
    assert secret == {
        "data": {
            "a": base64.b64encode(b"new").decode(),
            "keep": "eA==",
            "b": base64.b64encode(b"plain").decode(),
        }
    }
    c = Cluster()
    c.api.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"k": "v"}})
    stored = c.api.get("secrets", "s", "default")
    assert stored["data"] == {"k": "dg=="} and "stringData" not in stored
    stored["stringData"] = {"k": "w"}
    c.api.update(stored)
    assert c.api.get("secrets", "s", "default")["data"] == {"k": "dw=="}


def test_invalid_base64_is_a_decode_error() -> None:
    c = Cluster()
    with pytest.raises(StatusError) as e:
        c.api.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "abc$"}})
    assert e.value.code == 400
    assert e.value.message == (
        'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3'
    )


def test_immutable_config_map_and_secret_updates() -> None:
    k = Kubectl(Cluster())
    k.run(["create", "configmap", "cm", "--from-literal=a=1"])
    assert k.run(["patch", "cm", "cm", "-p", '{"immutable":true}']).exit_code == 0
    for patch, field in (
        ('{"data":{"a":"2"}}', "data"),
        ('{"binaryData":{"b":"AA=="}}', "binaryData"),
        ('{"immutable":false}', "immutable"),
    ):
        res = k.run(["patch", "cm", "cm", "-p", patch])
        assert res.stderr == f'The ConfigMap "cm" is invalid: {field}: Forbidden: {IMMUTABLE}\n'
    assert k.run(["label", "cm", "cm", "tier=web"]).stdout == "configmap/cm labeled\n"
    k.run(["create", "secret", "generic", "s", "--from-literal=a=1"])
    res = k.run(["patch", "secret", "s", "--type", "merge", "-p", '{"type":"kubernetes.io/basic-auth"}'])
    assert (
        res.stderr
        == 'The Secret "s" is invalid: type: Invalid value: "kubernetes.io/basic-auth": field is immutable\n'
    )


def test_immutable_source_is_not_watched_by_the_kubelet() -> None:
    c = Cluster()
    k = Kubectl(c)
    c.api.create(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "frozen"},
            "immutable": True,
            "data": {"k": "v1"},
        }
    )
    pod = _pod("p", command=["sleep", "3600"], volumeMounts=[{"name": "cfg", "mountPath": "/cfg"}])
    pod["spec"]["containers"][0]["image"] = "busybox:1.28"
    pod["spec"]["volumes"] = [{"name": "cfg", "configMap": {"name": "frozen"}}]
    c.api.create(pod)
    c.advance(10)
    assert k.run(["exec", "p", "--", "cat", "/cfg/k"]).stdout == "v1"
    c.api.delete("configmaps", "frozen", "default")
    c.api.create(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "frozen"}, "data": {"k": "v2"}}
    )
    c.advance(120)
    assert k.run(["exec", "p", "--", "cat", "/cfg/k"]).stdout == "v1"


def test_pod_security_restricted_reports_host_path_as_a_restricted_volume() -> None:
    pod = _pod(
        "p",
        securityContext={
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "runAsNonRoot": True,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    )
    pod["spec"]["volumes"] = [{"name": "h", "hostPath": {"path": "/x"}}]
    assert evaluate(pod, "restricted") == [
        'restricted volume types (volume "h" uses restricted volume type "hostPath")'
    ]
    assert evaluate(pod, "baseline") == ['hostPath volumes (volume "h")']
    assert forbidden_reason(evaluate(_pod("q"), "restricted")) == (
        "allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile"
    )


def test_existing_pod_warnings_name_the_first_pod_and_count_the_others() -> None:
    bad = [_pod(n) for n in ("web-b", "web-a", "web-c")] + [
        _pod("priv", securityContext={"privileged": True})
    ]
    warnings = pods_in_namespace_warnings(bad, "ns", "baseline", "latest")
    assert warnings == [
        'existing pods in namespace "ns" violate the new PodSecurity enforce level "baseline:latest"',
        "priv: privileged",
    ]
    warnings = pods_in_namespace_warnings(bad[:2], "ns", "restricted", "latest")
    assert warnings[1] == (
        "web-a (and 1 other pod): allowPrivilegeEscalation != false, unrestricted capabilities, "
        "runAsNonRoot != true, seccompProfile"
    )
    assert pods_in_namespace_warnings(bad[:3], "ns", "restricted", "latest")[1].startswith(
        "web-a (and 2 other pods)"
    )


def test_warnings_reach_kubectl_only_for_its_own_requests() -> None:
    c = Cluster()
    k = Kubectl(c)
    k.run(["label", "ns", "default", "pod-security.kubernetes.io/warn=baseline"])
    priv = {"securityContext": {"privileged": True}}
    dep = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"a": "b"}},
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [{"name": "c", "image": "nginx", **priv}]},
            },
        },
    }
    import json

    res = k.run(["apply", "-f", "-"], json.dumps(dep).encode())
    text = (
        'Warning: would violate PodSecurity "baseline:latest": privileged (container "c" must not set '
        "securityContext.privileged=true)\n"
    )
    # The Deployment's own warning, once: the ReplicaSet controller's pod creations keep theirs.
    assert res.stderr == text
    assert k.run(["scale", "deploy", "d", "--replicas=2"]).stderr == ""
    assert c.api.warning_handler is None


def test_recycle_policy_is_deprecated() -> None:
    k = Kubectl(Cluster())
    pv = (
        '{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv"},"spec":{"capacity":{"storage":'
        '"1Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Recycle","hostPath":{"path":"/d"}}}'
    )
    res = k.run(["create", "-f", "-"], pv.encode())
    assert res.stdout == "persistentvolume/pv created\n"
    assert res.stderr == (
        "Warning: spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the "
        "recommended approach is to use dynamic provisioning.\n"
    )


def test_size_limits_and_the_eviction_message() -> None:
    pod = {
        "spec": {
            "volumes": [
                {"name": "cache", "emptyDir": {"sizeLimit": "1024Ki"}},
                {"name": "zero", "emptyDir": {"sizeLimit": "0"}},
                {"name": "e", "emptyDir": {}},
            ]
        }
    }
    assert size_limits(pod) == [("cache", "1Mi", 1048576)]
    assert EMPTY_DIR_MESSAGE.format(volume="cache", limit="1Mi") == (
        'Usage of EmptyDir volume "cache" exceeds the limit "1Mi". '
    )


def test_memory_empty_dir_over_its_limit_evicts_the_pod() -> None:
    c = Cluster()
    pod = _pod(
        "filler",
        command=["sh", "-c", "sleep 15; seq 1 200000 > /cache/n; sleep 3600"],
        volumeMounts=[{"name": "cache", "mountPath": "/cache"}],
    )
    pod["spec"]["containers"][0]["image"] = "busybox:1.28"
    pod["spec"]["volumes"] = [{"name": "cache", "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}}]
    c.api.create(pod)
    c.advance(12)
    assert c.api.get("pods", "filler", "default")["status"]["phase"] == "Running"
    c.advance(20)
    status = c.api.get("pods", "filler", "default")["status"]
    assert (status["phase"], status["reason"]) == ("Failed", "Evicted")
    assert status["message"] == 'Usage of EmptyDir volume "cache" exceeds the limit "1Mi". '
    events = {
        e["reason"]: e
        for e in c.api.list_objects("events", "default")
        if e["involvedObject"]["name"] == "filler"
    }
    assert events["Evicted"]["type"] == "Warning" and events["Evicted"]["source"]["component"] == "kubelet"
    assert events["Killing"]["message"] == "Stopping container c"
