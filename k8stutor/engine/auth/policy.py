"""The default RBAC policy a v1.32 kubeadm cluster has: bootstrap ClusterRoles and bindings, plus kubeadm's.

Rules are written compactly as ``(apiGroups, resources, verbs)`` tuples, optionally with ``resourceNames``, or
``("nonResourceURLs", urls, verbs)``. ``bootstrap_objects()`` expands them into the API objects the API server
reconciles at start (annotation ``rbac.authorization.kubernetes.io/autoupdate: "true"``, label
``kubernetes.io/bootstrapping: rbac-defaults``).
"""

from __future__ import annotations

from typing import Any

RBAC = "rbac.authorization.k8s.io"
RBAC_V1 = f"{RBAC}/v1"
R = "get list watch"
W = "create delete deletecollection patch update"
ALL = "create delete deletecollection get list patch update watch"
AGG_ADMIN = {"rbac.authorization.k8s.io/aggregate-to-admin": "true"}
AGG_EDIT = {"rbac.authorization.k8s.io/aggregate-to-edit": "true"}
AGG_VIEW = {"rbac.authorization.k8s.io/aggregate-to-view": "true"}

Rule = tuple[Any, ...]


def _r(groups: str, resources: str, verbs: str, names: str = "") -> Rule:
    return (groups.split(",") if groups != "-" else [""], resources.split(), verbs.split(), names.split())


def _nr(urls: str, verbs: str) -> Rule:
    return ("nonResourceURLs", urls.split(), verbs.split())


