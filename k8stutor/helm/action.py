"""Helm 3 actions against the simulated cluster (helm's ``pkg/action``): install, upgrade, rollback, uninstall,
test, and the reads behind list/history/status/get.

Everything goes through the cluster's API facade. Waiting (``--wait``, hooks, ``helm test``) advances virtual
time with ``cluster.advance`` the way helm polls (every 2 s) until the resources are ready or the timeout passes.
Errors are :class:`ActionError` whose str() is helm's message (the command adds ``INSTALLATION FAILED: ``...).
"""

from __future__ import annotations

import base64
import copy
import random
import re
from dataclasses import dataclass
from typing import Any

from k8stutor.engine.errors import StatusError
from k8stutor.engine.registry import ResourceType

from .chart import Chart
from .render import (
    DEFAULT_API_VERSIONS,
    INSTALL_ORDER,
    Capabilities,
    Hook,
    Release,
    RenderError,
    render,
    sort_manifests,
)
from .render import split_manifests as _split
from .storage import ReleaseNotFound, Storage, StorageError, go_time, parse_go_time
from .toyaml import YAMLParseError, load_yaml_raw
from .values import merge_maps

__all__ = [
    "ActionError",
    "Actions",
    "INSTALL_ORDER",
    "UNINSTALL_ORDER",
    "chart_record",
    "format_app_version",
    "format_chart_name",
    "validate_release_name",
]

MANAGED_BY = "app.kubernetes.io/managed-by"
REL_NAME_ANN = "meta.helm.sh/release-name"
REL_NS_ANN = "meta.helm.sh/release-namespace"
RESOURCE_POLICY = "helm.sh/resource-policy"

UNINSTALL_ORDER: tuple[str, ...] = (
    "APIService",
    "Ingress",
    "IngressClass",
    "Service",
    "CronJob",
    "Job",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "DaemonSet",
    "RoleBindingList",
    "RoleBinding",
    "RoleList",
    "Role",
    "ClusterRoleBindingList",
    "ClusterRoleBinding",
    "ClusterRoleList",
    "ClusterRole",
    "CustomResourceDefinition",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "ConfigMap",
    "SecretList",
    "Secret",
    "ServiceAccount",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "LimitRange",
    "ResourceQuota",
    "NetworkPolicy",
    "Namespace",
    "PriorityClass",
)

_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
INVALID_NAME = (
    "invalid release name, must match regex ^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]*"
    "[a-z0-9])?)*)$ and the length must not be longer than 53"
)
POLL = 2.0


