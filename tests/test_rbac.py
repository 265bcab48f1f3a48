"""RBAC: a user with a Role in one namespace is allowed there and forbidden elsewhere; can-i; defaults."""

from __future__ import annotations

from k8stutor.engine.api.authz import ADMIN, Attributes, UserInfo
from k8stutor.engine.cluster import Cluster
from k8stutor.kubectl.commands.auth import compact_rules
from k8stutor.kubectl.main import Kubectl

JANE = UserInfo("jane", ("system:authenticated",))


def _setup() -> tuple[Cluster, Kubectl]:
    c = Cluster()
    k = Kubectl(c)
    for line in ("create namespace dev", "create role pod-reader --verb=get,list,watch --resource=pods -n dev",
                 "create rolebinding jane-read --role=pod-reader --user=jane -n dev"):
        assert k.run(line.split()).exit_code == 0
    return c, k


def test_role_allows_in_namespace_and_forbids_elsewhere() -> None:
    c, k = _setup()
    assert k.run("get pods -n dev --as jane".split()).exit_code == 0
    r = k.run("get pods --as jane".split())
    assert r.stderr == ('Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" '
                        'in API group "" in the namespace "default"\n')


def test_admin_is_all_powerful_and_default_roles_aggregate() -> None:
    c, _ = _setup()
    assert c.auth.check(Attributes(ADMIN, "delete", "", "nodes", "", "", "k8s-node01"))[0]
    view = c.api.get("clusterroles.rbac.authorization.k8s.io", "view")
    assert any("pods/log" in (r.get("resources") or []) for r in view["rules"])
    # The edit role aggregates view's rules too, and admin aggregates edit's.
    admin = c.api.get("clusterroles.rbac.authorization.k8s.io", "admin")
    assert any("rolebindings" in (r.get("resources") or []) for r in admin["rules"])
    assert any("pods/log" in (r.get("resources") or []) for r in admin["rules"])


def test_clusterrole_bound_in_one_namespace_and_resource_names() -> None:
    c, k = _setup()
    k.run("create rolebinding jane-edit --clusterrole=edit --user=jane -n dev".split())
    assert c.auth.check(Attributes(JANE, "create", "apps", "deployments", "", "dev"))[0]
    assert not c.auth.check(Attributes(JANE, "create", "apps", "deployments", "", "default"))[0]
    k.run("create role one --verb=get --resource=configmaps --resource-name=app -n default".split())
    k.run("create rolebinding one --role=one --user=jane -n default".split())
    assert c.auth.check(Attributes(JANE, "get", "", "configmaps", "", "default", "app"))[0]
    assert not c.auth.check(Attributes(JANE, "get", "", "configmaps", "", "default", "other"))[0]


def test_missing_role_reason_and_subresources() -> None:
    c, k = _setup()
    k.run("create rolebinding ghost --role=nope --user=bob -n dev".split())
    ok, reason = c.auth.check(Attributes(UserInfo("bob", ()), "get", "", "pods", "", "dev"))
    assert not ok and reason == 'RBAC: role.rbac.authorization.k8s.io "nope" not found'
    assert not c.auth.check(Attributes(JANE, "get", "", "pods", "log", "dev"))[0]


def test_can_i_list_rows_sorted_like_kubectl() -> None:
    rules = [{"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods"]},
             {"verbs": ["watch"], "apiGroups": [""], "resources": ["pods"]},
             {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews"]},
             {"verbs": ["get"], "nonResourceURLs": ["/version", "/api"]}]
    rows = compact_rules(rules)
    assert rows[0]["resources"] == ["selfsubjectaccessreviews"]
    assert {"resources": ["pods"], "apiGroups": [""], "verbs": ["get", "list", "watch"]} in rows
    assert [r.get("nonResourceURLs") for r in rows if r.get("nonResourceURLs")] == [["/api"], ["/version"]]
