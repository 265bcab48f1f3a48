"""The HorizontalPodAutoscaler controller (``pkg/controller/podautoscaler``), every 15 s of virtual time.

Replica count = ceil(current × usage / target) outside a 10 % tolerance, clamped to min/max and shaped by
the v2 behaviour defaults (scale up: max of 4 pods or 100 % per 15 s; scale down: 100 % per 15 s after a
300 s stabilization window). Pod usage comes from ``metrics_source(pod) -> (cpu_millicores, memory_bytes)``
(``cluster.metrics_source``); without it every target is ``<unknown>``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from .. import quantity
from ..errors import StatusError
from ..events import NORMAL, WARNING, EventRecorder
from ..selectors import selector_from_label_selector
from ..store import Event, Obj, clone
from ..timeutil import parse_rfc3339, rfc3339
from .base import Controller, Key
from .history import is_pod_ready

MetricsSource = Callable[[Obj], "tuple[float, float] | None"]

SYNC_PERIOD = 15.0
TOLERANCE = 0.1
DEFAULT_SCALE_UP: Obj = {
    "stabilizationWindowSeconds": 0,
    "selectPolicy": "Max",
    "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15},
    ],
}
DEFAULT_SCALE_DOWN: Obj = {
    "stabilizationWindowSeconds": 300,
    "selectPolicy": "Max",
    "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
}
NO_METRICS = "no metrics returned from resource metrics API"
_TARGETS = {
    "Deployment": "deployments.apps",
    "ReplicaSet": "replicasets.apps",
    "StatefulSet": "statefulsets.apps",
    "ReplicationController": "replicationcontrollers",
}


def parse_quantity(text: Any) -> float:
    """A resource quantity (``250m``, ``0.5``, ``64Mi``, ``1e3``) as a float in base units (ValueError if bad)."""
    return float(quantity.parse(text.strip() if isinstance(text, str) else text))


def format_milli(milli: int) -> str:
    """``resource.NewMilliQuantity(v, DecimalSI).String()``: ``125m``, ``2``, ``104857600``, ``3k``."""
    return str(quantity.Quantity(Fraction(milli, 1000), quantity.DECIMAL_SI))


def v2_spec(hpa: Obj) -> Obj:
    """The HPA's spec in autoscaling/v2 form (an autoscaling/v1 object converted as the API server does)."""
    spec = clone(hpa.get("spec") or {})
    if hpa.get("apiVersion") == "autoscaling/v1" or "targetCPUUtilizationPercentage" in spec:
        target = spec.pop("targetCPUUtilizationPercentage", None)
        spec["metrics"] = [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {
                        "type": "Utilization",
                        "averageUtilization": 80 if target is None else int(target),
                    },
                },
            }
        ]
    if not spec.get("metrics"):
        spec["metrics"] = [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
            }
        ]
    spec.setdefault("minReplicas", 1)
    return spec


def _container_request(pod: Obj, resource: str) -> tuple[float, str]:
    """Sum of the containers' requests for ``resource``; ("", name) of the first container without one."""
    total = 0.0
    for c in (pod.get("spec") or {}).get("containers") or ():
        req = ((c.get("resources") or {}).get("requests") or {}).get(resource)
        if req is None:
            return -1.0, c.get("name", "")
        total += parse_quantity(req)
    return total, ""


class MetricError(Exception):
    """A metric could not be computed (the message is the controller's)."""


