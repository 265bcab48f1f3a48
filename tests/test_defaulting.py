"""API-server defaulting and create-time Pod admission (FIDELITY.md §5; core/apps/batch v1 defaults.go)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from typing import Any

import pytest

from k8stutor.engine.api.admission_defaults import admit_pod
from k8stutor.engine.api.defaulting import apply_defaults, image_tag
from k8stutor.engine.errors import StatusError


def _pod(**spec: Any) -> dict[str, Any]:
    base = {"containers": [{"name": "web", "image": "nginx:1.27"}]}
    base.update(spec)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": base,
    }


@pytest.mark.parametrize(
    "image,policy",
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("localhost:5000/app", "Always"),  # a registry port is not a tag
        ("localhost:5000/app:v2", "IfNotPresent"),
        ("nginx@sha256:" + "a" * 64, "IfNotPresent"),
    ],
)
def test_image_pull_policy_by_tag(image: str, policy: str) -> None:
    pod = apply_defaults(_pod(containers=[{"name": "c", "image": image}]))
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_image_tag_parsing() -> None:
    assert image_tag("registry.example.com/team/app") == "latest"
    assert image_tag("busybox:1.36") == "1.36"
    assert image_tag("busybox@sha256:abc") == ""


def test_pod_defaults_fidelity_5_1() -> None:
    pod = apply_defaults(_pod())
    spec = pod["spec"]
    assert spec["restartPolicy"] == "Always"
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["securityContext"] == {}
    assert spec["enableServiceLinks"] is True
    c = spec["containers"][0]
    assert c["terminationMessagePath"] == "/dev/termination-log"
    assert c["terminationMessagePolicy"] == "File"
    assert c["resources"] == {}


def test_apply_defaults_does_not_mutate_input() -> None:
    pod = _pod()
    before = copy.deepcopy(pod)
    apply_defaults(pod)
    assert pod == before


def test_ports_probes_volumes() -> None:
    pod = apply_defaults(
        _pod(
            containers=[
                {
                    "name": "c",
                    "image": "nginx:1.27",
                    "ports": [{"containerPort": 80}],
                    "livenessProbe": {"httpGet": {"port": 80}},
                    "env": [{"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}],
                }
            ],
            volumes=[
                {"name": "scratch"},
                {"name": "cfg", "configMap": {"name": "app"}},
                {"name": "h", "hostPath": {"path": "/x"}},
            ],
        )
    )
    c = pod["spec"]["containers"][0]
    assert c["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert c["livenessProbe"] == {
        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }
    assert c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"
    vols = pod["spec"]["volumes"]
    assert vols[0] == {"name": "scratch", "emptyDir": {}}
    assert vols[1]["configMap"]["defaultMode"] == 420
    assert vols[2]["hostPath"] == {"path": "/x", "type": ""}


def test_requests_default_to_limits_on_pods_only() -> None:
    res = {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "250m"}}
    pod = apply_defaults(_pod(containers=[{"name": "c", "image": "nginx:1.27", "resources": res}]))
    assert pod["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "250m", "memory": "128Mi"}
    deploy = apply_defaults(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "d"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x", "resources": res}]}}},
        }
    )
    assert deploy["spec"]["template"]["spec"]["containers"][0]["resources"] == res
    assert "enableServiceLinks" not in deploy["spec"]["template"]["spec"]


def test_host_network_host_ports() -> None:
    pod = apply_defaults(
        _pod(hostNetwork=True, containers=[{"name": "c", "image": "x", "ports": [{"containerPort": 53}]}])
    )
    assert pod["spec"]["containers"][0]["ports"][0]["hostPort"] == 53


def test_deployment_defaults_fidelity_5_2() -> None:
    d = apply_defaults(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "n", "image": "nginx"}]},
                },
            },
        }
    )
    spec = d["spec"]
    assert spec["replicas"] == 3
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600
    tspec = spec["template"]["spec"]
    assert tspec["restartPolicy"] == "Always" and tspec["schedulerName"] == "default-scheduler"
    assert spec["template"]["metadata"]["creationTimestamp"] is None
    # Admission-only fields never reach templates.
    assert "serviceAccountName" not in tspec and "tolerations" not in tspec and "priority" not in tspec


def test_recreate_strategy_gets_no_rolling_update() -> None:
    d = apply_defaults(
        {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"strategy": {"type": "Recreate"}}}
    )
    assert d["spec"]["strategy"] == {"type": "Recreate"}


def test_statefulset_daemonset_replicaset_defaults() -> None:
    sts = apply_defaults({"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": {"template": {}}})["spec"]
    assert sts["replicas"] == 1
    assert sts["podManagementPolicy"] == "OrderedReady"
    assert sts["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert sts["revisionHistoryLimit"] == 10
    assert sts["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    ds = apply_defaults({"apiVersion": "apps/v1", "kind": "DaemonSet", "spec": {"template": {}}})["spec"]
    assert ds["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
    }
    assert ds["revisionHistoryLimit"] == 10
    rs = apply_defaults({"apiVersion": "apps/v1", "kind": "ReplicaSet", "spec": {"template": {}}})["spec"]
    assert rs["replicas"] == 1


def test_job_and_cronjob_defaults() -> None:
    job = apply_defaults(
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "spec": {
                "template": {
                    "spec": {"containers": [{"name": "c", "image": "busybox"}], "restartPolicy": "Never"}
                }
            },
        }
    )["spec"]
    assert (job["completions"], job["parallelism"], job["backoffLimit"]) == (1, 1, 6)
    assert job["completionMode"] == "NonIndexed"
    assert job["suspend"] is False
    assert job["podReplacementPolicy"] == "TerminatingOrFailed"
    assert job["template"]["spec"]["restartPolicy"] == "Never"
    assert "selector" not in job  # generated by the registry, not by defaulting
    # Only parallelism given: completions stays unset (work-queue job).
    wq = apply_defaults(
        {"apiVersion": "batch/v1", "kind": "Job", "spec": {"parallelism": 3, "template": {}}}
    )["spec"]
    assert "completions" not in wq and wq["parallelism"] == 3
    cj = apply_defaults(
        {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {}}}},
        }
    )["spec"]
    assert cj["concurrencyPolicy"] == "Allow"
    assert cj["suspend"] is False
    assert (cj["successfulJobsHistoryLimit"], cj["failedJobsHistoryLimit"]) == (3, 1)
    assert "backoffLimit" not in cj["jobTemplate"]["spec"]  # Job defaults do not apply to a jobTemplate
    assert cj["jobTemplate"]["spec"]["template"]["spec"]["dnsPolicy"] == "ClusterFirst"


def test_service_defaults_fidelity_5_3() -> None:
    svc = apply_defaults(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {"ports": [{"port": 80}], "selector": {"app": "web"}},
        }
    )
    spec = svc["spec"]
    assert spec["type"] == "ClusterIP"
    assert spec["sessionAffinity"] == "None"
    assert spec["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    assert spec["internalTrafficPolicy"] == "Cluster"
    assert "externalTrafficPolicy" not in spec and "clusterIP" not in spec
    assert svc["status"] == {"loadBalancer": {}}
    lb = apply_defaults(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "spec": {"type": "LoadBalancer", "ports": [{"port": 80, "targetPort": "http"}]},
        }
    )["spec"]
    assert lb["externalTrafficPolicy"] == "Cluster"
    assert lb["allocateLoadBalancerNodePorts"] is True
    assert lb["ports"][0]["targetPort"] == "http"
    ext = apply_defaults(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "spec": {"type": "ExternalName", "externalName": "example.com"},
        }
    )["spec"]
    assert "internalTrafficPolicy" not in ext
    affinity = apply_defaults(
        {"apiVersion": "v1", "kind": "Service", "spec": {"sessionAffinity": "ClientIP"}}
    )["spec"]
    assert affinity["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_namespace_secret_pv_pvc_rbac() -> None:
    ns = apply_defaults({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "dev"}
    assert ns["status"] == {"phase": "Active"}
    assert (
        apply_defaults({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}})["type"] == "Opaque"
    )
    pv = apply_defaults({"apiVersion": "v1", "kind": "PersistentVolume", "spec": {}})
    assert (
        pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain" and pv["spec"]["volumeMode"] == "Filesystem"
    )
    assert pv["status"] == {"phase": "Pending"}
    pvc = apply_defaults({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "spec": {}})
    assert pvc["spec"]["volumeMode"] == "Filesystem" and pvc["status"] == {"phase": "Pending"}
    rb = apply_defaults(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "roleRef": {"kind": "Role", "name": "r"},
            "subjects": [
                {"kind": "User", "name": "jane"},
                {"kind": "ServiceAccount", "name": "sa", "namespace": "d"},
            ],
        }
    )
    assert rb["roleRef"]["apiGroup"] == "rbac.authorization.k8s.io"
    assert rb["subjects"][0]["apiGroup"] == "rbac.authorization.k8s.io"
    assert rb["subjects"][1]["apiGroup"] == ""


def test_unknown_kinds_are_copied_unchanged() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "b"}}
    assert apply_defaults(cm) == cm


def test_defaulting_keeps_kubectl_run_output() -> None:
    """Everything ``kubectl run --dry-run=client`` writes survives defaulting unchanged."""
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl not installed")
    out = subprocess.run(
        ["kubectl", "run", "web", "--image=nginx:1.27", "--port=80", "--dry-run=client", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if out.returncode != 0:
        pytest.skip("kubectl run needs a server here")
    generated = json.loads(out.stdout)
    pod = apply_defaults(generated)
    assert pod["spec"]["containers"][0]["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert pod["metadata"] == generated["metadata"]


# --- admission -----------------------------------------------------------------------------------------------


def test_admission_adds_service_account_tolerations_priority() -> None:
    pod = admit_pod(
        apply_defaults(_pod(initContainers=[{"name": "init", "image": "busybox"}])), lambda: "x7k2p"
    )
    spec = pod["spec"]
    assert spec["serviceAccountName"] == "default" and spec["serviceAccount"] == "default"
    assert spec["priority"] == 0 and spec["preemptionPolicy"] == "PreemptLowerPriority"
    assert spec["enableServiceLinks"] is True
    assert spec["tolerations"] == [
        {
            "effect": "NoExecute",
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "tolerationSeconds": 300,
        },
        {
            "effect": "NoExecute",
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "tolerationSeconds": 300,
        },
    ]
    vol = spec["volumes"][-1]
    assert vol["name"] == "kube-api-access-x7k2p"
    assert vol["projected"]["defaultMode"] == 420
    assert vol["projected"]["sources"][0] == {
        "serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}
    }
    assert vol["projected"]["sources"][1]["configMap"]["name"] == "kube-root-ca.crt"
    mount = {
        "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
        "name": "kube-api-access-x7k2p",
        "readOnly": True,
    }
    assert spec["containers"][0]["volumeMounts"] == [mount]
    assert spec["initContainers"][0]["volumeMounts"] == [mount]


def test_admission_respects_existing_settings() -> None:
    pod = _pod(
        serviceAccountName="builder",
        automountServiceAccountToken=False,
        tolerations=[{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}],
    )
    out = admit_pod(pod, lambda: "aaaaa")
    assert out["spec"]["serviceAccountName"] == "builder"
    assert "volumes" not in out["spec"]
    assert [t["key"] for t in out["spec"]["tolerations"]] == [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ]
    assert pod["spec"].get("priority") is None  # input untouched
    # A toleration with an empty key and effect tolerates everything: nothing is added.
    wildcard = admit_pod(_pod(tolerations=[{"operator": "Exists"}]), lambda: "bbbbb")
    assert wildcard["spec"]["tolerations"] == [{"operator": "Exists"}]


def test_admission_priority_classes() -> None:
    crit = admit_pod(_pod(priorityClassName="system-cluster-critical"), lambda: "ccccc")
    assert crit["spec"]["priority"] == 2000000000
    with pytest.raises(StatusError) as exc:
        admit_pod(_pod(priorityClassName="gold"), lambda: "ddddd")
    assert exc.value.code == 403
    assert exc.value.message == 'pods "web" is forbidden: no PriorityClass with name gold was found'
    custom = admit_pod(
        _pod(priorityClassName="gold"), lambda: "eeeee", priority_classes={"gold": {"value": 1000}}
    )
    assert custom["spec"]["priority"] == 1000
