"""Describers for core/v1 kinds: Service, Endpoints, Namespace, ConfigMap, Secret, ServiceAccount, Node."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from k8stutor.engine.errors import StatusError
from k8stutor.engine.quantity import Quantity

from .common import (
    DescribeClient,
    d,
    describe_events,
    escape_field_value,
    events_for,
    fmt_time,
    format_labels,
    go_value,
    i,
    lst,
    print_annotations_multiline,
    print_labels_multiline,
    print_taints_multiline,
    s,
    safe_list,
    search_events,
    since,
    str_map,
)
from .pod import pod_requests_and_limits, resource_list
from .tabwriter import LEVEL_0, LEVEL_1, LEVEL_2, PrefixWriter

# --- Service / Endpoints -------------------------------------------------------------------------------------


def _join_host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def format_endpoint_slices(slices: list[dict], ports: set[str] | None) -> str:
    """``formatEndpointSlices``: ready ``ip:port`` joined by commas, at most 3 then `` + N more...``."""
    if not slices:
        return "<none>"
    out: list[str] = []
    max_n, more, count = 3, False, 0
    for sl in slices:
        endpoints = [e for e in lst(sl, "endpoints") if isinstance(e, dict)]
        sl_ports = [p for p in lst(sl, "ports") if isinstance(p, dict)]

        def ready(e: dict) -> bool:
            r = d(e, "conditions").get("ready")
            return r is None or r is True

        if not sl_ports:
            for e in endpoints:
                if len(out) == max_n:
                    more = True
                if not ready(e):
                    continue
                if not more and lst(e, "addresses"):
                    out.append(str(lst(e, "addresses")[0]))
                count += 1
        else:
            for p in sl_ports:
                if ports is not None and s(p, "name") not in ports:
                    continue
                for e in endpoints:
                    if len(out) == max_n:
                        more = True
                    if not ready(e):
                        continue
                    if not more and lst(e, "addresses"):
                        out.append(_join_host_port(str(lst(e, "addresses")[0]), i(p, "port")))
                    count += 1
    ret = ",".join(out)
    if more:
        return f"{ret} + {count - max_n} more..."
    return ret


def describe_service(api: DescribeClient, svc: dict, now: float, w: PrefixWriter) -> None:
    """``describeService`` (endpoints from the Service's EndpointSlices)."""
    meta, spec = d(svc, "metadata"), d(svc, "spec")
    ns, name = s(meta, "namespace"), s(meta, "name")
    label = f"kubernetes.io/service-name={name}"
    slices = safe_list(api, "endpointslices.discovery.k8s.io", ns, label_selector=label) or []
    slices = [
        x for x in slices if str_map(d(x, "metadata").get("labels")).get("kubernetes.io/service-name") == name
    ]
    events = events_for(api, "Service", svc)
    w.write(LEVEL_0, f"Name:\t{name}\n")
    w.write(LEVEL_0, f"Namespace:\t{ns}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(LEVEL_0, f"Type:\t{s(spec, 'type')}\n")
    if spec.get("ipFamilyPolicy") is not None:
        w.write(LEVEL_0, f"IP Family Policy:\t{s(spec, 'ipFamilyPolicy')}\n")
    families = [str(x) for x in lst(spec, "ipFamilies")]
    w.write(LEVEL_0, f"IP Families:\t{','.join(families) if families else '<none>'}\n")
    w.write(LEVEL_0, f"IP:\t{s(spec, 'clusterIP')}\n")
    ips = [str(x) for x in lst(spec, "clusterIPs")]
    w.write(LEVEL_0, f"IPs:\t{','.join(ips) if ips else '<none>'}\n")
    if lst(spec, "externalIPs"):
        w.write(LEVEL_0, f"External IPs:\t{','.join(str(x) for x in lst(spec, 'externalIPs'))}\n")
    if s(spec, "loadBalancerIP"):
        w.write(LEVEL_0, f"Desired LoadBalancer IP:\t{s(spec, 'loadBalancerIP')}\n")
    if s(spec, "externalName"):
        w.write(LEVEL_0, f"External Name:\t{s(spec, 'externalName')}\n")
    ingress = [x for x in lst(svc, "status", "loadBalancer", "ingress") if isinstance(x, dict)]
    if ingress:
        parts = []
        for ing in ingress:
            if s(ing, "ip"):
                parts.append(
                    s(ing, "ip") + (f" ({s(ing, 'ipMode')})" if ing.get("ipMode") is not None else "")
                )
            else:
                parts.append(s(ing, "hostname"))
        w.write(LEVEL_0, f"LoadBalancer Ingress:\t{', '.join(parts)}\n")
    for sp in lst(spec, "ports"):
        if not isinstance(sp, dict):
            continue
        pname = s(sp, "name") or "<unset>"
        proto = s(sp, "protocol")
        w.write(LEVEL_0, f"Port:\t{pname}\t{i(sp, 'port')}/{proto}\n")
        tp = sp.get("targetPort")
        w.write(LEVEL_0, f"TargetPort:\t{'0' if tp is None else go_value(tp)}/{proto}\n")
        if i(sp, "nodePort"):
            w.write(LEVEL_0, f"NodePort:\t{pname}\t{i(sp, 'nodePort')}/{proto}\n")
        w.write(LEVEL_0, f"Endpoints:\t{format_endpoint_slices(slices, {s(sp, 'name')})}\n")
    w.write(LEVEL_0, f"Session Affinity:\t{s(spec, 'sessionAffinity')}\n")
    if s(spec, "externalTrafficPolicy"):
        w.write(LEVEL_0, f"External Traffic Policy:\t{s(spec, 'externalTrafficPolicy')}\n")
    if spec.get("internalTrafficPolicy") is not None:
        w.write(LEVEL_0, f"Internal Traffic Policy:\t{s(spec, 'internalTrafficPolicy')}\n")
    if i(spec, "healthCheckNodePort"):
        w.write(LEVEL_0, f"HealthCheck NodePort:\t{i(spec, 'healthCheckNodePort')}\n")
    if lst(spec, "loadBalancerSourceRanges"):
        w.write(
            LEVEL_0,
            f"LoadBalancer Source Ranges:\t{','.join(str(x) for x in lst(spec, 'loadBalancerSourceRanges'))}\n",
        )
    if s(spec, "trafficDistribution"):
        w.write(LEVEL_0, f"Traffic Distribution:\t{s(spec, 'trafficDistribution')}\n")
    describe_events(events, w, now)


def describe_endpoints(api: DescribeClient, ep: dict, now: float, w: PrefixWriter) -> None:
    """``describeEndpoints``."""
    meta = d(ep, "metadata")
    events = events_for(api, "Endpoints", ep)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, "Subsets:\n")
    for subset in lst(ep, "subsets"):
        if not isinstance(subset, dict):
            continue
        addrs = ",".join(s(a, "ip") for a in lst(subset, "addresses") if isinstance(a, dict))
        w.write(LEVEL_1, f"Addresses:\t{addrs or '<none>'}\n")
        nready = ",".join(s(a, "ip") for a in lst(subset, "notReadyAddresses") if isinstance(a, dict))
        w.write(LEVEL_1, f"NotReadyAddresses:\t{nready or '<none>'}\n")
        ports = [p for p in lst(subset, "ports") if isinstance(p, dict)]
        if ports:
            w.write(LEVEL_1, "Ports:\n")
            w.write(LEVEL_2, "Name\tPort\tProtocol\n")
            w.write(LEVEL_2, "----\t----\t--------\n")
            for p in ports:
                w.write(LEVEL_2, f"{s(p, 'name') or '<unset>'}\t{i(p, 'port')}\t{s(p, 'protocol')}\n")
        w.write(LEVEL_0, "\n")
    describe_events(events, w, now)


# --- Namespace (with ResourceQuotas and LimitRanges) ---------------------------------------------------------

_SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited lifespan on a node "
    "before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually include long "
    "running pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have a best effort "
    "quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These pods have a "
    "burstable or guaranteed quality of service.",
}


