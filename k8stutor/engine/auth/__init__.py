"""Authentication and authorization: RBAC with the default policy, the other authorization modes, CSRs.

``install(cluster)`` (called from ``Cluster._install_components``) creates the default ClusterRoles and
bindings, starts RBAC (indexed by subject), the ClusterRole aggregation controller and the CSR signer, and
sets ``api.authorizers`` from the preset's authorization modes (kubeadm: ``Node,RBAC``). The result is
``cluster.auth`` (:class:`AuthSystem`): ``check(attrs)`` answers SubjectAccessReviews, ``rules_for`` answers
SelfSubjectRulesReviews, ``authn`` issues and verifies credentials.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from .. import errors
from ..api.authz import ADMIN, Attributes, Authorizer, UserInfo, forbidden_message
from ..controllers.base import Controller, Key
from ..registry import ResourceType
from ..store import clone
from ..timeutil import rfc3339
from .authn import Authenticator, AuthnError, csr_subject, make_csr, make_private_key
from .policy import bootstrap_objects
from .rbac import RBACAuthorizer, rule_allows
from .rbac import install as install_rbac

if TYPE_CHECKING:
    from ..cluster import Cluster

__all__ = ["ADMIN", "AuthSystem", "AuthnError", "Authenticator", "MODES", "UserInfo", "bootstrap", "install",
           "make_csr", "make_private_key"]

MODES = ("AlwaysAllow", "AlwaysDeny", "ABAC", "Node", "RBAC", "Webhook")
DEFAULT_MODES = ("Node", "RBAC")
CSR_RES = "certificatesigningrequests.certificates.k8s.io"
CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client"


def always_allow(a: Attributes) -> tuple[str, str]:
    """``--authorization-mode=AlwaysAllow``."""
    return "allow", ""


def always_deny(a: Attributes) -> tuple[str, str]:
    """``--authorization-mode=AlwaysDeny`` (answers no opinion with the real reason)."""
    return "", "Everything is forbidden."


class NodeAuthorizer:
    """``Node`` mode: kubelets (``system:node:NAME`` in ``system:nodes``) may do what a kubelet needs."""

    READ = frozenset({"get", "list", "watch"})

    def __call__(self, a: Attributes) -> tuple[str, str]:
        """No opinion for anyone but kubelets."""
        if "system:nodes" not in a.user.groups or not a.user.username.startswith("system:node:"):
            return "", ""
        node = a.user.username[len("system:node:"):]
        if a.resource_request and a.group in ("", "coordination.k8s.io", "certificates.k8s.io", "storage.k8s.io"):
            if a.verb in self.READ and a.resource in ("nodes", "pods", "services", "endpoints", "configmaps",
                                                      "secrets", "persistentvolumeclaims", "persistentvolumes"):
                return "allow", ""
            if a.resource in ("nodes", "leases") and a.name == node:
                return "allow", ""
            if a.resource in ("pods", "events") or a.resource == "certificatesigningrequests":
                return "allow", ""
        return "", f"node '{node}' cannot {a.verb} {a.resource}"


class ABACAuthorizer:
    """Legacy ``ABAC`` mode: one policy object per line (``abac.authorization.kubernetes.io/v1beta1``)."""

    def __init__(self) -> None:
        self.policies: list[dict[str, Any]] = []

    def load(self, text: str) -> None:
        """Read a policy file (JSON lines); ValueError names the bad line."""
        out = []
        for i, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                out.append(json.loads(line).get("spec") or {})
            except (ValueError, AttributeError):
                raise ValueError(f"policy file line {i}: not a JSON policy object") from None
        self.policies = out

    def __call__(self, a: Attributes) -> tuple[str, str]:
        """Allow when some policy line matches; no opinion otherwise."""
        for p in self.policies:
            subj = (p.get("user") in ("*", a.user.username)) or (p.get("group") in a.user.groups
                                                                  or p.get("group") == "*")
            if not subj:
                continue
            if p.get("readonly") and a.verb not in ("get", "list", "watch"):
                continue
            if a.resource_request:
                if all(p.get(k) in ("*", v) for k, v in (("namespace", a.namespace), ("resource", a.resource),
                                                           ("apiGroup", a.group))):
                    return "allow", ""
            elif p.get("nonResourcePath") in ("*", a.path) or (
                    str(p.get("nonResourcePath", "")).endswith("*")
                    and a.path.startswith(str(p["nonResourcePath"])[:-1])):
                return "allow", ""
        return "", "No policy matched."


class CSRSigningController(Controller):
    """``csrsigning`` for ``kubernetes.io/kube-apiserver-client``: approved requests get a certificate."""

    name = "csrsigning"
    watches = (CSR_RES,)

    def __init__(self, cluster: Cluster, authn: Authenticator) -> None:
        super().__init__(cluster)
        self.authn = authn

    def reconcile(self, key: Key) -> None:
        """Sign once approved (and not denied/failed); the subject comes from the request."""
        csr = self.api.store.get(CSR_RES, "", key[2])
        if csr is None or (csr.get("status") or {}).get("certificate"):
            return
        conds = {c.get("type"): c for c in (csr.get("status") or {}).get("conditions") or []}
        if "Approved" not in conds or "Denied" in conds or "Failed" in conds:
            return
        spec = csr.get("spec") or {}
        if spec.get("signerName") != CLIENT_SIGNER:
            return
        subj = csr_subject(spec.get("request", ""))
        new = clone(csr)
        if subj is None:
            new["status"].setdefault("conditions", []).append(
                {"type": "Failed", "status": "True", "reason": "SignerValidationFailure",
                 "message": "unable to parse csr: PEM block type must be CERTIFICATE REQUEST",
                 "lastTransitionTime": rfc3339(self.cluster.now()), "lastUpdateTime": rfc3339(self.cluster.now())})
        else:
            days = min(float(spec.get("expirationSeconds") or 365 * 86400) / 86400, 365.0)
            request = base64.b64decode(spec.get("request", "")).decode(errors="replace")
            # A real PKCS#10 request (openssl req) gets a real certificate for its own key from the cluster CA.
            pem = self.authn.sign_request(request, days * 86400, list(spec.get("usages") or [])) \
                or self.authn.issue_certificate(subj[0], subj[1], days)
            new["status"]["certificate"] = base64.b64encode(pem.encode()).decode()
        self.api.update(new, subresource="status")


class AuthSystem:
    """The cluster's authentication and authorization (``cluster.auth``)."""

    def __init__(self, cluster: Cluster, modes: tuple[str, ...] = DEFAULT_MODES) -> None:
        self.cluster = cluster
        self.authn = Authenticator(cluster)
        self.rbac: RBACAuthorizer = install_rbac(cluster)
        self.node = NodeAuthorizer()
        self.abac = ABACAuthorizer()
        self.modes: tuple[str, ...] = ()
        self.set_modes(modes)

    def set_modes(self, modes: tuple[str, ...] | list[str]) -> None:
        """``--authorization-mode`` (in order); raises ValueError naming an unknown mode."""
        table: dict[str, Authorizer] = {"AlwaysAllow": always_allow, "AlwaysDeny": always_deny,
                                        "RBAC": self.rbac, "Node": self.node, "ABAC": self.abac}
        chain: list[Authorizer] = []
        for m in modes:
            if m not in table:
                raise ValueError(f'authorization-mode "{m}" is not a valid mode')
            chain.append(table[m])
        self.modes = tuple(modes)
        # Every request from system:masters is allowed before any mode is asked (the privileged-group check).
        self.cluster.api.authorizers = [_privileged] + chain

    def check(self, attrs: Attributes) -> tuple[bool, str]:
        """(allowed, reason) as a SubjectAccessReview answers it."""
        reasons = []
        for authz in self.cluster.api.authorizers:
            decision, reason = authz(attrs)
            if decision == "allow":
                return True, reason
            if reason:
                reasons.append(reason)
            if decision == "deny":
                break
        return False, "\n".join(reasons)

    def rules_for(self, user: UserInfo, namespace: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
        """SelfSubjectRulesReview: (resourceRules, nonResourceRules, evaluationError)."""
        if "AlwaysAllow" in self.modes:
            return ([{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                    [{"verbs": ["*"], "nonResourceURLs": ["*"]}], "")
        if "RBAC" not in self.modes:
            return [], [], ""
        return self.rbac.rules_for(user, namespace)

    def forbidden(self, attrs: Attributes, reason: str = "") -> errors.StatusError:
        """The 403 a request gets (reason appended as the API server does)."""
        msg = forbidden_message(attrs)
        if reason:
            msg += f": {reason}"
        return errors.forbidden(msg, attrs.group, attrs.resource, attrs.name)

    def check_impersonation(self, real: UserInfo, username: str, groups: tuple[str, ...] = ()) -> UserInfo:
        """The impersonated user for ``--as``/``--as-group``; 403 when ``real`` may not impersonate them."""
        targets: list[tuple[str, str, str]] = []
        if username.startswith("system:serviceaccount:") and username.count(":") == 3:
            _, _, ns, name = username.split(":")
            targets.append(("serviceaccounts", ns, name))
        else:
            targets.append(("users", "", username))
        targets += [("groups", "", g) for g in groups]
        for res, ns, name in targets:
            a = Attributes(real, "impersonate", "", res, "", ns, name)
            ok, reason = self.check(a)
            if not ok:
                raise self.forbidden(a, reason)
        out_groups = tuple(groups)
        if username.startswith("system:serviceaccount:") and not groups:
            ns = username.split(":")[2]
            out_groups = ("system:serviceaccounts", f"system:serviceaccounts:{ns}")
        if "system:authenticated" not in out_groups and username != "system:anonymous":
            out_groups += ("system:authenticated",)
        return UserInfo(username, out_groups)


def _privileged(a: Attributes) -> tuple[str, str]:
    return ("allow", "") if "system:masters" in a.user.groups else ("", "")


def _csr_admission(op: str, rt: ResourceType, obj: dict[str, Any], old: dict[str, Any] | None,
                   user: UserInfo | None) -> dict[str, Any] | None:
    """The CSR registry strategy: the requesting user is recorded in ``spec.username``/``groups``."""
    if rt.group_resource != CSR_RES or op != "CREATE":
        return None
    u = user or ADMIN
    spec = obj.setdefault("spec", {})
    spec["username"] = u.username
    spec["groups"] = list(u.groups)
    if u.uid:
        spec["uid"] = u.uid
    else:
        spec.pop("uid", None)
    obj["status"] = {}
    return obj


def bootstrap(cluster: Cluster) -> None:
    """Create the default RBAC policy (the API server's bootstrap-roles post-start hook, plus kubeadm's)."""
    api = cluster.api
    boot = cluster.now() - cluster.preset.age
    for obj in bootstrap_objects():
        rt = api.rt_for_object(obj)
        if api.store.get(rt.group_resource, "", obj["metadata"]["name"]) is not None:
            continue
        created = api.create(obj, validate_schema=False)
        # The roles were reconciled when the API server first started, not when the learner arrived.
        stored = clone(api.store.get(rt.group_resource, "", created["metadata"]["name"]))
        stored["metadata"]["creationTimestamp"] = rfc3339(boot)
        api.store.put(rt.group_resource, stored)


def install(cluster: Cluster) -> AuthSystem:
    """Bootstrap the policy and start authorization for ``cluster`` (idempotent)."""
    existing = getattr(cluster, "auth", None)
    if isinstance(existing, AuthSystem):
        return existing
    bootstrap(cluster)
    modes = tuple(getattr(cluster.preset, "authorization_modes", DEFAULT_MODES))
    system = AuthSystem(cluster, modes)
    cluster.auth = system  # type: ignore[attr-defined]
    cluster.api.admission.append(_csr_admission)
    cluster.add_controller(CSRSigningController(cluster, system.authn))
    cluster.settle()
    return system


def rule_grants(rule: dict[str, Any], attrs: Attributes) -> bool:
    """True when one PolicyRule grants ``attrs`` (re-exported for the TUI)."""
    return rule_allows(attrs, rule)