# name -> (extra labels, aggregation selector labels or None, rules)
CLUSTER_ROLES: dict[str, tuple[dict[str, str], list[dict[str, str]] | None, list[Rule]]] = {
    "admin": ({}, [AGG_ADMIN], []),
    "cluster-admin": ({}, None, [_r("*", "*", "*"), _nr("*", "*")]),
    "edit": (AGG_ADMIN, [AGG_EDIT], []),
    "system:aggregate-to-admin": (AGG_ADMIN, None, [
        _r("authorization.k8s.io", "localsubjectaccessreviews", "create"),
        _r(RBAC, "rolebindings roles", ALL),
    ]),
    "system:aggregate-to-edit": (AGG_EDIT, None, [
        _r("-", "pods/attach pods/exec pods/portforward pods/proxy secrets services/proxy", R),
        _r("-", "serviceaccounts", "impersonate"),
        _r("-", "pods pods/attach pods/exec pods/portforward pods/proxy", W),
        _r("-", "pods/eviction", "create"),
        _r("-", "configmaps events persistentvolumeclaims replicationcontrollers replicationcontrollers/scale "
                "secrets serviceaccounts services services/proxy", W),
        _r("-", "serviceaccounts/token", "create"),
        _r("apps", "daemonsets deployments deployments/rollback deployments/scale replicasets replicasets/scale "
                   "statefulsets statefulsets/scale", W),
        _r("autoscaling", "horizontalpodautoscalers", W),
        _r("batch", "cronjobs jobs", W),
        _r("extensions", "daemonsets deployments deployments/rollback deployments/scale ingresses networkpolicies "
                         "replicasets replicasets/scale replicationcontrollers/scale", W),
        _r("policy", "poddisruptionbudgets", W),
        _r("networking.k8s.io", "ingresses networkpolicies", W),
        _r("coordination.k8s.io", "leases", ALL),
    ]),
    "system:aggregate-to-view": (AGG_VIEW, None, [
        _r("-", "configmaps endpoints persistentvolumeclaims persistentvolumeclaims/status pods "
                "replicationcontrollers replicationcontrollers/scale serviceaccounts services services/status", R),
        _r("-", "bindings events limitranges namespaces/status pods/log pods/status replicationcontrollers/status "
                "resourcequotas resourcequotas/status", R),
        _r("-", "namespaces", R),
        _r("discovery.k8s.io", "endpointslices", R),
        _r("apps", "controllerrevisions daemonsets daemonsets/status deployments deployments/scale "
                   "deployments/status replicasets replicasets/scale replicasets/status statefulsets "
                   "statefulsets/scale statefulsets/status", R),
        _r("autoscaling", "horizontalpodautoscalers horizontalpodautoscalers/status", R),
        _r("batch", "cronjobs cronjobs/status jobs jobs/status", R),
        _r("extensions", "daemonsets daemonsets/status deployments deployments/scale deployments/status ingresses "
                         "ingresses/status networkpolicies replicasets replicasets/scale replicasets/status "
                         "replicationcontrollers/scale", R),
        _r("policy", "poddisruptionbudgets poddisruptionbudgets/status", R),
        _r("networking.k8s.io", "ingresses ingresses/status networkpolicies", R),
    ]),
    "system:auth-delegator": ({}, None, [
        _r("authentication.k8s.io", "tokenreviews", "create"),
        _r("authorization.k8s.io", "subjectaccessreviews", "create"),
    ]),
    "system:basic-user": ({}, None, [
        _r("authorization.k8s.io", "selfsubjectaccessreviews selfsubjectrulesreviews", "create"),
        _r("authentication.k8s.io", "selfsubjectreviews", "create"),
    ]),
    "system:certificates.k8s.io:certificatesigningrequests:nodeclient": ({}, None, [
        _r("certificates.k8s.io", "certificatesigningrequests/nodeclient", "create")]),
    "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient": ({}, None, [
        _r("certificates.k8s.io", "certificatesigningrequests/selfnodeclient", "create")]),
    "system:certificates.k8s.io:kube-apiserver-client-approver": ({}, None, [
        _r("certificates.k8s.io", "signers", "approve", "kubernetes.io/kube-apiserver-client")]),
    "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver": ({}, None, [
        _r("certificates.k8s.io", "signers", "approve", "kubernetes.io/kube-apiserver-client-kubelet")]),
    "system:certificates.k8s.io:kubelet-serving-approver": ({}, None, [
        _r("certificates.k8s.io", "signers", "approve", "kubernetes.io/kubelet-serving")]),
    "system:certificates.k8s.io:legacy-unknown-approver": ({}, None, [
        _r("certificates.k8s.io", "signers", "approve", "kubernetes.io/legacy-unknown")]),
    "system:discovery": ({}, None, [
        _nr("/api /api/* /apis /apis/* /healthz /livez /openapi /openapi/* /readyz /version /version/", "get")]),
    "system:heapster": ({}, None, [
        _r("-", "events namespaces nodes pods", R), _r("extensions", "deployments", R)]),
    "system:kube-aggregator": ({}, None, [_r("-", "endpoints services", R)]),
    "system:kube-controller-manager": ({}, None, [
        _r(",events.k8s.io", "events", "create patch update"),
        _r("coordination.k8s.io", "leases", "create"),
        _r("coordination.k8s.io", "leases", "get update", "kube-controller-manager"),
        _r("-", "secrets serviceaccounts", "create"),
        _r("-", "secrets", "delete"),
        _r("-", "configmaps namespaces secrets serviceaccounts", "get"),
        _r("-", "secrets serviceaccounts", "update"),
        _r("authentication.k8s.io", "tokenreviews", "create"),
        _r("authorization.k8s.io", "subjectaccessreviews", "create"),
        _r("*", "*", "list watch"),
        _r("-", "serviceaccounts/token", "create"),
    ]),
    "system:kube-dns": ({}, None, [_r("-", "endpoints services", "list watch")]),
    "system:kube-scheduler": ({}, None, [
        _r(",events.k8s.io", "events", "create patch update"),
        _r("coordination.k8s.io", "leases", "create"),
        _r("coordination.k8s.io", "leases", "get update", "kube-scheduler"),
        _r("-", "nodes", R),
        _r("-", "pods", "delete get list watch"),
        _r("-", "bindings pods/binding", "create"),
        _r("-", "pods/status", "patch update"),
        _r("-", "replicationcontrollers services", R),
        _r("apps,extensions", "replicasets", R),
        _r("apps", "statefulsets", R),
        _r("policy", "poddisruptionbudgets", R),
        _r("-", "persistentvolumeclaims persistentvolumes", R),
        _r("authentication.k8s.io", "tokenreviews", "create"),
        _r("authorization.k8s.io", "subjectaccessreviews", "create"),
        _r("storage.k8s.io", "csinodes", R),
        _r("-", "namespaces", R),
        _r("storage.k8s.io", "csidrivers", R),
        _r("storage.k8s.io", "csistoragecapacities", R),
    ]),
    "system:kubelet-api-admin": ({}, None, [
        _r("-", "nodes", R), _r("-", "nodes", "proxy"),
        _r("-", "nodes/log nodes/metrics nodes/proxy nodes/stats", "*"),
    ]),
    "system:monitoring": ({}, None, [
        _nr("/healthz /healthz/* /livez /livez/* /metrics /metrics/slis /readyz /readyz/*", "get")]),
    "system:node": ({}, None, [
        _r("authentication.k8s.io", "tokenreviews", "create"),
        _r("authorization.k8s.io", "localsubjectaccessreviews subjectaccessreviews", "create"),
        _r("-", "services", R),
        _r("-", "nodes", "create get list watch"),
        _r("-", "nodes/status", "patch update"),
        _r("-", "nodes", "patch update"),
        _r("-", "events", "create patch update"),
        _r("-", "pods", R),
        _r("-", "pods", "create delete"),
        _r("-", "pods/status", "patch update"),
        _r("-", "pods/eviction", "create"),
        _r("-", "configmaps secrets", R),
        _r("-", "persistentvolumeclaims persistentvolumes", "get"),
        _r("-", "endpoints", "get"),
        _r("certificates.k8s.io", "certificatesigningrequests", "create get list watch"),
        _r("coordination.k8s.io", "leases", "create delete get patch update"),
        _r("storage.k8s.io", "volumeattachments", "get"),
        _r("-", "serviceaccounts/token", "create"),
        _r("-", "persistentvolumeclaims/status", "get patch update"),
        _r("storage.k8s.io", "csidrivers", R),
        _r("storage.k8s.io", "csinodes", "create delete get patch update"),
        _r("node.k8s.io", "runtimeclasses", R),
    ]),
    "system:node-bootstrapper": ({}, None, [
        _r("certificates.k8s.io", "certificatesigningrequests", "create get list watch")]),
    "system:node-problem-detector": ({}, None, [
        _r("-", "nodes", "get"), _r("-", "nodes/status", "patch"),
        _r(",events.k8s.io", "events", "create patch update"),
    ]),
    "system:node-proxier": ({}, None, [
        _r("-", "endpoints services", "list watch"), _r("-", "nodes", R),
        _r(",events.k8s.io", "events", "create patch update"),
        _r("discovery.k8s.io", "endpointslices", "list watch"),
    ]),
    "system:persistent-volume-provisioner": ({}, None, [
        _r("-", "persistentvolumes", "create delete get list watch"),
        _r("-", "persistentvolumeclaims", "get list update watch"),
        _r("storage.k8s.io", "storageclasses", R),
        _r("-", "events", "watch"),
        _r(",events.k8s.io", "events", "create patch update"),
    ]),
    "system:public-info-viewer": ({}, None, [_nr("/healthz /livez /readyz /version /version/", "get")]),
    "system:service-account-issuer-discovery": ({}, None, [
        _nr("/.well-known/openid-configuration /.well-known/openid-configuration/ /openid/v1/jwks "
            "/openid/v1/jwks/", "get")]),
    "system:volume-scheduler": ({}, None, [
        _r("-", "persistentvolumes", "get list patch update watch"),
        _r("storage.k8s.io", "storageclasses", R),
        _r("-", "persistentvolumeclaims", "get list patch update watch"),
    ]),
    "view": (AGG_EDIT, [AGG_VIEW], []),
}

