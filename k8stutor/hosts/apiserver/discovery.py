"""Discovery documents: ``/version``, aggregated ``apidiscovery.k8s.io/v2`` and the legacy documents.

Aggregated discovery is recognised by kubectl only through the response Content-Type
(``AGGREGATED_CONTENT_TYPE``); the legacy documents are still needed because ``auth can-i`` and ``drain``
ask ``/api/v1`` directly. Everything is built from the engine's ``Registry``, so CRDs appear as soon as
they are registered.
"""

from __future__ import annotations

from typing import Any

from ...engine.presets import version_info  # noqa: F401 - re-exported: the /version handler
from ...engine.registry import Registry, ResourceType

AGGREGATED_CONTENT_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

# Subresources whose response kind is not the parent's kind, and their verbs (kube-apiserver 1.32).
_SUBRESOURCE_KIND: dict[str, tuple[str, str, str]] = {
    "scale": ("autoscaling", "v1", "Scale"),
    "eviction": ("policy", "v1", "Eviction"),
    "binding": ("", "v1", "Binding"),
    "token": ("authentication.k8s.io", "v1", "TokenRequest"),
    "log": ("", "v1", "Pod"),
    "exec": ("", "v1", "PodExecOptions"),
    "attach": ("", "v1", "PodAttachOptions"),
    "portforward": ("", "v1", "PodPortForwardOptions"),
    "proxy": ("", "v1", "PodProxyOptions"),
    "ephemeralcontainers": ("", "v1", "Pod"),
    "resize": ("", "v1", "Pod"),
}
_SUBRESOURCE_VERBS: dict[str, tuple[str, ...]] = {
    "status": ("get", "patch", "update"),
    "scale": ("get", "patch", "update"),
    "eviction": ("create",),
    "binding": ("create",),
    "token": ("create",),
    "log": ("get",),
    "exec": ("create", "get"),
    "attach": ("create", "get"),
    "portforward": ("create", "get"),
    "proxy": ("create", "delete", "get", "patch", "update"),
    "ephemeralcontainers": ("get", "patch", "update"),
    "resize": ("get", "patch", "update"),
    "finalize": ("update",),
    "approval": ("get", "patch", "update"),
}


def group_versions(registry: Registry) -> list[tuple[str, list[str]]]:
    """(group, versions with the preferred one first) in discovery order."""
    out: list[tuple[str, list[str]]] = []
    for group in registry.groups():
        versions: list[str] = []
        for rt in registry.in_discovery_order():
            if rt.group != group:
                continue
            for v in (rt.version, *rt.other_versions):
                if v not in versions:
                    versions.append(v)
        versions.sort(key=_version_rank)
        out.append((group, versions))
    return out


def _version_rank(v: str) -> tuple[int, int, int]:
    """Kubernetes version priority: GA > beta > alpha, then higher numbers first."""
    import re

    m = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", v)
    if not m:
        return (3, 0, 0)
    major = int(m.group(1))
    stage = {"": 0, "beta": 1, "alpha": 2}[m.group(2) or ""]
    minor = int(m.group(3) or 0)
    return (stage, -major, -minor)


def resources_in(registry: Registry, group: str, version: str) -> list[ResourceType]:
    """The resources served at group/version, in discovery (name) order."""
    return [
        rt
        for rt in registry.in_discovery_order()
        if rt.group == group and (rt.version == version or version in rt.other_versions)
    ]


def _aggregated_resource(rt: ResourceType, version: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "resource": rt.plural,
        "responseKind": {"group": rt.group, "version": version, "kind": rt.kind},
        "scope": "Namespaced" if rt.namespaced else "Cluster",
        "singularResource": rt.singular,
        "verbs": sorted(rt.verbs),
    }
    if rt.short_names:
        entry["shortNames"] = list(rt.short_names)
    if rt.categories:
        entry["categories"] = list(rt.categories)
    subs = []
    for sub in rt.subresources:
        g, v, k = _SUBRESOURCE_KIND.get(sub, (rt.group, version, rt.kind))
        subs.append(
            {
                "subresource": sub,
                "responseKind": {"group": g, "version": v, "kind": k},
                "verbs": list(_SUBRESOURCE_VERBS.get(sub, ("get",))),
            }
        )
    if subs:
        entry["subresources"] = subs
    return entry


def aggregated(registry: Registry, core: bool) -> dict[str, Any]:
    """``APIGroupDiscoveryList`` for ``/api`` (core) or ``/apis`` (every named group)."""
    items = []
    for group, versions in group_versions(registry):
        if (group == "") != core:
            continue
        vs = []
        for v in versions:
            vs.append(
                {
                    "version": v,
                    "freshness": "Current",
                    "resources": [_aggregated_resource(rt, v) for rt in resources_in(registry, group, v)],
                }
            )
        item: dict[str, Any] = {"metadata": {"creationTimestamp": None}, "versions": vs}
        if group:
            item["metadata"]["name"] = group
        items.append(item)
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    }


def legacy_api(server_address: str) -> dict[str, Any]:
    """``/api`` as ``APIVersions``."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


def _api_group(group: str, versions: list[str]) -> dict[str, Any]:
    gvs = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {"name": group, "versions": gvs, "preferredVersion": gvs[0]}


def legacy_apis(registry: Registry) -> dict[str, Any]:
    """``/apis`` as ``APIGroupList``."""
    groups = [_api_group(g, vs) for g, vs in group_versions(registry) if g]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(registry: Registry, group: str) -> dict[str, Any] | None:
    """``/apis/<group>`` as ``APIGroup`` (None when the group is not served)."""
    for g, vs in group_versions(registry):
        if g == group and g:
            return dict(_api_group(g, vs), kind="APIGroup", apiVersion="v1")
    return None


def resource_list(registry: Registry, group: str, version: str) -> dict[str, Any] | None:
    """``/api/v1`` or ``/apis/<g>/<v>`` as ``APIResourceList`` (None when not served)."""
    rts = resources_in(registry, group, version)
    if not rts:
        return None
    out = []
    for rt in rts:
        entry: dict[str, Any] = {
            "name": rt.plural,
            "singularName": rt.singular,
            "namespaced": rt.namespaced,
            "kind": rt.kind,
            "verbs": sorted(rt.verbs),
        }
        if rt.short_names:
            entry["shortNames"] = list(rt.short_names)
        if rt.categories:
            entry["categories"] = list(rt.categories)
        out.append(entry)
        for sub in rt.subresources:
            g, v, k = _SUBRESOURCE_KIND.get(sub, (rt.group, version, rt.kind))
            se: dict[str, Any] = {
                "name": f"{rt.plural}/{sub}",
                "singularName": "",
                "namespaced": rt.namespaced,
                "kind": k,
                "verbs": list(_SUBRESOURCE_VERBS.get(sub, ("get",))),
            }
            if (g, v) != (rt.group, version):
                se["group"], se["version"] = g, v
            out.append(se)
    gv = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": out}
