"""The LimitRanger admission plugin: LimitRange defaults on pod create, then min/max/ratio enforcement."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..quantity import Quantity
from ..quantity import parse_or_none as _q
from ..store import Store, clone

ANNOTATION = "kubernetes.io/limit-ranger"


def admission_name(obj: dict[str, Any]) -> str:
    """The name admission errors use: ``generateName`` when the name was generated for this create."""
    meta = obj.get("metadata") or {}
    name, gen = meta.get("name") or "", meta.get("generateName") or ""
    if gen and (not name or (name.startswith(gen) and len(name) == len(gen) + 5)):
        return gen
    return name or "Unknown"


def _containers(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = [("init container", c) for c in spec.get("initContainers") or [] if isinstance(c, dict)]
    return out + [("container", c) for c in spec.get("containers") or [] if isinstance(c, dict)]


def pod_totals(spec: dict[str, Any], kind: str) -> dict[str, Quantity]:
    """Sum over containers of requests or limits (init containers counted as their max), as Pod limits use."""
    total: dict[str, Quantity] = {}
    for c in spec.get("containers") or []:
        for k, v in ((c.get("resources") or {}).get(kind) or {}).items():
            q = _q(v)
            if q is not None:
                total[k] = total.get(k, Quantity()) + q
    for c in spec.get("initContainers") or []:
        for k, v in ((c.get("resources") or {}).get(kind) or {}).items():
            q = _q(v)
            if q is not None and (k not in total or q.amount > total[k].amount):
                total[k] = q
    return total


def _check(kind: str, item: dict[str, Any], requests: dict[str, Any], limits: dict[str, Any]) -> list[str]:
    """``minConstraint``/``maxConstraint``/``limitRequestRatioConstraint`` messages for one item."""
    errs: list[str] = []
    for res, v in sorted((item.get("min") or {}).items()):
        mn = _q(v)
        req = _q(requests[res]) if res in requests else None
        lim = _q(limits[res]) if res in limits else None
        if mn is None:
            continue
        if req is None:
            errs.append(f"minimum {res} usage per {kind} is {v}.  No request is specified")
        elif req.amount < mn.amount:
            errs.append(f"minimum {res} usage per {kind} is {v}, but request is {requests[res]}")
        elif lim is not None and lim.amount < mn.amount:
            errs.append(f"minimum {res} usage per {kind} is {v}, but limit is {limits[res]}")
    for res, v in sorted((item.get("max") or {}).items()):
        mx = _q(v)
        req = _q(requests[res]) if res in requests else None
        lim = _q(limits[res]) if res in limits else None
        if mx is None:
            continue
        if lim is None:
            errs.append(f"maximum {res} usage per {kind} is {v}.  No limit is specified")
        elif lim.amount > mx.amount:
            errs.append(f"maximum {res} usage per {kind} is {v}, but limit is {limits[res]}")
        elif req is not None and req.amount > mx.amount:
            errs.append(f"maximum {res} usage per {kind} is {v}, but request is {requests[res]}")
    for res, v in sorted((item.get("maxLimitRequestRatio") or {}).items()):
        ratio = _q(v)
        req = _q(requests.get(res)) if res in requests else None
        lim = _q(limits.get(res)) if res in limits else None
        if ratio is None:
            continue
        if req is None or lim is None:
            errs.append(
                f"{res} max limit to request ratio per {kind} is {v}, but no "
                f"{'request' if req is None else 'limit'} is specified or {'request' if req is None else 'limit'}"
                " is 0"
            )
            continue
        if req.amount == 0:
            continue
        actual = lim.amount / req.amount
        if actual > ratio.amount:
            errs.append(
                f"{res} max limit to request ratio per {kind} is {v}, but provided ratio is "
                f"{float(actual):.6f}"
            )
    return errs


class LimitRanger:
    """``LimitRanger``: mutates pods on create (defaults + annotation) and validates pods and PVCs."""

    name = "LimitRanger"

    def __init__(self, store: Store) -> None:
        self.store = store

    def __call__(
        self, op: str, rt: Any, obj: dict[str, Any], old: dict[str, Any] | None, user: Any
    ) -> dict[str, Any] | None:
        """The admission hook."""
        gr = rt.group_resource
        if gr not in ("pods", "persistentvolumeclaims") or op != "CREATE":
            return None
        ns = (obj.get("metadata") or {}).get("namespace") or "default"
        ranges = self.store.list("limitranges", ns)
        if not ranges:
            return None
        if gr == "pods":
            return self._pod(obj, ranges)
        self._pvc(obj, ranges)
        return None

    def _pod(self, pod: dict[str, Any], ranges: list[dict[str, Any]]) -> dict[str, Any]:
        pod = clone(pod)
        spec = pod.setdefault("spec", {})
        errs: list[str] = []
        for lr in ranges:
            items = [i for i in (lr.get("spec") or {}).get("limits") or [] if isinstance(i, dict)]
            default_req: dict[str, Any] = {}
            default_lim: dict[str, Any] = {}
            for item in items:
                if item.get("type") == "Container":
                    default_req.update(item.get("defaultRequest") or {})
                    default_lim.update(item.get("default") or {})
            notes: list[str] = []
            if default_req or default_lim:
                for prefix, c in _containers(spec):
                    res = c.setdefault("resources", {})
                    lims = res.setdefault("limits", {})
                    reqs = res.setdefault("requests", {})
                    set_lim = sorted(k for k in default_lim if k not in lims)
                    for k in set_lim:
                        lims[k] = default_lim[k]
                    set_req = sorted(k for k in default_req if k not in reqs)
                    for k in set_req:
                        reqs[k] = default_req[k]
                    if set_req:
                        notes.append(", ".join(set_req) + f" request for {prefix} {c.get('name', '')}")
                    if set_lim:
                        notes.append(", ".join(set_lim) + f" limit for {prefix} {c.get('name', '')}")
                    if not lims:
                        res.pop("limits")
                    if not reqs:
                        res.pop("requests")
            if notes:
                ann = pod.setdefault("metadata", {}).setdefault("annotations", {})
                ann[ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)
            for item in items:
                if item.get("type") == "Container":
                    for _prefix, c in _containers(spec):
                        res = c.get("resources") or {}
                        errs += _check("Container", item, res.get("requests") or {}, res.get("limits") or {})
                elif item.get("type") == "Pod":
                    reqs = {k: str(v) for k, v in pod_totals(spec, "requests").items()}
                    lims = {k: str(v) for k, v in pod_totals(spec, "limits").items()}
                    errs += _check("Pod", item, reqs, lims)
        if errs:
            raise forbidden("pods", admission_name(pod), errs)
        from ..api.server import qos_class

        status = pod.get("status")
        if isinstance(status, dict) and "qosClass" in status:
            status["qosClass"] = qos_class(spec)
        return pod

    def _pvc(self, pvc: dict[str, Any], ranges: list[dict[str, Any]]) -> None:
        errs: list[str] = []
        res = (pvc.get("spec") or {}).get("resources") or {}
        for lr in ranges:
            for item in (lr.get("spec") or {}).get("limits") or []:
                if isinstance(item, dict) and item.get("type") == "PersistentVolumeClaim":
                    errs += _check(
                        "PersistentVolumeClaim", item, res.get("requests") or {}, res.get("limits") or {}
                    )
        if errs:
            raise forbidden("persistentvolumeclaims", admission_name(pvc), errs)


def forbidden(resource: str, name: str, messages: list[str], group: str = "") -> errors.StatusError:
    """``admission.NewForbidden``: ``pods "x" is forbidden: <err>`` (several errors in brackets)."""
    text = messages[0] if len(messages) == 1 else "[" + ", ".join(messages) + "]"
    gr = resource + (f".{group}" if group else "")
    return errors.forbidden(f'{gr} "{name}" is forbidden: {text}', group, resource, name)