# kubeadm's own ClusterRoles (no bootstrapping label) and the add-ons' (CoreDNS, flannel).
KUBEADM_CLUSTER_ROLES: dict[str, list[Rule]] = {
    "kubeadm:get-nodes": [_r("-", "nodes", "get")],
    "system:coredns": [
        _r("-", "endpoints services pods namespaces", "list watch"),
        _r("discovery.k8s.io", "endpointslices", "list watch"),
    ],
    "flannel": [
        _r("-", "pods", "get"), _r("-", "nodes", "get list watch"), _r("-", "nodes/status", "patch"),
    ],
}

# name -> (role, subjects as (kind, name, namespace)); bootstrap ones get the rbac-defaults label.
CLUSTER_ROLE_BINDINGS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "cluster-admin": ("cluster-admin", [("Group", "system:masters", "")]),
    "system:basic-user": ("system:basic-user", [("Group", "system:authenticated", "")]),
    "system:discovery": ("system:discovery", [("Group", "system:authenticated", "")]),
    "system:kube-controller-manager": ("system:kube-controller-manager",
                                       [("User", "system:kube-controller-manager", "")]),
    "system:kube-dns": ("system:kube-dns", [("ServiceAccount", "kube-dns", "kube-system")]),
    "system:kube-scheduler": ("system:kube-scheduler", [("User", "system:kube-scheduler", "")]),
    "system:monitoring": ("system:monitoring", [("Group", "system:monitoring", "")]),
    "system:node": ("system:node", []),
    "system:node-proxier": ("system:node-proxier", [("User", "system:kube-proxy", "")]),
    "system:public-info-viewer": ("system:public-info-viewer", [("Group", "system:authenticated", ""),
                                                                ("Group", "system:unauthenticated", "")]),
    "system:service-account-issuer-discovery": ("system:service-account-issuer-discovery",
                                                [("Group", "system:serviceaccounts", "")]),
    "system:volume-scheduler": ("system:volume-scheduler", [("User", "system:kube-scheduler", "")]),
}

