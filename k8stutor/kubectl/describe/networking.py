"""Describers for Ingress, IngressClass, NetworkPolicy (networking.k8s.io) and EndpointSlice (discovery)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from k8stutor.engine.errors import StatusError
from k8stutor.engine.timeutil import parse_rfc3339

from .common import (
    DescribeClient,
    d,
    describe_events,
    events_for,
    format_label_selector,
    go_value,
    i,
    lst,
    print_annotations_multiline,
    print_labels_multiline,
    s,
    str_map,
)
from .core import format_endpoint_slices
from .policy import int_or_string
from .tabwriter import LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter

SERVICE_NAME_LABEL = "kubernetes.io/service-name"

# --- Ingress -------------------------------------------------------------------------------------------------


def service_backend_string(backend: dict) -> str:
    """``serviceBackendStringer``: ``name:port`` (the port number, else its name)."""
    port = d(backend, "port")
    return f"{s(backend, 'name')}:{i(port, 'number') if i(port, 'number') else s(port, 'name')}"


def _get_service(api: DescribeClient, ns: str, name: str) -> dict:
    items = api.list_objects("services", ns, field_selector=f"metadata.name={name}")
    for svc in items:
        if isinstance(svc, dict) and s(svc, "metadata", "name") == name:
            return svc
    raise StatusError(404, "NotFound", f'services "{name}" not found')


def describe_ingress_backend(api: DescribeClient, ns: str, backend: dict) -> str:
    """``describeBackendV1``: ``svc:port (endpoints)``, or the resource backend."""
    if isinstance(backend.get("service"), dict):
        sb = d(backend, "service")
        text = service_backend_string(sb)
        name = s(sb, "name")
        try:
            slices = api.list_objects(
                "endpointslices.discovery.k8s.io", ns, label_selector=f"{SERVICE_NAME_LABEL}={name}"
            )
            svc = _get_service(api, ns, name)
        except StatusError as err:
            return f"{text} (<error: {err.message}>)"
        slices = [
            x
            for x in slices
            if isinstance(x, dict) and str_map(d(x, "metadata").get("labels")).get(SERVICE_NAME_LABEL) == name
        ]
        number, port_name = i(sb, "port", "number"), s(sb, "port", "name")
        sp_name = ""
        for sp in lst(svc, "spec", "ports"):
            if not isinstance(sp, dict):
                continue
            if number != 0 and number == i(sp, "port"):
                sp_name = s(sp, "name")
            elif port_name and port_name == s(sp, "name"):
                sp_name = s(sp, "name")
        return f"{text} ({format_endpoint_slices(slices, {sp_name})})"
    if isinstance(backend.get("resource"), dict):
        res = d(backend, "resource")
        group = s(res, "apiGroup") if res.get("apiGroup") is not None else "<none>"
        return f"APIGroup: {group}, Kind: {s(res, 'kind')}, Name: {s(res, 'name')}"
    return ""


def ingress_address(ing: dict) -> str:
    """``ingressLoadBalancerStatusStringerV1(status, wide=true)``: sorted unique IPs/hostnames."""
    found = set()
    for entry in lst(ing, "status", "loadBalancer", "ingress"):
        if not isinstance(entry, dict):
            continue
        if s(entry, "ip"):
            found.add(s(entry, "ip"))
        elif s(entry, "hostname"):
            found.add(s(entry, "hostname"))
    return ",".join(sorted(found))


def describe_ingress(api: DescribeClient, ing: dict, now: float, w: PrefixWriter) -> None:
    """``describeIngressV1``: address, class, default backend, TLS, the rules table, annotations, events."""
    meta, spec = d(ing, "metadata"), d(ing, "spec")
    ns = s(meta, "namespace")
    events = events_for(api, "Ingress", ing)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    w.write(LEVEL_0, f"Namespace:\t{ns}\n")
    w.write(LEVEL_0, f"Address:\t{ingress_address(ing)}\n")
    class_name = s(spec, "ingressClassName") if spec.get("ingressClassName") is not None else "<none>"
    w.write(LEVEL_0, f"Ingress Class:\t{class_name}\n")
    default = "<default>"
    if isinstance(spec.get("defaultBackend"), dict):
        default = describe_ingress_backend(api, ns, d(spec, "defaultBackend"))
    w.write(LEVEL_0, f"Default backend:\t{default}\n")
    tls = [t for t in lst(spec, "tls") if isinstance(t, dict)]
    if tls:
        w.write(LEVEL_0, "TLS:\n")
        for t in tls:
            hosts = ",".join(go_value(h) for h in lst(t, "hosts"))
            if not s(t, "secretName"):
                w.write(LEVEL_1, f"SNI routes {hosts}\n")
            else:
                w.write(LEVEL_1, f"{s(t, 'secretName')} terminates {hosts}\n")
    w.write(LEVEL_0, "Rules:\n  Host\tPath\tBackends\n")
    w.write(LEVEL_1, "----\t----\t--------\n")
    count = 0
    for rule in lst(spec, "rules"):
        if not isinstance(rule, dict) or not isinstance(rule.get("http"), dict):
            continue
        count += 1
        w.write(LEVEL_1, f"{s(rule, 'host') or '*'}\t\n")
        for path in lst(rule, "http", "paths"):
            if isinstance(path, dict):
                backend = describe_ingress_backend(api, ns, d(path, "backend"))
                w.write(LEVEL_2, f"\t{s(path, 'path')} \t{backend}\n")
    if count == 0:
        w.write(LEVEL_1, f"*\t*\t{default}\n")
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    describe_events(events, w, now)


def describe_ingress_class(api: DescribeClient, ic: dict, now: float, w: PrefixWriter) -> None:
    """``describeIngressClassV1``."""
    meta, spec = d(ic, "metadata"), d(ic, "spec")
    events = events_for(api, "IngressClass", ic)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, f"Controller:\t{s(spec, 'controller')}\n")
    if isinstance(spec.get("parameters"), dict):
        params = d(spec, "parameters")
        w.write(LEVEL_0, "Parameters:\n")
        if params.get("apiGroup") is not None:
            w.write(LEVEL_1, f"APIGroup:\t{s(params, 'apiGroup')}\n")
        w.write(LEVEL_1, f"Kind:\t{s(params, 'kind')}\n")
        w.write(LEVEL_1, f"Name:\t{s(params, 'name')}\n")
    describe_events(events, w, now)


# --- NetworkPolicy -------------------------------------------------------------------------------------------


def go_time_string(value: Any) -> str:
    """Go ``time.Time.String()`` of a metav1.Time in UTC: ``2026-12-01 20:11:26 +0000 UTC``."""
    ts = parse_rfc3339(value) if isinstance(value, str) else None
    if ts is None:
        return "0001-01-01 00:00:00 +0000 UTC"
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%d %H:%M:%S +0000 UTC")


def _peers(peers: list, title: str, indent: str, w: PrefixWriter) -> None:
    for peer in peers:
        if not isinstance(peer, dict):
            continue
        w.write(LEVEL_0, f"{indent}{title}:\n")
        pod_sel, ns_sel = peer.get("podSelector"), peer.get("namespaceSelector")
        if isinstance(pod_sel, dict) and isinstance(ns_sel, dict):
            w.write(LEVEL_1, f"{indent}NamespaceSelector: {format_label_selector(ns_sel)}\n")
            w.write(LEVEL_1, f"{indent}PodSelector: {format_label_selector(pod_sel)}\n")
        elif isinstance(pod_sel, dict):
            w.write(LEVEL_1, f"{indent}PodSelector: {format_label_selector(pod_sel)}\n")
        elif isinstance(ns_sel, dict):
            w.write(LEVEL_1, f"{indent}NamespaceSelector: {format_label_selector(ns_sel)}\n")
        elif isinstance(peer.get("ipBlock"), dict):
            block = d(peer, "ipBlock")
            w.write(LEVEL_1, f"{indent}IPBlock:\n")
            w.write(LEVEL_2, f"{indent}CIDR: {s(block, 'cidr')}\n")
            w.write(LEVEL_2, f"{indent}Except: {', '.join(go_value(x) for x in lst(block, 'except'))}\n")


def _rules(rules: list, peer_key: str, title: str, none_text: str, any_text: str, w: PrefixWriter) -> None:
    """``printNetworkPolicySpecIngressFrom`` / ``printNetworkPolicySpecEgressTo``."""
    indent = "    "
    items = [r for r in rules if isinstance(r, dict)]
    if not items:
        w.write(LEVEL_0, f"{indent}{none_text}\n")
        return
    for n, rule in enumerate(items):
        ports = [p for p in lst(rule, "ports") if isinstance(p, dict)]
        if not ports:
            w.write(LEVEL_0, f"{indent}To Port: <any> (traffic allowed to all ports)\n")
        for port in ports:
            proto = s(port, "protocol") if port.get("protocol") is not None else "TCP"
            if port.get("endPort") is None:
                w.write(LEVEL_0, f"{indent}To Port: {int_or_string(port.get('port'))}/{proto}\n")
            else:
                w.write(
                    LEVEL_0,
                    f"{indent}To Port Range: {int_or_string(port.get('port'))}-{i(port, 'endPort')}/{proto}\n",
                )
        peers = lst(rule, peer_key)
        if not peers:
            w.write(LEVEL_0, f"{indent}{any_text}\n")
        else:
            _peers(peers, title, indent, w)
        if n != len(items) - 1:
            w.write(LEVEL_0, f"{indent}----------\n")


def describe_network_policy(api: DescribeClient, np: dict, now: float, w: PrefixWriter) -> None:
    """``describeNetworkPolicy`` (no events)."""
    meta, spec = d(np, "metadata"), d(np, "spec")
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    w.write(LEVEL_0, f"Created on:\t{go_time_string(meta.get('creationTimestamp'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, "Spec:\n")
    w.write(LEVEL_1, "PodSelector: ")
    pod_sel = d(spec, "podSelector")
    if not str_map(pod_sel.get("matchLabels")) and not lst(pod_sel, "matchExpressions"):
        w.write(LEVEL_2, "<none> (Allowing the specific traffic to all pods in this namespace)\n")
    else:
        w.write(LEVEL_2, f"{format_label_selector(pod_sel)}\n")
    types = [go_value(t) for t in lst(spec, "policyTypes")]
    if "Ingress" in types:
        w.write(LEVEL_1, "Allowing ingress traffic:\n")
        _rules(
            lst(spec, "ingress"),
            "from",
            "From",
            "<none> (Selected pods are isolated for ingress connectivity)",
            "From: <any> (traffic not restricted by source)",
            w,
        )
    else:
        w.write(LEVEL_1, "Not affecting ingress traffic\n")
    if "Egress" in types:
        w.write(LEVEL_1, "Allowing egress traffic:\n")
        _rules(
            lst(spec, "egress"),
            "to",
            "To",
            "<none> (Selected pods are isolated for egress connectivity)",
            "To: <any> (traffic not restricted by destination)",
            w,
        )
    else:
        w.write(LEVEL_1, "Not affecting egress traffic\n")
    w.write(LEVEL_1, f"Policy Types: {', '.join(types) or '<none>'}\n")


# --- EndpointSlice -------------------------------------------------------------------------------------------


def describe_endpoint_slice(api: DescribeClient, eps: dict, now: float, w: PrefixWriter) -> None:
    """``describeEndpointSliceV1``."""
    meta = d(eps, "metadata")
    events = events_for(api, "EndpointSlice", eps)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{s(meta, 'namespace')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, f"AddressType:\t{s(eps, 'addressType')}\n")
    ports = [p for p in lst(eps, "ports") if isinstance(p, dict)]
    if not ports:
        w.write(LEVEL_0, "Ports: <unset>\n")
    else:
        w.write(LEVEL_0, "Ports:\n")
        w.write(LEVEL_1, "Name\tPort\tProtocol\n")
        w.write(LEVEL_1, "----\t----\t--------\n")
        for port in ports:
            name = s(port, "name") or "<unset>"
            number = str(i(port, "port")) if port.get("port") is not None else "<unset>"
            w.write(LEVEL_1, f"{name}\t{number}\t{s(port, 'protocol')}\n")
    endpoints = [e for e in lst(eps, "endpoints") if isinstance(e, dict)]
    if not endpoints:
        w.write(LEVEL_0, "Endpoints: <none>\n")
    else:
        w.write(LEVEL_0, "Endpoints:\n")
        for ep in endpoints:
            addresses = ", ".join(go_value(a) for a in lst(ep, "addresses"))
            w.write(LEVEL_1, f"- Addresses:\t{addresses or '<none>'}\n")
            w.write(LEVEL_2, "Conditions:\n")
            ready = d(ep, "conditions").get("ready")
            w.write(LEVEL_3, f"Ready:\t{'<unset>' if ready is None else ('true' if ready else 'false')}\n")
            w.write(
                LEVEL_2, f"Hostname:\t{s(ep, 'hostname') if ep.get('hostname') is not None else '<unset>'}\n"
            )
            if isinstance(ep.get("targetRef"), dict):
                w.write(LEVEL_2, f"TargetRef:\t{s(ep, 'targetRef', 'kind')}/{s(ep, 'targetRef', 'name')}\n")
            node = s(ep, "nodeName") if ep.get("nodeName") is not None else "<unset>"
            w.write(LEVEL_2, f"NodeName:\t{node}\n")
            w.write(LEVEL_2, f"Zone:\t{s(ep, 'zone') if ep.get('zone') is not None else '<unset>'}\n")
    describe_events(events, w, now)