def _q(v: Any) -> str:
    try:
        return str(Quantity.parse(v))
    except ValueError:
        return go_value(v)


def describe_resource_quotas(quotas: list[dict], w: PrefixWriter) -> None:
    """``DescribeResourceQuotas``."""
    if not quotas:
        w.write(LEVEL_0, "No resource quota.\n")
        return
    w.write(LEVEL_0, "Resource Quotas\n")
    for q in sorted(quotas, key=lambda x: s(x, "metadata", "name")):
        w.write(LEVEL_1, f"Name:\t{s(q, 'metadata', 'name')}\n")
        scopes = sorted(str(x) for x in lst(q, "spec", "scopes"))
        if scopes:
            w.write(LEVEL_1, f"Scopes:\t{', '.join(scopes)}\n")
            for scope in scopes:
                if scope in _SCOPE_HELP:
                    w.write(LEVEL_1, f"* {_SCOPE_HELP[scope]}\n")
        w.write(LEVEL_1, "Resource\tUsed\tHard\n")
        w.write(LEVEL_1, "--------\t---\t---\n")
        hard = d(q, "status", "hard")
        used = d(q, "status", "used")
        for res in sorted(hard):
            used_s = _q(used[res]) if res in used else "0"
            w.write(LEVEL_1, f"{res}\t{used_s}\t{_q(hard[res])}\n")


