"""Pod Security admission: the ``pod-security.kubernetes.io/enforce`` level of a namespace, checked on pod create.

Checks run in check-ID order, as the real evaluator reports them; the denial names the level and version:
``violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (...), ...``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..store import Store
from .limitranger import admission_name, forbidden

LEVELS = ("privileged", "baseline", "restricted")
BASELINE_CAPS = {
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
}
RESTRICTED_VOLUMES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}


def _names(names: list[str]) -> str:
    quoted = ", ".join(f'"{n}"' for n in names)
    return f"container {quoted}" if len(names) == 1 else f"containers {quoted}"


def _containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod.get("spec") or {}
    return [
        c
        for k in ("initContainers", "containers", "ephemeralContainers")
        for c in spec.get(k) or []
        if isinstance(c, dict)
    ]


def _sc(c: dict[str, Any]) -> dict[str, Any]:
    return c.get("securityContext") or {}


def _psc(pod: dict[str, Any]) -> dict[str, Any]:
    return (pod.get("spec") or {}).get("securityContext") or {}


def c_allow_priv_esc(pod: dict[str, Any]) -> str:
    bad = [c.get("name", "") for c in _containers(pod) if _sc(c).get("allowPrivilegeEscalation") is not False]
    return (
        f"allowPrivilegeEscalation != false ({_names(bad)} must set securityContext.allowPrivilegeEscalation=false)"
        if bad
        else ""
    )


def c_caps_baseline(pod: dict[str, Any]) -> str:
    bad: list[str] = []
    caps: list[str] = []
    for c in _containers(pod):
        extra = [x for x in ((_sc(c).get("capabilities") or {}).get("add") or []) if x not in BASELINE_CAPS]
        if extra:
            bad.append(c.get("name", ""))
            caps += [x for x in extra if x not in caps]
    if not bad:
        return ""
    return (
        f"non-default capabilities ({_names(bad)} must not include "
        + ", ".join(f'"{x}"' for x in sorted(caps))
        + " in securityContext.capabilities.add)"
    )


def c_caps_restricted(pod: dict[str, Any]) -> str:
    bad = [
        c.get("name", "")
        for c in _containers(pod)
        if "ALL" not in ((_sc(c).get("capabilities") or {}).get("drop") or [])
    ]
    return (
        f'unrestricted capabilities ({_names(bad)} must set securityContext.capabilities.drop=["ALL"])'
        if bad
        else ""
    )


def c_host_namespaces(pod: dict[str, Any]) -> str:
    spec = pod.get("spec") or {}
    on = [f"{k}=true" for k in ("hostNetwork", "hostPID", "hostIPC") if spec.get(k)]
    return f"host namespaces ({', '.join(on)})" if on else ""


def c_host_path(pod: dict[str, Any]) -> str:
    vols = [v.get("name", "") for v in (pod.get("spec") or {}).get("volumes") or [] if "hostPath" in v]
    if not vols:
        return ""
    return f"hostPath volumes ({'volume' if len(vols) == 1 else 'volumes'} {', '.join(repr(v).replace(chr(39), chr(34)) for v in vols)})"


def c_host_ports(pod: dict[str, Any]) -> str:
    bad, ports = [], []
    for c in _containers(pod):
        hp = [p.get("hostPort") for p in c.get("ports") or [] if p.get("hostPort")]
        if hp:
            bad.append(c.get("name", ""))
            ports += [str(p) for p in hp]
    return (
        f"hostPort ({_names(bad)} {'uses hostPort' if len(ports) == 1 else 'use hostPorts'} {', '.join(ports)})"
        if bad
        else ""
    )


def c_privileged(pod: dict[str, Any]) -> str:
    bad = [c.get("name", "") for c in _containers(pod) if _sc(c).get("privileged")]
    return f"privileged ({_names(bad)} must not set securityContext.privileged=true)" if bad else ""


def c_restricted_volumes(pod: dict[str, Any]) -> str:
    bad = []
    kinds: list[str] = []
    for v in (pod.get("spec") or {}).get("volumes") or []:
        for k in v:
            if k != "name" and k not in RESTRICTED_VOLUMES:
                bad.append(v.get("name", ""))
                if k not in kinds:
                    kinds.append(k)
    if not bad:
        return ""
    return (
        f"restricted volume types ({'volume' if len(bad) == 1 else 'volumes'} "
        + ", ".join(f'"{b}"' for b in bad)
        + f" {'uses' if len(bad) == 1 else 'use'} restricted volume type"
        + ("" if len(kinds) == 1 else "s")
        + " "
        + ", ".join(f'"{k}"' for k in kinds)
        + ")"
    )


def c_run_as_non_root(pod: dict[str, Any]) -> str:
    pod_level = _psc(pod).get("runAsNonRoot")
    if pod_level is False:
        return "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)"
    bad = [
        c.get("name", "")
        for c in _containers(pod)
        if _sc(c).get("runAsNonRoot") is not True and not (pod_level is True and "runAsNonRoot" not in _sc(c))
    ]
    if not bad:
        return ""
    who = "pod or " + _names(bad) if pod_level is None else _names(bad)
    return f"runAsNonRoot != true ({who} must set securityContext.runAsNonRoot=true)"


def c_run_as_user(pod: dict[str, Any]) -> str:
    if _psc(pod).get("runAsUser") == 0:
        return "runAsUser=0 (pod must not set runAsUser=0)"
    bad = [c.get("name", "") for c in _containers(pod) if _sc(c).get("runAsUser") == 0]
    return f"runAsUser=0 ({_names(bad)} must not set runAsUser=0)" if bad else ""


def c_seccomp_restricted(pod: dict[str, Any]) -> str:
    pod_type = (_psc(pod).get("seccompProfile") or {}).get("type")
    if pod_type == "Unconfined":
        return 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")'
    bad = [
        c.get("name", "")
        for c in _containers(pod)
        if (_sc(c).get("seccompProfile") or {}).get("type") not in ("RuntimeDefault", "Localhost")
        and not (pod_type in ("RuntimeDefault", "Localhost") and "seccompProfile" not in _sc(c))
    ]
    if not bad:
        return ""
    who = "pod or " + _names(bad) if pod_type is None else _names(bad)
    return f'seccompProfile ({who} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")'


Check = Callable[[dict[str, Any]], str]
# (id, minimum level it belongs to, check) in check-ID order.
CHECKS: list[tuple[str, str, Check]] = [
    ("allowPrivilegeEscalation", "restricted", c_allow_priv_esc),
    ("capabilities_baseline", "baseline", c_caps_baseline),
    ("capabilities_restricted", "restricted", c_caps_restricted),
    ("hostNamespaces", "baseline", c_host_namespaces),
    ("hostPathVolumes", "baseline", c_host_path),
    ("hostPorts", "baseline", c_host_ports),
    ("privileged", "baseline", c_privileged),
    ("restrictedVolumes", "restricted", c_restricted_volumes),
    ("runAsNonRoot", "restricted", c_run_as_non_root),
    ("runAsUser", "restricted", c_run_as_user),
    ("seccompProfile_restricted", "restricted", c_seccomp_restricted),
]


def evaluate(pod: dict[str, Any], level: str) -> list[str]:
    """The violations of ``level`` (empty when the pod passes), each ``reason (detail)``."""
    if level not in LEVELS or level == "privileged":
        return []
    out = []
    for check_id, lvl, fn in CHECKS:
        if level == "baseline" and lvl != "baseline":
            continue
        if check_id == "hostPathVolumes" and level == "restricted":
            # restrictedVolumes overrides the baseline hostPath check at the restricted level.
            continue
        msg = fn(pod)
        if msg:
            out.append(msg)
    return out


def forbidden_reason(problems: list[str]) -> str:
    """``AggregateCheckResult.ForbiddenReason``: the reasons without their details."""
    return ", ".join(p.split(" (", 1)[0] for p in problems)


# Workload resources whose pod template PodSecurity checks for warn (never enforce).
POD_CONTROLLERS = {
    "deployments.apps",
    "replicasets.apps",
    "statefulsets.apps",
    "daemonsets.apps",
    "jobs.batch",
    "cronjobs.batch",
    "replicationcontrollers",
    "podtemplates",
}


def policy(labels: dict[str, Any], mode: str) -> tuple[str, str]:
    """The (level, version) of ``mode`` ("enforce", "warn", "audit") from namespace labels (privileged:latest)."""
    level = labels.get(f"pod-security.kubernetes.io/{mode}") or "privileged"
    version = labels.get(f"pod-security.kubernetes.io/{mode}-version") or "latest"
    return (level if level in LEVELS else "privileged"), version


def _template(gr: str, obj: dict[str, Any]) -> dict[str, Any] | None:
    """The pod(-like) part of a workload object: {"metadata", "spec"} of its template."""
    spec = obj.get("spec") or {}
    if gr == "podtemplates":
        tmpl = obj.get("template")
    elif gr == "cronjobs.batch":
        tmpl = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template")
    else:
        tmpl = spec.get("template")
    return tmpl if isinstance(tmpl, dict) else None


def pods_in_namespace_warnings(
    pods: list[dict[str, Any]], namespace: str, level: str, version: str
) -> list[str]:
    """``EvaluatePodsInNamespace``: the warnings when a namespace's enforce level changes."""
    first: dict[str, str] = {}
    count: dict[str, int] = {}
    order: list[str] = []
    for pod in pods:
        problems = evaluate(pod, level)
        if not problems:
            continue
        reason = forbidden_reason(problems)
        name = (pod.get("metadata") or {}).get("name", "")
        if reason not in count:
            order.append(reason)
            first[reason], count[reason] = name, 0
        elif name < first[reason]:
            first[reason] = name
        count[reason] += 1
    if not order:
        return []
    decorated = []
    for reason in order:
        n = count[reason]
        who = (
            first[reason]
            if n == 1
            else (
                f"{first[reason]} (and 1 other pod)"
                if n == 2
                else f"{first[reason]} (and {n - 1} other pods)"
            )
        )
        decorated.append(f"{who}: {reason}")
    return [
        f'existing pods in namespace "{namespace}" violate the new PodSecurity enforce level '
        f'"{level}:{version}"',
        *sorted(decorated),
    ]


