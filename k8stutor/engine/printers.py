"""Server-side table printing: the ``meta.k8s.io/v1`` Table the API server returns for ``kubectl get``.

A port of kube-apiserver's ``pkg/printers/internalversion/printers.go`` (1.32): the same column
definitions (name, type, format, description, priority) and the same cell rules for every built-in
kind, the apiserver's default table (NAME, Created At) for kinds without a printer, and the
apiextensions table convertor (additionalPrinterColumns) for custom resources. As in the real
server, every row carries all cells, wide ones included; kubectl hides ``priority > 0`` columns
unless ``-o wide``.

Cell builders are plain functions over the JSON-shaped object, chosen once per kind; objects are never
copied or mutated (rows reference the object's ``metadata`` dict).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from k8stutor.engine.printers_cells import (
    access_modes,
    format_label_selector,
    format_labels,
    go_sprint,
    human_duration_cached,
    label_selector_string,
    parse_ts,
    since,
)
from k8stutor.engine.registry import ResourceType

__all__ = ["build_table", "column_definitions", "printer_kinds"]

Row = list[Any]
RowFn = Callable[[dict[str, Any], float], Row]

# ---------------------------------------------------------------------------------------------
# Column descriptions. The real server takes them from Go SwaggerDoc(); those strings are the same
# field comments the OpenAPI schema carries, so they are read from the v1.32 OpenAPI definitions.

_DEF_PREFIX = {
    "meta": "io.k8s.apimachinery.pkg.apis.meta.v1.",
    "core": "io.k8s.api.core.v1.",
    "apps": "io.k8s.api.apps.v1.",
    "batch": "io.k8s.api.batch.v1.",
    "autoscaling": "io.k8s.api.autoscaling.v2.",
    "networking": "io.k8s.api.networking.v1.",
    "rbac": "io.k8s.api.rbac.v1.",
    "storage": "io.k8s.api.storage.v1.",
    "scheduling": "io.k8s.api.scheduling.v1.",
    "coordination": "io.k8s.api.coordination.v1.",
    "discovery": "io.k8s.api.discovery.v1.",
    "certificates": "io.k8s.api.certificates.v1.",
    "flowcontrol": "io.k8s.api.flowcontrol.v1.",
}


def _doc(ref: str) -> str:
    """Description of ``group.Type.field`` from the OpenAPI schema ("" when unknown)."""
    group, typ, fld = ref.split(".", 2)
    try:
        from k8stutor.engine.schema import definitions

        d = definitions().get(_DEF_PREFIX[group] + typ)
    except Exception:  # pragma: no cover - schema package missing
        return ""
    if not d:
        return ""
    prop = (d.get("properties") or {}).get(fld) or {}
    desc = prop.get("description")
    if desc is None and "allOf" in prop:
        desc = prop.get("description", "")
    return desc or ""


# (Name, Type, Format, description: literal text or "@group.Type.field", Priority)
ColSpec = tuple[str, str, str, str, int]

_NAME: ColSpec = ("Name", "string", "name", "@meta.ObjectMeta.name", 0)
_AGE: ColSpec = ("Age", "string", "", "@meta.ObjectMeta.creationTimestamp", 0)
_CONTAINERS: ColSpec = ("Containers", "string", "", "Names of each container in the template.", 1)
_IMAGES: ColSpec = ("Images", "string", "", "Images referenced by each container in the template.", 1)


def _c(name: str, typ: str = "string", desc: str = "", priority: int = 0, fmt: str = "") -> ColSpec:
    return (name, typ, fmt, desc, priority)


def _resolve(specs: Iterable[ColSpec]) -> list[dict[str, Any]]:
    out = []
    for name, typ, fmt, desc, prio in specs:
        text = _doc(desc[1:]) if desc.startswith("@") else desc
        out.append({"name": name, "type": typ, "format": fmt, "description": text, "priority": prio})
    return out


# ---------------------------------------------------------------------------------------------
# Small shared helpers (all tolerant of missing fields, as the Go zero values are).


def _m(obj: dict[str, Any]) -> dict[str, Any]:
    return obj.get("metadata") or {}


def _age(obj: dict[str, Any], now: float) -> str:
    return since(now, (obj.get("metadata") or {}).get("creationTimestamp"))


def _layout_containers(containers: list[dict[str, Any]] | None) -> tuple[str, str]:
    if not containers:
        return "", ""
    return ",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers)


def _template_containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return ((((obj.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers")) or []


def _more(items: list[str], more: bool, count: int, maximum: int) -> str:
    """printers.go listWithMoreString."""
    ret = ",".join(items)
    if more:
        return f"{ret} + {count - maximum} more..."
    return ret or "<unset>"


def _bool_ptr(v: Any) -> str:
    if v is None:
        return "<unset>"
    return "True" if v else "False"


def _int_or_string(v: Any) -> str:
    return str(v) if not isinstance(v, bool) else ("true" if v else "false")


def _has_condition(conds: list[dict[str, Any]] | None, typ: str) -> bool:
    """printers.go hasJobCondition: the first condition of the type decides."""
    for c in conds or ():
        if c.get("type") == typ:
            return c.get("status") == "True"
    return False


def _quantity(v: Any) -> str:
    """resource.Quantity.String() of a stored (already canonical) quantity; the zero Quantity is "0"."""
    if v is None or v == "":
        return "0"
    return str(v)


# ---------------------------------------------------------------------------------------------
# Pods (printPod).

_POD_SUCCESS_CONDITIONS = [
    {
        "type": "Completed",
        "status": "True",
        "reason": "Succeeded",
        "message": "The pod has completed successfully.",
    }
]
_POD_FAILED_CONDITIONS = [
    {"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}
]


def _terminated_reason(term: dict[str, Any], prefix: str) -> str:
    reason = term.get("reason") or ""
    if reason:
        return prefix + reason
    sig = term.get("signal") or 0
    if sig:
        return f"{prefix}Signal:{sig}"
    return f"{prefix}ExitCode:{term.get('exitCode') or 0}"


def _finished_at(cs: dict[str, Any]) -> float | None:
    last = cs.get("lastState")
    if not last:
        return None
    term = last.get("terminated")
    if term is None:
        return None
    return parse_ts(term.get("finishedAt"))


def _pod_row(pod: dict[str, Any], now: float) -> Row:
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    containers = spec.get("containers") or ()
    init_specs = spec.get("initContainers") or ()
    total = len(containers)
    ready = 0
    restarts = 0
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    conditions = status.get("conditions") or ()
    for cond in conditions:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    last_restart: float | None = None
    initializing = False
    sidecar_restarts = 0
    last_sidecar_restart: float | None = None
    init_statuses = status.get("initContainerStatuses")
    if init_specs:
        sidecars = {c.get("name") for c in init_specs if c.get("restartPolicy") == "Always"}
        total += sum(1 for c in init_specs if c.get("restartPolicy") == "Always")
        for i, cs in enumerate(init_statuses or ()):
            rc = cs.get("restartCount") or 0
            restarts += rc
            fin = _finished_at(cs)
            if fin is not None and (last_restart is None or fin > last_restart):
                last_restart = fin
            is_sidecar = cs.get("name") in sidecars
            if is_sidecar:
                sidecar_restarts += rc
                if fin is not None and (last_sidecar_restart is None or fin > last_sidecar_restart):
                    last_sidecar_restart = fin
            state = cs.get("state") or {}
            term = state.get("terminated")
            waiting = state.get("waiting")
            if term is not None and (term.get("exitCode") or 0) == 0:
                continue
            if is_sidecar and cs.get("started"):
                if cs.get("ready"):
                    ready += 1
                continue
            if term is not None:
                reason = _terminated_reason(term, "Init:")
            elif waiting is not None and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
                reason = "Init:" + waiting["reason"]
            else:
                reason = f"Init:{i}/{len(init_specs)}"
            initializing = True
            break
    elif init_statuses:
        # Statuses without specs (malformed): count them like the Go loop does.
        for i, cs in enumerate(init_statuses):
            restarts += cs.get("restartCount") or 0
            fin = _finished_at(cs)
            if fin is not None and (last_restart is None or fin > last_restart):
                last_restart = fin
            state = cs.get("state") or {}
            term = state.get("terminated")
            waiting = state.get("waiting")
            if term is not None and (term.get("exitCode") or 0) == 0:
                continue
            if term is not None:
                reason = _terminated_reason(term, "Init:")
            elif waiting is not None and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
                reason = "Init:" + waiting["reason"]
            else:
                reason = f"Init:{i}/0"
            initializing = True
            break

    initialized = False
    if initializing:
        for cond in conditions:
            if cond.get("type") == "Initialized":
                initialized = cond.get("status") == "True"
                break
    if not initializing or initialized:
        restarts = sidecar_restarts
        last_restart = last_sidecar_restart
        has_running = False
        statuses = status.get("containerStatuses") or ()
        for idx in range(len(statuses) - 1, -1, -1):
            cs = statuses[idx]
            restarts += cs.get("restartCount") or 0
            last = cs.get("lastState")
            if last:
                lterm = last.get("terminated")
                if lterm is not None:
                    fin = parse_ts(lterm.get("finishedAt"))
                    if fin is not None and (last_restart is None or fin > last_restart):
                        last_restart = fin
            state = cs.get("state") or {}
            waiting = state.get("waiting")
            term = state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif term is not None:
                reason = _terminated_reason(term, "")
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            pod_ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
            reason = "Running" if pod_ready else "NotReady"

    if meta.get("deletionTimestamp") is not None:
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"

    if restarts and last_restart is not None:
        restarts_cell = f"{restarts} ({human_duration_cached(now - last_restart)} ago)"
    else:
        restarts_cell = str(restarts)

    pod_ips = status.get("podIPs")
    pod_ip = (pod_ips[0].get("ip") if pod_ips else status.get("podIP")) or "<none>"
    gates = spec.get("readinessGates")
    if gates:
        true_count = 0
        for gate in gates:
            ctype = gate.get("conditionType")
            for cond in conditions:
                if cond.get("type") == ctype:
                    if cond.get("status") == "True":
                        true_count += 1
                    break
        gates_cell = f"{true_count}/{len(gates)}"
    else:
        gates_cell = "<none>"
    return [
        meta.get("name", ""),
        f"{ready}/{total}",
        reason,
        restarts_cell,
        since(now, meta.get("creationTimestamp")),
        pod_ip,
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        gates_cell,
    ]


def _pod_conditions(pod: dict[str, Any]) -> list[dict[str, str]] | None:
    phase = (pod.get("status") or {}).get("phase")
    if phase == "Succeeded":
        return _POD_SUCCESS_CONDITIONS
    if phase == "Failed":
        return _POD_FAILED_CONDITIONS
    return None


# ---------------------------------------------------------------------------------------------
# Workloads.


def _replicas(spec: dict[str, Any]) -> int:
    # Defaulted to 1 by the API server when omitted.
    r = spec.get("replicas")
    return 1 if r is None else r


def _rc_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    st = obj.get("status") or {}
    names, images = _layout_containers(_template_containers(obj))
    return [
        _m(obj).get("name", ""),
        _replicas(spec),
        st.get("replicas") or 0,
        st.get("readyReplicas") or 0,
        _age(obj, now),
        names,
        images,
        format_labels(spec.get("selector")),
    ]


def _rs_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    st = obj.get("status") or {}
    names, images = _layout_containers(_template_containers(obj))
    return [
        _m(obj).get("name", ""),
        _replicas(spec),
        st.get("replicas") or 0,
        st.get("readyReplicas") or 0,
        _age(obj, now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


def _deploy_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    st = obj.get("status") or {}
    names, images = _layout_containers(_template_containers(obj))
    sel = label_selector_string(spec.get("selector"))
    return [
        _m(obj).get("name", ""),
        f"{st.get('readyReplicas') or 0}/{_replicas(spec)}",
        st.get("updatedReplicas") or 0,
        st.get("availableReplicas") or 0,
        _age(obj, now),
        names,
        images,
        "<invalid>" if sel is None else sel,
    ]


def _sts_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    st = obj.get("status") or {}
    names, images = _layout_containers(_template_containers(obj))
    return [
        _m(obj).get("name", ""),
        f"{st.get('readyReplicas') or 0}/{_replicas(spec)}",
        _age(obj, now),
        names,
        images,
    ]


def _ds_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    st = obj.get("status") or {}
    tmpl_spec = ((spec.get("template") or {}).get("spec")) or {}
    names, images = _layout_containers(tmpl_spec.get("containers"))
    return [
        _m(obj).get("name", ""),
        st.get("desiredNumberScheduled") or 0,
        st.get("currentNumberScheduled") or 0,
        st.get("numberReady") or 0,
        st.get("updatedNumberScheduled") or 0,
        st.get("numberAvailable") or 0,
        format_labels(tmpl_spec.get("nodeSelector")),
        _age(obj, now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


def _job_row(obj: dict[str, Any], now: float) -> Row:
    meta = _m(obj)
    spec = obj.get("spec") or {}
    st = obj.get("status") or {}
    succeeded = st.get("succeeded") or 0
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    else:
        parallelism = spec.get("parallelism") or 0
        completions = f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"
    start = parse_ts(st.get("startTime"))
    done = parse_ts(st.get("completionTime"))
    if start is None:
        duration = ""
    elif done is None:
        duration = human_duration_cached(now - start)
    else:
        duration = human_duration_cached(done - start)
    conds = st.get("conditions")
    if _has_condition(conds, "Complete"):
        status = "Complete"
    elif _has_condition(conds, "Failed"):
        status = "Failed"
    elif meta.get("deletionTimestamp") is not None:
        status = "Terminating"
    elif _has_condition(conds, "Suspended"):
        status = "Suspended"
    elif _has_condition(conds, "FailureTarget"):
        status = "FailureTarget"
    else:
        status = "Running"
    names, images = _layout_containers(_template_containers(obj))
    return [
        meta.get("name", ""),
        status,
        completions,
        duration,
        _age(obj, now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


def _cronjob_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    st = obj.get("status") or {}
    last = st.get("lastScheduleTime")
    last_cell = "<none>" if last is None else since(now, last)
    tz = spec.get("timeZone")
    job_spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    containers = (((job_spec.get("template") or {}).get("spec")) or {}).get("containers")
    names, images = _layout_containers(containers)
    return [
        _m(obj).get("name", ""),
        spec.get("schedule", ""),
        "<none>" if tz is None else tz,
        _bool_ptr(spec.get("suspend")),
        len(st.get("active") or ()),
        last_cell,
        _age(obj, now),
        names,
        images,
        format_label_selector(job_spec.get("selector")),
    ]


def _hpa_metrics(specs: list[dict[str, Any]] | None, statuses: list[dict[str, Any]] | None) -> str:
    """printers.go formatHPAMetrics."""
    if not specs:
        return "<none>"
    statuses = statuses or []
    items: list[str] = []
    for i, ms in enumerate(specs):
        typ = ms.get("type")
        cur = statuses[i] if len(statuses) > i else {}
        if typ == "External" or typ == "Object":
            key = "external" if typ == "External" else "object"
            target = (ms.get(key) or {}).get("target") or {}
            cst = cur.get(key)
            if target.get("averageValue") is not None:
                current = "<unknown>"
                if cst is not None and (cst.get("current") or {}).get("averageValue") is not None:
                    current = _quantity(cst["current"]["averageValue"])
                items.append(f"{current}/{_quantity(target['averageValue'])} (avg)")
            else:
                current = "<unknown>"
                if cst is not None:
                    current = _quantity((cst.get("current") or {}).get("value"))
                items.append(f"{current}/{_quantity(target.get('value'))}")
        elif typ == "Pods":
            target = (ms.get("pods") or {}).get("target") or {}
            cst = cur.get("pods")
            current = "<unknown>"
            if cst is not None:
                current = _quantity((cst.get("current") or {}).get("averageValue"))
            items.append(f"{current}/{_quantity(target.get('averageValue'))}")
        elif typ == "Resource" or typ == "ContainerResource":
            key = "resource" if typ == "Resource" else "containerResource"
            src = ms.get(key) or {}
            target = src.get("target") or {}
            cst = cur.get(key)
            name = src.get("name", "")
            if target.get("averageValue") is not None:
                current = "<unknown>"
                if cst is not None:
                    current = _quantity((cst.get("current") or {}).get("averageValue"))
                items.append(f"{name}: {current}/{_quantity(target['averageValue'])}")
            else:
                current = "<unknown>"
                if cst is not None and (cst.get("current") or {}).get("averageUtilization") is not None:
                    current = f"{cst['current']['averageUtilization']}%"
                tgt = "<auto>"
                if target.get("averageUtilization") is not None:
                    tgt = f"{target['averageUtilization']}%"
                items.append(f"{name}: {current}/{tgt}")
        else:
            items.append("<unknown type>")
    if len(items) > 2:
        return f"{', '.join(items[:2])} + {len(items) - 2} more..."
    return ", ".join(items)


def _hpa_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    st = obj.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    metrics = spec.get("metrics")
    current = st.get("currentMetrics")
    if metrics is None and "targetCPUUtilizationPercentage" in spec:
        # autoscaling/v1 shape: converted to the internal (v2) form as the server does.
        metrics = [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {
                        "type": "Utilization",
                        "averageUtilization": spec["targetCPUUtilizationPercentage"],
                    },
                },
            }
        ]
        if st.get("currentCPUUtilizationPercentage") is not None:
            current = [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "current": {"averageUtilization": st["currentCPUUtilizationPercentage"]},
                    },
                }
            ]
    min_pods = spec.get("minReplicas")
    return [
        _m(obj).get("name", ""),
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        _hpa_metrics(metrics, current),
        "<unset>" if min_pods is None else str(min_pods),
        spec.get("maxReplicas") or 0,
        st.get("currentReplicas") or 0,
        _age(obj, now),
    ]


def _pdb_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    mn = spec.get("minAvailable")
    mx = spec.get("maxUnavailable")
    return [
        _m(obj).get("name", ""),
        "N/A" if mn is None else _int_or_string(mn),
        "N/A" if mx is None else _int_or_string(mx),
        (obj.get("status") or {}).get("disruptionsAllowed") or 0,
        _age(obj, now),
    ]


def _controller_revision_row(obj: dict[str, Any], now: float) -> Row:
    meta = _m(obj)
    controller = "<none>"
    for ref in meta.get("ownerReferences") or ():
        if ref.get("controller"):
            api_version = ref.get("apiVersion", "")
            group = api_version.rpartition("/")[0] if "/" in api_version else ""
            kind = ref.get("kind", "")
            gk = f"{kind}.{group}" if group else kind
            controller = f"{gk.lower()}/{ref.get('name', '')}" if gk else ref.get("name", "")
            break
    return [meta.get("name", ""), controller, obj.get("revision") or 0, _age(obj, now)]


def _pod_template_row(obj: dict[str, Any], now: float) -> Row:
    tmpl = obj.get("template") or {}
    names, images = _layout_containers((tmpl.get("spec") or {}).get("containers"))
    return [_m(obj).get("name", ""), names, images, format_labels((tmpl.get("metadata") or {}).get("labels"))]


# ---------------------------------------------------------------------------------------------
# Services and networking.


def _lb_ingress(ingress: list[dict[str, Any]] | None) -> str:
    """loadBalancerStatusStringer with wide=true (the server always prints wide): sorted, de-duplicated."""
    result = set()
    for ing in ingress or ():
        if ing.get("ip"):
            result.add(ing["ip"])
        elif ing.get("hostname"):
            result.add(ing["hostname"])
    return ",".join(sorted(result))


def _service_external_ip(spec: dict[str, Any], status: dict[str, Any]) -> str:
    typ = spec.get("type")
    ext = spec.get("externalIPs") or []
    if typ == "ClusterIP" or typ == "NodePort":
        return ",".join(ext) if ext else "<none>"
    if typ == "LoadBalancer":
        lb = _lb_ingress((status.get("loadBalancer") or {}).get("ingress"))
        if ext:
            parts = (lb.split(",") if lb else []) + list(ext)
            return ",".join(parts)
        return lb or "<pending>"
    if typ == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def _service_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    ips = spec.get("clusterIPs")
    cluster_ip = (ips[0] if ips else spec.get("clusterIP")) or "<none>"
    pieces = []
    for p in spec.get("ports") or ():
        node_port = p.get("nodePort") or 0
        proto = p.get("protocol", "")
        if node_port > 0:
            pieces.append(f"{p.get('port', 0)}:{node_port}/{proto}")
        else:
            pieces.append(f"{p.get('port', 0)}/{proto}")
    return [
        _m(obj).get("name", ""),
        spec.get("type", ""),
        cluster_ip,
        _service_external_ip(spec, obj.get("status") or {}),
        ",".join(pieces) or "<none>",
        _age(obj, now),
        format_labels(spec.get("selector")),
    ]


def _join_host_port(host: str, port: Any) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _endpoints_row(obj: dict[str, Any], now: float) -> Row:
    subsets = obj.get("subsets") or []
    if not subsets:
        cell = "<none>"
    else:
        items: list[str] = []
        maximum, more, count = 3, False, 0
        for ss in subsets:
            addrs = ss.get("addresses") or []
            ports = ss.get("ports") or []
            if not ports:
                count += len(addrs)
                for a in addrs:
                    if len(items) == maximum:
                        more = True
                        break
                    items.append(a.get("ip", ""))
                continue
            for port in ports:
                count += len(addrs)
                for a in addrs:
                    if len(items) == maximum:
                        more = True
                        break
                    items.append(_join_host_port(a.get("ip", ""), port.get("port", 0)))
        cell = ",".join(items)
        if more:
            cell = f"{cell} + {count - maximum} more..."
    return [_m(obj).get("name", ""), cell, _age(obj, now)]


def _endpoint_slice_row(obj: dict[str, Any], now: float) -> Row:
    ports: list[str] = []
    more, count = False, 0
    for p in obj.get("ports") or ():
        if len(ports) < 3:
            if p.get("port") is not None:
                ports.append(str(p["port"]))
            elif p.get("name") is not None:
                ports.append(p["name"])
            else:
                ports.append("*")
        elif len(ports) == 3:
            more = True
        count += 1
    ports_cell = _more(ports, more, count, 3)
    addrs: list[str] = []
    more, count = False, 0
    for ep in obj.get("endpoints") or ():
        for a in ep.get("addresses") or ():
            if len(addrs) < 3:
                addrs.append(a)
            elif len(addrs) == 3:
                more = True
            count += 1
    return [
        _m(obj).get("name", ""),
        obj.get("addressType", ""),
        ports_cell,
        _more(addrs, more, count, 3),
        _age(obj, now),
    ]


def _ingress_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    rules = spec.get("rules") or []
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == 3:
            more = True
        if not more and rule.get("host"):
            hosts.append(rule["host"])
    if not hosts:
        hosts_cell = "*"
    else:
        hosts_cell = ",".join(hosts)
        if more:
            hosts_cell = f"{hosts_cell} + {len(rules) - 3} more..."
    cls = spec.get("ingressClassName")
    address = _lb_ingress(((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress"))
    return [
        _m(obj).get("name", ""),
        "<none>" if cls is None else cls,
        hosts_cell,
        address,
        "80, 443" if spec.get("tls") else "80",
        _age(obj, now),
    ]


def _ingress_class_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    params = spec.get("parameters")
    cell = "<none>"
    if params is not None:
        cell = params.get("kind", "")
        if params.get("apiGroup") is not None:
            cell += "." + params["apiGroup"]
        cell += "/" + params.get("name", "")
    return [_m(obj).get("name", ""), spec.get("controller", ""), cell, _age(obj, now)]


def _network_policy_row(obj: dict[str, Any], now: float) -> Row:
    sel = (obj.get("spec") or {}).get("podSelector") or {}
    return [_m(obj).get("name", ""), format_label_selector(sel), _age(obj, now)]


# ---------------------------------------------------------------------------------------------
# Config, cluster, storage, RBAC and the rest.


def _configmap_row(obj: dict[str, Any], now: float) -> Row:
    return [
        _m(obj).get("name", ""),
        len(obj.get("data") or ()) + len(obj.get("binaryData") or ()),
        _age(obj, now),
    ]


def _secret_row(obj: dict[str, Any], now: float) -> Row:
    return [_m(obj).get("name", ""), obj.get("type", ""), len(obj.get("data") or ()), _age(obj, now)]


def _sa_row(obj: dict[str, Any], now: float) -> Row:
    return [_m(obj).get("name", ""), len(obj.get("secrets") or ()), _age(obj, now)]


def _namespace_row(obj: dict[str, Any], now: float) -> Row:
    return [_m(obj).get("name", ""), (obj.get("status") or {}).get("phase", ""), _age(obj, now)]


def _node_row(obj: dict[str, Any], now: float) -> Row:
    meta = _m(obj)
    st = obj.get("status") or {}
    ready: str | None = None
    for cond in st.get("conditions") or ():
        if cond.get("type") == "Ready":
            ready = cond.get("status")
    status = ["Unknown"] if ready is None else (["Ready"] if ready == "True" else ["NotReady"])
    if (obj.get("spec") or {}).get("unschedulable"):
        status.append("SchedulingDisabled")
    roles = set()
    for k, v in (meta.get("labels") or {}).items():
        if k.startswith("node-role.kubernetes.io/"):
            role = k[len("node-role.kubernetes.io/") :]
            if role:
                roles.add(role)
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    info = st.get("nodeInfo") or {}
    internal = external = "<none>"
    for a in st.get("addresses") or ():
        if a.get("type") == "InternalIP" and internal == "<none>":
            internal = a.get("address", "")
        elif a.get("type") == "ExternalIP" and external == "<none>":
            external = a.get("address", "")
    return [
        meta.get("name", ""),
        ",".join(status),
        ",".join(sorted(roles)) or "<none>",
        _age(obj, now),
        info.get("kubeletVersion", ""),
        internal,
        external,
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


def _pv_row(obj: dict[str, Any], now: float) -> Row:
    meta = _m(obj)
    spec = obj.get("spec") or {}
    claim = spec.get("claimRef")
    claim_cell = f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim is not None else ""
    phase = (obj.get("status") or {}).get("phase", "")
    if meta.get("deletionTimestamp") is not None:
        phase = "Terminating"
    annotations = meta.get("annotations") or {}
    sc = annotations.get("volume.beta.kubernetes.io/storage-class")
    if sc is None:
        sc = spec.get("storageClassName") or ""
    vac = spec.get("volumeAttributesClassName")
    vm = spec.get("volumeMode")
    return [
        meta.get("name", ""),
        _quantity((spec.get("capacity") or {}).get("storage")),
        access_modes(spec.get("accessModes")),
        spec.get("persistentVolumeReclaimPolicy", ""),
        phase,
        claim_cell,
        sc,
        "<unset>" if vac is None else vac,
        (obj.get("status") or {}).get("reason", ""),
        _age(obj, now),
        "<unset>" if vm is None else vm,
    ]


def _pvc_row(obj: dict[str, Any], now: float) -> Row:
    meta = _m(obj)
    spec = obj.get("spec") or {}
    st = obj.get("status") or {}
    phase = st.get("phase", "")
    if meta.get("deletionTimestamp") is not None:
        phase = "Terminating"
    capacity = modes = ""
    volume = spec.get("volumeName") or ""
    if volume:
        modes = access_modes(st.get("accessModes"))
        capacity = _quantity((st.get("capacity") or {}).get("storage"))
    annotations = meta.get("annotations") or {}
    sc = annotations.get("volume.beta.kubernetes.io/storage-class")
    if sc is None:
        sc = spec.get("storageClassName") or ""
    vac = spec.get("volumeAttributesClassName")
    vm = spec.get("volumeMode")
    return [
        meta.get("name", ""),
        phase,
        volume,
        capacity,
        modes,
        sc,
        "<unset>" if vac is None else vac,
        _age(obj, now),
        "<unset>" if vm is None else vm,
    ]


def _storage_class_row(obj: dict[str, Any], now: float) -> Row:
    meta = _m(obj)
    ann = meta.get("annotations") or {}
    name = meta.get("name", "")
    if (
        ann.get("storageclass.kubernetes.io/is-default-class") == "true"
        or ann.get("storageclass.beta.kubernetes.io/is-default-class") == "true"
    ):
        name += " (default)"
    return [
        name,
        obj.get("provisioner", ""),
        obj.get("reclaimPolicy") or "Delete",
        obj.get("volumeBindingMode") or "Immediate",
        bool(obj.get("allowVolumeExpansion")),
        _age(obj, now),
    ]


def _event_view(obj: dict[str, Any]) -> dict[str, Any]:
    """An events.k8s.io/v1 Event seen through the core/v1 field names (the server converts both to one type)."""
    if "involvedObject" in obj or "regarding" not in obj and "note" not in obj:
        return obj
    return {
        "metadata": obj.get("metadata") or {},
        "involvedObject": obj.get("regarding") or {},
        "reason": obj.get("reason", ""),
        "message": obj.get("note", ""),
        "type": obj.get("type", ""),
        "source": obj.get("deprecatedSource") or {},
        "firstTimestamp": obj.get("deprecatedFirstTimestamp"),
        "lastTimestamp": obj.get("deprecatedLastTimestamp"),
        "count": obj.get("deprecatedCount") or 0,
        "eventTime": obj.get("eventTime"),
        "series": obj.get("series"),
        "reportingComponent": obj.get("reportingController", ""),
        "reportingInstance": obj.get("reportingInstance", ""),
    }


def _event_row(raw: dict[str, Any], now: float) -> Row:
    obj = _event_view(raw)
    first = obj.get("firstTimestamp")
    first_cell = since(now, first) if first else since(now, obj.get("eventTime"))
    last = obj.get("lastTimestamp")
    last_cell = since(now, last) if last else first_cell
    count = obj.get("count") or 0
    series = obj.get("series")
    if series is not None:
        last_cell = since(now, series.get("lastObservedTime"))
        count = series.get("count") or 0
    elif count == 0:
        count = 1
    inv = obj.get("involvedObject") or {}
    kind = (inv.get("kind") or "").lower()
    target = f"{kind}/{inv['name']}" if inv.get("name") else kind
    source = obj.get("source") or {}
    component = source.get("component") or obj.get("reportingComponent") or ""
    host = source.get("host") or obj.get("reportingInstance") or ""
    return [
        last_cell,
        obj.get("type", ""),
        obj.get("reason", ""),
        target,
        inv.get("fieldPath", ""),
        f"{component}, {host}" if host else component,
        (obj.get("message") or "").strip(),
        first_cell,
        count,
        (obj.get("metadata") or {}).get("name", ""),
    ]


def _subjects(subjects: list[dict[str, Any]] | None) -> tuple[str, str, str]:
    users: list[str] = []
    groups: list[str] = []
    sas: list[str] = []
    for s in subjects or ():
        kind = s.get("kind")
        if kind == "ServiceAccount":
            sas.append(f"{s.get('namespace', '')}/{s.get('name', '')}")
        elif kind == "User":
            users.append(s.get("name", ""))
        elif kind == "Group":
            groups.append(s.get("name", ""))
    return ", ".join(users), ", ".join(groups), ", ".join(sas)


def _binding_row(obj: dict[str, Any], now: float) -> Row:
    ref = obj.get("roleRef") or {}
    users, groups, sas = _subjects(obj.get("subjects"))
    return [
        _m(obj).get("name", ""),
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        _age(obj, now),
        users,
        groups,
        sas,
    ]


def _quota_row(obj: dict[str, Any], now: float) -> Row:
    st = obj.get("status") or {}
    hard = st.get("hard") or {}
    used = st.get("used") or {}
    requests: list[str] = []
    limits: list[str] = []
    for res in sorted(hard):
        pieces = res.split(".")
        target = limits if len(pieces) > 1 and pieces[0] == "limits" else requests
        target.append(f"{res}: {_quantity(used.get(res))}/{_quantity(hard[res])}")
    return [_m(obj).get("name", ""), _age(obj, now), ", ".join(requests), ", ".join(limits)]


def _priority_class_row(obj: dict[str, Any], now: float) -> Row:
    return [
        _m(obj).get("name", ""),
        obj.get("value") or 0,
        bool(obj.get("globalDefault")),
        _age(obj, now),
        obj.get("preemptionPolicy") or "",
    ]


def _lease_row(obj: dict[str, Any], now: float) -> Row:
    return [_m(obj).get("name", ""), (obj.get("spec") or {}).get("holderIdentity") or "", _age(obj, now)]


def _runtime_class_row(obj: dict[str, Any], now: float) -> Row:
    return [_m(obj).get("name", ""), obj.get("handler", ""), _age(obj, now)]


def _webhook_config_row(obj: dict[str, Any], now: float) -> Row:
    return [_m(obj).get("name", ""), len(obj.get("webhooks") or ()), _age(obj, now)]


def _vap_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    pk = spec.get("paramKind")
    param = "<unset>" if pk is None else f"{pk.get('apiVersion', '')}/{pk.get('kind', '')}"
    return [_m(obj).get("name", ""), len(spec.get("validations") or ()), param, _age(obj, now)]


def _vapb_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    pr = spec.get("paramRef")
    param = "<unset>"
    if pr is not None:
        if pr.get("name"):
            param = f"{pr['namespace']}/{pr['name']}" if pr.get("namespace") else f"*/{pr['name']}"
        elif pr.get("selector") is not None:
            param = label_selector_string(pr["selector"]) or ""
    return [_m(obj).get("name", ""), spec.get("policyName", ""), param, _age(obj, now)]


def _csr_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    st = obj.get("status") or {}
    approved = denied = failed = False
    for c in st.get("conditions") or ():
        t = c.get("type")
        approved = approved or t == "Approved"
        denied = denied or t == "Denied"
        failed = failed or t == "Failed"
    status = "Denied" if denied else ("Approved" if approved else "Pending")
    if failed:
        status += ",Failed"
    if st.get("certificate"):
        status += ",Issued"
    exp = spec.get("expirationSeconds")
    # csr.ExpirationSecondsToDuration: seconds -> duration, printed with HumanDuration.
    requested = "<none>" if exp is None else human_duration_cached(float(exp))
    return [
        _m(obj).get("name", ""),
        _age(obj, now),
        spec.get("signerName") or "<none>",
        spec.get("username", ""),
        requested,
        status,
    ]


def _csi_driver_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    attach = spec.get("attachRequired")
    modes = ",".join(spec.get("volumeLifecycleModes") or ()) or "<none>"
    tr = spec.get("tokenRequests")
    tokens = "<unset>" if tr is None else ",".join(t.get("audience", "") for t in tr)
    return [
        _m(obj).get("name", ""),
        True if attach is None else bool(attach),
        bool(spec.get("podInfoOnMount")),
        bool(spec.get("storageCapacity")),
        tokens,
        bool(spec.get("requiresRepublish")),
        modes,
        _age(obj, now),
    ]


def _csi_node_row(obj: dict[str, Any], now: float) -> Row:
    return [_m(obj).get("name", ""), len((obj.get("spec") or {}).get("drivers") or ()), _age(obj, now)]


def _csi_capacity_row(obj: dict[str, Any], now: float) -> Row:
    cap = obj.get("capacity")
    return [_m(obj).get("name", ""), obj.get("storageClassName", ""), "<unset>" if cap is None else str(cap)]


def _volume_attachment_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    return [
        _m(obj).get("name", ""),
        spec.get("attacher", ""),
        (spec.get("source") or {}).get("persistentVolumeName") or "",
        spec.get("nodeName", ""),
        bool((obj.get("status") or {}).get("attached")),
        _age(obj, now),
    ]


def _flow_schema_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    dm = spec.get("distinguisherMethod")
    missing = "?"
    for c in (obj.get("status") or {}).get("conditions") or ():
        if c.get("type") == "Dangling":
            missing = c.get("status", "")
            break
    return [
        _m(obj).get("name", ""),
        (spec.get("priorityLevelConfiguration") or {}).get("name", ""),
        spec.get("matchingPrecedence") or 0,
        "<none>" if dm is None else dm.get("type", ""),
        _age(obj, now),
        missing,
    ]


def _plc_row(obj: dict[str, Any], now: float) -> Row:
    spec = obj.get("spec") or {}
    ncs: Any = "<none>"
    queues: Any = "<none>"
    hand: Any = "<none>"
    qll: Any = "<none>"
    limited = spec.get("limited")
    if limited is not None:
        ncs = limited.get("nominalConcurrencyShares") or 0
        q = (limited.get("limitResponse") or {}).get("queuing")
        if q is not None:
            queues, hand, qll = q.get("queues") or 0, q.get("handSize") or 0, q.get("queueLengthLimit") or 0
    return [_m(obj).get("name", ""), spec.get("type", ""), ncs, queues, hand, qll, _age(obj, now)]


def _component_status_row(obj: dict[str, Any], now: float) -> Row:
    status, message, error = "Unknown", "", ""
    for c in obj.get("conditions") or ():
        if c.get("type") == "Healthy":
            status = "Healthy" if c.get("status") == "True" else "Unhealthy"
            message, error = c.get("message", ""), c.get("error", "")
            break
    return [_m(obj).get("name", ""), status, message, error]


def _apiservice_row(obj: dict[str, Any], now: float) -> Row:
    # kube-aggregator's apiservice REST ConvertToTable.
    spec = obj.get("spec") or {}
    svc = spec.get("service")
    service = "Local" if svc is None else f"{svc.get('namespace', '')}/{svc.get('name', '')}"
    status = "Unknown"
    for c in (obj.get("status") or {}).get("conditions") or ():
        if c.get("type") == "Available":
            st = c.get("status", "")
            status = st if st == "True" or not c.get("reason") else f"{st} ({c['reason']})"
            break
    return [_m(obj).get("name", ""), service, status, _age(obj, now)]


# ---------------------------------------------------------------------------------------------
# The printer table: (group, Kind) -> (column specs, row function).

_DESIRED = "Desired"
_P: dict[tuple[str, str], tuple[list[ColSpec], RowFn]] = {
    ("", "Pod"): (
        [
            _NAME,
            _c("Ready", desc="The aggregate readiness state of this pod for accepting traffic."),
            _c("Status", desc="The aggregate status of the containers in this pod."),
            _c(
                "Restarts",
                desc="The number of times the containers in this pod have been restarted and when the last "
                "container in this pod has restarted.",
            ),
            _AGE,
            _c("IP", desc="@core.PodStatus.podIP", priority=1),
            _c("Node", desc="@core.PodSpec.nodeName", priority=1),
            _c("Nominated Node", desc="@core.PodStatus.nominatedNodeName", priority=1),
            _c("Readiness Gates", desc="@core.PodSpec.readinessGates", priority=1),
        ],
        _pod_row,
    ),
    ("", "PodTemplate"): (
        [
            _NAME,
            _c("Containers", desc="Names of each container in the template."),
            _c("Images", desc="Images referenced by each container in the template."),
            _c("Pod Labels", desc="The labels for the pod template."),
        ],
        _pod_template_row,
    ),
    ("policy", "PodDisruptionBudget"): (
        [
            _NAME,
            _c("Min Available", desc="The minimum number of pods that must be available."),
            _c("Max Unavailable", desc="The maximum number of pods that may be unavailable."),
            _c(
                "Allowed Disruptions",
                "integer",
                "Calculated number of pods that may be disrupted at this time.",
            ),
            _AGE,
        ],
        _pdb_row,
    ),
    ("", "ReplicationController"): (
        [
            _NAME,
            _c(_DESIRED, "integer", "@core.ReplicationControllerSpec.replicas"),
            _c("Current", "integer", "@core.ReplicationControllerStatus.replicas"),
            _c("Ready", "integer", "@core.ReplicationControllerStatus.readyReplicas"),
            _AGE,
            _CONTAINERS,
            _IMAGES,
            _c("Selector", desc="@core.ReplicationControllerSpec.selector", priority=1),
        ],
        _rc_row,
    ),
    ("apps", "ReplicaSet"): (
        [
            _NAME,
            _c(_DESIRED, "integer", "@apps.ReplicaSetSpec.replicas"),
            _c("Current", "integer", "@apps.ReplicaSetStatus.replicas"),
            _c("Ready", "integer", "@apps.ReplicaSetStatus.readyReplicas"),
            _AGE,
            _CONTAINERS,
            _IMAGES,
            _c("Selector", desc="@apps.ReplicaSetSpec.selector", priority=1),
        ],
        _rs_row,
    ),
    ("apps", "DaemonSet"): (
        [
            _NAME,
            _c(_DESIRED, "integer", "@apps.DaemonSetStatus.desiredNumberScheduled"),
            _c("Current", "integer", "@apps.DaemonSetStatus.currentNumberScheduled"),
            _c("Ready", "integer", "@apps.DaemonSetStatus.numberReady"),
            _c("Up-to-date", "integer", "@apps.DaemonSetStatus.updatedNumberScheduled"),
            _c("Available", "integer", "@apps.DaemonSetStatus.numberAvailable"),
            _c("Node Selector", desc="@core.PodSpec.nodeSelector"),
            _AGE,
            _CONTAINERS,
            _IMAGES,
            _c("Selector", desc="@apps.DaemonSetSpec.selector", priority=1),
        ],
        _ds_row,
    ),
    ("batch", "Job"): (
        [
            _NAME,
            _c("Status", desc="Status of the job."),
            _c("Completions", desc="@batch.JobStatus.succeeded"),
            _c("Duration", desc="Time required to complete the job."),
            _AGE,
            _CONTAINERS,
            _IMAGES,
            _c("Selector", desc="@batch.JobSpec.selector", priority=1),
        ],
        _job_row,
    ),
    ("batch", "CronJob"): (
        [
            _NAME,
            _c("Schedule", desc="@batch.CronJobSpec.schedule"),
            _c("Timezone", desc="@batch.CronJobSpec.timeZone"),
            _c("Suspend", "boolean", "@batch.CronJobSpec.suspend"),
            _c("Active", "integer", "@batch.CronJobStatus.active"),
            _c("Last Schedule", desc="@batch.CronJobStatus.lastScheduleTime"),
            _AGE,
            _CONTAINERS,
            _IMAGES,
            _c("Selector", desc="@batch.JobSpec.selector", priority=1),
        ],
        _cronjob_row,
    ),
    ("", "Service"): (
        [
            _NAME,
            _c("Type", desc="@core.ServiceSpec.type"),
            _c("Cluster-IP", desc="@core.ServiceSpec.clusterIP"),
            _c("External-IP", desc="@core.ServiceSpec.externalIPs"),
            _c("Port(s)", desc="@core.ServiceSpec.ports"),
            _AGE,
            _c("Selector", desc="@core.ServiceSpec.selector", priority=1),
        ],
        _service_row,
    ),
    ("networking.k8s.io", "Ingress"): (
        [
            _NAME,
            _c(
                "Class",
                desc="The name of the IngressClass resource that should be used for additional configuration",
            ),
            _c("Hosts", desc="Hosts that incoming requests are matched against before the ingress rule"),
            _c("Address", desc="Address is a list containing ingress points for the load-balancer"),
            _c("Ports", desc="Ports of TLS configurations that open"),
            _AGE,
        ],
        _ingress_row,
    ),
    ("networking.k8s.io", "IngressClass"): (
        [
            _NAME,
            _c("Controller", desc="Controller that is responsible for handling this class"),
            _c("Parameters", desc="A reference to a resource with additional parameters"),
            _AGE,
        ],
        _ingress_class_row,
    ),
    ("apps", "StatefulSet"): (
        [_NAME, _c("Ready", desc="Number of the pod with ready state"), _AGE, _CONTAINERS, _IMAGES],
        _sts_row,
    ),
    ("", "Endpoints"): ([_NAME, _c("Endpoints", desc="@core.Endpoints.subsets"), _AGE], _endpoints_row),
    ("", "Node"): (
        [
            _NAME,
            _c("Status", desc="The status of the node"),
            _c("Roles", desc="The roles of the node"),
            _AGE,
            _c("Version", desc="@core.NodeSystemInfo.kubeletVersion"),
            _c("Internal-IP", desc="@core.NodeStatus.addresses", priority=1),
            _c("External-IP", desc="@core.NodeStatus.addresses", priority=1),
            _c("OS-Image", desc="@core.NodeSystemInfo.osImage", priority=1),
            _c("Kernel-Version", desc="@core.NodeSystemInfo.kernelVersion", priority=1),
            _c("Container-Runtime", desc="@core.NodeSystemInfo.containerRuntimeVersion", priority=1),
        ],
        _node_row,
    ),
    ("", "Event"): (
        [
            _c("Last Seen", desc="@core.Event.lastTimestamp"),
            _c("Type", desc="@core.Event.type"),
            _c("Reason", desc="@core.Event.reason"),
            _c("Object", desc="@core.Event.involvedObject"),
            _c("Subobject", desc="@core.ObjectReference.fieldPath", priority=1),
            _c("Source", desc="@core.Event.source", priority=1),
            _c("Message", desc="@core.Event.message"),
            _c("First Seen", desc="@core.Event.firstTimestamp", priority=1),
            _c("Count", desc="@core.Event.count", priority=1),
            _c("Name", desc="@meta.ObjectMeta.name", priority=1, fmt="name"),
        ],
        _event_row,
    ),
    ("", "Namespace"): ([_NAME, _c("Status", desc="The status of the namespace"), _AGE], _namespace_row),
    ("", "Secret"): (
        [_NAME, _c("Type", desc="@core.Secret.type"), _c("Data", desc="@core.Secret.data"), _AGE],
        _secret_row,
    ),
    ("", "ServiceAccount"): ([_NAME, _c("Secrets", desc="@core.ServiceAccount.secrets"), _AGE], _sa_row),
    ("", "PersistentVolume"): (
        [
            _NAME,
            _c("Capacity", desc="@core.PersistentVolumeSpec.capacity"),
            _c("Access Modes", desc="@core.PersistentVolumeSpec.accessModes"),
            _c("Reclaim Policy", desc="@core.PersistentVolumeSpec.persistentVolumeReclaimPolicy"),
            _c("Status", desc="@core.PersistentVolumeStatus.phase"),
            _c("Claim", desc="@core.PersistentVolumeSpec.claimRef"),
            _c("StorageClass", desc="StorageClass of the pv"),
            _c("VolumeAttributesClass", desc="VolumeAttributesClass of the pv"),
            _c("Reason", desc="@core.PersistentVolumeStatus.reason"),
            _AGE,
            _c("VolumeMode", desc="@core.PersistentVolumeSpec.volumeMode", priority=1),
        ],
        _pv_row,
    ),
    ("", "PersistentVolumeClaim"): (
        [
            _NAME,
            _c("Status", desc="@core.PersistentVolumeClaimStatus.phase"),
            _c("Volume", desc="@core.PersistentVolumeClaimSpec.volumeName"),
            _c("Capacity", desc="@core.PersistentVolumeClaimStatus.capacity"),
            _c("Access Modes", desc="@core.PersistentVolumeClaimStatus.accessModes"),
            _c("StorageClass", desc="StorageClass of the pvc"),
            _c("VolumeAttributesClass", desc="VolumeAttributesClass of the pvc"),
            _AGE,
            _c("VolumeMode", desc="@core.PersistentVolumeClaimSpec.volumeMode", priority=1),
        ],
        _pvc_row,
    ),
    ("", "ComponentStatus"): (
        [
            _NAME,
            _c("Status", desc="Status of the component conditions"),
            _c("Message", desc="Message of the component conditions"),
            _c("Error", desc="Error of the component conditions"),
        ],
        _component_status_row,
    ),
    ("apps", "Deployment"): (
        [
            _NAME,
            _c("Ready", desc="Number of the pod with ready state"),
            _c("Up-to-date", desc="@apps.DeploymentStatus.updatedReplicas"),
            _c("Available", desc="@apps.DeploymentStatus.availableReplicas"),
            _AGE,
            _CONTAINERS,
            _IMAGES,
            _c("Selector", desc="@apps.DeploymentSpec.selector", priority=1),
        ],
        _deploy_row,
    ),
    ("autoscaling", "HorizontalPodAutoscaler"): (
        [
            _NAME,
            _c("Reference", desc="@autoscaling.HorizontalPodAutoscalerSpec.scaleTargetRef"),
            _c("Targets", desc="@autoscaling.HorizontalPodAutoscalerSpec.metrics"),
            _c("MinPods", desc="@autoscaling.HorizontalPodAutoscalerSpec.minReplicas"),
            _c("MaxPods", desc="@autoscaling.HorizontalPodAutoscalerSpec.maxReplicas"),
            _c("Replicas", desc="@autoscaling.HorizontalPodAutoscalerStatus.currentReplicas"),
            _AGE,
        ],
        _hpa_row,
    ),
    ("", "ConfigMap"): ([_NAME, _c("Data", desc="@core.ConfigMap.data"), _AGE], _configmap_row),
    ("networking.k8s.io", "NetworkPolicy"): (
        [_NAME, _c("Pod-Selector", desc="@networking.NetworkPolicySpec.podSelector"), _AGE],
        _network_policy_row,
    ),
    ("rbac.authorization.k8s.io", "RoleBinding"): (
        [
            _NAME,
            _c("Role", desc="@rbac.RoleBinding.roleRef"),
            _AGE,
            _c("Users", desc="Users in the roleBinding", priority=1),
            _c("Groups", desc="Groups in the roleBinding", priority=1),
            _c("ServiceAccounts", desc="ServiceAccounts in the roleBinding", priority=1),
        ],
        _binding_row,
    ),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): (
        [
            _NAME,
            _c("Role", desc="@rbac.ClusterRoleBinding.roleRef"),
            _AGE,
            _c("Users", desc="Users in the clusterRoleBinding", priority=1),
            _c("Groups", desc="Groups in the clusterRoleBinding", priority=1),
            _c("ServiceAccounts", desc="ServiceAccounts in the clusterRoleBinding", priority=1),
        ],
        _binding_row,
    ),
    ("certificates.k8s.io", "CertificateSigningRequest"): (
        [
            _NAME,
            _AGE,
            _c("SignerName", desc="@certificates.CertificateSigningRequestSpec.signerName"),
            _c("Requestor", desc="@certificates.CertificateSigningRequestSpec.request"),
            _c("RequestedDuration", desc="@certificates.CertificateSigningRequestSpec.expirationSeconds"),
            _c("Condition", desc="@certificates.CertificateSigningRequestStatus.conditions"),
        ],
        _csr_row,
    ),
    ("coordination.k8s.io", "Lease"): (
        [_NAME, _c("Holder", desc="@coordination.LeaseSpec.holderIdentity"), _AGE],
        _lease_row,
    ),
    ("storage.k8s.io", "StorageClass"): (
        [
            _NAME,
            _c("Provisioner", desc="@storage.StorageClass.provisioner"),
            _c("ReclaimPolicy", desc="@storage.StorageClass.reclaimPolicy"),
            _c("VolumeBindingMode", desc="@storage.StorageClass.volumeBindingMode"),
            _c("AllowVolumeExpansion", desc="@storage.StorageClass.allowVolumeExpansion"),
            _AGE,
        ],
        _storage_class_row,
    ),
    ("apps", "ControllerRevision"): (
        [
            _NAME,
            _c("Controller", desc="Controller of the object"),
            _c("Revision", desc="@apps.ControllerRevision.revision"),
            _AGE,
        ],
        _controller_revision_row,
    ),
    # 1.32 order: NAME AGE REQUEST LIMIT (Age moved last only in later releases).
    ("", "ResourceQuota"): (
        [
            _NAME,
            _AGE,
            _c(
                "Request",
                desc="Request represents a minimum amount of cpu/memory that a container may consume.",
            ),
            _c(
                "Limit",
                desc="Limits control the maximum amount of cpu/memory that a container may use independent of "
                "contention on the node.",
            ),
        ],
        _quota_row,
    ),
    ("scheduling.k8s.io", "PriorityClass"): (
        [
            _NAME,
            _c("Value", "integer", "@scheduling.PriorityClass.value"),
            _c("Global-Default", "boolean", "@scheduling.PriorityClass.globalDefault"),
            _AGE,
            _c("PreemptionPolicy", desc="@scheduling.PriorityClass.preemptionPolicy"),
        ],
        _priority_class_row,
    ),
    ("node.k8s.io", "RuntimeClass"): ([_NAME, _c("Handler", desc=""), _AGE], _runtime_class_row),
    ("storage.k8s.io", "VolumeAttachment"): (
        [
            _NAME,
            _c("Attacher", desc="@storage.VolumeAttachmentSpec.attacher", fmt="name"),
            _c("PV", desc="@storage.VolumeAttachmentSource.persistentVolumeName"),
            _c("Node", desc="@storage.VolumeAttachmentSpec.nodeName"),
            _c("Attached", "boolean", "@storage.VolumeAttachmentStatus.attached"),
            _AGE,
        ],
        _volume_attachment_row,
    ),
    ("discovery.k8s.io", "EndpointSlice"): (
        [
            _NAME,
            _c("AddressType", desc="@discovery.EndpointSlice.addressType"),
            _c("Ports", desc="@discovery.EndpointSlice.ports"),
            _c("Endpoints", desc="@discovery.EndpointSlice.endpoints"),
            _AGE,
        ],
        _endpoint_slice_row,
    ),
    ("storage.k8s.io", "CSINode"): (
        [
            _NAME,
            _c("Drivers", "integer", "Drivers indicates the number of CSI drivers registered on the node"),
            _AGE,
        ],
        _csi_node_row,
    ),
    ("storage.k8s.io", "CSIDriver"): (
        [
            _NAME,
            _c("AttachRequired", "boolean", "@storage.CSIDriverSpec.attachRequired"),
            _c("PodInfoOnMount", "boolean", "@storage.CSIDriverSpec.podInfoOnMount"),
            _c("StorageCapacity", "boolean", "@storage.CSIDriverSpec.storageCapacity"),
            _c("TokenRequests", desc="@storage.CSIDriverSpec.tokenRequests"),
            _c("RequiresRepublish", "boolean", "@storage.CSIDriverSpec.requiresRepublish"),
            _c("Modes", desc="@storage.CSIDriverSpec.volumeLifecycleModes"),
            _AGE,
        ],
        _csi_driver_row,
    ),
    ("storage.k8s.io", "CSIStorageCapacity"): (
        [
            _NAME,
            _c("StorageClassName", desc="@storage.CSIStorageCapacity.storageClassName"),
            _c("Capacity", desc="@storage.CSIStorageCapacity.capacity"),
        ],
        _csi_capacity_row,
    ),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): (
        [
            _NAME,
            _c(
                "Webhooks",
                "integer",
                "Webhooks indicates the number of webhooks registered in this configuration",
            ),
            _AGE,
        ],
        _webhook_config_row,
    ),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): (
        [
            _NAME,
            _c(
                "Webhooks",
                "integer",
                "Webhooks indicates the number of webhooks registered in this configuration",
            ),
            _AGE,
        ],
        _webhook_config_row,
    ),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"): (
        [
            _NAME,
            _c(
                "Validations",
                "integer",
                "Validations indicates the number of validation rules defined in this configuration",
            ),
            _c(
                "ParamKind", desc="ParamKind specifies the kind of resources used to parameterize this policy"
            ),
            _AGE,
        ],
        _vap_row,
    ),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"): (
        [
            _NAME,
            _c(
                "PolicyName",
                desc="PolicyName indicates the policy definition which the policy binding binded to",
            ),
            _c("ParamRef", desc="ParamRef indicates the param resource which sets the configration param"),
            _AGE,
        ],
        _vapb_row,
    ),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"): (
        [
            _NAME,
            _c("PriorityLevel", desc="@flowcontrol.PriorityLevelConfigurationReference.name"),
            _c("MatchingPrecedence", desc="@flowcontrol.FlowSchemaSpec.matchingPrecedence"),
            _c("DistinguisherMethod", desc="@flowcontrol.FlowSchemaSpec.distinguisherMethod"),
            _AGE,
            _c("MissingPL", desc="references a broken or non-existent PriorityLevelConfiguration"),
        ],
        _flow_schema_row,
    ),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"): (
        [
            _NAME,
            _c("Type", desc="@flowcontrol.PriorityLevelConfigurationSpec.type"),
            _c(
                "NominalConcurrencyShares",
                desc="@flowcontrol.LimitedPriorityLevelConfiguration.nominalConcurrencyShares",
            ),
            _c("Queues", desc="@flowcontrol.QueuingConfiguration.queues"),
            _c("HandSize", desc="@flowcontrol.QueuingConfiguration.handSize"),
            _c("QueueLengthLimit", desc="@flowcontrol.QueuingConfiguration.queueLengthLimit"),
            _AGE,
        ],
        _plc_row,
    ),
    ("apiregistration.k8s.io", "APIService"): (
        [("Name", "string", "name", "", 0), _c("Service"), _c("Available"), _c("Age")],
        _apiservice_row,
    ),
}
_P[("events.k8s.io", "Event")] = _P[("", "Event")]

# The apiserver's rest.defaultTableConvertor, used for kinds without a printer (roles, CRDs, limitranges...).
_DEFAULT_SPECS: list[ColSpec] = [_NAME, ("Created At", "date", "", "@meta.ObjectMeta.creationTimestamp", 0)]


def _default_row(obj: dict[str, Any], now: float) -> Row:
    meta = obj.get("metadata") or {}
    ts = parse_ts(meta.get("creationTimestamp"))
    if ts is None:
        return [meta.get("name", ""), "0001-01-01T00:00:00Z"]
    return [meta.get("name", ""), datetime.fromtimestamp(int(ts), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]


# ---------------------------------------------------------------------------------------------
# Custom resources: apiextensions-apiserver's tableconvertor over additionalPrinterColumns.

_TOKEN = re.compile(
    r"\.([A-Za-z0-9_\-$]+)|\[(\d+|\*)\]|\['([^']*)'\]|\[\?\(@((?:\.[A-Za-z0-9_\-]+)+)\s*==\s*(['\"])(.*?)\5\)\]"
)


def _jsonpath(expr: str) -> Callable[[Any], list[Any]] | None:
    """Compile the simple JSONPath subset CRD columns use: ``.a.b``, ``[0]``, ``[*]``, ``['k']``, ``[?(@.x=="v")]``."""
    path = expr.strip()
    if path.startswith("{") and path.endswith("}"):
        path = path[1:-1]
    if path.startswith("$"):
        path = path[1:]
    steps: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        if m is None:
            return None
        field, idx, quoted, fpath, _q, fval = m.groups()
        if field is not None:
            steps.append(("key", field))
        elif quoted is not None:
            steps.append(("key", quoted))
        elif idx is not None:
            steps.append(("all", None) if idx == "*" else ("idx", int(idx)))
        else:
            steps.append(("filter", (fpath[1:].split("."), fval)))
        pos = m.end()

    def run(doc: Any) -> list[Any]:
        cur = [doc]
        for kind, arg in steps:
            nxt: list[Any] = []
            for v in cur:
                if kind == "key":
                    if isinstance(v, dict) and arg in v:
                        nxt.append(v[arg])
                elif kind == "idx":
                    if isinstance(v, list) and -len(v) <= arg < len(v):
                        nxt.append(v[arg])
                elif kind == "all":
                    if isinstance(v, list):
                        nxt.extend(v)
                    elif isinstance(v, dict):
                        nxt.extend(v.values())
                else:
                    keys, want = arg
                    for item in v if isinstance(v, list) else ():
                        x = item
                        for k in keys:
                            x = x.get(k) if isinstance(x, dict) else None
                        if x is not None and go_sprint(x) == want:
                            nxt.append(item)
            cur = nxt
        return cur

    return run


def _crd_cell(typ: str, value: Any, now: float) -> Any:
    """apiextensions tableconvertor cellForJSONValue (string columns go through JSONPath printing)."""
    if value is None:
        return None
    if typ == "string":
        if isinstance(value, (dict, list)):
            return json.dumps(value, separators=(",", ":"), sort_keys=True)
        return value if isinstance(value, str) else go_sprint(value)
    if typ == "integer":
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return int(value)
        return None
    if typ == "number":
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        return None
    if typ == "boolean":
        return value if isinstance(value, bool) else None
    if typ == "date":
        if isinstance(value, str):
            ts = parse_ts(value)
            if ts is None:
                return "<invalid>"
            return since(now, value)
        return None
    return None


def _crd_printer(rt: ResourceType) -> tuple[list[dict[str, Any]], RowFn]:
    raw = rt.extra.get("additionalPrinterColumns") if rt.extra else None
    columns_in: list[dict[str, Any]] = list(raw) if isinstance(raw, list) else []
    if not columns_in:
        columns_in = [
            {
                "name": "Age",
                "type": "date",
                "description": _doc("meta.ObjectMeta.creationTimestamp"),
                "jsonPath": ".metadata.creationTimestamp",
            }
        ]
    headers = _resolve([_NAME])
    paths: list[tuple[str, Callable[[Any], list[Any]] | None]] = []
    for col in columns_in:
        jp = str(col.get("jsonPath", ""))
        desc = col.get("description") or f"Custom resource definition column (in JSONPath format): {jp}"
        headers.append(
            {
                "name": col.get("name", ""),
                "type": col.get("type", "string"),
                "format": col.get("format", ""),
                "description": desc,
                "priority": int(col.get("priority") or 0),
            }
        )
        paths.append((str(col.get("type", "string")), _jsonpath(jp)))

    def row(obj: dict[str, Any], now: float) -> Row:
        cells: Row = [(obj.get("metadata") or {}).get("name", "")]
        for typ, fn in paths:
            found = fn(obj) if fn is not None else []
            cells.append(_crd_cell(typ, found[0], now) if found else None)
        return cells

    return headers, row


# ---------------------------------------------------------------------------------------------
# Public API.

_RESOLVED: dict[tuple[str, str], tuple[list[dict[str, Any]], RowFn]] = {}


def _printer(rt: ResourceType) -> tuple[list[dict[str, Any]], RowFn]:
    if rt.crd:
        return _crd_printer(rt)
    key = (rt.group, rt.kind)
    hit = _RESOLVED.get(key)
    if hit is None:
        specs, fn = _P.get(key, (_DEFAULT_SPECS, _default_row))
        hit = (_resolve(specs), fn)
        _RESOLVED[key] = hit
    return hit


def column_definitions(rt: ResourceType) -> list[dict[str, Any]]:
    """The Table ``columnDefinitions`` the server sends for this resource (a fresh list of fresh dicts)."""
    return [dict(c) for c in _printer(rt)[0]]


def printer_kinds() -> list[tuple[str, str]]:
    """(group, Kind) pairs that have a dedicated printer (everything else gets NAME / Created At)."""
    return sorted(_P)


def build_table(
    rt: ResourceType,
    objs: list[dict[str, Any]],
    now: float,
    *,
    include_object: bool | str = True,
    resource_version: str | None = None,
    no_headers: bool = False,
) -> dict[str, Any]:
    """Build the ``meta.k8s.io/v1`` Table the API server returns for ``objs`` (a list or one object).

    ``include_object``: True / "Metadata" (default) puts a PartialObjectMetadata in every row,
    "Object" the full object (``?includeObject=Object``, used by ``--sort-by``), False / "None" nothing.
    ``no_headers`` leaves ``columnDefinitions`` empty (``TableOptions.noHeaders``, later watch events).
    Cells always include the wide columns, as the real server generates them.
    """
    columns, row_fn = _printer(rt)
    mode = include_object
    if mode is True:
        mode = "Metadata"
    elif mode is False:
        mode = "None"
    if mode not in ("Metadata", "Object", "None"):
        raise ValueError(f"invalid includeObject {include_object!r}: must be one of Object, Metadata, None")
    is_pod = rt.group == "" and rt.kind == "Pod" and not rt.crd
    rows: list[dict[str, Any]] = []
    append = rows.append
    if mode == "Metadata":
        for obj in objs:
            row = {
                "cells": row_fn(obj, now),
                "object": {
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": obj.get("metadata") or {},
                },
            }
            if is_pod:
                conds = _pod_conditions(obj)
                if conds is not None:
                    row["conditions"] = conds
            append(row)
    else:
        for obj in objs:
            row = {"cells": row_fn(obj, now)}
            if mode == "Object":
                row["object"] = obj
            if is_pod:
                conds = _pod_conditions(obj)
                if conds is not None:
                    row["conditions"] = conds
            append(row)
    meta: dict[str, Any] = {}
    if resource_version is not None:
        meta["resourceVersion"] = resource_version
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": meta,
        "columnDefinitions": [] if no_headers else [dict(c) for c in columns],
        "rows": rows,
    }