def describe_limit_ranges(ranges: list[dict], w: PrefixWriter) -> None:
    """``DescribeLimitRanges``."""
    if not ranges:
        w.write(LEVEL_0, "No LimitRange resource.\n")
        return
    w.write(
        LEVEL_0,
        "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
    )
    w.write(LEVEL_0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
    for lr in ranges:
        describe_limit_range_spec(d(lr, "spec"), " ", w)


def describe_limit_range_spec(spec: dict, prefix: str, w: PrefixWriter) -> None:
    """``describeLimitRangeSpec`` (resource names in sorted order; Go's map order is random)."""
    for item in lst(spec, "limits"):
        if not isinstance(item, dict):
            continue
        fields = ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")
        maps = {f: d(item, f) for f in fields}
        names: list[str] = []
        for f in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
            for k in maps[f]:
                if k not in names:
                    names.append(k)
        for k in sorted(names):
            vals = [(_q(maps[f][k]) if k in maps[f] else "-") for f in fields]
            w.write(LEVEL_0, f"{prefix}{s(item, 'type')}\t{k}\t" + "\t".join(vals) + "\n")


def describe_namespace(api: DescribeClient, ns: dict, now: float, w: PrefixWriter) -> None:
    """``describeNamespace`` (quota and limit-range sections always follow, as kubectl lists both)."""
    meta = d(ns, "metadata")
    name = s(meta, "name")
    quotas = safe_list(api, "resourcequotas", name)
    ranges = safe_list(api, "limitranges", name)
    w.write(LEVEL_0, f"Name:\t{name}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, f"Status:\t{s(ns, 'status', 'phase')}\n")
    conditions = [c for c in lst(ns, "status", "conditions") if isinstance(c, dict)]
    if conditions:
        w.write(LEVEL_0, "Conditions:\n")
        w.write(LEVEL_1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(LEVEL_1, "----\t------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(
                LEVEL_1,
                f"{s(c, 'type')}\t{s(c, 'status')}\t{fmt_time(s(c, 'lastTransitionTime'))}\t"
                f"{s(c, 'reason')}\t{s(c, 'message')}\n",
            )
    if quotas is not None:
        w.write(LEVEL_0, "\n")
        describe_resource_quotas(quotas, w)
    if ranges is not None:
        w.write(LEVEL_0, "\n")
        describe_limit_ranges(ranges, w)


# --- ConfigMap / Secret / ServiceAccount ---------------------------------------------------------------------


def describe_config_map(api: DescribeClient, cm: dict, now: float, w: PrefixWriter) -> None:
    """ConfigMapDescriber (keys sorted; Go iterates its map in random order)."""
    meta = d(cm, "metadata")
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, "\nData\n====\n")
    data = str_map(cm.get("data"))
    for k in sorted(data):
        w.write(LEVEL_0, f"{k}:\n----\n")
        w.write(LEVEL_0, f"{data[k]}\n")
        w.write(LEVEL_0, "\n")
    w.write(LEVEL_0, "\nBinaryData\n====\n")
    binary = str_map(cm.get("binaryData"))
    for k in sorted(binary):
        w.write(LEVEL_0, f"{k}: {len(_b64(binary[k]))} bytes\n")
    w.write(LEVEL_0, "\n")
    describe_events(events_for(api, "ConfigMap", cm), w, now)


def _b64(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError):
        return value.encode()


def describe_secret(api: DescribeClient, secret: dict, now: float, w: PrefixWriter) -> None:
    """``describeSecret``: sizes only (the service-account token itself is shown, as kubectl does)."""
    meta = d(secret, "metadata")
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    stype = s(secret, "type")
    w.write(LEVEL_0, f"\nType:\t{stype}\n")
    w.write(LEVEL_0, "\nData\n====\n")
    data = str_map(secret.get("data"))
    for k in sorted(data):
        raw = _b64(data[k])
        if k == "token" and stype == "kubernetes.io/service-account-token":
            w.write(LEVEL_0, f"{k}:\t{raw.decode('utf-8', errors='replace')}\n")
        else:
            w.write(LEVEL_0, f"{k}:\t{len(raw)} bytes\n")


def describe_service_account(api: DescribeClient, sa: dict, now: float, w: PrefixWriter) -> None:
    """``describeServiceAccount``."""
    meta = d(sa, "metadata")
    ns, name, uid = s(meta, "namespace"), s(meta, "name"), s(meta, "uid")
    secrets = safe_list(api, "secrets", ns)
    tokens: list[str] = []
    missing: set[str] = set()
    if secrets is not None:
        existing = set()
        for sec in secrets:
            ann = str_map(d(sec, "metadata").get("annotations"))
            if s(sec, "type") == "kubernetes.io/service-account-token":
                if (
                    ann.get("kubernetes.io/service-account.name") == name
                    and ann.get("kubernetes.io/service-account.uid", "") == uid
                ):
                    tokens.append(s(sec, "metadata", "name"))
            existing.add(s(sec, "metadata", "name"))
        for ref in [*lst(sa, "secrets"), *lst(sa, "imagePullSecrets")]:
            if isinstance(ref, dict) and s(ref, "name") not in existing:
                missing.add(s(ref, "name"))
    events = events_for(api, "ServiceAccount", sa)
    w.write(LEVEL_0, f"Name:\t{name}\n")
    w.write(LEVEL_0, f"Namespace:\t{ns}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    empty = " " * 19
    sections = {
        "Image pull secrets:": [s(x, "name") for x in lst(sa, "imagePullSecrets") if isinstance(x, dict)],
        "Mountable secrets: ": [s(x, "name") for x in lst(sa, "secrets") if isinstance(x, dict)],
        "Tokens:            ": tokens,
    }
    for header in sorted(sections):
        names = sections[header]
        if not names:
            w.write(LEVEL_0, f"{header}\t<none>\n")
            continue
        prefix = header
        for n in names:
            suffix = " (not found)" if n in missing else ""
            w.write(LEVEL_0, f"{prefix}\t{n}{suffix}\n")
            prefix = empty
    describe_events(events, w, now)


# --- Node ----------------------------------------------------------------------------------------------------

_STANDARD_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}


def _is_huge_page(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_standard_container_resource(name: str) -> bool:
    return name in _STANDARD_CONTAINER_RESOURCES or _is_huge_page(name)


def _go_int64_of(fraction: float) -> int:
    """Go ``int64(f)``: truncation; NaN/Inf give math.MinInt64 on amd64."""
    if fraction != fraction or fraction in (float("inf"), float("-inf")):
        return -(2**63)
    return int(fraction)


def _pct(num: int, den: int) -> int:
    if den == 0:
        return _go_int64_of(float("nan") if num == 0 else float("inf"))
    return _go_int64_of(num / den * 100)


def node_roles(node: dict) -> list[str]:
    """``findNodeRoles``."""
    roles = set()
    for k, v in str_map(d(node, "metadata").get("labels")).items():
        if k.startswith("node-role.kubernetes.io/"):
            role = k.removeprefix("node-role.kubernetes.io/")
            if role:
                roles.add(role)
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    return sorted(roles)


def _describe_node_resource(pods: list[dict], node: dict, now: float, w: PrefixWriter) -> None:
    """``describeNodeResource``: the Non-terminated Pods table and Allocated resources."""
    w.write(LEVEL_0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(LEVEL_1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(LEVEL_1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    allocatable = resource_list(d(node, "status").get("capacity"))
    if d(node, "status", "allocatable"):
        allocatable = resource_list(d(node, "status").get("allocatable"))
    zero = Quantity()
    alloc_cpu = allocatable.get("cpu", zero).milli_value()
    alloc_mem = allocatable.get("memory", zero).value()
    for pod in pods:
        req, lim = pod_requests_and_limits(pod)
        cr, cl = req.get("cpu", zero), lim.get("cpu", zero)
        mr, ml = req.get("memory", zero), lim.get("memory", zero)
        w.write(
            LEVEL_1,
            f"{s(pod, 'metadata', 'namespace')}\t{s(pod, 'metadata', 'name')}\t\t"
            f"{cr} ({_pct(cr.milli_value(), alloc_cpu)}%)\t{cl} ({_pct(cl.milli_value(), alloc_cpu)}%)\t"
            f"{mr} ({_pct(mr.value(), alloc_mem)}%)\t{ml} ({_pct(ml.value(), alloc_mem)}%)\t"
            f"{since(now, s(pod, 'metadata', 'creationTimestamp'))}\n",
        )
    w.write(LEVEL_0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n")
    w.write(LEVEL_1, "--------\t--------\t------\n")
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for pod in pods:
        preq, plim = pod_requests_and_limits(pod)
        for target, src in ((reqs, preq), (limits, plim)):
            for name, q in src.items():
                if name in target:
                    target[name].add(q)
                else:
                    target[name] = q.copy()

    def row(name: str, milli: bool) -> None:
        r, lq = reqs.get(name, zero), limits.get(name, zero)
        a = allocatable.get(name, zero)
        av = a.milli_value() if milli else a.value()
        rp = lp = 0
        if av != 0:
            rp = _go_int64_of((r.milli_value() if milli else r.value()) / av * 100)
            lp = _go_int64_of((lq.milli_value() if milli else lq.value()) / av * 100)
        w.write(LEVEL_1, f"{name}\t{r} ({rp}%)\t{lq} ({lp}%)\n")

    row("cpu", True)
    row("memory", False)
    row("ephemeral-storage", False)
    huge = sorted(n for n in allocatable if _is_huge_page(n))
    ext = sorted(
        n
        for n in allocatable
        if not _is_huge_page(n) and not _is_standard_container_resource(n) and n != "pods"
    )
    for name in huge:
        row(name, False)
    for name in ext:
        w.write(LEVEL_1, f"{name}\t{reqs.get(name, zero)}\t{limits.get(name, zero)}\n")


def describe_node(api: DescribeClient, node: dict, now: float, w: PrefixWriter) -> None:
    """``describeNode``: header, lease, conditions, capacity, system info, pods on the node, events."""
    meta, spec, status = d(node, "metadata"), d(node, "spec"), d(node, "status")
    name = s(meta, "name")
    can_view_pods = True
    pods: list[dict] = []
    try:
        pods = [
            p
            for p in api.list_objects(
                "pods",
                None,
                field_selector=f"spec.nodeName={escape_field_value(name)},status.phase!=Succeeded,status.phase!=Failed",
            )
            if isinstance(p, dict)
        ]
    except StatusError as err:
        if err.code != 403:
            raise
        can_view_pods = False
    events = search_events(api, "Node", name, "", s(meta, "uid"), None)
    events += search_events(api, "Node", name, "", name, None)

    w.write(LEVEL_0, f"Name:\t{name}\n")
    roles = node_roles(node)
    w.write(LEVEL_0, f"Roles:\t{','.join(roles) if roles else '<none>'}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, f"CreationTimestamp:\t{fmt_time(s(meta, 'creationTimestamp'))}\n")
    print_taints_multiline(w, "Taints", lst(spec, "taints"))
    w.write(LEVEL_0, f"Unschedulable:\t{'true' if spec.get('unschedulable') is True else 'false'}\n")
    leases = safe_list(
        api,
        "leases.coordination.k8s.io",
        "kube-node-lease",
        field_selector=f"metadata.name={escape_field_value(name)}",
    )
    lease = next((x for x in leases or [] if s(x, "metadata", "name") == name), None)
    if lease is None:
        w.write(LEVEL_0, f'Lease:\tFailed to get lease: leases.coordination.k8s.io "{name}" not found\n')
    else:
        lspec = d(lease, "spec")
        w.write(LEVEL_0, "Lease:\n")
        holder = s(lspec, "holderIdentity") if lspec.get("holderIdentity") is not None else "<unset>"
        w.write(LEVEL_1, f"HolderIdentity:\t{holder}\n")
        acquire = fmt_time(s(lspec, "acquireTime")) if lspec.get("acquireTime") else "<unset>"
        w.write(LEVEL_1, f"AcquireTime:\t{acquire}\n")
        renew = fmt_time(s(lspec, "renewTime")) if lspec.get("renewTime") else "<unset>"
        w.write(LEVEL_1, f"RenewTime:\t{renew}\n")
    conditions = [c for c in lst(status, "conditions") if isinstance(c, dict)]
    if conditions:
        w.write(
            LEVEL_0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n"
        )
        w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(
                LEVEL_1,
                f"{s(c, 'type')} \t{s(c, 'status')} \t{fmt_time(s(c, 'lastHeartbeatTime'))} \t"
                f"{fmt_time(s(c, 'lastTransitionTime'))} \t{s(c, 'reason')} \t{s(c, 'message')}\n",
            )
    w.write(LEVEL_0, "Addresses:\n")
    for addr in lst(status, "addresses"):
        if isinstance(addr, dict):
            w.write(LEVEL_1, f"{s(addr, 'type')}:\t{s(addr, 'address')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        rl = d(status, key)
        if rl:
            w.write(LEVEL_0, f"{title}:\n")
            for res in sorted(rl):
                w.write(LEVEL_0, f"  {res}:\t{_q(rl[res])}\n")
    info = d(status, "nodeInfo")
    w.write(LEVEL_0, "System Info:\n")
    for label, key in (
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ):
        w.write(LEVEL_0, f"  {label}:\t{s(info, key)}\n")
    if s(spec, "podCIDR"):
        w.write(LEVEL_0, f"PodCIDR:\t{s(spec, 'podCIDR')}\n")
    if lst(spec, "podCIDRs"):
        w.write(LEVEL_0, f"PodCIDRs:\t{','.join(str(x) for x in lst(spec, 'podCIDRs'))}\n")
    if s(spec, "providerID"):
        w.write(LEVEL_0, f"ProviderID:\t{s(spec, 'providerID')}\n")
    if can_view_pods:
        _describe_node_resource(pods, node, now, w)
    else:
        w.write(LEVEL_0, "Pods:\tnot authorized\n")
    describe_events(events, w, now)