class PodSecurity:
    """``PodSecurity``: enforce the namespace's level on pod create, warn on pods and workload templates, and
    check existing pods when a namespace's enforce label changes (warnings go to ``warn``)."""

    name = "PodSecurity"

    def __init__(self, store: Store, warn: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.warn = warn or (lambda _text: None)

    def _labels(self, ns_name: str) -> dict[str, Any]:
        ns = self.store.get("namespaces", "", ns_name)
        return ((ns or {}).get("metadata") or {}).get("labels") or {}

    def __call__(
        self, op: str, rt: Any, obj: dict[str, Any], old: dict[str, Any] | None, user: Any
    ) -> dict[str, Any] | None:
        """The admission hook."""
        gr = rt.group_resource
        if gr == "namespaces":
            if op == "UPDATE" and old is not None:
                self._namespace_update(obj, old)
            return None
        if gr != "pods" and gr not in POD_CONTROLLERS:
            return None
        ns_name = (obj.get("metadata") or {}).get("namespace") or "default"
        labels = self._labels(ns_name)
        if not any(k.startswith("pod-security.kubernetes.io/") for k in labels):
            return None
        if gr == "pods":
            if op != "CREATE" and not _significant_pod_update(obj, old):
                return None
            pod: dict[str, Any] | None = obj
            level, version = policy(labels, "enforce")
            problems = evaluate(obj, level)
            if problems:
                text = f'violates PodSecurity "{level}:{version}": ' + ", ".join(problems)
                raise forbidden("pods", admission_name(obj), [text])
            enforced = (level, version)
        else:
            if old is not None and _only_replicas_changed(obj, old):
                return None  # what the scale subresource would have done: PodSecurity skips subresources
            pod = _template(gr, obj)
            enforced = None
        if pod is None:
            return None
        wlevel, wversion = policy(labels, "warn")
        if (wlevel, wversion) != enforced:
            problems = evaluate(pod, wlevel)
            if problems:
                self.warn(f'would violate PodSecurity "{wlevel}:{wversion}": ' + ", ".join(problems))
        return None

    def _namespace_update(self, new: dict[str, Any], old: dict[str, Any]) -> None:
        new_labels = (new.get("metadata") or {}).get("labels") or {}
        old_labels = (old.get("metadata") or {}).get("labels") or {}
        level, version = policy(new_labels, "enforce")
        old_level, old_version = policy(old_labels, "enforce")
        if (level, version) == (old_level, old_version) or level == "privileged":
            return
        if version == old_version and LEVELS.index(level) <= LEVELS.index(old_level):
            return
        name = (new.get("metadata") or {}).get("name", "")
        pods = self.store.list("pods", name)
        for text in pods_in_namespace_warnings(pods, name, level, version):
            self.warn(text)


def _significant_pod_update(new: dict[str, Any], old: dict[str, Any] | None) -> bool:
    """``isSignificantPodUpdate``: only image (or container count) changes are re-evaluated."""
    if old is None:
        return True
    ns, os_ = new.get("spec") or {}, old.get("spec") or {}
    for key in ("containers", "initContainers"):
        a, b = ns.get(key) or [], os_.get(key) or []
        if len(a) != len(b) or any(x.get("image") != y.get("image") for x, y in zip(a, b, strict=True)):
            return True
    return False


def _only_replicas_changed(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """An update that only changes ``spec.replicas`` (``kubectl scale``)."""
    ns, os_ = dict(new.get("spec") or {}), dict(old.get("spec") or {})
    if ns.get("replicas") == os_.get("replicas"):
        return False
    ns.pop("replicas", None)
    os_.pop("replicas", None)
    return ns == os_ and (new.get("metadata") or {}).get("labels") == (old.get("metadata") or {}).get(
        "labels"
    )
