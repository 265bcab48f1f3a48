"""Mutating admission that runs on Pod create: ServiceAccount, DefaultTolerationSeconds and Priority.

Only Pods are admitted this way; pod templates (Deployments, Jobs ...) never get these fields, which is why a
Deployment's template stays small while its pods carry a service account volume and two tolerations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from k8stutor.engine.errors import StatusError
from k8stutor.engine.store import clone

SERVICE_ACCOUNT_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
DEFAULT_TOLERATION_SECONDS = 300

# PriorityClasses every cluster has (scheduling.k8s.io system classes).
SYSTEM_PRIORITY_CLASSES: dict[str, int] = {
    "system-node-critical": 2000001000,
    "system-cluster-critical": 2000000000,
}


def service_account_volume(name: str) -> dict[str, Any]:
    """The projected ``kube-api-access-*`` volume the ServiceAccount admission plugin adds."""
    return {
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {
                    "downwardAPI": {
                        "items": [
                            {
                                "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                "path": "namespace",
                            }
                        ]
                    }
                },
            ],
        },
    }


def _add_service_account(spec: dict[str, Any], rand5: Callable[[], str], sa_automount: bool | None) -> None:
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = spec.get("serviceAccount") or "default"
    # The v1 conversion mirrors the deprecated field on every read.
    spec["serviceAccount"] = spec["serviceAccountName"]
    automount = spec.get("automountServiceAccountToken")
    if automount is None:
        automount = True if sa_automount is None else sa_automount
    if not automount:
        return
    containers = [
        c for key in ("initContainers", "containers") for c in spec.get(key) or () if isinstance(c, dict)
    ]
    # A pod that already mounts something at the token path keeps its own volume.
    if any(
        isinstance(m, dict) and m.get("mountPath") == SERVICE_ACCOUNT_MOUNT_PATH
        for c in containers
        for m in c.get("volumeMounts") or ()
    ):
        return
    volumes = spec.get("volumes")
    if not isinstance(volumes, list):
        volumes = spec["volumes"] = []
    existing = {v.get("name") for v in volumes if isinstance(v, dict)}
    name = f"kube-api-access-{rand5()}"
    while name in existing:
        name = f"kube-api-access-{rand5()}"
    volumes.append(service_account_volume(name))
    for c in containers:
        mounts = c.get("volumeMounts")
        if not isinstance(mounts, list):
            mounts = c["volumeMounts"] = []
        mounts.append({"mountPath": SERVICE_ACCOUNT_MOUNT_PATH, "name": name, "readOnly": True})


def _add_default_tolerations(spec: dict[str, Any]) -> None:
    tolerations = spec.get("tolerations")
    if not isinstance(tolerations, list):
        tolerations = []
    not_ready = unreachable = False
    for t in tolerations:
        if not isinstance(t, dict):
            continue
        key, effect = t.get("key") or "", t.get("effect") or ""
        if effect in ("NoExecute", ""):
            not_ready = not_ready or key in ("node.kubernetes.io/not-ready", "")
            unreachable = unreachable or key in ("node.kubernetes.io/unreachable", "")
    for flag, key in (
        (not_ready, "node.kubernetes.io/not-ready"),
        (unreachable, "node.kubernetes.io/unreachable"),
    ):
        if not flag:
            tolerations.append(
                {
                    "effect": "NoExecute",
                    "key": key,
                    "operator": "Exists",
                    "tolerationSeconds": DEFAULT_TOLERATION_SECONDS,
                }
            )
    if tolerations:
        spec["tolerations"] = tolerations


def _add_priority(
    pod: dict[str, Any], spec: dict[str, Any], classes: Mapping[str, dict[str, Any]] | None
) -> None:
    name = spec.get("priorityClassName") or ""
    if not name:
        spec["priority"] = 0
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
        return
    pc = (classes or {}).get(name)
    if pc is None and name in SYSTEM_PRIORITY_CLASSES:
        pc = {"value": SYSTEM_PRIORITY_CLASSES[name], "preemptionPolicy": "PreemptLowerPriority"}
    if pc is None:
        pod_name = (pod.get("metadata") or {}).get("name", "")
        raise StatusError(
            403,
            "Forbidden",
            f'pods "{pod_name}" is forbidden: no PriorityClass with name {name} was found',
            {"name": pod_name, "kind": "pods"},
        )
    spec["priority"] = int(pc.get("value", 0))
    spec.setdefault("preemptionPolicy", pc.get("preemptionPolicy") or "PreemptLowerPriority")


def admit_pod(
    pod: dict[str, Any],
    rand5: Callable[[], str],
    service_account_automount: bool | None = None,
    priority_classes: Mapping[str, dict[str, Any]] | None = None,
    *,
    in_place: bool = False,
) -> dict[str, Any]:
    """Return a copy of ``pod`` with what create-time admission adds (SA volume, tolerations, priority).

    ``service_account_automount`` is the ServiceAccount's ``automountServiceAccountToken`` (None = unset);
    ``priority_classes`` maps PriorityClass names to objects (the system classes are always known).
    Raises StatusError(403) for an unknown priorityClassName, as the Priority plugin does.
    With ``in_place`` the caller's own private copy is admitted (no copy is made).
    """
    out = pod if in_place else clone(pod)
    spec = out.get("spec")
    if not isinstance(spec, dict):
        spec = out["spec"] = {}
    annotations = (out.get("metadata") or {}).get("annotations") or {}
    if MIRROR_POD_ANNOTATION not in annotations:
        _add_service_account(spec, rand5, service_account_automount)
    _add_default_tolerations(spec)
    _add_priority(out, spec, priority_classes)
    spec.setdefault("enableServiceLinks", True)
    return out
