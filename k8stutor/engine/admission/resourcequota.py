"""ResourceQuota: the admission plugin (charges and rejects) and the quota controller (recomputes ``status``).

Usage is evaluated per object kind as the real evaluators do (``pkg/quota/v1/evaluator/core``): pods count their
container requests/limits (init containers as their max), services their node ports and load balancers, claims
their storage requests (also per StorageClass), every other kind ``count/<resource>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..controllers.base import Controller, Key
from ..quantity import Quantity
from ..quantity import parse_or_none as _q
from ..store import Event, Store, clone
from .limitranger import admission_name, forbidden, pod_totals

if TYPE_CHECKING:
    from ..cluster import Cluster

QUOTAS = "resourcequotas"
COUNTED = {
    "pods": "pods",
    "services": "services",
    "configmaps": "configmaps",
    "secrets": "secrets",
    "persistentvolumeclaims": "persistentvolumeclaims",
    "replicationcontrollers": "replicationcontrollers",
    "resourcequotas": "resourcequotas",
}
VALIDATION = ("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory")


def _count_name(gr: str) -> str:
    return f"count/{gr}"


def pod_terminal(pod: dict[str, Any]) -> bool:
    """Succeeded/Failed pods stop counting against quota."""
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def usage(gr: str, obj: dict[str, Any]) -> dict[str, Quantity]:
    """The quota usage one object contributes (resource name -> quantity)."""
    one = Quantity.parse("1")
    out: dict[str, Quantity] = {_count_name(gr): one}
    if gr in COUNTED:
        out[COUNTED[gr]] = one
    if gr == "pods":
        spec = obj.get("spec") or {}
        for k, q in pod_totals(spec, "requests").items():
            out[f"requests.{k}"] = q
            if k in ("cpu", "memory", "ephemeral-storage"):
                out[k] = q
        for k, q in pod_totals(spec, "limits").items():
            out[f"limits.{k}"] = q
    elif gr == "services":
        spec = obj.get("spec") or {}
        stype = spec.get("type") or "ClusterIP"
        ports = len(spec.get("ports") or [])
        out["services.nodeports"] = Quantity.parse(str(ports if stype in ("NodePort", "LoadBalancer") else 0))
        out["services.loadbalancers"] = Quantity.parse("1" if stype == "LoadBalancer" else "0")
    elif gr == "persistentvolumeclaims":
        spec = obj.get("spec") or {}
        storage = _q(((spec.get("resources") or {}).get("requests") or {}).get("storage")) or Quantity()
        out["requests.storage"] = storage
        sc = spec.get("storageClassName")
        if sc:
            out[f"{sc}.storageclass.storage.k8s.io/requests.storage"] = storage
            out[f"{sc}.storageclass.storage.k8s.io/persistentvolumeclaims"] = one
    return out


def _matches_scopes(quota: dict[str, Any], gr: str, obj: dict[str, Any]) -> bool:
    scopes = (quota.get("spec") or {}).get("scopes") or []
    if not scopes:
        return True
    if gr != "pods":
        return False
    spec = obj.get("spec") or {}
    for s in scopes:
        terminating = spec.get("activeDeadlineSeconds") is not None
        besteffort = not any(
            (c.get("resources") or {}).get("requests") or (c.get("resources") or {}).get("limits")
            for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])
        )
        ok = {
            "Terminating": terminating,
            "NotTerminating": not terminating,
            "BestEffort": besteffort,
            "NotBestEffort": not besteffort,
        }.get(s, True)
        if not ok:
            return False
    return True


def _pretty(d: dict[str, Quantity]) -> str:
    return ",".join(f"{k}={d[k]}" for k in sorted(d))


def _missing(spec: dict[str, Any], required: set[str]) -> str:
    """``podEvaluator.Constraints``: containers that must state a request/limit the quota constrains."""
    missing: dict[str, set[str]] = {}
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        res = c.get("resources") or {}
        reqs, lims = res.get("requests") or {}, res.get("limits") or {}
        for r in required:
            if r.startswith("limits."):
                if r[7:] not in lims:
                    missing.setdefault(r, set()).add(c.get("name", ""))
            else:
                base = r[9:] if r.startswith("requests.") else r
                if base not in reqs:
                    missing.setdefault(r, set()).add(c.get("name", ""))
    if not missing:
        return ""
    return "must specify " + "; ".join(f"{r} for: {','.join(sorted(missing[r]))}" for r in sorted(missing))


class ResourceQuotaAdmission:
    """``ResourceQuota``: reject a create that would exceed a quota in its namespace, else charge it."""

    name = "ResourceQuota"

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def __call__(
        self, op: str, rt: Any, obj: dict[str, Any], old: dict[str, Any] | None, user: Any
    ) -> dict[str, Any] | None:
        """The admission hook (CREATE only: updates do not change what these evaluators count)."""
        if op != "CREATE" or not rt.namespaced:
            return None
        ns = (obj.get("metadata") or {}).get("namespace") or "default"
        quotas = self.cluster.store.list(QUOTAS, ns)
        if not quotas:
            return None
        gr = rt.group_resource
        delta = usage(gr, obj)
        charges: list[tuple[dict[str, Any], dict[str, Quantity]]] = []
        name = admission_name(obj)
        for quota in quotas:
            if not _matches_scopes(quota, gr, obj):
                continue
            hard = (quota.get("spec") or {}).get("hard") or {}
            interesting = [k for k in delta if k in hard]
            if gr == "pods":
                required = {k for k in hard if k in VALIDATION}
                msg = _missing(obj.get("spec") or {}, required)
                if msg:
                    raise forbidden(
                        rt.plural, name, [f"failed quota: {quota['metadata']['name']}: {msg}"], rt.group
                    )
            if not interesting:
                continue
            status = quota.get("status") or {}
            st_hard = status.get("hard") or {}
            if any(k not in st_hard for k in interesting):
                raise forbidden(
                    rt.plural,
                    name,
                    [
                        f"status unknown for quota: {quota['metadata']['name']}, "
                        f"resource: {','.join(sorted(interesting))}"
                    ],
                    rt.group,
                )
            used = {k: _q(v) or Quantity() for k, v in (status.get("used") or {}).items()}
            exceeded = []
            for k in interesting:
                limit = _q(st_hard[k])
                if limit is not None and (used.get(k, Quantity()) + delta[k]).amount > limit.amount:
                    exceeded.append(k)
            if exceeded:
                raise forbidden(
                    rt.plural,
                    name,
                    [
                        f"exceeded quota: {quota['metadata']['name']}, "
                        f"requested: {_pretty({k: delta[k] for k in exceeded})}, "
                        f"used: {_pretty({k: used.get(k, Quantity()) for k in exceeded})}, "
                        f"limited: {_pretty({k: _q(st_hard[k]) or Quantity() for k in exceeded})}"
                    ],
                    rt.group,
                )
            charges.append((quota, {k: delta[k] for k in interesting}))
        for quota, charge in charges:
            new = clone(quota)
            used_map = new.setdefault("status", {}).setdefault("used", {})
            for k, q in charge.items():
                cur = _q(used_map.get(k, "0")) or Quantity()
                used_map[k] = str(cur + q)
            self.cluster.api.update(new, subresource="status")
        return None


class ResourceQuotaController(Controller):
    """``resourcequota`` controller: ``status.hard``/``status.used`` recomputed from what exists."""

    name = "resourcequota"
    watches = (
        QUOTAS,
        "pods",
        "services",
        "persistentvolumeclaims",
        "configmaps",
        "secrets",
        "replicationcontrollers",
    )

    def on_event(self, ev: Event) -> None:
        """Any change in a namespace with quotas requeues those quotas."""
        ns = ev.object["metadata"].get("namespace", "") or ""
        if ev.resource == QUOTAS:
            self.queue.add((QUOTAS, ns, ev.object["metadata"]["name"]))
            return
        for q in self.cluster.store.list(QUOTAS, ns):
            self.queue.add((QUOTAS, ns, q["metadata"]["name"]))

    def reconcile(self, key: Key) -> None:
        """Recount usage for the quota's hard resources."""
        quota = self.cluster.store.get(QUOTAS, key[1], key[2])
        if quota is None:
            return
        hard = dict((quota.get("spec") or {}).get("hard") or {})
        used = compute_used(self.cluster.store, quota)
        status = {"hard": hard, "used": {k: str(used.get(k, Quantity())) for k in hard}}
        if quota.get("status") == status:
            return
        new = clone(quota)
        new["status"] = status
        self.cluster.api.update(new, subresource="status")


