"""The registry of kinds: one source of truth for group/version, kind, plural, short names, scope and categories.

It feeds the API facade, kubectl's argument resolution, ``api-resources``, completion, discovery
documents and the panes. CRDs add entries at run time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")

# kube-apiserver's group priority order (what aggregated discovery returns, and what `get all` follows).
GROUP_PRIORITY = (
    "",
    "apiregistration.k8s.io",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
)


@dataclass(frozen=True)
class ResourceType:
    """One API resource, e.g. deployments.apps/v1 (kind Deployment)."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ALL_VERBS
    subresources: tuple[str, ...] = ()
    # Other versions the API also serves for this resource (e.g. autoscaling/v1 for HPAs).
    other_versions: tuple[str, ...] = ()
    # Served versions that were removed (apiVersion -> the current one), for the teaching hint.
    crd: bool = False
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_resource(self) -> str:
        """``pods`` / ``deployments.apps`` — how errors name the resource."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def kind_prefix(self) -> str:
        """``pod`` / ``deployment.apps`` — what kubectl prefixes names with (``-o name``, several kinds)."""
        return f"{self.singular}.{self.group}" if self.group else self.singular

    def served_api_versions(self) -> tuple[str, ...]:
        vs = (self.version, *self.other_versions)
        return tuple(f"{self.group}/{v}" if self.group else v for v in vs)


def _rt(api_version: str, kind: str, plural: str, namespaced: bool, short: str = "", cats: str = "",
        sub: str = "", verbs: tuple[str, ...] = ALL_VERBS, other: str = "") -> ResourceType:
    group, _, version = api_version.rpartition("/")
    return ResourceType(
        group=group,
        version=version,
        kind=kind,
        plural=plural,
        namespaced=namespaced,
        short_names=tuple(s for s in short.split(",") if s),
        categories=tuple(c for c in cats.split(",") if c),
        verbs=verbs,
        subresources=tuple(s for s in sub.split(",") if s),
        other_versions=tuple(o for o in other.split(",") if o),
    )


_CREATE_ONLY = ("create",)
_NO_DELETECOLLECTION = ("create", "delete", "get", "list", "patch", "update", "watch")

BUILTIN: tuple[ResourceType, ...] = (
    _rt("v1", "Binding", "bindings", True, verbs=_CREATE_ONLY),
    _rt("v1", "ComponentStatus", "componentstatuses", False, "cs", verbs=("get", "list")),
    _rt("v1", "ConfigMap", "configmaps", True, "cm"),
    _rt("v1", "Endpoints", "endpoints", True, "ep"),
    _rt("v1", "Event", "events", True, "ev"),
    _rt("v1", "LimitRange", "limitranges", True, "limits"),
    _rt("v1", "Namespace", "namespaces", False, "ns", sub="finalize,status",
        verbs=("create", "delete", "get", "list", "patch", "update", "watch")),
    _rt("v1", "Node", "nodes", False, "no", sub="proxy,status"),
    _rt("v1", "PersistentVolumeClaim", "persistentvolumeclaims", True, "pvc", sub="status"),
    _rt("v1", "PersistentVolume", "persistentvolumes", False, "pv", sub="status"),
    _rt("v1", "Pod", "pods", True, "po", "all",
        sub="attach,binding,ephemeralcontainers,eviction,exec,log,portforward,proxy,resize,status"),
    _rt("v1", "PodTemplate", "podtemplates", True),
    _rt("v1", "ReplicationController", "replicationcontrollers", True, "rc", "all", sub="scale,status"),
    _rt("v1", "ResourceQuota", "resourcequotas", True, "quota", sub="status"),
    _rt("v1", "Secret", "secrets", True),
    _rt("v1", "ServiceAccount", "serviceaccounts", True, "sa", sub="token"),
    _rt("v1", "Service", "services", True, "svc", "all", sub="proxy,status",
        verbs=("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")),
    _rt("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", False,
        cats="api-extensions"),
    _rt("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", False,
        cats="api-extensions", sub="status"),
    _rt("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings",
        False, cats="api-extensions"),
    _rt("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", False,
        cats="api-extensions"),
    _rt("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", False, "crd,crds",
        "api-extensions", sub="status"),
    _rt("apiregistration.k8s.io/v1", "APIService", "apiservices", False, cats="api-extensions", sub="status"),
    _rt("apps/v1", "ControllerRevision", "controllerrevisions", True),
    _rt("apps/v1", "DaemonSet", "daemonsets", True, "ds", "all", sub="status"),
    _rt("apps/v1", "Deployment", "deployments", True, "deploy", "all", sub="scale,status"),
    _rt("apps/v1", "ReplicaSet", "replicasets", True, "rs", "all", sub="scale,status"),
    _rt("apps/v1", "StatefulSet", "statefulsets", True, "sts", "all", sub="scale,status"),
    _rt("authentication.k8s.io/v1", "SelfSubjectReview", "selfsubjectreviews", False, verbs=_CREATE_ONLY),
    _rt("authentication.k8s.io/v1", "TokenReview", "tokenreviews", False, verbs=_CREATE_ONLY),
    _rt("authorization.k8s.io/v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", True, verbs=_CREATE_ONLY),
    _rt("authorization.k8s.io/v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", False, verbs=_CREATE_ONLY),
    _rt("authorization.k8s.io/v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", False, verbs=_CREATE_ONLY),
    _rt("authorization.k8s.io/v1", "SubjectAccessReview", "subjectaccessreviews", False, verbs=_CREATE_ONLY),
    _rt("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, "hpa", "all", sub="status",
        other="v1"),
    _rt("batch/v1", "CronJob", "cronjobs", True, "cj", "all", sub="status"),
    _rt("batch/v1", "Job", "jobs", True, cats="all", sub="status"),
    _rt("certificates.k8s.io/v1", "CertificateSigningRequest", "certificatesigningrequests", False, "csr",
        sub="approval,status"),
    _rt("coordination.k8s.io/v1", "Lease", "leases", True),
    _rt("discovery.k8s.io/v1", "EndpointSlice", "endpointslices", True),
    _rt("events.k8s.io/v1", "Event", "events", True, "ev"),
    _rt("flowcontrol.apiserver.k8s.io/v1", "FlowSchema", "flowschemas", False, sub="status"),
    _rt("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration", "prioritylevelconfigurations", False,
        sub="status"),
    _rt("networking.k8s.io/v1", "IngressClass", "ingressclasses", False),
    _rt("networking.k8s.io/v1", "Ingress", "ingresses", True, "ing", sub="status"),
    _rt("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", True, "netpol"),
    _rt("node.k8s.io/v1", "RuntimeClass", "runtimeclasses", False),
    _rt("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", True, "pdb", sub="status"),
    _rt("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", False),
    _rt("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", False),
    _rt("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", True),
    _rt("rbac.authorization.k8s.io/v1", "Role", "roles", True),
    _rt("scheduling.k8s.io/v1", "PriorityClass", "priorityclasses", False, "pc"),
    _rt("storage.k8s.io/v1", "CSIDriver", "csidrivers", False),
    _rt("storage.k8s.io/v1", "CSINode", "csinodes", False),
    _rt("storage.k8s.io/v1", "CSIStorageCapacity", "csistoragecapacities", True),
    _rt("storage.k8s.io/v1", "StorageClass", "storageclasses", False, "sc"),
    _rt("storage.k8s.io/v1", "VolumeAttachment", "volumeattachments", False, sub="status"),
)

# apiVersion/kind pairs removed before v1.32 -> the apiVersion to use today (for the teaching hint).
REMOVED_API_VERSIONS: dict[tuple[str, str], str] = {}
for _kind in ("Deployment", "DaemonSet", "ReplicaSet"):
    REMOVED_API_VERSIONS[("extensions/v1beta1", _kind)] = "apps/v1"
    REMOVED_API_VERSIONS[("apps/v1beta2", _kind)] = "apps/v1"
for _kind in ("Deployment", "StatefulSet", "ControllerRevision"):
    REMOVED_API_VERSIONS[("apps/v1beta1", _kind)] = "apps/v1"
for _kind in ("StatefulSet", "ControllerRevision"):
    REMOVED_API_VERSIONS[("apps/v1beta2", _kind)] = "apps/v1"
REMOVED_API_VERSIONS[("extensions/v1beta1", "Ingress")] = "networking.k8s.io/v1"
REMOVED_API_VERSIONS[("networking.k8s.io/v1beta1", "Ingress")] = "networking.k8s.io/v1"
REMOVED_API_VERSIONS[("networking.k8s.io/v1beta1", "IngressClass")] = "networking.k8s.io/v1"
REMOVED_API_VERSIONS[("extensions/v1beta1", "NetworkPolicy")] = "networking.k8s.io/v1"
REMOVED_API_VERSIONS[("extensions/v1beta1", "PodSecurityPolicy")] = "(removed in v1.25: use Pod Security Admission)"
REMOVED_API_VERSIONS[("policy/v1beta1", "PodSecurityPolicy")] = "(removed in v1.25: use Pod Security Admission)"
REMOVED_API_VERSIONS[("policy/v1beta1", "PodDisruptionBudget")] = "policy/v1"
REMOVED_API_VERSIONS[("batch/v1beta1", "CronJob")] = "batch/v1"
REMOVED_API_VERSIONS[("batch/v2alpha1", "CronJob")] = "batch/v1"
REMOVED_API_VERSIONS[("autoscaling/v2beta1", "HorizontalPodAutoscaler")] = "autoscaling/v2"
REMOVED_API_VERSIONS[("autoscaling/v2beta2", "HorizontalPodAutoscaler")] = "autoscaling/v2"
for _kind in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"):
    REMOVED_API_VERSIONS[("rbac.authorization.k8s.io/v1beta1", _kind)] = "rbac.authorization.k8s.io/v1"
    REMOVED_API_VERSIONS[("rbac.authorization.k8s.io/v1alpha1", _kind)] = "rbac.authorization.k8s.io/v1"
REMOVED_API_VERSIONS[("storage.k8s.io/v1beta1", "StorageClass")] = "storage.k8s.io/v1"
REMOVED_API_VERSIONS[("scheduling.k8s.io/v1beta1", "PriorityClass")] = "scheduling.k8s.io/v1"
REMOVED_API_VERSIONS[("scheduling.k8s.io/v1alpha1", "PriorityClass")] = "scheduling.k8s.io/v1"
REMOVED_API_VERSIONS[("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition")] = "apiextensions.k8s.io/v1"
REMOVED_API_VERSIONS[("certificates.k8s.io/v1beta1", "CertificateSigningRequest")] = "certificates.k8s.io/v1"
REMOVED_API_VERSIONS[("coordination.k8s.io/v1beta1", "Lease")] = "coordination.k8s.io/v1"
REMOVED_API_VERSIONS[("discovery.k8s.io/v1beta1", "EndpointSlice")] = "discovery.k8s.io/v1"
REMOVED_API_VERSIONS[("events.k8s.io/v1beta1", "Event")] = "events.k8s.io/v1"
REMOVED_API_VERSIONS[("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration")] = (
    "admissionregistration.k8s.io/v1"
)
REMOVED_API_VERSIONS[("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration")] = (
    "admissionregistration.k8s.io/v1"
)


class Registry:
    """Every resource the API serves. Lookups are by (apiVersion, kind) for manifests and by name for kubectl."""

    def __init__(self, types: Iterable[ResourceType] = BUILTIN) -> None:
        self._types: list[ResourceType] = []
        self._by_gvk: dict[tuple[str, str], ResourceType] = {}
        self._by_gr: dict[tuple[str, str], ResourceType] = {}
        for rt in types:
            self.add(rt)

    def add(self, rt: ResourceType) -> None:
        """Register a resource (CRDs call this when they become Established)."""
        self.remove(rt.group, rt.plural)
        self._types.append(rt)
        for av in rt.served_api_versions():
            self._by_gvk[(av, rt.kind)] = rt
        self._by_gr[(rt.group, rt.plural)] = rt

    def remove(self, group: str, plural: str) -> None:
        rt = self._by_gr.pop((group, plural), None)
        if rt is None:
            return
        self._types.remove(rt)
        for av in rt.served_api_versions():
            if self._by_gvk.get((av, rt.kind)) is rt:
                del self._by_gvk[(av, rt.kind)]

    def __iter__(self) -> Iterator[ResourceType]:
        return iter(self._types)

    def by_gvk(self, api_version: str, kind: str) -> ResourceType | None:
        """The resource a manifest's apiVersion/kind maps to, or None (kubectl's "no matches for kind")."""
        return self._by_gvk.get((api_version, kind))

    def by_group_resource(self, group: str, plural: str) -> ResourceType | None:
        return self._by_gr.get((group, plural))

    def kinds_named(self, kind: str) -> list[ResourceType]:
        return [rt for rt in self._types if rt.kind == kind]

    def groups(self) -> list[str]:
        """Groups in discovery priority order (core first)."""
        seen = {rt.group for rt in self._types}
        ordered = [g for g in GROUP_PRIORITY if g in seen]
        ordered += sorted(seen - set(ordered))
        return ordered

    def in_discovery_order(self) -> list[ResourceType]:
        """Resources in the order discovery lists them: group priority, then resource name."""
        rank = {g: i for i, g in enumerate(self.groups())}
        return sorted(self._types, key=lambda rt: (rank[rt.group], rt.plural))

    def resolve(self, arg: str) -> ResourceType | None:
        """Resolve kubectl's resource argument: ``po``, ``pods``, ``pod``, ``Pod``, ``deploy``,
        ``deployments.apps``, ``deployment.v1.apps``, ``ingresses.networking.k8s.io`` ...

        Like the RESTMapper, exact plural/singular/short-name matches win and the core group is preferred.
        """
        if not arg:
            return None
        name = arg
        group: str | None = None
        version: str | None = None
        if "." in arg:
            head, _, rest = arg.partition(".")
            # resource.version.group
            v, _, g = rest.partition(".")
            if g and any(rt.version == v or v in rt.other_versions for rt in self._types if rt.group == g):
                name, version, group = head, v, g
            else:
                name, group = head, rest
        lname = name.lower()
        candidates = []
        for rt in self.in_discovery_order():
            if group is not None and rt.group != group:
                continue
            if version is not None and version != rt.version and version not in rt.other_versions:
                continue
            if lname in (rt.plural, rt.singular) or lname in rt.short_names or name == rt.kind:
                candidates.append(rt)
        if not candidates:
            # Case-insensitive kind match (kubectl accepts `Deployment`, `DEPLOYMENT` is rejected) and
            # the events.k8s.io duplicate of `events`.
            return None
        # Prefer core events over events.k8s.io, as kubectl does.
        return candidates[0]

    def all_category(self, category: str) -> list[ResourceType]:
        return [rt for rt in self.in_discovery_order() if category in rt.categories]