class ActionError(Exception):
    """An action failed; str() is helm's message. ``release`` is the record as it ended (if any)."""

    def __init__(self, message: str, release: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.release = release


def validate_release_name(name: str) -> bool:
    """chartutil.ValidateReleaseName."""
    return bool(name) and len(name) <= 53 and bool(_NAME_RE.match(name))


def chart_record(chart: Chart) -> dict[str, Any]:
    """The ``chart`` of a release record (helm's chart.Chart JSON; subcharts are not stored, as in helm)."""

    def b64(data: bytes | str) -> str:
        return base64.b64encode(data.encode("utf-8") if isinstance(data, str) else data).decode("ascii")

    return {
        "metadata": copy.deepcopy(chart.metadata),
        "lock": copy.deepcopy(chart.lock),
        "templates": [{"name": n, "data": b64(t)} for n, t in chart.templates],
        "values": copy.deepcopy(chart.values),
        "schema": b64(chart.schema) if chart.schema else None,
        "files": [{"name": n, "data": b64(d)} for n, d in chart.files],
    }


def format_chart_name(rel: dict[str, Any]) -> str:
    """``<chart>-<version>`` as list/history print it (MISSING without a chart)."""
    md = (rel.get("chart") or {}).get("metadata")
    if not md:
        return "MISSING"
    return f"{md.get('name', '')}-{md.get('version', '')}"


def format_app_version(rel: dict[str, Any]) -> str:
    """The chart's appVersion (MISSING without a chart)."""
    md = (rel.get("chart") or {}).get("metadata")
    if not md:
        return "MISSING"
    return str(md.get("appVersion") or "")


@dataclass
class Resource:
    """One object of a release manifest, mapped to its API resource."""

    obj: dict[str, Any]
    rt: ResourceType
    name: str
    namespace: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity across manifests: group, kind, namespace, name."""
        return (self.rt.group, self.rt.kind, self.namespace, self.name)

    def describe(self) -> str:
        """helm's resourceString: ``Kind "name" in namespace "ns"``."""
        return f'{self.rt.kind} "{self.name}" in namespace "{self.namespace}"'


def _kind_rank(order: tuple[str, ...]) -> dict[str, int]:
    return {k: i for i, k in enumerate(order)}


_UNINSTALL_RANK = _kind_rank(UNINSTALL_ORDER)


def _hook_dict(h: Hook) -> dict[str, Any]:
    return {
        "name": h.name,
        "kind": h.kind,
        "path": h.path,
        "manifest": h.manifest,
        "events": list(h.events),
        "last_run": {"started_at": "", "completed_at": "", "phase": ""},
        "weight": h.weight,
        "delete_policies": list(h.delete_policies),
    }


class Actions:
    """helm's action.Configuration for one namespace of a simulated cluster."""

    def __init__(self, cluster: Any, namespace: str = "default", rng: random.Random | None = None) -> None:
        self.cluster = cluster
        self.api = cluster.api
        self.namespace = namespace or "default"
        self.rng = rng or random.Random(0)
        self.storage = Storage(self.api, self.namespace)

    # ---- cluster facts ---------------------------------------------------------------------------------
    def now(self) -> float:
        """Virtual time."""
        return float(self.api.now())

    def capabilities(self) -> Capabilities:
        """``.Capabilities`` from the cluster's version and discovery (group versions and ``gv/Kind``)."""
        from k8stutor.engine.presets import KUBE_VERSION

        seen: dict[str, None] = {}
        for rt in self.cluster.registry.in_discovery_order():
            seen.setdefault(rt.api_version, None)
            seen.setdefault(f"{rt.api_version}/{rt.kind}", None)
        for v in DEFAULT_API_VERSIONS:
            seen.setdefault(v, None)
        return Capabilities(kube_version=KUBE_VERSION, api_versions=tuple(seen))

    def lookup(self, api_version: str, kind: str, namespace: str, name: str) -> Any:
        """The ``lookup`` template function against the live cluster."""
        rt = self.cluster.registry.by_gvk(api_version, kind)
        if rt is None:
            return {}
        if name:
            obj = self.api.peek(rt, name, namespace or None) if (namespace or not rt.namespaced) else None
            return copy.deepcopy(obj) if obj is not None else {}
        items = self.api.list_objects(rt, (namespace or None) if rt.namespaced else None)
        return {
            "apiVersion": rt.api_version,
            "kind": rt.kind + "List",
            "metadata": {"resourceVersion": str(self.cluster.store.revision)},
            "items": [copy.deepcopy(o) for o in items],
        }

    # ---- manifests -----------------------------------------------------------------------------------
    def build(self, manifest: str, namespace: str) -> list[Resource]:
        """KubeClient.Build: parse a release manifest into API objects (defaulting the namespace)."""
        out: list[Resource] = []
        for doc in _split(manifest):
            try:
                obj = load_yaml_raw(doc)
            except YAMLParseError as e:
                raise ActionError(f"unable to build kubernetes objects from release manifest: {e}") from None
            if not isinstance(obj, dict) or not obj:
                continue
            api_version = str(obj.get("apiVersion") or "")
            kind = str(obj.get("kind") or "")
            raw_md = obj.get("metadata")
            md: dict[str, Any] = raw_md if isinstance(raw_md, dict) else {}
            name = str(md.get("name") or "")
            if not kind or not api_version:
                raise ActionError(
                    'unable to build kubernetes objects from release manifest: error validating "": '
                    "error validating data: [apiVersion not set, kind not set]"
                    if not kind and not api_version
                    else 'unable to build kubernetes objects from release manifest: error validating "": '
                    f"error validating data: {'kind' if not kind else 'apiVersion'} not set"
                )
            rt = self.cluster.registry.by_gvk(api_version, kind)
            if rt is None:
                raise ActionError(
                    "unable to build kubernetes objects from release manifest: resource mapping not found for "
                    f'name: "{name}" namespace: "{md.get("namespace") or ""}" from "": no matches for kind '
                    f'"{kind}" in version "{api_version}"\nensure CRDs are installed first'
                )
            ns = ""
            if rt.namespaced:
                ns = str(md.get("namespace") or namespace)
            out.append(Resource(obj, rt, name, ns))
        return out

    @staticmethod
    def _labelled(res: Resource, name: str, namespace: str) -> dict[str, Any]:
        obj = copy.deepcopy(res.obj)
        md = obj.setdefault("metadata", {})
        md.setdefault("labels", {})
        if md["labels"] is None:
            md["labels"] = {}
        md["labels"][MANAGED_BY] = "Helm"
        if md.get("annotations") is None:
            md["annotations"] = {}
        md["annotations"][REL_NAME_ANN] = name
        md["annotations"][REL_NS_ANN] = namespace
        if res.rt.namespaced:
            md["namespace"] = res.namespace
        return obj

    @staticmethod
    def _ownership_error(live: dict[str, Any], name: str, namespace: str) -> str | None:
        md = live.get("metadata") or {}
        labels = md.get("labels") or {}
        ann = md.get("annotations") or {}
        errs = []

        def require(m: dict[str, Any], k: str, v: str, what: str) -> None:
            if k not in m:
                errs.append(f'{what} validation error: missing key "{k}": must be set to "{v}"')
            elif m[k] != v:
                errs.append(f'{what} validation error: key "{k}" must equal "{v}": current value is "{m[k]}"')

        require(labels, MANAGED_BY, "Helm", "label")
        require(ann, REL_NAME_ANN, name, "annotation")
        require(ann, REL_NS_ANN, namespace, "annotation")
        if not errs:
            return None
        return "invalid ownership metadata; " + "; ".join(errs)

    def _existing_conflicts(self, resources: list[Resource], name: str, namespace: str) -> list[Resource]:
        adopted = []
        for r in resources:
            live = self.api.peek(r.rt, r.name, r.namespace or None)
            if live is None:
                continue
            err = self._ownership_error(live, name, namespace)
            if err is not None:
                raise ActionError(
                    f"{r.describe()} exists and cannot be imported into the current release: {err}"
                )
            adopted.append(r)
        return adopted

    def _create(self, r: Resource, obj: dict[str, Any]) -> None:
        try:
            self.api.create(obj, r.namespace or None)
        except StatusError as e:
            raise ActionError(e.message) from None

    def _patch(self, original: Resource | None, target: Resource, obj: dict[str, Any]) -> None:
        from k8stutor.engine.api.patch import PatchError
        from k8stutor.kubectl.apply_patch import apply_patch_type, create_apply_patch

        live = self.api.peek(target.rt, target.name, target.namespace or None)
        if live is None:
            self._create(target, obj)
            return
        rt = target.rt
        try:
            patch = create_apply_patch(
                original.obj if original is not None else None, obj, live, rt.group, rt.version, rt.kind
            )
        except PatchError as e:
            raise ActionError(f'cannot patch "{target.name}" with kind {rt.kind}: {e}') from None
        if not patch:
            return
        ptype = (
            "strategic"
            if apply_patch_type(rt.group, rt.version, rt.kind).startswith("application/strategic")
            else "merge"
        )
        try:
            self.api.patch(rt, target.name, target.namespace or None, patch, ptype)
        except StatusError as e:
            raise ActionError(f'cannot patch "{target.name}" with kind {rt.kind}: {e.message}') from None

    def _delete(self, r: Resource) -> bool:
        try:
            self.api.delete(r.rt, r.name, r.namespace or None, propagation_policy="Background")
            return True
        except StatusError:
            return False

    @staticmethod
    def _keep(r: Resource) -> bool:
        ann = (r.obj.get("metadata") or {}).get("annotations") or {}
        return str(ann.get(RESOURCE_POLICY, "")).strip().lower() == "keep"

    def _update(self, current: list[Resource], target: list[Resource], name: str, namespace: str) -> None:
        """KubeClient.Update: create what is new, 3-way patch what exists, delete what is gone."""
        cur_by_key = {r.key: r for r in current}
        tgt_keys = {r.key for r in target}
        for t in target:
            obj = self._labelled(t, name, namespace)
            orig = cur_by_key.get(t.key)
            if self.api.peek(t.rt, t.name, t.namespace or None) is None:
                self._create(t, obj)
            else:
                self._patch(orig, t, obj)
        for c in current:
            if c.key in tgt_keys or self._keep(c):
                continue
            self._delete(c)
        self.cluster.settle()

    # ---- readiness (helm's ReadyChecker) -------------------------------------------------------------
    def _ready(self, r: Resource, wait_for_jobs: bool = False) -> bool:
        live = self.api.peek(r.rt, r.name, r.namespace or None)
        if live is None:
            return False
        kind = r.rt.kind
        st = live.get("status") or {}
        spec = live.get("spec") or {}
        gen = (live.get("metadata") or {}).get("generation", 0)
        if kind == "Pod":
            return any(
                c.get("type") == "Ready" and c.get("status") == "True" for c in st.get("conditions") or []
            )
        if kind == "Service":
            if spec.get("type") == "ExternalName":
                return True
            if not spec.get("clusterIP"):
                return False
            if spec.get("type") == "LoadBalancer":
                if spec.get("externalIPs"):
                    return True
                return bool((st.get("loadBalancer") or {}).get("ingress"))
            return True
        if kind == "PersistentVolumeClaim":
            return st.get("phase") == "Bound"
        if kind == "Deployment":
            if spec.get("paused"):
                return True
            if st.get("observedGeneration", 0) < gen:
                return False
            return self._deployment_ready(live)
        if kind == "DaemonSet":
            if st.get("observedGeneration", 0) < gen:
                return False
            if (spec.get("updateStrategy") or {}).get("type") == "OnDelete":
                return True
            desired = st.get("desiredNumberScheduled", 0)
            if st.get("updatedNumberScheduled", 0) != desired:
                return False
            mu = ((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("maxUnavailable", 1)
            mu_n = _int_or_percent(mu, desired, True)
            return st.get("numberReady", 0) >= desired - mu_n
        if kind == "StatefulSet":
            if st.get("observedGeneration", 0) < gen:
                return False
            replicas = spec.get("replicas", 1)
            if st.get("readyReplicas", 0) != replicas:
                return False
            if st.get("updatedReplicas", 0) < replicas:
                return bool(
                    st.get("currentRevision") and st.get("currentRevision") == st.get("updateRevision")
                )
            return True
        if kind in ("ReplicaSet", "ReplicationController"):
            if st.get("observedGeneration", 0) < gen:
                return False
            return st.get("readyReplicas", 0) >= spec.get("replicas", 1)
        if kind == "Job" and wait_for_jobs:
            return any(
                c.get("type") == "Complete" and c.get("status") == "True" for c in st.get("conditions") or []
            )
        if kind == "CustomResourceDefinition":
            return any(
                c.get("type") == "Established" and c.get("status") == "True"
                for c in st.get("conditions") or []
            )
        return True

    def _deployment_ready(self, d: dict[str, Any]) -> bool:
        from k8stutor.engine.controllers.deployment import equal_ignore_hash

        ns = d["metadata"].get("namespace", "")
        uid = d["metadata"].get("uid")
        tmpl = (d.get("spec") or {}).get("template")
        new_rs = None
        for rs in self.api.list_objects("replicasets.apps", ns):
            owners = rs["metadata"].get("ownerReferences") or []
            if not any(o.get("uid") == uid and o.get("controller") for o in owners):
                continue
            if equal_ignore_hash((rs.get("spec") or {}).get("template"), tmpl):
                new_rs = rs
                break
        if new_rs is None:
            return False
        spec = d.get("spec") or {}
        replicas = spec.get("replicas", 1)
        strat = spec.get("strategy") or {}
        mu = 0
        if strat.get("type", "RollingUpdate") == "RollingUpdate":
            mu = _int_or_percent(
                (strat.get("rollingUpdate") or {}).get("maxUnavailable", "25%"), replicas, False
            )
        expected = replicas - mu
        return int((new_rs.get("status") or {}).get("readyReplicas", 0)) >= expected

    def wait(self, resources: list[Resource], timeout: float, wait_for_jobs: bool = False) -> None:
        """helm --wait: poll every 2 s of virtual time until all are ready (``context deadline exceeded``)."""
        deadline = self.now() + timeout
        self.cluster.settle()
        while True:
            if all(self._ready(r, wait_for_jobs) for r in resources):
                return
            left = deadline - self.now()
            if left <= 0:
                raise ActionError("context deadline exceeded")
            self.cluster.advance(min(POLL, left))

    def wait_for_delete(self, resources: list[Resource], timeout: float) -> None:
        """uninstall --wait: until every resource is gone."""
        deadline = self.now() + timeout
        while any(self.api.peek(r.rt, r.name, r.namespace or None) is not None for r in resources):
            left = deadline - self.now()
            if left <= 0:
                raise ActionError("timed out waiting for the condition")
            self.cluster.advance(min(POLL, left))

    # ---- hooks ---------------------------------------------------------------------------------------
    def _delete_hook(self, h: dict[str, Any], policy: str, namespace: str) -> None:
        if policy not in (h.get("delete_policies") or []):
            return
        try:
            resources = self.build(h.get("manifest", ""), namespace)
        except ActionError:
            return
        for r in resources:
            self._delete(r)
        self.cluster.settle()

    def _watch_hook(self, r: Resource, timeout: float) -> str | None:
        """WatchUntilReady: Jobs until Complete, Pods until Succeeded; others at once. Error text or None."""
        if r.rt.kind not in ("Job", "Pod"):
            return None
        deadline = self.now() + timeout
        self.cluster.settle()
        while True:
            live = self.api.peek(r.rt, r.name, r.namespace or None)
            st = (live or {}).get("status") or {}
            if r.rt.kind == "Pod":
                phase = st.get("phase")
                if phase == "Succeeded":
                    return None
                if phase == "Failed":
                    return f"pod {r.name} failed"
            else:
                for c in st.get("conditions") or []:
                    if c.get("status") != "True":
                        continue
                    if c.get("type") == "Complete":
                        return None
                    if c.get("type") == "Failed":
                        return f"job {r.name} failed: {c.get('reason', '')}"
            left = deadline - self.now()
            if left <= 0:
                return "timed out waiting for the condition"
            self.cluster.advance(min(1.0, left))

    def exec_hooks(self, rel: dict[str, Any], event: str, timeout: float) -> None:
        """cfg.execHook: run the hooks for one event by weight; ActionError on failure."""
        ns = rel.get("namespace") or self.namespace
        hooks = [h for h in rel.get("hooks") or [] if event in (h.get("events") or [])]
        hooks = sorted(hooks, key=lambda h: (int(h.get("weight") or 0), h.get("name", "")))
        for i, h in enumerate(hooks):
            if not h.get("delete_policies"):
                h["delete_policies"] = ["before-hook-creation"]
            self._delete_hook(h, "before-hook-creation", ns)
            try:
                resources = self.build(h.get("manifest", ""), ns)
            except ActionError as e:
                raise ActionError(
                    f"unable to build kubernetes object for {event} hook {h.get('path')}: {e}"
                ) from None
            h["last_run"] = {"started_at": go_time(self.now()), "completed_at": "", "phase": "Running"}
            self._record(rel)
            h["last_run"]["phase"] = "Unknown"
            for r in resources:
                obj = copy.deepcopy(r.obj)
                if r.rt.namespaced:
                    obj.setdefault("metadata", {})["namespace"] = r.namespace
                try:
                    self.api.create(obj, r.namespace or None)
                except StatusError as e:
                    h["last_run"]["completed_at"] = go_time(self.now())
                    h["last_run"]["phase"] = "Failed"
                    raise ActionError(f"warning: Hook {event} {h.get('path')} failed: {e.message}") from None
            err = None
            for r in resources:
                err = self._watch_hook(r, timeout)
                if err:
                    break
            h["last_run"]["completed_at"] = go_time(self.now())
            if err:
                h["last_run"]["phase"] = "Failed"
                for prev in hooks[:i]:
                    self._delete_hook(prev, "hook-succeeded", ns)
                self._delete_hook(h, "hook-failed", ns)
                raise ActionError(err)
            h["last_run"]["phase"] = "Succeeded"
        for h in reversed(hooks):
            self._delete_hook(h, "hook-succeeded", ns)

    def _record(self, rel: dict[str, Any]) -> None:
        try:
            self.storage.update(rel)
        except StorageError:
            pass

    # ---- render ----------------------------------------------------------------------------------------
    def _render(
        self,
        chart: Chart,
        values: dict[str, Any],
        rel: Release,
        use_lookup: bool,
        include_crds: bool = False,
    ) -> tuple[str, list[dict[str, Any]], str]:
        try:
            result = render(
                chart,
                values,
                rel,
                self.capabilities(),
                lookup=self.lookup if use_lookup else None,
                rng=self.rng,
            )
            hooks, manifests = sort_manifests(result.files)
        except RenderError as e:
            raise ActionError(str(e)) from None
        parts = []
        if include_crds and result.chart is not None:
            for path, data in result.chart.crd_objects():
                parts.append("---\n# Source: {}\n{}\n".format(path, data.decode("utf-8", "replace")))
        for m in manifests:
            parts.append(f"---\n# Source: {m.path}\n{m.content}\n")
        return "".join(parts), [_hook_dict(h) for h in hooks], result.notes

    def _install_crds(self, chart: Chart) -> None:
        for _path, data in chart.crd_objects():
            for r in self.build(data.decode("utf-8", "replace"), self.namespace):
                if self.api.peek(r.rt, r.name, None) is None:
                    self._create(r, copy.deepcopy(r.obj))
        self.cluster.settle()

    def _new_release(
        self,
        name: str,
        namespace: str,
        chart: Chart,
        config: dict[str, Any],
        version: int,
        status: str,
        description: str,
        first: float | None = None,
    ) -> dict[str, Any]:
        now = self.now()
        return {
            "name": name,
            "info": {
                "first_deployed": go_time(first if first is not None else now),
                "last_deployed": go_time(now),
                "deleted": "",
                "description": description,
                "status": status,
                "notes": "",
            },
            "chart": chart_record(chart),
            "config": config,
            "manifest": "",
            "hooks": [],
            "version": version,
            "namespace": namespace,
        }

    # ---- install -----------------------------------------------------------------------------------------
    def install(
        self,
        name: str,
        chart: Chart,
        values: dict[str, Any],
        *,
        create_namespace: bool = False,
        dry_run: str = "",
        wait: bool = False,
        wait_for_jobs: bool = False,
        timeout: float = 300.0,
        atomic: bool = False,
        no_hooks: bool = False,
        replace: bool = False,
        skip_crds: bool = False,
        description: str = "",
    ) -> dict[str, Any]:
        """action.Install.Run."""
        ns = self.namespace
        if chart.is_library:
            raise ActionError("library charts are not installable")
        if not validate_release_name(name):
            raise ActionError(f'release name "{name}": {INVALID_NAME}')
        if not dry_run:
            try:
                hist = self.storage.history(name)
            except ReleaseNotFound:
                hist = []
            if hist:
                st = hist[-1]["info"].get("status")
                if not (replace and st in ("uninstalled", "failed")):
                    raise ActionError("cannot re-use a name that is still in use")
        if atomic:
            wait = True
        if not skip_crds and chart.crd_objects() and not dry_run:
            self._install_crds(chart)
        rel = self._new_release(name, ns, chart, values, 1, "pending-install", "Initial install underway")
        manifest, hooks, notes = self._render(
            chart, values, Release(name=name, namespace=ns, revision=1), use_lookup=dry_run in ("", "server")
        )
        rel["manifest"], rel["hooks"], rel["info"]["notes"] = manifest, hooks, notes
        resources = self.build(manifest, ns)
        if dry_run:
            rel["info"]["description"] = "Dry run complete"
            return rel
        if create_namespace and self.api.peek("namespaces", ns) is None:
            try:
                self.api.create(
                    {
                        "apiVersion": "v1",
                        "kind": "Namespace",
                        "metadata": {"name": ns, "labels": {"name": ns}},
                    }
                )
            except StatusError as e:
                raise ActionError(e.message) from None
        try:
            adopted = self._existing_conflicts(resources, name, ns)
        except ActionError as e:
            raise ActionError(f"Unable to continue with install: {e}") from None
        try:
            self.storage.create(rel)
        except StorageError as e:
            raise ActionError(str(e)) from None
        try:
            if not no_hooks:
                try:
                    self.exec_hooks(rel, "pre-install", timeout)
                except ActionError as e:
                    raise ActionError(f"failed pre-install: {e}") from None
            adopted_keys = {r.key for r in adopted}
            for r in resources:
                obj = self._labelled(r, name, ns)
                if r.key in adopted_keys:
                    self._patch(None, r, obj)
                else:
                    self._create(r, obj)
            self.cluster.settle()
            if wait:
                self.wait(resources, timeout, wait_for_jobs)
            if not no_hooks:
                try:
                    self.exec_hooks(rel, "post-install", timeout)
                except ActionError as e:
                    raise ActionError(f"failed post-install: {e}") from None
        except ActionError as e:
            rel["info"]["status"] = "failed"
            rel["info"]["description"] = f'Release "{name}" failed: {e}'
            if atomic:
                try:
                    self.uninstall(name, timeout=timeout, no_hooks=no_hooks)
                except ActionError as ue:
                    raise ActionError(
                        f"an error occurred while uninstalling the release. original install error: {e}: {ue}",
                        rel,
                    ) from None
                raise ActionError(
                    f"release {name} failed, and has been uninstalled due to atomic being set: {e}", rel
                ) from None
            self._record(rel)
            raise ActionError(str(e), rel) from None
        rel["info"]["status"] = "deployed"
        rel["info"]["description"] = description or "Install complete"
        self._record(rel)
        return rel

    # ---- upgrade -------------------------------------------------------------------------------------------
    def upgrade(
        self,
        name: str,
        chart: Chart,
        values: dict[str, Any],
        *,
        reuse_values: bool = False,
        reset_values: bool = False,
        reset_then_reuse_values: bool = False,
        dry_run: str = "",
        wait: bool = False,
        wait_for_jobs: bool = False,
        timeout: float = 300.0,
        atomic: bool = False,
        no_hooks: bool = False,
        description: str = "",
    ) -> dict[str, Any]:
        """action.Upgrade.Run."""
        ns = self.namespace
        if not validate_release_name(name):
            raise ActionError(f'release name "{name}": {INVALID_NAME}')
        if chart.is_library:
            raise ActionError("library charts are not installable")
        try:
            last = self.storage.last(name)
        except ReleaseNotFound:
            raise ActionError(f'"{name}" has no deployed releases') from None
        if str(last["info"].get("status", "")).startswith("pending-"):
            raise ActionError("another operation (install/upgrade/rollback) is in progress")
        current = last
        if last["info"].get("status") != "deployed":
            try:
                current = self.storage.deployed(name)
            except StorageError as e:
                if last["info"].get("status") not in ("failed", "superseded"):
                    raise ActionError(str(e)) from None
        if reset_values:
            config = values
        elif reuse_values:
            config = merge_maps(copy.deepcopy(current.get("config") or {}), values)
        elif reset_then_reuse_values:
            config = merge_maps(copy.deepcopy(current.get("config") or {}), values)
        elif not values and current.get("config"):
            config = copy.deepcopy(current["config"])
        else:
            config = values
        if atomic:
            wait = True
        revision = int(last["version"]) + 1
        rel = self._new_release(
            name,
            ns,
            chart,
            config,
            revision,
            "pending-upgrade",
            "Preparing upgrade",
            first=parse_go_time(current["info"].get("first_deployed")),
        )
        manifest, hooks, notes = self._render(
            chart,
            config,
            Release(name=name, namespace=ns, revision=revision, is_install=False, is_upgrade=True),
            use_lookup=dry_run in ("", "server"),
        )
        rel["manifest"], rel["hooks"], rel["info"]["notes"] = manifest, hooks, notes
        cur_res = self.build(current.get("manifest", ""), ns)
        target = self.build(manifest, ns)
        if dry_run:
            rel["info"]["description"] = "Dry run complete"
            return rel
        cur_keys = {r.key for r in cur_res}
        try:
            self._existing_conflicts([t for t in target if t.key not in cur_keys], name, ns)
        except ActionError as e:
            raise ActionError(f"Unable to continue with update: {e}") from None
        try:
            self.storage.create(rel)
        except StorageError as e:
            raise ActionError(str(e)) from None
        try:
            if not no_hooks:
                try:
                    self.exec_hooks(rel, "pre-upgrade", timeout)
                except ActionError as e:
                    raise ActionError(f"pre-upgrade hooks failed: {e}") from None
            self._update(cur_res, target, name, ns)
            if wait:
                self.wait(target, timeout, wait_for_jobs)
            if not no_hooks:
                try:
                    self.exec_hooks(rel, "post-upgrade", timeout)
                except ActionError as e:
                    raise ActionError(f"post-upgrade hooks failed: {e}") from None
        except ActionError as e:
            rel["info"]["status"] = "failed"
            rel["info"]["description"] = f'Upgrade "{name}" failed: {e}'
            self._record(rel)
            if atomic:
                good = [
                    r
                    for r in self.storage.history(name)
                    if r["info"].get("status") in ("superseded", "deployed")
                ]
                if good:
                    try:
                        self.rollback(name, int(good[-1]["version"]), timeout=timeout, wait=True)
                    except ActionError as re_:
                        raise ActionError(
                            f"an error occurred while rolling back the release. original upgrade error: {e}: {re_}",
                            rel,
                        ) from None
                    raise ActionError(
                        f"release {name} failed, and has been rolled back due to atomic being set: {e}", rel
                    ) from None
            raise ActionError(str(e), rel) from None
        current["info"]["status"] = "superseded"
        self._record(current)
        rel["info"]["status"] = "deployed"
        rel["info"]["description"] = description or "Upgrade complete"
        self._record(rel)
        return rel

    # ---- rollback ------------------------------------------------------------------------------------------
    def rollback(
        self,
        name: str,
        version: int = 0,
        *,
        wait: bool = False,
        wait_for_jobs: bool = False,
        timeout: float = 300.0,
        no_hooks: bool = False,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """action.Rollback.Run."""
        if not validate_release_name(name):
            raise ActionError(f"prepareRollback: Release name is invalid: {name}")
        if version < 0:
            raise ActionError("invalid release revision")
        try:
            current = self.storage.last(name)
        except ReleaseNotFound as e:
            raise ActionError(str(e)) from None
        prev_v = version or int(current["version"]) - 1
        history = self.storage.history(name)
        prev = next((r for r in history if int(r["version"]) == prev_v), None)
        if prev is None:
            raise ActionError(f"release has no {prev_v} version")
        target = {
            "name": name,
            "info": {
                "first_deployed": current["info"].get("first_deployed", ""),
                "last_deployed": go_time(self.now()),
                "deleted": "",
                "description": f"Rollback to {prev_v}",
                "status": "pending-rollback",
                "notes": prev["info"].get("notes", ""),
            },
            "chart": prev.get("chart"),
            "config": prev.get("config"),
            "manifest": prev.get("manifest", ""),
            "hooks": copy.deepcopy(prev.get("hooks") or []),
            "version": int(current["version"]) + 1,
            "namespace": current.get("namespace") or self.namespace,
        }
        if dry_run:
            return target
        ns = target["namespace"]
        try:
            self.storage.create(target)
        except StorageError as e:
            raise ActionError(str(e)) from None
        try:
            cur_res = self.build(current.get("manifest", ""), ns)
            tgt_res = self.build(target["manifest"], ns)
            if not no_hooks:
                self.exec_hooks(target, "pre-rollback", timeout)
            self._update(cur_res, tgt_res, name, ns)
            if wait:
                self.wait(tgt_res, timeout, wait_for_jobs)
            if not no_hooks:
                self.exec_hooks(target, "post-rollback", timeout)
        except ActionError as e:
            msg = f"Rollback {target['version']} failed: {e}"
            current["info"]["status"] = "failed"
            current["info"]["description"] = msg
            self._record(current)
            target["info"]["status"] = "failed"
            target["info"]["description"] = msg
            self._record(target)
            raise ActionError(str(e), target) from None
        for r in self.storage.deployed_all(name):
            r["info"]["status"] = "superseded"
            self._record(r)
        if current["info"].get("status") not in ("superseded",):
            current["info"]["status"] = "superseded"
            self._record(current)
        target["info"]["status"] = "deployed"
        self._record(target)
        return target

    # ---- uninstall -----------------------------------------------------------------------------------------
    def uninstall(
        self,
        name: str,
        *,
        keep_history: bool = False,
        no_hooks: bool = False,
        wait: bool = False,
        timeout: float = 300.0,
        dry_run: bool = False,
        description: str = "",
        ignore_not_found: bool = False,
    ) -> tuple[dict[str, Any] | None, str]:
        """action.Uninstall.Run: returns (release, kept-resources text)."""
        if not validate_release_name(name):
            raise ActionError(f"uninstall: Release name is invalid: {name}")
        try:
            rels = self.storage.history(name)
        except ReleaseNotFound as e:
            if ignore_not_found:
                return None, ""
            raise ActionError(f"uninstall: Release not loaded: {name}: {e}") from None
        rel = rels[-1]
        if dry_run:
            return rel, ""
        if rel["info"].get("status") == "uninstalled":
            if not keep_history:
                for r in rels:
                    self._purge(r)
                return rel, ""
            raise ActionError(f'the release named "{name}" is already deleted')
        ns = rel.get("namespace") or self.namespace
        rel["info"]["status"] = "uninstalling"
        rel["info"]["deleted"] = go_time(self.now())
        rel["info"]["description"] = "Deletion in progress (or silently failed)"
        if not no_hooks:
            self.exec_hooks(rel, "pre-delete", timeout)
        self._record(rel)
        resources = self.build(rel.get("manifest", ""), ns)
        kept = [r for r in resources if self._keep(r)]
        to_delete = [r for r in resources if not self._keep(r)]
        to_delete.sort(key=lambda r: _UNINSTALL_RANK.get(r.rt.kind, len(UNINSTALL_ORDER)))
        for res in to_delete:
            self._delete(res)
        self.cluster.settle()
        kept_text = ""
        if kept:
            kept_text = "These resources were kept due to the resource policy:\n" + "".join(
                f"[{r.rt.kind}] {r.name}\n" for r in kept
            )
        if wait:
            self.wait_for_delete(to_delete, timeout)
        if not no_hooks:
            self.exec_hooks(rel, "post-delete", timeout)
        rel["info"]["status"] = "uninstalled"
        rel["info"]["description"] = description or "Uninstallation complete"
        if not keep_history:
            for r in rels:
                self._purge(r)
            return rel, kept_text
        self._record(rel)
        return rel, kept_text

    def _purge(self, rel: dict[str, Any]) -> None:
        try:
            self.storage.delete(rel["name"], int(rel["version"]), rel.get("namespace"))
        except StorageError:
            pass

    # ---- test ------------------------------------------------------------------------------------------------
    def test(
        self, name: str, timeout: float = 300.0, filters: dict[str, list[str]] | None = None
    ) -> dict[str, Any]:
        """action.ReleaseTesting.Run: run the test hooks; ActionError(release=...) when one fails."""
        if not validate_release_name(name):
            raise ActionError(f"releaseTest: Release name is invalid: {name}")
        try:
            rel = self.storage.last(name)
        except ReleaseNotFound as e:
            raise ActionError(str(e)) from None
        include = (filters or {}).get("name") or []
        exclude = (filters or {}).get("!name") or []
        skipped, executing = [], []
        for h in rel.get("hooks") or []:
            if (include and h.get("name") not in include) or h.get("name") in exclude:
                skipped.append(h)
            else:
                executing.append(h)
        rel["hooks"] = executing
        try:
            self.exec_hooks(rel, "test", timeout)
        except ActionError as e:
            rel["hooks"] = skipped + rel["hooks"]
            self._record(rel)
            raise ActionError(str(e), rel) from None
        rel["hooks"] = skipped + rel["hooks"]
        self._record(rel)
        return rel

    # ---- reads -----------------------------------------------------------------------------------------------
    def get(self, name: str, version: int = 0) -> dict[str, Any]:
        """action.Get / Status: the latest (or given) revision; ``release: not found``."""
        try:
            if version > 0:
                return self.storage.get(name, version)
            return self.storage.last(name)
        except ReleaseNotFound as e:
            raise ActionError(str(e)) from None

    def history(self, name: str) -> list[dict[str, Any]]:
        """All revisions, ascending."""
        try:
            return self.storage.history(name)
        except ReleaseNotFound as e:
            raise ActionError(str(e)) from None

    def resources(self, rel: dict[str, Any]) -> list[Resource]:
        """The objects a release's manifest names (unknown kinds skipped)."""
        out = []
        ns = rel.get("namespace") or self.namespace
        for doc in _split(rel.get("manifest", "")):
            try:
                out.extend(self.build(doc, ns))
            except ActionError:
                continue
        return out


def _int_or_percent(v: Any, total: int, round_up: bool) -> int:
    if isinstance(v, str) and v.endswith("%"):
        import math

        try:
            pct = float(v[:-1])
        except ValueError:
            return 0
        x = pct * total / 100.0
        return int(math.ceil(x) if round_up else math.floor(x))
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0