KUBEADM_CLUSTER_ROLE_BINDINGS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "kubeadm:cluster-admins": ("cluster-admin", [("Group", "kubeadm:cluster-admins", "")]),
    "kubeadm:get-nodes": ("kubeadm:get-nodes", [("Group", "system:bootstrappers:kubeadm:default-node-token", "")]),
    "kubeadm:kubelet-bootstrap": ("system:node-bootstrapper",
                                  [("Group", "system:bootstrappers:kubeadm:default-node-token", "")]),
    "kubeadm:node-autoapprove-bootstrap": ("system:certificates.k8s.io:certificatesigningrequests:nodeclient",
                                           [("Group", "system:bootstrappers:kubeadm:default-node-token", "")]),
    "kubeadm:node-autoapprove-certificate-rotation": (
        "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [("Group", "system:nodes", "")]),
    "kubeadm:node-proxier": ("system:node-proxier", [("ServiceAccount", "kube-proxy", "kube-system")]),
    "system:coredns": ("system:coredns", [("ServiceAccount", "coredns", "kube-system")]),
    "flannel": ("flannel", [("ServiceAccount", "flannel", "kube-flannel")]),
}


def expand_rule(rule: Rule) -> dict[str, Any]:
    """A compact rule tuple as an rbac/v1 PolicyRule dict (field order as the API serialises it)."""
    if rule[0] == "nonResourceURLs":
        return {"nonResourceURLs": list(rule[1]), "verbs": list(rule[2])}
    groups, resources, verbs, names = rule
    out: dict[str, Any] = {"apiGroups": list(groups)}
    if names:
        out["resourceNames"] = list(names)
    out["resources"] = list(resources)
    out["verbs"] = list(verbs)
    return out


def _subject(kind: str, name: str, ns: str) -> dict[str, Any]:
    if kind == "ServiceAccount":
        return {"kind": kind, "name": name, "namespace": ns}
    return {"apiGroup": RBAC, "kind": kind, "name": name}


def bootstrap_objects() -> list[dict[str, Any]]:
    """Every default ClusterRole and ClusterRoleBinding object, ready to create (roles first)."""
    objs: list[dict[str, Any]] = []
    auto = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
    for name, (labels, agg, rules) in CLUSTER_ROLES.items():
        obj: dict[str, Any] = {
            "apiVersion": RBAC_V1, "kind": "ClusterRole",
            "metadata": {"annotations": dict(auto), "labels": {"kubernetes.io/bootstrapping": "rbac-defaults",
                                                               **labels}, "name": name},
            "rules": [expand_rule(r) for r in rules],
        }
        if agg is not None:
            obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": dict(s)} for s in agg]}
        objs.append(obj)
    for name, rules in KUBEADM_CLUSTER_ROLES.items():
        objs.append({"apiVersion": RBAC_V1, "kind": "ClusterRole", "metadata": {"name": name},
                     "rules": [expand_rule(r) for r in rules]})
    for table, bootstrap in ((CLUSTER_ROLE_BINDINGS, True), (KUBEADM_CLUSTER_ROLE_BINDINGS, False)):
        for name, (role, subjects) in table.items():
            meta: dict[str, Any] = {"name": name}
            if bootstrap:
                meta = {"annotations": dict(auto), "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
                        "name": name}
            b: dict[str, Any] = {"apiVersion": RBAC_V1, "kind": "ClusterRoleBinding", "metadata": meta,
                                 "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": role}}
            if subjects:
                b["subjects"] = [_subject(*s) for s in subjects]
            objs.append(b)
    return objs
