"""The v1.32 enum overlay: ``enum`` lists and "Possible enum values" descriptions merged into the schemas.

Expected texts come from the real served v1.32 OpenAPI (``kubectl explain`` on a v1.32 cluster, and
client libraries generated from a served spec) and from the Go ``+enum`` types in
``staging/src/k8s.io/api/*/v1/types.go``.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from k8stutor.engine import schema
from k8stutor.engine.cluster import Cluster
from k8stutor.kubectl.main import Kubectl

ROOT = Path(__file__).resolve().parents[1]
CORE = "io.k8s.api.core.v1."

# `kubectl explain pod.spec.restartPolicy` against a real v1.32 API server.
REAL_RESTART_POLICY = "\n".join(
    [
        "KIND:       Pod",
        "VERSION:    v1",
        "",
        "FIELD: restartPolicy <string>",
        "ENUM:",
        "    Always",
        "    Never",
        "    OnFailure",
        "",
        "DESCRIPTION:",
        "    Restart policy for all containers within the pod. One of Always, OnFailure,",
        "    Never. In some contexts, only a subset of those values may be permitted.",
        "    Default to Always. More info:",
        "    https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy",
        "    ",
        "    Possible enum values:",
        '     - `"Always"`',
        '     - `"Never"`',
        '     - `"OnFailure"`',
        "",
    ]
)


def _entry(definition: str, prop: str) -> dict[str, Any]:
    return schema.enum_overlay()[definition][prop]


@pytest.mark.parametrize(
    ("definition", "prop", "values"),
    [
        (CORE + "PodSpec", "restartPolicy", ["Always", "Never", "OnFailure"]),
        (CORE + "PodSpec", "dnsPolicy", ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]),
        (CORE + "PodSpec", "preemptionPolicy", ["Never", "PreemptLowerPriority"]),
        (CORE + "Container", "imagePullPolicy", ["Always", "IfNotPresent", "Never"]),
        (CORE + "Container", "terminationMessagePolicy", ["FallbackToLogsOnError", "File"]),
        (CORE + "EphemeralContainer", "imagePullPolicy", ["Always", "IfNotPresent", "Never"]),
        (CORE + "ServiceSpec", "type", ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]),
        (CORE + "ServiceSpec", "sessionAffinity", ["ClientIP", "None"]),
        (CORE + "ServiceSpec", "externalTrafficPolicy", ["Cluster", "Local"]),
        (CORE + "ServiceSpec", "internalTrafficPolicy", ["Cluster", "Local"]),
        (CORE + "ServiceSpec", "ipFamilyPolicy", ["PreferDualStack", "RequireDualStack", "SingleStack"]),
        (CORE + "ServicePort", "protocol", ["SCTP", "TCP", "UDP"]),
        ("io.k8s.api.apps.v1.DeploymentStrategy", "type", ["Recreate", "RollingUpdate"]),
        ("io.k8s.api.apps.v1.StatefulSetSpec", "podManagementPolicy", ["OrderedReady", "Parallel"]),
        ("io.k8s.api.batch.v1.JobSpec", "completionMode", ["Indexed", "NonIndexed"]),
        ("io.k8s.api.batch.v1.JobSpec", "podReplacementPolicy", ["Failed", "TerminatingOrFailed"]),
        ("io.k8s.api.batch.v1.CronJobSpec", "concurrencyPolicy", ["Allow", "Forbid", "Replace"]),
        ("io.k8s.api.batch.v1.PodFailurePolicyRule", "action", ["Count", "FailIndex", "FailJob", "Ignore"]),
        (CORE + "Toleration", "operator", ["Equal", "Exists"]),
        (CORE + "Toleration", "effect", ["NoExecute", "NoSchedule", "PreferNoSchedule"]),
        (CORE + "NodeSelectorRequirement", "operator", ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"]),
        (CORE + "PersistentVolumeSpec", "persistentVolumeReclaimPolicy", ["Delete", "Recycle", "Retain"]),
        (CORE + "HTTPGetAction", "scheme", ["HTTP", "HTTPS"]),
        (
            CORE + "HostPathVolumeSource",
            "type",
            [
                "",
                "BlockDevice",
                "CharDevice",
                "Directory",
                "DirectoryOrCreate",
                "File",
                "FileOrCreate",
                "Socket",
            ],
        ),
        (CORE + "PodStatus", "phase", ["Failed", "Pending", "Running", "Succeeded", "Unknown"]),
        ("io.k8s.api.networking.v1.NetworkPolicyPort", "protocol", ["SCTP", "TCP", "UDP"]),
    ],
)
def test_enum_values_of_well_known_fields(definition: str, prop: str, values: list[str]) -> None:
    entry = _entry(definition, prop)
    assert entry["enum"] == values
    listed = re.findall(
        r'^ - `"(.*?)"`', entry["description"].split("\n\nPossible enum values:\n", 1)[1], re.M
    )
    assert listed == values


def test_restart_policy_description_is_the_served_one() -> None:
    desc = _entry(CORE + "PodSpec", "restartPolicy")["description"]
    assert desc == (
        "Restart policy for all containers within the pod. One of Always, OnFailure, Never. In some contexts, "
        "only a subset of those values may be permitted. Default to Always. More info: "
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy\n\n"
        'Possible enum values:\n - `"Always"`\n - `"Never"`\n - `"OnFailure"`'
    )


def test_per_value_texts_match_served_specs() -> None:
    # Verbatim descriptions from client code generated from a served spec (Toleration, ScopedResourceSelector,
    # SeccompProfile) and from `kubectl explain` output (imagePullPolicy, sessionAffinity).
    assert _entry(CORE + "Toleration", "effect")["description"] == (
        "Effect indicates the taint effect to match. Empty means match all taint effects. When specified, "
        "allowed values are NoSchedule, PreferNoSchedule and NoExecute.\n\nPossible enum values:\n"
        ' - `"NoExecute"` Evict any already-running pods that do not tolerate the taint. Currently enforced by '
        "NodeController.\n"
        ' - `"NoSchedule"` Do not allow new pods to schedule onto the node unless they tolerate the taint, but '
        "allow all pods submitted to Kubelet without going through the scheduler to start, and allow all "
        "already-running pods to continue running. Enforced by the scheduler.\n"
        ' - `"PreferNoSchedule"` Like TaintEffectNoSchedule, but the scheduler tries not to schedule new pods '
        "onto the node, rather than prohibiting new pods from scheduling onto the node entirely. Enforced by the "
        "scheduler."
    )
    assert _entry(CORE + "Toleration", "operator")["description"].endswith(
        'Possible enum values:\n - `"Equal"`\n - `"Exists"`'
    )
    assert _entry(CORE + "ScopedResourceSelectorRequirement", "operator")["description"] == (
        "Represents a scope's relationship to a set of values. Valid operators are In, NotIn, Exists, "
        'DoesNotExist.\n\nPossible enum values:\n - `"DoesNotExist"`\n - `"Exists"`\n - `"In"`\n - `"NotIn"`'
    )
    assert _entry(CORE + "SeccompProfile", "type")["description"] == (
        "type indicates which kind of seccomp profile will be applied. Valid options are:\n\n"
        "Localhost - a profile defined in a file on the node should be used. RuntimeDefault - the container "
        "runtime default profile should be used. Unconfined - no profile should be applied.\n\n"
        "Possible enum values:\n"
        ' - `"Localhost"` indicates a profile defined in a file on the node should be used. The file\'s location '
        "relative to <kubelet-root-dir>/seccomp.\n"
        ' - `"RuntimeDefault"` represents the default container runtime seccomp profile.\n'
        ' - `"Unconfined"` indicates no seccomp profile is applied (A.K.A. unconfined).'
    )
    pull = _entry(CORE + "Container", "imagePullPolicy")["description"]
    assert (
        ' - `"Always"` means that kubelet always attempts to pull the latest image. Container will fail If the pull fails.\n'
        in pull
    )
    # The const name is trimmed from the start of its comment ("ServiceAffinityNone - no session affinity.").
    assert _entry(CORE + "ServiceSpec", "sessionAffinity")["description"].endswith(
        ' - `"ClientIP"` is the Client IP based.\n - `"None"` - no session affinity.'
    )
    assert (
        ' - `"Failed"` means to wait until a previously created Pod is fully terminated'
        in _entry("io.k8s.api.batch.v1.JobSpec", "podReplacementPolicy")["description"]
    )


def test_descriptions_extend_the_bundled_ones() -> None:
    bundled = schema.bundled_definitions()
    overlay = schema.enum_overlay()
    assert sum(len(p) for p in overlay.values()) >= 50
    for def_name, props in overlay.items():
        for prop, entry in props.items():
            base = bundled[def_name]["properties"][prop]
            assert "enum" not in base
            prefix = base.get("description", "")
            assert entry["description"].startswith(
                prefix + "\n\nPossible enum values:\n" if prefix else "Possible"
            )
            assert entry["enum"] == sorted(entry["enum"])


def test_definitions_carry_the_overlay() -> None:
    spec = schema.definition(CORE + "Container")["properties"]
    assert spec["imagePullPolicy"]["enum"] == ["Always", "IfNotPresent", "Never"]
    assert "Possible enum values:" in spec["imagePullPolicy"]["description"]
    svc = schema.definition(CORE + "ServiceSpec")["properties"]
    assert svc["type"]["enum"] == ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
    # Lists and maps of enum types get no enum (kube-openapi only tags the field's own type).
    assert "enum" not in schema.definition(CORE + "PersistentVolumeClaimSpec")["properties"]["accessModes"]
    assert "enum" not in svc["ipFamilies"]
    # Types without the +enum tag stay plain strings.
    assert "enum" not in schema.definition(CORE + "PodCondition")["properties"]["type"]
    assert "enum" not in schema.definition(CORE + "LoadBalancerIngress")["properties"]["ipMode"]
    assert "enum" not in schema.definition(CORE + "EmptyDirVolumeSource")["properties"]["medium"]


def test_generator_reproduces_the_asset() -> None:
    spec = importlib.util.spec_from_file_location("gen_schema_enums", ROOT / "tools" / "gen_schema_enums.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    on_disk = json.loads((ROOT / "assets" / "schema" / "enums-v1.32.json").read_text(encoding="utf-8"))
    assert module.overlay() == on_disk
    # kube-openapi enumValue.Description: trim the const name, collapse whitespace, no trailing blank.
    assert (
        module.value_line("PullNever", "Never", "PullNever means  that\n kubelet")
        == ' - `"Never"` means that kubelet'
    )
    assert module.value_line("RestartPolicyAlways", "Always", "") == ' - `"Always"`'


def test_kubectl_explain_restart_policy_matches_real_output() -> None:
    out = Kubectl(Cluster()).run(["explain", "pod.spec.restartPolicy"]).stdout
    assert out.startswith(REAL_RESTART_POLICY)


def test_kubectl_explain_shows_enum_block_for_deployment_strategy() -> None:
    out = Kubectl(Cluster()).run(["explain", "deploy.spec.strategy.type"]).stdout
    assert "FIELD: type <string>\nENUM:\n    Recreate\n    RollingUpdate\n\nDESCRIPTION:\n" in out
    assert '     - `"Recreate"` Kill all existing pods before creating new ones.\n' in out
