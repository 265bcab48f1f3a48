"""The RBAC authorizer (``pkg/registry/rbac/validation`` + ``plugin/pkg/auth/authorizer/rbac``).

Bindings are indexed by subject from store watches, so a decision touches only the bindings that name the
user, one of its groups or its service account — never a scan of every binding. Also here: the rule resolver
behind ``SelfSubjectRulesReview`` (``kubectl auth can-i --list``) and the ClusterRole aggregation controller.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..api.authz import Attributes, UserInfo
from ..controllers.base import Controller, Key
from ..selectors import selector_from_label_selector
from ..store import DELETED, Event, clone

if TYPE_CHECKING:
    from ..cluster import Cluster
    from ..store import Store

RBAC_GROUP = "rbac.authorization.k8s.io"
CLUSTER_ROLES = f"clusterroles.{RBAC_GROUP}"
ROLES = f"roles.{RBAC_GROUP}"
CLUSTER_ROLE_BINDINGS = f"clusterrolebindings.{RBAC_GROUP}"
ROLE_BINDINGS = f"rolebindings.{RBAC_GROUP}"
SA_PREFIX = "system:serviceaccount:"
PRIVILEGED_GROUP = "system:masters"

SubjectKey = tuple[str, str]  # ("User", username) or ("Group", group); service accounts map to their username


# ---- rule matching (rbac/v1 helpers) --------------------------------------------------------------------------
def verb_matches(rule: dict[str, Any], verb: str) -> bool:
    """The rule lists ``verb`` or ``*``."""
    verbs = rule.get("verbs") or ()
    return "*" in verbs or verb in verbs


def api_group_matches(rule: dict[str, Any], group: str) -> bool:
    """The rule lists ``group`` or ``*``."""
    groups = rule.get("apiGroups") or ()
    return "*" in groups or group in groups


def resource_matches(rule: dict[str, Any], combined: str, subresource: str) -> bool:
    """``*``, an exact ``resource[/subresource]`` or ``*/subresource``."""
    for r in rule.get("resources") or ():
        if r == "*" or r == combined:
            return True
        if subresource and len(r) == len(subresource) + 2 and r.startswith("*/") and r.endswith(subresource):
            return True
    return False


def resource_name_matches(rule: dict[str, Any], name: str) -> bool:
    """No resourceNames, or ``name`` among them."""
    names = rule.get("resourceNames") or ()
    return not names or name in names


def non_resource_url_matches(rule: dict[str, Any], path: str) -> bool:
    """``*``, the exact path, or a ``prefix*`` the path starts with."""
    for u in rule.get("nonResourceURLs") or ():
        if u == "*" or u == path or (u.endswith("*") and path.startswith(u[:-1])):
            return True
    return False


def rule_allows(a: Attributes, rule: dict[str, Any]) -> bool:
    """``RuleAllows``: does one PolicyRule grant the request?"""
    if a.resource_request:
        combined = a.resource + (f"/{a.subresource}" if a.subresource else "")
        return (verb_matches(rule, a.verb) and api_group_matches(rule, a.group)
                and resource_matches(rule, combined, a.subresource) and resource_name_matches(rule, a.name))
    return verb_matches(rule, a.verb) and non_resource_url_matches(rule, a.path)


def subject_keys(subject: dict[str, Any], binding_ns: str) -> SubjectKey | None:
    """The index key a binding subject matches on (None for unknown kinds)."""
    kind = subject.get("kind")
    name = subject.get("name") or ""
    if kind == "User":
        return ("User", name)
    if kind == "Group":
        return ("Group", name)
    if kind == "ServiceAccount":
        ns = subject.get("namespace") or binding_ns
        return ("User", f"{SA_PREFIX}{ns}:{name}")
    return None


def user_keys(user: UserInfo) -> list[SubjectKey]:
    """Every key a user's request is looked up under."""
    return [("User", user.username)] + [("Group", g) for g in user.groups]