class HPAController(Controller):
    """``HorizontalController.reconcileAutoscaler``."""

    name = "horizontal-pod-autoscaler"
    watches = ("horizontalpodautoscalers.autoscaling",)

    def __init__(self, cluster: Any, metrics_source: MetricsSource | None = None) -> None:
        super().__init__(cluster)
        self.recorder = EventRecorder(self.api, "horizontal-pod-autoscaler")
        self._metrics_source = metrics_source
        self.recommendations: dict[str, list[tuple[float, int]]] = {}
        self.scale_events: dict[str, list[tuple[float, int]]] = {}  # (time, +/- replicas)
        self._timers: dict[Key, Any] = {}

    @property
    def metrics_source(self) -> MetricsSource | None:
        """The pod metrics hook (constructor argument, else ``cluster.metrics_source``)."""
        return self._metrics_source or getattr(self.cluster, "metrics_source", None)

    def on_event(self, ev: Event) -> None:
        """Like ``enqueueHPA``: every add/update waits out the resync period in the queue (the HPA rate limiter
        is a fixed 15 s interval) and a key already waiting drops the new request, so an HPA is processed once per
        period — its own status writes do not trigger another pass."""
        meta = ev.object["metadata"]
        key: Key = (ev.resource, meta.get("namespace", "") or "", meta["name"])
        if ev.type == "DELETED":
            timer = self._timers.pop(key, None)
            if timer is not None:
                timer.cancel()
            uid = meta.get("uid", "")
            self.recommendations.pop(uid, None)
            self.scale_events.pop(uid, None)
            return
        if key not in self._timers:
            self._timers[key] = self.cluster.clock.call_after(SYNC_PERIOD, lambda: self.queue.add(key))

    def reconcile(self, key: Key) -> None:
        _, ns, name = key
        hpa = self.cluster.store.get("horizontalpodautoscalers.autoscaling", ns, name)
        old = self._timers.pop(key, None)
        if old is not None:
            old.cancel()
        if hpa is None:
            return
        self._timers[key] = self.cluster.clock.call_after(SYNC_PERIOD, lambda: self.queue.add(key))
        self._sync(hpa)

    # ---- the algorithm --------------------------------------------------------------------------------
    def _sync(self, hpa: Obj) -> None:
        spec = v2_spec(hpa)
        ns = hpa["metadata"]["namespace"]
        uid = hpa["metadata"]["uid"]
        now = self.api.now()
        now_s = rfc3339(now)
        conds: list[Obj] = [dict(c) for c in (hpa.get("status") or {}).get("conditions") or ()]
        ref = spec.get("scaleTargetRef") or {}
        res = _TARGETS.get(ref.get("kind", ""))
        target = self.cluster.store.get(res, ns, ref.get("name", "")) if res else None
        if target is None:
            plural = res or f"{str(ref.get('kind', '')).lower()}s"
            msg = f'{plural} "{ref.get("name", "")}" not found'
            self.recorder.event(hpa, WARNING, "FailedGetScale", msg)
            conds = _set(
                conds,
                "AbleToScale",
                "False",
                "FailedGetScale",
                f"the HPA controller was unable to get the target's current scale: {msg}",
                now_s,
            )
            self._write(
                hpa, conds, int((hpa.get("status") or {}).get("currentReplicas", 0) or 0), None, [], None
            )
            return
        current = int((target.get("spec") or {}).get("replicas", 1))
        min_r, max_r = int(spec.get("minReplicas", 1)), int(spec.get("maxReplicas", 1))
        conds = _set(
            conds,
            "AbleToScale",
            "True",
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale",
            now_s,
        )
        statuses: list[Obj] = []
        desired = current
        rescale_reason = ""
        if current == 0 and min_r != 0:
            conds = _set(
                conds,
                "ScalingActive",
                "False",
                "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero",
                now_s,
            )
            self._write(hpa, conds, current, 0, statuses, None)
            return
        if current > max_r:
            desired, rescale_reason = max_r, "Current number of replicas above Spec.MaxReplicas"
            statuses = [{"type": ""} for _ in spec["metrics"]]
        elif current < min_r:
            desired, rescale_reason = min_r, "Current number of replicas below Spec.MinReplicas"
            statuses = [{"type": ""} for _ in spec["metrics"]]
        else:
            proposal, metric_name, statuses, err = self._compute(spec, target, ns, current)
            if err is not None:
                self.recorder.event(hpa, WARNING, "FailedGetResourceMetric", err)
                conds = _set(
                    conds,
                    "ScalingActive",
                    "False",
                    "FailedGetResourceMetric",
                    f"the HPA was unable to compute the replica count: {err}",
                    now_s,
                )
                n = len(spec["metrics"])
                self.recorder.event(
                    hpa,
                    WARNING,
                    "FailedComputeMetricsReplicas",
                    f"invalid metrics ({n} invalid out of {n}), first error is: failed to get "
                    f"{_metric_resource(spec['metrics'][0])} resource metric value: {err}",
                )
                self._write(hpa, conds, current, current, statuses, None)
                return
            conds = _set(
                conds,
                "ScalingActive",
                "True",
                "ValidMetricFound",
                f"the HPA was able to successfully calculate a replica count from {metric_name}",
                now_s,
            )
            desired, conds = self._normalize(uid, spec, current, proposal, conds, now, now_s)
            rescale_reason = (
                f"{metric_name} above target" if desired > current else "All metrics below target"
            )
        last_scale = None
        if desired != current:
            upd = clone(target)
            upd["spec"]["replicas"] = desired
            try:
                self.api.update(upd, validate_schema=False)
            except StatusError as err:
                self.recorder.event(
                    hpa,
                    WARNING,
                    "FailedRescale",
                    f"New size: {desired}; reason: {rescale_reason}; error: {err.message}",
                )
                conds = _set(
                    conds,
                    "AbleToScale",
                    "False",
                    "FailedUpdateScale",
                    f"the HPA controller was unable to update the target scale: {err.message}",
                    now_s,
                )
            else:
                self.recorder.event(
                    hpa, NORMAL, "SuccessfulRescale", f"New size: {desired}; reason: {rescale_reason}"
                )
                conds = _set(
                    conds,
                    "AbleToScale",
                    "True",
                    "SucceededRescale",
                    f"the HPA controller was able to update the target scale to {desired}",
                    now_s,
                )
                self.scale_events.setdefault(uid, []).append((now, desired - current))
                last_scale = now_s
        self._write(hpa, conds, current, desired, statuses, last_scale)

    def _compute(
        self, spec: Obj, target: Obj, ns: str, current: int
    ) -> tuple[int, str, list[Obj], str | None]:
        """``computeReplicasForMetrics``: the largest proposal over all metrics."""
        sel = selector_from_label_selector((target.get("spec") or {}).get("selector"))
        pods = [p for p in self.cluster.store.list("pods", ns) if sel.matches(p["metadata"].get("labels"))]
        best, best_name, statuses, first_err = 0, "", [], None
        for m in spec["metrics"]:
            try:
                if m.get("type") != "Resource":
                    raise MetricError(f"unable to get metric {m.get('type')}: not supported by this cluster")
                proposal, status, name = self._resource_replicas(m["resource"], pods, current)
            except MetricError as err:
                statuses.append({"type": ""})
                if first_err is None:
                    first_err = str(err)
                continue
            statuses.append(status)
            if proposal > best or not best_name:
                best, best_name = proposal, name
        if not best_name:
            return current, "", statuses, first_err
        return best, best_name, statuses, None

    def _resource_replicas(self, src: Obj, pods: list[Obj], current: int) -> tuple[int, Obj, str]:
        """``GetResourceReplicas`` / ``GetRawResourceReplicas`` for one Resource metric."""
        resource = src.get("name", "cpu")
        tgt = src.get("target") or {}
        source = self.metrics_source
        usage: dict[str, float] = {}
        ready_count = 0
        unready: set[str] = set()
        missing: set[str] = set()
        for p in pods:
            name = p["metadata"]["name"]
            if p["metadata"].get("deletionTimestamp") or (p.get("status") or {}).get("phase") == "Failed":
                continue
            sample = source(p) if source is not None else None
            if (p.get("status") or {}).get("phase") == "Pending" or (
                resource == "cpu" and not is_pod_ready(p)
            ):
                unready.add(name)
                continue
            if sample is None:
                missing.add(name)
                continue
            usage[name] = float(sample[0] if resource == "cpu" else sample[1] * 1000)  # milli-units
            ready_count += 1
        if not usage:
            raise MetricError(
                f"failed to get {resource} utilization: unable to get metrics for resource {resource}: "
                f"{NO_METRICS}"
            )
        if tgt.get("type", "Utilization") == "Utilization":
            target_util = int(tgt.get("averageUtilization", 80))
            requests: dict[str, float] = {}
            for p in pods:
                if p["metadata"]["name"] in usage or p["metadata"]["name"] in missing:
                    total, bad = _container_request(p, resource)
                    if total < 0:
                        raise MetricError(
                            f"failed to get {resource} utilization: missing request for {resource} in "
                            f"container {bad} of Pod {p['metadata']['name']}"
                        )
                    requests[p["metadata"]["name"]] = total * 1000
            req_total = sum(requests[n] for n in usage)
            if req_total <= 0:
                raise MetricError(
                    f"failed to get {resource} utilization: no metrics returned matched known pods"
                )
            util = int(sum(usage.values()) * 100 / req_total)
            raw = int(sum(usage.values()) / len(usage))
            ratio = util / target_util
            desired = self._rebalance(
                ratio,
                usage,
                requests,
                missing,
                unready,
                ready_count,
                current,
                lambda u, r: (sum(u.values()) * 100 / sum(r[n] for n in u)) / target_util,
            )
            status = {
                "type": "Resource",
                "resource": {
                    "name": resource,
                    "current": {"averageUtilization": util, "averageValue": format_milli(raw)},
                },
            }
            return desired, status, f"{resource} resource utilization (percentage of request)"
        target_avg = parse_quantity(tgt.get("averageValue", "0")) * 1000
        raw = int(sum(usage.values()) / len(usage))
        ratio = sum(usage.values()) / (target_avg * len(usage)) if target_avg else 0.0
        desired = self._rebalance(
            ratio,
            usage,
            {},
            missing,
            unready,
            ready_count,
            current,
            lambda u, _r: sum(u.values()) / (target_avg * len(u)) if target_avg else 0.0,
        )
        status = {
            "type": "Resource",
            "resource": {"name": resource, "current": {"averageValue": format_milli(raw)}},
        }
        return desired, status, f"{resource} resource"

    @staticmethod
    def _rebalance(
        ratio: float,
        usage: dict[str, float],
        requests: dict[str, float],
        missing: set[str],
        unready: set[str],
        ready_count: int,
        current: int,
        recompute: Callable[[dict[str, float], dict[str, float]], float],
    ) -> int:
        """The replica calculator's treatment of missing and not-yet-ready pods."""
        rebalance_unready = bool(unready) and ratio > 1.0
        if not missing and not rebalance_unready:
            if abs(1.0 - ratio) <= TOLERANCE:
                return current
            return math.ceil(ratio * ready_count)
        u = dict(usage)
        if missing:
            for n in missing:
                u[n] = requests.get(n, 0.0) if ratio < 1.0 else 0.0
        if rebalance_unready:
            for n in unready:
                u[n] = 0.0
                requests.setdefault(n, requests.get(next(iter(usage)), 0.0))
        new_ratio = recompute(u, requests)
        if abs(1.0 - new_ratio) <= TOLERANCE or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
            return current
        new = math.ceil(new_ratio * len(u))
        if (new_ratio < 1.0 and new > current) or (new_ratio > 1.0 and new < current):
            return current
        return new

    def _normalize(
        self, uid: str, spec: Obj, current: int, proposal: int, conds: list[Obj], now: float, now_s: str
    ) -> tuple[int, list[Obj]]:
        """``normalizeDesiredReplicasWithBehaviors``: stabilization window, rate policies, min/max."""
        behavior = spec.get("behavior") or {}
        up = {**DEFAULT_SCALE_UP, **(behavior.get("scaleUp") or {})}
        down = {**DEFAULT_SCALE_DOWN, **(behavior.get("scaleDown") or {})}
        recs = self.recommendations.setdefault(uid, [])
        up_rec = down_rec = proposal
        for t, r in recs:
            if t > now - int(up.get("stabilizationWindowSeconds") or 0):
                up_rec = min(up_rec, r)
            if t > now - int(down.get("stabilizationWindowSeconds") or 0):
                down_rec = max(down_rec, r)
        stabilized = max(current, up_rec)
        stabilized = min(stabilized, down_rec)
        keep = max(
            int(up.get("stabilizationWindowSeconds") or 0), int(down.get("stabilizationWindowSeconds") or 0)
        )
        recs[:] = [(t, r) for t, r in recs if t > now - keep] + [(now, proposal)]
        if stabilized != proposal:
            conds = _set(
                conds,
                "AbleToScale",
                "True",
                "ScaleDownStabilized",
                "recent recommendations were higher than current one, applying the highest recent "
                "recommendation",
                now_s,
            )
        else:
            conds = _set(
                conds,
                "AbleToScale",
                "True",
                "ReadyForNewScale",
                "recommended size matches current size",
                now_s,
            )
        min_r, max_r = int(spec.get("minReplicas", 1)), int(spec.get("maxReplicas", 1))
        events = self.scale_events.get(uid, [])
        reason, message = "DesiredWithinRange", "the desired count is within the acceptable range"
        desired = stabilized
        if stabilized > current:
            limit = self._rate_limit(up, events, current, now, up=True)
            cap = min(limit, max_r)
            if desired > cap:
                desired = cap
                if limit < max_r:
                    reason, message = (
                        "ScaleUpLimit",
                        "the desired replica count is increasing faster than the maximum scale rate",
                    )
                else:
                    reason, message = (
                        "TooManyReplicas",
                        "the desired replica count is more than the maximum replica count",
                    )
        elif stabilized < current:
            limit = self._rate_limit(down, events, current, now, up=False)
            floor = max(limit, min_r)
            if desired < floor:
                desired = floor
                if limit > min_r:
                    reason, message = (
                        "ScaleDownLimit",
                        "the desired replica count is decreasing faster than the maximum scale rate",
                    )
                else:
                    reason, message = (
                        "TooFewReplicas",
                        "the desired replica count is less than the minimum replica count",
                    )
        if desired < min_r:
            desired, reason, message = (
                min_r,
                "TooFewReplicas",
                "the desired replica count is less than the minimum replica count",
            )
        if desired > max_r:
            desired, reason, message = (
                max_r,
                "TooManyReplicas",
                "the desired replica count is more than the maximum replica count",
            )
        conds = _set(
            conds,
            "ScalingLimited",
            "True" if reason != "DesiredWithinRange" else "False",
            reason,
            message,
            now_s,
        )
        self.scale_events[uid] = [(t, d) for t, d in events if t > now - 1800]
        return desired, conds

    @staticmethod
    def _rate_limit(rules: Obj, events: list[tuple[float, int]], current: int, now: float, up: bool) -> int:
        """``calculateScaleUpLimitWithScalingRules`` / ``calculateScaleDownLimitWithBehaviors``."""
        if rules.get("selectPolicy") == "Disabled":
            return current
        results = []
        for pol in rules.get("policies") or ():
            period = int(pol.get("periodSeconds", 15))
            changed = sum(d for t, d in events if t > now - period and (d > 0) == up)
            start = current - changed if up else current - changed  # replicas at the start of the period
            value = int(pol.get("value", 0))
            if pol.get("type") == "Pods":
                results.append(start + value if up else start - value)
            else:
                results.append(
                    math.ceil(start * (1 + value / 100)) if up else math.ceil(start * (1 - value / 100))
                )
        if not results:
            return current
        select_max = rules.get("selectPolicy", "Max") == "Max"
        if up:
            return max(results) if select_max else min(results)
        return min(results) if select_max else max(results)

    def _write(
        self,
        hpa: Obj,
        conds: list[Obj],
        current: int,
        desired: int | None,
        statuses: list[Obj],
        last_scale: str | None,
    ) -> None:
        old = hpa.get("status") or {}
        if hpa.get("apiVersion") == "autoscaling/v1":
            status: Obj = {}
            cur_cpu = None
            for s in statuses:
                cur_cpu = ((s.get("resource") or {}).get("current") or {}).get("averageUtilization", cur_cpu)
            if cur_cpu is not None:
                status["currentCPUUtilizationPercentage"] = cur_cpu
            status["currentReplicas"] = current
            status["desiredReplicas"] = desired if desired is not None else old.get("desiredReplicas", 0)
            if last_scale or old.get("lastScaleTime"):
                status["lastScaleTime"] = last_scale or old["lastScaleTime"]
            status["observedGeneration"] = hpa["metadata"].get("generation", 1)
        else:
            status = {"conditions": conds}
            if statuses:
                status["currentMetrics"] = statuses
            status["currentReplicas"] = current
            status["desiredReplicas"] = desired if desired is not None else old.get("desiredReplicas", 0)
            if last_scale or old.get("lastScaleTime"):
                status["lastScaleTime"] = last_scale or old["lastScaleTime"]
            status["observedGeneration"] = hpa["metadata"].get("generation", 1)
        if status == old:
            return
        upd = clone(hpa)
        upd["status"] = status
        try:
            self.api.update_status(upd)
        except StatusError:
            pass


