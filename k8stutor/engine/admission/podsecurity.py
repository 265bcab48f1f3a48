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
BASELINE_CAPS = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
                 "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                      "projected", "secret"}


def _names(names: list[str]) -> str:
    quoted = ", ".join(f'"{n}"' for n in names)
    return f"container {quoted}" if len(names) == 1 else f"containers {quoted}"


def _containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod.get("spec") or {}
    return [c for k in ("initContainers", "containers", "ephemeralContainers") for c in spec.get(k) or []
            if isinstance(c, dict)]


def _sc(c: dict[str, Any]) -> dict[str, Any]:
    return c.get("securityContext") or {}


def _psc(pod: dict[str, Any]) -> dict[str, Any]:
    return (pod.get("spec") or {}).get("securityContext") or {}


def c_allow_priv_esc(pod: dict[str, Any]) -> str:
    bad = [c.get("name", "") for c in _containers(pod) if _sc(c).get("allowPrivilegeEscalation") is not False]
    return f"allowPrivilegeEscalation != false ({_names(bad)} must set securityContext.allowPrivilegeEscalation=false)" \
        if bad else ""


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
    return f"non-default capabilities ({_names(bad)} must not include " + ", ".join(
        f'"{x}"' for x in sorted(caps)) + " in securityContext.capabilities.add)"


def c_caps_restricted(pod: dict[str, Any]) -> str:
    bad = [c.get("name", "") for c in _containers(pod)
           if "ALL" not in ((_sc(c).get("capabilities") or {}).get("drop") or [])]
    return f'unrestricted capabilities ({_names(bad)} must set securityContext.capabilities.drop=["ALL"])' \
        if bad else ""


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
    return f"hostPort ({_names(bad)} {'uses hostPort' if len(ports) == 1 else 'use hostPorts'} {', '.join(ports)})" \
        if bad else ""


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
    return (f"restricted volume types ({'volume' if len(bad) == 1 else 'volumes'} "
            + ", ".join(f'"{b}"' for b in bad) + f" {'uses' if len(bad) == 1 else 'use'} restricted volume type"
            + ("" if len(kinds) == 1 else "s") + " " + ", ".join(f'"{k}"' for k in kinds) + ")")


def c_run_as_non_root(pod: dict[str, Any]) -> str:
    pod_level = _psc(pod).get("runAsNonRoot")
    if pod_level is False:
        return 'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)'
    bad = [c.get("name", "") for c in _containers(pod)
           if _sc(c).get("runAsNonRoot") is not True and not (pod_level is True and "runAsNonRoot" not in _sc(c))]
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
    bad = [c.get("name", "") for c in _containers(pod)
           if (_sc(c).get("seccompProfile") or {}).get("type") not in ("RuntimeDefault", "Localhost")
           and not (pod_type in ("RuntimeDefault", "Localhost") and "seccompProfile" not in _sc(c))]
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
    """The violations of ``level`` (empty when the pod passes)."""
    if level not in LEVELS or level == "privileged":
        return []
    out = []
    for check_id, lvl, fn in CHECKS:
        if level == "baseline" and lvl != "baseline":
            continue
        if check_id == "restrictedVolumes" and c_host_path(pod):
            # hostPath is reported by the baseline check only.
            continue
        msg = fn(pod)
        if msg:
            out.append(msg)
    return out


class PodSecurity:
    """``PodSecurity``: enforce the namespace's level on pod create (warnings collected on ``warnings``)."""

    name = "PodSecurity"

    def __init__(self, store: Store) -> None:
        self.store = store
        self.warnings: list[str] = []

    def __call__(self, op: str, rt: Any, obj: dict[str, Any], old: dict[str, Any] | None,
                 user: Any) -> dict[str, Any] | None:
        """The admission hook."""
        if rt.group_resource != "pods" or op != "CREATE":
            return None
        ns_name = (obj.get("metadata") or {}).get("namespace") or "default"
        ns = self.store.get("namespaces", "", ns_name)
        labels = ((ns or {}).get("metadata") or {}).get("labels") or {}
        for mode in ("warn", "enforce"):
            level = labels.get(f"pod-security.kubernetes.io/{mode}")
            if not level:
                continue
            version = labels.get(f"pod-security.kubernetes.io/{mode}-version") or "latest"
            problems = evaluate(obj, level)
            if not problems:
                continue
            text = f'violates PodSecurity "{level}:{version}": ' + ", ".join(problems)
            if mode == "enforce":
                raise forbidden("pods", admission_name(obj), [text])
            self.warnings.append(f"would {text}")
        return None