# ---- the authorizer ------------------------------------------------------------------------------------------------
class RBACAuthorizer:
    """``rbac.New``: allow when some (Cluster)RoleBinding for the user grants the request, else no opinion."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._crb: dict[SubjectKey, set[str]] = {}
        self._rb: dict[SubjectKey, dict[str, set[str]]] = {}
        self._keys: dict[tuple[str, str, str], list[SubjectKey]] = {}
        for res in (CLUSTER_ROLE_BINDINGS, ROLE_BINDINGS):
            for obj in store.list(res):
                self._index(res, obj)
            store.watch(res, callback=self._on_event)

    # -- index ------------------------------------------------------------------------------------------------------
    def _on_event(self, ev: Event) -> None:
        self._unindex(ev.resource, ev.object)
        if ev.type != DELETED:
            self._index(ev.resource, ev.object)

    def _index(self, res: str, obj: dict[str, Any]) -> None:
        ns = obj["metadata"].get("namespace", "") or ""
        name = obj["metadata"]["name"]
        keys = [k for s in obj.get("subjects") or () if isinstance(s, dict) and (k := subject_keys(s, ns))]
        self._keys[(res, ns, name)] = keys
        for k in keys:
            if res == CLUSTER_ROLE_BINDINGS:
                self._crb.setdefault(k, set()).add(name)
            else:
                self._rb.setdefault(k, {}).setdefault(ns, set()).add(name)

    def _unindex(self, res: str, obj: dict[str, Any]) -> None:
        ns = obj["metadata"].get("namespace", "") or ""
        name = obj["metadata"]["name"]
        for k in self._keys.pop((res, ns, name), []):
            if res == CLUSTER_ROLE_BINDINGS:
                self._crb.get(k, set()).discard(name)
            else:
                self._rb.get(k, {}).get(ns, set()).discard(name)

    # -- evaluation -----------------------------------------------------------------------------------------------
    def bindings_for(self, user: UserInfo, namespace: str) -> Iterator[tuple[dict[str, Any], str]]:
        """(binding, namespace) pairs that apply to ``user``: ClusterRoleBindings, then RoleBindings in namespace."""
        crbs: set[str] = set()
        rbs: set[str] = set()
        for k in user_keys(user):
            crbs |= self._crb.get(k, set())
            if namespace:
                rbs |= self._rb.get(k, {}).get(namespace, set())
        for name in sorted(crbs):
            b = self.store.get(CLUSTER_ROLE_BINDINGS, "", name)
            if b is not None:
                yield b, ""
        for name in sorted(rbs):
            b = self.store.get(ROLE_BINDINGS, namespace, name)
            if b is not None:
                yield b, namespace

    def role_rules(self, binding: dict[str, Any], namespace: str) -> tuple[list[dict[str, Any]], str]:
        """The rules a binding's roleRef grants, or an error text when the role is missing."""
        ref = binding.get("roleRef") or {}
        kind, name = ref.get("kind"), ref.get("name", "")
        if kind == "ClusterRole":
            role = self.store.get(CLUSTER_ROLES, "", name)
            if role is None:
                return [], f'clusterrole.{RBAC_GROUP} "{name}" not found'
        elif kind == "Role" and namespace:
            role = self.store.get(ROLES, namespace, name)
            if role is None:
                return [], f'role.{RBAC_GROUP} "{name}" not found'
        else:
            return [], f'unsupported role reference kind: "{kind}"'
        return [r for r in role.get("rules") or () if isinstance(r, dict)], ""

    def __call__(self, a: Attributes) -> tuple[str, str]:
        """The authorizer function the API server calls."""
        if PRIVILEGED_GROUP in a.user.groups:
            return "allow", ""
        errors: list[str] = []
        for binding, ns in self.bindings_for(a.user, a.namespace):
            rules, err = self.role_rules(binding, ns)
            if err:
                errors.append(err)
            for rule in rules:
                if rule_allows(a, rule):
                    return "allow", ""
        if errors:
            return "", "RBAC: " + _aggregate(errors)
        return "", ""

    def rules_for(self, user: UserInfo, namespace: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
        """``RulesFor``: (resource rules, non-resource rules, evaluation error) as SelfSubjectRulesReview reports."""
        res_rules: list[dict[str, Any]] = []
        nonres: list[dict[str, Any]] = []
        errors: list[str] = []
        for binding, ns in self.bindings_for(user, namespace):
            rules, err = self.role_rules(binding, ns)
            if err:
                errors.append(err)
            for r in rules:
                if r.get("nonResourceURLs"):
                    nonres.append({"verbs": list(r.get("verbs") or []), "nonResourceURLs": list(r["nonResourceURLs"])})
                if r.get("resources") or r.get("apiGroups"):
                    rr: dict[str, Any] = {"verbs": list(r.get("verbs") or []),
                                          "apiGroups": list(r.get("apiGroups") or []),
                                          "resources": list(r.get("resources") or [])}
                    if r.get("resourceNames"):
                        rr["resourceNames"] = list(r["resourceNames"])
                    res_rules.append(rr)
        return res_rules, nonres, _aggregate(errors) if errors else ""


def _aggregate(errors: list[str]) -> str:
    """``utilerrors.NewAggregate(errs).Error()``."""
    if len(errors) == 1:
        return errors[0]
    return "[" + ", ".join(errors) + "]"


# ---- ClusterRole aggregation ----------------------------------------------------------------------------------------
class ClusterRoleAggregationController(Controller):
    """``clusterrole-aggregation``: a ClusterRole with an aggregationRule gets the rules of every matching role."""

    name = "clusterrole-aggregation"
    watches = (CLUSTER_ROLES,)

    def start(self) -> None:
        """Watch ClusterRoles and reconcile every aggregated role once."""
        super().start()
        self._requeue()

    def on_event(self, ev: Event) -> None:
        """Any ClusterRole change may change an aggregate: requeue the aggregated roles."""
        self._requeue()

    def _requeue(self) -> None:
        for role in self.api.store.list(CLUSTER_ROLES):
            if role.get("aggregationRule"):
                self.queue.add((CLUSTER_ROLES, "", role["metadata"]["name"]))

    def reconcile(self, key: Key) -> None:
        """Set ``rules`` to the union (in name order, deduplicated) of the selected roles' rules."""
        role = self.api.store.get(CLUSTER_ROLES, "", key[2])
        if role is None or not role.get("aggregationRule"):
            return
        selectors = [selector_from_label_selector(s)
                     for s in (role["aggregationRule"].get("clusterRoleSelectors") or [])]
        rules: list[dict[str, Any]] = []
        for other in self.api.store.list(CLUSTER_ROLES):
            if other["metadata"]["name"] == key[2]:
                continue
            labels = other["metadata"].get("labels") or {}
            if any(s.matches(labels) for s in selectors):
                for r in other.get("rules") or []:
                    if r not in rules:
                        rules.append(clone(r))
        if (role.get("rules") or []) == rules:
            return
        new = clone(role)
        new["rules"] = rules
        self.api.update(new)


def install(cluster: Cluster) -> RBACAuthorizer:
    """Start the aggregation controller and return the authorizer (indexed from now on)."""
    cluster.add_controller(ClusterRoleAggregationController(cluster))
    return RBACAuthorizer(cluster.store)