def _metric_resource(m: Obj) -> str:
    return str((m.get("resource") or {}).get("name") or m.get("type", "")).lower()


_ORDER = ("AbleToScale", "ScalingActive", "ScalingLimited")


def _set(conds: list[Obj], type_: str, status: str, reason: str, message: str, now: str) -> list[Obj]:
    out = [dict(c) for c in conds]
    for c in out:
        if c.get("type") == type_:
            if c.get("status") != status:
                c["lastTransitionTime"] = now
            c.update(message=message, reason=reason, status=status)
            break
    else:
        out.append(
            {"lastTransitionTime": now, "message": message, "reason": reason, "status": status, "type": type_}
        )
    out.sort(key=lambda c: _ORDER.index(c["type"]) if c.get("type") in _ORDER else 9)
    return out


def last_scale_time(hpa: Obj) -> float | None:
    """``status.lastScaleTime`` as epoch seconds."""
    return parse_rfc3339((hpa.get("status") or {}).get("lastScaleTime"))


def install(cluster: Any, metrics_source: MetricsSource | None = None) -> HPAController:
    """Register the HPA controller with ``cluster`` (metrics from ``metrics_source`` or ``cluster.metrics_source``)."""
    c = cluster.add_controller(HPAController(cluster, metrics_source))
    if metrics_source is not None:
        c._metrics_source = metrics_source  # type: ignore[attr-defined]
    return c  # type: ignore[return-value]
