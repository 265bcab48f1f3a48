"""The API server facade: the one door every writer goes through.

create/update/patch/delete run the real pipeline — namespace lifecycle admission, defaulting, admission
defaults, validation, registry strategy (status reset, generation, uid, timestamps, allocation) — and then
the store. Errors are ``StatusError`` objects shaped like apimachinery's Status.
"""

from __future__ import annotations

import builtins
import ipaddress
import random
from collections.abc import Callable
from typing import Any

from .. import errors
from ..clock import VirtualClock
from ..registry import Registry, ResourceType
from ..selectors import parse_field_selector, parse_label_selector
from ..store import Obj, Store, Watch, clone
from ..timeutil import rfc3339
from . import admission_defaults, conversion, defaulting, field_errors, managedfields, validation
from .authz import Attributes, Authorizer, UserAPI, UserInfo, deny

RAND_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"

# Kinds whose registry strategy maintains metadata.generation (spec changes bump it).
GENERATION_KINDS = frozenset(
    {
        "deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch",
        "cronjobs.batch", "replicationcontrollers", "horizontalpodautoscalers.autoscaling",
        "ingresses.networking.k8s.io", "networkpolicies.networking.k8s.io", "poddisruptionbudgets.policy",
        "customresourcedefinitions.apiextensions.k8s.io", "priorityclasses.scheduling.k8s.io",
        "validatingadmissionpolicies.admissionregistration.k8s.io",
    }
)

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
NODE_PORT_RANGE = (30000, 32767)
# uuid.UUID(version=4): variant bits 10 (RFC 4122) and version nibble 4.
_UUID_KEEP = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_UUID_V4 = (0x8000 << 48) | (4 << 76)

Validator = Callable[[Obj, Obj | None], list[Any]]


