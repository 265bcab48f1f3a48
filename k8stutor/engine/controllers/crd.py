"""CustomResourceDefinitions: an Established CRD makes its kind appear in the registry (and discovery)."""

from __future__ import annotations

from ..errors import StatusError
from ..registry import ResourceType
from ..store import clone
from ..timeutil import rfc3339
from .base import Controller, Key


def resource_type_for(crd: dict) -> ResourceType | None:
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    versions = [v for v in spec.get("versions") or [] if v.get("served", True)]
    if not names.get("plural") or not names.get("kind") or not versions or not spec.get("group"):
        return None
    storage = next((v["name"] for v in versions if v.get("storage")), versions[0]["name"])
    others = tuple(v["name"] for v in versions if v["name"] != storage)
    return ResourceType(
        group=spec["group"], version=storage, kind=names["kind"], plural=names["plural"],
        namespaced=spec.get("scope", "Namespaced") == "Namespaced",
        short_names=tuple(names.get("shortNames") or ()), categories=tuple(names.get("categories") or ()),
        subresources=tuple(k for k in ("status", "scale") if any(
            k in (v.get("subresources") or {}) for v in versions)),
        other_versions=others, crd=True,
        extra={"additionalPrinterColumns": next((v.get("additionalPrinterColumns") or [] for v in versions
                                                 if v["name"] == storage), []),
               "singular": names.get("singular") or names["kind"].lower()},
    )


class CRDController(Controller):
    """Registers and unregisters custom resources and writes the CRD's NamesAccepted/Established conditions."""

    name = "apiextensions-controller"
    watches = ("customresourcedefinitions.apiextensions.k8s.io",)

    def reconcile(self, key: Key) -> None:
        crd = self.cluster.store.get(*key)
        registry = self.cluster.registry
        if crd is None or crd["metadata"].get("deletionTimestamp"):
            # The CRD went: its kind goes with it, and so do its objects.
            for rt in list(registry):
                if rt.crd and f"{rt.plural}.{rt.group}" == key[2]:
                    for obj in self.cluster.store.list(rt.group_resource):
                        self.cluster.store.delete(rt.group_resource, obj["metadata"].get("namespace", ""),
                                                  obj["metadata"]["name"])
                    registry.remove(rt.group, rt.plural)
            return
        new_rt = resource_type_for(crd)
        if new_rt is None:
            return
        rt = new_rt
        if registry.by_group_resource(rt.group, rt.plural) != rt:
            registry.add(rt)
        conds = (crd.get("status") or {}).get("conditions") or []
        if not any(c.get("type") == "Established" for c in conds):
            now = rfc3339(self.api.now())
            upd = clone(crd)
            upd["status"] = {
                "acceptedNames": dict(crd["spec"]["names"]),
                "conditions": [
                    {"lastTransitionTime": now, "message": "no conflicts found", "reason": "NoConflicts",
                     "status": "True", "type": "NamesAccepted"},
                    {"lastTransitionTime": now, "message": "the initial names have been accepted",
                     "reason": "InitialNamesAccepted", "status": "True", "type": "Established"},
                ],
                "storedVersions": [rt.version],
            }
            try:
                self.api.update(upd, subresource="status", rt=self.api.rt_for(key[0]))
            except StatusError:
                pass