def compute_used(store: Store, quota: dict[str, Any]) -> dict[str, Quantity]:
    """Total usage in the quota's namespace for its hard resources."""
    ns = quota["metadata"].get("namespace", "")
    hard = (quota.get("spec") or {}).get("hard") or {}
    total: dict[str, Quantity] = {}
    kinds = {
        "pods",
        "services",
        "persistentvolumeclaims",
        "configmaps",
        "secrets",
        "replicationcontrollers",
        "resourcequotas",
    }
    for k in hard:
        if k.startswith("count/"):
            kinds.add(k[6:])
    for gr in kinds:
        if not any(
            k in hard or (gr == "persistentvolumeclaims" and ".storageclass." in k)
            for k in _possible_keys(gr) | set(hard)
        ):
            continue
        for obj in store.list(gr, ns):
            if gr == "pods" and pod_terminal(obj):
                continue
            if not _matches_scopes(quota, gr, obj):
                continue
            for k, q in usage(gr, obj).items():
                if k in hard:
                    total[k] = total.get(k, Quantity()) + q
    return total


def _possible_keys(gr: str) -> set[str]:
    keys = {_count_name(gr), COUNTED.get(gr, "")}
    if gr == "pods":
        keys |= {
            "cpu",
            "memory",
            "ephemeral-storage",
            "requests.cpu",
            "requests.memory",
            "limits.cpu",
            "limits.memory",
            "requests.ephemeral-storage",
            "limits.ephemeral-storage",
        }
    elif gr == "services":
        keys |= {"services.nodeports", "services.loadbalancers"}
    elif gr == "persistentvolumeclaims":
        keys |= {"requests.storage"}
    return keys