class APIServer:
    """In-process Kubernetes API. Methods take a ResourceType (``rt``) or resolve it from the object."""

    def __init__(self, store: Store, registry: Registry, clock: VirtualClock, rng: random.Random) -> None:
        self.store = store
        self.registry = registry
        self.clock = clock
        self.rng = rng
        # Hooks other parts of the engine register (e.g. the CRD controller, the namespace controller).
        self.after_write: list[Callable[[str, str, Obj], None]] = []
        # Authorization: the union of these authorizers decides for user-scoped requests (``as_user``);
        # with none registered every request is allowed (AlwaysAllow).
        self.authorizers: list[Authorizer] = []
        # Admission plugins: (operation "CREATE"|"UPDATE", rt, new object, old object or None, user) ->
        # the object (mutated copy) or raise StatusError. Run after defaulting, before validation.
        self.admission: list[Callable[[str, ResourceType, Obj, Obj | None, UserInfo | None], Obj | None]] = []
        self.current_user: UserInfo | None = None
        # Warnings of the request in flight (the API's ``Warning: 299 - "..."`` response headers): admission
        # plugins call ``warn``; a client (kubectl's stderr, serve's headers) sets the handler around requests.
        self.warning_handler: Callable[[str], None] | None = None

    # ---- users ----------------------------------------------------------------------------------
    def as_user(self, user: UserInfo) -> UserAPI:
        """The API seen by ``user``: every call authorized first (kubectl, the HTTP server and Helm use this)."""
        return UserAPI(self, user)

    def authorize(self, attrs: Attributes) -> None:
        """Raise the real 403 unless some authorizer allows (a deny or no opinion from all is Forbidden)."""
        if not self.authorizers:
            return
        reasons = []
        for authz in self.authorizers:
            decision, reason = authz(attrs)
            if decision == "allow":
                return
            if reason:
                reasons.append(reason)
            if decision == "deny":
                break
        raise deny(attrs, "\n".join(reasons))

    def warn(self, text: str) -> None:
        """A warning header for the client request in flight (controllers' own requests keep theirs)."""
        if self.warning_handler is not None and self.current_user is not None:
            self.warning_handler(text)

    def _admit(self, op: str, rt: ResourceType, obj: Obj, old: Obj | None) -> Obj:
        for plugin in self.admission:
            out = plugin(op, rt, obj, old, self.current_user)
            if out is not None:
                obj = out
        return obj

    # ---- helpers --------------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now()

    def rand_string(self, n: int = 5) -> str:
        return "".join(self.rng.choice(RAND_ALPHABET) for _ in range(n))

    def new_uid(self) -> str:
        """A version-4 UUID from the seeded RNG: the text of ``uuid.UUID(int=bits, version=4)``, built directly."""
        h = "%032x" % ((self.rng.getrandbits(128) & _UUID_KEEP) | _UUID_V4)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def rt_for(self, resource: str | ResourceType) -> ResourceType:
        if isinstance(resource, ResourceType):
            return resource
        plural, _, group = resource.partition(".")
        rt = self.registry.by_group_resource(group, plural)
        if rt is None:
            raise errors.StatusError(404, "NotFound", "the server could not find the requested resource")
        return rt

    def rt_for_object(self, obj: Obj) -> ResourceType:
        api_version = obj.get("apiVersion", "")
        kind = obj.get("kind", "")
        rt = self.registry.by_gvk(api_version, kind)
        if rt is None:
            raise errors.StatusError(
                404, "NotFound", f'no matches for kind "{kind}" in version "{api_version}"'
            )
        return rt

    def _ns(self, rt: ResourceType, namespace: str | None) -> str:
        if not rt.namespaced:
            return ""
        return namespace or "default"

    # ---- reads ----------------------------------------------------------------------------------
    def get(self, resource: str | ResourceType, name: str, namespace: str | None = None) -> Obj:
        """A copy of one object (404 NotFound with the real message when absent)."""
        rt = self.rt_for(resource)
        obj = self.store.get(rt.group_resource, self._ns(rt, namespace), name)
        if obj is None:
            raise errors.not_found(rt.group, rt.plural, name)
        return clone(obj)

    def peek(self, resource: str | ResourceType, name: str, namespace: str | None = None) -> Obj | None:
        """The stored object itself (read-only!) or None; for in-process readers on hot paths."""
        rt = self.rt_for(resource)
        return self.store.get(rt.group_resource, self._ns(rt, namespace), name)

    def peek_or_raise(self, resource: str | ResourceType, name: str, namespace: str | None = None) -> Obj:
        """The stored object itself (read-only!); 404 NotFound when absent."""
        rt = self.rt_for(resource)
        obj = self.store.get(rt.group_resource, self._ns(rt, namespace), name)
        if obj is None:
            raise errors.not_found(rt.group, rt.plural, name)
        return obj

    def list_objects(self, resource: str | ResourceType, namespace: str | None = None,
                     label_selector: str | None = None, field_selector: str | None = None) -> list[Obj]:
        """Stored objects (read-only!) in etcd key order, filtered by namespace and selectors."""
        rt = self.rt_for(resource)
        items = self.store.list(rt.group_resource, namespace if rt.namespaced else None)
        if label_selector:
            ls = parse_label_selector(label_selector)
            items = [o for o in items if ls.matches(o["metadata"].get("labels"))]
        if field_selector:
            fs = parse_field_selector(field_selector, rt.group_resource, rt.kind)
            items = [o for o in items if fs.matches(o)]
        return items

    def list(self, resource: str | ResourceType, namespace: str | None = None,
             label_selector: str | None = None, field_selector: str | None = None) -> Obj:
        """A ``<Kind>List`` as the API returns it (items are shared, read-only)."""
        rt = self.rt_for(resource)
        items = self.list_objects(rt, namespace, label_selector, field_selector)
        return {
            "apiVersion": rt.api_version,
            "items": items,
            "kind": f"{rt.kind}List",
            "metadata": {"resourceVersion": str(self.store.revision)},
        }

    def watch(self, resource: str | ResourceType, namespace: str | None = None,
              resource_version: str | None = None, callback: Callable[..., None] | None = None) -> Watch:
        rt = self.rt_for(resource)
        since = int(resource_version) if resource_version not in (None, "", "0") else None
        return self.store.watch(rt.group_resource, namespace if rt.namespaced else None, since, callback)

    # ---- create ---------------------------------------------------------------------------------
    def create(self, obj: Obj, namespace: str | None = None, *, dry_run: bool = False,
               rt: ResourceType | None = None, validate_schema: bool = True, field_manager: str | None = None) -> Obj:
        """POST: the whole admission chain, then store. Returns a copy of the stored object.

        ``field_manager`` records the fields this write sets in ``metadata.managedFields`` (managedfields.py)."""
        if not isinstance(obj, dict):
            raise errors.bad_request("the object provided is not a JSON object")
        rt = rt or self.rt_for_object(obj)
        obj = clone(obj)
        meta = obj.get("metadata")
        if meta is None:
            meta = obj["metadata"] = {}
        if not isinstance(meta, dict):
            raise errors.bad_request(f"{rt.kind} in version \"{rt.version}\" cannot be handled as a {rt.kind}: "
                                     "json: cannot unmarshal into Go struct field of type v1.ObjectMeta")
        request_version = obj.get("apiVersion", "")
        if validate_schema:
            err = validation.schema_error(obj, rt.group, _request_version(rt, obj), rt.kind)
            if err is not None:
                raise err
        obj = conversion.to_storage(obj)
        if rt.group_resource == "secrets":
            validation.merge_string_data(obj)
        meta = obj["metadata"]
        ns = ""
        if rt.namespaced:
            obj_ns = meta.get("namespace")
            if namespace and obj_ns and obj_ns != namespace:
                raise errors.bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            ns = obj_ns or namespace or "default"
            meta["namespace"] = ns
            self._admit_namespace(ns, rt, meta.get("name") or "")
        else:
            meta.pop("namespace", None)
        if not meta.get("name") and meta.get("generateName"):
            base = meta["generateName"]
            if len(base) > 58:
                base = base[:58]
            for _ in range(20):
                cand = base + self.rand_string()
                if self.store.get(rt.group_resource, ns, cand) is None:
                    meta["name"] = cand
                    break
        name = meta.get("name", "")
        obj = defaulting.apply_defaults(obj, in_place=True)  # obj is this request's own copy
        if field_manager:
            managedfields.record_create(obj, rt, field_manager, self.now())
        meta = obj["metadata"]
        if rt.group_resource == "pods":
            sa = self.store.get("serviceaccounts", ns, (obj.get("spec") or {}).get("serviceAccountName") or "default")
            obj = admission_defaults.admit_pod(
                obj, self.rand_string,
                service_account_automount=(sa or {}).get("automountServiceAccountToken"),
                priority_classes={pc["metadata"]["name"]: pc
                                  for pc in self.store.list("priorityclasses.scheduling.k8s.io")},
                in_place=True,
            )
            meta = obj["metadata"]
        self._prepare_for_create(rt, obj)
        if self.admission:
            obj = self._admit("CREATE", rt, obj, None)
        errs = validation.validate(obj, None)
        errs += self._registry_validate_create(rt, obj)
        if errs:
            raise field_errors.invalid_error(rt.group, rt.kind, name, errs)
        if self.store.get(rt.group_resource, ns, name) is not None:
            raise errors.already_exists(rt.group, rt.plural, name)
        meta = obj["metadata"]
        meta["uid"] = self.new_uid()
        meta["creationTimestamp"] = rfc3339(self.now())
        meta.pop("deletionTimestamp", None)
        meta.pop("deletionGracePeriodSeconds", None)
        meta.pop("resourceVersion", None)
        if rt.group_resource == "jobs.batch":
            from ..controllers.job import prepare_job_for_create

            prepare_job_for_create(obj)
        if rt.group_resource in GENERATION_KINDS or rt.crd:
            meta["generation"] = 1
        else:
            meta.pop("generation", None)
        if dry_run:
            meta["resourceVersion"] = ""
            return conversion.to_version(obj, request_version)
        self._allocate(rt, obj)
        stored = self.store.put(rt.group_resource, obj)
        self._after(rt, "create", stored)
        return conversion.to_version(clone(stored), request_version)

    def _admit_namespace(self, ns: str, rt: ResourceType, name: str) -> None:
        """NamespaceLifecycle admission."""
        nso = self.store.get("namespaces", "", ns)
        if nso is None:
            raise errors.not_found("", "namespaces", ns)
        if nso.get("status", {}).get("phase") == "Terminating" or nso["metadata"].get("deletionTimestamp"):
            raise errors.forbidden(
                f'{rt.group_resource} "{name}" is forbidden: unable to create new content in '
                f"namespace {ns} because it is being terminated",
                rt.group, rt.plural,
            )

    def _prepare_for_create(self, rt: ResourceType, obj: Obj) -> None:
        """Registry strategy PrepareForCreate: status reset to what each strategy sets."""
        gr = rt.group_resource
        if gr == "pods":
            obj["status"] = {"phase": "Pending", "qosClass": qos_class(obj.get("spec", {}))}
        elif gr == "services":
            obj["status"] = {"loadBalancer": {}}
        elif gr == "namespaces":
            obj["status"] = {"phase": "Active"}
            spec = obj.setdefault("spec", {})
            spec["finalizers"] = ["kubernetes"]
        elif gr in ("deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps",
                    "replicationcontrollers", "jobs.batch", "cronjobs.batch", "horizontalpodautoscalers.autoscaling",
                    "persistentvolumeclaims", "persistentvolumes", "poddisruptionbudgets.policy",
                    "ingresses.networking.k8s.io"):
            if gr == "persistentvolumeclaims":
                obj["status"] = {"phase": "Pending"}
            elif gr == "persistentvolumes":
                obj["status"] = {"phase": "Pending"}
            elif gr == "ingresses.networking.k8s.io":
                obj["status"] = {"loadBalancer": {}}
            else:
                obj["status"] = {}
                if gr == "daemonsets.apps":
                    obj["status"] = {"currentNumberScheduled": 0, "desiredNumberScheduled": 0,
                                     "numberMisscheduled": 0, "numberReady": 0}
                elif gr == "statefulsets.apps":
                    obj["status"] = {"availableReplicas": 0, "replicas": 0}
                elif gr == "replicasets.apps" or gr == "replicationcontrollers":
                    obj["status"] = {"replicas": 0}

    # ---- allocation (service IPs and node ports) ------------------------------------------------
    def _registry_validate_create(self, rt: ResourceType, obj: Obj) -> builtins.list[Any]:
        if rt.group_resource != "services":
            return []
        FE = field_errors
        errs: builtins.list[Any] = []
        spec = obj.get("spec", {})
        used_ips, used_ports = self._allocated()
        ip = spec.get("clusterIP")
        if ip and ip != "None":
            try:
                addr = ipaddress.ip_address(ip)
            except ValueError:
                addr = None
            if addr is None or addr not in SERVICE_CIDR:
                errs.append(FE.invalid("spec.clusterIPs", [ip],
                                       f"failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid "
                                       f"range. The range of valid IPs is {SERVICE_CIDR}"))
            elif ip in used_ips:
                errs.append(FE.invalid("spec.clusterIPs", [ip],
                                       f"failed to allocate IP {ip}: provided IP is already allocated"))
        for i, p in enumerate(spec.get("ports") or []):
            np = p.get("nodePort")
            if np and np in used_ports:
                errs.append(FE.invalid(f"spec.ports[{i}].nodePort", np, "provided port is already allocated"))
        return errs

    def _allocated(self) -> tuple[set[str], set[int]]:
        ips: set[str] = set()
        ports: set[int] = set()
        for s in self.store.list("services"):
            sp = s.get("spec", {})
            for ip in sp.get("clusterIPs") or ([sp["clusterIP"]] if sp.get("clusterIP") else []):
                ips.add(ip)
            for p in sp.get("ports") or []:
                if p.get("nodePort"):
                    ports.add(p["nodePort"])
        return ips, ports

    def _allocate(self, rt: ResourceType, obj: Obj) -> None:
        if rt.group_resource != "services":
            return
        spec = obj.setdefault("spec", {})
        stype = spec.get("type", "ClusterIP")
        used_ips, used_ports = self._allocated()
        if stype != "ExternalName":
            if not spec.get("clusterIP"):
                # Dynamic allocation uses the upper part of the range (the lower band is for static IPs).
                net = SERVICE_CIDR
                lo = int(net.network_address) + max(16, min(256, net.num_addresses // 16))
                hi = int(net.broadcast_address) - 1
                while True:
                    cand = str(ipaddress.ip_address(self.rng.randint(lo, hi)))
                    if cand not in used_ips:
                        break
                spec["clusterIP"] = cand
            spec["clusterIPs"] = [spec["clusterIP"]]
            spec.setdefault("ipFamilies", ["IPv4"] if spec["clusterIP"] != "None" else ["IPv4"])
            spec.setdefault("ipFamilyPolicy", "SingleStack")
        if stype in ("NodePort", "LoadBalancer"):
            for p in spec.get("ports") or []:
                if not p.get("nodePort"):
                    while True:
                        cand_port = self.rng.randint(*NODE_PORT_RANGE)
                        if cand_port not in used_ports:
                            break
                    p["nodePort"] = cand_port
                    used_ports.add(cand_port)

    # ---- update ---------------------------------------------------------------------------------
    def update(self, obj: Obj, namespace: str | None = None, *, dry_run: bool = False,
               subresource: str = "", rt: ResourceType | None = None, validate_schema: bool = True,
               field_manager: str | None = None) -> Obj:
        """PUT (optimistic concurrency on metadata.resourceVersion). ``subresource="status"`` writes status only."""
        rt = rt or self.rt_for_object(obj)
        if subresource == "status":
            stored = self._write_status(rt, obj, namespace, dry_run)
            return clone(stored)
        obj = clone(obj)
        meta = obj.setdefault("metadata", {})
        ns = self._ns(rt, meta.get("namespace") or namespace)
        name = meta.get("name", "")
        if validate_schema and not subresource:
            err = validation.schema_error(obj, rt.group, _request_version(rt, obj), rt.kind)
            if err is not None:
                raise err
        obj = conversion.to_storage(obj)
        if rt.group_resource == "secrets":
            validation.merge_string_data(obj)
        meta = obj["metadata"]
        old = self.store.get(rt.group_resource, ns, name)
        if old is None:
            raise errors.not_found(rt.group, rt.plural, name)
        rv = meta.get("resourceVersion")
        if rv and rv != old["metadata"]["resourceVersion"]:
            raise errors.conflict(rt.group, rt.plural, name)
        if rt.namespaced:
            meta["namespace"] = ns
        # Immutable metadata the server keeps.
        for k in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"):
            if k in old["metadata"]:
                meta[k] = old["metadata"][k]
            else:
                meta.pop(k, None)
        obj = defaulting.apply_defaults(obj, in_place=True)  # obj is this request's own copy
        if "status" in old and rt.group_resource not in ("namespaces",) and "status" in rt.subresources:
            obj["status"] = old["status"]
        elif rt.group_resource == "namespaces":
            obj["status"] = old.get("status", {})
            obj["spec"] = old.get("spec", {})
        if rt.group_resource == "services":
            self._keep_service_allocations(old, obj)
        if field_manager:
            managedfields.record_update(old, obj, rt, field_manager, self.now())
        if self.admission and subresource != "scale":
            obj = self._admit("UPDATE", rt, obj, old)
        errs = validation.validate(obj, old)
        if errs:
            raise field_errors.invalid_error(rt.group, rt.kind, name, errs)
        if "generation" in old["metadata"] and _spec_of(obj) != _spec_of(old):
            obj["metadata"]["generation"] = old["metadata"]["generation"] + 1
        # Finalizers may be removed by an update; an object being deleted goes once none remain.
        if _semantically_equal(old, obj):
            return clone(old)
        if dry_run:
            return obj
        if old["metadata"].get("deletionTimestamp") and not obj["metadata"].get("finalizers"):
            if rt.group_resource != "pods" or not _pod_needs_kubelet(old):
                self.store.delete(rt.group_resource, ns, name)
                self._after(rt, "delete", obj)
                return clone(obj)
        stored = self.store.put(rt.group_resource, obj)
        self._after(rt, "update", stored)
        return clone(stored)

    def update_status(self, obj: Obj, namespace: str | None = None) -> Obj:
        """PUT to the status subresource; returns a copy of the stored object."""
        return self.update(obj, namespace, subresource="status")

    def write_status(self, obj: Obj, namespace: str | None = None, *, handover: bool = False) -> Obj:
        """The status subresource for hot writers (kubelets, node heartbeats): like ``update_status`` but the
        stored object is returned READ-ONLY (no copy), and only ``obj["status"]`` is copied on the way in
        (not even that with ``handover``: the caller built it afresh and never touches it again)."""
        return self._write_status(self.rt_for_object(obj), obj, namespace, False, handover)

    def _write_status(
        self, rt: ResourceType, obj: Obj, namespace: str | None, dry_run: bool, handover: bool = False
    ) -> Obj:
        """Status-only PUT: the stored metadata and spec stay (shared, never mutated), status is replaced."""
        meta = obj.get("metadata") or {}
        ns = self._ns(rt, meta.get("namespace") or namespace)
        name = meta.get("name", "")
        old = self.store.get(rt.group_resource, ns, name)
        if old is None:
            raise errors.not_found(rt.group, rt.plural, name)
        rv = meta.get("resourceVersion")
        if rv and rv != old["metadata"]["resourceVersion"]:
            raise errors.conflict(rt.group, rt.plural, name)
        status = obj.get("status", {})
        if status == old.get("status"):
            return old
        new = dict(old)
        new["metadata"] = dict(old["metadata"])
        new["status"] = status if handover else clone(status)
        if dry_run:
            return new
        if old["metadata"].get("deletionTimestamp") and not old["metadata"].get("finalizers"):
            if rt.group_resource != "pods" or not _pod_needs_kubelet(old):
                self.store.delete(rt.group_resource, ns, name)
                self._after(rt, "delete", new)
                return new
        stored = self.store.put(rt.group_resource, new)
        self._after(rt, "update", stored)
        return stored

    def _keep_service_allocations(self, old: Obj, new: Obj) -> None:
        osp, nsp = old.get("spec", {}), new.setdefault("spec", {})
        if not nsp.get("clusterIP") and osp.get("clusterIP"):
            nsp["clusterIP"] = osp["clusterIP"]
        if not nsp.get("clusterIPs") and osp.get("clusterIPs"):
            nsp["clusterIPs"] = osp["clusterIPs"]
        for k in ("ipFamilies", "ipFamilyPolicy"):
            if k not in nsp and k in osp:
                nsp[k] = osp[k]
        if nsp.get("type") in ("NodePort", "LoadBalancer"):
            old_ports = {(p.get("port"), p.get("protocol", "TCP")): p.get("nodePort") for p in osp.get("ports") or []}
            used_ips, used_ports = self._allocated()
            for p in nsp.get("ports") or []:
                if not p.get("nodePort"):
                    np = old_ports.get((p.get("port"), p.get("protocol", "TCP")))
                    if not np:
                        while True:
                            np = self.rng.randint(*NODE_PORT_RANGE)
                            if np not in used_ports:
                                break
                    p["nodePort"] = np

    # ---- patch ----------------------------------------------------------------------------------
    def patch(self, resource: str | ResourceType, name: str, namespace: str | None, body: Any,
              patch_type: str = "strategic", *, dry_run: bool = False, subresource: str = "",
              field_manager: str | None = None) -> Obj:
        """PATCH with ``strategic`` (application/strategic-merge-patch+json), ``merge`` or ``json``."""
        from . import patch as patching  # loaded on first PATCH: most sessions start without one

        rt = self.rt_for(resource)
        if subresource == "scale":
            scale = patching_scale(self, rt, name, namespace, body, patch_type)
            return self.update_scale(rt, scale, namespace, dry_run=dry_run)
        current = self.get(rt, name, namespace)
        if isinstance(body, dict) and isinstance(body.get("apiVersion"), str):
            # The patch is applied to the object in the version it names (an autoscaling/v1 HPA patch).
            current = conversion.to_version(current, body["apiVersion"])
        try:
            if patch_type == "json":
                new = patching.json_patch(current, body)
            elif patch_type == "merge":
                new = patching.json_merge_patch(current, body)
            elif patch_type == "strategic":
                if rt.crd:
                    raise errors.StatusError(
                        415, "UnsupportedMediaType",
                        "the body of the request was in an unknown format - accepted media types include: "
                        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
                    )
                new = patching.strategic_merge_patch(current, body, rt.group, rt.version, rt.kind)
            else:
                raise errors.bad_request(f"unknown patch type {patch_type}")
        except patching.PatchError as e:
            raise e.to_status_error() from None
        if not isinstance(new, dict):
            raise errors.bad_request("the patch produced an object that is not a JSON object")
        meta = new.setdefault("metadata", {})
        if not meta.get("resourceVersion") or meta.get("resourceVersion") == current["metadata"].get("resourceVersion"):
            meta["resourceVersion"] = current["metadata"]["resourceVersion"]
        meta["name"] = name
        return self.update(new, namespace, dry_run=dry_run, subresource=subresource, rt=rt,
                           field_manager=field_manager)

    # ---- scale subresource ----------------------------------------------------------------------
    def get_scale(self, resource: str | ResourceType, name: str, namespace: str | None = None) -> Obj:
        """GET .../NAME/scale: the autoscaling/v1 Scale of a Deployment, ReplicaSet, StatefulSet or RC."""
        from .scale import check_scalable, scale_of

        rt = self.rt_for(resource)
        check_scalable(rt)
        return scale_of(rt, self.peek_or_raise(rt, name, namespace))

    def update_scale(self, resource: str | ResourceType, scale: Obj, namespace: str | None = None, *,
                     dry_run: bool = False) -> Obj:
        """PUT .../NAME/scale: set spec.replicas (resourceVersion precondition); admission sees a Scale, so
        the object's pod-template checks (PodSecurity) do not run. Returns the new Scale."""
        from .scale import apply_scale, check_scalable, scale_of

        rt = self.rt_for(resource)
        check_scalable(rt)
        name = (scale.get("metadata") or {}).get("name", "")
        new = apply_scale(rt, self.peek_or_raise(rt, name, namespace), scale)
        return scale_of(rt, self.update(new, namespace, dry_run=dry_run, subresource="scale", rt=rt))

    # ---- delete ---------------------------------------------------------------------------------
    def delete(self, resource: str | ResourceType, name: str, namespace: str | None = None, *,
               grace_period: int | None = None, propagation_policy: str | None = None,
               dry_run: bool = False, preconditions_uid: str | None = None) -> Obj:
        """DELETE: graceful deletion, finalizers and propagation (Background / Foreground / Orphan)."""
        rt = self.rt_for(resource)
        ns = self._ns(rt, namespace)
        old = self.store.get(rt.group_resource, ns, name)
        if old is None:
            raise errors.not_found(rt.group, rt.plural, name)
        if preconditions_uid and old["metadata"].get("uid") != preconditions_uid:
            raise errors.conflict(rt.group, rt.plural, name)
        if rt.group_resource == "namespaces" and name in SYSTEM_NAMESPACES:
            raise errors.forbidden(f'namespaces "{name}" is forbidden: this namespace may not be deleted',
                                   "", "namespaces", name)
        if dry_run:
            return clone(old)
        obj = clone(old)
        meta = obj["metadata"]
        policy = propagation_policy
        if policy is None:
            # ReplicationControllers, ReplicaSets... default to background through the GC; `orphan` finalizer honoured.
            policy = "Background"
        finalizers = list(meta.get("finalizers") or [])
        if rt.group_resource == "namespaces":
            if not meta.get("deletionTimestamp"):
                meta["deletionTimestamp"] = rfc3339(self.now())
                meta["deletionGracePeriodSeconds"] = 0
                obj["status"] = {"phase": "Terminating"}
                stored = self.store.put("namespaces", obj)
                self._after(rt, "update", stored)
                return clone(stored)
            return clone(old)
        if policy == "Foreground" and "foregroundDeletion" not in finalizers:
            finalizers.append("foregroundDeletion")
        elif policy == "Orphan" and "orphan" not in finalizers:
            finalizers.append("orphan")
        grace = 0
        if rt.group_resource == "pods":
            grace = _pod_grace(obj, grace_period)
        if finalizers or grace > 0:
            if meta.get("deletionTimestamp"):
                # Already terminating: a shorter grace period may still be applied.
                if grace_period is not None and rt.group_resource == "pods" and grace < meta.get(
                        "deletionGracePeriodSeconds", 0):
                    meta["deletionGracePeriodSeconds"] = grace
                    meta["deletionTimestamp"] = rfc3339(self.now() + grace)
                    if grace == 0 and not finalizers:
                        return self._remove(rt, ns, name, obj)
                    stored = self.store.put(rt.group_resource, obj)
                    self._after(rt, "update", stored)
                    return clone(stored)
                return clone(old)
            meta["finalizers"] = finalizers
            if not finalizers:
                del meta["finalizers"]
            meta["deletionTimestamp"] = rfc3339(self.now() + grace)
            meta["deletionGracePeriodSeconds"] = grace
            stored = self.store.put(rt.group_resource, obj)
            self._after(rt, "update", stored)
            return clone(stored)
        return self._remove(rt, ns, name, obj)

    def _remove(self, rt: ResourceType, ns: str, name: str, obj: Obj) -> Obj:
        final = self.store.delete(rt.group_resource, ns, name)
        self._after(rt, "delete", final or obj)
        return clone(final or obj)

    def bind(self, namespace: str, name: str, node: str, *, uid: str | None = None) -> Obj:
        """POST pods/NAME/binding: assign a pod to a node (sets spec.nodeName and PodScheduled=True)."""
        pod = self.store.get("pods", namespace, name)
        if pod is None:
            raise errors.not_found("", "pods", name)
        if uid and pod["metadata"].get("uid") != uid:
            raise errors.conflict("", "pods", name)
        if pod["metadata"].get("deletionTimestamp"):
            raise errors.StatusError(409, "Conflict", f"pod {name} is being deleted, cannot be assigned to a host")
        if pod.get("spec", {}).get("nodeName"):
            raise errors.StatusError(
                409, "Conflict", f"pod {name} is already assigned to node \"{pod['spec']['nodeName']}\"")
        new = dict(pod)
        new["spec"] = dict(pod["spec"], nodeName=node)
        status = dict(pod.get("status") or {})
        conds = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
        conds.append({"lastProbeTime": None, "lastTransitionTime": rfc3339(self.now()), "status": "True",
                      "type": "PodScheduled"})
        status["conditions"] = conds
        new["status"] = status
        new["metadata"] = dict(pod["metadata"])
        stored = self.store.put("pods", new)
        self._after(self.rt_for("pods"), "update", stored)
        return stored

    def evict(self, namespace: str, name: str, grace_period: int | None = None, dry_run: bool = False) -> Obj:
        """POST pods/NAME/eviction: a delete that honours PodDisruptionBudgets (429 when it would violate one)."""
        pod = self.store.get("pods", namespace, name)
        if pod is None:
            raise errors.not_found("", "pods", name)
        from ..selectors import selector_from_label_selector

        labels = pod["metadata"].get("labels") or {}
        for pdb in self.store.list("poddisruptionbudgets.policy", namespace):
            sel = selector_from_label_selector((pdb.get("spec") or {}).get("selector"))
            if sel.matches(labels) and pod.get("status", {}).get("phase") not in ("Succeeded", "Failed"):
                allowed = int((pdb.get("status") or {}).get("disruptionsAllowed", 0))
                if allowed <= 0:
                    raise errors.StatusError(
                        429, "TooManyRequests",
                        "Cannot evict pod as it would violate the pod's disruption budget.",
                        {"causes": [{"reason": "DisruptionBudget", "message":
                                     f"The disruption budget {pdb['metadata']['name']} needs "
                                     f"{(pdb.get('status') or {}).get('desiredHealthy', 0)} healthy pods and has "
                                     f"{(pdb.get('status') or {}).get('currentHealthy', 0)} currently"}]},
                    )
        return self.delete("pods", name, namespace, grace_period=grace_period, dry_run=dry_run)

    def finalize_pod(self, name: str, namespace: str) -> None:
        """The kubelet's final DELETE with grace 0 once containers are gone."""
        obj = self.store.get("pods", namespace, name)
        if obj is not None and not obj["metadata"].get("finalizers"):
            self._remove(self.rt_for("pods"), namespace, name, obj)

    def _after(self, rt: ResourceType, verb: str, obj: Obj) -> None:
        for hook in self.after_write:
            hook(rt.group_resource, verb, obj)


def patching_scale(api: APIServer, rt: ResourceType, name: str, namespace: str | None, body: Any,
                   patch_type: str) -> Obj:
    """The Scale a PATCH .../NAME/scale produces (merge/json patch; a strategic patch of a Scale merges)."""
    from . import patch as patching

    current = api.get_scale(rt, name, namespace)
    try:
        new = patching.json_patch(current, body) if patch_type == "json" else patching.json_merge_patch(current, body)
    except patching.PatchError as e:
        raise e.to_status_error() from None
    if not isinstance(new, dict):
        raise errors.bad_request("the patch produced an object that is not a JSON object")
    new.setdefault("metadata", {})["name"] = name
    return new


def _spec_of(obj: Obj) -> Any:
    return {k: v for k, v in obj.items() if k not in ("metadata", "status")}


def _semantically_equal(a: Obj, b: Obj) -> bool:
    am = {k: v for k, v in a["metadata"].items() if k not in ("resourceVersion", "managedFields")}
    bm = {k: v for k, v in b["metadata"].items() if k not in ("resourceVersion", "managedFields")}
    return (am == bm and _spec_of(a) == _spec_of(b) and a.get("status") == b.get("status")
            and managedfields.same_owners(a, b))


def _pod_grace(pod: Obj, requested: int | None) -> int:
    """Pod strategy CheckGracefulDelete: unscheduled or finished pods go at once."""
    spec = pod.get("spec", {})
    phase = pod.get("status", {}).get("phase")
    if not spec.get("nodeName") or phase in ("Succeeded", "Failed"):
        return 0
    if requested is not None:
        return max(0, requested)
    return int(spec.get("terminationGracePeriodSeconds", 30) or 0)


def _pod_needs_kubelet(pod: Obj) -> bool:
    return bool(pod.get("spec", {}).get("nodeName")) and pod.get("status", {}).get("phase") not in (
        "Succeeded", "Failed")


def qos_class(spec: dict[str, Any]) -> str:
    """Pod QoS class from requests and limits of all containers (Guaranteed / Burstable / BestEffort)."""
    containers = list(spec.get("containers") or []) + list(spec.get("initContainers") or [])
    any_set = False
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req = res.get("requests") or {}
        lim = res.get("limits") or {}
        if req or lim:
            any_set = True
        for r in ("cpu", "memory"):
            if r not in lim or str(req.get(r, lim.get(r))) != str(lim.get(r)):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _request_version(rt: ResourceType, obj: Obj) -> str:
    """The served version a write is decoded in (e.g. v1 for an ``autoscaling/v1`` HPA)."""
    api_version = obj.get("apiVersion")
    if isinstance(api_version, str) and api_version != rt.api_version:
        version = api_version.rpartition("/")[2]
        if version in rt.other_versions:
            return version
    return rt.version
